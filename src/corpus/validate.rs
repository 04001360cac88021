//! Turns a parsed signature file into a [`Signature`], collecting every problem on the way.

use std::ops::Range;

use toml::Spanned;

use super::format::{ConditionsFile, SignatureFile};
use crate::error::Problem;
use crate::normalize::{HostKind, PROVIDERS};
use crate::signature::{
    Article, Conditions, CounterExample, Example, Fix, MatchRules, Relations, Signature,
    SignatureId, Tags, Versions,
};

/// Languages a fix's code block may be in.
const LANGS: &[&str] = &["python", "yaml", "bash", "json", "toml", "env", "text", "http"];

/// The longest pattern, in bytes, a signature may hold.
pub(crate) const MAX_PATTERN_BYTES: usize = 2048;
/// The shortest anchor, in bytes.
pub(crate) const MIN_ANCHOR_BYTES: usize = 3;

/// Maps byte offsets of a file to 1-based lines.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(index, _)| index + 1));
        LineIndex { starts }
    }

    pub(crate) fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|start| *start <= offset)
    }
}

struct Checker<'a> {
    file: &'a str,
    id: String,
    lines: &'a LineIndex,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn problem(
        &mut self,
        field: impl Into<String>,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) {
        let problem = Problem::new(self.file, message)
            .signature(&self.id)
            .field(field)
            .line(span.map(|span| self.lines.line(span.start)));
        self.problems.push(problem);
    }

    fn non_empty(&mut self, field: &str, value: &Spanned<String>) -> String {
        if value.get_ref().trim().is_empty() {
            self.problem(field, Some(value.span()), "expected text, found an empty string");
        }
        value.get_ref().trim().to_string()
    }

    fn ids(&mut self, field: &str, values: &[Spanned<String>]) -> Vec<SignatureId> {
        let mut ids = Vec::new();
        for (index, value) in values.iter().enumerate() {
            if SignatureId::is_valid(value.get_ref()) {
                ids.push(SignatureId::new(value.get_ref().clone()));
            } else {
                self.problem(
                    format!("{field}[{index}]"),
                    Some(value.span()),
                    format!("`{}` is not a kebab-case signature id", value.get_ref()),
                );
            }
        }
        ids
    }

    fn version(&mut self, field: &str, value: &Option<Spanned<String>>) -> Option<String> {
        let value = value.as_ref()?;
        let text = value.get_ref();
        let valid = !text.is_empty()
            && text
                .split('.')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
        if !valid {
            self.problem(
                field,
                Some(value.span()),
                format!("expected a dotted version such as `1.55.10`, found `{text}`"),
            );
        }
        Some(text.clone())
    }

    fn conditions(&mut self, field: &str, file: &ConditionsFile) -> Conditions {
        let mut conditions = Conditions::default();
        for status in &file.status {
            match u16::try_from(*status.get_ref()) {
                Ok(code) if (100..=599).contains(&code) => conditions.status.push(code),
                _ => self.problem(
                    format!("{field}.status"),
                    Some(status.span()),
                    format!("expected an HTTP status from 100 to 599, found {}", status.get_ref()),
                ),
            }
        }
        for provider in &file.provider {
            if PROVIDERS.contains(&provider.get_ref().as_str()) {
                conditions.provider.push(provider.get_ref().clone());
            } else {
                self.problem(
                    format!("{field}.provider"),
                    Some(provider.span()),
                    format!(
                        "unknown provider `{}`; expected one of {}",
                        provider.get_ref(),
                        PROVIDERS.join(", ")
                    ),
                );
            }
        }
        for host in &file.url_host {
            let name = host.get_ref();
            let is_host_name = name.contains('.')
                && name.split('.').all(|part| {
                    !part.is_empty()
                        && part
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                });
            match HostKind::from_name(name) {
                Some(kind) => conditions.url_host.push(kind),
                None if is_host_name => conditions.url_host_names.push(name.clone()),
                None => self.problem(
                    format!("{field}.url_host"),
                    Some(host.span()),
                    format!("`{}` is neither a host kind nor a lowercase host name such as `binaries.prisma.sh`", host.get_ref()),
                ),
            }
        }
        if let Some(path) = &file.url_path {
            conditions.url_path = Some(self.pattern(&format!("{field}.url_path"), path));
        }
        conditions
    }

    fn pattern(&mut self, field: &str, value: &Spanned<String>) -> String {
        let text = value.get_ref();
        if text.is_empty() {
            self.problem(field, Some(value.span()), "expected a regex, found an empty string");
        } else if text.len() > MAX_PATTERN_BYTES {
            self.problem(
                field,
                Some(value.span()),
                format!("pattern is {} bytes; the limit is {MAX_PATTERN_BYTES}", text.len()),
            );
        }
        text.clone()
    }

    fn patterns(&mut self, field: &str, values: &[Spanned<String>]) -> Vec<String> {
        values
            .iter()
            .enumerate()
            .map(|(index, value)| self.pattern(&format!("{field}[{index}]"), value))
            .collect()
    }
}

/// Validates one parsed file named `file` (relative path) with source `text`.
pub(crate) fn validate(
    file: &str,
    text: &str,
    parsed: SignatureFile,
) -> Result<Signature, Vec<Problem>> {
    let lines = LineIndex::new(text);
    let mut check =
        Checker { file, id: parsed.id.get_ref().clone(), lines: &lines, problems: Vec::new() };

    let id = parsed.id.get_ref().clone();
    if !SignatureId::is_valid(&id) {
        check.problem(
            "id",
            Some(parsed.id.span()),
            format!("`{id}` is not kebab-case (`[a-z0-9]+(-[a-z0-9]+)*`)"),
        );
    }
    let stem = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".toml");
    if stem != id {
        check.problem(
            "id",
            Some(parsed.id.span()),
            format!("id `{id}` must equal the file stem `{stem}`"),
        );
    }
    let title = check.non_empty("title", &parsed.title);
    if title.chars().count() > 120 {
        check.problem(
            "title",
            Some(parsed.title.span()),
            format!("title is {} characters; the limit is 120", title.chars().count()),
        );
    }
    if parsed.sources.is_empty() {
        check.problem(
            "sources",
            None,
            "expected at least one source where the error text was observed",
        );
    }
    let sources: Vec<String> =
        parsed.sources.iter().map(|source| check.non_empty("sources", source)).collect();

    let tool = check.non_empty("tags.tool", &parsed.tags.tool);
    if !SignatureId::is_valid(&tool) {
        check.problem(
            "tags.tool",
            Some(parsed.tags.tool.span()),
            format!("`{tool}` is not kebab-case"),
        );
    }
    let mut providers = Vec::new();
    for provider in &parsed.tags.providers {
        if PROVIDERS.contains(&provider.get_ref().as_str()) {
            providers.push(provider.get_ref().clone());
        } else {
            check.problem(
                "tags.providers",
                Some(provider.span()),
                format!(
                    "unknown provider `{}`; expected one of {}",
                    provider.get_ref(),
                    PROVIDERS.join(", ")
                ),
            );
        }
    }
    let area = parsed.tags.area.get_ref().clone();
    if !Tags::AREAS.contains(&area.as_str()) {
        check.problem(
            "tags.area",
            Some(parsed.tags.area.span()),
            format!("unknown area `{area}`; expected one of {}", Tags::AREAS.join(", ")),
        );
    }

    let rules_file = &parsed.rules;
    if rules_file.all.is_empty() && rules_file.any.is_empty() {
        check.problem("match", None, "expected at least one pattern in `all` or `any`");
    }
    let mut anchors = Vec::new();
    for (index, anchor) in rules_file.anchors.iter().enumerate() {
        if anchor.get_ref().len() < MIN_ANCHOR_BYTES {
            check.problem(
                format!("match.anchors[{index}]"),
                Some(anchor.span()),
                format!("anchor `{}` is shorter than {MIN_ANCHOR_BYTES} bytes", anchor.get_ref()),
            );
        }
        anchors.push(anchor.get_ref().clone());
    }
    let mut templates = Vec::new();
    for (index, template) in rules_file.templates.iter().enumerate() {
        let text = template.get_ref().trim();
        if text.split_whitespace().count() < 3 {
            check.problem(
                format!("match.templates[{index}]"),
                Some(template.span()),
                "a template needs at least 3 words to compare",
            );
        }
        templates.push(text.to_string());
    }
    let rules = MatchRules {
        anchors,
        all: check.patterns("match.all", &rules_file.all),
        any: check.patterns("match.any", &rules_file.any),
        none: check.patterns("match.none", &rules_file.none),
        case_sensitive: rules_file.case_sensitive,
        templates,
        require: check.conditions("match.require", &rules_file.require),
        boost: check.conditions("match.boost", &rules_file.boost),
    };

    let relations = Relations {
        causes: check.ids("relations.causes", &parsed.relations.causes),
        symptom_of: check.ids("relations.symptom_of", &parsed.relations.symptom_of),
        related: check.ids("relations.related", &parsed.relations.related),
    };
    let versions = Versions {
        tool: parsed.versions.tool.as_ref().map(|tool| tool.get_ref().clone()),
        introduced: check.version("versions.introduced", &parsed.versions.introduced),
        fixed_in: check.version("versions.fixed_in", &parsed.versions.fixed_in),
        note: parsed.versions.note.as_ref().map(|note| note.get_ref().trim().to_string()),
    };

    let article_file = &parsed.article;
    let summary = check.non_empty("article.summary", &article_file.summary);
    let verify = check.non_empty("article.verify", &article_file.verify);
    if article_file.causes.is_empty() {
        check.problem("article.causes", None, "expected at least one cause");
    }
    let causes =
        article_file.causes.iter().map(|cause| check.non_empty("article.causes", cause)).collect();
    if article_file.fixes.is_empty() {
        check.problem("article.fix", None, "expected at least one [[article.fix]]");
    }
    let mut fixes = Vec::new();
    for (index, fix) in article_file.fixes.iter().enumerate() {
        let span = fix.span();
        let fix = fix.get_ref();
        if fix.title.trim().is_empty() {
            check.problem(
                format!("article.fix[{index}].title"),
                Some(span.clone()),
                "expected a title",
            );
        }
        match (&fix.code, &fix.lang) {
            (Some(_), None) => check.problem(
                format!("article.fix[{index}].lang"),
                Some(span.clone()),
                format!("a fix with `code` needs `lang`, one of {}", LANGS.join(", ")),
            ),
            (_, Some(lang)) if !LANGS.contains(&lang.as_str()) => check.problem(
                format!("article.fix[{index}].lang"),
                Some(span.clone()),
                format!("unknown lang `{lang}`; expected one of {}", LANGS.join(", ")),
            ),
            _ => {}
        }
        if fix.body.is_none() && fix.code.is_none() {
            check.problem(
                format!("article.fix[{index}]"),
                Some(span),
                "a fix needs a `body` or `code`",
            );
        }
        fixes.push(Fix {
            title: fix.title.trim().to_string(),
            body: fix.body.as_ref().map(|body| body.trim().to_string()),
            code: fix.code.as_ref().map(|code| code.trim_matches('\n').to_string()),
            lang: fix.lang.clone(),
        });
    }

    if parsed.examples.is_empty() {
        check.problem("example", None, "expected at least one [[example]] that must match");
    }
    if parsed.counter_examples.is_empty() {
        check.problem(
            "counter_example",
            None,
            "expected at least one [[counter_example]] near miss",
        );
    }
    let mut examples = Vec::new();
    for (index, example) in parsed.examples.iter().enumerate() {
        let line = Some(lines.line(example.span().start));
        let example = example.get_ref();
        let rank = match example.rank {
            None => 1,
            Some(rank) if rank >= 1 => rank as usize,
            Some(rank) => {
                check.problem(
                    format!("example[{}].rank", index + 1),
                    None,
                    format!("expected a rank of 1 or more, found {rank}"),
                );
                1
            }
        };
        if example.text.trim().is_empty() {
            check.problem(
                format!("example[{}].text", index + 1),
                None,
                "expected log text, found an empty string",
            );
        }
        examples.push(Example {
            text: example.text.clone(),
            rank,
            variables: example.variables.clone(),
            note: example.note.clone(),
            line,
        });
    }
    let counter_examples = parsed
        .counter_examples
        .iter()
        .map(|counter| CounterExample {
            text: counter.get_ref().text.clone(),
            note: counter.get_ref().note.clone(),
            line: Some(lines.line(counter.span().start)),
        })
        .collect();

    if !check.problems.is_empty() {
        return Err(check.problems);
    }
    Ok(Signature {
        id: SignatureId::new(id),
        file: file.to_string(),
        title,
        sources,
        tags: Tags { tool, providers, area },
        rules,
        relations,
        versions,
        article: Article { summary, causes, fixes, verify },
        examples,
        counter_examples,
    })
}
