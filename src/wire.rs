//! The JSON contract: serde DTOs for every document errsig emits (`errsig match --json`, and the
//! HTTP service). Versioned by [`SCHEMA_VERSION`]; fields are added, never changed silently.
//! Core types do not derive `Serialize`; this module converts them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::normalize::Normalized;
use crate::report::{Match, MatchKind, MatchReport, Suggestion, SuggestionSource};
use crate::signature::{Fix, Signature};

/// The version of the JSON documents in this module.
pub const SCHEMA_VERSION: u32 = 1;

/// The engine's version (the crate version).
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// `POST /match` and `errsig match --json`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MatchDocument {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// [`ENGINE_VERSION`].
    pub engine_version: &'static str,
    /// The corpus content hash.
    pub corpus_version: String,
    /// `matched`, `no_confident_match` or `empty_input`.
    pub verdict: &'static str,
    /// A sentence for people.
    pub message: String,
    /// The confidence bar in force.
    pub min_confidence: f32,
    /// Confident matches, best first.
    pub matches: Vec<MatchDto>,
    /// Low-confidence suggestions (only when there is no confident match).
    pub suggestions: Vec<SuggestionDto>,
    /// Evidence found in the input (redacted).
    pub evidence: Vec<EvidenceDto>,
    /// What was redacted before matching.
    pub redactions: RedactionsDto,
    /// Facts about the input.
    pub input: InputDto,
    /// The input's name (a file, `<stdin>`) when several are reported together (`--jsonl`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One match.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MatchDto {
    /// 1-based rank.
    pub rank: usize,
    /// Signature id.
    pub id: String,
    /// Title.
    pub title: String,
    /// 0..=1.
    pub confidence: f32,
    /// `verified` or `fuzzy`.
    pub kind: &'static str,
    /// Occurrences in all.
    pub occurrences: usize,
    /// Line ranges `[first, last]` (1-based) of the occurrences kept.
    pub lines: Vec<[usize; 2]>,
    /// Matched byte spans `[start, end)` in the original input.
    pub spans: Vec<[usize; 2]>,
    /// Matched lines, secrets redacted.
    pub matched_lines: Vec<MatchedLineDto>,
    /// Captured variables.
    pub variables: BTreeMap<String, String>,
    /// Why it matched.
    pub explanation: ExplanationDto,
    /// The fixes with variables filled in.
    pub fixes: Vec<FixDto>,
    /// The whole article.
    pub article: ArticleDto,
}

/// A matched line.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MatchedLineDto {
    /// 1-based line number.
    pub line: usize,
    /// The line with secrets redacted.
    pub text: String,
}

/// Why a match scored what it did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ExplanationDto {
    /// Anchors found.
    pub anchors: Vec<String>,
    /// 0..=1.
    pub specificity: f32,
    /// Fuzzy similarity, for fuzzy matches.
    pub similarity: Option<f64>,
    /// Boost conditions that held.
    pub boosts: Vec<&'static str>,
    /// Boost conditions the signature has.
    pub boost_total: usize,
    /// Matched inside a traceback's final exception.
    pub in_final_exception: bool,
    /// Ranked below this related root cause.
    pub ranked_below: Option<String>,
}

/// A fix step.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FixDto {
    /// The action.
    pub title: String,
    /// Why and how.
    pub body: Option<String>,
    /// Exact code.
    pub code: Option<String>,
    /// The code's language.
    pub lang: Option<String>,
}

/// An article.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ArticleDto {
    /// What it means.
    pub summary: String,
    /// Causes, most likely first.
    pub causes: Vec<String>,
    /// How to verify the fix.
    pub verify: String,
    /// Version facts.
    pub versions: Option<VersionsDto>,
    /// Where the error text was observed.
    pub sources: Vec<String>,
    /// Related signature ids.
    pub related: Vec<String>,
}

/// Version applicability.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VersionsDto {
    /// Whose versions.
    pub tool: Option<String>,
    /// First affected.
    pub introduced: Option<String>,
    /// First fixed.
    pub fixed_in: Option<String>,
    /// What changed.
    pub note: Option<String>,
}

/// A suggestion.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SuggestionDto {
    /// Signature id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Low confidence.
    pub confidence: f32,
    /// `below_threshold` or `search`.
    pub source: &'static str,
}

/// Evidence.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EvidenceDto {
    /// `status`, `url`, `provider`, `model`, `exception`.
    pub kind: &'static str,
    /// Redacted value.
    pub value: String,
    /// 1-based line.
    pub line: usize,
}

/// The redaction receipt.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RedactionsDto {
    /// Secrets removed in all.
    pub total: usize,
    /// Count per family.
    pub by_family: BTreeMap<&'static str, usize>,
    /// Where each was (never its value).
    pub items: Vec<RedactionDto>,
}

/// One redaction.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RedactionDto {
    /// The family.
    pub family: &'static str,
    /// 1-based line.
    pub line: usize,
    /// `[start, end)` in the original input.
    pub span: [usize; 2],
}

/// Facts about the input.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct InputDto {
    /// Bytes received.
    pub bytes: usize,
    /// Lines.
    pub lines: usize,
    /// Events.
    pub events: usize,
    /// Invalid UTF-8 was replaced.
    pub lossy_utf8: bool,
    /// NUL bytes were present.
    pub had_nul: bool,
    /// Present when the input was over the cap.
    pub truncated: Option<TruncatedDto>,
}

/// What was skipped.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TruncatedDto {
    /// Bytes kept from the start.
    pub head_bytes: usize,
    /// Bytes kept from the end.
    pub tail_bytes: usize,
    /// Bytes skipped.
    pub skipped_bytes: usize,
}

/// `errsig normalize --json`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NormalizeDocument {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The normalized text.
    pub text: String,
    /// Events.
    pub events: Vec<EventDto>,
    /// Evidence.
    pub evidence: Vec<EvidenceDto>,
    /// The redaction receipt.
    pub redactions: RedactionsDto,
}

/// An event.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EventDto {
    /// `traceback`, `json_body`, `json_line`, `line`.
    pub kind: &'static str,
    /// `[first, last]` 1-based lines.
    pub lines: [usize; 2],
    /// Normalized text.
    pub text: String,
}

impl MatchDocument {
    /// Converts a report.
    pub fn from_report(report: &MatchReport) -> MatchDocument {
        let verdict = report.verdict();
        let message = match verdict {
            crate::Verdict::Matched => format!("{} known problem(s) found", report.matches().len()),
            crate::Verdict::NoConfidentMatch => "no confident match".to_string(),
            crate::Verdict::EmptyInput => "empty input: nothing to match".to_string(),
        };
        MatchDocument {
            schema_version: SCHEMA_VERSION,
            engine_version: ENGINE_VERSION,
            corpus_version: report.corpus_version().to_string(),
            verdict: verdict.as_str(),
            message,
            min_confidence: round(report.min_confidence().value()),
            matches: report
                .matches()
                .iter()
                .enumerate()
                .map(|(index, m)| MatchDto::new(index + 1, m))
                .collect(),
            suggestions: report.suggestions().iter().map(SuggestionDto::new).collect(),
            evidence: evidence(report.evidence()),
            redactions: redactions(report.redactions()),
            input: InputDto {
                bytes: report.input().bytes,
                lines: report.input().lines,
                events: report.input().events,
                lossy_utf8: report.input().lossy_utf8,
                had_nul: report.input().had_nul,
                truncated: report.input().truncated.map(|t| TruncatedDto {
                    head_bytes: t.head_bytes,
                    tail_bytes: t.tail_bytes,
                    skipped_bytes: t.skipped_bytes,
                }),
            },
            source: None,
        }
    }
}

fn round(value: f32) -> f32 {
    (value * 1000.0).round() / 1000.0
}

fn evidence(items: &[crate::Evidence]) -> Vec<EvidenceDto> {
    items
        .iter()
        .map(|item| EvidenceDto {
            kind: item.kind().name(),
            value: item.kind().display_value(),
            line: item.line(),
        })
        .collect()
}

fn redactions(items: &[crate::Redaction]) -> RedactionsDto {
    let mut by_family = BTreeMap::new();
    for item in items {
        *by_family.entry(item.family()).or_insert(0) += 1;
    }
    RedactionsDto {
        total: items.len(),
        by_family,
        items: items
            .iter()
            .map(|item| RedactionDto {
                family: item.family(),
                line: item.line(),
                span: [item.span().start(), item.span().end()],
            })
            .collect(),
    }
}

impl MatchDto {
    fn new(rank: usize, m: &Match) -> MatchDto {
        let explanation = m.explanation();
        let mut matched_lines: Vec<MatchedLineDto> = Vec::new();
        for occurrence in m.occurrences() {
            for (line, text) in occurrence.lines() {
                if !matched_lines.iter().any(|existing| existing.line == *line)
                    && matched_lines.len() < 20
                {
                    matched_lines.push(MatchedLineDto { line: *line, text: text.clone() });
                }
            }
        }
        MatchDto {
            rank,
            id: m.signature_id().to_string(),
            title: m.signature().title().to_string(),
            confidence: round(m.confidence().value()),
            kind: match m.kind() {
                MatchKind::Verified => "verified",
                MatchKind::Fuzzy { .. } => "fuzzy",
            },
            occurrences: m.occurrence_count(),
            lines: m.occurrences().iter().map(|o| [o.line_range().0, o.line_range().1]).collect(),
            spans: m
                .occurrences()
                .iter()
                .flat_map(|o| o.spans())
                .map(|s| [s.start(), s.end()])
                .collect(),
            matched_lines,
            variables: m.variables().clone(),
            explanation: ExplanationDto {
                anchors: explanation.anchors().to_vec(),
                specificity: round(explanation.specificity()),
                similarity: match m.kind() {
                    MatchKind::Fuzzy { similarity } => Some((similarity * 1000.0).round() / 1000.0),
                    MatchKind::Verified => None,
                },
                boosts: explanation.boosts().to_vec(),
                boost_total: explanation.boost_total(),
                in_final_exception: explanation.in_final_exception(),
                ranked_below: explanation.ranked_below().map(ToString::to_string),
            },
            fixes: m.fixes().iter().map(FixDto::new).collect(),
            article: ArticleDto::with_article(m.signature(), &m.article()),
        }
    }
}

impl FixDto {
    fn new(fix: &Fix) -> FixDto {
        FixDto {
            title: fix.title.clone(),
            body: fix.body.clone(),
            code: fix.code.clone(),
            lang: fix.lang.clone(),
        }
    }
}

impl ArticleDto {
    /// Converts a signature's article as written (variables unfilled).
    pub fn new(signature: &Signature) -> ArticleDto {
        ArticleDto::with_article(signature, signature.article())
    }

    /// Converts `article` (for example one with variables filled in) of `signature`.
    pub fn with_article(signature: &Signature, article: &crate::Article) -> ArticleDto {
        let versions = signature.versions();
        let has_versions = versions.tool.is_some()
            || versions.introduced.is_some()
            || versions.fixed_in.is_some()
            || versions.note.is_some();
        let relations = signature.relations();
        ArticleDto {
            summary: article.summary.clone(),
            causes: article.causes.clone(),
            verify: article.verify.clone(),
            versions: has_versions.then(|| VersionsDto {
                tool: versions.tool.clone(),
                introduced: versions.introduced.clone(),
                fixed_in: versions.fixed_in.clone(),
                note: versions.note.clone(),
            }),
            sources: signature.sources().to_vec(),
            related: relations
                .causes
                .iter()
                .chain(&relations.symptom_of)
                .chain(&relations.related)
                .map(ToString::to_string)
                .collect(),
        }
    }
}

impl SuggestionDto {
    fn new(suggestion: &Suggestion) -> SuggestionDto {
        SuggestionDto {
            id: suggestion.signature_id().to_string(),
            title: suggestion.signature().title().to_string(),
            confidence: round(suggestion.confidence().value()),
            source: match suggestion.source() {
                SuggestionSource::BelowThreshold => "below_threshold",
                SuggestionSource::Search => "search",
            },
        }
    }
}

impl NormalizeDocument {
    /// Converts a normalized log.
    pub fn from_normalized(normalized: &Normalized) -> NormalizeDocument {
        NormalizeDocument {
            schema_version: SCHEMA_VERSION,
            text: normalized.text(),
            events: normalized
                .events()
                .iter()
                .map(|event| EventDto {
                    kind: event.kind().as_str(),
                    lines: [event.lines().0, event.lines().1],
                    text: event.text().to_string(),
                })
                .collect(),
            evidence: evidence(normalized.evidence()),
            redactions: redactions(normalized.redactions()),
        }
    }
}

/// A count that JSON may spell `28` or `28.0` (both are integers to JSON Schema, and clients
/// that hold every number as a float send the second).
fn whole_number<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<usize>, D::Error> {
    let Some(number) = Option::<f64>::deserialize(deserializer)? else {
        return Ok(None);
    };
    if number.fract() != 0.0 || !(0.0..=1e15).contains(&number) {
        return Err(serde::de::Error::custom("expected a whole number"));
    }
    // Whole and within range, checked above: the cast is exact.
    Ok(Some(number as usize))
}

/// `POST /match` with `application/json`.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MatchRequest {
    /// The log; it must hold more than blanks.
    #[cfg_attr(feature = "server", schema(pattern = r"\S"))]
    pub text: String,
    /// The most matches to list (1 to 50).
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 50))]
    #[serde(default, deserialize_with = "whole_number")]
    pub top: Option<usize>,
    /// The confidence bar (0 to 1).
    #[cfg_attr(feature = "server", schema(minimum = 0.0, maximum = 1.0))]
    pub min_confidence: Option<f64>,
    /// Accepted for compatibility; explanations are always included.
    pub explain: Option<bool>,
}

/// `POST /match/batch`.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// The logs, each with a caller tag (at most 32).
    #[cfg_attr(feature = "server", schema(min_items = 1, max_items = 32))]
    pub items: Vec<BatchItem>,
    /// As in [`MatchRequest`].
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 50))]
    #[serde(default, deserialize_with = "whole_number")]
    pub top: Option<usize>,
    /// As in [`MatchRequest`].
    #[cfg_attr(feature = "server", schema(minimum = 0.0, maximum = 1.0))]
    pub min_confidence: Option<f64>,
}

/// One log of a batch.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BatchItem {
    /// The caller's tag, unique in the batch: an identifier of 1 to 128 bytes; one that looks like
    /// a secret is refused, since tags are echoed in the answer.
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 128, pattern = "^[A-Za-z0-9._:/#-]+$")
    )]
    pub tag: String,
    /// The log.
    pub text: String,
}

/// `POST /match/batch` answer: one match document per tag.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BatchDocument {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Results keyed by tag.
    pub results: BTreeMap<String, MatchDocument>,
}

/// `GET /search`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SearchDocument {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// How many parts of the query were ignored as unparseable (the query is not echoed).
    pub warnings: usize,
    /// Hits, best first.
    pub hits: Vec<SearchHitDto>,
}

/// A search hit.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SearchHitDto {
    /// Signature id.
    pub id: String,
    /// Title.
    pub title: String,
    /// BM25 score.
    pub score: f32,
}

/// `GET /signatures`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SignatureListDocument {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The corpus content hash.
    pub corpus_version: String,
    /// The signatures, sorted by id.
    pub signatures: Vec<SignatureSummaryDto>,
}

/// A signature in a list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SignatureSummaryDto {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Tool tag.
    pub tool: String,
    /// Provider tags.
    pub providers: Vec<String>,
    /// Area tag.
    pub area: String,
}

impl SignatureSummaryDto {
    /// Converts a signature.
    pub fn new(signature: &Signature) -> SignatureSummaryDto {
        let tags = signature.tags();
        SignatureSummaryDto {
            id: signature.id().to_string(),
            title: signature.title().to_string(),
            tool: tags.tool.clone(),
            providers: tags.providers.clone(),
            area: tags.area.clone(),
        }
    }
}

/// `GET /signatures/{id}`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SignatureDocument {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Id, title and tags.
    #[serde(flatten)]
    pub summary: SignatureSummaryDto,
    /// The article, with its fixes.
    pub article: ArticleDto,
    /// The fixes as written (`{{variables}}` unfilled).
    pub fixes: Vec<FixDto>,
}

impl SignatureDocument {
    /// Converts a signature.
    pub fn new(signature: &Signature) -> SignatureDocument {
        SignatureDocument {
            schema_version: SCHEMA_VERSION,
            summary: SignatureSummaryDto::new(signature),
            article: ArticleDto::new(signature),
            fixes: signature.article().fixes.iter().map(FixDto::new).collect(),
        }
    }
}

/// `GET /healthz` and `GET /readyz`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct HealthDocument {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `ok` or `ready`.
    pub status: &'static str,
    /// The corpus served (readyz).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corpus_version: Option<String>,
    /// How many signatures (readyz).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signatures: Option<usize>,
}

/// Every error answer: `{"error": {"code", "message"}}`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorDocument {
    /// The error.
    pub error: ErrorBody,
}

/// An error's stable code and a message for people.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Stable snake_case code.
    pub code: &'static str,
    /// What went wrong and what to do.
    pub message: String,
    /// For `invalid_corpus`: every problem, one per entry.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// `POST /admin/reload` answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ReloadDocument {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `reloaded`.
    pub status: &'static str,
    /// The corpus now serving.
    pub corpus_version: String,
    /// How many signatures it has.
    pub signatures: usize,
}
