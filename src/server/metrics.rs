//! `GET /metrics`: request counts and latency by route and status, match outcomes, reloads and
//! the corpus served, in the Prometheus text format. Route labels are route templates, so the
//! label set stays small whatever paths clients send.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::AppState;
use crate::Verdict;

type Labels = Vec<(&'static str, String)>;

fn latency_histogram() -> Histogram {
    // 0.25 ms to about 4 s.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
}

pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<Labels, Counter>,
    latency: Family<Labels, Histogram, fn() -> Histogram>,
    verdicts: Family<Labels, Counter>,
    reloads: Family<Labels, Counter>,
    corpus: Family<Labels, Gauge>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    pub(crate) fn new() -> Metrics {
        let mut registry = Registry::with_prefix("errsig");
        let requests = Family::<Labels, Counter>::default();
        let latency = Family::<Labels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let verdicts = Family::<Labels, Counter>::default();
        let reloads = Family::<Labels, Counter>::default();
        let corpus = Family::<Labels, Gauge>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route, method and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        registry.register("match_verdicts", "Matched logs by verdict", verdicts.clone());
        registry.register("reloads", "Corpus reloads by result", reloads.clone());
        registry.register(
            "corpus_signatures",
            "Signatures in the corpus served, by corpus version",
            corpus.clone(),
        );
        Metrics { registry, requests, latency, verdicts, reloads, corpus }
    }

    pub(crate) fn record_verdict(&self, verdict: Verdict) {
        self.verdicts.get_or_create(&vec![("verdict", verdict.as_str().to_string())]).inc();
    }

    pub(crate) fn record_reload(&self, ok: bool) {
        let result = if ok { "ok" } else { "refused" };
        self.reloads.get_or_create(&vec![("result", result.to_string())]).inc();
    }
}

/// Middleware: counts and times every request by its route template.
pub(crate) async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |path| path.as_str().to_string());
    let method = request.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let metrics = &state.metrics;
    let status = response.status().as_u16().to_string();
    metrics
        .requests
        .get_or_create(&vec![("route", route.clone()), ("method", method), ("status", status)])
        .inc();
    metrics.latency.get_or_create(&vec![("route", route)]).observe(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((
        status = 200,
        description = "Prometheus / OpenMetrics text",
        content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8",
        body = String
    ))
)]
pub(crate) async fn render(State(state): State<AppState>) -> Response {
    let engine = state.engine();
    state.metrics.corpus.clear();
    state
        .metrics
        .corpus
        .get_or_create(&vec![("corpus_version", engine.corpus_version().to_string())])
        .set(i64::try_from(engine.signatures().len()).unwrap_or(i64::MAX));
    let mut body = String::new();
    if encode(&mut body, &state.metrics.registry).is_err() {
        return super::ApiError::Internal.into_response();
    }
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}
