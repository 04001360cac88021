//! Handlers of the web routes: read the request, call the engine, hand the result to a page.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::pages::{self, Diagnosis, IndexFilter, Site};
use super::{Caching, html};
use crate::server::AppState;
use crate::{Engine, MatchReport};

fn site(state: &AppState, engine: &Engine) -> Site {
    Site {
        corpus_version: engine.corpus_version().to_string(),
        signatures: engine.signatures().len(),
        max_body_bytes: state.config.max_body_bytes,
    }
}

/// `GET /`: the paste form.
pub(super) async fn home(State(state): State<AppState>) -> Response {
    let engine = state.engine();
    html(StatusCode::OK, Caching::Revalidate, pages::home(&site(&state, &engine), None))
}

/// `GET /diagnose` (a reloaded or bookmarked results page): back to the form, since results are
/// never stored.
pub(super) async fn diagnose_get() -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/"))]).into_response()
}

/// `POST /diagnose`: the form's `log` field (`application/x-www-form-urlencoded`, what the form
/// sends without JavaScript) or the log itself as `text/plain` (what the page's script sends).
/// Answers the results page, or with `?partial=1` only the results section.
pub(super) async fn diagnose(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let engine = state.engine();
    let site = site(&state, &engine);
    let partial = query.is_some_and(|query| {
        form_urlencoded::parse(query.as_bytes())
            .any(|(name, value)| name == "partial" && value == "1")
    });
    let respond = |status: StatusCode, diagnosis: Diagnosis<'_>| {
        let markup = if partial {
            pages::results(&site, &diagnosis)
        } else {
            pages::home(&site, Some(&diagnosis))
        };
        html(status, Caching::NoStore, markup)
    };
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return respond(StatusCode::PAYLOAD_TOO_LARGE, Diagnosis::TooLarge);
        }
        Err(_) => return respond(StatusCode::BAD_REQUEST, Diagnosis::Unreadable),
    };
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
    let log: String = match media.as_deref() {
        Some("application/x-www-form-urlencoded") => form_urlencoded::parse(&bytes)
            .find(|(name, _)| name == "log")
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default(),
        Some("text/plain") => String::from_utf8_lossy(&bytes).into_owned(),
        _ => return respond(StatusCode::UNSUPPORTED_MEDIA_TYPE, Diagnosis::Unreadable),
    };
    if log.trim().is_empty() {
        return respond(StatusCode::UNPROCESSABLE_ENTITY, Diagnosis::Empty);
    }
    let (log, report) = match run_match(&state, &engine, log).await {
        Some(done) => done,
        None => return respond(StatusCode::INTERNAL_SERVER_ERROR, Diagnosis::Unreadable),
    };
    state.metrics.record_verdict(report.verdict());
    respond(StatusCode::OK, Diagnosis::Report { log: &log, report: &report })
}

/// Matches off the async workers when the log is large: matching is CPU work.
async fn run_match(
    state: &AppState,
    engine: &Arc<Engine>,
    log: String,
) -> Option<(String, MatchReport)> {
    let options = engine.default_options();
    if log.len() <= state.config.blocking_threshold {
        let report = engine.match_text_with(&log, &options);
        return Some((log, report));
    }
    let engine = Arc::clone(engine);
    tokio::task::spawn_blocking(move || {
        let report = engine.match_text_with(&log, &options);
        (log, report)
    })
    .await
    .ok()
}

#[derive(Debug, Default, Deserialize)]
struct IndexQuery {
    q: Option<String>,
    tool: Option<String>,
    provider: Option<String>,
    area: Option<String>,
    /// The JSON API's filter (tool, provider or area), honoured here too.
    tag: Option<String>,
}

/// `GET /signatures` for a browser: every article grouped by tool and provider, with filters and
/// a BM25 search box.
pub(super) fn signature_index(state: &AppState, query: Option<&str>) -> Response {
    let engine = state.engine();
    let query: IndexQuery = query
        .and_then(|query| {
            Query::<IndexQuery>::try_from_uri(&format!("/?{query}").parse().ok()?).ok()
        })
        .map(|Query(query)| query)
        .unwrap_or_default();
    let nonempty =
        |value: Option<String>| value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let filter = IndexFilter {
        q: nonempty(query.q),
        tool: nonempty(query.tool),
        provider: nonempty(query.provider),
        area: nonempty(query.area),
        tag: nonempty(query.tag),
    };
    let hits = filter.q.as_deref().map(|q| {
        let search = engine.search_articles(q, engine.signatures().len().max(1));
        search
            .hits()
            .iter()
            .filter_map(|hit| engine.signature(hit.signature_id().as_str()).cloned())
            .collect::<Vec<_>>()
    });
    let site = site(state, &engine);
    html(
        StatusCode::OK,
        Caching::Revalidate,
        pages::signature_index(&site, engine.signatures(), &filter, hits.as_deref()),
    )
}

/// `GET /signatures/{id}` for a browser: the whole article.
pub(super) fn signature_page(state: &AppState, id: &str) -> Response {
    let engine = state.engine();
    let site = site(state, &engine);
    match engine.signature(id) {
        Some(signature) => {
            html(StatusCode::OK, Caching::Revalidate, pages::article(&site, &engine, signature))
        }
        None => {
            // The words of the id are a fair search for what was meant.
            let words = id.replace(['-', '_'], " ");
            let search = engine.search_articles(&words, 5);
            let nearest: Vec<_> = search
                .hits()
                .iter()
                .filter_map(|hit| engine.signature(hit.signature_id().as_str()).cloned())
                .collect();
            html(
                StatusCode::NOT_FOUND,
                Caching::Revalidate,
                pages::not_found(&site, Some(&nearest)),
            )
        }
    }
}
