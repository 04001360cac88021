//! The `errsig` binary: exit codes, output shapes, bad input.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::run_errsig as errsig;

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

#[test]
fn watch_reports_before_its_input_ends_and_passes_bytes_through() {
    use std::io::{BufRead, BufReader};
    use std::sync::mpsc;
    use std::time::Duration;

    let mut child = Command::new(env!("CARGO_BIN_EXE_errsig"))
        .args(["watch", "--idle-ms", "200"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            if lines.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let first_half = format!("boot\n{AZURE_404}");
    stdin.write_all(first_half.as_bytes()).unwrap();
    stdin.flush().unwrap();
    // The writer is still open: the diagnosis must arrive anyway.
    let diagnosis = received.recv_timeout(Duration::from_secs(30)).expect("a diagnosis before EOF");
    assert!(
        diagnosis.contains("[azure-404-full-deployment-url-without-azure-prefix]"),
        "{diagnosis}"
    );
    stdin.write_all(b"\xff\0 the rest\n").unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let mut expected = first_half.into_bytes();
    expected.extend_from_slice(b"\xff\0 the rest\n");
    assert_eq!(output.stdout, expected, "stdout is the input, byte for byte");
    assert_eq!(output.status.code(), Some(0));
    let rest: Vec<String> = received.try_iter().collect();
    assert!(rest.iter().any(|line| line.contains("1 known problem(s) in 3 line(s)")), "{rest:?}");
}

#[test]
fn watch_counts_repeats_instead_of_reprinting() {
    let input = format!("{AZURE_404}{AZURE_404}ok\n{AZURE_404}");
    let output = errsig(&["watch"], input.as_bytes());
    let stderr = text(&output.stderr);
    assert_eq!(stderr.matches("errsig:   fix:").count(), 1, "{stderr}");
    assert!(stderr.contains("azure-404-full-deployment-url-without-azure-prefix x3"), "{stderr}");
    let output = errsig(&["watch"], b"all quiet\n");
    assert_eq!(output.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn run_keeps_the_output_and_the_exit_code_of_the_command() {
    let script =
        format!("printf 'out\\001\\n'; printf '%s\\n' '{}' >&2; exit 7", AZURE_404.trim_end());
    let output = errsig(&["run", "--", "sh", "-c", &script], b"");
    assert_eq!(output.status.code(), Some(7));
    assert_eq!(output.stdout, b"out\x01\n");
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with(AZURE_404), "the command's stderr comes through first: {stderr}");
    assert!(stderr.contains("[azure-404-full-deployment-url-without-azure-prefix]"), "{stderr}");

    let output = errsig(&["run", "--", "sh", "-c", "kill -TERM $$"], b"");
    assert_eq!(output.status.code(), Some(128 + 15), "a signal becomes 128 + its number");

    let output = errsig(&["run", "--", "/no/such/program"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("cannot start `/no/such/program`"));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let output = errsig(&["--color", "always", "match"], AZURE_404.as_bytes());
    let stdout = text(&output.stdout);
    assert!(stdout.contains("\u{1b}[31m"), "the matched part is highlighted: {stdout:?}");
    for args in [&["--color", "never", "match"][..], &["match"]] {
        let output = errsig(args, AZURE_404.as_bytes());
        assert!(!text(&output.stdout).contains('\u{1b}'), "{args:?} must not colour a pipe");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_errsig"))
        .args(["--color", "auto", "match"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!text(&output.stdout).contains('\u{1b}'));
}

#[test]
fn jsonl_names_each_source_and_completions_and_man_render() {
    let dir = temp_dir("jsonl");
    let first = dir.join("a.log");
    let second = dir.join("b.log");
    std::fs::write(&first, AZURE_404).unwrap();
    std::fs::write(&second, "nothing to see\n").unwrap();
    let output =
        errsig(&["match", "--jsonl", first.to_str().unwrap(), second.to_str().unwrap()], b"");
    assert_eq!(output.status.code(), Some(0));
    let documents: Vec<serde_json::Value> =
        text(&output.stdout).lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(documents.len(), 2);
    assert_eq!(documents[0]["source"], first.to_str().unwrap());
    assert_eq!(documents[0]["verdict"], "matched");
    assert_eq!(documents[1]["verdict"], "no_confident_match");

    let output = errsig(&["completions", "bash"], b"");
    assert!(text(&output.stdout).contains("_errsig()"));
    let output = errsig(&["man"], b"");
    assert!(text(&output.stdout).contains(".TH errsig 1"));
}

/// Resident memory stays bounded however much flows through `watch`. 16 MiB always; 1 GiB when
/// RUN_SLOW_TESTS is set.
#[cfg(target_os = "linux")]
#[test]
fn watch_streams_in_bounded_memory() {
    use std::io::Read;

    let total: usize =
        if std::env::var_os("RUN_SLOW_TESTS").is_some() { 1 << 30 } else { 16 << 20 };
    let mut chunk = String::new();
    while chunk.len() < 1 << 20 {
        chunk.push_str("2025-01-01T00:00:00Z INFO request 123 ok in 12 ms from 10.0.0.1\n");
        if chunk.len() % 7 == 0 {
            chunk.push_str(AZURE_404);
        }
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_errsig"))
        .args(["watch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buffer = vec![0u8; 1 << 16];
        let mut seen = 0usize;
        while let Ok(n) = stdout.read(&mut buffer) {
            if n == 0 {
                break;
            }
            seen += n;
        }
        seen
    });
    let mut stdin = child.stdin.take().unwrap();
    let mut written = 0;
    while written < total {
        stdin.write_all(chunk.as_bytes()).unwrap();
        written += chunk.len();
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    drop(stdin);
    let peak_kib: usize = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    assert_eq!(reader.join().unwrap(), written, "every byte passed through");
    child.wait().unwrap();
    assert!(peak_kib < 256 * 1024, "peak resident memory {peak_kib} KiB after {written} bytes");
}

#[test]
fn explain_says_why_the_runner_up_lost() {
    let log = "Traceback (most recent call last):\n  File \"/srv/app.py\", line 9, in <module>\n    r = completion(model=\"azure/gpt-4o\", azure_ad_token_provider=tp, messages=m)\nlitellm.exceptions.AuthenticationError: litellm.AuthenticationError: AzureException AuthenticationError - Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.\n";
    let output = errsig(&["match", "--explain"], log.as_bytes());
    let stdout = text(&output.stdout);
    assert!(stdout.contains("why: anchors"), "{stdout}");
    assert!(
        stdout.contains("below azure-401-entra-token-with-default-azure-credential"),
        "{stdout}"
    );
    assert!(stdout.contains("less specific"), "{stdout}");
}

#[test]
fn a_closed_pipe_exits_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_errsig"))
        .args(["list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the listing is written.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(text(&output.stderr), "");
}

#[test]
fn a_directory_that_cannot_be_read_is_an_error_not_a_panic() {
    let dir = temp_dir("unreadable");
    let file = dir.join("plain-file");
    std::fs::write(&file, "x").unwrap();
    // A path under a regular file cannot be opened as a directory, even by root.
    let inside = file.join("signatures");
    for command in ["lint", "test"] {
        let output = errsig(&[command, inside.to_str().unwrap()], b"");
        assert_eq!(output.status.code(), Some(2), "{command}");
        let stderr = text(&output.stderr);
        assert!(stderr.contains("cannot read") && !stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn normalize_prints_events_evidence_and_redactions() {
    let log = "2025-01-01T00:00:00Z ERROR litellm.AuthenticationError: AzureException - Error code: 401 api-key: 0123456789abcdef0123456789abcdef\n";
    let output = errsig(&["normalize"], log.as_bytes());
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("--- line (lines 1-1)\nlitellm.AuthenticationError: AzureException - Error code: 401 api-key: <secret>\n"), "{stdout}");
    assert!(
        stdout.contains("line 1: status = 401") && stdout.contains("line 1: provider = azure"),
        "{stdout}"
    );
    assert!(stdout.contains("--- redacted\nline 1: credential-field"), "{stdout}");
}

/// `errsig serve` on 127.0.0.1:0: answers one request, then drains and exits 0 on SIGTERM.
#[cfg(unix)]
#[test]
fn serve_answers_on_loopback_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader, Read};
    use std::net::TcpStream;
    use std::time::Duration;

    let mut child = Command::new(env!("CARGO_BIN_EXE_errsig"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env_remove("ERRSIG_ADMIN_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut address = None;
    for _ in 0..5 {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(at) = line.find("http://") {
            address = Some(line[at + "http://".len()..].trim().to_string());
            break;
        }
    }
    let address = address.expect("serve prints the address it listens on");
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    let mut stream = TcpStream::connect(&address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let body = AZURE_404.trim_end();
    write!(stream, "POST /match HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(response.contains("azure-404-full-deployment-url-without-azure-prefix"));
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(0), "graceful shutdown exits 0");
}

#[test]
fn eval_scores_a_set_checks_floors_and_refuses_bad_manifests() {
    let dir = temp_dir("eval");
    let set = dir.join("tiny");
    std::fs::create_dir_all(set.join("cases")).unwrap();
    std::fs::write(set.join("cases/azure.log"), AZURE_404).unwrap();
    std::fs::write(set.join("cases/calm.log"), "all good, 3 requests served\n").unwrap();
    std::fs::write(
        set.join("cases.toml"),
        "[[case]]\nfile = \"cases/azure.log\"\nexpected = \"azure-404-full-deployment-url-without-azure-prefix\"\nsource = \"written for this test\"\n\n[[case]]\nfile = \"cases/calm.log\"\nsource = \"written for this test\"\n",
    )
    .unwrap();
    let set_arg = set.to_str().unwrap();

    let output = errsig(&["eval", set_arg, "--misses"], b"");
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}{}", text(&output.stderr));
    let errsig_row =
        stdout.lines().find(|line| line.starts_with("tiny           errsig ")).unwrap();
    assert!(errsig_row.contains("100.0%"), "{stdout}");
    assert!(stdout.contains("bm25-only") && stdout.contains("substring"), "{stdout}");

    // A floor above what the set reaches fails with exit 1 and says which.
    let floors = dir.join("floors.toml");
    std::fs::write(&floors, "[sets.tiny]\ntop1 = 1.0\nmax_false_positive_rate = 0.0\n").unwrap();
    let output = errsig(&["eval", set_arg, "--floors", floors.to_str().unwrap(), "--json"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    std::fs::write(&floors, "[sets.nowhere]\ntop1 = 0.5\n").unwrap();
    let output = errsig(&["eval", set_arg, "--floors", floors.to_str().unwrap()], b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stdout).contains("FLOOR: set `nowhere`"), "{}", text(&output.stdout));

    // An expected id the corpus lacks, and a case without a source, are errors (exit 2).
    std::fs::write(
        set.join("cases.toml"),
        "[[case]]\nfile = \"cases/azure.log\"\nexpected = \"no-such-signature\"\nsource = \"x\"\n",
    )
    .unwrap();
    let output = errsig(&["eval", set_arg], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("no signature `no-such-signature`"),
        "{}",
        text(&output.stderr)
    );
    std::fs::write(set.join("cases.toml"), "[[case]]\nfile = \"cases/azure.log\"\n").unwrap();
    let output = errsig(&["eval", set_arg], b"");
    assert_eq!(output.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
