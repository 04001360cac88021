//! The HTTP adapter (feature `server`): axum routes over the library's public API only.
//!
//! [`router`] is a pure constructor that tests call in-process; [`serve`] binds it to a listener
//! with graceful shutdown on Ctrl-C and SIGTERM.

mod error;
mod routes;

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

use crate::Engine;
pub use error::ApiError;

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
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_body_bytes: 8 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            max_concurrency: 64,
            blocking_threshold: 64 * 1024,
            max_batch_items: 32,
        }
    }
}

/// What every handler shares: the engine (immutable, behind an `Arc`) and the settings.
#[derive(Debug, Clone)]
pub struct AppState {
    pub(crate) engine: Arc<Engine>,
    pub(crate) config: Arc<ServerConfig>,
}

impl AppState {
    /// State over `engine` with `config`.
    pub fn new(engine: Arc<Engine>, config: ServerConfig) -> AppState {
        AppState { engine, config: Arc::new(config) }
    }
}

/// The application: every route with its layers.
pub fn router(state: AppState) -> Router {
    let config = Arc::clone(&state.config);
    let api = Router::new()
        .route("/match", post(routes::match_log))
        .route("/match/batch", post(routes::match_batch))
        .route("/search", get(routes::search))
        .route("/signatures", get(routes::list_signatures))
        .route("/signatures/{id}", get(routes::show_signature))
        .route("/healthz", get(routes::healthz))
        .route("/readyz", get(routes::readyz))
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .with_state(state);
    // Outermost first: tracing sees every request (never bodies); a panic becomes a 500 for that
    // request only; overload and timeouts become JSON errors; the body limit applies to extractors.
    api.layer(
        ServiceBuilder::new()
            .layer(TraceLayer::new_for_http())
            .layer(CatchPanicLayer::custom(error::panic_response))
            .layer(HandleErrorLayer::new(error::middleware_error))
            .load_shed()
            .concurrency_limit(config.max_concurrency.max(1))
            .timeout(config.request_timeout)
            .layer(DefaultBodyLimit::max(config.max_body_bytes)),
    )
}

/// Serves `router` on `listener` until Ctrl-C or SIGTERM, then drains in-flight requests.
///
/// # Errors
/// When the listener fails.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    serve_until(listener, router, shutdown_signal()).await
}

/// Serves `router` on `listener` until `shutdown` completes (tests pass their own signal).
///
/// # Errors
/// When the listener fails.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router).with_graceful_shutdown(shutdown).await
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
