//! The web page: server-rendered HTML over the library's public API, for people who meet errsig
//! in a browser.
//!
//! `GET /` is the paste form; `POST /diagnose` answers the results page (or, with `?partial=1`,
//! the results fragment the page's script puts in place); `GET /signatures` and
//! `GET /signatures/{id}` answer HTML when the `Accept` header prefers it and leave the JSON API
//! untouched otherwise; `/assets/{file}` serves the stylesheet, the script and the icon compiled
//! into the binary. Templates are maud (compiled Rust, every value escaped); the script only
//! enhances pages that work without it. Nothing is stored, and the pasted log is only ever shown
//! as the engine's redacted lines.

mod assets;
mod handlers;
mod pages;
mod render;

use axum::extract::{MatchedPath, RawPathParams, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{RequestPartsExt, Router};
use maud::Markup;

use super::AppState;

/// Adds the web routes to `api` and serves HTML at the API's signature routes to browsers.
pub(crate) fn install(api: Router<AppState>, state: &AppState) -> Router<AppState> {
    api.route("/", get(handlers::home))
        .route("/diagnose", get(handlers::diagnose_get).post(handlers::diagnose))
        .route("/assets/{file}", get(assets::serve))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), negotiate))
}

/// Answers HTML at `/signatures` and `/signatures/{id}` when the client prefers it; every other
/// request, and every client that does not prefer HTML, goes on to the JSON handlers as before.
async fn negotiate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|path| path.as_str().to_owned());
    let is_signatures = matches!(route.as_deref(), Some("/signatures" | "/signatures/{id}"));
    if !is_signatures {
        return next.run(request).await;
    }
    let read = matches!(*request.method(), Method::GET | Method::HEAD);
    let mut response = if read && prefers_html(request.headers()) {
        let (mut parts, _) = request.into_parts();
        if route.as_deref() == Some("/signatures") {
            handlers::signature_index(&state, parts.uri.query())
        } else {
            let params = parts.extract::<RawPathParams>().await;
            let id = params
                .ok()
                .and_then(|params| {
                    params.iter().find(|(name, _)| *name == "id").map(|(_, v)| v.to_owned())
                })
                .unwrap_or_default();
            handlers::signature_page(&state, &id)
        }
    } else {
        next.run(request).await
    };
    // One URL, two representations: caches must key on Accept.
    response.headers_mut().append(header::VARY, HeaderValue::from_static("accept"));
    response
}

/// Whether `Accept` ranks `text/html` above JSON: browsers send `text/html,...,*/*;q=0.8`; API
/// clients send `application/json`, `*/*` or nothing, and keep getting JSON. On equal weight an
/// explicit `application/json` wins over `text/html`, and an explicit `text/html` over a wildcard.
pub(crate) fn prefers_html(headers: &HeaderMap) -> bool {
    let mut html: Option<f32> = None;
    let mut json: Option<f32> = None;
    let mut wildcard: Option<f32> = None;
    for value in headers.get_all(header::ACCEPT) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let mut weight = 1.0f32;
            for parameter in parts {
                match parameter.split_once('=') {
                    Some((name, value)) if name.trim().eq_ignore_ascii_case("q") => {
                        weight = value.trim().parse().unwrap_or(0.0);
                    }
                    _ => {}
                }
            }
            let slot = match media.as_str() {
                "text/html" | "application/xhtml+xml" => &mut html,
                "application/json" => &mut json,
                "*/*" | "application/*" => &mut wildcard,
                _ => continue,
            };
            *slot = Some(slot.map_or(weight, |seen| seen.max(weight)));
        }
    }
    let Some(html) = html.filter(|weight| *weight > 0.0) else { return false };
    match json {
        Some(json) => html > json,
        None => html >= wildcard.unwrap_or(0.0),
    }
}

/// How long a browser may keep a page.
#[derive(Debug, Clone, Copy)]
enum Caching {
    /// Pages that echo the caller's log: never kept.
    NoStore,
    /// Pages that only change with the corpus: revalidated each time.
    Revalidate,
}

/// An HTML response with the page's security headers: a Content-Security-Policy that allows
/// only this origin's script and stylesheet (no inline script or style), no sniffing, no
/// referrer sent to the sources an article links to, no framing.
fn html(status: StatusCode, caching: Caching, markup: Markup) -> Response {
    let mut response = (status, markup.into_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(match caching {
            Caching::NoStore => "no-store",
            Caching::Revalidate => "no-cache",
        }),
    );
    response
}

/// The page's Content-Security-Policy.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
