//! Hits -> ranked matches: a calibrated confidence per hit, occurrences merged per signature,
//! root causes ranked over their symptoms, and a total, deterministic order.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::compile::Compiled;
use crate::matcher::{Hit, HitKind};
use crate::normalize::{Event, Line, Span};
use crate::report::{Confidence, Explanation, Match, MatchKind, Occurrence};
use crate::signature::Signature;

/// Confidence of a verified match before specificity and bonuses. Calibrated on the evaluation
/// sets, the held-out one included (EVALUATION.md): pattern-verified first answers were right
/// 99 % of the time at every specificity (a wrong problem is rare; a miss is "no confident
/// match"), so a verified match starts at 0.93 and the rest only orders them, up to 0.99: no
/// answer from text is certain.
const VERIFIED_BASE: f32 = 0.93;
const SPECIFICITY_WEIGHT: f32 = 0.04;
const BOOST_WEIGHT: f32 = 0.01;
const FOCUS_BONUS: f32 = 0.01;
/// A fuzzy match's confidence is this times its similarity.
const FUZZY_WEIGHT: f32 = 0.75;
/// The longest matched line kept for display, in bytes.
const MAX_DISPLAY_LINE: usize = 400;
/// The most lines shown per occurrence.
const MAX_DISPLAY_LINES: usize = 5;

/// A hit resolved against its event: original spans, display lines and variable values.
#[derive(Debug, Clone)]
pub(crate) struct ResolvedHit {
    pub(crate) signature: usize,
    pub(crate) kind: HitKind,
    pub(crate) confidence: Confidence,
    pub(crate) occurrence: Occurrence,
    pub(crate) anchors: Vec<String>,
    pub(crate) variables: BTreeMap<String, String>,
    pub(crate) in_focus: bool,
    pub(crate) boosts: Vec<&'static str>,
    pub(crate) specificity: f32,
}

/// Resolves `hit` found in `event`; `lines` must hold the event's lines.
pub(crate) fn resolve(compiled: &Compiled, hit: Hit, event: &Event, lines: &[Line]) -> ResolvedHit {
    let signature = &compiled.signatures[hit.signature];
    let confidence = match hit.kind {
        HitKind::Verified => {
            let boost_total = signature.boost.len();
            let boost =
                if boost_total == 0 { 0.0 } else { hit.boosts.len() as f32 / boost_total as f32 };
            VERIFIED_BASE
                + SPECIFICITY_WEIGHT * hit.specificity
                + BOOST_WEIGHT * boost
                + if hit.in_focus { FOCUS_BONUS } else { 0.0 }
        }
        HitKind::Fuzzy(similarity) => FUZZY_WEIGHT * similarity as f32,
    };
    let spans: Vec<Span> =
        hit.ranges.iter().map(|range| event.original_span(range.clone())).collect();
    // Lines are sorted by position: find them by binary search, never by scanning the log.
    let first_ending_at_or_after =
        |offset: usize| lines.partition_point(|line| line.span.end() < offset);
    let line_of = |offset: usize| {
        lines.get(first_ending_at_or_after(offset)).filter(|line| line.span.start() <= offset)
    };
    let mut display_lines: Vec<(usize, String)> = Vec::new();
    for span in &spans {
        let overlapping = lines[first_ending_at_or_after(span.start())..]
            .iter()
            .take_while(|line| line.span.start() <= span.end());
        for line in overlapping {
            if display_lines.len() < MAX_DISPLAY_LINES
                && !display_lines.iter().any(|(number, _)| *number == line.number)
            {
                display_lines.push((line.number, clip(line.display.as_str(), MAX_DISPLAY_LINE)));
            }
        }
    }
    display_lines.sort();
    let mut variables = BTreeMap::new();
    for (name, range) in &hit.variables {
        let span = event.original_span(range.clone());
        if let Some(line) = line_of(span.start()) {
            let start = line.display.to_output_offset(span.start());
            let end = line.display.to_output_offset(span.end().min(line.span.end())).max(start);
            let value = line.display.as_str().get(start..end).unwrap_or_default().trim();
            if !value.is_empty() {
                variables.insert(name.clone(), value.to_string());
            }
        }
    }
    for (name, value) in hit.url_variables {
        variables.entry(name).or_insert(value);
    }
    ResolvedHit {
        signature: hit.signature,
        kind: hit.kind,
        confidence: Confidence::new(confidence),
        occurrence: Occurrence {
            first_line: event.lines().0,
            last_line: event.lines().1,
            spans,
            lines: display_lines,
        },
        anchors: hit.anchors,
        variables,
        in_focus: hit.in_focus,
        boosts: hit.boosts,
        specificity: hit.specificity,
    }
}

fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Merges hits per signature into matches, applies relations, and sorts.
/// `uncounted` holds, per signature, hits beyond `max_occurrences` that were counted but not
/// resolved.
pub(crate) fn rank(
    hits: Vec<ResolvedHit>,
    uncounted: &BTreeMap<usize, usize>,
    compiled: &Compiled,
    signatures: &[Arc<Signature>],
    max_occurrences: usize,
) -> Vec<Match> {
    let mut by_signature: BTreeMap<usize, Vec<ResolvedHit>> = BTreeMap::new();
    for hit in hits {
        by_signature.entry(hit.signature).or_default().push(hit);
    }
    let mut matches: Vec<Match> = by_signature
        .into_iter()
        .map(|(index, mut hits)| {
            // The best hit speaks for the match; ties go to the earliest.
            let best = (0..hits.len())
                .max_by(|a, b| hits[*a].confidence.cmp(&hits[*b].confidence).then(b.cmp(a)))
                .expect("a group has hits");
            let best_hit = hits[best].clone();
            let mut variables = best_hit.variables.clone();
            for hit in &hits {
                for (name, value) in &hit.variables {
                    variables.entry(name.clone()).or_insert_with(|| value.clone());
                }
            }
            let occurrence_count = hits.len() + uncounted.get(&index).copied().unwrap_or(0);
            hits.truncate(max_occurrences.max(1));
            let mut anchors: Vec<String> =
                hits.iter().flat_map(|hit| hit.anchors.clone()).collect();
            anchors.sort();
            anchors.dedup();
            let compiled_signature = &compiled.signatures[index];
            Match {
                signature: Arc::clone(&signatures[index]),
                confidence: best_hit.confidence,
                kind: match best_hit.kind {
                    HitKind::Verified => MatchKind::Verified,
                    HitKind::Fuzzy(similarity) => MatchKind::Fuzzy { similarity },
                },
                occurrences: hits.into_iter().map(|hit| hit.occurrence).collect(),
                occurrence_count,
                variables,
                explanation: Explanation {
                    anchors,
                    specificity: best_hit.specificity,
                    boosts: best_hit.boosts,
                    boost_total: compiled_signature.boost.len(),
                    in_final_exception: best_hit.in_focus,
                    ranked_below: None,
                },
            }
        })
        .collect();
    apply_relations(&mut matches);
    sort(&mut matches);
    matches
}

/// A symptom never outranks its cause when both matched.
fn apply_relations(matches: &mut [Match]) {
    let ids: Vec<_> = matches.iter().map(|m| m.signature.id().clone()).collect();
    for _ in 0..2 {
        for symptom in 0..matches.len() {
            for cause in 0..matches.len() {
                if symptom == cause {
                    continue;
                }
                let declared = matches[cause].signature.relations().causes.contains(&ids[symptom])
                    || matches[symptom].signature.relations().symptom_of.contains(&ids[cause]);
                if declared && matches[symptom].confidence >= matches[cause].confidence {
                    matches[symptom].confidence =
                        Confidence::new(matches[cause].confidence.value() - 0.01);
                    matches[symptom].explanation.ranked_below = Some(ids[cause].clone());
                }
            }
        }
    }
}

/// Confidence descending, then id: total and deterministic.
pub(crate) fn sort(matches: &mut [Match]) {
    matches.sort_by(|a, b| {
        b.confidence.cmp(&a.confidence).then_with(|| a.signature.id().cmp(b.signature.id()))
    });
}
