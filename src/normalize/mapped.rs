//! Text that remembers where each byte came from in the caller's original input.
//!
//! Every normalization stage is a list of edits over the current text. Applying the edits yields
//! new text whose segments still point at original byte ranges, so spans found at the end of the
//! pipeline map straight back to the caller's text without composing per-stage maps.

use std::ops::Range;

/// What a segment of mapped text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SegmentKind {
    /// Copied byte for byte from the original.
    Copy,
    /// A replacement (placeholder, collapsed blank, unescaped character).
    Replaced,
    /// A secret's placeholder: its original bytes must never be shown.
    Secret,
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    out_start: usize,
    orig_start: usize,
    orig_end: usize,
    kind: SegmentKind,
}

/// One edit: replace `range` of the current text with `replacement`.
#[derive(Debug, Clone)]
pub(crate) struct Edit {
    pub(crate) range: Range<usize>,
    pub(crate) replacement: &'static str,
    pub(crate) kind: SegmentKind,
}

impl Edit {
    pub(crate) fn delete(range: Range<usize>) -> Edit {
        Edit { range, replacement: "", kind: SegmentKind::Replaced }
    }
}

/// Text plus a monotone map from its byte offsets to the original input's byte offsets.
#[derive(Debug, Clone, Default)]
pub(crate) struct MappedText {
    text: String,
    segments: Vec<Segment>,
    origin: usize,
}

impl MappedText {
    /// Wraps `original`, which starts at byte `origin` of the caller's input.
    pub(crate) fn new(original: &str, origin: usize) -> MappedText {
        let mut segments = Vec::new();
        if !original.is_empty() {
            segments.push(Segment {
                out_start: 0,
                orig_start: origin,
                orig_end: origin + original.len(),
                kind: SegmentKind::Copy,
            });
        }
        MappedText { text: original.to_string(), segments, origin }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// Applies `edits` (sorted by start, non-overlapping, on char boundaries). Without edits the
    /// text is returned as it is, with no copy.
    pub(crate) fn apply(self, edits: &[Edit]) -> MappedText {
        if edits.is_empty() {
            return self;
        }
        self.rebuilt(edits)
    }

    /// Like [`MappedText::apply`], leaving `self` as it is: with edits, no copy of `self` is made
    /// first.
    pub(crate) fn applied(&self, edits: &[Edit]) -> MappedText {
        if edits.is_empty() {
            return self.clone();
        }
        self.rebuilt(edits)
    }

    fn rebuilt(&self, edits: &[Edit]) -> MappedText {
        // The exact output length: placeholders are often longer than what they replace, and a
        // string that grows while it is built is copied again.
        let removed: usize = edits.iter().map(|edit| edit.range.len()).sum();
        let added: usize = edits.iter().map(|edit| edit.replacement.len()).sum();
        let mut out = MappedText {
            text: String::with_capacity(self.text.len() - removed + added),
            segments: Vec::with_capacity(self.segments.len() + edits.len() * 2),
            origin: self.origin,
        };
        let mut pos = 0;
        for edit in edits {
            debug_assert!(edit.range.start >= pos, "edits must be sorted and disjoint");
            self.copy_into(&mut out, pos..edit.range.start);
            if !edit.replacement.is_empty() {
                let kind = if self.overlaps_secret(edit.range.clone()) {
                    SegmentKind::Secret
                } else {
                    edit.kind
                };
                out.segments.push(Segment {
                    out_start: out.text.len(),
                    orig_start: self.to_original_start(edit.range.start),
                    orig_end: self.to_original_end(edit.range.end),
                    kind,
                });
                out.text.push_str(edit.replacement);
            }
            pos = edit.range.end;
        }
        self.copy_into(&mut out, pos..self.text.len());
        out
    }

    fn overlaps_secret(&self, range: Range<usize>) -> bool {
        self.segments_in(range).any(|(segment, _)| segment.kind == SegmentKind::Secret)
    }

    /// The segments overlapping `range`, each with its output end.
    fn segments_in(&self, range: Range<usize>) -> impl Iterator<Item = (&Segment, usize)> {
        let first = self.segment_index(range.start);
        self.segments[first..]
            .iter()
            .enumerate()
            .map(move |(i, segment)| (segment, self.segment_end(first + i)))
            .take_while(move |(segment, _)| segment.out_start < range.end.max(range.start + 1))
            .filter(move |(_, end)| *end > range.start)
    }

    fn copy_into(&self, out: &mut MappedText, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        let base = out.text.len();
        out.text.push_str(&self.text[range.clone()]);
        for (segment, segment_end) in self.segments_in(range.clone()) {
            let from = segment.out_start.max(range.start);
            let to = segment_end.min(range.end);
            let (orig_start, orig_end) = match segment.kind {
                SegmentKind::Copy => {
                    let start = segment.orig_start + (from - segment.out_start);
                    (start, start + (to - from))
                }
                SegmentKind::Replaced | SegmentKind::Secret => {
                    (segment.orig_start, segment.orig_end)
                }
            };
            out.segments.push(Segment {
                out_start: base + (from - range.start),
                orig_start,
                orig_end,
                kind: segment.kind,
            });
        }
    }

    fn segment_end(&self, index: usize) -> usize {
        self.segments.get(index + 1).map_or(self.text.len(), |next| next.out_start)
    }

    /// Index of the segment containing output offset `offset` (the last one when at the end).
    fn segment_index(&self, offset: usize) -> usize {
        self.segments.partition_point(|segment| segment.out_start <= offset).saturating_sub(1)
    }

    /// Maps an output offset used as a span start to the original input.
    pub(crate) fn to_original_start(&self, offset: usize) -> usize {
        if self.segments.is_empty() {
            return self.origin;
        }
        if offset >= self.text.len() {
            return self.segments.last().map_or(self.origin, |segment| segment.orig_end);
        }
        let segment = &self.segments[self.segment_index(offset)];
        match segment.kind {
            SegmentKind::Copy => segment.orig_start + (offset - segment.out_start),
            _ => segment.orig_start,
        }
    }

    /// Maps an output offset used as an exclusive span end to the original input.
    pub(crate) fn to_original_end(&self, offset: usize) -> usize {
        if self.segments.is_empty() {
            return self.origin;
        }
        if offset == 0 {
            return self.segments[0].orig_start;
        }
        let segment = &self.segments[self.segment_index(offset - 1)];
        match segment.kind {
            SegmentKind::Copy => segment.orig_start + (offset - segment.out_start),
            _ => segment.orig_end,
        }
    }

    /// Maps an original offset to this text's offset (the nearest segment boundary when the
    /// original byte was deleted or replaced).
    pub(crate) fn to_output_offset(&self, orig: usize) -> usize {
        let index = self.segments.partition_point(|segment| segment.orig_start <= orig);
        if index == 0 {
            return 0;
        }
        let segment = &self.segments[index - 1];
        let end = self.segment_end(index - 1);
        match segment.kind {
            SegmentKind::Copy if orig < segment.orig_end => {
                segment.out_start + (orig - segment.orig_start)
            }
            _ if orig <= segment.orig_start => segment.out_start,
            _ => end,
        }
    }

    /// True when any output byte in `range` stands for a secret.
    pub(crate) fn has_secret_in(&self, range: Range<usize>) -> bool {
        self.overlaps_secret(range)
    }

    /// Secret placeholders with their output and original ranges.
    pub(crate) fn secret_ranges(&self) -> impl Iterator<Item = (Range<usize>, Range<usize>)> + '_ {
        self.segments
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind == SegmentKind::Secret)
            .map(|(i, s)| (s.out_start..self.segment_end(i), s.orig_start..s.orig_end))
    }

    /// Appends `other` after `separator`; the separator maps to `separator_orig`.
    pub(crate) fn push(
        &mut self,
        separator: &'static str,
        separator_orig: Range<usize>,
        other: &MappedText,
    ) {
        if !separator.is_empty() {
            self.segments.push(Segment {
                out_start: self.text.len(),
                orig_start: separator_orig.start,
                orig_end: separator_orig.end,
                kind: SegmentKind::Replaced,
            });
            self.text.push_str(separator);
        }
        let base = self.text.len();
        self.segments.extend(
            other
                .segments
                .iter()
                .map(|segment| Segment { out_start: base + segment.out_start, ..*segment }),
        );
        self.text.push_str(&other.text);
    }

    #[cfg(test)]
    pub(crate) fn check_invariants(&self) {
        let mut last_out = 0;
        let mut last_orig = 0;
        for (i, segment) in self.segments.iter().enumerate() {
            assert!(segment.out_start >= last_out, "output starts are monotone");
            assert!(segment.orig_start >= last_orig, "original starts are monotone");
            assert!(segment.orig_start <= segment.orig_end);
            let end = self.segment_end(i);
            assert!(end > segment.out_start, "no empty segments");
            if segment.kind == SegmentKind::Copy {
                assert_eq!(end - segment.out_start, segment.orig_end - segment.orig_start);
            }
            last_out = segment.out_start;
            last_orig = segment.orig_start;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_keep_original_offsets() {
        let original = "xx key=abc123 at 2024-01-01";
        let text = MappedText::new(original, 100);
        let redacted = text.apply(&[Edit {
            range: 7..13,
            replacement: "<secret>",
            kind: SegmentKind::Secret,
        }]);
        assert_eq!(redacted.as_str(), "xx key=<secret> at 2024-01-01");
        let masked = redacted.clone().apply(&[
            Edit::delete(0..3),
            Edit { range: 19..29, replacement: "<ts>", kind: SegmentKind::Replaced },
        ]);
        assert_eq!(masked.as_str(), "key=<secret> at <ts>");
        masked.check_invariants();
        assert_eq!(masked.to_original_start(0), 103);
        assert_eq!(masked.to_original_start(4), 107);
        assert_eq!(masked.to_original_end(12), 113);
        assert_eq!(masked.to_original_end(20), 127);
        assert!(masked.has_secret_in(4..12));
        assert!(!masked.has_secret_in(0..4));
        assert_eq!(redacted.to_output_offset(114), 16);
    }

    #[test]
    fn replacing_over_a_secret_stays_secret() {
        let text = MappedText::new("https://h/x?key=abc", 0);
        let redacted = text.apply(&[Edit {
            range: 16..19,
            replacement: "<secret>",
            kind: SegmentKind::Secret,
        }]);
        let masked = redacted.apply(&[Edit {
            range: 0..24,
            replacement: "<url>",
            kind: SegmentKind::Replaced,
        }]);
        assert_eq!(masked.as_str(), "<url>");
        assert!(masked.has_secret_in(0..5));
    }
}
