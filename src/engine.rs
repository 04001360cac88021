//! The facade: [`Engine`] composes normalization, the compiled corpus, scoring and article search.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::articles::{ArticleIndex, ArticleSearch, query_from_text};
use crate::compile::{Compiled, compile, words};
use crate::corpus::Corpus;
use crate::error::{Error, Result};
use crate::matcher::find_hits;
use crate::normalize::segment::{self, Segmenter};
use crate::normalize::{
    Event, Evidence, Line, LineNormalizer, LineTexts, Normalized, normalize_parts,
};
use crate::report::{
    Confidence, InputSummary, Match, MatchReport, Suggestion, SuggestionSource, Truncation,
};
use crate::score::{self, ResolvedHit};
use crate::signature::{Signature, SignatureId};

/// Builds an [`Engine`]. Every setter documents its default.
///
/// # Example
/// ```
/// let corpus = errsig::Corpus::embedded()?;
/// let engine = errsig::Engine::builder().max_matches(3).min_confidence(0.6).build(&corpus)?;
/// assert!(engine.signatures().len() >= 4);
/// # Ok::<(), errsig::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EngineBuilder {
    max_matches: usize,
    min_confidence: f32,
    max_input_bytes: usize,
    max_occurrences: usize,
    max_suggestions: usize,
    prefilter: bool,
    fuzzy: bool,
    search_fallback: bool,
}

impl Default for EngineBuilder {
    fn default() -> Self {
        EngineBuilder {
            max_matches: 5,
            min_confidence: 0.5,
            max_input_bytes: 8 * 1024 * 1024,
            max_occurrences: 20,
            max_suggestions: 3,
            prefilter: true,
            fuzzy: true,
            search_fallback: true,
        }
    }
}

impl EngineBuilder {
    /// The most confident matches a report lists. Default 5.
    pub fn max_matches(&mut self, n: usize) -> &mut Self {
        self.max_matches = n;
        self
    }

    /// The confidence bar: matches below it are not reported as matches. Default 0.5.
    pub fn min_confidence(&mut self, value: f32) -> &mut Self {
        self.min_confidence = Confidence::new(value).value();
        self
    }

    /// Inputs larger than this are cut to their first and last halves (at line boundaries) and the
    /// report says what was skipped. Default 8 MiB.
    pub fn max_input_bytes(&mut self, bytes: usize) -> &mut Self {
        self.max_input_bytes = bytes.max(2);
        self
    }

    /// The most occurrences kept per match (all are counted). Default 20.
    pub fn max_occurrences(&mut self, n: usize) -> &mut Self {
        self.max_occurrences = n.max(1);
        self
    }

    /// The most suggestions offered when nothing matched with confidence. Default 3.
    pub fn max_suggestions(&mut self, n: usize) -> &mut Self {
        self.max_suggestions = n;
        self
    }

    /// Use the Aho-Corasick prefilter. Off, every signature is tried on every event: the
    /// brute-force reference for tests and benchmarks; answers are identical. Default on.
    pub fn prefilter(&mut self, yes: bool) -> &mut Self {
        self.prefilter = yes;
        self
    }

    /// Allow fuzzy (template similarity) matches. Default on.
    pub fn fuzzy(&mut self, yes: bool) -> &mut Self {
        self.fuzzy = yes;
        self
    }

    /// Offer article search results as suggestions when nothing matched. Default on.
    pub fn search_fallback(&mut self, yes: bool) -> &mut Self {
        self.search_fallback = yes;
        self
    }

    /// Compiles `corpus` into an engine. Every pattern is checked here; regexes are compiled on
    /// first use and the article index on the first search.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidCorpus`] listing every pattern, anchor, variable and relation
    /// problem.
    pub fn build(&self, corpus: &Corpus) -> Result<Engine> {
        let signatures: Vec<Arc<Signature>> =
            corpus.signatures().iter().cloned().map(Arc::new).collect();
        let mut compiled = compile(&signatures).map_err(Error::invalid_corpus)?;
        if !self.fuzzy {
            for signature in &mut compiled.signatures {
                signature.templates.clear();
                signature.keywords.clear();
            }
        }
        tracing::debug!(signatures = signatures.len(), corpus = corpus.version(), "engine built");
        Ok(Engine {
            config: self.clone(),
            compiled,
            signatures,
            search: OnceLock::new(),
            corpus_version: corpus.version().to_string(),
        })
    }
}

/// The matching engine: immutable after [`EngineBuilder::build`], `Send + Sync`, share it as
/// `Arc<Engine>`.
///
/// # Example
/// ```
/// let engine = errsig::Engine::new(&errsig::Corpus::embedded()?)?;
/// let report = engine.match_text("litellm.NotFoundError: NotFoundError: OpenAIException - Resource not found");
/// assert_eq!(report.matches()[0].signature_id().as_str(), "azure-404-full-deployment-url-without-azure-prefix");
/// # Ok::<(), errsig::Error>(())
/// ```
pub struct Engine {
    config: EngineBuilder,
    compiled: Compiled,
    signatures: Vec<Arc<Signature>>,
    /// Built on the first search: most match calls never search.
    search: OnceLock<Search>,
    corpus_version: String,
}

/// The article index, and per signature the word lists (templates and example messages) that
/// check search results.
struct Search {
    articles: std::result::Result<ArticleIndex, String>,
    references: Vec<Vec<Vec<String>>>,
}

impl Search {
    fn build(signatures: &[Arc<Signature>]) -> Search {
        let mut example_texts = Vec::with_capacity(signatures.len());
        let mut references = Vec::with_capacity(signatures.len());
        for signature in signatures {
            let mut texts = Vec::with_capacity(signature.examples().len());
            let mut lines: Vec<Vec<String>> = signature
                .rules()
                .templates
                .iter()
                .map(|template| words(&template.to_ascii_lowercase()))
                .collect();
            for example in signature.examples() {
                let normalized = crate::normalize::normalize(&example.text);
                if let Some(event) = normalized.events().last() {
                    let focus = &event.text()[event.focus..];
                    let first = focus.lines().next().unwrap_or_default();
                    lines.push(words(&first.to_ascii_lowercase()));
                }
                texts.push(normalized.text());
            }
            example_texts.push(texts);
            references.push(lines);
        }
        let articles = ArticleIndex::build(signatures, &example_texts).map_err(|error| {
            tracing::error!(%error, "the article index cannot be built; searches find nothing");
            format!("the article index cannot be built: {error}")
        });
        Search { articles, references }
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("signatures", &self.signatures.len())
            .field("corpus_version", &self.corpus_version)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Per-call matching options; [`Engine::default_options`] gives the builder's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchOptions {
    /// The most confident matches to list.
    pub max_matches: usize,
    /// The confidence bar, 0..=1.
    pub min_confidence: f32,
}

/// One example that did not behave as its signature file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// The signature file.
    pub file: String,
    /// The signature id.
    pub signature: SignatureId,
    /// `example#N` or `counter_example#N` (1-based).
    pub case: String,
    /// The 1-based line of the case in its file.
    pub line: Option<usize>,
    /// What was expected and what happened.
    pub message: String,
}

impl fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}: {}: {}", self.signature, self.case, self.message)
    }
}

impl Engine {
    /// A builder with the defaults.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// An engine with the builder's defaults.
    ///
    /// # Errors
    /// As [`EngineBuilder::build`].
    pub fn new(corpus: &Corpus) -> Result<Engine> {
        EngineBuilder::default().build(corpus)
    }

    /// The signatures, sorted by id.
    pub fn signatures(&self) -> &[Arc<Signature>] {
        &self.signatures
    }

    /// The signature with `id`.
    pub fn signature(&self, id: &str) -> Option<&Arc<Signature>> {
        self.signatures
            .binary_search_by(|signature| signature.id().as_str().cmp(id))
            .ok()
            .map(|index| &self.signatures[index])
    }

    /// The corpus version this engine was built from.
    pub fn corpus_version(&self) -> &str {
        &self.corpus_version
    }

    /// The settings it was built with.
    pub fn config(&self) -> &EngineBuilder {
        &self.config
    }

    /// Matches raw bytes: invalid UTF-8 is replaced with U+FFFD and the report says so.
    pub fn match_bytes(&self, bytes: &[u8]) -> MatchReport {
        self.match_bytes_with(bytes, &self.default_options())
    }

    /// [`Engine::match_bytes`] with per-call options.
    pub fn match_bytes_with(&self, bytes: &[u8], options: &MatchOptions) -> MatchReport {
        match std::str::from_utf8(bytes) {
            Ok(text) => self.match_text_with(text, options),
            Err(_) => {
                let text = String::from_utf8_lossy(bytes);
                let mut report = self.match_text_with(&text, options);
                report.input.lossy_utf8 = true;
                report.input.bytes = bytes.len();
                report
            }
        }
    }

    /// Matches a log. Never fails: bad input gives an empty or truncated report that says why.
    pub fn match_text(&self, text: &str) -> MatchReport {
        self.match_text_with(text, &self.default_options())
    }

    /// The per-call options equal to the builder's settings.
    pub fn default_options(&self) -> MatchOptions {
        MatchOptions {
            max_matches: self.config.max_matches,
            min_confidence: self.config.min_confidence,
        }
    }

    /// [`Engine::match_text`] with per-call options (how many matches, which confidence bar).
    pub fn match_text_with(&self, text: &str, options: &MatchOptions) -> MatchReport {
        let (parts, truncated) = self.parts(text);
        // Matching reads a line's normalized text only through its event.
        let normalized = normalize_parts(text, &parts, LineTexts::Move);
        // Only the first `max_occurrences` hits of a signature are resolved (spans, lines,
        // variables); later ones are only counted, so a log that repeats one error a million
        // times costs no more than it must.
        let mut hits = Vec::new();
        let mut resolved: BTreeMap<usize, usize> = BTreeMap::new();
        let mut uncounted: BTreeMap<usize, usize> = BTreeMap::new();
        for event in normalized.events() {
            for hit in
                find_hits(&self.compiled, event, normalized.evidence(), self.config.prefilter)
            {
                let seen = resolved.entry(hit.signature).or_default();
                if *seen < self.config.max_occurrences {
                    *seen += 1;
                    hits.push(score::resolve(&self.compiled, hit, event, &normalized.lines));
                } else {
                    *uncounted.entry(hit.signature).or_default() += 1;
                }
            }
        }
        let input = InputSummary {
            bytes: text.len(),
            lines: normalized.line_count(),
            events: normalized.events().len(),
            lossy_utf8: false,
            had_nul: text.contains('\0'),
            truncated,
        };
        self.report(hits, &uncounted, normalized, input, options)
    }

    /// Normalizes `text` as matching does (also available as [`crate::normalize()`]).
    pub fn normalize(&self, text: &str) -> Normalized {
        let (parts, _) = self.parts(text);
        normalize_parts(text, &parts, LineTexts::Keep)
    }

    /// Searches the articles (BM25). The query is parsed leniently: syntax errors come back as
    /// warnings, never as failures.
    pub fn search_articles(&self, query: &str, limit: usize) -> ArticleSearch {
        match &self.search().articles {
            Ok(index) => index.search(query, limit),
            Err(message) => ArticleSearch { hits: Vec::new(), warnings: vec![message.clone()] },
        }
    }

    fn search(&self) -> &Search {
        self.search.get_or_init(|| Search::build(&self.signatures))
    }

    /// A matcher for a stream of lines (piped stderr): each event is reported as soon as it is
    /// complete, and memory stays bounded however long the stream runs.
    pub fn stream(&self) -> LineMatcher<'_> {
        LineMatcher {
            engine: self,
            normalizer: LineNormalizer::default(),
            segmenter: Segmenter::default(),
            lines: Vec::new(),
            base: 0,
            offset: 0,
            evidence: Vec::new(),
            redactions: 0,
            counts: BTreeMap::new(),
        }
    }

    /// Runs every signature's examples and counter-examples through this engine; returns every
    /// case that misbehaved. An empty list means the corpus passes its own tests.
    pub fn self_test(&self) -> Vec<ExampleFailure> {
        let mut failures = Vec::new();
        for signature in &self.signatures {
            let failure = |case: String, line: Option<usize>, message: String| ExampleFailure {
                file: signature.file().to_string(),
                signature: signature.id().clone(),
                case,
                line,
                message,
            };
            for (index, example) in signature.examples().iter().enumerate() {
                let report = self.match_text(&example.text);
                let position =
                    report.matches().iter().position(|m| m.signature_id() == signature.id());
                let got = describe(&report);
                match position {
                    None => failures.push(failure(
                        format!("example#{}", index + 1),
                        example.line,
                        format!("expected a match at rank {}, got {got}", example.rank),
                    )),
                    Some(position) if position + 1 > example.rank => failures.push(failure(
                        format!("example#{}", index + 1),
                        example.line,
                        format!("expected rank {}, got rank {}: {got}", example.rank, position + 1),
                    )),
                    Some(position) => {
                        let variables = report.matches()[position].variables();
                        for (name, expected) in &example.variables {
                            if variables.get(name) != Some(expected) {
                                failures.push(failure(
                                    format!("example#{}", index + 1),
                                    example.line,
                                    format!(
                                        "expected variable `{name}` = {expected:?}, got {:?}",
                                        variables.get(name)
                                    ),
                                ));
                            }
                        }
                    }
                }
            }
            for (index, counter) in signature.counter_examples().iter().enumerate() {
                let report = self.match_text(&counter.text);
                if report.matches().iter().any(|m| m.signature_id() == signature.id()) {
                    failures.push(failure(
                        format!("counter_example#{}", index + 1),
                        counter.line,
                        format!(
                            "expected no confident match for this signature, got {}",
                            describe(&report)
                        ),
                    ));
                }
            }
        }
        failures
    }

    /// The byte ranges to match: the whole text, or its head and tail when over the cap.
    fn parts(&self, text: &str) -> (Vec<Range<usize>>, Option<Truncation>) {
        let cap = self.config.max_input_bytes;
        if text.len() <= cap {
            return (std::iter::once(0..text.len()).collect(), None);
        }
        let half = cap / 2;
        let mut head_end = half;
        while !text.is_char_boundary(head_end) {
            head_end -= 1;
        }
        let head_end = text[..head_end].rfind('\n').map_or(head_end, |index| index + 1);
        let mut tail_start = text.len() - half;
        while !text.is_char_boundary(tail_start) {
            tail_start += 1;
        }
        let tail_start = text[tail_start..]
            .find('\n')
            .map_or(tail_start, |index| tail_start + index + 1)
            .max(head_end);
        let truncation = Truncation {
            head_bytes: head_end,
            tail_bytes: text.len() - tail_start,
            skipped_bytes: tail_start - head_end,
        };
        (vec![0..head_end, tail_start..text.len()], Some(truncation))
    }

    fn report(
        &self,
        hits: Vec<ResolvedHit>,
        uncounted: &BTreeMap<usize, usize>,
        normalized: Normalized,
        input: InputSummary,
        options: &MatchOptions,
    ) -> MatchReport {
        let Normalized { events, evidence, redactions, .. } = normalized;
        let min = Confidence::new(options.min_confidence);
        let ranked = score::rank(
            hits,
            uncounted,
            &self.compiled,
            &self.signatures,
            self.config.max_occurrences,
        );
        let (mut matches, below): (Vec<Match>, Vec<Match>) =
            ranked.into_iter().partition(|m| m.confidence >= min);
        matches.truncate(options.max_matches);
        let mut suggestions = Vec::new();
        if matches.is_empty() && self.config.max_suggestions > 0 {
            for near in below.iter().take(self.config.max_suggestions) {
                suggestions.push(Suggestion {
                    signature: Arc::clone(&near.signature),
                    confidence: near.confidence,
                    source: SuggestionSource::BelowThreshold,
                });
            }
            if self.config.search_fallback && suggestions.len() < self.config.max_suggestions {
                self.search_suggestions(&events, &mut suggestions);
            }
        }
        MatchReport {
            matches,
            suggestions,
            evidence,
            redactions,
            input,
            corpus_version: self.corpus_version.clone(),
            min_confidence: min,
        }
    }

    /// BM25 over the articles with the error-looking events as the query, each hit checked by
    /// word similarity with the signature's messages; capped well below the confidence bar.
    fn search_suggestions(&self, events: &[Event], suggestions: &mut Vec<Suggestion>) {
        const SEARCH_CONFIDENCE_CAP: f32 = 0.35;
        let errorish: Vec<&Event> = events
            .iter()
            .filter(|event| {
                let lower = event.text().to_ascii_lowercase();
                ["error", "exception", "failed", "denied", "invalid", "refused", "unauthorized"]
                    .iter()
                    .any(|word| lower.contains(word))
            })
            .collect();
        let chosen: Vec<&Event> = errorish.iter().rev().take(3).copied().collect();
        if chosen.is_empty() {
            return;
        }
        let text: String =
            chosen.iter().map(|event| &event.text()[event.focus..]).collect::<Vec<_>>().join("\n");
        let query = query_from_text(&text);
        let line_words: Vec<Vec<String>> =
            text.lines().take(50).map(|line| words(&line.to_ascii_lowercase())).collect();
        for hit in self.search_articles(&query, 10).hits() {
            if suggestions.len() >= self.config.max_suggestions {
                break;
            }
            let Some(index) =
                self.signatures.iter().position(|signature| signature.id() == hit.signature_id())
            else {
                continue;
            };
            if suggestions.iter().any(|s| s.signature.id() == hit.signature_id()) {
                continue;
            }
            let similarity = self.search().references[index]
                .iter()
                .flat_map(|reference| {
                    line_words.iter().map(move |line| crate::matcher::similarity(reference, line))
                })
                .fold(0.0f64, f64::max);
            if similarity < 0.3 {
                continue;
            }
            suggestions.push(Suggestion {
                signature: Arc::clone(&self.signatures[index]),
                confidence: Confidence::new(SEARCH_CONFIDENCE_CAP * similarity as f32),
                source: SuggestionSource::Search,
            });
        }
    }
}

fn describe(report: &MatchReport) -> String {
    if report.matches().is_empty() {
        return "no confident match".to_string();
    }
    let list: Vec<String> = report
        .matches()
        .iter()
        .map(|m| format!("{} ({:.2})", m.signature_id(), m.confidence().value()))
        .collect();
    list.join(", ")
}

/// Matches a stream of lines; see [`Engine::stream`].
///
/// # Example
/// ```
/// let engine = errsig::Engine::new(&errsig::Corpus::embedded()?)?;
/// let mut stream = engine.stream();
/// assert!(stream.push_line("starting worker").is_empty());
/// let found = stream.push_line("litellm.NotFoundError: NotFoundError: OpenAIException - Resource not found");
/// assert_eq!(found[0].signature_id().as_str(), "azure-404-full-deployment-url-without-azure-prefix");
/// # Ok::<(), errsig::Error>(())
/// ```
#[derive(Debug)]
pub struct LineMatcher<'e> {
    engine: &'e Engine,
    normalizer: LineNormalizer,
    segmenter: Segmenter,
    /// Lines of the open event (line `base + i` is `lines[i]`).
    lines: Vec<Line>,
    base: usize,
    offset: usize,
    /// Recent evidence, for conditions (bounded).
    evidence: Vec<Evidence>,
    redactions: usize,
    counts: BTreeMap<SignatureId, usize>,
}

/// How much recent evidence a stream keeps for conditions.
const STREAM_EVIDENCE: usize = 512;

impl LineMatcher<'_> {
    /// Takes one line (without its terminator); returns the confident matches of the events it
    /// completed. Byte offsets in spans count every pushed line plus one terminator byte.
    pub fn push_line(&mut self, line: &str) -> Vec<Match> {
        let mut redactions = Vec::new();
        let normalized =
            self.normalizer.line(line, self.offset, &mut self.evidence, &mut redactions);
        self.redactions += redactions.len();
        self.offset += line.len() + 1;
        let index = self.base + self.lines.len();
        self.lines.push(normalized);
        let closed = self.segmenter.push(index, &self.lines[index - self.base]);
        self.process(closed)
    }

    /// Closes an open event now (call when the stream has been quiet a while).
    pub fn flush(&mut self) -> Vec<Match> {
        let closed = self.segmenter.flush();
        self.process(closed)
    }

    /// How often each problem was seen so far.
    pub fn counts(&self) -> &BTreeMap<SignatureId, usize> {
        &self.counts
    }

    /// How many secrets were redacted so far.
    pub fn redaction_count(&self) -> usize {
        self.redactions
    }

    /// Lines pushed so far.
    pub fn line_count(&self) -> usize {
        self.base + self.lines.len()
    }

    fn process(&mut self, closed: Vec<segment::Closed>) -> Vec<Match> {
        let engine = self.engine;
        let mut found = Vec::new();
        for closed in closed {
            let event = segment::build_event(&mut self.lines, self.base, closed, LineTexts::Move);
            let hits: Vec<ResolvedHit> =
                find_hits(&engine.compiled, &event, &self.evidence, engine.config.prefilter)
                    .into_iter()
                    .map(|hit| score::resolve(&engine.compiled, hit, &event, &self.lines))
                    .collect();
            let min = Confidence::new(engine.config.min_confidence);
            for matched in score::rank(
                hits,
                &BTreeMap::new(),
                &engine.compiled,
                &engine.signatures,
                engine.config.max_occurrences,
            ) {
                if matched.confidence >= min {
                    *self.counts.entry(matched.signature_id().clone()).or_default() += 1;
                    found.push(matched);
                }
            }
        }
        // Keep only the lines of the event still open.
        let keep_from = self.segmenter.open_since().unwrap_or(self.base + self.lines.len());
        let drop = keep_from.saturating_sub(self.base).min(self.lines.len());
        self.lines.drain(..drop);
        self.base += drop;
        if self.evidence.len() > STREAM_EVIDENCE * 2 {
            self.evidence.drain(..self.evidence.len() - STREAM_EVIDENCE);
        }
        found
    }
}
