//! Hot reload: rebuild the engine from the corpus source off the async workers, then swap it in.
//! A broken corpus is refused with its problems listed; the old engine keeps serving.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};

use super::{ApiError, AppState};
use crate::wire::{ErrorDocument, ReloadDocument, SCHEMA_VERSION};
use crate::{Corpus, Engine, Error, ErrorKind};

/// Where the corpus comes from: directories (empty means the embedded corpus) and an overlay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorpusSource {
    /// Signature directories; empty for the embedded corpus.
    pub signatures: Vec<PathBuf>,
    /// An overlay directory whose signatures replace built-ins with the same id.
    pub overlay: Option<PathBuf>,
}

impl CorpusSource {
    /// Loads the corpus and builds an engine with default settings.
    ///
    /// # Errors
    /// Unreadable files or every problem in the corpus.
    pub fn build(&self) -> Result<Engine, Error> {
        let base = if self.signatures.is_empty() {
            Corpus::embedded()?
        } else {
            Corpus::load_dirs(&self.signatures)?
        };
        let corpus = match &self.overlay {
            Some(dir) => base.with_overlay(Corpus::load_dir(dir)?),
            None => base,
        };
        Engine::new(&corpus)
    }
}

/// What a successful reload swapped in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReloadOutcome {
    /// The new corpus version.
    pub corpus_version: String,
    /// How many signatures it has.
    pub signatures: usize,
}

/// A build asked of the builder thread, and where its engine goes.
type BuildJob = (CorpusSource, tokio::sync::oneshot::Sender<Result<Engine, Error>>);

#[derive(Debug)]
pub(crate) struct Reload {
    source: CorpusSource,
    admin_token: Option<String>,
    /// One reload at a time; requests never wait on it.
    running: tokio::sync::Mutex<()>,
    /// Engines are built on one long-lived thread, started on the first reload. On the blocking
    /// pool each build could land on a fresh thread, and glibc gives a fresh thread a fresh
    /// malloc arena that keeps what earlier engines freed: resident memory grew by about one
    /// engine per reload under load (reliability/soak.sh). The thread ends with the server.
    builder: std::sync::OnceLock<std::sync::mpsc::Sender<BuildJob>>,
}

impl Reload {
    pub(crate) fn new(source: CorpusSource, admin_token: Option<String>) -> Reload {
        Reload {
            source,
            admin_token: admin_token.filter(|token| !token.is_empty()),
            running: tokio::sync::Mutex::new(()),
            builder: std::sync::OnceLock::new(),
        }
    }

    /// Builds an engine from `source` on the builder thread.
    async fn build(&self, source: CorpusSource) -> Result<Engine, Error> {
        let failed = || {
            Error::new(ErrorKind::InvalidCorpus(vec![crate::Problem::new(
                "<server>",
                "the reload task failed",
            )]))
        };
        let jobs = self.builder.get_or_init(|| {
            let (jobs, queue) = std::sync::mpsc::channel::<BuildJob>();
            let spawned =
                std::thread::Builder::new().name("errsig-reload".into()).spawn(move || {
                    for (source, reply) in queue {
                        let _ = reply.send(source.build());
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "cannot start the reload thread");
            }
            jobs
        });
        let (reply, built) = tokio::sync::oneshot::channel();
        jobs.send((source, reply)).map_err(|_| failed())?;
        built.await.map_err(|_| failed())?
    }

    pub(crate) fn has_token(&self) -> bool {
        self.admin_token.is_some()
    }

    fn token_matches(&self, given: &str) -> bool {
        let Some(expected) = &self.admin_token else { return false };
        // Compare in time independent of where the first difference is.
        let (a, b) = (expected.as_bytes(), given.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

pub(crate) async fn reload(state: &AppState) -> Result<ReloadOutcome, Error> {
    let Some(settings) = state.reload.clone() else {
        return Err(Error::new(ErrorKind::InvalidCorpus(vec![crate::Problem::new(
            "<server>",
            "no corpus source to reload from",
        )])));
    };
    let _one_at_a_time = settings.running.lock().await;
    let engine = match settings.build(settings.source.clone()).await {
        Ok(engine) => Arc::new(engine),
        Err(error) => {
            state.metrics.record_reload(false);
            return Err(error);
        }
    };
    state.metrics.record_reload(true);
    let outcome = ReloadOutcome {
        corpus_version: engine.corpus_version().to_string(),
        signatures: engine.signatures().len(),
    };
    state.swap(engine);
    tracing::info!(corpus = %outcome.corpus_version, signatures = outcome.signatures, "corpus reloaded");
    Ok(outcome)
}

/// `POST /admin/reload` with `Authorization: Bearer <token>`.
///
/// The route exists only when `ERRSIG_ADMIN_TOKEN` is set; otherwise it answers 404.
#[utoipa::path(
    post,
    path = "/admin/reload",
    tag = "operations",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The new corpus is serving", body = ReloadDocument),
        (status = 401, description = "`unauthorized`", body = ErrorDocument),
        (status = 404, description = "`not_found`: no admin token is configured", body = ErrorDocument),
        (status = 422, description = "`invalid_corpus`: refused, the current corpus keeps serving", body = ErrorDocument),
    )
)]
pub(crate) async fn admin_reload(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<ReloadDocument>, ApiError> {
    let settings = state.reload.clone().ok_or(ApiError::NotFound("route"))?;
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !settings.token_matches(given) {
        return Err(ApiError::Unauthorized);
    }
    match reload(&state).await {
        Ok(outcome) => Ok(Json(ReloadDocument {
            schema_version: SCHEMA_VERSION,
            status: "reloaded",
            corpus_version: outcome.corpus_version,
            signatures: outcome.signatures,
        })),
        Err(error) => {
            tracing::warn!(%error, "reload refused; the current corpus keeps serving");
            let problems = match error.kind() {
                ErrorKind::InvalidCorpus(problems) => {
                    problems.iter().map(ToString::to_string).collect()
                }
                other => vec![other.to_string()],
            };
            Err(ApiError::InvalidCorpus(problems))
        }
    }
}

/// Reloads on every SIGHUP (Unix) until the runtime stops. Call inside the server's runtime.
pub fn spawn_sighup_reloader(state: AppState) {
    #[cfg(unix)]
    tokio::spawn(async move {
        let Ok(mut hangups) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            tracing::warn!("cannot listen for SIGHUP; reload through the admin route instead");
            return;
        };
        while hangups.recv().await.is_some() {
            if let Err(error) = state.reload().await {
                tracing::warn!(%error, "reload refused; the current corpus keeps serving");
            }
        }
    });
    #[cfg(not(unix))]
    let _ = state;
}

/// Keeps a directory watch alive; dropping it stops watching.
#[derive(Debug)]
pub struct DirectoryWatch {
    _watcher: notify::RecommendedWatcher,
}

/// Reloads whenever files under the corpus source's directories change, once they have been
/// quiet for `settle` (an editor's save or a `git pull` is many events). Call inside the
/// server's runtime and keep the returned value for as long as watching should go on.
///
/// # Errors
/// When the source is the embedded corpus (there is nothing on disk to watch) or a directory
/// cannot be watched.
pub fn watch_directories(
    state: &AppState,
    settle: std::time::Duration,
) -> std::io::Result<DirectoryWatch> {
    use notify::{EventKind, RecursiveMode, Watcher};

    let source = state.reload.as_ref().map(|reload| reload.source.clone()).unwrap_or_default();
    let directories: Vec<PathBuf> =
        source.signatures.iter().cloned().chain(source.overlay.clone()).collect();
    if directories.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the embedded corpus has no directory to watch; pass --signatures or --overlay",
        ));
    }
    // One pending signal is enough: a reload reads the whole directory anyway.
    let (changed, mut changes) = tokio::sync::mpsc::channel::<()>(1);
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|event| !matches!(event.kind, EventKind::Access(_))) {
            let _ = changed.try_send(());
        }
    })
    .map_err(std::io::Error::other)?;
    for directory in &directories {
        watcher.watch(directory, RecursiveMode::Recursive).map_err(|error| {
            std::io::Error::other(format!("cannot watch {}: {error}", directory.display()))
        })?;
    }
    let state = state.clone();
    tokio::spawn(async move {
        while changes.recv().await.is_some() {
            // Wait until the directory has been quiet for `settle`.
            loop {
                match tokio::time::timeout(settle, changes.recv()).await {
                    Ok(Some(())) => {}
                    Ok(None) => return,
                    Err(_quiet) => break,
                }
            }
            if let Err(error) = state.reload().await {
                tracing::warn!(%error, "reload after a change refused; the current corpus keeps serving");
            }
        }
    });
    Ok(DirectoryWatch { _watcher: watcher })
}
