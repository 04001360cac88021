//! The pages, as maud templates: every value is HTML-escaped by construction.

use std::collections::BTreeMap;
use std::sync::Arc;

use maud::{DOCTYPE, Markup, html};

use super::assets;
use super::render::{self, inline, markdown, percent, placeholders};
use crate::{Engine, Match, MatchKind, MatchReport, Signature, SuggestionSource, Verdict};

/// What every page shows about the service.
#[derive(Debug, Clone)]
pub(super) struct Site {
    pub(super) corpus_version: String,
    pub(super) signatures: usize,
    pub(super) max_body_bytes: usize,
}

/// What `POST /diagnose` came to.
#[derive(Debug)]
pub(super) enum Diagnosis<'a> {
    /// The log was matched; `log` is the text as received (only used to place highlights on the
    /// engine's redacted lines, never shown itself).
    Report { log: &'a str, report: &'a MatchReport },
    /// The form was sent blank.
    Empty,
    /// Over the body limit.
    TooLarge,
    /// Not a form or text body, or not readable.
    Unreadable,
}

/// The filters of the signature index.
#[derive(Debug, Default)]
pub(super) struct IndexFilter {
    pub(super) q: Option<String>,
    pub(super) tool: Option<String>,
    pub(super) provider: Option<String>,
    pub(super) area: Option<String>,
    pub(super) tag: Option<String>,
}

impl IndexFilter {
    fn keeps(&self, signature: &Signature) -> bool {
        let tags = signature.tags();
        self.tool.as_ref().is_none_or(|tool| tags.tool == *tool)
            && self.provider.as_ref().is_none_or(|provider| tags.providers.contains(provider))
            && self.area.as_ref().is_none_or(|area| tags.area == *area)
            && self.tag.as_ref().is_none_or(|tag| {
                tags.tool == *tag || tags.area == *tag || tags.providers.contains(tag)
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nav {
    Diagnose,
    Signatures,
}

fn layout(site: &Site, title: &str, nav: Nav, main: Markup) -> Markup {
    let current = |item: Nav| (item == nav).then_some("page");
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                title { (title) " · errsig" }
                link rel="stylesheet" href=(assets::url("style.css"));
                link rel="icon" type="image/svg+xml" href=(assets::url("icon.svg"));
                script src=(assets::url("app.js")) defer {}
            }
            body {
                a.skip href="#main" { "Skip to the content" }
                header.site {
                    nav.bar aria-label="Main" {
                        a.brand href="/" { "errsig" }
                        ul {
                            li { a href="/" aria-current=[current(Nav::Diagnose)] { "Diagnose" } }
                            li { a href="/signatures" aria-current=[current(Nav::Signatures)] { "Known problems" } }
                        }
                    }
                }
                main #main tabindex="-1" { (main) }
                footer.site {
                    p {
                        "errsig " (env!("CARGO_PKG_VERSION"))
                        @if site.signatures > 0 {
                            " · " (site.signatures) " known problems · corpus " code { (site.corpus_version) }
                        }
                    }
                    p { "Nothing you paste is stored or logged. This page loads nothing from other sites." }
                }
            }
        }
    }
}

/// `/`: the paste form, with the results of a form post below it.
pub(super) fn home(site: &Site, diagnosis: Option<&Diagnosis<'_>>) -> Markup {
    let limit = mebibytes(site.max_body_bytes);
    let title = match diagnosis {
        Some(Diagnosis::Report { report, .. }) if report.verdict() == Verdict::Matched => {
            format!("{} found", count(report.matches().len(), "known problem", "known problems"))
        }
        Some(Diagnosis::Report { .. }) => "No confident match".to_string(),
        Some(_) => "Nothing diagnosed".to_string(),
        None => "Diagnose an LLM error log".to_string(),
    };
    let main = html! {
        h1 { "Diagnose an LLM error log" }
        p.lead {
            "Paste the error output of LiteLLM (SDK or proxy), Azure OpenAI, OpenAI, Anthropic, "
            "AWS Bedrock, Vertex AI, OpenRouter, Ollama or an OpenAI-compatible server. "
            "errsig names the known problem, shows where it is in your log and how to fix it."
        }
        form #diagnose-form method="post" action="/diagnose#results" data-max-bytes=(site.max_body_bytes) {
            label for="log" { "Log text" }
            p #log-hint .hint {
                "A traceback, a proxy log or an error message, up to " (limit) ". "
                "API keys, tokens and passwords are removed before matching; nothing is stored."
            }
            textarea #log name="log" rows="12" required spellcheck="false" autocomplete="off"
                autocapitalize="off" aria-describedby="log-hint" {}
            div.file-row data-js-only hidden {
                label for="log-file" { "Or open a log file" }
                input #log-file type="file" accept=".log,.txt,.json,.out,.err,text/*,application/json";
                span.hint { "You can also drop a file on the text box." }
            }
            div.actions {
                button.primary type="submit" { "Diagnose" }
                span.hint data-js-only hidden { kbd { "Ctrl" } "+" kbd { "Enter" } " also diagnoses." }
                p #form-status .status role="status" aria-live="polite" {}
            }
        }
        div #results-slot {
            @if let Some(diagnosis) = diagnosis {
                (results(site, diagnosis))
            }
        }
    };
    layout(site, &title, Nav::Diagnose, main)
}

/// The results section, alone (what the page's script puts in place) or inside the home page.
pub(super) fn results(site: &Site, diagnosis: &Diagnosis<'_>) -> Markup {
    html! {
        section #results .results aria-labelledby="results-title" tabindex="-1" {
            @match diagnosis {
                Diagnosis::Report { log, report } => (report_view(site, log, report)),
                Diagnosis::Empty => {
                    h2 #results-title { "Nothing to diagnose" }
                    p { "The log was empty. Paste the error output into the box and press Diagnose." }
                }
                Diagnosis::TooLarge => {
                    h2 #results-title { "The log is too large" }
                    p {
                        "errsig reads up to " (mebibytes(site.max_body_bytes)) " at once. "
                        "Paste the part around the error: the traceback, or the last lines before it failed."
                    }
                }
                Diagnosis::Unreadable => {
                    h2 #results-title { "The log could not be read" }
                    p { "Send it with the form on this page, as text." }
                }
            }
        }
    }
}

fn report_view(site: &Site, log: &str, report: &MatchReport) -> Markup {
    let input = report.input();
    let redacted = render::redaction_words(report.redactions());
    html! {
        @match report.verdict() {
            Verdict::Matched => h2 #results-title {
                (count(report.matches().len(), "known problem", "known problems")) " found"
            },
            Verdict::EmptyInput => h2 #results-title { "Nothing to diagnose" },
            _ => h2 #results-title { "No confident match" },
        }
        p.privacy {
            @match &redacted {
                Some(words) => { strong { (words) } " removed before matching; nothing is stored." }
                None => "No secrets found in the log; nothing is stored.",
            }
        }
        @if input.lossy_utf8 {
            p.note { "The log was not valid UTF-8; the invalid bytes were replaced before matching." }
        }
        @if let Some(truncated) = input.truncated {
            p.note {
                "The log was long: the first " (kib(truncated.head_bytes)) " and the last "
                (kib(truncated.tail_bytes)) " were matched, " (kib(truncated.skipped_bytes))
                " in the middle were skipped."
            }
        }
        @match report.verdict() {
            Verdict::Matched => {
                ol.matches {
                    @for (rank, found) in report.matches().iter().enumerate() {
                        li { (match_view(rank, found, log, report)) }
                    }
                }
            }
            Verdict::EmptyInput => p { "The log held no text to match. Paste the error output and press Diagnose." },
            _ => (no_match_view(site, report)),
        }
    }
}

fn match_view(rank: usize, found: &Match, log: &str, report: &MatchReport) -> Markup {
    let signature = found.signature();
    let id = signature.id().as_str();
    let key = format!("m{}", rank + 1);
    let confidence = found.confidence().value();
    let kind = match found.kind() {
        MatchKind::Verified => "its patterns matched".to_string(),
        MatchKind::Fuzzy { similarity } => {
            format!("similar wording ({} alike), not an exact pattern", percent(similarity as f32))
        }
    };
    let lines: Vec<String> = found
        .occurrences()
        .iter()
        .map(|occurrence| match occurrence.line_range() {
            (first, last) if first == last => first.to_string(),
            (first, last) => format!("{first}–{last}"),
        })
        .collect();
    let article = found.article();
    let details = html! {
        section.part aria-labelledby=(format!("{key}-means")) {
            h4 #(format!("{key}-means")) { "What it means" }
            (markdown(&article.summary))
        }
        section.part aria-labelledby=(format!("{key}-fix")) {
            h4 #(format!("{key}-fix")) { "How to fix it" }
            (fixes(&article.fixes, &key))
        }
        @if !found.variables().is_empty() {
            section.part aria-labelledby=(format!("{key}-vars")) {
                h4 #(format!("{key}-vars")) { "Captured from your log" }
                dl.vars {
                    @for (name, value) in found.variables() {
                        dt { code { (name) } }
                        dd { code { (value) } }
                    }
                }
            }
        }
        section.part aria-labelledby=(format!("{key}-verify")) {
            h4 #(format!("{key}-verify")) { "How to verify" }
            (markdown(&article.verify))
        }
        (why(found))
        p.more { a href=(format!("/signatures/{id}")) { "Read the whole article" span.vh { ": " (signature.title()) } } }
    };
    html! {
        article.match aria-labelledby=(format!("{key}-title")) {
            div.match-head {
                h3 #(format!("{key}-title")) {
                    span.rank { (rank + 1) "." }
                    " "
                    a href=(format!("/signatures/{id}")) { (signature.title()) }
                }
                p.meta {
                    code { (id) } " · " (tool_name(&signature.tags().tool))
                    @for provider in &signature.tags().providers { " · " (provider_name(provider)) }
                }
                div.confidence {
                    span #(format!("{key}-conf")) { "Confidence " strong { (percent(confidence)) } }
                    meter value=(format!("{confidence:.3}")) min="0" max="1" low="0.5" high="0.75"
                        optimum="1" aria-labelledby=(format!("{key}-conf")) { (percent(confidence)) }
                    span.kind { (kind) }
                }
            }
            section.part aria-labelledby=(format!("{key}-where")) {
                h4 #(format!("{key}-where")) { "Where it shows in your log" }
                p.hint {
                    "Seen " (count(found.occurrence_count(), "time", "times")) " (line "
                    (lines.join(", ")) "). The matched text is highlighted."
                }
                div.log {
                    @for occurrence in found.occurrences().iter().take(2) {
                        @for (number, shown) in occurrence.lines() {
                            div.line {
                                span.ln { span.vh { "line " } (number) }
                                span.text {
                                    @for segment in render::line_segments(log, report.redactions(), occurrence, *number, shown) {
                                        @if segment.marked && segment.secret {
                                            mark { span.secret title="a secret, removed" { (segment.text) } }
                                        } @else if segment.marked {
                                            mark { (segment.text) }
                                        } @else if segment.secret {
                                            span.secret title="a secret, removed" { (segment.text) }
                                        } @else {
                                            (segment.text)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if rank == 0 {
                (details)
            } @else {
                details.more-details {
                    summary { "What it means and how to fix it" }
                    (details)
                }
            }
        }
    }
}

fn why(found: &Match) -> Markup {
    let explanation = found.explanation();
    html! {
        details.why {
            summary { "Why errsig matched this" }
            ul {
                @if !explanation.anchors().is_empty() {
                    li { "Key phrases found: "
                        @for (index, anchor) in explanation.anchors().iter().enumerate() {
                            @if index > 0 { ", " }
                            code { (anchor) }
                        }
                    }
                }
                li { "Specificity of the signature: " (percent(explanation.specificity())) }
                @if explanation.boost_total() > 0 {
                    li {
                        "Supporting evidence: " (explanation.boosts().len()) " of " (explanation.boost_total())
                        @if !explanation.boosts().is_empty() { " (" (explanation.boosts().join(", ")) ")" }
                    }
                }
                @if explanation.in_final_exception() {
                    li { "Found in the final exception of the traceback, where the root cause is." }
                }
                @if let Some(cause) = explanation.ranked_below() {
                    li { "Ranked below its cause, " a href=(format!("/signatures/{cause}")) { code { (cause) } } "." }
                }
            }
        }
    }
}

fn no_match_view(site: &Site, report: &MatchReport) -> Markup {
    html! {
        p {
            "None of the " (site.signatures) " known problems matched this log with a confidence of "
            (percent(report.min_confidence().value())) " or more, so errsig does not guess."
        }
        @if report.suggestions().is_empty() {
            p { "No article is close either." }
        } @else {
            h3 { "Nearest articles" }
            p.hint { "These share words with the log but did not match it; read them with care." }
            ul.suggestions {
                @for suggestion in report.suggestions() {
                    li {
                        a href=(format!("/signatures/{}", suggestion.signature_id())) { (suggestion.signature().title()) }
                        " "
                        span.muted {
                            @match suggestion.source() {
                                SuggestionSource::BelowThreshold => { "(a weak match: " (percent(suggestion.confidence().value())) ")" }
                                _ => "(similar words)",
                            }
                        }
                    }
                }
            }
        }
        p {
            "Check that the paste holds the error message itself, or "
            a href="/signatures" { "search the known problems" } " for a word from the error."
        }
    }
}

/// A fix list, for a match (variables filled in) or an article (placeholders).
fn fixes(fixes: &[crate::Fix], key: &str) -> Markup {
    html! {
        ol.fixes {
            @for (index, fix) in fixes.iter().enumerate() {
                li {
                    p.fix-title { strong { (inline(&fix.title)) } }
                    @if let Some(body) = &fix.body { (markdown(body)) }
                    @if let Some(code) = &fix.code {
                        (code_block(code, fix.lang.as_deref(), &format!("{key}-fix{}", index + 1), index + 1))
                    }
                }
            }
        }
    }
}

fn code_block(code: &str, lang: Option<&str>, id: &str, number: usize) -> Markup {
    let label = match lang {
        Some(lang) => format!("Copy the {lang} code of step {number}"),
        None => format!("Copy the code of step {number}"),
    };
    html! {
        div.code-block data-copy-label=(label) {
            @if let Some(lang) = lang { span.lang { (lang) } }
            pre.code #(id) tabindex="0" {
                code class=[lang.map(|lang| format!("language-{lang}"))] { (code.trim_matches('\n')) }
            }
        }
    }
}

/// `/signatures`: every article grouped by tool and provider, with filters and search.
pub(super) fn signature_index(
    site: &Site,
    signatures: &[Arc<Signature>],
    filter: &IndexFilter,
    hits: Option<&[Arc<Signature>]>,
) -> Markup {
    let mut tools: BTreeMap<&str, usize> = BTreeMap::new();
    let mut providers: BTreeMap<&str, usize> = BTreeMap::new();
    let mut areas: BTreeMap<&str, usize> = BTreeMap::new();
    for signature in signatures {
        let tags = signature.tags();
        *tools.entry(&tags.tool).or_default() += 1;
        *areas.entry(&tags.area).or_default() += 1;
        for provider in &tags.providers {
            *providers.entry(provider).or_default() += 1;
        }
    }
    let shown: Vec<&Arc<Signature>> = match hits {
        Some(hits) => hits.iter().filter(|s| filter.keeps(s)).collect(),
        None => signatures.iter().filter(|s| filter.keeps(s)).collect(),
    };
    let groups = group(&shown);
    let filtered = filter.tool.is_some()
        || filter.provider.is_some()
        || filter.area.is_some()
        || filter.tag.is_some()
        || filter.q.is_some();
    let main = html! {
        h1 { "Known problems" }
        p.lead {
            (site.signatures) " errors that errsig recognises, each with an article: what it means, "
            "its causes, the fixes and how to check them."
        }
        form.filters method="get" action="/signatures" role="search" aria-label="Known problems" {
            div.field.search {
                label for="q" { "Search the articles" }
                input #q type="search" name="q" value=[filter.q.as_deref()] placeholder="e.g. Resource not found";
            }
            (select("tool", "Tool", "Any tool", &tools, filter.tool.as_deref(), tool_name))
            (select("provider", "Provider", "Any provider", &providers, filter.provider.as_deref(), provider_name))
            (select("area", "Area", "Any area", &areas, filter.area.as_deref(), |area: &str| area.to_string()))
            @if let Some(tag) = &filter.tag { input type="hidden" name="tag" value=(tag); }
            div.actions {
                button.primary type="submit" { "Search" }
                @if filtered { a.button href="/signatures" { "Show all" } }
            }
        }
        @if let Some(q) = &filter.q {
            h2 #found { (count(shown.len(), "article matches", "articles match")) " “" (q) "”" }
            @if shown.is_empty() {
                p { "Try other words from the error message, or fewer filters." }
            } @else {
                p.hint { "Best matches first (BM25 over titles and articles)." }
                ol.sig-list {
                    @for signature in &shown { li { (summary_item(signature)) } }
                }
            }
        } @else {
            p.count {
                @if filtered { (shown.len()) " of " (signatures.len()) " shown." }
                @else { "Grouped by the tool that prints the error, then by provider." }
            }
            @if groups.len() > 1 {
                nav.toc aria-label="Tools" {
                    ul {
                        @for (tool, by_provider) in &groups {
                            li { a href=(format!("#tool-{tool}")) { (tool_name(tool)) } " (" (by_provider.iter().map(|(_, list)| list.len()).sum::<usize>()) ")" }
                        }
                    }
                }
            }
            @for (tool, by_provider) in &groups {
                section.group aria-labelledby=(format!("tool-{tool}")) {
                    h2 #(format!("tool-{tool}")) { (tool_name(tool)) }
                    @for (provider, list) in by_provider {
                        h3 { @match provider { Some(provider) => (provider_name(provider)), None => "Any provider" } }
                        ul.sig-list {
                            @for signature in list { li { (summary_item(signature)) } }
                        }
                    }
                }
            }
            @if shown.is_empty() { p { "No article has these tags." } }
        }
    };
    let title = match &filter.q {
        Some(q) => format!("Known problems matching “{q}”"),
        None => "Known problems".to_string(),
    };
    layout(site, &title, Nav::Signatures, main)
}

/// Signatures by tool, then by first provider; larger groups first, "any provider" last in its
/// tool, ties by name; signatures keep their order (by id).
type Groups<'a> = Vec<(&'a str, Vec<(Option<&'a str>, Vec<&'a Signature>)>)>;

fn group<'a>(signatures: &[&'a Arc<Signature>]) -> Groups<'a> {
    let mut tools: BTreeMap<&str, BTreeMap<Option<&str>, Vec<&Signature>>> = BTreeMap::new();
    for signature in signatures {
        let tags = signature.tags();
        let provider = tags.providers.first().map(String::as_str);
        tools.entry(&tags.tool).or_default().entry(provider).or_default().push(signature);
    }
    let mut groups: Groups<'a> = tools
        .into_iter()
        .map(|(tool, providers)| {
            let mut providers: Vec<_> = providers.into_iter().collect();
            providers.sort_by_key(|(provider, list)| {
                (provider.is_none(), std::cmp::Reverse(list.len()))
            });
            (tool, providers)
        })
        .collect();
    groups.sort_by_key(|(_, providers)| {
        std::cmp::Reverse(providers.iter().map(|(_, list)| list.len()).sum::<usize>())
    });
    groups
}

fn select(
    name: &str,
    label: &str,
    any: &str,
    values: &BTreeMap<&str, usize>,
    selected: Option<&str>,
    display: impl Fn(&str) -> String,
) -> Markup {
    html! {
        div.field {
            label for=(name) { (label) }
            select #(name) name=(name) {
                option value="" { (any) }
                @for (value, n) in values {
                    option value=(value) selected[selected == Some(*value)] { (display(value)) " (" (n) ")" }
                }
            }
        }
    }
}

fn summary_item(signature: &Signature) -> Markup {
    let tags = signature.tags();
    html! {
        a href=(format!("/signatures/{}", signature.id())) { (signature.title()) }
        span.tags {
            span.tag { (tags.area) }
            @for provider in &tags.providers { " " span.tag { (provider_name(provider)) } }
        }
    }
}

/// `/signatures/{id}`: the whole article; works without JavaScript.
pub(super) fn article(site: &Site, engine: &Engine, signature: &Signature) -> Markup {
    let article = signature.article();
    let tags = signature.tags();
    let versions = signature.versions();
    let relations = signature.relations();
    let fixes_shown: Vec<crate::Fix> = article
        .fixes
        .iter()
        .map(|fix| crate::Fix {
            title: fix.title.clone(),
            body: fix.body.as_deref().map(placeholders),
            code: fix.code.as_deref().map(placeholders),
            lang: fix.lang.clone(),
        })
        .collect();
    let related: Vec<(&str, &crate::SignatureId)> = relations
        .symptom_of
        .iter()
        .map(|id| ("Can be caused by", id))
        .chain(relations.causes.iter().map(|id| ("Can cause", id)))
        .chain(relations.related.iter().map(|id| ("See also", id)))
        .collect();
    let has_versions =
        versions.introduced.is_some() || versions.fixed_in.is_some() || versions.note.is_some();
    let main = html! {
        nav.crumbs aria-label="Breadcrumb" {
            a href="/signatures" { "Known problems" } " › "
            a href=(format!("/signatures?tool={}", tags.tool)) { (tool_name(&tags.tool)) }
        }
        h1 { (signature.title()) }
        p.meta {
            code { (signature.id()) } " · area " a href=(format!("/signatures?area={}", tags.area)) { (tags.area) }
            @for provider in &tags.providers {
                " · " a href=(format!("/signatures?provider={provider}")) { (provider_name(provider)) }
            }
        }
        section aria-labelledby="means" {
            h2 #means { "What it means" }
            (markdown(&placeholders(&article.summary)))
        }
        section aria-labelledby="causes" {
            h2 #causes { "Causes" }
            ul { @for cause in &article.causes { li { (inline(&placeholders(cause))) } } }
        }
        section aria-labelledby="fixes" {
            h2 #fixes { "How to fix it" }
            (fixes(&fixes_shown, "a"))
        }
        section aria-labelledby="verify" {
            h2 #verify { "How to verify" }
            (markdown(&placeholders(&article.verify)))
        }
        @if has_versions {
            section aria-labelledby="versions" {
                h2 #versions { "Versions" }
                dl.vars {
                    @if let Some(tool) = &versions.tool { dt { "Tool" } dd { (tool) } }
                    @if let Some(introduced) = &versions.introduced { dt { "First affected" } dd { (introduced) } }
                    @if let Some(fixed) = &versions.fixed_in { dt { "Fixed in" } dd { (fixed) } }
                }
                @if let Some(note) = &versions.note { (markdown(note)) }
            }
        }
        section aria-labelledby="sources" {
            h2 #sources { "Sources" }
            ul.sources {
                @for source in signature.sources() {
                    li {
                        @if source.starts_with("https://") || source.starts_with("http://") {
                            a href=(source) rel="noopener noreferrer" { (source) }
                        } @else {
                            (source)
                        }
                    }
                }
            }
        }
        @if !related.is_empty() {
            section aria-labelledby="related" {
                h2 #related { "Related problems" }
                ul {
                    @for (how, id) in &related {
                        li {
                            span.muted { (how) ": " }
                            @match engine.signature(id.as_str()) {
                                Some(other) => a href=(format!("/signatures/{id}")) { (other.title()) },
                                None => code { (id) },
                            }
                        }
                    }
                }
            }
        }
        p.api {
            "The same article as JSON: "
            code { "curl -H 'Accept: application/json' …/signatures/" (signature.id()) }
        }
    };
    layout(site, signature.title(), Nav::Signatures, main)
}

/// The 404 page, with the nearest articles when the id was a guess.
pub(super) fn not_found(site: &Site, nearest: Option<&[Arc<Signature>]>) -> Markup {
    let main = html! {
        h1 { "Not found" }
        p { "There is no known problem at this address." }
        @if let Some(nearest) = nearest.filter(|list| !list.is_empty()) {
            h2 { "Perhaps one of these" }
            ul.sig-list { @for signature in nearest { li { (summary_item(signature)) } } }
        }
        p { a href="/signatures" { "Browse all known problems" } " or " a href="/" { "diagnose a log" } "." }
    };
    layout(site, "Not found", Nav::Signatures, main)
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn mebibytes(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        kib(bytes)
    }
}

fn kib(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

fn tool_name(tool: &str) -> String {
    match tool {
        "litellm" => "LiteLLM SDK".to_string(),
        "litellm-proxy" => "LiteLLM proxy".to_string(),
        "openai-python" => "OpenAI Python SDK".to_string(),
        "anthropic-python" => "Anthropic Python SDK".to_string(),
        "ollama" => "Ollama".to_string(),
        "lm-studio" => "LM Studio".to_string(),
        "llama-cpp" => "llama.cpp".to_string(),
        other => other.to_string(),
    }
}

fn provider_name(provider: &str) -> String {
    match provider {
        "azure" => "Azure OpenAI",
        "openai" => "OpenAI",
        "anthropic" => "Anthropic",
        "bedrock" => "AWS Bedrock",
        "vertex-ai" => "Vertex AI",
        "gemini" => "Gemini",
        "openrouter" => "OpenRouter",
        "ollama" => "Ollama",
        "openai-compatible" => "OpenAI-compatible",
        "vllm" => "vLLM",
        "deepseek" => "DeepSeek",
        "groq" => "Groq",
        "huggingface" => "Hugging Face",
        "mistral" => "Mistral",
        "cohere" => "Cohere",
        other => return other.to_string(),
    }
    .to_string()
}
