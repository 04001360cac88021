//! Corpus -> Compiled: one Aho-Corasick automaton over every anchor and template keyword, and
//! size-limited regexes per signature. Every problem is found here, so matching never fails.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};
use regex_syntax::hir::{Class, Hir, HirKind};

use crate::corpus::validate::MIN_ANCHOR_BYTES;
use crate::error::Problem;
use crate::normalize::HostKind;
use crate::signature::{Conditions, Signature};

/// Compiled regex program size limit per pattern; a repetition bomb fails here, fast.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Lazy DFA cache limit per pattern.
const REGEX_DFA_LIMIT: usize = 2 << 20;
/// Deepest nesting a pattern may have.
const REGEX_NEST_LIMIT: u32 = 64;
/// Template keywords: how many per template, and how long at least.
const KEYWORDS_PER_TEMPLATE: usize = 2;
const MIN_KEYWORD_BYTES: usize = 5;

/// Why an automaton pattern is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A signature anchor: the signature is a candidate for verification.
    Anchor,
    /// A template keyword: the signature's templates are compared with the event.
    Keyword,
}

/// Compiled evidence conditions.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledConditions {
    pub(crate) status: Vec<u16>,
    pub(crate) provider: Vec<String>,
    pub(crate) url_host: Vec<HostKind>,
    pub(crate) url_host_names: Vec<String>,
    pub(crate) url_path: Option<Regex>,
}

impl CompiledConditions {
    pub(crate) fn len(&self) -> usize {
        usize::from(!self.status.is_empty())
            + usize::from(!self.provider.is_empty())
            + usize::from(!self.url_host.is_empty() || !self.url_host_names.is_empty())
            + usize::from(self.url_path.is_some())
    }
}

/// A fuzzy template, lowercased, as words.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub(crate) words: Vec<String>,
    /// The distinct words, for the cheap overlap test that runs before any edit distance.
    pub(crate) vocabulary: std::collections::HashSet<String>,
}

impl Template {
    pub(crate) fn new(text: &str) -> Template {
        let words = words(&text.to_ascii_lowercase());
        let vocabulary = words.iter().cloned().collect();
        Template { words, vocabulary }
    }
}

/// One signature, ready to verify.
#[derive(Debug, Clone)]
pub(crate) struct CompiledSignature {
    pub(crate) all: Vec<Regex>,
    pub(crate) any: Vec<Regex>,
    pub(crate) none: Vec<Regex>,
    pub(crate) require: CompiledConditions,
    pub(crate) boost: CompiledConditions,
    pub(crate) templates: Vec<Template>,
    /// Lowercased anchors: one must occur in an event for the signature to be tried.
    pub(crate) anchors: Vec<String>,
    /// Lowercased template keywords: one must occur for the templates to be compared.
    pub(crate) keywords: Vec<String>,
    /// Specificity points from the `all` patterns, conditions and guards (see [`Self::specificity`]).
    pub(crate) fixed_points: usize,
    /// Specificity points of each `any` pattern: only the one that matched counts.
    pub(crate) any_points: Vec<usize>,
}

/// The compiled corpus.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub(crate) signatures: Vec<CompiledSignature>,
    pub(crate) automaton: AhoCorasick,
    /// For each automaton pattern: the signatures it belongs to, and why.
    pub(crate) owners: Vec<Vec<(usize, Role)>>,
}

/// Compiles `signatures`; returns every problem found when any.
pub(crate) fn compile(signatures: &[std::sync::Arc<Signature>]) -> Result<Compiled, Vec<Problem>> {
    let mut problems = Vec::new();
    let ids: BTreeSet<&str> = signatures.iter().map(|signature| signature.id().as_str()).collect();
    let mut compiled = Vec::with_capacity(signatures.len());
    for signature in signatures {
        match compile_signature(signature, &ids) {
            Ok(one) => compiled.push(one),
            Err(mut found) => problems.append(&mut found),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut pattern_index: HashMap<String, usize> = HashMap::new();
    let mut patterns: Vec<String> = Vec::new();
    let mut owners: Vec<Vec<(usize, Role)>> = Vec::new();
    let mut add = |text: &str, signature: usize, role: Role| {
        let index = *pattern_index.entry(text.to_string()).or_insert_with(|| {
            patterns.push(text.to_string());
            owners.push(Vec::new());
            patterns.len() - 1
        });
        if !owners[index].contains(&(signature, role)) {
            owners[index].push((signature, role));
        }
    };
    for (index, signature) in compiled.iter().enumerate() {
        for anchor in &signature.anchors {
            add(anchor, index, Role::Anchor);
        }
        for keyword in &signature.keywords {
            add(keyword, index, Role::Keyword);
        }
    }
    let automaton = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .map_err(|error| {
            vec![Problem::new("<corpus>", format!("cannot build the anchor automaton: {error}"))]
        })?;
    Ok(Compiled { signatures: compiled, automaton, owners })
}

fn compile_signature(
    signature: &Signature,
    ids: &BTreeSet<&str>,
) -> Result<CompiledSignature, Vec<Problem>> {
    let rules = signature.rules();
    let mut problems = Vec::new();
    let problem = |field: String, message: String| {
        Problem::new(signature.file(), message).signature(signature.id().as_str()).field(field)
    };
    let compile_list =
        |field: &str, patterns: &[String], problems: &mut Vec<Problem>| -> Vec<Regex> {
            patterns
                .iter()
                .enumerate()
                .filter_map(|(index, pattern)| match build_regex(pattern, rules.case_sensitive) {
                    Ok(regex) => Some(regex),
                    Err(message) => {
                        problems.push(problem(format!("match.{field}[{index}]"), message));
                        None
                    }
                })
                .collect()
        };
    let all = compile_list("all", &rules.all, &mut problems);
    let any = compile_list("any", &rules.any, &mut problems);
    let none = compile_list("none", &rules.none, &mut problems);
    let require = compile_conditions(&rules.require, "match.require", &mut problems, &problem);
    let boost = compile_conditions(&rules.boost, "match.boost", &mut problems, &problem);

    // Anchors: given, or derived from the patterns' required literals.
    let (anchors, literal_bytes) = if rules.anchors.is_empty() {
        match derive_anchors(&rules.all, &rules.any) {
            Some(derived) => derived,
            None => {
                problems.push(problem(
                    "match.anchors".into(),
                    format!("no anchor of {MIN_ANCHOR_BYTES}+ bytes can be derived from the patterns; list `anchors` by hand"),
                ));
                (Vec::new(), 0)
            }
        }
    } else {
        let anchors: Vec<String> =
            rules.anchors.iter().map(|anchor| anchor.to_ascii_lowercase()).collect();
        let shortest = anchors.iter().map(String::len).min().unwrap_or(0);
        (anchors, shortest)
    };

    // Variables named in the article must be groups of the patterns.
    let mut variables: BTreeSet<String> = BTreeSet::new();
    for regex in all.iter().chain(&any).chain(&require.url_path).chain(&boost.url_path) {
        variables.extend(regex.capture_names().flatten().map(str::to_string));
    }
    let article = signature.article();
    let mut texts: Vec<(String, &str)> = vec![
        ("article.summary".into(), article.summary.as_str()),
        ("article.verify".into(), article.verify.as_str()),
    ];
    texts.extend(
        article
            .causes
            .iter()
            .enumerate()
            .map(|(index, cause)| (format!("article.causes[{index}]"), cause.as_str())),
    );
    for (index, fix) in article.fixes.iter().enumerate() {
        texts.extend(
            fix.body
                .iter()
                .chain(&fix.code)
                .map(|text| (format!("article.fix[{index}]"), text.as_str())),
        );
    }
    for (field, text) in texts {
        for name in template_variables(text) {
            if !variables.contains(name) {
                problems.push(problem(
                    field.clone(),
                    format!("`{{{{{name}}}}}` names no group of this signature's patterns"),
                ));
            }
        }
    }
    for (index, example) in signature.examples().iter().enumerate() {
        for name in example.variables.keys() {
            if !variables.contains(name) {
                problems.push(problem(
                    format!("example[{}].variables", index + 1),
                    format!("`{name}` names no group of this signature's patterns"),
                ));
            }
        }
    }
    let relations = signature.relations();
    for (field, list) in [
        ("causes", &relations.causes),
        ("symptom_of", &relations.symptom_of),
        ("related", &relations.related),
    ] {
        for id in list {
            if !ids.contains(id.as_str()) {
                problems.push(problem(
                    format!("relations.{field}"),
                    format!("no signature has the id `{id}`"),
                ));
            } else if id == signature.id() {
                problems.push(problem(
                    format!("relations.{field}"),
                    "a signature cannot relate to itself".into(),
                ));
            }
        }
    }

    // Every example must contain an anchor (or it could never match), and every anchor must occur
    // in some example (or it is dead weight in the automaton).
    if !anchors.is_empty() {
        let normalized: Vec<String> = signature
            .examples()
            .iter()
            .map(|example| crate::normalize::normalize(&example.text).text().to_ascii_lowercase())
            .collect();
        for (index, text) in normalized.iter().enumerate() {
            if !anchors.iter().any(|anchor| text.contains(anchor.as_str())) {
                problems.push(problem(
                    format!("example[{}]", index + 1),
                    format!("contains none of the anchors {anchors:?} in its normalized text"),
                ));
            }
        }
        if !rules.anchors.is_empty() {
            for (index, anchor) in anchors.iter().enumerate() {
                if !normalized.iter().any(|text| text.contains(anchor.as_str())) {
                    problems.push(problem(
                        format!("match.anchors[{index}]"),
                        format!("anchor `{anchor}` occurs in no example"),
                    ));
                }
            }
        }
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    // Points: required literal bytes of every pattern, plus conditions and guards. Explicit
    // anchors stand in when the patterns yield no literal.
    let all_literals: usize = rules.all.iter().map(|pattern| literal_points(pattern)).sum();
    let any_points: Vec<usize> = rules.any.iter().map(|pattern| literal_points(pattern)).collect();
    let fixed_points = all_literals.max(if rules.anchors.is_empty() { 0 } else { literal_bytes })
        + 10 * require.len()
        // Guards make a signature safer, not more specific: only the first two count.
        + 4 * none.len().min(2)
        + 6 * (all.len() + usize::from(!any.is_empty())).saturating_sub(1);
    let templates: Vec<Template> =
        rules.templates.iter().map(|template| Template::new(template)).collect();
    let keywords = template_keywords(&templates);
    Ok(CompiledSignature {
        all,
        any,
        none,
        require,
        boost,
        templates,
        anchors,
        keywords,
        fixed_points,
        any_points,
    })
}

/// Points at which specificity reaches 1.
const FULL_SPECIFICITY_POINTS: f32 = 60.0;

impl CompiledSignature {
    /// How specific a hit is, 0..=1, given which `any` pattern matched: the literal text and
    /// conditions it checked. A long exact message outranks a short generic one.
    pub(crate) fn specificity(&self, any_matched: Option<usize>) -> f32 {
        let any = any_matched.and_then(|index| self.any_points.get(index)).copied().unwrap_or(0);
        ((self.fixed_points + any) as f32 / FULL_SPECIFICITY_POINTS).min(1.0)
    }
}

/// The shortest required literal of `pattern`, in bytes (0 when none can be derived).
fn literal_points(pattern: &str) -> usize {
    required_literals(pattern).map_or(0, |set| set.iter().map(String::len).min().unwrap_or(0))
}

fn compile_conditions(
    conditions: &Conditions,
    field: &str,
    problems: &mut Vec<Problem>,
    problem: &dyn Fn(String, String) -> Problem,
) -> CompiledConditions {
    let url_path =
        conditions.url_path.as_ref().and_then(|pattern| match build_regex(pattern, false) {
            Ok(regex) => Some(regex),
            Err(message) => {
                problems.push(problem(format!("{field}.url_path"), message));
                None
            }
        });
    CompiledConditions {
        status: conditions.status.clone(),
        provider: conditions.provider.clone(),
        url_host: conditions.url_host.clone(),
        url_host_names: conditions.url_host_names.clone(),
        url_path,
    }
}

fn build_regex(pattern: &str, case_sensitive: bool) -> Result<Regex, String> {
    let describe = |error: regex::Error| match error {
        regex::Error::CompiledTooBig(limit) => {
            format!("pattern compiles to more than {limit} bytes; simplify its repetitions")
        }
        other => format!("pattern does not compile: {}", other.to_string().replace('\n', " ")),
    };
    let builder = |pattern: &str| {
        let mut builder = RegexBuilder::new(pattern);
        builder
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_DFA_LIMIT)
            .nest_limit(REGEX_NEST_LIMIT);
        builder
    };
    if case_sensitive {
        return builder(pattern).build().map_err(describe);
    }
    // Unicode case folding of large classes (`[\s\S]`, `\S`, `[^/]`) dominated engine build time,
    // and it buys nothing on error logs. Fold literal text and the ASCII letters of classes here,
    // print the result, and compile that case-sensitively.
    let parsed =
        regex_syntax::ParserBuilder::new().nest_limit(REGEX_NEST_LIMIT).build().parse(pattern);
    match parsed {
        Ok(hir) => builder(&fold_ascii_case(&hir).to_string()).build().map_err(describe),
        // Let the regex crate word the syntax error.
        Err(_) => builder(pattern).case_insensitive(true).build().map_err(describe),
    }
}

/// `hir` made ASCII case-insensitive: every ASCII letter in a literal becomes a two-letter class,
/// and every class that holds ASCII letters gains their other case.
fn fold_ascii_case(hir: &Hir) -> Hir {
    use regex_syntax::hir::{Capture, ClassUnicode, ClassUnicodeRange, Repetition};

    match hir.kind() {
        HirKind::Literal(literal) => {
            let Ok(text) = std::str::from_utf8(&literal.0) else { return hir.clone() };
            let mut parts = Vec::new();
            let mut run = String::new();
            for c in text.chars() {
                if c.is_ascii_alphabetic() {
                    if !run.is_empty() {
                        parts.push(Hir::literal(std::mem::take(&mut run).into_bytes()));
                    }
                    let (lower, upper) = (c.to_ascii_lowercase(), c.to_ascii_uppercase());
                    parts.push(Hir::class(regex_syntax::hir::Class::Unicode(ClassUnicode::new([
                        ClassUnicodeRange::new(upper, upper),
                        ClassUnicodeRange::new(lower, lower),
                    ]))));
                } else {
                    run.push(c);
                }
            }
            if !run.is_empty() {
                parts.push(Hir::literal(run.into_bytes()));
            }
            Hir::concat(parts)
        }
        HirKind::Class(Class::Unicode(class)) => {
            let mut folded = class.clone();
            let mut extra = Vec::new();
            for range in class.iter() {
                for (from, to, shift) in [('a', 'z', -32i32), ('A', 'Z', 32)] {
                    let start = range.start().max(from);
                    let end = range.end().min(to);
                    if start <= end {
                        let moved = |c: char| {
                            char::from_u32((c as i32 + shift) as u32)
                                .expect("ASCII letters stay ASCII")
                        };
                        extra.push(ClassUnicodeRange::new(moved(start), moved(end)));
                    }
                }
            }
            if !extra.is_empty() {
                folded.union(&ClassUnicode::new(extra));
            }
            Hir::class(Class::Unicode(folded))
        }
        HirKind::Repetition(repetition) => Hir::repetition(Repetition {
            sub: Box::new(fold_ascii_case(&repetition.sub)),
            ..repetition.clone()
        }),
        HirKind::Capture(capture) => Hir::capture(Capture {
            sub: Box::new(fold_ascii_case(&capture.sub)),
            ..capture.clone()
        }),
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(fold_ascii_case).collect()),
        HirKind::Alternation(branches) => {
            Hir::alternation(branches.iter().map(fold_ascii_case).collect())
        }
        _ => hir.clone(),
    }
}

/// `{{name}}` references in a fix text.
pub(crate) fn template_variables(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) if is_identifier(&after[..end]) => {
                names.push(&after[..end]);
                rest = &after[end + 2..];
            }
            _ => rest = after,
        }
    }
    names
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Lowercase words of a text, placeholders kept whole.
pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '<' || c == '>' || c == '_'))
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect()
}

fn template_keywords(templates: &[Template]) -> Vec<String> {
    let mut keywords = Vec::new();
    for template in templates {
        let mut candidates: Vec<&String> = template
            .words
            .iter()
            .filter(|word| word.len() >= MIN_KEYWORD_BYTES && !word.starts_with('<'))
            .collect();
        candidates.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        candidates.dedup();
        keywords.extend(candidates.into_iter().take(KEYWORDS_PER_TEMPLATE).cloned());
    }
    keywords
}

/// Derives anchors: the best required-literal set of any `all` pattern, else the union of the
/// sets of every `any` pattern. Returns the anchors and the shortest one's length.
pub(crate) fn derive_anchors(all: &[String], any: &[String]) -> Option<(Vec<String>, usize)> {
    let best_all =
        all.iter().filter_map(|pattern| required_literals(pattern)).max_by_key(set_strength);
    let chosen = match best_all {
        Some(set) => set,
        None if !any.is_empty() => {
            let mut union = BTreeSet::new();
            for pattern in any {
                union.extend(required_literals(pattern)?);
            }
            union
        }
        None => return None,
    };
    let anchors: Vec<String> = chosen.into_iter().collect();
    let shortest = anchors.iter().map(String::len).min().unwrap_or(0);
    Some((anchors, shortest))
}

fn set_strength(set: &BTreeSet<String>) -> (usize, std::cmp::Reverse<usize>) {
    (set.iter().map(String::len).min().unwrap_or(0), std::cmp::Reverse(set.len()))
}

/// A set of lowercase literals at least one of which occurs in every match of `pattern`, each at
/// least [`MIN_ANCHOR_BYTES`] long; `None` when there is no such set.
fn required_literals(pattern: &str) -> Option<BTreeSet<String>> {
    let hir = regex_syntax::ParserBuilder::new().build().parse(pattern).ok()?;
    let set = required(&hir)?;
    if set.iter().all(|literal| literal.len() >= MIN_ANCHOR_BYTES) { Some(set) } else { None }
}

/// The exact literal a HIR node stands for, when it is one fixed string (case folded).
fn exact_literal(hir: &Hir) -> Option<String> {
    match hir.kind() {
        HirKind::Literal(literal) => {
            std::str::from_utf8(&literal.0).ok().map(str::to_ascii_lowercase)
        }
        HirKind::Class(Class::Unicode(class)) => {
            // Unicode case folding adds `ſ` to `s` and the Kelvin sign to `k`; the automaton is
            // ASCII case-insensitive, so only the ASCII members decide.
            let chars: BTreeSet<char> = class
                .iter()
                .flat_map(|range| range.start()..=range.end())
                .take(4)
                .filter(char::is_ascii)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            (chars.len() == 1).then(|| chars.into_iter().collect())
        }
        HirKind::Capture(capture) => exact_literal(&capture.sub),
        HirKind::Concat(parts) => parts.iter().map(exact_literal).collect(),
        _ => None,
    }
}

fn required(hir: &Hir) -> Option<BTreeSet<String>> {
    if let Some(literal) = exact_literal(hir) {
        return (!literal.is_empty()).then(|| BTreeSet::from([literal]));
    }
    match hir.kind() {
        HirKind::Capture(capture) => required(&capture.sub),
        HirKind::Repetition(repetition) if repetition.min >= 1 => required(&repetition.sub),
        HirKind::Alternation(branches) => {
            let mut union = BTreeSet::new();
            for branch in branches {
                union.extend(required(branch)?);
            }
            Some(union)
        }
        HirKind::Concat(parts) => {
            // Runs of exact literals join into one string; the strongest candidate wins.
            let mut best: Option<BTreeSet<String>> = None;
            let mut consider = |candidate: BTreeSet<String>| {
                if best
                    .as_ref()
                    .is_none_or(|current| set_strength(&candidate) > set_strength(current))
                {
                    best = Some(candidate);
                }
            };
            let mut run = String::new();
            for part in parts {
                if let Some(literal) = exact_literal(part) {
                    run.push_str(&literal);
                    continue;
                }
                if !run.is_empty() {
                    consider(BTreeSet::from([std::mem::take(&mut run)]));
                }
                if let Some(set) = required(part) {
                    consider(set);
                }
            }
            if !run.is_empty() {
                consider(BTreeSet::from([run]));
            }
            best.filter(|set| set.iter().all(|literal| literal.len() >= MIN_ANCHOR_BYTES))
        }
        _ => None,
    }
}

/// Variables captured by `regex` on `text`, by group name.
pub(crate) fn captures_of(
    regex: &Regex,
    text: &str,
    out: &mut BTreeMap<String, std::ops::Range<usize>>,
) {
    if regex.captures_len() <= 1 {
        return;
    }
    if let Some(captures) = regex.captures(text) {
        for name in regex.capture_names().flatten() {
            if let Some(group) = captures.name(name) {
                out.entry(name.to_string()).or_insert(group.range());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchors(all: &[&str], any: &[&str]) -> Option<Vec<String>> {
        let all: Vec<String> = all.iter().map(|s| s.to_string()).collect();
        let any: Vec<String> = any.iter().map(|s| s.to_string()).collect();
        derive_anchors(&all, &any).map(|(anchors, _)| anchors)
    }

    #[test]
    fn derives_required_literals() {
        assert_eq!(
            anchors(&[r"OpenAI(Exception|Error)\b[\s\S]{0,400}?Resource not found"], &[]),
            Some(vec!["resource not found".into()])
        );
        assert_eq!(
            anchors(&[r"(?i)Access denied due to (invalid|wrong)"], &[]),
            Some(vec!["access denied due to ".into()])
        );
        assert_eq!(
            anchors(&[r"(foo bar|baz qux)\d+"], &[]),
            Some(vec!["baz qux".into(), "foo bar".into()])
        );
        assert_eq!(
            anchors(&[], &["alpha one", "beta two"]),
            Some(vec!["alpha one".into(), "beta two".into()])
        );
        assert_eq!(anchors(&[r"\d+"], &[]), None);
        assert_eq!(
            anchors(&[r"(?:ab|cdef)x"], &[]),
            None,
            "a 2-byte branch makes the set too weak"
        );
    }

    #[test]
    fn patterns_are_ascii_case_insensitive_with_groups_intact() {
        let regex =
            build_regex(r"Resource (?P<id>[a-c]+) not\s+found[\s\S]{0,20}?end", false).unwrap();
        let captures = regex.captures("xx RESOURCE aBc NOT  Found ... END").unwrap();
        assert_eq!(&captures["id"], "aBc");
        assert!(!regex.is_match("Resource abd not found end"));
        let sensitive = build_regex("Resource", true).unwrap();
        assert!(!sensitive.is_match("resource"));
        assert!(
            build_regex("(unclosed", false).unwrap_err().starts_with("pattern does not compile")
        );
    }

    #[test]
    fn finds_variables_in_fix_text() {
        assert_eq!(
            template_variables("model=\"azure/{{deployment}}\" {x} {{ not }} {{api_version}}"),
            ["deployment", "api_version"]
        );
    }
}
