//! Masking of volatile values (URLs, ids, numbers, ...) to typed placeholders.
//!
//! One combined regex finds every candidate in a single scan; the named group that matched says
//! which placeholder it becomes. HTTP status codes survive when their context says they are
//! statuses, so `Error code: 429` keeps its meaning and a `429` in a prompt does not.

use std::ops::Range;
use std::sync::LazyLock;

use regex_automata::{Anchored, Input, Match};

use super::ascii::{Alternatives, Dual};

/// A placeholder kind and the text it puts in the normalized output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placeholder {
    Url,
    Email,
    Ip,
    Uuid,
    Id,
    Timestamp,
    Path,
    Number,
}

impl Placeholder {
    pub(crate) fn text(self) -> &'static str {
        match self {
            Placeholder::Url => "<url>",
            Placeholder::Email => "<email>",
            Placeholder::Ip => "<ip>",
            Placeholder::Uuid => "<uuid>",
            Placeholder::Id => "<id>",
            Placeholder::Timestamp => "<ts>",
            Placeholder::Path => "<path>",
            Placeholder::Number => "<num>",
        }
    }
}

/// What the scan found at one place in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Volatile {
    /// Mask this range with the placeholder.
    Mask(Range<usize>, Placeholder),
    /// An HTTP status in a status context: kept as is, reported as evidence.
    Status(Range<usize>, u16),
}

/// The volatile-value alternatives and the pattern number of each.
struct Scanner {
    regex: Alternatives,
    url: usize,
    email: usize,
    uuid: usize,
    ts: usize,
    ip: usize,
    rid: usize,
    path: usize,
    hex: usize,
}

static VOLATILE: LazyLock<Scanner> = LazyLock::new(|| {
    let branches = volatile_branches();
    let regex = Alternatives::new(&branches.iter().map(String::as_str).collect::<Vec<_>>());
    let group = |name: &str| regex.index(name);
    Scanner {
        url: group("url"),
        email: group("email"),
        uuid: group("uuid"),
        ts: group("ts"),
        ip: group("ip"),
        rid: group("rid"),
        path: group("path"),
        hex: group("hex"),
        regex,
    }
});

/// Every volatile value, one named group per kind, in order of precedence (an alternation).
fn volatile_branches() -> Vec<String> {
    let months = MONTHS.join("|");
    let request_ids = REQUEST_ID_PREFIXES.join("|");
    vec![
        r#"(?P<url>\b[a-zA-Z][a-zA-Z0-9+.\-]{1,15}://(?:[^\s"'<>`)\]}|\\]|<secret>)+)"#.to_string(),
        r"(?P<email>\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b)"
            .to_string(),
        r"(?P<uuid>\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)"
            .to_string(),
        format!(
            r"(?x)(?P<ts>\b\d{{4}}-\d{{2}}-\d{{2}}(?:[T\ ]\d{{2}}:\d{{2}}(?::\d{{2}}(?:[.,]\d+)?)?(?:Z|[+\-]\d{{2}}:?\d{{2}})?)?\b
              | \b(?:{months})\ {{1,2}}\d{{1,2}}\ \d{{2}}:\d{{2}}:\d{{2}}\b
              | \b\d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d+)?\b
              | \b\d{{2}}/(?:{months})/\d{{4}}:\d{{2}}:\d{{2}}:\d{{2}}(?:\ [+\-]\d{{4}})?)"
        ),
        r"(?x)(?P<ip>\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b
              | \[?(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\]?
              | \[::1\](?::\d{1,5})?)"
            .to_string(),
        format!(r"(?P<rid>\b(?:{request_ids})[\-_][A-Za-z0-9]{{6,}}\b)"),
        r"(?x)(?P<path>(?:\.{0,2}/[\w.@+\-]+){2,}/?
              | \b[A-Za-z]:\\[\w\\.\ \-]+)"
            .to_string(),
        r"(?P<hex>\b[0-9a-fA-F]{8,}\b)".to_string(),
        r"(?P<num>\b\d+(?:\.\d+)*)".to_string(),
    ]
}

static STATUS_BEFORE: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(
        r#"(?i)(?:status(?:[_\s]?code)?|code|http(?:/\d(?:\.\d)?)?|error|returned|got|with|received|response)[\s"':=(\[]{0,5}$"#,
    )
});

static STATUS_AFTER: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(
        r"(?i)^[\s:\-]{0,3}(?:too many requests|unauthori[sz]ed|forbidden|not found|bad request|internal server error|service unavailable|bad gateway|gateway time-?out|payment required|request time-?out|conflict|unprocessable|payload too large|request entity too large|overloaded|client error|server error|method not allowed)",
    )
});

/// Roots that make a slash path a file path rather than an API route.
const FILE_ROOTS: &[&str] = &[
    "usr",
    "home",
    "var",
    "opt",
    "app",
    "tmp",
    "etc",
    "root",
    "users",
    "lib",
    "srv",
    "mnt",
    "workspace",
    "code",
    "src",
    "site-packages",
    "proc",
    "dev",
    "run",
    "bin",
    "data",
    "nix",
];

/// The matches of the volatile alternation in `line`, in order: what `find_iter` gives.
///
/// `find_iter` pays a forward and a reverse search for every match, and most lines hold many
/// (every number is one). On an ASCII line where a match can only start at a few kinds of places
/// ([`may_start_match`]), an anchored search from each such place, in order, finds the same
/// matches: the first place where an anchored search succeeds is the leftmost match's start, and
/// anchored at that start the alternation prefers the same branch and length. An anchored search
/// needs no reverse search and skips the text between the places.
fn volatile_matches(line: &str) -> Vec<Match> {
    let ascii = line.is_ascii();
    let regex = VOLATILE.regex.for_ascii(ascii);
    let bytes = line.as_bytes();
    if !ascii || !starts_are_simple(bytes) {
        return regex.find_iter(line).collect();
    }
    let mut found = Vec::new();
    let mut at = 0;
    let mut previous_is_word = false;
    for (index, &byte) in bytes.iter().enumerate() {
        let is_word = is_word_byte(byte);
        let starts = index >= at && may_start_match(bytes, index, previous_is_word);
        previous_is_word = is_word;
        if !starts {
            continue;
        }
        let input = Input::new(line).span(index..line.len()).anchored(Anchored::Yes);
        if let Some(candidate) = regex.search(&input) {
            // Every branch matches at least one byte, so the next search starts past this one.
            at = candidate.end();
            found.push(candidate);
        }
    }
    found
}

/// `\b`'s word bytes on ASCII text.
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Whether, on the ASCII `bytes`, every branch can start only where [`may_start_match`] looks:
/// there is no `@` (e-mail), and no `://` (URL), `:\` (Windows path), `[::1]` or seven colons
/// (IPv6), the branches that may start elsewhere.
fn starts_are_simple(bytes: &[u8]) -> bool {
    if memchr::memchr(b'@', bytes).is_some() {
        return false;
    }
    // All four need a colon: one pass over the colons looks at what surrounds each.
    for (count, at) in memchr::memchr_iter(b':', bytes).enumerate() {
        let after = &bytes[at + 1..];
        let ipv6_loopback = at > 0 && bytes[at - 1] == b'[' && after.starts_with(b":1]");
        if count == 6 || after.starts_with(b"//") || after.starts_with(b"\\") || ipv6_loopback {
            return false;
        }
    }
    true
}

/// Whether a branch other than the URL, e-mail, IPv6 and Windows-path ones may match from
/// `index`: a digit at a word start (numbers, timestamps, IPv4 addresses, UUIDs), a word start
/// with eight hex digits (hex ids, UUIDs), a month name and a blank (syslog time), a request-id
/// prefix and `-` or `_`, or the `/`, `./` or `../` of a path.
fn may_start_match(bytes: &[u8], index: usize, previous_is_word: bool) -> bool {
    let byte = bytes[index];
    if byte == b'/' {
        return true;
    }
    if byte == b'.' {
        let next = bytes.get(index + 1..).unwrap_or_default();
        return next.starts_with(b"/") || next.starts_with(b"./");
    }
    if previous_is_word || !is_word_byte(byte) {
        return false;
    }
    if byte.is_ascii_digit() {
        return true;
    }
    let rest = &bytes[index..];
    // The first byte rules out most words before any list is read.
    byte.is_ascii_hexdigit()
        && rest.iter().take(8).take_while(|b| b.is_ascii_hexdigit()).count() == 8
        || byte.is_ascii_uppercase()
            && rest.get(3) == Some(&b' ')
            && MONTHS.iter().any(|month| rest.starts_with(month.as_bytes()))
        || byte.is_ascii_lowercase()
            && REQUEST_ID_PREFIXES.iter().any(|prefix| {
                rest.starts_with(prefix.as_bytes())
                    && matches!(rest.get(prefix.len()), Some(b'-' | b'_'))
            })
}

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The prefixes of request ids (`chatcmpl-...`, `req_...`) that the `rid` branch masks.
const REQUEST_ID_PREFIXES: [&str; 15] = [
    "chatcmpl", "cmpl", "req", "msg", "resp", "run", "call", "toolu", "batch", "file", "asst",
    "thread", "evt", "gen", "sess",
];

/// Scans `line` (already redacted and unescaped) for volatile values.
pub(crate) fn scan(line: &str) -> Vec<Volatile> {
    let bytes = line.as_bytes();
    let mut found = Vec::new();
    let scanner = &*VOLATILE;
    for candidate in volatile_matches(line) {
        let range = candidate.range();
        let text = &line[range.clone()];
        let group = candidate.pattern().as_usize();
        let placeholder = if group == scanner.url {
            let trimmed = text.trim_end_matches(['.', ',', ';', ':', '!', '?']);
            found.push(Volatile::Mask(range.start..range.start + trimmed.len(), Placeholder::Url));
            continue;
        } else if group == scanner.email {
            Placeholder::Email
        } else if group == scanner.uuid {
            Placeholder::Uuid
        } else if group == scanner.ts {
            Placeholder::Timestamp
        } else if group == scanner.ip {
            Placeholder::Ip
        } else if group == scanner.rid {
            Placeholder::Id
        } else if group == scanner.path {
            if !is_file_path(text, bytes, range.start) {
                continue;
            }
            // Keep the package-relative part of an installed Python file (`litellm/main.py`):
            // it is the same on every machine and tells which library raised the error.
            if let Some(offset) = package_path_start(text) {
                found.push(Volatile::Mask(range.start..range.start + offset, Placeholder::Path));
                continue;
            }
            Placeholder::Path
        } else if group == scanner.hex {
            if !text.bytes().any(|b| b.is_ascii_digit())
                || !text.bytes().any(|b| b.is_ascii_alphabetic())
            {
                // All digits: a number, handled below; all letters: a word.
                if text.bytes().all(|b| b.is_ascii_digit()) && is_standalone(bytes, range.clone()) {
                    found.push(number_or_status(line, range));
                }
                continue;
            }
            if !is_standalone(bytes, range.clone()) {
                continue;
            }
            Placeholder::Id
        } else {
            if !is_standalone(bytes, range.clone()) {
                continue;
            }
            found.push(number_or_status(line, range));
            continue;
        };
        found.push(Volatile::Mask(range, placeholder));
    }
    found
}

fn number_or_status(line: &str, range: Range<usize>) -> Volatile {
    // A minus sign that stands alone before the digits belongs to the number (`[Errno -2]`).
    let bytes = line.as_bytes();
    if range.start >= 1
        && bytes[range.start - 1] == b'-'
        && (range.start == 1
            || !bytes[range.start - 2].is_ascii_alphanumeric()
                && bytes[range.start - 2] != b'-'
                && bytes[range.start - 2] != b'_')
    {
        return Volatile::Mask(range.start - 1..range.end, Placeholder::Number);
    }
    let text = &line[range.clone()];
    // Only a number from 100 to 599 can be a status; most three-digit numbers are not, and the
    // context checks below cost two regex searches.
    let code = match text.parse::<u16>() {
        Ok(code) if text.len() == 3 && (100..=599).contains(&code) => code,
        _ => return Volatile::Mask(range, Placeholder::Number),
    };
    let before = &line[floor_boundary(line, range.start.saturating_sub(24))..range.start];
    let after = &line[range.end..ceil_boundary(line, range.end + 40)];
    let before_lower = before.to_ascii_lowercase();
    let explicit =
        before_lower.trim_end_matches(['"', '\'', ':', '=', ' ', '(', '[']).ends_with("code")
            || before_lower.contains("status")
            || before_lower.contains("http")
            || STATUS_AFTER.pick(after).is_match(after);
    if explicit || code >= 400 && STATUS_BEFORE.pick(before).is_match(before) {
        return Volatile::Status(range, code);
    }
    Volatile::Mask(range, Placeholder::Number)
}

/// A number or id is masked only when it stands alone, so `gpt-4o`, `claude-3-5` and `v1` survive.
fn is_standalone(bytes: &[u8], range: Range<usize>) -> bool {
    let attached = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let negative = range.start >= 1
        && bytes[range.start - 1] == b'-'
        && (range.start == 1
            || !(bytes[range.start - 2].is_ascii_alphanumeric()
                || matches!(bytes[range.start - 2], b'-' | b'_')));
    let before_ok = range.start == 0 || negative || {
        let b = bytes[range.start - 1];
        !(attached(b)
            || b == b'.' && range.start >= 2 && bytes[range.start - 2].is_ascii_alphanumeric())
    };
    let after_ok = range.end >= bytes.len() || {
        let b = bytes[range.end];
        !(attached(b)
            || b == b'.' && bytes.get(range.end + 1).is_some_and(|n| n.is_ascii_alphabetic()))
    };
    before_ok && after_ok
}

/// Where the package-relative part of a Python path starts (after `site-packages/`,
/// `dist-packages/`, or at a `litellm/` directory), keeping the slash that precedes it.
fn package_path_start(text: &str) -> Option<usize> {
    for marker in ["/site-packages/", "/dist-packages/"] {
        if let Some(index) = text.rfind(marker) {
            let offset = index + marker.len() - 1;
            return (offset + 1 < text.len()).then_some(offset);
        }
    }
    text.find("/litellm/").filter(|index| *index > 0)
}

fn is_file_path(text: &str, bytes: &[u8], start: usize) -> bool {
    if text.len() >= 3 && text.as_bytes()[1] == b':' {
        return true;
    }
    if start > 0 {
        let before = bytes[start - 1];
        // After `>` it is the package-relative tail of an already masked path.
        if before.is_ascii_alphanumeric() || before == b'_' || before == b'>' {
            return false;
        }
    }
    let trimmed = text.trim_start_matches('.').trim_start_matches('/');
    let first = trimmed.split('/').next().unwrap_or("").to_ascii_lowercase();
    let last = text.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let has_extension = last.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    has_extension
        || FILE_ROOTS.contains(&first.as_str())
        || text.starts_with("./")
        || text.starts_with("../")
}

fn floor_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn ceil_boundary(text: &str, mut index: usize) -> usize {
    if index >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::tests::fragment_lines;
    use regex::Regex;

    fn masked(line: &str) -> String {
        let mut out = String::new();
        let mut pos = 0;
        for item in scan(line) {
            if let Volatile::Mask(range, placeholder) = item {
                out.push_str(&line[pos..range.start]);
                out.push_str(placeholder.text());
                pos = range.end;
            }
        }
        out.push_str(&line[pos..]);
        out
    }

    fn statuses(line: &str) -> Vec<u16> {
        scan(line)
            .into_iter()
            .filter_map(|item| match item {
                Volatile::Status(_, code) => Some(code),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_branches_are_the_pattern_that_was_one_alternation() {
        let months = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec";
        let original = format!(
            r#"(?x)
        (?P<url>\b[a-zA-Z][a-zA-Z0-9+.\-]{{1,15}}://(?:[^\s"'<>`)\]}}|\\]|<secret>)+)
      | (?P<email>\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{{2,}}\b)
      | (?P<uuid>\b[0-9a-fA-F]{{8}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{12}}\b)
      | (?P<ts>\b\d{{4}}-\d{{2}}-\d{{2}}(?:[T\ ]\d{{2}}:\d{{2}}(?::\d{{2}}(?:[.,]\d+)?)?(?:Z|[+\-]\d{{2}}:?\d{{2}})?)?\b
          | \b(?:{months})\ {{1,2}}\d{{1,2}}\ \d{{2}}:\d{{2}}:\d{{2}}\b
          | \b\d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d+)?\b
          | \b\d{{2}}/(?:{months})/\d{{4}}:\d{{2}}:\d{{2}}:\d{{2}}(?:\ [+\-]\d{{4}})?)
      | (?P<ip>\b(?:\d{{1,3}}\.){{3}}\d{{1,3}}(?::\d{{1,5}})?\b
          | \[?(?:[0-9a-fA-F]{{1,4}}:){{7}}[0-9a-fA-F]{{1,4}}\]?
          | \[::1\](?::\d{{1,5}})?)
      | (?P<rid>\b(?:chatcmpl|cmpl|req|msg|resp|run|call|toolu|batch|file|asst|thread|evt|gen|sess)[\-_][A-Za-z0-9]{{6,}}\b)
      | (?P<path>(?:\.{{0,2}}/[\w.@+\-]+){{2,}}/?
          | \b[A-Za-z]:\\[\w\\.\ \-]+)
      | (?P<hex>\b[0-9a-fA-F]{{8,}}\b)
      | (?P<num>\b\d+(?:\.\d+)*)
    "#
        );
        let parse = |pattern: &str| regex_syntax::Parser::new().parse(pattern).unwrap();
        assert_eq!(parse(&volatile_branches().join("|")), parse(&original));
    }

    #[test]
    fn the_alternatives_find_what_the_combined_pattern_finds() {
        let combined = Regex::new(&volatile_branches().join("|")).unwrap();
        let fragments = [
            "https://a.b/c?d=1 ",
            "a@b.io ",
            "123e4567-e89b-12d3-a456-426614174000 ",
            "2024-05-01T10:00:00Z ",
            "May  1 10:00:00 ",
            "10.0.0.1:80 ",
            "[::1]:4000 ",
            "chatcmpl-AbC123xyz ",
            "/usr/lib/x.py ",
            r"C:\x\y ",
            "deadbeef12 ",
            "42 ",
            "-7 ",
            "1.5.2 ",
            "é",
            "漢",
            "x",
            "_",
            ".",
            "/",
            ":",
            "-",
            " ",
        ];
        for line in fragment_lines(&fragments, 3000, 8, 0x2545_f491_4f6c_dd1d) {
            let expected: Vec<_> = combined
                .captures_iter(&line)
                .map(|captures| {
                    let group = (1..captures.len()).find(|i| captures.get(*i).is_some()).unwrap();
                    (captures.get(0).unwrap().range(), group - 1)
                })
                .collect();
            let found: Vec<_> = VOLATILE
                .regex
                .pick(&line)
                .find_iter(&line)
                .map(|found| (found.range(), found.pattern().as_usize()))
                .collect();
            assert_eq!(found, expected, "{line:?}");
        }
    }

    #[test]
    fn anchored_searches_from_the_start_places_find_what_find_iter_finds() {
        // Pieces that start, end, or almost form every branch, and the bytes around them.
        let fragments = [
            "42",
            "-7",
            "1.5.2",
            "1.",
            ".5",
            "10.0.0.1:80",
            "255.1.2.3",
            "2024-05-01T10:00:00Z",
            "2025-03-01 10:00:00,123",
            "12:34:56",
            "12:34:56.789",
            "01/Mar/2025:10:00:00 +0000",
            "May  1 10:00:00",
            "Dec 31 23:59:59",
            "Jan ",
            "Janx",
            "deadbeef",
            "DEADBEEF-",
            "abcdef12",
            "123e4567-e89b-12d3-a456-426614174000",
            "3f2a9c1d88e0",
            "chatcmpl-AbC123xyz",
            "req_abcdefg",
            "req-abc",
            "run_forever",
            "xreq_abcdefgh",
            "call_",
            "/usr/lib/x.py",
            "./a/b",
            "../a/b",
            ".../x/y",
            "a/b",
            "/",
            "//",
            "./",
            "a.b.c",
            "fe80:0:0:0:0:0:0:1",
            "[::1]:4000",
            "https://a.b/c?d=1",
            "a@b.io",
            r"C:\x\y",
            "v1",
            "x_1",
            "gpt-4o",
            "<secret>",
            "é",
            "漢",
            "-",
            "_",
            ".",
            ":",
            "::",
            "[",
            "]",
            "@",
            "\\",
            "\"",
            "'",
            ",",
            "(",
            ")",
            "=",
            " ",
            "  ",
            "\t",
            "a",
            "Z",
            "f",
            "status",
        ];
        let mut simple = 0;
        for line in fragment_lines(&fragments, 40_000, 13, 0x9e37_79b9_7f4a_7c15) {
            if line.is_ascii() && starts_are_simple(line.as_bytes()) {
                simple += 1;
            }
            let expected: Vec<_> = VOLATILE.regex.pick(&line).find_iter(&line).collect();
            assert_eq!(volatile_matches(&line), expected, "{line:?}");
        }
        // Most lines took the anchored path, so the comparison tested it.
        assert!(simple > 12_000, "{simple}");
    }

    #[test]
    fn statuses_need_context() {
        assert_eq!(statuses("Error code: 429 - {'error': {'code': '404'}}"), vec![429, 404]);
        assert_eq!(statuses("HTTP/1.1 401 Unauthorized"), vec![401]);
        assert_eq!(statuses("\"POST /v1/chat/completions HTTP/1.1\" 500"), vec![500]);
        assert_eq!(statuses("tell me about 429 and 404 please"), Vec::<u16>::new());
        assert_eq!(masked("tell me about 429 please"), "tell me about <num> please");
    }

    #[test]
    fn model_names_survive() {
        assert_eq!(
            masked("model qwen2.5:7b and 'mistral-small3.2' at version 1.55.2"),
            "model qwen2.5:7b and 'mistral-small3.2' at version <num>"
        );
        assert_eq!(
            masked("model=gpt-4o-mini claude-3-5-sonnet v1 text-embedding-3-small"),
            "model=gpt-4o-mini claude-3-5-sonnet v1 text-embedding-3-small"
        );
        assert_eq!(
            masked("maximum context length is 8192 tokens"),
            "maximum context length is <num> tokens"
        );
    }

    #[test]
    fn masks_volatile_values() {
        assert_eq!(
            masked("at 2024-05-01T10:00:00Z id chatcmpl-AbC123xyz from 10.0.0.12:8080 by a@b.io"),
            "at <ts> id <id> from <ip> by <email>"
        );
        assert_eq!(
            masked("File \"/usr/lib/python3.11/site-packages/litellm/main.py\", line 12"),
            "File \"<path>/litellm/main.py\", line <num>"
        );
        assert_eq!(
            masked("File \"/app/litellm/proxy/proxy_server.py\", in x"),
            "File \"<path>/litellm/proxy/proxy_server.py\", in x"
        );
        assert_eq!(masked("File \"/home/me/app/run.py\""), "File \"<path>\"");
        assert_eq!(masked("POST /v1/chat/completions failed"), "POST /v1/chat/completions failed");
        assert_eq!(
            masked("see https://x.openai.azure.com/openai/deployments/a?api-version=1."),
            "see <url>."
        );
        assert_eq!(
            masked("trace 3f2a9c1d88e0 uuid 123e4567-e89b-12d3-a456-426614174000"),
            "trace <id> uuid <uuid>"
        );
    }
}
