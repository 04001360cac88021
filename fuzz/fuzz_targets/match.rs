//! Arbitrary logs against the embedded corpus: the whole-text matcher with its wire document,
//! the streaming line matcher, and article search.
#![no_main]

use std::sync::OnceLock;

use errsig::{Corpus, Engine};
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let corpus = Corpus::embedded().expect("the embedded corpus is valid");
        Engine::new(&corpus).expect("the embedded corpus builds")
    })
}

fuzz_target!(|data: &[u8]| {
    let engine = engine();
    let report = engine.match_bytes(data);
    assert_eq!(report.input().bytes, data.len());
    let document = errsig::wire::MatchDocument::from_report(&report);
    serde_json::to_string(&document).expect("the match document serializes");

    let text = String::from_utf8_lossy(data);
    let mut stream = engine.stream();
    for line in text.lines() {
        let _ = stream.push_line(line);
    }
    let _ = stream.flush();

    let query: String = text.chars().take(256).collect();
    let _ = engine.search_articles(&query, 5);
});
