//! Real-world errors from unrelated tools must not produce a confident match.
//! The logs live in `tests/negatives/`, with their sources in `tests/negatives/SOURCES.md`.

use std::path::Path;

#[test]
fn unrelated_errors_get_no_confident_match() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/negatives");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/negatives exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "log"))
        .collect();
    entries.sort();
    let engine = crate::engine();
    let mut confident = Vec::new();
    for path in &entries {
        let report = engine.match_bytes(&std::fs::read(path).unwrap());
        if let Some(found) = report.matches().first() {
            confident.push(format!(
                "{}: {} ({:.2})",
                path.display(),
                found.signature_id(),
                found.confidence().value()
            ));
        }
    }
    assert!(!entries.is_empty(), "no negatives found in {}", dir.display());
    assert!(
        confident.is_empty(),
        "{} of {} negatives matched:\n{}",
        confident.len(),
        entries.len(),
        confident.join("\n")
    );
}
