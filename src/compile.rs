//! Corpus -> Compiled: one Aho-Corasick automaton over every anchor and template keyword, and
//! size-limited regexes per signature. Every problem is found here, so matching never fails.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexBuilder};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_syntax::hir::{Class, ClassUnicode, Hir, HirKind};

use crate::corpus::Fnv64;
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

/// The most bytes of automaton patterns (anchors and keywords) for which the automaton is a DFA.
/// The DFA has at most one state per byte, so this bounds its table (a few tens of MiB).
const MAX_DFA_PATTERN_BYTES: usize = 256 * 1024;

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
    pub(crate) url_path: Option<Pattern>,
}

impl CompiledConditions {
    pub(crate) fn len(&self) -> usize {
        usize::from(!self.status.is_empty())
            + usize::from(!self.provider.is_empty())
            + usize::from(!self.url_host.is_empty() || !self.url_host_names.is_empty())
            + usize::from(self.url_path.is_some())
    }
}

/// FNV-1a, for the template-word map: its keys are short words, looked up once per word of each
/// line compared with templates. The map's contents are fixed at build, so chosen input words
/// cannot lengthen its probes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Every template word of the corpus, numbered: templates and the lines compared with them are
/// sequences of these numbers, so comparing words is comparing integers.
pub(crate) type WordIds = HashMap<String, u32, std::hash::BuildHasherDefault<Fnv>>;

/// The number standing for a word that is in no template: equal to no template word.
pub(crate) const OTHER_WORD: u32 = u32::MAX;

/// A fuzzy template, lowercased, as word numbers (see [`WordIds`]).
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub(crate) words: Vec<u32>,
    /// The distinct words, sorted, for the cheap overlap test that runs before any edit distance.
    pub(crate) vocabulary: Vec<u32>,
}

impl Template {
    pub(crate) fn new(words: &[String], ids: &mut WordIds) -> Template {
        let words: Vec<u32> = words
            .iter()
            .map(|word| {
                let next = ids.len() as u32;
                *ids.entry(word.clone()).or_insert(next)
            })
            .collect();
        let mut vocabulary = words.clone();
        vocabulary.sort_unstable();
        vocabulary.dedup();
        Template { words, vocabulary }
    }
}

/// A signature pattern: parsed and size-checked when the engine is built, so a broken pattern is
/// refused then with the regex crate's own message, and compiled on first use. Most signatures
/// never see a candidate event in a given log, so most patterns are never compiled.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    /// The pattern as written.
    pattern: Box<str>,
    /// Compile it as written; otherwise ASCII case is folded first (see [`fold_ascii_case`]).
    case_sensitive: bool,
    /// The names of its capture groups.
    names: Vec<String>,
    unicode: OnceLock<Regex>,
    /// [`crate::normalize::restrict_to_ascii`] of the same, for ASCII haystacks.
    ascii: OnceLock<Regex>,
}

impl Pattern {
    /// The regex to run on `haystack`: the ASCII restriction when `haystack` is ASCII (exactly
    /// equivalent there, smaller and faster), else the full pattern.
    pub(crate) fn regex_for(&self, haystack: &str) -> &Regex {
        if haystack.is_ascii() { self.ascii() } else { self.unicode() }
    }

    /// The syntax tree compiled: the pattern's, case folded unless case-sensitive.
    fn hir(&self) -> Option<Hir> {
        let parsed = parse_default(&self.pattern)?;
        Some(if self.case_sensitive { parsed } else { fold_ascii_case(&parsed) })
    }

    fn unicode(&self) -> &Regex {
        self.unicode.get_or_init(|| {
            let source = match self.hir() {
                Some(hir) if !self.case_sensitive => hir.to_string(),
                _ => self.pattern.to_string(),
            };
            build_checked(&source).unwrap_or_else(|message| {
                // `check_pattern` accepted this pattern under the same limits, so this is
                // unreachable; should it happen, the pattern matches nothing rather than failing
                // a match call.
                tracing::error!(pattern = %self.pattern, %message, "a checked pattern failed to compile");
                Regex::new(r"[^\s\S]").expect("the empty class is a valid pattern")
            })
        })
    }

    fn ascii(&self) -> &Regex {
        self.ascii.get_or_init(|| {
            self.hir()
                .and_then(|hir| {
                    build_checked(&crate::normalize::restrict_to_ascii(&hir).to_string()).ok()
                })
                .unwrap_or_else(|| self.unicode().clone())
        })
    }

    /// The names of its capture groups, in pattern order.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }
}

/// One signature, ready to verify.
#[derive(Debug, Clone)]
pub(crate) struct CompiledSignature {
    pub(crate) all: Vec<Pattern>,
    pub(crate) any: Vec<Pattern>,
    pub(crate) none: Vec<Pattern>,
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
    /// Each automaton pattern's text (lower case): what a match spells, up to ASCII case.
    pub(crate) literals: Vec<String>,
    /// The template words.
    pub(crate) word_ids: WordIds,
}

/// Compiles `signatures`; returns every problem found when any.
pub(crate) fn compile(signatures: &[std::sync::Arc<Signature>]) -> Result<Compiled, Vec<Problem>> {
    let mut problems = Vec::new();
    let ids: BTreeSet<&str> = signatures.iter().map(|signature| signature.id().as_str()).collect();
    let mut compiled = Vec::with_capacity(signatures.len());
    let mut class_costs = ClassCosts::default();
    let mut word_ids = WordIds::default();
    for signature in signatures {
        match compile_signature(signature, &ids, &mut class_costs, &mut word_ids) {
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
    // A DFA walks an event faster than the contiguous NFA the crate picks above 100 patterns
    // (matching 6-9 % faster at 1k and 10k signatures); at 100k signatures its table no longer
    // fits in cache, the gain is gone, and its build time and memory remain.
    let pattern_bytes: usize = patterns.iter().map(String::len).sum();
    let kind = (pattern_bytes <= MAX_DFA_PATTERN_BYTES).then_some(AhoCorasickKind::DFA);
    let automaton = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .kind(kind)
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .map_err(|error| {
            vec![Problem::new("<corpus>", format!("cannot build the anchor automaton: {error}"))]
        })?;
    Ok(Compiled { signatures: compiled, automaton, owners, literals: patterns, word_ids })
}

fn compile_signature(
    signature: &Signature,
    ids: &BTreeSet<&str>,
    class_costs: &mut ClassCosts,
    word_ids: &mut WordIds,
) -> Result<CompiledSignature, Vec<Problem>> {
    let rules = signature.rules();
    let mut problems = Vec::new();
    let problem = |field: String, message: String| {
        Problem::new(signature.file(), message).signature(signature.id().as_str()).field(field)
    };
    // Each pattern is parsed once; anchors, points and checks all read that parse.
    let parse = |patterns: &[String]| -> (Vec<Option<Hir>>, Vec<bool>) {
        patterns.iter().map(|pattern| parse_pattern(pattern)).unzip()
    };
    let ((parsed_all, all_nest), (parsed_any, any_nest), (parsed_none, none_nest)) =
        (parse(&rules.all), parse(&rules.any), parse(&rules.none));
    let compile_list = |field: &str,
                        patterns: &[String],
                        (parsed, nest): (&[Option<Hir>], &[bool]),
                        problems: &mut Vec<Problem>,
                        class_costs: &mut ClassCosts|
     -> Vec<Pattern> {
        patterns
            .iter()
            .zip(parsed.iter().zip(nest))
            .enumerate()
            .filter_map(|(index, (pattern, (hir, &within_nest_limit)))| {
                let parse = (hir.as_ref(), within_nest_limit);
                match check_pattern(pattern, parse, rules.case_sensitive, class_costs) {
                    Ok(checked) => Some(checked),
                    Err(message) => {
                        problems.push(problem(format!("match.{field}[{index}]"), message));
                        None
                    }
                }
            })
            .collect()
    };
    let all = compile_list("all", &rules.all, (&parsed_all, &all_nest), &mut problems, class_costs);
    let any = compile_list("any", &rules.any, (&parsed_any, &any_nest), &mut problems, class_costs);
    let none =
        compile_list("none", &rules.none, (&parsed_none, &none_nest), &mut problems, class_costs);
    let mut conditions = |conditions: &Conditions, field: &str, problems: &mut Vec<Problem>| {
        compile_conditions(conditions, field, problems, &problem, class_costs)
    };
    let require = conditions(&rules.require, "match.require", &mut problems);
    let boost = conditions(&rules.boost, "match.boost", &mut problems);

    // Anchors: given, or derived from the patterns' required literals.
    let (anchors, literal_bytes) = if rules.anchors.is_empty() {
        match derive_anchors(&parsed_all, &parsed_any) {
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
    for pattern in all.iter().chain(&any).chain(&require.url_path).chain(&boost.url_path) {
        variables.extend(pattern.names().iter().cloned());
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
    let all_literals: usize = parsed_all.iter().map(literal_points).sum();
    let any_points: Vec<usize> = parsed_any.iter().map(literal_points).collect();
    let fixed_points = all_literals.max(if rules.anchors.is_empty() { 0 } else { literal_bytes })
        + 10 * require.len()
        // Guards make a signature safer, not more specific: only the first two count.
        + 4 * none.len().min(2)
        + 6 * (all.len() + usize::from(!any.is_empty())).saturating_sub(1);
    let template_words: Vec<Vec<String>> =
        rules.templates.iter().map(|template| words(&template.to_ascii_lowercase())).collect();
    let keywords = template_keywords(&template_words);
    let templates: Vec<Template> =
        template_words.iter().map(|words| Template::new(words, word_ids)).collect();
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
fn literal_points(parsed: &Option<Hir>) -> usize {
    required_literals(parsed).map_or(0, |set| set.iter().map(String::len).min().unwrap_or(0))
}

fn compile_conditions(
    conditions: &Conditions,
    field: &str,
    problems: &mut Vec<Problem>,
    problem: &dyn Fn(String, String) -> Problem,
    class_costs: &mut ClassCosts,
) -> CompiledConditions {
    let url_path = conditions.url_path.as_ref().and_then(|pattern| {
        let (hir, within_nest_limit) = parse_pattern(pattern);
        match check_pattern(pattern, (hir.as_ref(), within_nest_limit), false, class_costs) {
            Ok(checked) => Some(checked),
            Err(message) => {
                problems.push(problem(format!("{field}.url_path"), message));
                None
            }
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

/// The regex crate's builder with errsig's limits.
fn regex_builder(pattern: &str) -> RegexBuilder {
    let mut builder = RegexBuilder::new(pattern);
    builder
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_DFA_LIMIT)
        .nest_limit(REGEX_NEST_LIMIT);
    builder
}

fn describe_regex_error(error: regex::Error) -> String {
    match error {
        regex::Error::CompiledTooBig(limit) => {
            format!("pattern compiles to more than {limit} bytes; simplify its repetitions")
        }
        other => format!("pattern does not compile: {}", other.to_string().replace('\n', " ")),
    }
}

fn build_checked(source: &str) -> Result<Regex, String> {
    regex_builder(source).build().map_err(describe_regex_error)
}

/// `pattern` parsed with the regex crate's default syntax settings (as anchors always were).
fn parse_default(pattern: &str) -> Option<Hir> {
    regex_syntax::Parser::new().parse(pattern).ok()
}

/// Whether `pattern` passes the syntax parser's nesting check at errsig's limit. The limit is
/// enforced while parsing the syntax tree, so this and a parse with the default settings together
/// decide exactly what a parse with the limit decides.
fn within_nest_limit(pattern: &str) -> bool {
    nest_limited_parser().parse(pattern).is_ok()
}

fn nest_limited_parser() -> regex_syntax::ast::parse::Parser {
    regex_syntax::ast::parse::ParserBuilder::new().nest_limit(REGEX_NEST_LIMIT).build()
}

/// [`parse_default`] and [`within_nest_limit`] from one parse of the syntax tree, which is most of
/// the cost of either: [`parse_default`] is that parse (with a looser nesting limit) and its
/// translation, so a tree that passes errsig's limit translates to the same result.
fn parse_pattern(pattern: &str) -> (Option<Hir>, bool) {
    match nest_limited_parser().parse(pattern) {
        Ok(ast) => {
            (regex_syntax::hir::translate::Translator::new().translate(pattern, &ast).ok(), true)
        }
        Err(_) => (parse_default(pattern), false),
    }
}

/// Checks `pattern` (with its [`parse_pattern`]) as the regex crate would compile it,
/// without compiling it: the same syntax limits, then the size of the Thompson NFAs the regex
/// crate builds (forward with groups, reverse without), which are the only steps of its build
/// that can fail. The size is bounded from the syntax tree; only a pattern whose bound is near the
/// limit has its NFAs built. When a step fails the regex crate itself is asked, so the message is
/// its own and a pattern it accepts is accepted.
fn check_pattern(
    pattern: &str,
    (parsed, within_limit): (Option<&Hir>, bool),
    case_sensitive: bool,
    class_costs: &mut ClassCosts,
) -> Result<Pattern, String> {
    let accepted = |names: Vec<String>| Pattern {
        pattern: pattern.into(),
        case_sensitive,
        names,
        unicode: OnceLock::new(),
        ascii: OnceLock::new(),
    };
    // Let the regex crate decide and word the error.
    let ask_the_regex_crate = |source: String, case_insensitive: bool| {
        let regex = regex_builder(&source)
            .case_insensitive(case_insensitive)
            .build()
            .map_err(describe_regex_error)?;
        if case_insensitive {
            // Unreachable (the parse that failed fails here too); refused all the same.
            return Err(format!("pattern does not compile: `{pattern}`"));
        }
        let checked = accepted(regex.capture_names().flatten().map(str::to_string).collect());
        let _ = checked.unicode.set(regex);
        Ok(checked)
    };
    let (Some(parsed), true) = (parsed, within_limit) else {
        return ask_the_regex_crate(pattern.to_string(), !case_sensitive);
    };
    // A case-insensitive pattern is compiled as its folded tree printed: check that text's
    // nesting too, by a bound on it unless the tree is deep.
    let printed = || fold_ascii_case(parsed).to_string();
    if !case_sensitive
        && printed_depth_bound(parsed) > REGEX_NEST_LIMIT
        && !within_nest_limit(&printed())
    {
        return ask_the_regex_crate(printed(), false);
    }
    // The bound leaves a tenth of the limit for any difference between the tree and the parse of
    // its printed text the regex crate makes.
    let threshold = REGEX_SIZE_LIMIT as u64 / 10 * 9;
    let fold = !case_sensitive;
    if nfa_memory_bound(parsed, fold, class_costs, false) > threshold
        && nfa_memory_bound(parsed, fold, class_costs, true) > threshold
    {
        let source = if case_sensitive { pattern.to_string() } else { printed() };
        let Some(reparsed) = parse_default(&source) else {
            return ask_the_regex_crate(source, false);
        };
        let config = thompson::Config::new()
            .utf8(true)
            .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
            .shrink(false)
            .which_captures(WhichCaptures::All);
        let forward = thompson::Compiler::new().configure(config.clone()).build_from_hir(&reparsed);
        let reverse = thompson::Compiler::new()
            .configure(config.which_captures(WhichCaptures::None).reverse(true))
            .build_from_hir(&reparsed);
        if forward.is_err() || reverse.is_err() {
            return ask_the_regex_crate(source, false);
        }
    }
    let mut names = Vec::new();
    capture_names(parsed, &mut names);
    Ok(accepted(names))
}

/// A bound on the nesting depth the syntax parser sees in the printed, case-folded `hir`: the
/// printer writes every node as one item, adding at most two levels per group, concatenation,
/// alternation or repetition (a non-capturing group and what it holds) and three for a leaf (a
/// byte class in a flag group); folding turns a literal into a concatenation, one level more.
fn printed_depth_bound(hir: &Hir) -> u32 {
    fn depth(hir: &Hir) -> u32 {
        match hir.kind() {
            HirKind::Capture(capture) => 1 + depth(&capture.sub),
            HirKind::Repetition(repetition) => 1 + depth(&repetition.sub),
            HirKind::Concat(parts) | HirKind::Alternation(parts) => {
                1 + parts.iter().map(depth).max().unwrap_or(0)
            }
            _ => 0,
        }
    }
    3 * (depth(hir) + 1) + 4
}

/// The names of the capture groups in `hir`, in pattern order.
fn capture_names(hir: &Hir, out: &mut Vec<String>) {
    match hir.kind() {
        HirKind::Capture(capture) => {
            if let Some(name) = &capture.name {
                out.push(name.to_string());
            }
            capture_names(&capture.sub, out);
        }
        HirKind::Repetition(repetition) => capture_names(&repetition.sub, out),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => {
            for part in parts {
                capture_names(part, out);
            }
        }
        _ => {}
    }
}

/// The regex crate's Thompson NFA builder accounts a state as this many bytes (a `Vec` and a tag)
/// ...
const NFA_STATE_BYTES: u64 = 32;
/// ... a sparse transition as this many (two bytes and a state id, aligned) ...
const NFA_TRANSITION_BYTES: u64 = 8;
/// ... and a union alternate as one state id.
const NFA_ALTERNATE_BYTES: u64 = 4;

/// Bounds on the NFA memory of Unicode classes, kept for one build.
#[derive(Debug, Default)]
pub(crate) struct ClassCosts {
    /// [`measured_class_cost`] of every class measured.
    refined: CostTable,
    /// [`utf8_class_cost`] of the large classes seen (`\w`, `\d`, `[^"]`...), which recur in
    /// most patterns of a corpus and cost thousands of UTF-8 sequences each to count.
    counted: CostTable,
}

impl ClassCosts {
    /// Classes with fewer ranges are counted each time: cheaper than a lookup.
    const COUNTED_CACHED_FROM_RANGES: usize = 16;

    fn counted(&mut self, class: &ClassUnicode) -> u64 {
        if class.ranges().len() < Self::COUNTED_CACHED_FROM_RANGES {
            return utf8_class_cost(class);
        }
        self.counted.cost(class, utf8_class_cost)
    }

    fn refined(&mut self, class: &ClassUnicode) -> u64 {
        self.refined.cost(class, measured_class_cost)
    }
}

/// A Unicode class as its ranges.
type ClassRanges = Vec<(char, char)>;

/// Costs of classes, found by a fingerprint of their ranges and compared range by range on a hit,
/// so a lookup builds no key.
#[derive(Debug, Default)]
struct CostTable(HashMap<u64, Vec<(ClassRanges, u64)>>);

impl CostTable {
    fn cost(&mut self, class: &ClassUnicode, compute: fn(&ClassUnicode) -> u64) -> u64 {
        let ranges = class.ranges();
        // The count and the outer ranges tell classes apart well enough for a bucket; the full
        // comparison below decides, so hashing every range of a large class would be waste.
        let mut fingerprint = Fnv64::default();
        fingerprint.write(&ranges.len().to_le_bytes());
        for range in ranges.first().into_iter().chain(ranges.last()) {
            fingerprint.write(&u32::from(range.start()).to_le_bytes());
            fingerprint.write(&u32::from(range.end()).to_le_bytes());
        }
        let same = |stored: &[(char, char)]| {
            stored.len() == ranges.len()
                && stored
                    .iter()
                    .zip(ranges)
                    .all(|(&(start, end), range)| start == range.start() && end == range.end())
        };
        let bucket = self.0.entry(fingerprint.value()).or_default();
        if let Some((_, cost)) = bucket.iter().find(|(stored, _)| same(stored)) {
            return *cost;
        }
        let cost = compute(class);
        bucket.push((ranges.iter().map(|range| (range.start(), range.end())).collect(), cost));
        cost
    }
}

/// An upper bound on the memory the regex crate's Thompson compiler accounts for `hir` (the
/// number its size limit is checked against), forward with groups or reverse without, following
/// how it compiles each kind of node. With `refine`, a large Unicode class's share is measured by
/// compiling it alone (its states do not depend on where it stands) instead of counted from its
/// UTF-8 sequences. A unit test checks the bound against the compiler at the limit.
fn nfa_memory_bound(hir: &Hir, fold: bool, costs: &mut ClassCosts, refine: bool) -> u64 {
    // The unanchored prefix, the implicit group, the match state and the start states.
    nfa_cost(hir, fold, costs, refine).saturating_add(16 * NFA_STATE_BYTES + 64)
}

/// The share of [`nfa_memory_bound`] of one node; with `fold`, of the node as
/// [`fold_ascii_case`] rewrites it.
fn nfa_cost(hir: &Hir, fold: bool, costs: &mut ClassCosts, refine: bool) -> u64 {
    use regex_syntax::hir::Literal;

    const STATE: u64 = NFA_STATE_BYTES;
    const TRANSITION: u64 = NFA_TRANSITION_BYTES;
    const ALTERNATE: u64 = NFA_ALTERNATE_BYTES;
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => STATE,
        // Folded, each letter becomes a two-letter class (two states, two transitions) within a
        // concatenation.
        HirKind::Literal(Literal(literal)) if fold => {
            let letters = literal.iter().filter(|b| b.is_ascii_alphabetic()).count() as u64;
            let others = literal.len() as u64 - letters;
            STATE + letters * (2 * STATE + 2 * TRANSITION) + others.max(1) * STATE
        }
        HirKind::Literal(Literal(literal)) => literal.len().max(1) as u64 * STATE,
        HirKind::Class(Class::Bytes(class)) => 2 * STATE + class.ranges().len() as u64 * TRANSITION,
        // Folding adds at most one ASCII range per range and overlapped case of letters.
        HirKind::Class(Class::Unicode(class)) if class.is_ascii() => {
            let added = if fold { folded_ranges(class) } else { 0 };
            2 * STATE + (class.ranges().len() as u64 + added) * TRANSITION
        }
        HirKind::Class(Class::Unicode(class)) => {
            let own = if refine { costs.refined(class) } else { costs.counted(class) };
            // Each added ASCII range is a one-byte UTF-8 sequence.
            let added = if fold { folded_ranges(class) } else { 0 };
            own.saturating_add(added * (STATE + TRANSITION + ALTERNATE))
        }
        // Two capture states around the group.
        HirKind::Capture(capture) => {
            nfa_cost(&capture.sub, fold, costs, refine).saturating_add(2 * STATE)
        }
        HirKind::Concat(parts) => parts
            .iter()
            .fold(STATE, |total, part| total.saturating_add(nfa_cost(part, fold, costs, refine))),
        HirKind::Alternation(branches) => {
            // A union with an alternate per branch and an end state; an alternation of literals
            // compiles to a trie instead: at most a few states, a transition and an alternate per
            // byte and per literal.
            let count = branches.len() as u64;
            let mut literal_bytes = 0u64;
            let mut total = 2 * STATE + count * ALTERNATE;
            for branch in branches {
                if let HirKind::Literal(Literal(literal)) = branch.kind() {
                    literal_bytes += literal.len() as u64;
                }
                total = total.saturating_add(nfa_cost(branch, fold, costs, refine));
            }
            let trie = (3 * (literal_bytes + count) + 4) * STATE
                + literal_bytes * NFA_TRANSITION_BYTES
                + (literal_bytes + count) * ALTERNATE;
            total.max(trie)
        }
        HirKind::Repetition(repetition) => {
            // One copy of the body per allowed repetition (`x*`, `x+` and `x?` compile one), and
            // per copy at most a union with two alternates; a few states around them.
            let copies = u64::from(repetition.max.unwrap_or(repetition.min).max(1));
            let inner = nfa_cost(&repetition.sub, fold, costs, refine);
            copies
                .saturating_mul(inner.saturating_add(STATE + 2 * ALTERNATE))
                .saturating_add(4 * STATE + 6 * ALTERNATE)
        }
    }
}

/// How many ranges [`fold_ascii_case`] adds to `class` at most: one per range and letter case it
/// overlaps.
fn folded_ranges(class: &ClassUnicode) -> u64 {
    class
        .iter()
        .map(|range| {
            [('a', 'z'), ('A', 'Z')]
                .iter()
                .filter(|(from, to)| range.start() <= *to && *from <= range.end())
                .count() as u64
        })
        .sum()
}

/// At most one state and one transition per byte range of each UTF-8 sequence, and in reverse a
/// union with one alternate per sequence, plus a start and an end state.
fn utf8_class_cost(class: &ClassUnicode) -> u64 {
    let (mut sequences, mut ranges) = (0u64, 0u64);
    for range in class.iter() {
        for sequence in regex_syntax::utf8::Utf8Sequences::new(range.start(), range.end()) {
            sequences += 1;
            ranges += sequence.as_slice().len() as u64;
        }
    }
    (ranges + 3) * NFA_STATE_BYTES + ranges * NFA_TRANSITION_BYTES + sequences * NFA_ALTERNATE_BYTES
}

/// [`utf8_class_cost`] tightened by compiling the class alone, repeated, under smaller limits:
/// when `copies` copies fit both directions under `copies * c`, one copy costs at most `c` (the
/// copies are simply chained, and the NFA's fixed states only add).
fn measured_class_cost(class: &ClassUnicode) -> u64 {
    let counted = utf8_class_cost(class);
    let copies = (65_536 / counted).clamp(1, 1024);
    let repeated = Hir::repetition(regex_syntax::hir::Repetition {
        min: copies as u32,
        max: Some(copies as u32),
        greedy: true,
        sub: Box::new(Hir::class(Class::Unicode(class.clone()))),
    });
    let fits = |limit: u64| {
        let config = thompson::Config::new()
            .utf8(true)
            .nfa_size_limit(Some(limit as usize))
            .shrink(false)
            .which_captures(WhichCaptures::All);
        thompson::Compiler::new().configure(config.clone()).build_from_hir(&repeated).is_ok()
            && thompson::Compiler::new()
                .configure(config.which_captures(WhichCaptures::None).reverse(true))
                .build_from_hir(&repeated)
                .is_ok()
    };
    // The least 32nd of the counted cost that fits (fitting only gets easier as it grows).
    let share = |parts: u64| (counted * parts).div_ceil(32);
    let (mut low, mut high) = (0u64, 32u64);
    while high - low > 1 {
        let middle = (low + high) / 2;
        if fits(copies * share(middle)) { high = middle } else { low = middle }
    }
    share(high)
}

/// `hir` made ASCII case-insensitive: every ASCII letter in a literal becomes a two-letter class,
/// and every class that holds ASCII letters gains their other case.
fn fold_ascii_case(hir: &Hir) -> Hir {
    use regex_syntax::hir::{Capture, ClassUnicodeRange, Repetition};

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
    word_slices(text).map(str::to_string).collect()
}

/// The words of `text`, as [`words`] splits them.
pub(crate) fn word_slices(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '<' || c == '>' || c == '_'))
        .filter(|word| !word.is_empty())
}

fn template_keywords(templates: &[Vec<String>]) -> Vec<String> {
    let mut keywords = Vec::new();
    for template in templates {
        let mut candidates: Vec<&String> = template
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
pub(crate) fn derive_anchors(
    all: &[Option<Hir>],
    any: &[Option<Hir>],
) -> Option<(Vec<String>, usize)> {
    let best_all = all.iter().filter_map(required_literals).max_by_key(set_strength);
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

/// A set of lowercase literals at least one of which occurs in every match of a pattern (parsed),
/// each at least [`MIN_ANCHOR_BYTES`] long; `None` when there is no such set or no parse.
fn required_literals(parsed: &Option<Hir>) -> Option<BTreeSet<String>> {
    let set = required(parsed.as_ref()?)?;
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

/// Variables captured by `pattern` on `text`, by group name.
pub(crate) fn captures_of(
    pattern: &Pattern,
    text: &str,
    out: &mut BTreeMap<String, std::ops::Range<usize>>,
) {
    if pattern.names().is_empty() {
        return;
    }
    let regex = pattern.regex_for(text);
    if let Some(captures) = regex.captures(text) {
        for name in pattern.names() {
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
        let all: Vec<Option<Hir>> = all.iter().map(|s| parse_default(s)).collect();
        let any: Vec<Option<Hir>> = any.iter().map(|s| parse_default(s)).collect();
        derive_anchors(&all, &any).map(|(anchors, _)| anchors)
    }

    fn check(pattern: &str, case_sensitive: bool) -> Result<Pattern, String> {
        let (hir, within_nest_limit) = parse_pattern(pattern);
        check_pattern(
            pattern,
            (hir.as_ref(), within_nest_limit),
            case_sensitive,
            &mut ClassCosts::default(),
        )
    }

    #[test]
    fn cached_class_costs_are_the_counted_ones() {
        let classes: Vec<ClassUnicode> = [r"\w", r"\d", r"\pL", r"[^\w]", r"\s"]
            .iter()
            .map(|pattern| match parse_default(pattern).expect("parses").kind() {
                HirKind::Class(Class::Unicode(class)) => class.clone(),
                other => panic!("{pattern} is not a Unicode class: {other:?}"),
            })
            .collect();
        let mut costs = ClassCosts::default();
        // Twice round, so the second round answers from the cache.
        for class in classes.iter().chain(&classes) {
            assert_eq!(costs.counted(class), utf8_class_cost(class));
        }
        // `\s` has fewer ranges than the cache takes; the others are cached once each.
        let cached: usize = costs.counted.0.values().map(Vec::len).sum();
        assert_eq!(cached, 4);
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
        let pattern = check(r"Resource (?P<id>[a-c]+) not\s+found[\s\S]{0,20}?end", false).unwrap();
        assert_eq!(pattern.names(), ["id"]);
        for haystack in
            ["xx RESOURCE aBc NOT  Found ... END", "xx RESOURCE aBc NOT  Found ... é END"]
        {
            let captures = pattern.regex_for(haystack).captures(haystack).unwrap();
            assert_eq!(&captures["id"], "aBc");
        }
        assert!(
            !pattern.regex_for("Resource abd not found end").is_match("Resource abd not found end")
        );
        let sensitive = check("Resource", true).unwrap();
        assert!(!sensitive.regex_for("resource").is_match("resource"));
        assert!(check("(unclosed", false).unwrap_err().starts_with("pattern does not compile"));
        assert!(
            check(r"\w{1000}\w{1000}", true)
                .unwrap_err()
                .starts_with("pattern compiles to more than")
        );
    }

    /// Whether the regex crate's NFAs for `hir` (forward with groups, reverse without) fit the
    /// size limit.
    fn nfa_fits(hir: &Hir) -> bool {
        let config = thompson::Config::new()
            .utf8(true)
            .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
            .shrink(false)
            .which_captures(WhichCaptures::All);
        thompson::Compiler::new().configure(config.clone()).build_from_hir(hir).is_ok()
            && thompson::Compiler::new()
                .configure(config.which_captures(WhichCaptures::None).reverse(true))
                .build_from_hir(hir)
                .is_ok()
    }

    #[test]
    fn the_nfa_bound_is_an_upper_bound_at_the_limit() {
        let blocks = [
            r"[\s\S]",
            r"\w",
            r"\S",
            "x",
            "abcdefgh",
            "(?:abc|defg|hi)",
            "(?:404|500|<num>)",
            "[a-z_]",
            r"[^a]",
            r"(\d)",
            r"\b\w\b",
            r"(?:[^/]+/)?",
            r"(?:a|\w)*",
            "é",
            "[Éa-f]",
        ];
        for block in blocks {
            for shape in ["(?:{})", "(?:(?:{})*?)"] {
                for fold in [false, true] {
                    let body = shape.replace("{}", block);
                    let pattern = |n: u32| format!("{body}{{0,{n}}}?x{body}{{{n}}}");
                    let parse = |n: u32| {
                        parse_default(&pattern(n)).unwrap_or_else(|| panic!("{}", pattern(n)))
                    };
                    let compiled = |n: u32| {
                        if fold { fold_ascii_case(&parse(n)) } else { parse(n) }
                    };
                    // The smallest count whose NFAs exceed the limit.
                    let (mut low, mut high) = (1u32, 2u32);
                    while nfa_fits(&compiled(high)) {
                        (low, high) = (high, high * 2);
                    }
                    while high - low > 1 {
                        let mid = (low + high) / 2;
                        if nfa_fits(&compiled(mid)) { low = mid } else { high = mid }
                    }
                    let over =
                        nfa_memory_bound(&parse(high), fold, &mut ClassCosts::default(), false)
                            .min(nfa_memory_bound(
                                &parse(high),
                                fold,
                                &mut ClassCosts::default(),
                                true,
                            ));
                    assert!(
                        over > REGEX_SIZE_LIMIT as u64,
                        "{} (fold {fold}): bound {over} at the first count over the limit",
                        pattern(high)
                    );
                    // Loose bounds would send real patterns to the slow path.
                    let under =
                        nfa_memory_bound(&parse(low), fold, &mut ClassCosts::default(), true);
                    assert!(
                        under < 4 * REGEX_SIZE_LIMIT as u64,
                        "{} (fold {fold}): bound {under} is far above the limit",
                        pattern(low)
                    );
                }
            }
        }
    }

    #[test]
    fn printed_patterns_nest_within_the_bound() {
        let patterns = [
            r"a",
            r"(?i)abc",
            r"(?:a(?:b(?:c(?:d|e)+)*)?)",
            r"((((((((x))))))))",
            r"(?:(?:(?:ab|cd)|ef)|(?:gh|\b\w+\b))+",
            r"[a-c[^d]]{2,5}?",
            r"(?-u:\b)x(?-u:\B)",
            r"(?:x(?:y(?:z(?:[A-Z]w(?:v(?:u)?)?)*)+){2})",
        ];
        for pattern in patterns {
            let parsed = parse_default(pattern).unwrap();
            let printed = fold_ascii_case(&parsed).to_string();
            let bound = printed_depth_bound(&parsed);
            let parses = regex_syntax::ast::parse::ParserBuilder::new()
                .nest_limit(bound)
                .build()
                .parse(&printed)
                .is_ok();
            assert!(parses, "{pattern} printed as {printed} nests deeper than {bound}");
        }
    }

    #[test]
    fn finds_variables_in_fix_text() {
        assert_eq!(
            template_variables("model=\"azure/{{deployment}}\" {x} {{ not }} {{api_version}}"),
            ["deployment", "api_version"]
        );
    }
}
