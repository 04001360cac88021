//! Accuracy you can measure: labelled cases in, scores out (top-1, top-3, mean reciprocal rank,
//! per-signature precision and recall, false positives on negatives, calibration).
//!
//! Sans-I/O: callers read the case files. The same scoring runs over errsig and over the
//! baselines it has to beat, so every stage of the engine earns its place with a number.

use std::collections::BTreeMap;

use crate::engine::Engine;

/// One labelled log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalCase {
    /// The set it belongs to (`real-client`, `devset`, `negatives`).
    pub set: String,
    /// A name to report it by (its file).
    pub name: String,
    /// The log as a user would paste it.
    pub text: String,
    /// The signature that should rank first; `None` when no known problem is in the log.
    pub expected: Option<String>,
}

/// What is being scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum EvalSystem {
    /// The engine as configured: confident matches only.
    Errsig,
    /// BM25 over the articles with the raw log as the query, what a search box does; every hit
    /// counts as an answer, since search has no confidence bar.
    Bm25,
    /// Each signature's message templates searched as exact substrings of the raw log (the
    /// longest literal piece between placeholders), the way people grep for a known message.
    Substring,
}

impl EvalSystem {
    /// A short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            EvalSystem::Errsig => "errsig",
            EvalSystem::Bm25 => "bm25-only",
            EvalSystem::Substring => "substring",
        }
    }
}

/// One answer list for one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseOutcome {
    /// The case's name.
    pub name: String,
    /// Its set.
    pub set: String,
    /// What was expected.
    pub expected: Option<String>,
    /// Answers, best first, with their confidence (search scores are not confidences: 0).
    pub ranked: Vec<(String, f32)>,
}

impl CaseOutcome {
    /// The 1-based rank of the expected signature among the answers.
    pub fn rank_of_expected(&self) -> Option<usize> {
        let expected = self.expected.as_deref()?;
        self.ranked.iter().position(|(id, _)| id == expected).map(|index| index + 1)
    }

    /// Whether the first answer is right: the expected signature, or nothing for a negative.
    pub fn top1_correct(&self) -> bool {
        match &self.expected {
            Some(expected) => self.ranked.first().is_some_and(|(id, _)| id == expected),
            None => self.ranked.is_empty(),
        }
    }
}

/// Precision and recall counts for one signature, judged on first answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignatureCounts {
    /// First answer was this signature and it was expected.
    pub true_positives: usize,
    /// First answer was this signature but another (or none) was expected.
    pub false_positives: usize,
    /// This signature was expected but the first answer was something else.
    pub false_negatives: usize,
}

impl SignatureCounts {
    /// TP / (TP + FP); `None` when it never answered.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.true_positives, self.true_positives + self.false_positives)
    }

    /// TP / (TP + FN); `None` when it was never expected.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.true_positives, self.true_positives + self.false_negatives)
    }
}

/// How often a first answer at a given confidence is right.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationBin {
    /// Lower bound of the confidence range (inclusive).
    pub lower: f32,
    /// Upper bound (exclusive, except for the last bin).
    pub upper: f32,
    /// First answers with a confidence in the range.
    pub answers: usize,
    /// How many of them were right.
    pub correct: usize,
    /// Their mean confidence.
    pub mean_confidence: f64,
}

/// The scores of one system on one group of cases.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalScores {
    /// The system.
    pub system: EvalSystem,
    /// Cases with an expected signature.
    pub positives: usize,
    /// Cases without one.
    pub negatives: usize,
    /// Share of positives whose first answer is the expected signature.
    pub top1: Option<f64>,
    /// Share of positives with the expected signature in the first three answers.
    pub top3: Option<f64>,
    /// Mean of 1/rank of the expected signature over positives (0 when absent).
    pub mean_reciprocal_rank: Option<f64>,
    /// Share of negatives that got any answer.
    pub false_positive_rate: Option<f64>,
    /// Per expected or answered signature.
    pub per_signature: BTreeMap<String, SignatureCounts>,
    /// First answers by confidence (only for systems with a confidence).
    pub calibration: Vec<CalibrationBin>,
    /// Expected calibration error: the answer-weighted mean gap between confidence and accuracy.
    pub calibration_error: Option<f64>,
    /// Every case, for listing misses.
    pub outcomes: Vec<CaseOutcome>,
}

impl EvalScores {
    /// Scores `outcomes` (all from `system`).
    pub fn new(system: EvalSystem, outcomes: Vec<CaseOutcome>) -> EvalScores {
        let positives: Vec<&CaseOutcome> =
            outcomes.iter().filter(|outcome| outcome.expected.is_some()).collect();
        let negatives: Vec<&CaseOutcome> =
            outcomes.iter().filter(|outcome| outcome.expected.is_none()).collect();
        let top1 = positives.iter().filter(|outcome| outcome.top1_correct()).count();
        let top3 = positives
            .iter()
            .filter(|outcome| outcome.rank_of_expected().is_some_and(|rank| rank <= 3))
            .count();
        let reciprocal: f64 = positives
            .iter()
            .filter_map(|outcome| outcome.rank_of_expected())
            .map(|rank| 1.0 / rank as f64)
            .sum();
        let false_positives = negatives.iter().filter(|outcome| !outcome.ranked.is_empty()).count();

        let mut per_signature: BTreeMap<String, SignatureCounts> = BTreeMap::new();
        for outcome in &outcomes {
            let first = outcome.ranked.first().map(|(id, _)| id.as_str());
            match (outcome.expected.as_deref(), first) {
                (Some(expected), Some(first)) if expected == first => {
                    per_signature.entry(expected.to_string()).or_default().true_positives += 1;
                }
                (expected, first) => {
                    if let Some(expected) = expected {
                        per_signature.entry(expected.to_string()).or_default().false_negatives += 1;
                    }
                    if let Some(first) = first {
                        per_signature.entry(first.to_string()).or_default().false_positives += 1;
                    }
                }
            }
        }

        let calibration =
            if system == EvalSystem::Errsig { calibration_bins(&outcomes) } else { Vec::new() };
        let answered: usize = calibration.iter().map(|bin| bin.answers).sum();
        let calibration_error = (answered > 0).then(|| {
            calibration
                .iter()
                .filter(|bin| bin.answers > 0)
                .map(|bin| {
                    let accuracy = bin.correct as f64 / bin.answers as f64;
                    bin.answers as f64 * (bin.mean_confidence - accuracy).abs()
                })
                .sum::<f64>()
                / answered as f64
        });

        EvalScores {
            system,
            positives: positives.len(),
            negatives: negatives.len(),
            top1: ratio(top1, positives.len()),
            top3: ratio(top3, positives.len()),
            mean_reciprocal_rank: (!positives.is_empty())
                .then(|| reciprocal / positives.len() as f64),
            false_positive_rate: ratio(false_positives, negatives.len()),
            per_signature,
            calibration,
            calibration_error,
            outcomes,
        }
    }

    /// The cases whose first answer is wrong.
    pub fn misses(&self) -> impl Iterator<Item = &CaseOutcome> {
        self.outcomes.iter().filter(|outcome| !outcome.top1_correct())
    }
}

/// Ten bins from 0.5 (the lowest confidence errsig answers with by default) in steps of 0.05.
fn calibration_bins(outcomes: &[CaseOutcome]) -> Vec<CalibrationBin> {
    const LOWEST: f32 = 0.5;
    const WIDTH: f32 = 0.05;
    let mut bins: Vec<(CalibrationBin, f64)> = (0..10)
        .map(|index| {
            let lower = LOWEST + WIDTH * index as f32;
            let bin = CalibrationBin {
                lower,
                upper: lower + WIDTH,
                answers: 0,
                correct: 0,
                mean_confidence: 0.0,
            };
            (bin, 0.0)
        })
        .collect();
    for outcome in outcomes {
        let Some((_, confidence)) = outcome.ranked.first() else { continue };
        let index = (((confidence - LOWEST) / WIDTH).floor().max(0.0) as usize).min(bins.len() - 1);
        let (bin, sum) = &mut bins[index];
        bin.answers += 1;
        bin.correct += usize::from(outcome.top1_correct());
        *sum += f64::from(*confidence);
    }
    bins.into_iter()
        .map(|(mut bin, sum)| {
            if bin.answers > 0 {
                bin.mean_confidence = sum / bin.answers as f64;
            }
            bin
        })
        .collect()
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Runs `system` over `cases` with `engine` (for the BM25 and substring baselines, the engine
/// only provides the articles and the signatures).
pub fn evaluate(engine: &Engine, system: EvalSystem, cases: &[EvalCase]) -> EvalScores {
    let outcomes = cases
        .iter()
        .map(|case| CaseOutcome {
            name: case.name.clone(),
            set: case.set.clone(),
            expected: case.expected.clone(),
            ranked: match system {
                EvalSystem::Errsig => engine
                    .match_text(&case.text)
                    .matches()
                    .iter()
                    .map(|found| (found.signature_id().to_string(), found.confidence().value()))
                    .collect(),
                EvalSystem::Bm25 => engine
                    .search_articles(&case.text, 10)
                    .hits()
                    .iter()
                    .map(|hit| (hit.signature_id().to_string(), 0.0))
                    .collect(),
                EvalSystem::Substring => substring_answers(engine, &case.text),
            },
        })
        .collect();
    EvalScores::new(system, outcomes)
}

/// Signatures whose message (the longest literal piece of a template, at least 12 bytes) occurs
/// verbatim in `text`, longest piece first.
fn substring_answers(engine: &Engine, text: &str) -> Vec<(String, f32)> {
    let mut found: Vec<(usize, String)> = engine
        .signatures()
        .iter()
        .filter_map(|signature| {
            let longest = signature
                .rules()
                .templates
                .iter()
                .filter_map(|template| longest_literal_piece(template))
                .filter(|piece| piece.len() >= 12 && text.contains(piece))
                .map(str::len)
                .max()?;
            Some((longest, signature.id().to_string()))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    found.into_iter().map(|(_, id)| (id, 0.0)).collect()
}

/// The longest run of a template between `<placeholder>`s, trimmed.
fn longest_literal_piece(template: &str) -> Option<&str> {
    let mut pieces = Vec::new();
    let mut piece_start = 0;
    let mut search_from = 0;
    while let Some(offset) = template[search_from..].find('<') {
        let open = search_from + offset;
        let name_len =
            template[open + 1..].bytes().take_while(|byte| byte.is_ascii_lowercase()).count();
        let close = open + 1 + name_len;
        if name_len > 0 && template.as_bytes().get(close) == Some(&b'>') {
            pieces.push(&template[piece_start..open]);
            piece_start = close + 1;
            search_from = close + 1;
        } else {
            // Not a placeholder (`<=` in a message): part of the piece.
            search_from = open + 1;
        }
    }
    pieces.push(&template[piece_start..]);
    pieces
        .into_iter()
        .map(str::trim)
        .max_by_key(|piece| piece.len())
        .filter(|piece| !piece.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(expected: Option<&str>, ranked: &[(&str, f32)]) -> CaseOutcome {
        CaseOutcome {
            name: "case".into(),
            set: "set".into(),
            expected: expected.map(str::to_string),
            ranked: ranked.iter().map(|(id, c)| ((*id).to_string(), *c)).collect(),
        }
    }

    #[test]
    fn scores_count_ranks_false_positives_and_calibration() {
        let scores = EvalScores::new(
            EvalSystem::Errsig,
            vec![
                outcome(Some("a"), &[("a", 0.95)]),
                outcome(Some("b"), &[("a", 0.92), ("b", 0.9)]),
                outcome(Some("c"), &[]),
                outcome(None, &[]),
                outcome(None, &[("a", 0.52)]),
            ],
        );
        assert_eq!(scores.positives, 3);
        assert_eq!(scores.negatives, 2);
        assert_eq!(scores.top1, Some(1.0 / 3.0));
        assert_eq!(scores.top3, Some(2.0 / 3.0));
        assert_eq!(scores.mean_reciprocal_rank, Some((1.0 + 0.5) / 3.0));
        assert_eq!(scores.false_positive_rate, Some(0.5));
        let a = scores.per_signature["a"];
        assert_eq!((a.true_positives, a.false_positives, a.false_negatives), (1, 2, 0));
        assert_eq!(a.precision(), Some(1.0 / 3.0));
        assert_eq!(scores.per_signature["c"].recall(), Some(0.0));
        let top_bin = scores.calibration.last().unwrap();
        assert_eq!((top_bin.answers, top_bin.correct), (1, 1));
        assert_eq!((scores.calibration[8].answers, scores.calibration[8].correct), (1, 0));
        assert_eq!(scores.calibration[0].answers, 1);
        assert_eq!(scores.misses().count(), 3);
    }

    #[test]
    fn literal_pieces_skip_placeholders_but_not_comparisons() {
        assert_eq!(
            longest_literal_piece("Error code: <num> - Resource not found for <url>"),
            Some("- Resource not found for")
        );
        assert_eq!(longest_literal_piece("<secret>"), None);
        assert_eq!(longest_literal_piece("tokens <= <num> allowed"), Some("tokens <="));
    }
}
