//! Line cleaning: ANSI escapes, line prefixes, string escapes and blanks.
//! Each function returns edits for [`MappedText::apply`](super::mapped::MappedText::apply).

use std::sync::LazyLock;

use regex::Regex;

use super::ascii::Dual;
use super::mapped::{Edit, SegmentKind};

static ANSI: LazyLock<Regex> = LazyLock::new(|| {
    // CSI sequences, OSC sequences ended by BEL or ST, lone two-byte escapes, and CR (deleted);
    // other control characters, odd blanks and box-drawing characters (turned into spaces, so
    // prefixes are seen and a message framed by a terminal panel's borders reads as text).
    Regex::new(
        r"(?P<esc>\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\r)|[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f\u{a0}\u{feff}\x1b\u{2500}-\u{257f}]+",
    )
    .expect("the built-in ANSI pattern is valid")
});

static PREFIX: LazyLock<Dual> = LazyLock::new(|| {
    let months = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec";
    let pattern = format!(
        r"(?x)^(?:
          \[?\d{{4}}-\d{{2}}-\d{{2}}[T\ ]\d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d+)?(?:\ ?Z|\ ?[+\-]\d{{2}}:?\d{{2}}|\ UTC)?\]?(?:\ +-\ |\ +\||:)?
        | (?:{months})\ {{1,2}}\d{{1,2}}\ \d{{2}}:\d{{2}}:\d{{2}}\ \S+\ [\w./\-]+(?:\[\d+\])?:
        | \[?\d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d+)?\]?(?:\ +-\ )?
        | \[?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRITICAL|FATAL|PANIC)\]?(?::|\ +-\ |\ )
        )[\ \t]*",
    );
    Dual::new(&pattern)
});

/// Container prefixes (`kubectl logs --prefix`, `docker compose logs`) stand on every line of a
/// record, so they neither start a new record nor count towards a traceback frame's indent.
static CONTAINER_PREFIX: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(r"^[\ \t]*(?:\[pod/[^\]\s]+\]|[A-Za-z0-9_.\-]+\ *\||\d{1,6}\ *\|)(?:\ |$)")
});

static ESCAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\\+(?:["'/]|[nrt](?:\\+[nrt])*|u00(?:22|27|3[cC]|3[eE]|26))"#)
        .expect("the built-in escape pattern is valid")
});

/// Edits that delete ANSI escape sequences and carriage returns, and turn other control
/// characters (NUL included) into spaces.
pub(crate) fn strip_controls(line: &str) -> Vec<Edit> {
    // Bytes that can start a match: control characters but tab, DEL, and the lead bytes of
    // U+00A0, U+FEFF and the box-drawing block (U+2500..U+257F).
    const STARTS: [bool; 256] = {
        let mut table = [false; 256];
        let mut byte = 0;
        while byte < 256 {
            table[byte] = byte < 0x20 && byte != b'\t' as usize
                || byte == 0x7f
                || byte == 0xc2
                || byte == 0xe2
                || byte == 0xef;
            byte += 1;
        }
        table
    };
    if !line.bytes().any(|b| STARTS[usize::from(b)]) {
        return Vec::new();
    }
    ANSI.captures_iter(line)
        .map(|captures| {
            let whole = captures.get(0).expect("group 0 always exists");
            if captures.name("esc").is_some() {
                Edit::delete(whole.range())
            } else {
                Edit { range: whole.range(), replacement: " ", kind: SegmentKind::Replaced }
            }
        })
        .collect()
}

/// Edits that delete a container prefix, then leading timestamps and log levels (repeatedly,
/// since a timestamp is often followed by a level). Returns the edits and whether a record prefix
/// (timestamp or level, the start of a new log record) was removed.
pub(crate) fn strip_prefixes(line: &str) -> (Vec<Edit>, bool) {
    let mut end = 0;
    let mut had_record_prefix = false;
    // Each step consumes at least one byte, so this ends.
    loop {
        let rest = &line[end..];
        if let Some(found) =
            CONTAINER_PREFIX.pick(rest).find(rest).filter(|found| !found.is_empty())
        {
            end += found.end();
            continue;
        }
        let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let unblanked = &rest[blanks..];
        if let Some(found) =
            PREFIX.pick(unblanked).find(unblanked).filter(|found| !found.is_empty())
        {
            end += blanks + found.end();
            had_record_prefix = true;
            continue;
        }
        break;
    }
    // Indentation after a container prefix stays: it tells traceback frames from messages.
    if end == 0 {
        return (Vec::new(), false);
    }
    (vec![Edit::delete(0..end)], had_record_prefix)
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

/// Edits that trim the line and fold runs of blanks into one space.
pub(crate) fn fold_blanks(line: &str) -> Vec<Edit> {
    let mut edits = Vec::new();
    let bytes = line.as_bytes();
    let is_blank = |b: u8| b == b' ' || b == b'\t';
    let mut index = 0;
    // Every maximal run of spaces and tabs.
    while let Some(offset) = bytes[index..].iter().position(|b| is_blank(*b)) {
        let start = index + offset;
        let end =
            bytes[start..].iter().position(|b| !is_blank(*b)).map_or(bytes.len(), |n| start + n);
        let range = start..end;
        if range.start == 0 || range.end == line.len() {
            edits.push(Edit::delete(range));
        } else if &line[range.clone()] != " " {
            edits.push(Edit { range, replacement: " ", kind: SegmentKind::Replaced });
        }
        index = end;
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
        assert_eq!(run("\x1b[31mred\x1b[0m\r", strip_controls), "red");
        assert_eq!(run("a\x00\x01b", strip_controls), "a b");
        assert_eq!(run("  a \t b  ", fold_blanks), "a b");
    }
}
