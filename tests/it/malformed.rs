//! The malformed-input table: every hostile or broken input, over HTTP and the CLI, with the
//! outcome it must get. Nothing panics, nothing is lost silently, every error says what to do.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use errsig::server::{AppState, ServerConfig, router};
use tower::ServiceExt;

use crate::run_errsig as errsig_cli;

fn app(config: ServerConfig) -> axum::Router {
    router(AppState::new(crate::engine(), config))
}

async fn call(config: ServerConfig, content_type: &str, body: Body) -> (StatusCode, String) {
    let request = Request::post("/match").header(header::CONTENT_TYPE, content_type).body(body);
    let response = app(config).oneshot(request.unwrap()).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// What one row expects: a status and a fragment of the answer.
struct Row {
    name: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
    status: StatusCode,
    answer_contains: &'static str,
}

fn nested_json(depth: usize) -> Vec<u8> {
    let mut body = b"{\"text\": ".to_vec();
    body.extend(std::iter::repeat_n(b'[', depth));
    body.extend(std::iter::repeat_n(b']', depth));
    body.push(b'}');
    body
}

#[tokio::test]
async fn http_table() {
    let rows = vec![
        Row {
            name: "invalid UTF-8 is matched with replacement and flagged",
            content_type: "text/plain",
            body: b"litellm.AuthenticationError: bad \xff\xfe key\n".to_vec(),
            status: StatusCode::OK,
            answer_contains: "\"lossy_utf8\":true",
        },
        Row {
            name: "NUL bytes are read as blanks and flagged",
            content_type: "text/plain",
            body: b"Resource not found\0\0 for deployment\n".to_vec(),
            status: StatusCode::OK,
            answer_contains: "\"had_nul\":true",
        },
        Row {
            name: "an empty body",
            content_type: "text/plain",
            body: Vec::new(),
            status: StatusCode::BAD_REQUEST,
            answer_contains: "\"code\":\"empty_body\"",
        },
        Row {
            name: "a body of blanks",
            content_type: "text/plain",
            body: b" \n\t\r\n ".to_vec(),
            status: StatusCode::BAD_REQUEST,
            answer_contains: "\"code\":\"empty_body\"",
        },
        Row {
            name: "a content type that is not text or JSON",
            content_type: "application/xml",
            body: b"<log>x</log>".to_vec(),
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            answer_contains: "\"code\":\"unsupported_media_type\"",
        },
        Row {
            name: "malformed JSON",
            content_type: "application/json",
            body: b"{\"text\": \"unterminated".to_vec(),
            status: StatusCode::BAD_REQUEST,
            answer_contains: "\"code\":\"invalid_json\"",
        },
        Row {
            name: "JSON nested 10,000 deep",
            content_type: "application/json",
            body: nested_json(10_000),
            status: StatusCode::BAD_REQUEST,
            answer_contains: "\"code\":\"invalid_json\"",
        },
        Row {
            name: "JSON whose text is not a string",
            content_type: "application/json",
            body: b"{\"text\": 42}".to_vec(),
            status: StatusCode::BAD_REQUEST,
            answer_contains: "\"code\":\"invalid_json\"",
        },
        Row {
            name: "a million lines",
            content_type: "text/plain",
            body: b"ok\n".repeat(1_000_000),
            status: StatusCode::OK,
            answer_contains: "\"verdict\":\"no_confident_match\"",
        },
    ];
    for row in rows {
        let (status, answer) =
            call(ServerConfig::default(), row.content_type, Body::from(row.body)).await;
        assert_eq!(status, row.status, "{}: {answer}", row.name);
        assert!(answer.contains(row.answer_contains), "{}: {answer}", row.name);
        if status != StatusCode::OK {
            assert!(answer.starts_with("{\"error\":{\"code\":"), "{}: {answer}", row.name);
        }
    }
}

#[tokio::test]
async fn a_ten_megabyte_line_is_matched_with_the_truncation_said() {
    let mut body = b"x".repeat(10 * 1024 * 1024);
    body.extend_from_slice(b"\nlitellm.NotFoundError: OpenAIException - Resource not found\n");
    let config = ServerConfig { max_body_bytes: 16 * 1024 * 1024, ..ServerConfig::default() };
    let (status, answer) = call(config, "text/plain", Body::from(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    // The cap keeps the head and the tail: the error at the end is still found.
    assert!(answer.contains("\"truncated\":{"), "{answer}");
    assert!(answer.contains("azure-404-full-deployment-url-without-azure-prefix"), "{answer}");
}

#[tokio::test]
async fn a_hundred_megabyte_body_gets_413_without_being_read_whole() {
    const CHUNK: usize = 64 * 1024;
    const TOTAL: usize = 100 * 1024 * 1024;
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pulled);
    let chunks = counted_chunks(TOTAL / CHUNK, CHUNK, counter);
    let config = ServerConfig::default();
    let limit = config.max_body_bytes;
    let request = Request::post("/match")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from_stream(chunks))
        .unwrap();
    let response = app(config).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let read = pulled.load(Ordering::SeqCst);
    assert!(read <= limit + 2 * CHUNK, "read {read} bytes of a {TOTAL}-byte body");
}

/// A stream of `count` chunks of `size` bytes that counts what the server pulls.
fn counted_chunks(
    count: usize,
    size: usize,
    pulled: Arc<AtomicUsize>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    struct Chunks {
        left: usize,
        size: usize,
        pulled: Arc<AtomicUsize>,
    }
    impl futures_core::Stream for Chunks {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            if self.left == 0 {
                return std::task::Poll::Ready(None);
            }
            self.left -= 1;
            self.pulled.fetch_add(self.size, Ordering::SeqCst);
            std::task::Poll::Ready(Some(Ok(vec![b'a'; self.size])))
        }
    }
    Chunks { left: count, size, pulled }
}

#[tokio::test]
async fn a_slow_body_is_cut_off_at_the_timeout_while_others_are_served() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let config =
        ServerConfig { request_timeout: Duration::from_millis(800), ..ServerConfig::default() };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = {
        let router = app(config.clone());
        tokio::spawn(async move {
            errsig::server::serve_until(listener, router, &config, async {
                let _ = stopped.await;
            })
            .await
        })
    };

    let started = std::time::Instant::now();
    let mut slow = tokio::net::TcpStream::connect(address).await.unwrap();
    slow.write_all(
        b"POST /match HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n",
    )
    .await
    .unwrap();
    let trickle = tokio::spawn(async move {
        for _ in 0..50 {
            if slow.write_all(b"a").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut response = Vec::new();
        let _ =
            tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut response)).await;
        String::from_utf8_lossy(&response).into_owned()
    });

    // Meanwhile an ordinary request is answered at once.
    let normal_started = std::time::Instant::now();
    let mut normal = tokio::net::TcpStream::connect(address).await.unwrap();
    let body = "litellm.NotFoundError: OpenAIException - Resource not found\n";
    let request = format!(
        "POST /match HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    normal.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(10), normal.read_to_string(&mut answer))
        .await
        .unwrap()
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(normal_started.elapsed() < Duration::from_secs(5));

    let slow_answer = trickle.await.unwrap();
    assert!(slow_answer.starts_with("HTTP/1.1 503"), "{slow_answer}");
    assert!(slow_answer.contains("\"code\":\"timeout\""), "{slow_answer}");
    assert!(started.elapsed() < Duration::from_secs(4), "cut off after {:?}", started.elapsed());
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(20), server).await.unwrap().unwrap().unwrap();
}

#[test]
fn cli_table() {
    let mut ten_megabyte_line = b"y".repeat(10 * 1024 * 1024);
    ten_megabyte_line.push(b'\n');
    let rows: Vec<(&str, Vec<u8>, i32, &str)> = vec![
        ("invalid UTF-8", b"plain \xff\xfe words\n".to_vec(), 1, "no confident match"),
        ("NUL bytes", b"some\0thing\0\n".to_vec(), 1, "no confident match"),
        ("empty input", Vec::new(), 1, "empty"),
        ("a million lines", b"ok\n".repeat(1_000_000), 1, "no confident match"),
        ("a 10 MB line", ten_megabyte_line, 1, "skipped"),
    ];
    for (name, input, code, says) in rows {
        let output = errsig_cli(&["match"], &input);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{name}: {stdout}{stderr}");
        assert!(
            stdout.contains(says) || stderr.contains(says),
            "{name}: expected `{says}` in {stdout}{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}
