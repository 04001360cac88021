//! The `errsig` binary: exit codes, output shapes, bad input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn errsig(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_errsig"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("errsig-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const AZURE_404: &str = "2025-06-17 09:41:07 ERROR litellm.NotFoundError: NotFoundError: OpenAIException - Resource not found\n";

#[test]
fn match_from_stdin_finds_the_problem_and_exits_0() {
    let output = errsig(&["match"], AZURE_404.as_bytes());
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.starts_with("<stdin>: 1 known problem(s)"), "{stdout}");
    assert!(stdout.contains("[azure-404-full-deployment-url-without-azure-prefix]"), "{stdout}");
    assert!(stdout.contains("Prefix the model with azure/"), "{stdout}");
}

#[test]
fn no_match_exits_1_and_says_so() {
    let output = errsig(&["match"], b"everything is fine\n");
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stdout).contains("no confident match"));
}

#[test]
fn json_output_is_the_wire_document() {
    let output = errsig(&["match", "--json"], AZURE_404.as_bytes());
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["matches"][0]["id"], "azure-404-full-deployment-url-without-azure-prefix");
    assert_eq!(value["matches"][0]["lines"], serde_json::json!([[1, 1]]));
}

#[test]
fn files_invalid_utf8_and_missing_files() {
    let dir = temp_dir("files");
    let log = dir.join("bad.log");
    let mut bytes = AZURE_404.as_bytes().to_vec();
    bytes.extend_from_slice(b"\xff\xfe\0tail\n");
    std::fs::write(&log, &bytes).unwrap();
    let output = errsig(&["match", log.to_str().unwrap()], b"");
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("not valid UTF-8"), "{stdout}");

    let missing = dir.join("nope.log");
    let output = errsig(&["match", missing.to_str().unwrap()], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("cannot read"), "{}", text(&output.stderr));

    let output = errsig(&["match", dir.to_str().unwrap()], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("is a directory"));
}

#[test]
fn secrets_never_reach_the_output() {
    let log = "litellm.AuthenticationError: AzureException AuthenticationError - Access denied due to invalid subscription key or wrong API endpoint. api-key: 0123456789abcdef0123456789abcdef\n";
    for args in [&["match"][..], &["match", "--json"], &["normalize"], &["normalize", "--json"]] {
        let output = errsig(args, log.as_bytes());
        let all = text(&output.stdout) + &text(&output.stderr);
        assert!(!all.contains("0123456789abcdef"), "{args:?} leaked: {all}");
    }
}

#[test]
fn lint_and_test_report_every_problem_with_file_and_line() {
    let dir = temp_dir("corpus");
    std::fs::create_dir_all(dir.join("demo")).unwrap();
    std::fs::write(dir.join("demo/demo-x.toml"), "id = \"demo-x\"\ntitle = \"x\"\n[tags\n")
        .unwrap();
    for command in ["lint", "test"] {
        let output = errsig(&[command, dir.to_str().unwrap()], b"");
        assert_eq!(output.status.code(), Some(1), "{command}");
        let stderr = text(&output.stderr);
        assert!(stderr.contains("demo/demo-x.toml:3"), "{command}: {stderr}");
    }
    let output = errsig(&["test"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains(" 0 failed"));
}

#[test]
fn show_search_and_list() {
    let output = errsig(&["show", "litellm-provider-not-provided"], b"");
    assert_eq!(output.status.code(), Some(0));
    assert!(text(&output.stdout).contains("Fixes:"));
    let output = errsig(&["show", "no-such-thing"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("errsig list"));
    let output = errsig(&["search", "provider", "not", "provided"], b"");
    assert!(text(&output.stdout).contains("litellm-provider-not-provided"));
    let output = errsig(&["list", "--tag", "azure"], b"");
    assert!(text(&output.stdout).contains("azure-401-invalid-subscription-key-or-endpoint"));
}
