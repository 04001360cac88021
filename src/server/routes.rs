//! Handlers: extract, validate, call the engine, convert to a wire document.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::openapi::RawLog;
use super::{ApiError, AppState};
use crate::wire::{
    BatchDocument, BatchRequest, ErrorDocument, HealthDocument, MatchDocument, MatchRequest,
    SCHEMA_VERSION, SearchDocument, SearchHitDto, SignatureDocument, SignatureListDocument,
    SignatureSummaryDto,
};
use crate::{Engine, MatchOptions, MatchReport};

/// The most matches a caller may ask for.
const MAX_TOP: usize = 50;
/// The most search results a caller may ask for.
const MAX_LIMIT: usize = 50;
/// The longest batch tag, in bytes.
const MAX_TAG_BYTES: usize = 128;

/// Tags come back as keys of the answer, so a tag holding a secret would leave with it. A secret
/// alone has no context to give it away, so besides what the redactor masks, a tag is refused
/// when it has a password's punctuation or a run shaped like a random token.
fn is_safe_tag(engine: &Engine, tag: &str) -> bool {
    let identifier =
        tag.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"._:/#-".contains(&byte));
    identifier && !has_token_run(tag) && engine.normalize(tag).redactions().is_empty()
}

/// A run of 16 or more letters and digits (with base64's `+/=`) that mixes two of upper case,
/// lower case and digits, as generated keys and hex digests do and chosen names rarely do.
fn has_token_run(tag: &str) -> bool {
    tag.split(|c: char| !(c.is_ascii_alphanumeric() || "+/=".contains(c))).any(|run| {
        let kinds = [u8::is_ascii_uppercase, u8::is_ascii_lowercase, u8::is_ascii_digit]
            .iter()
            .filter(|kind| run.bytes().any(|byte| kind(&byte)))
            .count();
        run.len() >= 16 && kinds >= 2
    })
}

enum Body {
    Raw(Bytes),
    Json(MatchRequest),
}

fn read_body(body: Result<Bytes, BytesRejection>, limit: usize) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(limit)
        } else {
            ApiError::InvalidJson("the body could not be read".into())
        }
    })
}

fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
}

fn is_json(media: Option<&str>) -> Result<bool, ApiError> {
    match media {
        // curl sends form encoding unless told otherwise; a pasted log is still just text.
        None
        | Some("text/plain" | "application/octet-stream" | "application/x-www-form-urlencoded") => {
            Ok(false)
        }
        Some(text) if text.starts_with("text/") => Ok(false),
        Some("application/json") => Ok(true),
        Some(_) => Err(ApiError::UnsupportedMediaType),
    }
}

fn parse_json<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, ApiError> {
    // Only the position is reported: serde's messages can quote the caller's text.
    serde_json::from_slice(bytes).map_err(|error| {
        ApiError::InvalidJson(format!("line {}, column {}", error.line(), error.column()))
    })
}

fn options(
    engine: &Engine,
    top: Option<usize>,
    min_confidence: Option<f64>,
) -> Result<MatchOptions, ApiError> {
    let mut options = engine.default_options();
    if let Some(top) = top {
        if !(1..=MAX_TOP).contains(&top) {
            return Err(ApiError::InvalidParameter(format!("`top` must be from 1 to {MAX_TOP}")));
        }
        options.max_matches = top;
    }
    if let Some(min) = min_confidence {
        if !(0.0..=1.0).contains(&min) {
            return Err(ApiError::InvalidParameter("`min_confidence` must be from 0 to 1".into()));
        }
        // Range-checked in f64 first: 1.0000000000000002 must be refused, not rounded to 1.
        options.min_confidence = min as f32;
    }
    Ok(options)
}

/// Matches off the async workers when the body is large: matching is CPU work.
async fn run_match(
    state: &AppState,
    engine: &Arc<Engine>,
    bytes: Bytes,
    options: MatchOptions,
) -> Result<MatchReport, ApiError> {
    if bytes.len() <= state.config.blocking_threshold {
        return Ok(engine.match_bytes_with(&bytes, &options));
    }
    let engine = Arc::clone(engine);
    tokio::task::spawn_blocking(move || engine.match_bytes_with(&bytes, &options))
        .await
        .map_err(|_| ApiError::Internal)
}

fn with_corpus_version(engine: &Engine, body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    if let Ok(value) = HeaderValue::from_str(engine.corpus_version()) {
        response.headers_mut().insert("x-errsig-corpus-version", value);
    }
    response
}

#[utoipa::path(
    post,
    path = "/match",
    tag = "match",
    request_body(
        description = "The raw log as text, or JSON with options",
        content(
            (RawLog = "text/plain"),
            (MatchRequest = "application/json"),
        )
    ),
    responses(
        (status = 200, description = "The match document", body = MatchDocument, headers(("x-errsig-corpus-version" = String, description = "The corpus version that answered"))),
        (status = 400, description = "`empty_body` or `invalid_json`", body = ErrorDocument),
        (status = 413, description = "`payload_too_large`", body = ErrorDocument),
        (status = 415, description = "`unsupported_media_type`", body = ErrorDocument),
        (status = 422, description = "`invalid_parameter`", body = ErrorDocument),
        (status = 503, description = "`overloaded` or `timeout`", body = ErrorDocument),
    )
)]
/// `POST /match`: the raw log as text/plain, or `{"text", "top", "min_confidence", "explain"}`.
pub(crate) async fn match_log(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let engine = state.engine();
    let bytes = read_body(body, state.config.max_body_bytes)?;
    let body = if is_json(media_type(&headers).as_deref())? {
        Body::Json(parse_json(&bytes)?)
    } else {
        Body::Raw(bytes)
    };
    let (text, options) = match body {
        Body::Raw(bytes) => (bytes, engine.default_options()),
        Body::Json(request) => {
            let options = options(&engine, request.top, request.min_confidence)?;
            (Bytes::from(request.text.into_bytes()), options)
        }
    };
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::EmptyBody);
    }
    let report = run_match(&state, &engine, text, options).await?;
    state.metrics.record_verdict(report.verdict());
    Ok(with_corpus_version(&engine, Json(MatchDocument::from_report(&report))))
}

#[utoipa::path(
    post,
    path = "/match/batch",
    tag = "match",
    request_body(content = BatchRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "One match document per tag", body = BatchDocument, headers(("x-errsig-corpus-version" = String, description = "The corpus version that answered"))),
        (status = 400, description = "`invalid_json`", body = ErrorDocument),
        (status = 413, description = "`payload_too_large`", body = ErrorDocument),
        (status = 415, description = "`unsupported_media_type`", body = ErrorDocument),
        (status = 422, description = "`invalid_parameter`", body = ErrorDocument),
        (status = 503, description = "`overloaded` or `timeout`", body = ErrorDocument),
    )
)]
/// `POST /match/batch`: `{"items": [{"tag", "text"}], "top", "min_confidence"}`.
pub(crate) async fn match_batch(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let engine = state.engine();
    let bytes = read_body(body, state.config.max_body_bytes)?;
    if !is_json(media_type(&headers).as_deref())? {
        return Err(ApiError::UnsupportedMediaType);
    }
    let request: BatchRequest = parse_json(&bytes)?;
    let options = options(&engine, request.top, request.min_confidence)?;
    if request.items.is_empty() || request.items.len() > state.config.max_batch_items {
        return Err(ApiError::InvalidParameter(format!(
            "`items` must hold from 1 to {} entries",
            state.config.max_batch_items
        )));
    }
    let mut results = BTreeMap::new();
    for item in request.items {
        if item.tag.is_empty() || item.tag.len() > MAX_TAG_BYTES || results.contains_key(&item.tag)
        {
            return Err(ApiError::InvalidParameter(format!(
                "each `tag` must be unique, non-empty and at most {MAX_TAG_BYTES} bytes"
            )));
        }
        if !is_safe_tag(&engine, &item.tag) {
            return Err(ApiError::InvalidParameter(
                "each `tag` must be an identifier (letters, digits and `._:/#-`) that does not look \
                 like a secret, since tags are echoed in the answer"
                    .to_owned(),
            ));
        }
        let report =
            run_match(&state, &engine, Bytes::from(item.text.into_bytes()), options).await?;
        state.metrics.record_verdict(report.verdict());
        results.insert(item.tag, MatchDocument::from_report(&report));
    }
    Ok(with_corpus_version(
        &engine,
        Json(BatchDocument { schema_version: SCHEMA_VERSION, results }),
    ))
}

#[derive(Debug, Deserialize)]
pub(crate) struct SearchQuery {
    q: Option<String>,
    limit: Option<usize>,
}

#[utoipa::path(
    get,
    path = "/search",
    tag = "articles",
    params(
        ("q" = String, Query, pattern = r"\S", description = "The query (words from a log or a question); not blank"),
        ("limit" = Option<usize>, Query, minimum = 1, maximum = 50, description = "How many hits (default 10)"),
    ),
    responses(
        (status = 200, description = "Hits, best first", body = SearchDocument, headers(("x-errsig-corpus-version" = String, description = "The corpus version that answered"))),
        (status = 422, description = "`invalid_parameter`", body = ErrorDocument),
    )
)]
/// `GET /search?q=...&limit=N`.
pub(crate) async fn search(
    State(state): State<AppState>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let engine = state.engine();
    let Ok(Query(query)) = query else {
        return Err(ApiError::InvalidParameter("`limit` must be a whole number".into()));
    };
    let text = query.q.unwrap_or_default();
    if text.trim().is_empty() {
        return Err(ApiError::InvalidParameter("`q` is required".into()));
    }
    let limit = query.limit.unwrap_or(10);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::InvalidParameter(format!("`limit` must be from 1 to {MAX_LIMIT}")));
    }
    let results = engine.search_articles(&text, limit);
    let document = SearchDocument {
        schema_version: SCHEMA_VERSION,
        warnings: results.warnings().len(),
        hits: results
            .hits()
            .iter()
            .map(|hit| SearchHitDto {
                id: hit.signature_id().to_string(),
                title: hit.title().to_string(),
                score: hit.score(),
            })
            .collect(),
    };
    Ok(with_corpus_version(&engine, Json(document)))
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    tag: Option<String>,
}

#[utoipa::path(
    get,
    path = "/signatures",
    tag = "articles",
    params(("tag" = Option<String>, Query, description = "Only signatures with this tool, provider or area tag")),
    responses(
        (status = 200, description = "The signatures (an HTML index when `Accept` prefers text/html)", headers(("x-errsig-corpus-version" = String, description = "The corpus version that answered")), content(
            (SignatureListDocument = "application/json"),
            (String = "text/html"),
        )),
    )
)]
/// `GET /signatures?tag=T`: tool, provider or area.
pub(crate) async fn list_signatures(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let engine = state.engine();
    let tag = query.ok().and_then(|Query(query)| query.tag);
    let signatures = engine
        .signatures()
        .iter()
        .filter(|signature| {
            let tags = signature.tags();
            tag.as_ref().is_none_or(|tag| {
                tags.tool == *tag || tags.area == *tag || tags.providers.contains(tag)
            })
        })
        .map(|signature| SignatureSummaryDto::new(signature))
        .collect();
    let document = SignatureListDocument {
        schema_version: SCHEMA_VERSION,
        corpus_version: engine.corpus_version().to_string(),
        signatures,
    };
    with_corpus_version(&engine, Json(document))
}

#[utoipa::path(
    get,
    path = "/signatures/{id}",
    tag = "articles",
    params(("id" = String, Path, description = "A signature id")),
    responses(
        (status = 200, description = "The signature and its article (an HTML page when `Accept` prefers text/html)", headers(("x-errsig-corpus-version" = String, description = "The corpus version that answered")), content(
            (SignatureDocument = "application/json"),
            (String = "text/html"),
        )),
        (status = 404, description = "`not_found`", body = ErrorDocument),
    )
)]
/// `GET /signatures/{id}`: one signature with its article.
pub(crate) async fn show_signature(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let engine = state.engine();
    let signature = engine.signature(&id).ok_or(ApiError::NotFound("signature"))?;
    Ok(with_corpus_version(&engine, Json(SignatureDocument::new(signature))))
}

#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "The process is up", body = HealthDocument))
)]
/// `GET /healthz`: the process is up.
pub(crate) async fn healthz() -> Json<HealthDocument> {
    Json(HealthDocument {
        schema_version: SCHEMA_VERSION,
        status: "ok",
        corpus_version: None,
        signatures: None,
    })
}

#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses((status = 200, description = "The engine is serving", body = HealthDocument))
)]
/// `GET /readyz`: the engine is built and serving.
pub(crate) async fn readyz(State(state): State<AppState>) -> Json<HealthDocument> {
    let engine = state.engine();
    Json(HealthDocument {
        schema_version: SCHEMA_VERSION,
        status: "ready",
        corpus_version: Some(engine.corpus_version().to_string()),
        signatures: Some(engine.signatures().len()),
    })
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::NotFound("route")
}

pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
