//! The result of matching: ranked matches with their evidence and articles, plus what was
//! redacted and what happened to the input.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::normalize::{Evidence, Redaction, Span};
use crate::signature::{Article, Fix, Signature, SignatureId};

/// A confidence in `0.0..=1.0`, totally ordered.
#[derive(Debug, Clone, Copy)]
pub struct Confidence(f32);

impl Confidence {
    /// Clamps `value` into `0.0..=1.0` (NaN becomes 0).
    pub fn new(value: f32) -> Confidence {
        if value.is_nan() { Confidence(0.0) } else { Confidence(value.clamp(0.0, 1.0)) }
    }

    /// The value.
    pub fn value(self) -> f32 {
        self.0
    }
}

impl PartialEq for Confidence {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Confidence {}

impl PartialOrd for Confidence {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Confidence {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// How a match was established.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum MatchKind {
    /// The signature's patterns and conditions all held.
    Verified,
    /// The patterns failed but a template was this similar (0..=1) to a line.
    Fuzzy {
        /// Word-level similarity of the best template and line.
        similarity: f64,
    },
}

/// One place a problem was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub(crate) first_line: usize,
    pub(crate) last_line: usize,
    pub(crate) spans: Vec<Span>,
    pub(crate) lines: Vec<(usize, String)>,
}

impl Occurrence {
    /// The 1-based first and last line of the event it was seen in.
    pub fn line_range(&self) -> (usize, usize) {
        (self.first_line, self.last_line)
    }

    /// The matched byte ranges in the caller's original text.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// The matched lines as `(1-based number, text with secrets redacted)`.
    pub fn lines(&self) -> &[(usize, String)] {
        &self.lines
    }
}

/// Why a match scored what it did.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub(crate) anchors: Vec<String>,
    pub(crate) specificity: f32,
    pub(crate) boosts: Vec<&'static str>,
    pub(crate) boost_total: usize,
    pub(crate) in_final_exception: bool,
    pub(crate) ranked_below: Option<SignatureId>,
}

impl Explanation {
    /// The anchors found in the input (lowercase).
    pub fn anchors(&self) -> &[String] {
        &self.anchors
    }

    /// How specific the signature is, 0..=1 (literal text and conditions it checks).
    pub fn specificity(&self) -> f32 {
        self.specificity
    }

    /// The boost conditions that held (`status`, `provider`, `url_host`, `url_path`).
    pub fn boosts(&self) -> &[&'static str] {
        &self.boosts
    }

    /// How many boost conditions the signature has.
    pub fn boost_total(&self) -> usize {
        self.boost_total
    }

    /// Whether it matched inside the final exception of a traceback (the root cause).
    pub fn in_final_exception(&self) -> bool {
        self.in_final_exception
    }

    /// When a related root cause also matched and this match was ranked below it: that cause.
    pub fn ranked_below(&self) -> Option<&SignatureId> {
        self.ranked_below.as_ref()
    }
}

/// A known problem found in the input.
#[derive(Debug, Clone)]
pub struct Match {
    pub(crate) signature: Arc<Signature>,
    pub(crate) confidence: Confidence,
    pub(crate) kind: MatchKind,
    pub(crate) occurrences: Vec<Occurrence>,
    pub(crate) occurrence_count: usize,
    pub(crate) variables: BTreeMap<String, String>,
    pub(crate) explanation: Explanation,
}

impl Match {
    /// The signature's id.
    pub fn signature_id(&self) -> &SignatureId {
        self.signature.id()
    }

    /// The signature, with its article.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The calibrated confidence.
    pub fn confidence(&self) -> Confidence {
        self.confidence
    }

    /// How it was established.
    pub fn kind(&self) -> MatchKind {
        self.kind
    }

    /// Where it was seen (at most [`crate::EngineBuilder::max_occurrences`] kept).
    pub fn occurrences(&self) -> &[Occurrence] {
        &self.occurrences
    }

    /// How many times it was seen in all.
    pub fn occurrence_count(&self) -> usize {
        self.occurrence_count
    }

    /// Variables captured from the log (values redacted of secrets).
    pub fn variables(&self) -> &BTreeMap<String, String> {
        &self.variables
    }

    /// Why it scored what it did.
    pub fn explanation(&self) -> &Explanation {
        &self.explanation
    }

    /// The article with `{{variables}}` filled in (`<name>` where the log had none).
    pub fn article(&self) -> Article {
        let article = self.signature.article();
        Article {
            summary: fill(&article.summary, &self.variables),
            causes: article.causes.iter().map(|cause| fill(cause, &self.variables)).collect(),
            fixes: self.fixes(),
            verify: fill(&article.verify, &self.variables),
        }
    }

    /// The article's fixes with `{{variables}}` filled in (`<name>` where the log had none).
    pub fn fixes(&self) -> Vec<Fix> {
        self.signature
            .article()
            .fixes
            .iter()
            .map(|fix| Fix {
                title: fix.title.clone(),
                body: fix.body.as_ref().map(|body| fill(body, &self.variables)),
                code: fix.code.as_ref().map(|code| fill(code, &self.variables)),
                lang: fix.lang.clone(),
            })
            .collect()
    }
}

/// Replaces `{{name}}` with the variable's value, or `<name>` when there is none.
pub(crate) fn fill(text: &str, variables: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end)
                if !after[..end].is_empty()
                    && after[..end].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
            {
                let name = &after[..end];
                match variables.get(name) {
                    Some(value) => out.push_str(value),
                    None => {
                        out.push('<');
                        out.push_str(name);
                        out.push('>');
                    }
                }
                rest = &after[end + 2..];
            }
            _ => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where a suggestion comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SuggestionSource {
    /// A match below the confidence bar.
    BelowThreshold,
    /// Full-text search over the articles.
    Search,
}

/// A low-confidence pointer to an article, offered when nothing matched with confidence.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub(crate) signature: Arc<Signature>,
    pub(crate) confidence: Confidence,
    pub(crate) source: SuggestionSource,
}

impl Suggestion {
    /// The signature's id.
    pub fn signature_id(&self) -> &SignatureId {
        self.signature.id()
    }

    /// The signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// A low confidence (below the bar).
    pub fn confidence(&self) -> Confidence {
        self.confidence
    }

    /// Where it comes from.
    pub fn source(&self) -> SuggestionSource {
        self.source
    }
}

/// What was cut from an input over the size cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Truncation {
    /// Bytes kept from the start.
    pub head_bytes: usize,
    /// Bytes kept from the end.
    pub tail_bytes: usize,
    /// Bytes skipped in the middle.
    pub skipped_bytes: usize,
}

/// Facts about the input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputSummary {
    /// Bytes received.
    pub bytes: usize,
    /// Lines matched.
    pub lines: usize,
    /// Events the lines were grouped into.
    pub events: usize,
    /// Whether invalid UTF-8 was replaced with U+FFFD.
    pub lossy_utf8: bool,
    /// Whether NUL bytes were found (they are treated as blanks).
    pub had_nul: bool,
    /// What was skipped when the input was over the cap.
    pub truncated: Option<Truncation>,
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// At least one match at or above the confidence bar.
    Matched,
    /// Nothing reached the bar; see the suggestions.
    NoConfidentMatch,
    /// The input was empty or only blank.
    EmptyInput,
}

impl Verdict {
    /// `matched`, `no_confident_match` or `empty_input`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Matched => "matched",
            Verdict::NoConfidentMatch => "no_confident_match",
            Verdict::EmptyInput => "empty_input",
        }
    }
}

/// Everything errsig found in one input.
#[derive(Debug, Clone)]
pub struct MatchReport {
    pub(crate) matches: Vec<Match>,
    pub(crate) suggestions: Vec<Suggestion>,
    pub(crate) evidence: Vec<Evidence>,
    pub(crate) redactions: Vec<Redaction>,
    pub(crate) input: InputSummary,
    pub(crate) corpus_version: String,
    pub(crate) min_confidence: Confidence,
}

impl MatchReport {
    /// Confident matches, best first (confidence descending, then id).
    pub fn matches(&self) -> &[Match] {
        &self.matches
    }

    /// Low-confidence suggestions, offered only when there is no confident match.
    pub fn suggestions(&self) -> &[Suggestion] {
        &self.suggestions
    }

    /// Evidence found in the input.
    pub fn evidence(&self) -> &[Evidence] {
        &self.evidence
    }

    /// Secrets removed before matching (families and places, never values).
    pub fn redactions(&self) -> &[Redaction] {
        &self.redactions
    }

    /// Facts about the input.
    pub fn input(&self) -> &InputSummary {
        &self.input
    }

    /// The version of the corpus used.
    pub fn corpus_version(&self) -> &str {
        &self.corpus_version
    }

    /// The confidence bar in force.
    pub fn min_confidence(&self) -> Confidence {
        self.min_confidence
    }

    /// The overall answer.
    pub fn verdict(&self) -> Verdict {
        if self.input.events == 0 {
            Verdict::EmptyInput
        } else if self.matches.is_empty() {
            Verdict::NoConfidentMatch
        } else {
            Verdict::Matched
        }
    }
}
