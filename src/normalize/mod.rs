//! Normalization: raw log text in; cleaned, redacted, masked lines grouped into events out, with
//! every byte traceable to the caller's original text.
//!
//! Per line, in order: strip ANSI and CR; redact secrets (so no later stage sees one); strip line
//! prefixes; undo string escapes; mask volatile values; fold blanks. Then lines are grouped into
//! events (tracebacks, JSON bodies, single lines) by [`segment::Segmenter`].

mod ascii;
mod clean;
mod evidence;
pub(crate) mod mapped;
pub(crate) mod secrets;
pub(crate) mod segment;
mod volatile;

use std::ops::Range;

pub(crate) use ascii::restrict_to_ascii;
pub(crate) use evidence::PROVIDERS;
pub use evidence::{EvidenceKind, HostKind};
use mapped::{Edit, MappedText, SegmentKind};
pub use segment::EventKind;
pub(crate) use segment::LineTexts;
use segment::Segmenter;

/// A byte range in the caller's original text. `start <= end` always holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// Makes a span; the bounds are swapped if given in the wrong order.
    pub fn new(start: usize, end: usize) -> Span {
        if start <= end { Span { start, end } } else { Span { start: end, end: start } }
    }

    /// The first byte.
    pub fn start(&self) -> usize {
        self.start
    }

    /// One past the last byte.
    pub fn end(&self) -> usize {
        self.end
    }

    /// The span as a range, to slice the original text with.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// A secret that was removed, and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    family: &'static str,
    span: Span,
    line: usize,
}

impl Redaction {
    /// The family, e.g. `openai-or-litellm-key`, `bearer-token`, `url-password`.
    pub fn family(&self) -> &'static str {
        self.family
    }

    /// Where the secret was in the original text (never its value).
    pub fn span(&self) -> Span {
        self.span
    }

    /// The 1-based line number.
    pub fn line(&self) -> usize {
        self.line
    }
}

/// A piece of evidence with where it was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    kind: EvidenceKind,
    span: Span,
    line: usize,
}

impl Evidence {
    /// What was seen.
    pub fn kind(&self) -> &EvidenceKind {
        &self.kind
    }

    /// Where, in the original text.
    pub fn span(&self) -> Span {
        self.span
    }

    /// The 1-based line number.
    pub fn line(&self) -> usize {
        self.line
    }
}

/// One normalized line.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// 1-based line number in the input.
    pub(crate) number: usize,
    /// The line in the original text, without its terminator.
    pub(crate) span: Span,
    /// The original line with secrets replaced, for showing to people.
    pub(crate) display: MappedText,
    /// The normalized line that patterns run on.
    pub(crate) text: MappedText,
    /// Leading blanks after the prefix, which tells traceback frames from messages.
    pub(crate) indent: usize,
    /// Whether a timestamp or level prefix started the line (a new log record).
    pub(crate) had_prefix: bool,
}

/// A group of lines that belong together: a traceback, a JSON body, or one line.
#[derive(Debug, Clone)]
pub struct Event {
    kind: EventKind,
    /// Indices into the owning [`Normalized`]'s lines (or the stream's, for streams).
    pub(crate) first_line: usize,
    pub(crate) last_line: usize,
    pub(crate) text: MappedText,
    /// Offset in `text` where the root-cause part starts (the final exception of a traceback).
    pub(crate) focus: usize,
}

impl Event {
    /// What kind of event this is.
    pub fn kind(&self) -> EventKind {
        self.kind
    }

    /// The normalized text that patterns run on; lines joined with `\n`.
    pub fn text(&self) -> &str {
        self.text.as_str()
    }

    /// The 1-based first and last line numbers.
    pub fn lines(&self) -> (usize, usize) {
        (self.first_line, self.last_line)
    }

    /// Maps a range of [`Event::text`] back to the original input.
    pub fn original_span(&self, range: Range<usize>) -> Span {
        Span::new(self.text.to_original_start(range.start), self.text.to_original_end(range.end))
    }
}

/// A normalized log: events, evidence and what was redacted.
///
/// # Example
/// ```
/// let normalized = errsig::normalize("2024-05-01T10:00:00Z ERROR Incorrect API key provided: sk-proj-abc123def456");
/// assert_eq!(normalized.text(), "Incorrect API key provided: <secret>");
/// assert_eq!(normalized.redactions()[0].family(), "openai-project-key");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    pub(crate) lines: Vec<Line>,
    pub(crate) events: Vec<Event>,
    pub(crate) evidence: Vec<Evidence>,
    pub(crate) redactions: Vec<Redaction>,
}

impl Normalized {
    /// The events, in input order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Evidence found anywhere in the input, in input order.
    pub fn evidence(&self) -> &[Evidence] {
        &self.evidence
    }

    /// Every secret removed, in input order.
    pub fn redactions(&self) -> &[Redaction] {
        &self.redactions
    }

    /// The number of input lines.
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// The normalized text of every line, joined with `\n` (empty lines kept, except at the end).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (index, line) in self.lines.iter().enumerate() {
            if index > 0 {
                out.push('\n');
            }
            out.push_str(line.text.as_str());
        }
        let kept = out.trim_end_matches('\n').len();
        out.truncate(kept);
        out
    }

    /// The redacted text of a 1-based line, as shown to people (secrets replaced, nothing else).
    pub fn display_line(&self, number: usize) -> Option<&str> {
        self.lines.get(number.checked_sub(1)?).map(|line| line.display.as_str())
    }
}

/// Normalizes `text`: see the [module docs](self) and `signatures/README.md` for what changes.
pub fn normalize(text: &str) -> Normalized {
    normalize_parts(text, std::slice::from_ref(&(0..text.len())), LineTexts::Keep)
}

/// Normalizes the given line-aligned byte ranges of `text` as one log, numbering lines as in the
/// whole text (the head and tail of an input over the size cap). With [`LineTexts::Move`] the
/// lines' normalized texts move into the events (and [`Normalized::text`] is empty).
pub(crate) fn normalize_parts(
    text: &str,
    parts: &[Range<usize>],
    line_texts: LineTexts,
) -> Normalized {
    let mut out = Normalized::default();
    let mut normalizer = LineNormalizer::default();
    let mut previous_end = 0;
    // Growing these one push at a time copies them over and over on a large input.
    let line_count: usize = parts
        .iter()
        .map(|part| memchr::memchr_iter(b'\n', &text.as_bytes()[part.clone()]).count() + 1)
        .sum();
    out.lines.reserve(line_count);
    for part in parts {
        normalizer.skip_lines(text[previous_end..part.start].matches('\n').count());
        let mut segmenter = Segmenter::default();
        let mut offset = part.start;
        for raw in text[part.clone()].split_inclusive('\n') {
            let content = raw.strip_suffix('\n').unwrap_or(raw);
            let line = normalizer.line(content, offset, &mut out.evidence, &mut out.redactions);
            offset += raw.len();
            out.lines.push(line);
            let index = out.lines.len() - 1;
            for closed in segmenter.push(index, &out.lines[index]) {
                out.events.push(segment::build_event(&mut out.lines, 0, closed, line_texts));
            }
        }
        for closed in segmenter.finish() {
            out.events.push(segment::build_event(&mut out.lines, 0, closed, line_texts));
        }
        previous_end = part.end;
    }
    out
}

/// Normalizes one line at a time; keeps the state that spans lines (PEM blocks).
#[derive(Debug, Default)]
pub(crate) struct LineNormalizer {
    in_private_key: bool,
    lines_seen: usize,
}

impl LineNormalizer {
    /// Counts `n` lines that were skipped (the middle of a truncated input).
    pub(crate) fn skip_lines(&mut self, n: usize) {
        self.lines_seen += n;
    }

    /// Normalizes `raw` (one line without its terminator) that starts at byte `origin`.
    pub(crate) fn line(
        &mut self,
        raw: &str,
        origin: usize,
        evidence: &mut Vec<Evidence>,
        redactions: &mut Vec<Redaction>,
    ) -> Line {
        self.lines_seen += 1;
        let number = self.lines_seen;
        let cleaned = MappedText::new(raw, origin).apply(&clean::strip_controls(raw));
        let display = self.redact(cleaned, number, redactions);
        let (prefix_edits, had_prefix) = clean::strip_prefixes(display.as_str());
        let unprefixed = display.applied(&prefix_edits);
        let indent =
            unprefixed.as_str().len() - unprefixed.as_str().trim_start_matches([' ', '\t']).len();
        let escapes = clean::unescape(unprefixed.as_str());
        let unescaped = unprefixed.apply(&escapes);
        let masked = mask_volatile(unescaped, number, evidence);
        let blanks = clean::fold_blanks(masked.as_str());
        let text = masked.apply(&blanks);
        for (range, kind) in evidence::text_evidence(text.as_str()) {
            let span =
                Span::new(text.to_original_start(range.start), text.to_original_end(range.end));
            evidence.push(Evidence { kind, span, line: number });
        }
        Line {
            number,
            span: Span::new(origin, origin + raw.len()),
            display,
            text,
            indent,
            had_prefix,
        }
    }

    fn redact(
        &mut self,
        cleaned: MappedText,
        number: usize,
        redactions: &mut Vec<Redaction>,
    ) -> MappedText {
        let line = cleaned.as_str();
        let mut edits = Vec::new();
        let mut families = Vec::new();
        if self.in_private_key {
            if line.contains("-----END") && line.contains("PRIVATE KEY-----") {
                self.in_private_key = false;
            }
            if !line.trim().is_empty() {
                edits.push(Edit {
                    range: 0..line.len(),
                    replacement: "<secret>",
                    kind: SegmentKind::Secret,
                });
                families.push("private-key");
            }
        } else {
            for hit in secrets::find_secrets(line) {
                if hit.family == "private-key" && !line[hit.range.clone()].contains("-----END") {
                    self.in_private_key = true;
                }
                edits.push(Edit {
                    range: hit.range,
                    replacement: "<secret>",
                    kind: SegmentKind::Secret,
                });
                families.push(hit.family);
            }
        }
        let redacted = cleaned.apply(&edits);
        for ((_, orig), family) in redacted.secret_ranges().zip(families) {
            redactions.push(Redaction {
                family,
                span: Span::new(orig.start, orig.end),
                line: number,
            });
        }
        redacted
    }
}

fn mask_volatile(text: MappedText, number: usize, evidence: &mut Vec<Evidence>) -> MappedText {
    let line = text.as_str();
    let mut edits = Vec::new();
    for item in volatile::scan(line) {
        match item {
            volatile::Volatile::Mask(range, placeholder) => {
                if placeholder == volatile::Placeholder::Url {
                    let (kind, provider) = evidence::url_evidence(&line[range.clone()]);
                    let span = Span::new(
                        text.to_original_start(range.start),
                        text.to_original_end(range.end),
                    );
                    evidence.push(Evidence { kind, span, line: number });
                    if let Some(provider) = provider {
                        evidence.push(Evidence {
                            kind: EvidenceKind::Provider(provider.into()),
                            span,
                            line: number,
                        });
                    }
                }
                if text.has_secret_in(range.clone()) && placeholder != volatile::Placeholder::Url {
                    continue;
                }
                edits.push(Edit {
                    range,
                    replacement: placeholder.text(),
                    kind: SegmentKind::Replaced,
                });
            }
            volatile::Volatile::Status(range, code) => {
                let span =
                    Span::new(text.to_original_start(range.start), text.to_original_end(range.end));
                evidence.push(Evidence { kind: EvidenceKind::Status(code), span, line: number });
            }
        }
    }
    text.apply(&edits)
}

#[cfg(test)]
mod tests;
