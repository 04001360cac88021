//! errsig: match raw error logs from LLM gateways and SDKs to known problems, with the evidence
//! and a concrete fix.
//!
//! The primary types are [`Corpus`] (the signature files), [`Engine`] (built once from a corpus,
//! then shared) and [`MatchReport`] (what one input matched).
//!
//! ```
//! use errsig::{Corpus, Engine};
//!
//! let corpus = Corpus::embedded()?;
//! let engine = Engine::builder().max_matches(3).build(&corpus)?;
//! let log = "litellm.NotFoundError: NotFoundError: OpenAIException - Resource not found";
//! let report = engine.match_text(log);
//! let best = &report.matches()[0];
//! assert_eq!(best.signature_id().as_str(), "azure-404-full-deployment-url-without-azure-prefix");
//! assert!(best.confidence().value() >= 0.5);
//! println!("{}: {}", best.signature().title(), best.fixes()[0].title);
//! # Ok::<(), errsig::Error>(())
//! ```
//!
//! # Performance
//! Build the engine once and reuse it: building checks every pattern and builds the anchor
//! automaton; each regex is compiled the first time an event makes its signature a candidate, and
//! the article index on the first search. Matching is one automaton pass per event plus regex
//! verification of the candidates only; see `benches/` for measured figures.
//!
//! # Untrusted input
//! Matching never fails and never panics on input. Regexes are linear-time (no backtracking),
//! size-limited at build time; inputs above [`EngineBuilder::max_input_bytes`] are cut to their
//! head and tail; fuzzy scoring is capped per event. Secrets are removed before anything else
//! reads the text and never appear in a report.
//!
//! # Features
//! - `server` (default): the `server` module, an axum HTTP service over the engine
//!   (`errsig serve`). Without it the library has no async or HTTP dependencies.

#![deny(missing_docs)]
#![warn(missing_debug_implementations)]
#![deny(rustdoc::broken_intra_doc_links)]

mod articles;
mod compile;
mod corpus;
mod engine;
mod error;
mod evaluation;
mod matcher;
mod normalize;
mod report;
mod score;
#[cfg(feature = "server")]
pub mod server;
mod signature;
pub mod wire;

pub use articles::{ArticleHit, ArticleSearch};
pub use corpus::Corpus;
pub use engine::{Engine, EngineBuilder, ExampleFailure, LineMatcher, MatchOptions};
pub use error::{Error, ErrorKind, Problem, Result};
pub use evaluation::{
    CalibrationBin, CaseOutcome, EvalCase, EvalScores, EvalSystem, SignatureCounts, evaluate,
};
pub use normalize::{
    Event, EventKind, Evidence, EvidenceKind, HostKind, Normalized, Redaction, Span, normalize,
};
pub use report::{
    Confidence, Explanation, InputSummary, Match, MatchKind, MatchReport, Occurrence, Suggestion,
    SuggestionSource, Truncation, Verdict,
};
pub use signature::{
    Article, Conditions, CounterExample, Example, Fix, MatchRules, Relations, Signature,
    SignatureId, Tags, Versions,
};

/// The number of secret families the redactor knows.
pub fn secret_family_count() -> usize {
    normalize::secrets::family_count()
}

/// Compiles the README's Rust example as a doctest, so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
