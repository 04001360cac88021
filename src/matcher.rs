//! Normalized events -> candidate signatures (one automaton pass) -> verified or fuzzy hits.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::compile::{
    Compiled, CompiledConditions, CompiledSignature, OTHER_WORD, Role, captures_of, word_slices,
};
use crate::normalize::{Event, Evidence, EvidenceKind};

/// The longest event prefix compared with templates, in bytes: caps fuzzy work per event.
const MAX_FUZZY_BYTES: usize = 4096;
/// The most signatures whose templates are compared with one event.
const MAX_FUZZY_CANDIDATES: usize = 16;
/// The most lines of one event compared with templates.
const MAX_FUZZY_LINES: usize = 64;
/// The longest line compared with a template, in words.
const MAX_FUZZY_LINE_WORDS: usize = 200;
/// The least similarity for a fuzzy hit.
pub(crate) const MIN_FUZZY_SIMILARITY: f64 = 0.75;

/// How a hit was established.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum HitKind {
    /// Every pattern and condition held.
    Verified,
    /// Patterns failed, but a template is this similar (0..=1) to a line of the event.
    Fuzzy(f64),
}

/// One signature found in one event.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub(crate) signature: usize,
    pub(crate) kind: HitKind,
    /// Ranges in the event text: the patterns' matches (or the most similar line).
    pub(crate) ranges: Vec<Range<usize>>,
    /// Anchors found in the event.
    pub(crate) anchors: Vec<String>,
    /// Named groups, as ranges in the event text.
    pub(crate) variables: BTreeMap<String, Range<usize>>,
    /// Variables captured from URL evidence (already redacted).
    pub(crate) url_variables: BTreeMap<String, String>,
    /// Whether the match lies in the event's root-cause part.
    pub(crate) in_focus: bool,
    /// How specific this hit is, 0..=1.
    pub(crate) specificity: f32,
    /// Names of the boost conditions that held.
    pub(crate) boosts: Vec<&'static str>,
}

/// Finds the hits in `event`. With `prefilter` off, every signature is tried and anchors are
/// checked by plain substring search: the brute-force reference the automaton must agree with.
pub(crate) fn find_hits(
    compiled: &Compiled,
    event: &Event,
    evidence: &[Evidence],
    prefilter: bool,
) -> Vec<Hit> {
    let text = event.text();
    let (anchored, keyworded) =
        if prefilter { candidates(compiled, text) } else { brute_candidates(compiled, text) };
    let mut hits = Vec::new();
    for (signature, anchors) in &anchored {
        if let Some(hit) = verify(compiled, *signature, event, evidence, anchors.clone()) {
            hits.push(hit);
        }
    }
    // Fuzzy matching is the fallback for wording drift: an event that some signature explains
    // exactly is not handed to a merely similar one.
    if !hits.is_empty() || keyworded.is_empty() {
        return hits;
    }
    let lines = fuzzy_lines(compiled, event.text());
    for signature in keyworded.into_iter().take(MAX_FUZZY_CANDIDATES) {
        if let Some(hit) = fuzzy(compiled, signature, event, evidence, &lines) {
            hits.push(hit);
        }
    }
    hits
}

/// The lines of an event compared with templates (within the fuzzy caps), each with its range
/// in the event text and its words as template-word numbers; lines without words are left out.
fn fuzzy_lines(compiled: &Compiled, text: &str) -> Vec<(Range<usize>, Vec<u32>)> {
    let limit = floor_char_boundary(text, MAX_FUZZY_BYTES);
    let mut lines = Vec::new();
    let mut offset = 0;
    for line in text[..limit].split('\n').take(MAX_FUZZY_LINES) {
        let range = offset..offset + line.len();
        offset += line.len() + 1;
        let lower = line.to_ascii_lowercase();
        let words: Vec<u32> = word_slices(&lower)
            .take(MAX_FUZZY_LINE_WORDS)
            .map(|word| compiled.word_ids.get(word).copied().unwrap_or(OTHER_WORD))
            .collect();
        if !words.is_empty() {
            lines.push((range, words));
        }
    }
    lines
}

type Candidates = (Vec<(usize, Vec<String>)>, Vec<usize>);

fn candidates(compiled: &Compiled, text: &str) -> Candidates {
    let mut anchored: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut keyworded: Vec<usize> = Vec::new();
    for found in compiled.automaton.find_overlapping_iter(text) {
        let pattern = found.pattern().as_usize();
        // The automaton folds ASCII case only, so the match spells the pattern's lower-case text.
        let literal = compiled.literals[pattern].as_str();
        for (signature, role) in &compiled.owners[pattern] {
            match role {
                Role::Anchor => {
                    let anchors = anchored.entry(*signature).or_default();
                    if !anchors.iter().any(|known| known == literal) {
                        anchors.push(literal.to_string());
                    }
                }
                Role::Keyword => keyworded.push(*signature),
            }
        }
    }
    keyworded.sort_unstable();
    keyworded.dedup();
    (anchored.into_iter().collect(), keyworded)
}

fn brute_candidates(compiled: &Compiled, text: &str) -> Candidates {
    let lower = text.to_ascii_lowercase();
    let mut anchored = Vec::new();
    let mut keyworded = Vec::new();
    for (index, signature) in compiled.signatures.iter().enumerate() {
        let mut found: Vec<String> = signature
            .anchors
            .iter()
            .filter(|anchor| lower.contains(anchor.as_str()))
            .cloned()
            .collect();
        found.sort();
        found.dedup();
        if !found.is_empty() {
            anchored.push((index, found));
        }
        let has_keyword = signature.keywords.iter().any(|keyword| lower.contains(keyword.as_str()));
        if has_keyword {
            keyworded.push(index);
        }
    }
    (anchored, keyworded)
}

fn verify(
    compiled: &Compiled,
    index: usize,
    event: &Event,
    evidence: &[Evidence],
    mut anchors: Vec<String>,
) -> Option<Hit> {
    let signature = &compiled.signatures[index];
    let text = event.text();
    let mut ranges = Vec::new();
    for pattern in &signature.all {
        ranges.push(pattern.regex_for(text).find(text)?.range());
    }
    let mut any_matched = None;
    if !signature.any.is_empty() {
        let (index, found) = signature
            .any
            .iter()
            .enumerate()
            .find_map(|(index, pattern)| Some((index, pattern.regex_for(text).find(text)?)))?;
        any_matched = Some(index);
        ranges.push(found.range());
    }
    if signature.none.iter().any(|pattern| pattern.regex_for(text).is_match(text)) {
        return None;
    }
    let mut url_variables = BTreeMap::new();
    if !conditions_hold(&signature.require, evidence, &mut url_variables) {
        return None;
    }
    let mut variables = BTreeMap::new();
    for pattern in signature.all.iter().chain(&signature.any) {
        captures_of(pattern, text, &mut variables);
    }
    let boosts = boosts_held(signature, evidence, &mut url_variables);
    anchors.sort();
    let in_focus = event.focus > 0 && ranges.iter().any(|range| range.end > event.focus);
    Some(Hit {
        signature: index,
        kind: HitKind::Verified,
        ranges,
        anchors,
        variables,
        url_variables,
        in_focus,
        boosts,
        specificity: signature.specificity(any_matched),
    })
}

fn fuzzy(
    compiled: &Compiled,
    index: usize,
    event: &Event,
    evidence: &[Evidence],
    lines: &[(Range<usize>, Vec<u32>)],
) -> Option<Hit> {
    let signature = &compiled.signatures[index];
    if signature.templates.is_empty() {
        return None;
    }
    let text = event.text();
    let mut best: Option<(f64, Range<usize>)> = None;
    for (range, line_words) in lines {
        for template in &signature.templates {
            if !could_be_similar(template, line_words) {
                continue;
            }
            let similarity = similarity(&template.words, line_words);
            if best.as_ref().is_none_or(|(score, _)| similarity > *score) {
                best = Some((similarity, range.clone()));
            }
        }
    }
    let (similarity, range) = best?;
    if similarity < MIN_FUZZY_SIMILARITY {
        return None;
    }
    if signature.none.iter().any(|pattern| pattern.regex_for(text).is_match(text)) {
        return None;
    }
    let mut url_variables = BTreeMap::new();
    if !conditions_hold(&signature.require, evidence, &mut url_variables) {
        return None;
    }
    let boosts = boosts_held(signature, evidence, &mut url_variables);
    let in_focus = event.focus > 0 && range.end > event.focus;
    Some(Hit {
        signature: index,
        kind: HitKind::Fuzzy(similarity),
        ranges: vec![range],
        anchors: Vec::new(),
        variables: BTreeMap::new(),
        url_variables,
        in_focus,
        boosts,
        specificity: signature.specificity(None),
    })
}

/// A necessary condition for [`MIN_FUZZY_SIMILARITY`], checked in linear time: a line (or the part
/// of it a template could align with) that is that similar shares most of its words with the
/// template. Nearly every line fails it, so edit distances run only where they can succeed.
fn could_be_similar(template: &crate::compile::Template, line: &[u32]) -> bool {
    let shared = line.iter().filter(|word| template.vocabulary.binary_search(word).is_ok()).count();
    let needed = template.words.len().min(line.len());
    // 0.6 leaves room for the edits a 0.75 similarity allows, in any window.
    shared * 10 >= needed * 6
}

/// The least template words a cut-off message must keep to be compared with the template's start.
const MIN_TRUNCATED_WORDS: usize = 8;

/// The best similarity between `template` and any window of `line` of about the template's length,
/// comparing word sequences with normalized Levenshtein distance over words. A line that holds
/// only the start of a long message (pasted messages are often cut) is compared with the
/// template's start, at a small discount for what is missing.
pub(crate) fn similarity<T: PartialEq>(template: &[T], line: &[T]) -> f64 {
    if template.is_empty() || line.is_empty() {
        return 0.0;
    }
    let mut best: f64 = 0.0;
    let n = template.len();
    for window in [n.saturating_sub(1).max(1), n, n + 1] {
        if window <= line.len() {
            for start in 0..=line.len() - window {
                best = best.max(word_similarity(template, &line[start..start + window]));
            }
        }
    }
    if line.len() < n + 1 {
        best = best.max(word_similarity(template, line));
    }
    // A message cut at the end of the line: the template's first `kept` words against the line's
    // last words.
    // Only a line no longer than the template can hold a cut-off copy of it; this also keeps the
    // quadratic comparisons off long lines.
    let truncation_range = if line.len() < n { MIN_TRUNCATED_WORDS..line.len() + 1 } else { 0..0 };
    for kept in truncation_range {
        let discount = 0.85 + 0.15 * kept as f64 / n as f64;
        for window in [kept.saturating_sub(1), kept, kept + 1] {
            if window == 0 || window > line.len() {
                continue;
            }
            let tail = &line[line.len() - window..];
            best = best.max(discount * word_similarity(&template[..kept], tail));
        }
    }
    best
}

fn word_similarity<T: PartialEq>(a: &[T], b: &[T]) -> f64 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    1.0 - strsim::generic_levenshtein(&Words(a), &Words(b)) as f64 / longest as f64
}

/// A word slice as strsim's generic edit distance takes it (a reference that iterates), so
/// comparing word numbers needs no copy.
struct Words<'a, T>(&'a [T]);

impl<'a, T> IntoIterator for &Words<'a, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

fn conditions_hold(
    conditions: &CompiledConditions,
    evidence: &[Evidence],
    variables: &mut BTreeMap<String, String>,
) -> bool {
    condition_results(conditions, evidence, variables).iter().all(|(_, held)| *held)
}

fn boosts_held(
    signature: &CompiledSignature,
    evidence: &[Evidence],
    variables: &mut BTreeMap<String, String>,
) -> Vec<&'static str> {
    condition_results(&signature.boost, evidence, variables)
        .into_iter()
        .filter(|(_, held)| *held)
        .map(|(name, _)| name)
        .collect()
}

fn condition_results(
    conditions: &CompiledConditions,
    evidence: &[Evidence],
    variables: &mut BTreeMap<String, String>,
) -> Vec<(&'static str, bool)> {
    let mut results = Vec::new();
    if !conditions.status.is_empty() {
        let held = evidence.iter().any(|item| matches!(item.kind(), EvidenceKind::Status(code) if conditions.status.contains(code)));
        results.push(("status", held));
    }
    if !conditions.provider.is_empty() {
        let held = evidence.iter().any(|item| matches!(item.kind(), EvidenceKind::Provider(name) if conditions.provider.contains(name)));
        results.push(("provider", held));
    }
    if !conditions.url_host.is_empty() || !conditions.url_host_names.is_empty() {
        let held = evidence.iter().any(|item| match item.kind() {
            EvidenceKind::Url { host, host_kind, .. } => {
                conditions.url_host.contains(host_kind)
                    || conditions.url_host_names.iter().any(|name| {
                        host == name
                            || host
                                .strip_suffix(name.as_str())
                                .is_some_and(|rest| rest.ends_with('.'))
                    })
            }
            _ => false,
        });
        results.push(("url_host", held));
    }
    if let Some(pattern) = &conditions.url_path {
        let mut held = false;
        for item in evidence {
            if let EvidenceKind::Url { path, .. } = item.kind() {
                if let Some(captures) = pattern.regex_for(path).captures(path) {
                    held = true;
                    for name in pattern.names() {
                        if let Some(group) = captures.name(name) {
                            variables
                                .entry(name.to_string())
                                .or_insert_with(|| group.as_str().to_string());
                        }
                    }
                    break;
                }
            }
        }
        results.push(("url_path", held));
    }
    results
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    if index >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str) -> Vec<String> {
        crate::compile::words(text)
    }

    #[test]
    fn similarity_tolerates_drift() {
        let template = w("access denied due to invalid subscription key or wrong api endpoint");
        let drifted = w(
            "error: access denied due to an invalid subscription key or incorrect api endpoint. make sure",
        );
        assert!(similarity(&template, &drifted) >= MIN_FUZZY_SIMILARITY);
        let unrelated = w("permission denied while reading the subscription file from disk");
        assert!(similarity(&template, &unrelated) < MIN_FUZZY_SIMILARITY);
    }
}
