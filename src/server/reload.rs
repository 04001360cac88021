//! Hot reload: rebuild the engine from the corpus source off the async workers, then swap it in.
//! A broken corpus is refused with its problems listed; the old engine keeps serving.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};

use super::{ApiError, AppState};
use crate::wire::{ReloadDocument, SCHEMA_VERSION};
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

#[derive(Debug)]
pub(crate) struct Reload {
    source: CorpusSource,
    admin_token: Option<String>,
    /// One reload at a time; requests never wait on it.
    running: tokio::sync::Mutex<()>,
}

impl Reload {
    pub(crate) fn new(source: CorpusSource, admin_token: Option<String>) -> Reload {
        Reload {
            source,
            admin_token: admin_token.filter(|token| !token.is_empty()),
            running: tokio::sync::Mutex::new(()),
        }
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
    let source = settings.source.clone();
    let built = tokio::task::spawn_blocking(move || source.build()).await.map_err(|_| {
        Error::new(ErrorKind::InvalidCorpus(vec![crate::Problem::new(
            "<server>",
            "the reload task failed",
        )]))
    })?;
    let engine = match built {
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
