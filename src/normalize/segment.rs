//! Grouping normalized lines into events: Python tracebacks (with their chained exceptions),
//! JSON bodies that span lines, and single lines. Works one line at a time so streams can report
//! an event as soon as it is complete.

use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use super::mapped::MappedText;
use super::{Event, Line};

/// What kind of event a group of lines is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventKind {
    /// A Python traceback, from `Traceback (most recent call last):` to its final exception,
    /// including chained tracebacks.
    Traceback,
    /// A JSON (or Python dict) body spread over several lines.
    JsonBody,
    /// A line that is a whole JSON object (JSON-lines logs).
    JsonLine,
    /// Any other single line.
    Line,
}

impl EventKind {
    /// A short name: `traceback`, `json_body`, `json_line`, `line`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Traceback => "traceback",
            EventKind::JsonBody => "json_body",
            EventKind::JsonLine => "json_line",
            EventKind::Line => "line",
        }
    }
}

/// The most lines a multi-line event may hold before it is closed anyway.
const MAX_EVENT_LINES: usize = 400;
/// The most message lines after a traceback's final exception line.
const MAX_MESSAGE_LINES: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Inside `File ...` frames.
    Frames,
    /// After the final exception line; further unprefixed lines continue its message.
    Message,
    /// A blank line after the message: a chain marker may follow.
    AfterBlank,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Traceback { start: usize, phase: Phase, final_line: Option<usize>, last_content: usize },
    Json { start: usize, depth: i64 },
}

/// An event's line range, with the line where its root cause starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Closed {
    pub(crate) lines: Range<usize>,
    pub(crate) kind: EventKind,
    pub(crate) focus_line: usize,
}

/// The incremental segmenter. Feed it every line with [`Segmenter::push`]; it returns the events
/// that became complete.
#[derive(Debug, Clone)]
pub(crate) struct Segmenter {
    state: State,
    last_pushed: Option<usize>,
}

impl Default for Segmenter {
    fn default() -> Self {
        Segmenter { state: State::Idle, last_pushed: None }
    }
}

/// The longest lead (a logger name, `[worker-3]`) a traceback's first line may carry once its
/// timestamp and level are gone.
const MAX_TRACEBACK_LEAD: usize = 48;

/// Where `marker` starts in `text`: at the start, or after a short lead that ends with a blank.
fn after_short_lead(text: &str, marker: &Finder<'static>) -> Option<usize> {
    // Only the head can hold it: no need to scan a long line to its end.
    let mut head = (MAX_TRACEBACK_LEAD + marker.needle().len()).min(text.len());
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let at = marker.find(&text.as_bytes()[..head])?;
    (at == 0 || at <= MAX_TRACEBACK_LEAD && text[..at].ends_with(' ')).then_some(at)
}

// Built once: these run on every line, and building a substring searcher per call showed up in
// profiles.
static TRACEBACK_HEADER: LazyLock<Finder<'static>> =
    LazyLock::new(|| Finder::new("Traceback (most recent call last)"));
static FRAME_FILE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("File \""));

fn is_traceback_start(text: &str) -> bool {
    after_short_lead(text, &TRACEBACK_HEADER).is_some()
}

/// A frame line that opens a traceback pasted or logged without its header, also behind a
/// logger's lead (`[jobs.runner] File "/app/x.py", line 3, in load`).
fn is_headless_traceback_start(text: &str) -> bool {
    after_short_lead(text, &FRAME_FILE).is_some_and(|at| text[at..].contains("\", line "))
}

/// A structured log record on one line (`{"ts":..., "level":..., "msg":...}`): a new record,
/// never the rest of an exception's message. A bare JSON body (`{"error": {...}}`) may be the rest
/// of the message and is not one.
fn is_json_log_record(text: &str) -> bool {
    const RECORD_FIELDS: &[&str] =
        &["\"level\"", "\"ts\"", "\"time\"", "\"timestamp\"", "\"@timestamp\"", "\"severity\""];
    text.starts_with("{\"")
        && text.ends_with('}')
        && bracket_delta(text) == 0
        && RECORD_FIELDS.iter().any(|field| text.contains(field))
}

fn is_chain_marker(text: &str) -> bool {
    text.starts_with("During handling of the above exception")
        || text.starts_with("The above exception was the direct cause")
}

fn is_frame(line: &Line) -> bool {
    let text = line.text.as_str();
    line.indent > 0
        || text.starts_with("File \"")
        || text.starts_with("File <")
        || text.starts_with("^")
}

/// The change in bracket depth over `text`, ignoring brackets inside double-quoted strings.
fn bracket_delta(text: &str) -> i64 {
    let mut depth = 0i64;
    let mut in_string = false;
    let mut escaped = false;
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            _ => {}
        }
    }
    depth
}

impl Segmenter {
    /// Whether an event is open (lines are held until it completes).
    pub(crate) fn open_since(&self) -> Option<usize> {
        match self.state {
            State::Idle => None,
            State::Traceback { start, .. } | State::Json { start, .. } => Some(start),
        }
    }

    /// Takes line `index` (which is `line`); returns the events it completed.
    pub(crate) fn push(&mut self, index: usize, line: &Line) -> Vec<Closed> {
        let mut closed = Vec::new();
        self.last_pushed = Some(index);
        let text = line.text.as_str();
        let blank = text.is_empty();
        match self.state {
            State::Idle => self.start(index, line, &mut closed),
            State::Traceback { start, phase, final_line, last_content } => match phase {
                Phase::Frames => {
                    if blank || is_frame(line) || is_traceback_start(text) {
                        if !blank {
                            self.state =
                                State::Traceback { start, phase, final_line, last_content: index };
                        }
                    } else {
                        self.state = State::Traceback {
                            start,
                            phase: Phase::Message,
                            final_line: Some(index),
                            last_content: index,
                        };
                    }
                    if index - start > MAX_EVENT_LINES {
                        closed.push(self.close_traceback(index + 1));
                    }
                }
                Phase::Message => {
                    let final_at = final_line.unwrap_or(start);
                    if blank {
                        self.state = State::Traceback {
                            start,
                            phase: Phase::AfterBlank,
                            final_line,
                            last_content,
                        };
                    } else if line.had_prefix
                        || is_traceback_start(text)
                        || is_json_log_record(text)
                        || index - final_at > MAX_MESSAGE_LINES
                    {
                        closed.push(self.close_traceback(index));
                        self.start(index, line, &mut closed);
                    } else {
                        self.state =
                            State::Traceback { start, phase, final_line, last_content: index };
                    }
                }
                Phase::AfterBlank => {
                    if blank {
                    } else if is_chain_marker(text) {
                        self.state = State::Traceback {
                            start,
                            phase: Phase::Frames,
                            final_line,
                            last_content: index,
                        };
                    } else {
                        closed.push(self.close_traceback(last_content + 1));
                        self.start(index, line, &mut closed);
                    }
                }
            },
            State::Json { start, depth } => {
                if line.had_prefix && index > start + 1 {
                    closed.push(Closed {
                        lines: start..index,
                        kind: EventKind::JsonBody,
                        focus_line: start,
                    });
                    self.state = State::Idle;
                    self.start(index, line, &mut closed);
                } else {
                    let depth = depth + bracket_delta(text);
                    if depth <= 0 || index - start >= MAX_EVENT_LINES {
                        closed.push(Closed {
                            lines: start..index + 1,
                            kind: EventKind::JsonBody,
                            focus_line: start,
                        });
                        self.state = State::Idle;
                    } else {
                        self.state = State::Json { start, depth };
                    }
                }
            }
        }
        closed
    }

    /// Closes whatever is open at the end of input.
    pub(crate) fn finish(&mut self) -> Vec<Closed> {
        let closed = match self.state {
            State::Idle => None,
            State::Traceback { last_content, .. } => Some(self.close_traceback(last_content + 1)),
            State::Json { start, .. } => Some(Closed {
                lines: start..self.last_pushed.map_or(start + 1, |last| last + 1),
                kind: EventKind::JsonBody,
                focus_line: start,
            }),
        };
        self.state = State::Idle;
        closed.into_iter().collect()
    }

    /// Closes an open event now (a stream that has gone quiet); same as the end of input.
    pub(crate) fn flush(&mut self) -> Vec<Closed> {
        self.finish()
    }

    fn close_traceback(&mut self, end: usize) -> Closed {
        let State::Traceback { start, final_line, .. } = self.state else {
            unreachable!("close_traceback is only called in the traceback state")
        };
        self.state = State::Idle;
        Closed {
            lines: start..end.max(start + 1),
            kind: EventKind::Traceback,
            focus_line: final_line.unwrap_or(start),
        }
    }

    fn start(&mut self, index: usize, line: &Line, closed: &mut Vec<Closed>) {
        let text = line.text.as_str();
        self.state = State::Idle;
        if text.is_empty() {
            return;
        }
        // A traceback pasted without its header still starts at its first frame.
        if is_traceback_start(text) || is_headless_traceback_start(text) {
            self.state = State::Traceback {
                start: index,
                phase: Phase::Frames,
                final_line: None,
                last_content: index,
            };
            return;
        }
        let delta = bracket_delta(text);
        if delta > 0 {
            self.state = State::Json { start: index, depth: delta };
            return;
        }
        let kind = if text.starts_with('{') && text.ends_with('}') && delta == 0 {
            EventKind::JsonLine
        } else {
            EventKind::Line
        };
        closed.push(Closed { lines: index..index + 1, kind, focus_line: index });
    }
}

/// What [`build_event`] leaves in the event's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineTexts {
    /// The lines keep their normalized text (`normalize` shows it).
    Keep,
    /// The text moves into the event: matching reads lines only for their display text.
    Move,
}

/// Builds the event for `closed` from `lines` (indexed from `base`).
pub(crate) fn build_event(
    lines: &mut [Line],
    base: usize,
    closed: Closed,
    line_texts: LineTexts,
) -> Event {
    let mut text = MappedText::default();
    let mut focus = 0;
    let mut first = true;
    let mut strings = StringState::default();
    if closed.lines.len() == 1 {
        // Most events are one line: the line's text moved, or a copy made to size.
        let line = &mut lines[closed.lines.start - base];
        text = match line_texts {
            LineTexts::Keep => line.text.clone(),
            LineTexts::Move => std::mem::take(&mut line.text),
        };
        first = false;
    }
    for index in closed.lines.clone().skip(usize::from(!first)) {
        let line = &mut lines[index - base];
        if index == closed.focus_line {
            focus = text.as_str().len() + usize::from(!first);
        }
        // JSON and Python reprs never hold a raw line break inside a string: one there was put
        // by a terminal or a log viewer wrapping the line, so the string is rejoined.
        let separator = match () {
            () if first => "",
            () if closed.kind == EventKind::JsonBody && strings.inside() => " ",
            () => "\n",
        };
        let newline = line.span.start().saturating_sub(1)..line.span.start();
        text.push(separator, newline, &line.text);
        if closed.kind == EventKind::JsonBody {
            strings.scan(line.text.as_str());
        }
        if line_texts == LineTexts::Move {
            // Freed now, its memory serves the lines still to come.
            line.text = MappedText::default();
        }
        first = false;
    }
    let first_line = lines[closed.lines.start - base].number;
    let last_line = lines[closed.lines.end - 1 - base].number;
    if closed.kind == EventKind::JsonLine {
        focus = json_message_offset(text.as_str()).unwrap_or(focus);
    }
    let focus = focus.min(text.as_str().len());
    Event { kind: closed.kind, first_line, last_line, text, focus }
}

/// Whether a JSON body (or a Python dict repr) is inside a string literal, line after line.
/// Quotes count only from the first `{` or `[`, so an apostrophe in the text before the body
/// does not open a string.
#[derive(Debug, Default)]
struct StringState {
    in_body: bool,
    quote: Option<u8>,
    escaped: bool,
}

impl StringState {
    fn inside(&self) -> bool {
        self.quote.is_some()
    }

    fn scan(&mut self, text: &str) {
        for byte in text.bytes() {
            if !self.in_body {
                self.in_body = byte == b'{' || byte == b'[';
                continue;
            }
            match self.quote {
                Some(_) if self.escaped => self.escaped = false,
                Some(_) if byte == b'\\' => self.escaped = true,
                Some(quote) if byte == quote => self.quote = None,
                Some(_) => {}
                None if byte == b'"' || byte == b'\'' => self.quote = Some(byte),
                None => {}
            }
        }
    }
}

/// Where a JSON-lines record's message starts: the value of its innermost `message`, else `msg`,
/// `exception` or `error` field. The other fields (logger, level, ids) are context.
fn json_message_offset(text: &str) -> Option<usize> {
    ["\"message\"", "\"msg\"", "\"exception\"", "\"error\""].iter().find_map(|key| {
        let at = text.rfind(key)?;
        let after = &text[at + key.len()..];
        let value = after.find(|c: char| c != ' ' && c != ':')?;
        after[..value].contains(':').then_some(at + key.len() + value)
    })
}
