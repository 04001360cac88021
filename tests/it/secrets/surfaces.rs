//! The ways out of errsig: the binary's output and errors, the HTTP service's bodies, headers
//! and error answers, and the server's logs at trace level. Each gets one placement per family
//! and shape (a different secret in each), so every family and shape is exercised.

use super::{Needles, SecretCorpus, corpus, rng::Rng};
use crate::run_errsig as errsig;

/// The sample: one placement per family and shape, as one log, and the secrets in it.
fn sample() -> (String, Needles, Vec<usize>) {
    let corpus = corpus();
    let placements = corpus.sample(1);
    let ids: Vec<usize> = placements.iter().map(|placement| placement.secret).collect();
    let log = placements
        .iter()
        .map(|placement| placement.text.as_str())
        .collect::<Vec<_>>()
        .join("\n2025-06-17T09:41:07Z INFO request finished in 12 ms\n");
    (log, Needles::new(corpus, &ids), ids)
}

/// A few single-line secrets of different families, for arguments, paths and queries.
fn short_secrets(corpus: &SecretCorpus, ids: &[usize]) -> Vec<String> {
    let mut rng = Rng::new(7);
    let mut out = Vec::new();
    for _ in 0..24 {
        let secret = &corpus.secrets[rng.pick(ids)];
        let token = secret.made.token();
        if !token.contains(['\n', ' ']) {
            out.push(token.to_string());
        }
    }
    out
}

#[test]
fn the_binary_prints_no_secret_in_output_or_errors() {
    let corpus = corpus();
    let (log, needles, ids) = sample();
    let dir = std::env::temp_dir().join(format!("errsig-it-secrets-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("secrets.log");
    std::fs::write(&file, &log).unwrap();
    let path = file.to_str().unwrap();

    // Each `match` builds the engine; these few cover the plain (with explanations) and JSON
    // renderings, files and stdin. Colour stays off: escapes inside a leaked secret would hide
    // it from the check.
    let runs: Vec<(Vec<&str>, &[u8])> = vec![
        (vec!["--color", "never", "match", "--explain", path], b""),
        (vec!["match", "--jsonl", "-"], log.as_bytes()),
        (vec!["normalize", path], b""),
        (vec!["normalize", "--json", path], b""),
    ];
    for (args, stdin) in &runs {
        let output = errsig(args, stdin);
        assert!(output.status.code().is_some_and(|code| code <= 1), "{args:?}: {output:?}");
        needles.assert_absent(corpus, &format!("stdout of {args:?}"), &text(&output.stdout));
        needles.assert_absent(corpus, &format!("stderr of {args:?}"), &text(&output.stderr));
    }
    // `watch` passes its input through on stdout (the caller's own stream); what it adds goes
    // to stderr and must be clean.
    let output = errsig(&["watch"], log.as_bytes());
    assert_eq!(output.stdout, log.as_bytes(), "watch passes the input through");
    needles.assert_absent(corpus, "stderr of watch", &text(&output.stderr));

    // Errors that repeat an argument: an id or a query that is a secret.
    for secret in short_secrets(corpus, &ids).iter().take(2) {
        for args in [vec!["show", secret.as_str()], vec!["search", secret.as_str()]] {
            let output = errsig(&args, b"");
            let all = text(&output.stdout) + &text(&output.stderr);
            needles.assert_absent(corpus, &format!("{:?}", args[0]), &all);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(feature = "server")]
mod http {
    use axum::body::Body;
    use axum::http::{HeaderMap, Request, StatusCode, header};
    use errsig::server::{AppState, ServerConfig, router};
    use tower::ServiceExt;

    use super::super::{Needles, contexts::url_encode, corpus};
    use super::{sample, short_secrets};

    async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
        let response = app.clone().oneshot(request).await.expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 64 << 20).await.unwrap();
        (status, headers, String::from_utf8_lossy(&bytes).into_owned())
    }

    fn post(uri: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
        Request::post(uri).header(header::CONTENT_TYPE, content_type).body(body.into()).unwrap()
    }

    fn get(uri: &str) -> Request<Body> {
        Request::get(uri).body(Body::empty()).unwrap()
    }

    fn check(needles: &Needles, what: &str, answer: &(StatusCode, HeaderMap, String)) {
        let corpus = corpus();
        needles.assert_absent(corpus, &format!("the body of {what}"), &answer.2);
        let headers: String = answer
            .1
            .iter()
            .map(|(name, value)| format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes())))
            .collect();
        needles.assert_absent(corpus, &format!("the headers of {what}"), &headers);
    }

    /// Batch tags are echoed as the answer's keys: every secret of the corpus offered as a tag is
    /// refused, except a bare password of identifier characters (`CNRYAAANDFXCNK_4`), which has
    /// nothing to tell it from a chosen name; RELIABILITY.md says so.
    #[tokio::test]
    async fn no_secret_is_taken_as_a_batch_tag() {
        let corpus = corpus();
        let app = router(AppState::new(crate::engine(), ServerConfig::default()));
        let (mut offered, mut taken) = (0, Vec::new());
        for secret in &corpus.secrets {
            let token = secret.made.token();
            if token.is_empty() || token.len() > 128 {
                continue;
            }
            offered += 1;
            let body = serde_json::json!({"items": [{"tag": token, "text": "x"}]}).to_string();
            let (status, _, answer) =
                send(&app, post("/match/batch", "application/json", body)).await;
            if status != StatusCode::UNPROCESSABLE_ENTITY || answer.contains(token) {
                taken.push((secret.family().name, token));
            }
        }
        assert!(offered > 4000, "only {offered} secrets fit in a tag");
        let shapeless =
            |(family, token): &(&str, &str)| family.contains("password") && token.len() <= 24;
        assert!(taken.iter().all(shapeless), "secrets taken as tags: {taken:?}");
        assert!(
            taken.len() * 200 < offered,
            "{} of {offered} passwords taken as tags",
            taken.len()
        );
    }

    /// Every route, answer and error, in process, with a trace-level subscriber recording what
    /// the service logs. Matching stays on this thread so the subscriber sees all of it.
    #[tokio::test]
    async fn answers_errors_and_trace_logs_carry_no_secret() {
        let corpus = corpus();
        let (log, needles, ids) = sample();
        let buffer = crate::LogBuffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);

        let config = ServerConfig {
            blocking_threshold: usize::MAX,
            max_batch_items: 64,
            ..ServerConfig::default()
        };
        let app = router(AppState::new(crate::engine(), config.clone()));
        let answer = send(&app, post("/match", "text/plain", log.clone())).await;
        assert_eq!(answer.0, StatusCode::OK);
        check(&needles, "POST /match text/plain", &answer);
        let json = serde_json::json!({ "text": log, "top": 50, "min_confidence": 0.0 });
        let answer = send(&app, post("/match", "application/json", json.to_string())).await;
        assert_eq!(answer.0, StatusCode::OK);
        check(&needles, "POST /match json", &answer);

        // A batch of one item per family.
        let items: Vec<serde_json::Value> = log
            .split("\n2025-06-17T09:41:07Z INFO request finished in 12 ms\n")
            .collect::<Vec<_>>()
            .chunks(super::super::CONTEXTS.len())
            .enumerate()
            .map(|(index, chunk)| serde_json::json!({"tag": format!("f{index}"), "text": chunk.join("\n")}))
            .collect();
        let batch = serde_json::json!({ "items": items });
        let answer = send(&app, post("/match/batch", "application/json", batch.to_string())).await;
        assert_eq!(answer.0, StatusCode::OK, "{}", answer.2);
        check(&needles, "POST /match/batch", &answer);

        // Error answers, with secrets in the request.
        let mut errors: Vec<(String, Request<Body>)> = vec![
            ("415".into(), post("/match", "application/xml", log.clone())),
            (
                "422 top".into(),
                post("/match", "application/json", serde_json::json!({"text": log, "top": 0}).to_string()),
            ),
            (
                "422 tags".into(),
                post(
                    "/match/batch",
                    "application/json",
                    serde_json::json!({"items": [{"tag": "a", "text": log}, {"tag": "a", "text": log}]})
                        .to_string(),
                ),
            ),
        ];
        for secret in short_secrets(corpus, &ids) {
            let encoded = url_encode(&secret);
            let body = serde_json::json!({ "text": secret, "unknown": 1 }).to_string();
            errors.push(("400 unknown field".into(), post("/match", "application/json", body)));
            let cut = format!("{{\"text\": \"{secret}");
            errors.push(("400 cut json".into(), post("/match", "application/json", cut)));
            let bad = format!("{{\"text\": {secret}}}");
            errors.push(("400 bad json".into(), post("/match", "application/json", bad)));
            errors.push(("search".into(), get(&format!("/search?q={encoded}&limit=3"))));
            errors.push(("search limit".into(), get(&format!("/search?q=x&limit={encoded}"))));
            errors.push(("signature".into(), get(&format!("/signatures/{encoded}"))));
            errors.push(("signature tag".into(), get(&format!("/signatures?tag={encoded}"))));
            errors.push(("no route".into(), get(&format!("/{encoded}"))));
            let tagged = serde_json::json!({"items": [{"tag": secret, "text": "x"}]}).to_string();
            errors.push(("batch tag".into(), post("/match/batch", "application/json", tagged)));
            errors.push(("405".into(), get(&format!("/match?text={encoded}"))));
            errors.push(("reload".into(), {
                let mut request = Request::post("/admin/reload");
                request = request.header(header::AUTHORIZATION, format!("Bearer {secret}"));
                request.body(Body::empty()).unwrap()
            }));
        }
        for (what, request) in errors {
            let answer = send(&app, request).await;
            check(&needles, &what, &answer);
        }

        // Over the size limit: 413 before the body is read whole.
        let small = ServerConfig { max_body_bytes: 4096, ..config };
        let small_app = router(AppState::new(crate::engine(), small));
        let answer = send(&small_app, post("/match", "text/plain", log.clone())).await;
        assert_eq!(answer.0, StatusCode::PAYLOAD_TOO_LARGE);
        check(&needles, "413", &answer);

        let logged = buffer.text();
        assert!(logged.contains("request"), "the subscriber saw the request spans: {logged}");
        needles.assert_absent(corpus, "the trace-level log", &logged);
    }

    /// Over real TCP on loopback: the raw answer, status line and headers included.
    #[tokio::test]
    async fn raw_tcp_answers_carry_no_secret() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let corpus = corpus();
        let (log, needles, _) = sample();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let config = ServerConfig::default();
        let app = router(AppState::new(crate::engine(), config.clone()));
        let server = tokio::spawn(async move {
            errsig::server::serve_until(listener, app, &config, async {
                let _ = stopped.await;
            })
            .await
        });
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let request = format!(
            "POST /match HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{log}",
            log.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        tokio::time::timeout(std::time::Duration::from_secs(60), stream.read_to_end(&mut response))
            .await
            .expect("the answer comes within a minute")
            .unwrap();
        let response = String::from_utf8_lossy(&response);
        assert!(
            response.starts_with("HTTP/1.1 200 OK"),
            "{}",
            &response[..200.min(response.len())]
        );
        needles.assert_absent(corpus, "the raw TCP answer", &response);
        stop.send(()).unwrap();
        tokio::time::timeout(std::time::Duration::from_secs(20), server)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }

    /// `errsig serve` with `ERRSIG_LOG=trace`: what the real binary writes to its log.
    #[cfg(unix)]
    #[test]
    fn serve_logs_at_trace_level_carry_no_secret() {
        use std::io::{BufRead, BufReader, Read, Write};
        use std::net::TcpStream;
        use std::process::{Command, Stdio};
        use std::time::Duration;

        let corpus = corpus();
        let (log, needles, ids) = sample();
        let mut child = Command::new(env!("CARGO_BIN_EXE_errsig"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("ERRSIG_LOG", "trace")
            .env_remove("ERRSIG_ADMIN_TOKEN")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut logged = String::new();
        let mut address = None;
        for _ in 0..50 {
            let mut line = String::new();
            if stderr.read_line(&mut line).unwrap() == 0 {
                break;
            }
            logged.push_str(&line);
            if let Some(at) = line.find("http://") {
                let rest = &line[at + "http://".len()..];
                let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
                address = Some(rest[..end].to_string());
                break;
            }
        }
        let address = address.expect("serve prints the address it listens on");
        let reader = std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = stderr.read_to_string(&mut rest);
            rest
        });
        let exchange = |request: String| {
            let mut stream = TcpStream::connect(&address).unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
            stream.write_all(request.as_bytes()).unwrap();
            let mut response = Vec::new();
            let _ = stream.read_to_end(&mut response);
            String::from_utf8_lossy(&response).into_owned()
        };
        let response = exchange(format!(
            "POST /match HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{log}",
            log.len()
        ));
        assert!(
            response.starts_with("HTTP/1.1 200 OK"),
            "{}",
            &response[..200.min(response.len())]
        );
        needles.assert_absent(corpus, "the answer of errsig serve", &response);
        for secret in short_secrets(corpus, &ids).iter().take(8) {
            let encoded = url_encode(secret);
            for target in [
                format!("/signatures/{encoded}"),
                format!("/search?q={encoded}"),
                format!("/{encoded}"),
            ] {
                let response = exchange(format!(
                    "GET {target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {secret}\r\nConnection: close\r\n\r\n"
                ));
                needles.assert_absent(corpus, &format!("the answer to GET {target}"), &response);
            }
        }
        let status =
            Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(status.success());
        let exit = child.wait().unwrap();
        assert_eq!(exit.code(), Some(0), "graceful shutdown exits 0");
        logged.push_str(&reader.join().unwrap());
        assert!(logged.contains("request"), "trace logging was on: {logged}");
        needles.assert_absent(corpus, "the log of errsig serve at trace level", &logged);
    }
}
