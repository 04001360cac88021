//! Line cleaning: ANSI escapes, line prefixes, string escapes and blanks.
//! Each function returns edits for [`MappedText::apply`](super::mapped::MappedText::apply).

use std::sync::LazyLock;

use regex::Regex;

use super::mapped::{Edit, SegmentKind};

static ANSI: LazyLock<Regex> = LazyLock::new(|| {
    // CSI sequences, OSC sequences ended by BEL or ST, and lone two-byte escapes; plus CR.
    Regex::new(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\r")
        .expect("the built-in ANSI pattern is valid")
});

static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    let months = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec";
    let pattern = format!(
        r"(?x)^(?:
          \[?\d{{4}}-\d{{2}}-\d{{2}}[T\ ]\d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d+)?(?:\ ?Z|\ ?[+\-]\d{{2}}:?\d{{2}}|\ UTC)?\]?(?:\ +-\ |\ +\||:)?
        | (?:{months})\ {{1,2}}\d{{1,2}}\ \d{{2}}:\d{{2}}:\d{{2}}\ \S+\ [\w./\-]+(?:\[\d+\])?:
        | \[?\d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d+)?\]?(?:\ +-\ )?
        | \[?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRITICAL|FATAL|PANIC)\]?(?::|\ +-\ |\ )
        | \[pod/[^\]\s]+\]
        | [\w.\-]+\ *\|(?:\ |$)
        | \d{{1,6}}\ *\|\ 
        )[\ \t]*",
    );
    Regex::new(&pattern).expect("the built-in prefix pattern is valid")
});

static ESCAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\\+(?:["'/]|[nrt](?:\\+[nrt])*|u00(?:22|27|3[cC]|3[eE]|26))"#)
        .expect("the built-in escape pattern is valid")
});

static BLANKS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[ \t\u{a0}\u{feff}\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")
        .expect("the built-in blank pattern is valid")
});

/// Edits that delete ANSI escape sequences and carriage returns.
pub(crate) fn strip_ansi(line: &str) -> Vec<Edit> {
    if !line.contains(['\x1b', '\r']) {
        return Vec::new();
    }
    ANSI.find_iter(line).map(|m| Edit::delete(m.range())).collect()
}

/// Edits that delete leading timestamps, log levels and container prefixes (repeatedly, since a
/// timestamp is often followed by a level). Returns the edits and whether anything was removed.
pub(crate) fn strip_prefixes(line: &str) -> (Vec<Edit>, bool) {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let mut pos = indent;
    for _ in 0..4 {
        match PREFIX.find(&line[pos..]) {
            Some(found) if !found.is_empty() => pos += found.end(),
            _ => break,
        }
    }
    if pos == indent {
        return (Vec::new(), false);
    }
    (vec![Edit::delete(0..pos)], true)
}

/// Edits that undo string escaping, so JSON nested in strings reads like JSON.
pub(crate) fn unescape(line: &str) -> Vec<Edit> {
    if !line.contains('\\') {
        return Vec::new();
    }
    ESCAPE
        .find_iter(line)
        .map(|m| {
            let text = m.as_str();
            let replacement = match text.trim_start_matches('\\').as_bytes()[0] {
                b'"' => "\"",
                b'\'' => "'",
                b'/' => "/",
                b'u' => match &text[text.len() - 2..] {
                    "22" => "\"",
                    "27" => "'",
                    "26" => "&",
                    "3c" | "3C" => "<",
                    _ => ">",
                },
                _ => " ",
            };
            Edit { range: m.range(), replacement, kind: SegmentKind::Replaced }
        })
        .collect()
}

/// Edits that trim the line and fold runs of blanks (and control bytes) into one space.
pub(crate) fn fold_blanks(line: &str) -> Vec<Edit> {
    let mut edits = Vec::new();
    for m in BLANKS.find_iter(line) {
        let range = m.range();
        if range.start == 0 || range.end == line.len() {
            edits.push(Edit::delete(range));
        } else if m.as_str() != " " {
            edits.push(Edit { range, replacement: " ", kind: SegmentKind::Replaced });
        }
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::mapped::MappedText;

    fn run(line: &str, edits: fn(&str) -> Vec<Edit>) -> String {
        MappedText::new(line, 0).apply(&edits(line)).as_str().to_string()
    }

    fn prefix(line: &str) -> String {
        MappedText::new(line, 0).apply(&strip_prefixes(line).0).as_str().to_string()
    }

    #[test]
    fn strips_line_prefixes() {
        assert_eq!(prefix("2024-05-01T10:00:00.123Z ERROR boom"), "boom");
        assert_eq!(
            prefix("2025-06-17 09:41:07,215 - LiteLLM Router - ERROR - x"),
            "LiteLLM Router - ERROR - x"
        );
        assert_eq!(prefix("May  1 10:00:00 host litellm[123]: INFO: started"), "started");
        assert_eq!(prefix("[pod/litellm-7d9/proxy] ERROR: x"), "x");
        assert_eq!(
            prefix("litellm-1  | Traceback (most recent call last):"),
            "Traceback (most recent call last):"
        );
        assert_eq!(prefix("ValueError: bad"), "ValueError: bad");
        assert_eq!(prefix("  File \"x.py\", line 1"), "  File \"x.py\", line 1");
    }

    #[test]
    fn unescapes_nested_json() {
        assert_eq!(
            run(r#"{\"error\": {\"message\": \"x\\ny\"}}"#, unescape),
            r#"{"error": {"message": "x y"}}"#
        );
        assert_eq!(run(r"https:\/\/h\/p \u0027q\u0027", unescape), "https://h/p 'q'");
    }

    #[test]
    fn strips_ansi_and_folds_blanks() {
        assert_eq!(run("\x1b[31mred\x1b[0m\r", strip_ansi), "red");
        assert_eq!(run("  a \t b  ", fold_blanks), "a b");
    }
}
