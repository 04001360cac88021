//! Arbitrary bytes through `normalize`: no panic, and every span it reports lies inside the
//! input, in order.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let normalized = errsig::normalize(&text);
    let len = text.len();
    let mut previous_line = 0;
    for event in normalized.events() {
        let (first, last) = event.lines();
        assert!(first > previous_line && first <= last && last <= normalized.line_count());
        previous_line = last;
        let span = event.original_span(0..event.text().len());
        assert!(span.end() <= len, "event span {span:?} past {len}");
    }
    let mut previous_end = 0;
    for redaction in normalized.redactions() {
        let span = redaction.span();
        assert!(span.start() >= previous_end && span.end() <= len, "redaction {span:?}");
        previous_end = span.end();
    }
    for evidence in normalized.evidence() {
        assert!(evidence.span().end() <= len);
        let _ = evidence.kind().display_value();
    }
    for number in 1..=normalized.line_count() {
        assert!(normalized.display_line(number).is_some());
    }
    let _ = normalized.text();
});
