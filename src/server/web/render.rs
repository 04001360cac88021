//! Pieces of pages: article Markdown, matched lines with their spans, the redaction note.

use std::collections::BTreeMap;

use maud::{Markup, html};

use crate::{Occurrence, Redaction};

/// The Markdown that articles use: paragraphs split by blank lines (a single line break is a
/// space, since articles put one sentence per line), `code`, **strong** and *emphasis*.
pub(super) fn markdown(text: &str) -> Markup {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|paragraph| paragraph.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .collect();
    html! {
        @for paragraph in &paragraphs {
            p { (inline(paragraph)) }
        }
    }
}

/// One line of article Markdown, without a paragraph around it.
pub(super) fn inline(text: &str) -> Markup {
    let pieces = parse_inline(text);
    render_inline(&pieces)
}

#[derive(Debug, PartialEq)]
enum Inline {
    Text(String),
    Code(String),
    Strong(Vec<Inline>),
    Emphasis(Vec<Inline>),
}

fn parse_inline(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let parsed = match c {
            '`' => {
                rest[1..].find('`').map(|end| (Inline::Code(rest[1..1 + end].to_string()), 2 + end))
            }
            '*' if rest.starts_with("**") => find_outside_code(&rest[2..], "**")
                .filter(|end| *end > 0)
                .map(|end| (Inline::Strong(parse_inline(&rest[2..2 + end])), 4 + end)),
            '*' => {
                let after = &rest[1..];
                let opens = after
                    .chars()
                    .next()
                    .is_some_and(|next| next.is_alphanumeric() || matches!(next, '`' | '"' | '\''));
                let previous_is_word = plain.chars().last().is_some_and(char::is_alphanumeric);
                find_outside_code(after, "*")
                    .filter(|end| {
                        opens
                            && !previous_is_word
                            && !after[..*end].ends_with(char::is_whitespace)
                            && !after[end + 1..].starts_with(char::is_alphanumeric)
                    })
                    .map(|end| (Inline::Emphasis(parse_inline(&after[..end])), 2 + end))
            }
            _ => None,
        };
        match parsed {
            Some((piece, length)) => {
                if !plain.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut plain)));
                }
                out.push(piece);
                rest = &rest[length..];
            }
            None => {
                plain.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

/// The first `delimiter` in `text` that is not inside a code span (code binds tighter).
fn find_outside_code(text: &str, delimiter: &str) -> Option<usize> {
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        if rest.starts_with(delimiter) {
            return Some(at);
        }
        if let Some(end) = rest.strip_prefix('`').and_then(|code| code.find('`')) {
            at += end + 2;
            continue;
        }
        at += rest.chars().next().map_or(1, char::len_utf8);
    }
    None
}

fn render_inline(pieces: &[Inline]) -> Markup {
    html! {
        @for piece in pieces {
            @match piece {
                Inline::Text(text) => (text),
                Inline::Code(code) => code { (code) },
                Inline::Strong(inner) => strong { (render_inline(inner)) },
                Inline::Emphasis(inner) => em { (render_inline(inner)) },
            }
        }
    }
}

/// An article's text with `{{name}}` shown as `<name>`, the value the reader fills in.
pub(super) fn placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end)
                if end > 0
                    && after[..end].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
            {
                out.push('<');
                out.push_str(&after[..end]);
                out.push('>');
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

/// A confidence as a whole percentage.
pub(super) fn percent(value: f32) -> String {
    format!("{:.0}%", (value * 100.0).clamp(0.0, 100.0))
}

/// A piece of a matched line: text (never a secret's bytes) that may be highlighted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Segment {
    pub(super) text: String,
    pub(super) secret: bool,
    pub(super) marked: bool,
}

/// The 1-based line `number` of the caller's log as segments: the engine's redacted display line,
/// split where the occurrence's matched spans begin and end, with placeholders where secrets were.
///
/// The segments are built from the original line with the redactions replaced by the engine's
/// placeholder, and used only when they spell exactly the display line the report gives (or its
/// clipped head); otherwise the display line is shown whole without highlighting. Either way the
/// text shown is the engine's redacted text, so no secret can reach the page.
pub(super) fn line_segments(
    original: &str,
    redactions: &[Redaction],
    occurrence: &Occurrence,
    number: usize,
    shown: &str,
) -> Vec<Segment> {
    let whole = || vec![Segment { text: shown.to_string(), secret: false, marked: false }];
    let Some((start, line)) = nth_line(original, number) else { return whole() };
    let end = start + line.len();
    let relative = |from: usize, to: usize| (from.max(start) - start, to.min(end) - start);
    let mut secrets: Vec<(usize, usize)> = redactions
        .iter()
        .filter(|item| item.line() == number)
        .map(|item| relative(item.span().start(), item.span().end()))
        .filter(|(from, to)| {
            from < to && line.is_char_boundary(*from) && line.is_char_boundary(*to)
        })
        .collect();
    secrets.sort_unstable();
    let marks: Vec<(usize, usize)> = occurrence
        .spans()
        .iter()
        .filter(|span| span.start() < end && span.end() > start)
        .map(|span| relative(span.start(), span.end()))
        .filter(|(from, to)| {
            from < to && line.is_char_boundary(*from) && line.is_char_boundary(*to)
        })
        .collect();
    let mut cuts: Vec<usize> = vec![0, line.len()];
    for (from, to) in secrets.iter().chain(&marks) {
        cuts.push(*from);
        cuts.push(*to);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let marked = |from: usize, to: usize| marks.iter().any(|(a, b)| *a < to && from < *b);
    let mut segments: Vec<Segment> = Vec::new();
    for pair in cuts.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        let segment = match secrets.iter().find(|(a, b)| *a <= from && to <= *b) {
            // A secret becomes one placeholder, at its first piece; its bytes are never copied.
            Some((a, b)) if *a == from => Segment {
                text: SECRET_PLACEHOLDER.to_string(),
                secret: true,
                marked: marked(*a, *b),
            },
            Some(_) => continue,
            None => Segment {
                text: line[from..to].to_string(),
                secret: false,
                marked: marked(from, to),
            },
        };
        match segments.last_mut() {
            Some(last) if !last.secret && !segment.secret && last.marked == segment.marked => {
                last.text.push_str(&segment.text);
            }
            _ => segments.push(segment),
        }
    }
    let display: String = segments.iter().map(|segment| segment.text.as_str()).collect();
    if display == shown {
        return segments;
    }
    // The engine clips long lines and ends them with an ellipsis.
    match shown.strip_suffix('…') {
        Some(head) if display.starts_with(head) => {
            let mut clipped = truncate(segments, head.len());
            clipped.push(Segment { text: "…".to_string(), secret: false, marked: false });
            clipped
        }
        _ => whole(),
    }
}

/// What the engine puts where a secret was.
const SECRET_PLACEHOLDER: &str = "<secret>";

/// The segments cut to their first `budget` bytes (a char boundary of their concatenation).
fn truncate(segments: Vec<Segment>, mut budget: usize) -> Vec<Segment> {
    let mut out = Vec::new();
    for mut segment in segments {
        if budget == 0 {
            break;
        }
        if segment.text.len() > budget {
            segment.text.truncate(budget);
        }
        budget -= segment.text.len();
        out.push(segment);
    }
    out
}

/// The byte offset and text (without terminator) of the 1-based line `number`.
fn nth_line(text: &str, number: usize) -> Option<(usize, &str)> {
    let mut start = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if index + 1 == number {
            return Some((start, line.trim_end_matches('\n').trim_end_matches('\r')));
        }
        start += line.len();
    }
    None
}

/// What was removed before matching, in plain words: "2 API keys and 1 password".
pub(super) fn redaction_words(redactions: &[Redaction]) -> Option<String> {
    if redactions.is_empty() {
        return None;
    }
    let mut kinds: BTreeMap<usize, (&str, &str, usize)> = BTreeMap::new();
    for item in redactions {
        let (order, one, many) = secret_kind(item.family());
        kinds.entry(order).or_insert((one, many, 0)).2 += 1;
    }
    let words: Vec<String> = kinds
        .values()
        .map(|(one, many, n)| format!("{n} {}", if *n == 1 { one } else { many }))
        .collect();
    Some(match words.as_slice() {
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => unreachable!("redactions is not empty"),
    })
}

/// The plain name of a secret family, as (order, singular, plural).
fn secret_kind(family: &str) -> (usize, &'static str, &'static str) {
    match family {
        "private-key" => (3, "private key", "private keys"),
        "url-password" | "connection-string-secret" => (2, "password", "passwords"),
        "cookie" => (4, "cookie", "cookies"),
        "slack-webhook" => (5, "webhook URL", "webhook URLs"),
        "bearer-token" | "basic-auth" | "jwt" | "github-pat" => (1, "token", "tokens"),
        family if family.ends_with("-key") || family.ends_with("-key-id") => {
            (0, "API key", "API keys")
        }
        family if family.ends_with("-token") => (1, "token", "tokens"),
        _ => (6, "other credential", "other credentials"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_the_article_subset_and_escapes_the_rest() {
        let out = markdown(
            "One `a<b>` and **bold `c`** *here*.\nSame paragraph, 2 * 3 = 6.\n\nNext <i>.",
        );
        assert_eq!(
            out.into_string(),
            "<p>One <code>a&lt;b&gt;</code> and <strong>bold <code>c</code></strong> <em>here</em>. \
             Same paragraph, 2 * 3 = 6.</p><p>Next &lt;i&gt;.</p>"
        );
        // An unclosed marker stays literal; a star inside a word or a code span is not emphasis.
        assert_eq!(inline("a `b and x*y*").into_string(), "a `b and x*y*");
        assert_eq!(
            inline("for ap-*). Allow `bedrock:Invoke*` on *all*").into_string(),
            "for ap-*). Allow <code>bedrock:Invoke*</code> on <em>all</em>"
        );
    }

    #[test]
    fn placeholders_show_variables_as_names() {
        assert_eq!(
            placeholders("model=\"azure/{{deployment}}\" {{ x }}"),
            "model=\"azure/<deployment>\" {{ x }}"
        );
    }
}
