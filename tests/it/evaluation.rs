//! The accuracy floors: errsig on the recorded evaluation sets (real-client fixtures, the dev
//! set of public reports, the held-out set, the negatives) must not fall below `eval/floors.toml`.

use std::process::Command;

#[test]
fn accuracy_stays_above_the_recorded_floors() {
    let root = env!("CARGO_MANIFEST_DIR");
    let output = Command::new(env!("CARGO_BIN_EXE_errsig"))
        .current_dir(root)
        .args(["eval", "eval/real-client", "eval/devset", "eval/holdout"])
        .args(["--negatives", "tests/negatives"])
        .args(["--floors", "eval/floors.toml", "--no-baselines", "--misses"])
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "below a floor, or the sets are broken:\n{stdout}{stderr}");
    // Every set was read and scored.
    for set in ["real-client", "devset", "holdout", "negatives"] {
        assert!(stdout.lines().any(|line| line.starts_with(set)), "{set} missing:\n{stdout}");
    }
}
