//! Engine benchmarks: build, match (one hit, many hits, no hit) and normalization, with the
//! brute-force engine (every signature tried on every event) beside the prefiltered one so the
//! automaton keeps earning its place. Every bench checks its answer once before timing.
//! Run: `cargo bench --bench engine`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use errsig::{Corpus, Engine};

const SMALL: &str = include_str!("data/small.log");
const LARGE: &str = include_str!("data/large.log");
const NO_HIT: &str = include_str!("data/no_hit.log");

fn engines() -> (Engine, Engine) {
    let corpus = Corpus::embedded().expect("the embedded corpus is valid");
    let fast = Engine::new(&corpus).expect("it builds");
    let naive = Engine::builder().prefilter(false).build(&corpus).expect("it builds");
    (fast, naive)
}

fn build(c: &mut Criterion) {
    let corpus = Corpus::embedded().unwrap();
    c.bench_function("engine/build", |b| b.iter(|| Engine::new(&corpus).unwrap()));
}

fn matching(c: &mut Criterion) {
    let (fast, naive) = engines();
    let cases = [
        ("small", SMALL, Some("azure-404-full-deployment-url-without-azure-prefix")),
        ("large", LARGE, Some("litellm-provider-not-provided")),
        ("no_hit", NO_HIT, None),
    ];
    for (name, input, expected) in cases {
        for (engine_name, engine) in [("errsig", &fast), ("naive", &naive)] {
            let report = engine.match_text(input);
            assert_eq!(
                report.matches().first().map(|m| m.signature_id().as_str()),
                expected,
                "{engine_name}/{name}"
            );
        }
        let mut group = c.benchmark_group(format!("engine/match/{name}"));
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.sample_size(10);
        group.bench_function("errsig", |b| b.iter(|| fast.match_text(input)));
        group.bench_function("naive", |b| b.iter(|| naive.match_text(input)));
        group.finish();
    }
}

fn normalization(c: &mut Criterion) {
    assert!(errsig::normalize(SMALL).events().len() > 100);
    let mut group = c.benchmark_group("normalize");
    group.throughput(Throughput::Bytes(LARGE.len() as u64));
    group.sample_size(10);
    group.bench_function("large", |b| b.iter(|| errsig::normalize(LARGE)));
    group.finish();
}

fn search(c: &mut Criterion) {
    let (fast, _) = engines();
    assert_eq!(
        fast.search_articles("no fallback model group found", 1).hits()[0].signature_id().as_str(),
        "proxy-router-no-fallback-model-group-found"
    );
    c.bench_function("articles/search", |b| {
        b.iter(|| fast.search_articles("azure deployment not found 404", 5))
    });
}

criterion_group!(benches, build, matching, normalization, search);
criterion_main!(benches);
