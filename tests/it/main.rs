//! The one integration-test binary. Modules are organised by what they exercise.

mod cli;
mod corpus;
mod engine;
mod evaluation;
#[cfg(feature = "server")]
mod http;
#[cfg(feature = "server")]
mod malformed;
mod negatives;
mod properties;
mod secrets;
mod tidy;
#[cfg(feature = "server")]
mod web;

use std::sync::{Arc, OnceLock};

use errsig::{Corpus, Engine};

/// The engine over the embedded corpus, built once for the whole test binary.
pub(crate) fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    Arc::clone(ENGINE.get_or_init(|| {
        let corpus = Corpus::embedded().expect("the embedded corpus is valid");
        Arc::new(Engine::new(&corpus).expect("the embedded corpus builds"))
    }))
}
