//! The HTTP adapter (feature `server`): axum routes over the library's public API only.
//!
//! [`router`] is a pure constructor that tests call in-process; [`serve`] binds it to a listener
//! with graceful shutdown on Ctrl-C and SIGTERM.

mod error;
mod listen;
mod metrics;
mod openapi;
mod reload;
mod routes;
mod web;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use arc_swap::ArcSwap;

use crate::Engine;
pub use error::ApiError;
pub use openapi::document as openapi_document;
pub use reload::{
    CorpusSource, DirectoryWatch, ReloadOutcome, spawn_sighup_reloader, watch_directories,
};

/// Limits and settings of the service; every default is documented in README.md.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerConfig {
    /// The largest request body, in bytes; larger ones get 413 without being read whole.
    /// Default 8 MiB.
    pub max_body_bytes: usize,
    /// How long one request may take before it gets 503. Default 30 s.
    pub request_timeout: Duration,
    /// Requests handled at once; more are shed with 503 and `Retry-After`. Default 64.
    pub max_concurrency: usize,
    /// Bodies larger than this are matched on the blocking pool, off the async workers.
    /// Default 64 KiB.
    pub blocking_threshold: usize,
    /// The most items one `POST /match/batch` may carry. Default 32.
    pub max_batch_items: usize,
    /// How long a client may take to send a request head (line and headers) before the
    /// connection is closed; it also bounds how long an idle keep-alive connection stays open.
    /// Default 10 s.
    pub header_read_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_body_bytes: 8 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            max_concurrency: 64,
            blocking_threshold: 64 * 1024,
            max_batch_items: 32,
            header_read_timeout: Duration::from_secs(10),
        }
    }
}

/// What every handler shares: the current engine (swapped atomically on reload, never locked on
/// the request path) and the settings.
#[derive(Debug, Clone)]
pub struct AppState {
    engine: Arc<ArcSwap<Engine>>,
    pub(crate) config: Arc<ServerConfig>,
    pub(crate) reload: Option<Arc<reload::Reload>>,
    pub(crate) metrics: Arc<metrics::Metrics>,
}

impl AppState {
    /// State over `engine` with `config`, without reloading.
    pub fn new(engine: Arc<Engine>, config: ServerConfig) -> AppState {
        AppState {
            engine: Arc::new(ArcSwap::new(engine)),
            config: Arc::new(config),
            reload: None,
            metrics: Arc::new(metrics::Metrics::new()),
        }
    }

    /// State that can reload its corpus from `source`: on SIGHUP (see
    /// [`spawn_sighup_reloader`]) and, when `admin_token` is set, through `POST /admin/reload`.
    pub fn with_reload(
        engine: Arc<Engine>,
        config: ServerConfig,
        source: CorpusSource,
        admin_token: Option<String>,
    ) -> AppState {
        let mut state = AppState::new(engine, config);
        state.reload = Some(Arc::new(reload::Reload::new(source, admin_token)));
        state
    }

    /// The engine serving now; a request keeps the one it started with.
    pub fn engine(&self) -> Arc<Engine> {
        self.engine.load_full()
    }

    /// Rebuilds the engine from the corpus source off the async workers and swaps it in; a
    /// corpus with problems is refused and the current engine keeps serving.
    ///
    /// # Errors
    /// The corpus problems (or that no reload source was configured).
    pub async fn reload(&self) -> Result<ReloadOutcome, crate::Error> {
        reload::reload(self).await
    }

    pub(crate) fn swap(&self, engine: Arc<Engine>) {
        self.engine.store(engine);
    }
}

/// The application: every route with its layers.
pub fn router(state: AppState) -> Router {
    router_with(state, Router::new())
}

/// The application with routes of the embedder's own beside errsig's, behind the same layers
/// (tracing without bodies, panics to 500, load shedding, timeouts, body limit, metrics). Their
/// paths must differ from errsig's: axum panics on overlapping routes when the router is built.
pub fn router_with(state: AppState, extra: Router<AppState>) -> Router {
    let config = Arc::clone(&state.config);
    let mut api = extra
        .route("/match", post(routes::match_log))
        .route("/match/batch", post(routes::match_batch))
        .route("/search", get(routes::search))
        .route("/signatures", get(routes::list_signatures))
        .route("/signatures/{id}", get(routes::show_signature))
        .route("/healthz", get(routes::healthz))
        .route("/readyz", get(routes::readyz))
        .route("/metrics", get(metrics::render))
        .route("/openapi.json", get(openapi::openapi_json));
    // The admin route exists only when a token is configured.
    if state.reload.as_ref().is_some_and(|reload| reload.has_token()) {
        api = api.route("/admin/reload", post(reload::admin_reload));
    }
    // The web page: `/`, `/diagnose`, `/assets/*`, and HTML at `/signatures*` for browsers.
    let api = web::install(api, &state);
    let api = api
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .with_state(state);
    // Outermost first: tracing sees every request (never bodies); a panic becomes a 500 for that
    // request only; overload and timeouts become JSON errors; the body limit applies to extractors.
    api.layer(
        ServiceBuilder::new()
            // Spans record the method and the route template only (`/signatures/{id}`): a path
            // or a query string (`/search?q=...`) may hold pasted log text, secrets included.
            .layer(TraceLayer::new_for_http().make_span_with(
                |request: &axum::http::Request<axum::body::Body>| {
                    let route = request
                        .extensions()
                        .get::<axum::extract::MatchedPath>()
                        .map_or("unmatched", |route| route.as_str());
                    tracing::debug_span!("request", method = %request.method(), route)
                },
            ))
            .layer(CatchPanicLayer::custom(error::panic_response))
            .layer(HandleErrorLayer::new(error::middleware_error))
            .load_shed()
            .concurrency_limit(config.max_concurrency.max(1))
            .timeout(config.request_timeout)
            .layer(DefaultBodyLimit::max(config.max_body_bytes)),
    )
}

/// Serves `router` on `listener` until Ctrl-C or SIGTERM, then drains in-flight requests.
/// Only `config.header_read_timeout` is read here; the other limits live in the router.
///
/// # Errors
/// When the listener fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    config: &ServerConfig,
) -> std::io::Result<()> {
    serve_until(listener, router, config, shutdown_signal()).await
}

/// Serves `router` on `listener` until `shutdown` completes (tests pass their own signal).
///
/// # Errors
/// When the listener fails.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    router: Router,
    config: &ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    listen::accept_loop(listener, router, config.header_read_timeout, shutdown).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: draining in-flight requests");
}
