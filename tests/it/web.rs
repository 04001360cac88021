//! The web page: in-process through `router(state).oneshot(..)`, and once in a real browser
//! (`tests/web/diagnose.mjs` driving the system's Chromium against a server on 127.0.0.1:0).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use errsig::server::{AppState, ServerConfig, router};
use tower::ServiceExt;

/// What Chromium and Firefox send for a page.
const BROWSER_ACCEPT: &str =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const AZURE_404_ID: &str = "azure-404-full-deployment-url-without-azure-prefix";
/// An example of that signature: debug output with the doubled path, a bearer key, the error.
const AZURE_404_LOG: &str = include_str!("../web/azure-404-full-deployment-url.log");
const AZURE_404_SECRET: &str = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";

fn app(config: ServerConfig) -> axum::Router {
    router(AppState::new(crate::engine(), config))
}

async fn send_to(app: axum::Router, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let response = app.oneshot(request).await.expect("the router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await.unwrap();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn send(request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    send_to(app(ServerConfig::default()), request).await
}

fn browser_get(uri: &str) -> Request<Body> {
    Request::get(uri).header(header::ACCEPT, BROWSER_ACCEPT).body(Body::empty()).unwrap()
}

/// The form post a browser without JavaScript sends.
fn form_post(uri: &str, log: &str) -> Request<Body> {
    let body: String =
        form_urlencoded::Serializer::new(String::new()).append_pair("log", log).finish();
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, BROWSER_ACCEPT)
        .body(Body::from(body))
        .unwrap()
}

fn header(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers.get(&name).map_or("", |value| value.to_str().unwrap())
}

/// The headers every page carries.
fn assert_page_headers(headers: &HeaderMap) {
    assert_eq!(header(headers, header::CONTENT_TYPE), "text/html; charset=utf-8");
    let csp = header(headers, header::CONTENT_SECURITY_POLICY);
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(header(headers, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(header(headers, header::REFERRER_POLICY), "no-referrer");
}

/// What a page must not hold under that policy: inline script or style, or anything fetched
/// from elsewhere.
fn assert_self_contained(html: &str) {
    for (index, _) in html.match_indices("<script") {
        let tag = &html[index..index + html[index..].find('>').unwrap()];
        assert!(tag.contains("src=\"/assets/app.js?v="), "inline or foreign script: {tag}");
    }
    assert!(!html.contains(" style="), "an inline style attribute breaks the CSP");
    assert!(!html.contains("<style"), "an inline stylesheet breaks the CSP");
    for attribute in ["src=\"http", "href=\"//", "src=\"//"] {
        assert!(!html.contains(attribute), "a resource from another site: {attribute}");
    }
    let head = &html[..html.find("</head>").unwrap()];
    assert!(!head.contains("http://") && !head.contains("https://"), "{head}");
}

/// The HTML of the `n`th match (1-based) on a results page.
fn nth_match(html: &str, n: usize) -> &str {
    let start = html.match_indices("<article class=\"match\"").nth(n - 1).expect("the match").0;
    let end = html[start..].find("</article>").map_or(html.len(), |end| start + end);
    &html[start..end]
}

#[tokio::test]
async fn home_page_has_a_labelled_form_that_works_without_javascript() {
    let (status, headers, html) = send(browser_get("/")).await;
    assert_eq!(status, StatusCode::OK);
    assert_page_headers(&headers);
    assert_self_contained(&html);
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    assert!(
        html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    );
    // The no-JavaScript path: a plain form post of the field `log`.
    assert!(html.contains(
        "<form id=\"diagnose-form\" method=\"post\" action=\"/diagnose#results\" data-max-bytes=\"8388608\">"
    ));
    assert!(html.contains("<label for=\"log\">Log text</label>"));
    assert!(html.contains("<textarea id=\"log\" name=\"log\""));
    assert!(html.contains("<label for=\"log-file\">"), "the file input is labelled");
    assert!(html.contains("<button class=\"primary\" type=\"submit\">Diagnose</button>"));
    // Script-only controls stay hidden until the script shows them.
    assert!(html.contains("<div class=\"file-row\" data-js-only hidden>"));
    assert!(html.contains("role=\"status\" aria-live=\"polite\""));
    assert!(html.contains("<a class=\"skip\" href=\"#main\">"));
}

#[tokio::test]
async fn diagnose_form_post_shows_the_right_article_first_with_its_evidence_and_fix() {
    let (status, headers, html) = send(form_post("/diagnose", AZURE_404_LOG)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_page_headers(&headers);
    assert_eq!(header(&headers, header::CACHE_CONTROL), "no-store", "results echo the log");
    assert_self_contained(&html);
    assert!(html.contains("<h2 id=\"results-title\">1 known problem found</h2>"), "{html}");
    let first = nth_match(&html, 1);
    assert!(first.contains(&format!("<a href=\"/signatures/{AZURE_404_ID}\">")), "{first}");
    let meter = first.split("<meter value=\"").nth(1).and_then(|rest| rest.split('"').next());
    let confidence: f32 = meter.and_then(|value| value.parse().ok()).expect("a confidence meter");
    assert!((0.85..=1.0).contains(&confidence), "a verified match is confident: {first}");
    // The matched line, with the matched span highlighted.
    assert!(
        first.contains("<span class=\"ln\"><span class=\"vh\">line </span>7</span>"),
        "{first}"
    );
    assert!(
        first.contains("<mark>OpenAIException - Error code: 404 - {'error': {'code': '404', 'message': 'Resource not found</mark>"),
        "{first}"
    );
    // The explanation, the fixes with the captured deployment filled in, the variables.
    assert!(first.contains("<h4 id=\"m1-means\">What it means</h4>"));
    assert!(first.contains("<h4 id=\"m1-fix\">How to fix it</h4>"));
    assert!(first.contains(
        "<pre class=\"code\" id=\"m1-fix1\" tabindex=\"0\"><code class=\"language-python\">"
    ));
    assert!(first.contains("model=&quot;azure/gpt-4o-prod&quot;"), "{first}");
    assert!(first.contains("<dt><code>deployment</code></dt><dd><code>gpt-4o-prod</code></dd>"));
    assert!(first.contains("<h4 id=\"m1-verify\">How to verify</h4>"));
    // What was redacted, in plain words; the key itself is nowhere.
    assert!(html.contains(
        "<p class=\"privacy\"><strong>1 API key</strong> removed before matching; nothing is stored.</p>"
    ));
    assert!(!html.contains(AZURE_404_SECRET));
    // The no-JavaScript results page comes back with an empty form for the next log.
    assert!(html.contains("<textarea id=\"log\" name=\"log\" rows=\"12\" required spellcheck=\"false\" autocomplete=\"off\" autocapitalize=\"off\" aria-describedby=\"log-hint\"></textarea>"));
}

#[tokio::test]
async fn the_script_gets_only_the_results_section_for_plain_text() {
    let request = Request::post("/diagnose?partial=1")
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from(AZURE_404_LOG))
        .unwrap();
    let (status, headers, html) = send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, header::CACHE_CONTROL), "no-store");
    assert!(html.starts_with("<section class=\"results\" id=\"results\""), "{html}");
    assert!(!html.contains("<html") && !html.contains("<form"));
    assert!(nth_match(&html, 1).contains(&format!("/signatures/{AZURE_404_ID}")));
    assert!(!html.contains(AZURE_404_SECRET));
}

#[tokio::test]
async fn no_confident_match_is_said_plainly_with_the_nearest_articles() {
    let (status, _, html) = send(form_post("/diagnose", "Exception: Resource not found")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h2 id=\"results-title\">No confident match</h2>"), "{html}");
    assert!(
        html.contains(
            "matched this log with a confidence of 50% or more, so errsig does not guess."
        )
    );
    assert!(!html.contains("<article class=\"match\""), "no match may be shown as one");
    assert!(html.contains("<h3>Nearest articles</h3>"));
    let suggestions = &html[html.find("<ul class=\"suggestions\">").unwrap()..];
    assert!(
        suggestions.contains(&format!("<a href=\"/signatures/{AZURE_404_ID}\">")),
        "{suggestions}"
    );
    assert!(html.contains("No secrets found in the log; nothing is stored."));
}

#[tokio::test]
async fn secrets_in_the_paste_never_reach_the_page() {
    let secrets = [
        "sk-proj-Zz9yXx8wVv7uUt6sSr5qQp4oOn3mMl2k",
        "sk-ant-api03-HIDDENHIDDENHIDDEN99",
        "hunter2pass",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlc2VjcmV0",
    ];
    let log = format!(
        "Traceback (most recent call last):\n  File \"/app/main.py\", line 12, in <module>\n    \
         resp = completion(model=\"gpt-4o\", api_key=\"{}\", messages=msgs)\n\
         litellm.exceptions.NotFoundError: litellm.NotFoundError: NotFoundError: OpenAIException - \
         Resource not found (key {}, db postgres://admin:{}@db.internal:5432/litellm, \
         Authorization: Bearer {})\n",
        secrets[0], secrets[1], secrets[2], secrets[3]
    );
    let partial = Request::post("/diagnose?partial=1")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(log.clone()))
        .unwrap();
    for request in [form_post("/diagnose", &log), partial] {
        let (status, _, html) = send(request).await;
        assert_eq!(status, StatusCode::OK);
        for secret in secrets {
            assert!(!html.contains(secret), "{secret} leaked into the page");
        }
        assert!(
            html.contains(
                "<strong>2 API keys, 1 token and 1 password</strong> removed before matching"
            ),
            "{html}"
        );
        // The matched line is shown redacted, and still highlighted around the placeholders.
        let first = nth_match(&html, 1);
        assert!(first.contains(&format!("/signatures/{AZURE_404_ID}")));
        assert!(first.contains("<mark>OpenAIException - Resource not found</mark> (key <span class=\"secret\" title=\"a secret, removed\">&lt;secret&gt;</span>, db postgres://admin:<span class=\"secret\""), "{first}");
    }
}

#[tokio::test]
async fn empty_oversized_and_repeated_posts_get_pages_not_json() {
    let (status, headers, html) = send(form_post("/diagnose", "  \r\n ")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_page_headers(&headers);
    assert!(html.contains("<h2 id=\"results-title\">Nothing to diagnose</h2>"));

    let small = ServerConfig { max_body_bytes: 1024, ..ServerConfig::default() };
    let (status, _, html) = send_to(app(small), form_post("/diagnose", &"x".repeat(4096))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(html.contains("<h2 id=\"results-title\">The log is too large</h2>"), "{html}");
    assert!(html.contains("errsig reads up to 1 KiB at once."), "{html}");

    let (status, _, _) = send(
        Request::post("/diagnose")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // A reloaded results page goes back to the form: results are never stored.
    let (status, headers, _) = send(browser_get("/diagnose")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(header(&headers, header::LOCATION), "/");
}

#[tokio::test]
async fn signature_index_lists_every_article_grouped_by_tool_and_provider() {
    let (status, headers, html) = send(browser_get("/signatures")).await;
    assert_eq!(status, StatusCode::OK);
    assert_page_headers(&headers);
    assert_self_contained(&html);
    assert_eq!(header(&headers, header::VARY), "accept");
    for signature in crate::engine().signatures() {
        let link = format!("<a href=\"/signatures/{}\">", signature.id());
        assert_eq!(html.matches(&link).count(), 1, "{} is listed once", signature.id());
    }
    // Tool groups, largest first, then providers inside them.
    let sdk = html.find("<h2 id=\"tool-litellm\">LiteLLM SDK</h2>").unwrap();
    let proxy = html.find("<h2 id=\"tool-litellm-proxy\">LiteLLM proxy</h2>").unwrap();
    assert!(sdk < proxy);
    assert!(html[sdk..proxy].contains("<h3>Azure OpenAI</h3>"));
    // Filters and search are labelled controls of a GET form.
    assert!(
        html.contains(
            "<form class=\"filters\" method=\"get\" action=\"/signatures\" role=\"search\""
        )
    );
    for (id, label) in
        [("q", "Search the articles"), ("tool", "Tool"), ("provider", "Provider"), ("area", "Area")]
    {
        assert!(html.contains(&format!("<label for=\"{id}\">{label}</label>")), "{id}");
    }
}

#[tokio::test]
async fn signature_index_searches_with_bm25_and_filters_by_tag() {
    let (status, _, html) =
        send(browser_get("/signatures?q=Resource+not+found&provider=azure")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<input id=\"q\" type=\"search\" name=\"q\" value=\"Resource not found\"")
    );
    assert!(html.contains("<option value=\"azure\" selected>"));
    let list = &html[html.find("<ol class=\"sig-list\">").expect(&html)..];
    let list = &list[..list.find("</ol>").unwrap()];
    let ids: Vec<&str> = list
        .match_indices("<a href=\"/signatures/")
        .map(|(at, prefix)| {
            let rest = &list[at + prefix.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert!(ids.contains(&AZURE_404_ID), "{ids:?}");
    let engine = crate::engine();
    for id in &ids {
        let tags = engine.signature(id).unwrap().tags();
        assert!(tags.providers.iter().any(|p| p == "azure"), "{id} is not an Azure article");
    }
    // The order is the engine's BM25 order.
    let search = engine.search_articles("Resource not found", engine.signatures().len());
    let expected: Vec<&str> = search
        .hits()
        .iter()
        .map(|hit| hit.signature_id().as_str())
        .filter(|id| engine.signature(id).unwrap().tags().providers.iter().any(|p| p == "azure"))
        .collect();
    assert_eq!(ids, expected);

    let (_, _, html) = send(browser_get("/signatures?q=zzzqqqxxx")).await;
    assert!(html.contains("0 articles match “zzzqqqxxx”"), "{html}");
}

#[tokio::test]
async fn article_page_is_the_whole_article_without_javascript() {
    let (status, headers, html) = send(browser_get(&format!("/signatures/{AZURE_404_ID}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_page_headers(&headers);
    assert_self_contained(&html);
    assert!(html.contains(
        "<h1>Azure OpenAI: 404 Resource not found because the model has no azure/ prefix"
    ));
    for heading in [
        "What it means",
        "Causes",
        "How to fix it",
        "How to verify",
        "Versions",
        "Sources",
        "Related problems",
    ] {
        assert!(html.contains(&format!("\">{heading}</h2>")), "missing {heading}");
    }
    // Variables the reader fills in are shown as placeholders.
    assert!(html.contains("model=&quot;azure/&lt;deployment&gt;&quot;"), "{html}");
    assert!(html.contains("<code>azure/</code>"), "Markdown code spans are rendered");
    assert!(html.contains(
        "<a href=\"https://github.com/BerriAI/litellm/issues/11910\" rel=\"noopener noreferrer\">"
    ));
    assert!(
        html.contains("<a href=\"/signatures/litellm-provider-not-provided\">"),
        "related problems link"
    );
}

#[tokio::test]
async fn api_clients_keep_getting_json_at_the_same_paths() {
    let path = format!("/signatures/{AZURE_404_ID}");
    let (_, _, plain) = send(Request::get(path.as_str()).body(Body::empty()).unwrap()).await;
    let (_, _, plain_list) = send(Request::get("/signatures").body(Body::empty()).unwrap()).await;
    serde_json::from_str::<serde_json::Value>(&plain).expect("JSON without Accept");
    for accept in [
        "application/json",
        "*/*",
        "application/json, text/html",
        "text/html;q=0.5, */*",
        "text/plain",
    ] {
        for (uri, expected) in [(path.as_str(), &plain), ("/signatures", &plain_list)] {
            let request =
                Request::get(uri).header(header::ACCEPT, accept).body(Body::empty()).unwrap();
            let (status, headers, body) = send(request).await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                header(&headers, header::CONTENT_TYPE).starts_with("application/json"),
                "{accept}"
            );
            assert_eq!(&body, expected, "{accept} gets the same JSON");
            assert_eq!(header(&headers, header::VARY), "accept");
        }
    }
    for accept in ["text/html", "text/html, application/json;q=0.9", BROWSER_ACCEPT] {
        let request =
            Request::get(path.as_str()).header(header::ACCEPT, accept).body(Body::empty()).unwrap();
        let (_, headers, _) = send(request).await;
        assert_eq!(header(&headers, header::CONTENT_TYPE), "text/html; charset=utf-8", "{accept}");
    }
}

#[tokio::test]
async fn unknown_signature_is_a_404_page_for_browsers_and_json_for_the_api() {
    let (status, headers, html) =
        send(browser_get("/signatures/azure-resource-missing-deployment")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_page_headers(&headers);
    assert!(html.contains("<h1>Not found</h1>"));
    assert!(html.contains("<h2>Perhaps one of these</h2>"), "the id's words find articles");
    let (status, _, body) =
        send(Request::get("/signatures/nope").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("\"code\":\"not_found\""), "{body}");
}

#[tokio::test]
async fn assets_are_served_with_their_types_and_cache_headers() {
    let (_, _, html) = send(browser_get("/")).await;
    for (name, content_type) in [
        ("style.css", "text/css; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("icon.svg", "image/svg+xml"),
    ] {
        let prefix = format!("/assets/{name}?v=");
        let at = html.find(&prefix).unwrap_or_else(|| panic!("{name} is linked"));
        let url = &html[at..at + html[at..].find('"').unwrap()];
        let (status, headers, body) = send(browser_get(url)).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert_eq!(header(&headers, header::CONTENT_TYPE), content_type);
        assert_eq!(header(&headers, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
        assert_eq!(header(&headers, header::CACHE_CONTROL), "public, max-age=31536000, immutable");
        assert!(!body.is_empty());
        let etag = header(&headers, header::ETAG).to_string();
        let revalidate = Request::get(format!("/assets/{name}"))
            .header(header::IF_NONE_MATCH, etag.as_str())
            .body(Body::empty())
            .unwrap();
        let (status, headers, _) = send(revalidate).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
        assert_eq!(
            header(&headers, header::CACHE_CONTROL),
            "no-cache",
            "unversioned URLs revalidate"
        );
    }
    let (status, _, _) = send(browser_get("/assets/missing.js")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The system browser and the driver, or why they are missing.
fn browser_setup(root: &Path) -> Result<PathBuf, String> {
    let chromium = std::env::var_os("ERRSIG_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.exists() {
        return Err(format!("{} is missing (apt-get install chromium)", chromium.display()));
    }
    if !root.join("tests/web/node_modules/playwright-core").is_dir() {
        return Err("tests/web/node_modules is missing (npm ci in tests/web)".into());
    }
    let node = std::process::Command::new("node").arg("--version").output();
    if !node.is_ok_and(|output| output.status.success()) {
        return Err("node is not installed".into());
    }
    Ok(chromium)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_browser_diagnoses_the_azure_404_log() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if let Err(why) = browser_setup(&root) {
        assert!(std::env::var_os("CI").is_none(), "CI must run the browser test, but {why}");
        eprintln!("skipped the browser test: {why}");
        return;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = ServerConfig::default();
    let router = app(config.clone());
    let server = tokio::spawn(async move {
        errsig::server::serve_until(listener, router, &config, async {
            let _ = stopped.await;
        })
        .await
    });
    let artifacts = root.join("target/web-artifacts");
    let outcome = tokio::task::spawn_blocking(move || {
        let mut child = std::process::Command::new("node")
            .arg(root.join("tests/web/diagnose.mjs"))
            .arg(&url)
            .arg(&artifacts)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("node starts");
        // The script bounds itself at 120 s; this bounds the script.
        let deadline = Instant::now() + Duration::from_secs(150);
        loop {
            if child.try_wait().expect("the script can be waited on").is_some() {
                break;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        child.wait_with_output().expect("the script's output")
    })
    .await
    .unwrap();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(20), server).await.unwrap().unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&outcome.stdout);
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    assert!(
        outcome.status.success(),
        "the browser test failed ({}):\n{stdout}\n{stderr}",
        outcome.status
    );
    assert!(stdout.contains("checks passed, 0 failed"), "{stdout}");
    eprintln!("{}", stdout.trim());
}
