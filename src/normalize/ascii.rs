//! Patterns restricted to ASCII, for ASCII text.
//!
//! On a haystack that is all ASCII, a pattern with every character class cut down to its ASCII
//! members and every Unicode word boundary turned into an ASCII one matches exactly as the
//! original does: the haystack holds no other characters, and the Unicode word characters among
//! ASCII are the ASCII word characters. The restricted pattern is far smaller (`\w`, `\S` and
//! `[\s\S]` become a few byte ranges instead of large UTF-8 automata), so it compiles faster and
//! its lazy DFA never gives up on Unicode word boundaries. Log lines are nearly always ASCII.

use regex::Regex;
use regex_automata::meta;
use regex_syntax::hir::{Capture, Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look};

/// `hir` with every class restricted to ASCII and every word boundary made ASCII: equivalent to
/// `hir` on ASCII haystacks.
pub(crate) fn restrict_to_ascii(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => {
            let mut ascii = class.clone();
            ascii.intersect(&ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7f')]));
            Hir::class(Class::Unicode(ascii))
        }
        HirKind::Look(look) => Hir::look(match look {
            Look::WordUnicode => Look::WordAscii,
            Look::WordUnicodeNegate => Look::WordAsciiNegate,
            Look::WordStartUnicode => Look::WordStartAscii,
            Look::WordEndUnicode => Look::WordEndAscii,
            Look::WordStartHalfUnicode => Look::WordStartHalfAscii,
            Look::WordEndHalfUnicode => Look::WordEndHalfAscii,
            other => *other,
        }),
        HirKind::Repetition(repetition) => {
            let mut repetition = repetition.clone();
            repetition.sub = Box::new(restrict_to_ascii(&repetition.sub));
            Hir::repetition(repetition)
        }
        HirKind::Capture(capture) => Hir::capture(Capture {
            sub: Box::new(restrict_to_ascii(&capture.sub)),
            ..capture.clone()
        }),
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(restrict_to_ascii).collect()),
        HirKind::Alternation(branches) => {
            Hir::alternation(branches.iter().map(restrict_to_ascii).collect())
        }
        // Literals, byte classes and the empty pattern are unchanged: a non-ASCII literal simply
        // never matches ASCII text.
        _ => hir.clone(),
    }
}

/// The pattern text of `pattern` restricted to ASCII, or `None` when it does not parse.
pub(crate) fn ascii_pattern(pattern: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    Some(restrict_to_ascii(&hir).to_string())
}

/// A built-in pattern compiled as written and restricted to ASCII; [`Dual::pick`] chooses by the
/// haystack. Both have the same capture groups in the same order.
#[derive(Debug)]
pub(crate) struct Dual {
    unicode: Regex,
    ascii: Regex,
}

impl Dual {
    /// Compiles `pattern` both ways. Panics on an invalid pattern: only built-in patterns are
    /// compiled this way.
    pub(crate) fn new(pattern: &str) -> Dual {
        let unicode = Regex::new(pattern).expect("built-in patterns are valid");
        let ascii = Regex::new(&ascii_pattern(pattern).expect("built-in patterns parse"))
            .expect("an ASCII restriction of a valid pattern is valid");
        debug_assert!(unicode.capture_names().eq(ascii.capture_names()));
        Dual { unicode, ascii }
    }

    /// The regex to run on `haystack` (and on any part of it).
    pub(crate) fn pick(&self, haystack: &str) -> &Regex {
        if haystack.is_ascii() { &self.ascii } else { &self.unicode }
    }

    /// The pattern as written, for haystacks that may hold other characters.
    #[cfg(test)]
    pub(crate) fn unicode(&self) -> &Regex {
        &self.unicode
    }

    /// The ASCII restriction: only for haystacks known to be ASCII.
    #[cfg(test)]
    pub(crate) fn ascii(&self) -> &Regex {
        &self.ascii
    }
}

/// A built-in pattern that is an alternation, compiled as one regex per branch (leftmost-first
/// over the branches in order, which matches exactly as the alternation does), as written and
/// restricted to ASCII. A match says which branch matched by its pattern number, found by the
/// DFA, with no capture search; a branch's groups keep their names.
#[derive(Debug)]
pub(crate) struct Alternatives {
    unicode: meta::Regex,
    ascii: meta::Regex,
}

impl Alternatives {
    /// Compiles the alternation of `branches`. Panics on an invalid pattern: only built-in
    /// patterns are compiled this way.
    pub(crate) fn new(branches: &[&str]) -> Alternatives {
        let unicode: Vec<Hir> = branches
            .iter()
            .map(|branch| {
                regex_syntax::Parser::new().parse(branch).expect("built-in patterns parse")
            })
            .collect();
        let ascii: Vec<Hir> = unicode.iter().map(restrict_to_ascii).collect();
        let build = |hirs: &[Hir]| {
            meta::Builder::new().build_many_from_hir(hirs).expect("built-in patterns compile")
        };
        Alternatives { unicode: build(&unicode), ascii: build(&ascii) }
    }

    /// The regex to run on `haystack`.
    pub(crate) fn pick(&self, haystack: &str) -> &meta::Regex {
        self.for_ascii(haystack.is_ascii())
    }

    /// The regex to run on a haystack already known to be ASCII or not.
    pub(crate) fn for_ascii(&self, ascii: bool) -> &meta::Regex {
        if ascii { &self.ascii } else { &self.unicode }
    }

    /// The pattern number of the branch holding the group named `name`.
    pub(crate) fn index(&self, name: &str) -> usize {
        let info = self.unicode.group_info();
        (0..self.unicode.pattern_len())
            .find(|index| {
                let pattern = regex_automata::PatternID::new(*index).expect("a few patterns");
                info.to_index(pattern, name).is_some()
            })
            .expect("the pattern names this group")
    }

    /// The span of group `name` in `found`, a match of `regex` (one of [`Alternatives::pick`])
    /// in `haystack`: the capture search runs on the match alone.
    pub(crate) fn group(
        regex: &meta::Regex,
        haystack: &str,
        found: &regex_automata::Match,
        name: &str,
    ) -> Option<std::ops::Range<usize>> {
        let input = regex_automata::Input::new(haystack)
            .span(found.range())
            .anchored(regex_automata::Anchored::Pattern(found.pattern()));
        let mut captures = regex.create_captures();
        regex.search_captures(&input, &mut captures);
        captures.get_group_by_name(name).map(|span| span.range())
    }

    #[cfg(test)]
    pub(crate) fn unicode(&self) -> &meta::Regex {
        &self.unicode
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_restriction_agrees_on_ascii_text() {
        let patterns = [
            r"\b\w+\b",
            r"(?i)status[\s:]{0,3}(?P<code>\d{3})\b",
            r"[^\s/]+://[\s\S]{0,20}?end",
            r"\B-\d+",
        ];
        let haystacks = [
            "status: 429 too many",
            "x STATUS 500",
            "https://a.b/c?end and end",
            "a -12 b-3",
            "",
            "under_score9 words",
        ];
        for pattern in patterns {
            let dual = Dual::new(pattern);
            for haystack in haystacks {
                let unicode: Vec<_> =
                    dual.unicode().captures_iter(haystack).map(|c| format!("{c:?}")).collect();
                let ascii: Vec<_> =
                    dual.ascii().captures_iter(haystack).map(|c| format!("{c:?}")).collect();
                assert_eq!(unicode, ascii, "{pattern} on {haystack:?}");
            }
        }
    }

    #[test]
    fn alternatives_match_as_the_alternation_with_groups() {
        let branches =
            [r"(?P<word>\b[a-z]+\b)", r"(?P<num>\d+(?:\.\d+)*)", r"(?P<pair>[a-z]+=\d+)"];
        let alternatives = Alternatives::new(&branches);
        let alternation = Regex::new(&branches.join("|")).unwrap();
        for haystack in ["abc 12.5 x=3 é9 ab=cd", "", "1.2.3.4 zz", "ñandú 42"] {
            let expected: Vec<_> = alternation
                .captures_iter(haystack)
                .map(|captures| {
                    let group = (1..=3).find(|index| captures.get(*index).is_some()).unwrap();
                    (captures.get(0).unwrap().range(), group - 1)
                })
                .collect();
            for regex in [alternatives.pick(haystack), alternatives.unicode()] {
                let found: Vec<_> = regex
                    .find_iter(haystack)
                    .map(|found| (found.range(), found.pattern().as_usize()))
                    .collect();
                assert_eq!(found, expected, "{haystack:?}");
            }
        }
        assert_eq!(alternatives.index("pair"), 2);
        let haystack = "abc 12.5";
        let regex = alternatives.pick(haystack);
        let number = regex.find_iter(haystack).nth(1).unwrap();
        assert_eq!(Alternatives::group(regex, haystack, &number, "num"), Some(4..8));
        assert_eq!(Alternatives::group(regex, haystack, &number, "word"), None);
    }

    #[test]
    fn non_ascii_text_uses_the_pattern_as_written() {
        let dual = Dual::new(r"\bError\b");
        // `é` is a word character: no boundary before `Error` in Unicode, one in ASCII.
        assert!(!dual.pick("éError").is_match("éError"));
        assert!(dual.ascii().is_match("éError"));
    }
}
