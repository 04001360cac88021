//! Property tests: the normalizer and matcher never panic, keep their offsets honest, are
//! idempotent, never let a planted secret through, and the prefilter changes no answer.

use std::sync::{Arc, OnceLock};

use errsig::{Corpus, Engine};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() }
}

/// Fragments real logs are made of, so generated text exercises every normalizer path.
fn log_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z]{1,12}",
        "[ \t]{1,3}",
        Just("\n".to_string()),
        Just("2024-05-01T10:00:00Z ".to_string()),
        Just("ERROR ".to_string()),
        Just("web-1  | ".to_string()),
        Just("Traceback (most recent call last):\n".to_string()),
        Just("  File \"/app/x.py\", line 3, in f\n".to_string()),
        Just("Error code: 404 - ".to_string()),
        Just("{'error': {'code': '429', 'message': 'x'}}".to_string()),
        Just("{\"error\": {\n\"message\": \"y\"\n}}".to_string()),
        Just("\\\"quoted\\\" \\n".to_string()),
        Just("https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21".to_string()),
        Just("sk-proj-Zq8Xw7Vu6Ts5Rq4Po3Nm".to_string()),
        Just("\x1b[31m".to_string()),
        Just("123 ".to_string()),
        Just("0xdeadbeef 3f2a9c1d88e0 ".to_string()),
        Just("user@example.com 10.0.0.1:8080 ".to_string()),
        Just("\u{feff}\u{a0}é漢".to_string()),
        Just("\0".to_string()),
    ]
}

fn log_text() -> impl Strategy<Value = String> {
    prop::collection::vec(log_fragment(), 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn matching_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let report = crate::engine().match_bytes(&bytes);
        prop_assert!(report.input().bytes == bytes.len());
    }

    #[test]
    fn offsets_are_in_bounds_and_monotone(text in prop_oneof![log_text(), any::<String>()]) {
        let normalized = errsig::normalize(&text);
        let mut last_line = 0;
        for event in normalized.events() {
            let (first, last) = event.lines();
            prop_assert!(first > last_line && first <= last && last <= normalized.line_count());
            last_line = last;
            let span = event.original_span(0..event.text().len());
            prop_assert!(span.end() <= text.len());
            let mut previous = 0;
            for end in (0..=event.text().len()).filter(|i| event.text().is_char_boundary(*i)) {
                let mapped = event.original_span(0..end).end();
                prop_assert!(mapped >= previous, "map not monotone at {end}");
                previous = mapped;
            }
        }
        for item in normalized.evidence() {
            prop_assert!(item.span().end() <= text.len());
        }
        let mut previous = 0;
        for redaction in normalized.redactions() {
            prop_assert!(redaction.span().start() >= previous && redaction.span().end() <= text.len());
            previous = redaction.span().end();
        }
    }

    #[test]
    fn normalizing_is_idempotent(text in log_text()) {
        let once = errsig::normalize(&text).text();
        let twice = errsig::normalize(&once).text();
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn planted_secrets_never_come_out(
        before in "[a-z ]{0,20}",
        after in "[a-z ]{0,20}",
        shape in 0usize..8,
        family in 0usize..8,
        body in "[A-Za-z0-9]{24,32}",
    ) {
        let secret = match family {
            0 => format!("sk-proj-{body}"),
            1 => format!("sk-ant-api03-{body}"),
            2 => format!("AKIA{}", &body.to_uppercase()[..16]),
            3 => format!("ghp_{body}"),
            4 => format!("hf_{body}"),
            5 => format!("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ{body}.{body}"),
            6 => format!("xoxb-{body}"),
            _ => format!("AIza{body}{body}")[..39].to_string(),
        };
        let placed = match shape {
            0 => secret.clone(),
            1 => format!("api_key={secret}"),
            2 => format!("{{\"api_key\": \"{secret}\"}}"),
            3 => format!("https://api.example.com/v1?key={secret}&x=1"),
            4 => format!("Authorization: Bearer {secret}"),
            5 => format!("postgresql://llm:{secret}@db:5432/x"),
            6 => format!("  File \"/app/x.py\", line 3, in f\n    call(api_key='{secret}')"),
            _ => format!("{{\\\"api_key\\\": \\\"{secret}\\\"}}"),
        };
        let text = format!("{before} {placed} {after}\nlitellm.NotFoundError: OpenAIException - Resource not found");
        let report = crate::engine().match_text(&text);
        let json = serde_json::to_string(&errsig::wire::MatchDocument::from_report(&report)).unwrap();
        let normalized = errsig::normalize(&text);
        let probe = &secret[secret.len() - 12..];
        prop_assert!(!json.contains(probe), "leaked into the report: {}", json);
        prop_assert!(!normalized.text().contains(probe));
        for line in 1..=normalized.line_count() {
            prop_assert!(!normalized.display_line(line).unwrap_or_default().contains(probe));
        }
    }

    #[test]
    fn masking_leaves_the_surrounding_text_alone(
        before in "[a-z]{1,10}( [a-z]{1,10}){0,3}",
        after in "[a-z]{1,10}( [a-z]{1,10}){0,3}",
        token in 0usize..6,
    ) {
        let (value, placeholder) = [
            ("123e4567-e89b-12d3-a456-426614174000", "<uuid>"),
            ("2024-05-01T10:00:00Z", "<ts>"),
            ("/usr/lib/python3.11/site-packages/litellm/main.py", "<path>/litellm/main.py"),
            ("3f2a9c1d88e0", "<id>"),
            ("https://example.com/a/b?c=d", "<url>"),
            ("chatcmpl-AbCdEf123456", "<id>"),
        ][token];
        let normalized = errsig::normalize(&format!("{before} {value} {after}"));
        prop_assert_eq!(normalized.text(), format!("{before} {placeholder} {after}"));
    }
}

fn brute_force_engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    Arc::clone(ENGINE.get_or_init(|| {
        let corpus = Corpus::embedded().unwrap();
        Arc::new(Engine::builder().prefilter(false).build(&corpus).unwrap())
    }))
}

fn examples() -> &'static [String] {
    static EXAMPLES: OnceLock<Vec<String>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        crate::engine()
            .signatures()
            .iter()
            .flat_map(|s| {
                s.examples()
                    .iter()
                    .map(|e| e.text.clone())
                    .chain(s.counter_examples().iter().map(|c| c.text.clone()))
            })
            .collect()
    })
}

fn summary(engine: &Engine, text: &str) -> Vec<(String, u32)> {
    let report = engine.match_text(text);
    report
        .matches()
        .iter()
        .map(|m| (m.signature_id().to_string(), (m.confidence().value() * 1000.0) as u32))
        .chain(
            report.suggestions().iter().map(|s| {
                (format!("~{}", s.signature_id()), (s.confidence().value() * 1000.0) as u32)
            }),
        )
        .collect()
}

proptest! {
    #![proptest_config(config())]

    /// aho-corasick's "naive engine" idea: the automaton must find exactly what trying every
    /// signature on every event finds, on corpus examples cut, doubled and re-cased at random.
    #[test]
    fn prefilter_matches_brute_force(
        index in any::<prop::sample::Index>(),
        cut_at in any::<prop::sample::Index>(),
        cut_len in 0usize..24,
        mode in 0usize..4,
    ) {
        let examples = examples();
        let base = &examples[index.index(examples.len())];
        let chars: Vec<char> = base.chars().collect();
        let at = cut_at.index(chars.len().max(1));
        let mutated: String = match mode {
            0 => chars[..at].iter().chain(chars[(at + cut_len).min(chars.len())..].iter()).collect(),
            1 => format!("{base}\n{base}"),
            2 => base.to_uppercase(),
            _ => format!("noise before\n{}\n{}", chars[..at].iter().collect::<String>(), "x".repeat(cut_len)),
        };
        prop_assert_eq!(summary(&crate::engine(), &mutated), summary(&brute_force_engine(), &mutated));
    }
}

#[test]
fn prefilter_matches_brute_force_on_every_corpus_case() {
    let mismatches: Vec<String> = examples()
        .iter()
        .filter_map(|text| {
            let fast = summary(&crate::engine(), text);
            let slow = summary(&brute_force_engine(), text);
            (fast != slow).then(|| format!("{fast:?} != {slow:?} on {text:?}"))
        })
        .collect();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
