//! The HTTP service, in-process through `router(state).oneshot(..)`, and once over real TCP on
//! 127.0.0.1:0. Bodies and error bodies are snapshots.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use errsig::server::{AppState, ServerConfig, router, router_with};
use expect_test::{Expect, expect};
use tower::ServiceExt;

fn app(config: ServerConfig) -> axum::Router {
    router(AppState::new(crate::engine(), config))
}

async fn send(request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    send_to(app(ServerConfig::default()), request).await
}

async fn send_to(
    app: axum::Router,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = app.oneshot(request).await.expect("the router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await.unwrap();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

fn post(uri: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri).header(header::CONTENT_TYPE, content_type).body(body.into()).unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

async fn check_error(request: Request<Body>, status: StatusCode, expect: Expect) {
    let (got, _, body) = send(request).await;
    assert_eq!(got, status, "{body}");
    expect.assert_eq(&body);
}

const AZURE_404: &str =
    "litellm.NotFoundError: NotFoundError: OpenAIException - Resource not found";

#[tokio::test]
async fn match_accepts_plain_text_and_names_the_corpus() {
    let (status, headers, body) = send(post("/match", "text/plain", AZURE_404)).await;
    assert_eq!(status, StatusCode::OK);
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["matches"][0]["id"], "azure-404-full-deployment-url-without-azure-prefix");
    assert_eq!(headers["x-errsig-corpus-version"], crate::engine().corpus_version());
    // curl's default content type is treated as text too.
    let (status, _, _) = send(post("/match", "application/x-www-form-urlencoded", AZURE_404)).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn match_accepts_json_with_options() {
    let request =
        serde_json::json!({"text": AZURE_404, "top": 1, "min_confidence": 0.99}).to_string();
    let (status, _, body) = send(post("/match", "application/json", request)).await;
    assert_eq!(status, StatusCode::OK);
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["verdict"], "no_confident_match", "a bar of 0.99 is above this match");
    assert_eq!(value["min_confidence"], 0.99);
}

#[tokio::test]
async fn errors_have_stable_codes_and_never_echo_the_request() {
    check_error(
        post("/match", "application/json", "{\"text\": \"sk-proj-SECRETSECRETSECRET\", \"nope\": 1}"),
        StatusCode::BAD_REQUEST,
        expect![[r#"{"error":{"code":"invalid_json","message":"the body is not JSON of the form {\"text\": \"...\"} (line 1, column 45)"}}"#]],
    )
    .await;
    check_error(
        post("/match", "text/plain", " \n\t "),
        StatusCode::BAD_REQUEST,
        expect![[r#"{"error":{"code":"empty_body","message":"the log is empty: send the log text as the body"}}"#]],
    )
    .await;
    check_error(
        post("/match", "application/xml", "<x/>"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        expect![[r#"{"error":{"code":"unsupported_media_type","message":"send the log as text/plain, or JSON {\"text\": \"...\"} as application/json"}}"#]],
    )
    .await;
    check_error(
        post("/match", "application/json", serde_json::json!({"text": "x", "top": 0}).to_string()),
        StatusCode::UNPROCESSABLE_ENTITY,
        expect![[
            r#"{"error":{"code":"invalid_parameter","message":"`top` must be from 1 to 50"}}"#
        ]],
    )
    .await;
    check_error(
        get("/signatures/no-such-id"),
        StatusCode::NOT_FOUND,
        expect![[r#"{"error":{"code":"not_found","message":"no such signature"}}"#]],
    )
    .await;
    check_error(
        get("/nowhere"),
        StatusCode::NOT_FOUND,
        expect![[r#"{"error":{"code":"not_found","message":"no such route"}}"#]],
    )
    .await;
    check_error(
        get("/match"),
        StatusCode::METHOD_NOT_ALLOWED,
        expect![[r#"{"error":{"code":"method_not_allowed","message":"this route does not take that method"}}"#]],
    )
    .await;
    check_error(
        get("/search?limit=5"),
        StatusCode::UNPROCESSABLE_ENTITY,
        expect![[r#"{"error":{"code":"invalid_parameter","message":"`q` is required"}}"#]],
    )
    .await;
    check_error(
        get("/search?q=x&limit=many"),
        StatusCode::UNPROCESSABLE_ENTITY,
        expect![[
            r#"{"error":{"code":"invalid_parameter","message":"`limit` must be a whole number"}}"#
        ]],
    )
    .await;
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let config = ServerConfig { max_body_bytes: 1024, ..ServerConfig::default() };
    let (status, _, body) =
        send_to(app(config), post("/match", "text/plain", "a".repeat(4096))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body.contains("\"code\":\"payload_too_large\""), "{body}");
}

#[tokio::test]
async fn large_bodies_are_matched_off_the_async_workers() {
    let config = ServerConfig { blocking_threshold: 16, ..ServerConfig::default() };
    let (status, _, body) = send_to(app(config), post("/match", "text/plain", AZURE_404)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("azure-404-full-deployment-url-without-azure-prefix"));
}

#[tokio::test]
async fn secrets_never_reach_a_response() {
    let log = format!(
        "{AZURE_404}\nAuthorization: Bearer sk-proj-ZZZZsecretZZZZsecretZZZZ api_key=abcd1234efgh5678"
    );
    for request in [
        post("/match", "text/plain", log.clone()),
        post("/match", "application/json", serde_json::json!({"text": log}).to_string()),
    ] {
        let (status, headers, body) = send(request).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!body.contains("ZZZZsecret") && !body.contains("abcd1234efgh5678"), "{body}");
        assert!(
            headers.values().all(|value| !value.to_str().unwrap_or_default().contains("secret"))
        );
    }
}

#[tokio::test]
async fn batch_results_are_keyed_by_tag() {
    let request = serde_json::json!({"items": [{"tag": "a", "text": AZURE_404}, {"tag": "b", "text": "all good"}]}).to_string();
    let (status, _, body) = send(post("/match/batch", "application/json", request)).await;
    assert_eq!(status, StatusCode::OK);
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["results"]["a"]["verdict"], "matched");
    assert_eq!(value["results"]["b"]["verdict"], "no_confident_match");
    let duplicate =
        serde_json::json!({"items": [{"tag": "a", "text": "x"}, {"tag": "a", "text": "y"}]})
            .to_string();
    let (status, _, _) = send(post("/match/batch", "application/json", duplicate)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Tags are echoed, so a tag that is a secret is refused without being quoted.
    let key = "sk-proj-Zq4Rt8Wm2Xy6Vb1Nc5Lk9Hj3Gf7Dd0Sa";
    let secret_tag = serde_json::json!({"items": [{"tag": key, "text": AZURE_404}]}).to_string();
    let (status, _, body) = send(post("/match/batch", "application/json", secret_tag)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("look like a secret") && !body.contains(&key[8..16]), "{body}");
}

#[tokio::test]
async fn a_panicking_handler_costs_only_its_own_request() {
    let secret = "sk-proj-Pn4Qr8Ws2Xv6Yb1Zc5Lm9Kj3Hg7Fd0Te";
    let boom = axum::Router::new().route(
        "/boom",
        axum::routing::post(move |body: String| async move {
            if !body.is_empty() {
                panic!("handler failed on {body} with {secret}");
            }
            StatusCode::NO_CONTENT
        }),
    );
    let app = router_with(AppState::new(crate::engine(), ServerConfig::default()), boom);
    let request = post("/boom", "text/plain", format!("pasted log with {secret}"));
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains(r#""code":"internal""#), "{body}");
    assert!(!body.contains("pasted") && !body.contains(&secret[8..20]), "{body}");
    // The same router goes on answering.
    let response = app.clone().oneshot(post("/match", "text/plain", AZURE_404)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = app.oneshot(get("/healthz")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn search_signatures_and_health() {
    let (status, _, body) = send(get("/search?q=no+fallback+model+group+found&limit=2")).await;
    assert_eq!(status, StatusCode::OK);
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["hits"].as_array().unwrap().len(), 2);

    let (status, _, body) = send(get("/signatures?tag=azure")).await;
    assert_eq!(status, StatusCode::OK);
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    let ids: Vec<&str> =
        value["signatures"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"azure-401-invalid-subscription-key-or-endpoint"));
    assert!(!ids.iter().any(|id| id.starts_with("bedrock-")));

    let (status, _, body) = send(get("/signatures/litellm-provider-not-provided")).await;
    assert_eq!(status, StatusCode::OK);
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["id"], "litellm-provider-not-provided");
    assert!(!value["fixes"].as_array().unwrap().is_empty());

    let (_, _, body) = send(get("/healthz")).await;
    expect![[r#"{"schema_version":1,"status":"ok"}"#]].assert_eq(&body);
    let (_, _, body) = send(get("/readyz")).await;
    assert!(body.contains("\"status\":\"ready\""));
}

/// A server on a loopback port with its own stop signal; the test stops it, or the handle's
/// owner drops it at the end.
struct TcpServer {
    address: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl TcpServer {
    async fn start(config: ServerConfig) -> TcpServer {
        TcpServer::serve(app(config.clone()), config).await
    }

    async fn serve(router: axum::Router, config: ServerConfig) -> TcpServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            errsig::server::serve_until(listener, router, &config, async {
                let _ = stopped.await;
            })
            .await
        });
        TcpServer { address, stop: Some(stop), task }
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(20), &mut self.task)
            .await
            .expect("the server drains and stops")
            .unwrap()
            .unwrap();
    }
}

fn raw_match_request(body: &str) -> String {
    format!(
        "POST /match HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

async fn read_response(stream: &mut tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut response = String::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_string(&mut response))
        .await
        .expect("the response comes within the test's bound")
        .unwrap();
    response
}

#[tokio::test]
async fn serves_over_real_tcp_on_loopback_and_shuts_down() {
    use tokio::io::AsyncWriteExt;

    let server = TcpServer::start(ServerConfig::default()).await;
    let mut stream = tokio::net::TcpStream::connect(server.address).await.unwrap();
    stream.write_all(raw_match_request(AZURE_404).as_bytes()).await.unwrap();
    let response = read_response(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(response.contains("azure-404-full-deployment-url-without-azure-prefix"));
    server.stop().await;
}

#[tokio::test]
async fn a_trickled_request_head_is_cut_off_while_others_are_served() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let config =
        ServerConfig { header_read_timeout: Duration::from_millis(600), ..ServerConfig::default() };
    let server = TcpServer::start(config).await;
    let started = std::time::Instant::now();
    let mut slow = tokio::net::TcpStream::connect(server.address).await.unwrap();
    let head = b"POST /match HTTP/1.1\r\nHost: localhost\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut closed_after = None;
    for byte in head {
        // The server closes the connection; writes then fail or the read sees end of stream.
        if slow.write_all(&[*byte]).await.is_err() {
            closed_after = Some(started.elapsed());
            break;
        }
        let mut buffer = [0_u8; 256];
        if let Ok(read) =
            tokio::time::timeout(Duration::from_millis(100), slow.read(&mut buffer)).await
        {
            if matches!(read, Ok(0) | Err(_)) {
                closed_after = Some(started.elapsed());
                break;
            }
        }
        // Meanwhile an ordinary client is answered as usual.
        if byte == &b'H' {
            let mut normal = tokio::net::TcpStream::connect(server.address).await.unwrap();
            normal.write_all(raw_match_request(AZURE_404).as_bytes()).await.unwrap();
            assert!(read_response(&mut normal).await.starts_with("HTTP/1.1 200 OK"));
        }
    }
    let closed_after = closed_after.expect("the trickling connection is closed");
    assert!(closed_after < Duration::from_secs(5), "closed after {closed_after:?}");
    server.stop().await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    use tokio::io::AsyncReadExt;

    let config =
        ServerConfig { header_read_timeout: Duration::from_millis(300), ..ServerConfig::default() };
    let server = TcpServer::start(config).await;
    let mut idle = tokio::net::TcpStream::connect(server.address).await.unwrap();
    let mut buffer = [0_u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(5), idle.read(&mut buffer))
        .await
        .expect("the server closes an idle connection within the bound");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    server.stop().await;
}

#[tokio::test]
async fn shutdown_drains_a_request_in_flight() {
    use tokio::io::AsyncWriteExt;

    let server = TcpServer::start(ServerConfig::default()).await;
    let mut stream = tokio::net::TcpStream::connect(server.address).await.unwrap();
    let request = raw_match_request(AZURE_404);
    let (first, rest) = request.split_at(request.len() - 40);
    stream.write_all(first.as_bytes()).await.unwrap();
    // The head is in and the body half sent when the stop comes.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stopping = tokio::spawn(server.stop());
    tokio::time::sleep(Duration::from_millis(200)).await;
    stream.write_all(rest.as_bytes()).await.unwrap();
    let response = read_response(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    stopping.await.unwrap();
}

#[test]
fn the_state_shares_one_engine() {
    let engine = crate::engine();
    let state = AppState::new(Arc::clone(&engine), ServerConfig::default());
    let copy = state.clone();
    assert!(Arc::ptr_eq(&state.engine(), &engine), "the state serves the engine it was given");
    assert!(Arc::ptr_eq(&copy.engine(), &engine), "clones share it rather than copying it");
}

/// The corpus tests' fixture with its own id, about a widget in `state` (`jammed`, `stuck`).
fn signature(id: &str, state: &str) -> String {
    crate::corpus::VALID
        .replace("demo-thing-broke", id)
        .replace("Thing", "Widget")
        .replace("thing", "widget")
        .replace("broke", state)
}

fn reload_request(token: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/admin/reload");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn reload_swaps_a_good_corpus_and_refuses_a_broken_one() {
    use errsig::server::CorpusSource;

    let dir = std::env::temp_dir().join(format!("errsig-it-reload-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("demo")).unwrap();
    std::fs::write(
        dir.join("demo/demo-widget-jammed.toml"),
        signature("demo-widget-jammed", "jammed"),
    )
    .unwrap();
    let source = CorpusSource { signatures: vec![dir.clone()], overlay: None };
    let state = errsig::server::AppState::with_reload(
        Arc::new(source.build().unwrap()),
        ServerConfig::default(),
        source,
        Some("s3cret-token".into()),
    );
    let app = router(state.clone());
    let first_version = state.engine().corpus_version().to_string();

    let (status, _, body) = send_to(app.clone(), reload_request(None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _, _) = send_to(app.clone(), reload_request(Some("wrong"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A second signature appears on disk; reloading serves it.
    let second = signature("demo-widget-stuck", "stuck");
    std::fs::write(dir.join("demo/demo-widget-stuck.toml"), second).unwrap();
    let (status, _, body) = send_to(app.clone(), reload_request(Some("s3cret-token"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["signatures"], 2);
    assert_ne!(value["corpus_version"], first_version.as_str());
    let (status, _, _) = send_to(app.clone(), get("/signatures/demo-widget-stuck")).await;
    assert_eq!(status, StatusCode::OK);

    // A broken file is refused with its problem, and the last good corpus keeps serving, while
    // requests run alongside the reloads.
    std::fs::write(dir.join("demo/demo-broken.toml"), "id = \"demo-broken\"\n[tags\n").unwrap();
    let good_version = state.engine().corpus_version().to_string();
    let mut matches = tokio::task::JoinSet::new();
    let mut reloads = tokio::task::JoinSet::new();
    for _ in 0..20 {
        matches.spawn(send_to(
            app.clone(),
            post("/match", "text/plain", "WidgetError: the widget stuck"),
        ));
    }
    for _ in 0..3 {
        reloads.spawn(send_to(app.clone(), reload_request(Some("s3cret-token"))));
    }
    let (matched, reloaded) = tokio::join!(matches.join_all(), reloads.join_all());
    for (status, headers, body) in matched {
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(headers["x-errsig-corpus-version"], good_version.as_str());
        assert!(body.contains("demo-widget-stuck"));
    }
    for (status, _, body) in reloaded {
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let value: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(value["error"]["code"], "invalid_corpus");
        assert!(
            value["error"]["problems"][0].as_str().unwrap().contains("demo/demo-broken.toml:2"),
            "{body}"
        );
    }
    assert_eq!(state.engine().corpus_version(), good_version);
}

#[tokio::test]
async fn without_a_token_there_is_no_admin_route() {
    let (status, _, _) = send(reload_request(Some("anything"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_verdict() {
    let app = app(ServerConfig::default());
    let (status, _, _) = send_to(app.clone(), post("/match", "text/plain", AZURE_404)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = send_to(app.clone(), get("/signatures/whatever-id")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, headers, body) = send_to(app.clone(), get("/metrics")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/openmetrics-text")
    );
    for expected in [
        r#"errsig_http_requests_total{route="/match",method="POST",status="200"} 1"#,
        r#"errsig_http_requests_total{route="/signatures/{id}",method="GET",status="404"} 1"#,
        r#"errsig_match_verdicts_total{verdict="matched"} 1"#,
        "errsig_http_request_duration_seconds_bucket{",
        &format!(
            r#"errsig_corpus_signatures{{corpus_version="{}"}} {}"#,
            crate::engine().corpus_version(),
            crate::engine().signatures().len()
        ),
    ] {
        assert!(body.contains(expected), "missing {expected} in:\n{body}");
    }
}

#[tokio::test]
async fn logs_at_trace_level_carry_no_secret() {
    let buffer = crate::LogBuffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let secret = "sk-proj-LOGLEAKcanaryLOGLEAKcanary";
    let _ = send(get(&format!("/search?q={secret}"))).await;
    let _ = send(post("/match", "text/plain", format!("{AZURE_404} api_key={secret}"))).await;
    let _ =
        send(post("/match", "application/json", format!("{{\"text\": \"{secret}\", \"bad\": 1}}")))
            .await;
    let logged = buffer.text();
    assert!(logged.contains("request"), "the subscriber saw the request spans: {logged}");
    assert!(!logged.contains("LOGLEAK"), "a secret reached the logs:\n{logged}");
}

#[tokio::test]
async fn openapi_describes_every_route() {
    let (status, headers, body) = send(get("/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let document: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    let mut operations: Vec<String> = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    operations.sort();
    expect![[r#"
        GET /healthz
        GET /metrics
        GET /openapi.json
        GET /readyz
        GET /search
        GET /signatures
        GET /signatures/{id}
        POST /admin/reload
        POST /match
        POST /match/batch"#]]
    .assert_eq(&operations.join("\n"));
    // Every documented route answers (none is a 404 from the fallback), so the list is not
    // aspirational.
    for operation in &operations {
        let (method, path) = operation.split_once(' ').unwrap();
        let path = path.replace("{id}", "no-such-signature");
        let request = Request::builder().method(method).uri(&path).body(Body::empty()).unwrap();
        let (_, _, body) = send(request).await;
        assert!(!body.contains("no such route") || path == "/admin/reload", "{operation}: {body}");
    }
}

/// Schemathesis (PyPI) generates requests from `/openapi.json` and checks every answer against
/// it: statuses, content types, headers and bodies, valid data accepted and invalid refused, and
/// no 5xx. `.ci/run` installs it and sets `ERRSIG_SCHEMATHESIS`; elsewhere the test says how.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_conforms_to_its_openapi_document() {
    let Some(schemathesis) = std::env::var_os("ERRSIG_SCHEMATHESIS") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the conformance test: set ERRSIG_SCHEMATHESIS to schemathesis' `st`"
        );
        eprintln!("skipped: set ERRSIG_SCHEMATHESIS to the `st` executable of schemathesis 4");
        return;
    };
    let engine = crate::engine();
    let config = ServerConfig::default();
    let source = errsig::server::CorpusSource { signatures: Vec::new(), overlay: None };
    let state = AppState::with_reload(engine, config.clone(), source, Some("conformance".into()));
    let server = TcpServer::serve(router(state), config).await;
    let url = format!("http://{}/openapi.json", server.address);
    let config_file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/schemathesis.toml");
    let run = tokio::process::Command::new(schemathesis)
        .args(["--no-color", "--config-file", config_file, "run", &url])
        .args(["--checks", "all", "--max-examples", "40", "--seed", "1", "--workers", "1"])
        .args(["--request-timeout", "30"])
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(300), run)
        .await
        .expect("schemathesis finishes within its bound")
        .expect("schemathesis starts");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "schemathesis found failures:\n{report}");
    server.stop().await;
}

#[tokio::test]
async fn watching_reloads_on_change_and_keeps_serving_through_a_broken_file() {
    use errsig::server::{CorpusSource, watch_directories};

    let dir = std::env::temp_dir().join(format!("errsig-it-watch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("demo")).unwrap();
    let write = |id: &str, text: String| std::fs::write(dir.join(format!("demo/{id}.toml")), text);
    write("demo-widget-jammed", signature("demo-widget-jammed", "jammed")).unwrap();
    let source = CorpusSource { signatures: vec![dir.clone()], overlay: None };
    let state = AppState::with_reload(
        Arc::new(source.build().unwrap()),
        ServerConfig::default(),
        source,
        None,
    );
    let _watch = watch_directories(&state, Duration::from_millis(200)).unwrap();
    let wait_for = |want: usize| {
        let state = state.clone();
        async move {
            for _ in 0..100 {
                if state.engine().signatures().len() == want {
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            false
        }
    };

    write("demo-widget-stuck", signature("demo-widget-stuck", "stuck")).unwrap();
    assert!(wait_for(2).await, "a new file is picked up within 10 s");
    let good_version = state.engine().corpus_version().to_string();

    write("demo-broken", "id = \"demo-broken\"\n[tags\n".into()).unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(state.engine().corpus_version(), good_version, "a broken file is refused");

    std::fs::remove_file(dir.join("demo/demo-broken.toml")).unwrap();
    std::fs::remove_file(dir.join("demo/demo-widget-stuck.toml")).unwrap();
    assert!(wait_for(1).await, "removals are picked up too");
    let _ = std::fs::remove_dir_all(&dir);

    let embedded = AppState::with_reload(
        crate::engine(),
        ServerConfig::default(),
        CorpusSource::default(),
        None,
    );
    let error = watch_directories(&embedded, Duration::from_millis(200)).unwrap_err();
    assert!(error.to_string().contains("--signatures"), "{error}");
}
