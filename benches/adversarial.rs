//! Adversarial match throughput (issue #8): inputs shaped to hit the engine's worst cases, each
//! timed beside an ordinary log in the same run, as a ratio. Matching must stay linear in the
//! input: the target is at least 10 % of the ordinary log's throughput on every input.
//!
//! Run: `cargo bench --bench adversarial` (add `-- --secs 5` for longer runs per input).
//! Every input's answer is checked once before it is timed; the table goes to stdout.

use std::time::{Duration, Instant};

use errsig::{Corpus, Engine, MatchReport};

const ORDINARY: &str = include_str!("data/large.log");
/// The size of each generated input; the engine's default input cap is 8 MiB, so all of it is
/// read.
const SIZE: usize = 1 << 20;

struct Input {
    name: &'static str,
    what: &'static str,
    text: String,
    /// What the answer must be: the first match's id, or `None` for no confident match.
    expected: Expected,
}

enum Expected {
    First(&'static str),
    Nothing,
    /// Any answer; only that it comes.
    Anything,
}

fn repeat_to(unit: &str, size: usize) -> String {
    let mut text = String::with_capacity(size + unit.len());
    while text.len() < size {
        text.push_str(unit);
    }
    text
}

fn inputs(corpus: &Corpus) -> Vec<Input> {
    let anchor = "No fallback model group found for original model_group=gpt-4o. Fallbacks=[]";
    // Every anchor of the corpus on one line: every signature becomes a candidate at once.
    let all_anchors: String = corpus
        .signatures()
        .iter()
        .flat_map(|signature| signature.rules().anchors.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ; ");
    // A line that carries anchors of several signatures but none of their full messages.
    let near_miss = "litellm.exceptions.NotFoundError: AzureException - DeploymentNotFound ... \
                     Incorrect API key ... model group ... context length ... rate limit ... \
                     budget ... virtual key ... api_base ... ";
    let mut near_miss_lines = String::new();
    while near_miss_lines.len() < SIZE {
        near_miss_lines.push_str(&repeat_to(near_miss, 64 << 10));
        near_miss_lines.push('\n');
    }
    // A JSON error body nested in itself, as escaped strings inside strings.
    let mut nested = String::from(r#"{"error": {"message": "x"}}"#);
    while nested.len() < 4096 {
        nested =
            format!(r#"{{"error": {{"message": {}}}}}"#, serde_json::to_string(&nested).unwrap());
    }
    vec![
        Input {
            name: "ordinary",
            what: "benches/data/large.log: a mixed application log (the reference)",
            text: ORDINARY.to_owned(),
            expected: Expected::First("litellm-provider-not-provided"),
        },
        Input {
            name: "one-anchor-line",
            what: "1 MiB of one message (with its anchor) repeated on a single line",
            text: repeat_to(&format!("{anchor} "), SIZE),
            expected: Expected::First("proxy-router-no-fallback-model-group-found"),
        },
        Input {
            name: "one-anchor-lines",
            what: "1 MiB of lines that each hold the same message",
            text: repeat_to(&format!("{anchor}\n"), SIZE),
            expected: Expected::First("proxy-router-no-fallback-model-group-found"),
        },
        Input {
            name: "all-anchors",
            what: "every corpus anchor on each line, repeated to 1 MiB (every signature a candidate)",
            text: repeat_to(&format!("{all_anchors}\n"), SIZE),
            expected: Expected::Anything,
        },
        Input {
            name: "near-miss-long-lines",
            what: "64 KiB lines full of anchors of many signatures, none verified",
            text: near_miss_lines,
            expected: Expected::Anything,
        },
        Input {
            name: "volatile-only",
            what: "1 MiB single line of ids, numbers, URLs and paths (the masking worst case)",
            text: repeat_to(
                "req_8f3a9c2e1b7d 0x7ffd2a 2024-05-01T10:00:00Z https://a.example/x/y?z=1 /srv/app/m.py 12345 ",
                SIZE,
            ),
            expected: Expected::Nothing,
        },
        Input {
            name: "nested-json",
            what: "a JSON error body quoted inside itself, repeated to 1 MiB",
            text: repeat_to(&format!("{nested}\n"), SIZE),
            expected: Expected::Anything,
        },
        Input {
            name: "traceback-storm",
            what: "one Python traceback 1 MiB long (a single event)",
            text: {
                let mut text = String::from("Traceback (most recent call last):\n");
                text.push_str(&repeat_to(
                    "  File \"/usr/lib/python3.12/site-packages/litellm/main.py\", line 1234, in completion\n    raise e\n",
                    SIZE,
                ));
                text.push_str("litellm.exceptions.APIConnectionError: boom\n");
                text
            },
            expected: Expected::Anything,
        },
    ]
}

fn check(input: &Input, report: &MatchReport) {
    let first = report.matches().first().map(|m| m.signature_id().as_str());
    match input.expected {
        Expected::First(id) => assert_eq!(first, Some(id), "{}", input.name),
        Expected::Nothing => assert_eq!(first, None, "{}", input.name),
        Expected::Anything => {}
    }
}

/// Matches `text` repeatedly for at least `budget`; returns bytes per second.
fn throughput(engine: &Engine, text: &str, budget: Duration) -> (f64, usize) {
    let started = Instant::now();
    let mut runs = 0;
    while runs == 0 || started.elapsed() < budget {
        std::hint::black_box(engine.match_text(std::hint::black_box(text)));
        runs += 1;
    }
    (text.len() as f64 * runs as f64 / started.elapsed().as_secs_f64(), runs)
}

fn main() {
    let mut secs = 2.0;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--secs" {
            secs = args.next().and_then(|value| value.parse().ok()).expect("--secs SECONDS");
        }
    }
    let corpus = Corpus::embedded().expect("the embedded corpus is valid");
    let engine = Engine::new(&corpus).expect("it builds");
    let inputs = inputs(&corpus);
    for input in &inputs {
        check(input, &engine.match_text(&input.text));
    }
    let budget = Duration::from_secs_f64(secs);
    let mut reference = None;
    println!("| input | bytes | MB/s | ratio to ordinary | runs | what |");
    println!("|---|---|---|---|---|---|");
    for input in &inputs {
        let (rate, runs) = throughput(&engine, &input.text, budget);
        let reference = *reference.get_or_insert(rate);
        println!(
            "| {} | {} | {:.1} | {:.2} | {} | {} |",
            input.name,
            input.text.len(),
            rate / 1e6,
            rate / reference,
            runs,
            input.what
        );
    }
}
