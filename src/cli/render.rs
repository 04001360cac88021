//! Human-readable output.

use std::collections::BTreeMap;
use std::io::Write;

use anstyle::{AnsiColor, Style};
use errsig::{MatchKind, MatchReport, Normalized, Occurrence, Signature, Verdict};

const TITLE: Style = Style::new().bold();
const ID: Style = AnsiColor::Cyan.on_default();
const HIT: Style = AnsiColor::Red.on_default().bold();
const QUIET: Style = Style::new().dimmed();
const GOOD: Style = AnsiColor::Green.on_default().bold();

/// Writes one input's report. `original` is the input as matched, for highlighting spans; the
/// styles are stripped by anstream when colour is off.
pub(crate) fn report(
    out: &mut impl Write,
    name: &str,
    original: &str,
    report: &MatchReport,
    explain: bool,
) -> std::io::Result<()> {
    let input = report.input();
    match report.verdict() {
        Verdict::EmptyInput => writeln!(out, "{name}: empty input, nothing to match")?,
        Verdict::NoConfidentMatch => writeln!(out, "{name}: no confident match")?,
        _ => writeln!(out, "{name}: {} known problem(s)", report.matches().len())?,
    }
    if input.lossy_utf8 {
        writeln!(out, "note: the input was not valid UTF-8; invalid bytes were replaced")?;
    }
    if let Some(truncated) = input.truncated {
        writeln!(
            out,
            "note: the input was too large; {} bytes in the middle were skipped",
            truncated.skipped_bytes
        )?;
    }
    for (rank, found) in report.matches().iter().enumerate() {
        let signature = found.signature();
        writeln!(out)?;
        writeln!(
            out,
            "{TITLE}{}. {}{TITLE:#}  {ID}[{}]{ID:#}",
            rank + 1,
            signature.title(),
            signature.id()
        )?;
        let kind = match found.kind() {
            MatchKind::Verified => "verified".to_string(),
            MatchKind::Fuzzy { similarity } => format!("fuzzy, similarity {similarity:.2}"),
            _ => "other".to_string(),
        };
        let lines: Vec<String> = found
            .occurrences()
            .iter()
            .map(|o| {
                if o.line_range().0 == o.line_range().1 {
                    o.line_range().0.to_string()
                } else {
                    format!("{}-{}", o.line_range().0, o.line_range().1)
                }
            })
            .collect();
        writeln!(
            out,
            "   confidence {GOOD}{:.2}{GOOD:#} ({kind}), seen {} time(s), lines {}",
            found.confidence().value(),
            found.occurrence_count(),
            lines.join(", ")
        )?;
        for occurrence in found.occurrences().iter().take(2) {
            for (number, text) in occurrence.lines() {
                writeln!(
                    out,
                    "   {QUIET}{number:>5} |{QUIET:#} {}",
                    highlighted(original, occurrence, *number, text)
                )?;
            }
        }
        if !found.variables().is_empty() {
            let vars: Vec<String> =
                found.variables().iter().map(|(k, v)| format!("{k}={v}")).collect();
            writeln!(out, "   captured: {}", vars.join(", "))?;
        }
        if explain {
            let why = found.explanation();
            writeln!(
                out,
                "   why: anchors {:?}; specificity {:.2}; boosts {:?} of {}; final exception: {}{}",
                why.anchors(),
                why.specificity(),
                why.boosts(),
                why.boost_total(),
                why.in_final_exception(),
                why.ranked_below()
                    .map(|id| format!("; ranked below its cause {id}"))
                    .unwrap_or_default()
            )?;
            if rank > 0 {
                writeln!(out, "   {}", runner_up_reason(&report.matches()[0], found))?;
            }
        }
        writeln!(out)?;
        writeln!(out, "   What it means:")?;
        let article = found.article();
        indent(out, &article.summary, 5)?;
        writeln!(out, "   Fixes:")?;
        for (index, fix) in article.fixes.iter().enumerate() {
            writeln!(out, "     {}) {}", index + 1, fix.title)?;
            if let Some(body) = &fix.body {
                indent(out, body, 8)?;
            }
            if let Some(code) = &fix.code {
                writeln!(out, "        ```{}", fix.lang.as_deref().unwrap_or(""))?;
                indent(out, code, 8)?;
                writeln!(out, "        ```")?;
            }
        }
        writeln!(out, "   Verify:")?;
        indent(out, &article.verify, 5)?;
    }
    if report.matches().is_empty() && !report.suggestions().is_empty() {
        writeln!(out, "nearest articles (low confidence):")?;
        for suggestion in report.suggestions() {
            writeln!(
                out,
                "   {:.2}  {}  {}",
                suggestion.confidence().value(),
                suggestion.signature_id(),
                suggestion.signature().title()
            )?;
        }
    }
    let mut families: BTreeMap<&str, usize> = BTreeMap::new();
    for redaction in report.redactions() {
        *families.entry(redaction.family()).or_default() += 1;
    }
    if !families.is_empty() {
        let list: Vec<String> =
            families.iter().map(|(family, n)| format!("{n} {family}")).collect();
        writeln!(out, "\nredacted before matching: {} (nothing is stored)", list.join(", "))?;
    }
    Ok(())
}

/// Why `loser` ranks below `winner`, from the parts of their confidence.
fn runner_up_reason(winner: &errsig::Match, loser: &errsig::Match) -> String {
    let (won, lost) = (winner.explanation(), loser.explanation());
    let mut parts = Vec::new();
    if let Some(cause) = lost.ranked_below() {
        parts.push(format!("it is a symptom of {cause}"));
    }
    if matches!(loser.kind(), MatchKind::Fuzzy { .. })
        && matches!(winner.kind(), MatchKind::Verified)
    {
        parts.push("it matched only by similarity, the winner by its patterns".to_string());
    }
    if lost.specificity() < won.specificity() {
        parts.push(format!(
            "less specific ({:.2} vs {:.2})",
            lost.specificity(),
            won.specificity()
        ));
    }
    if lost.boosts().len() < won.boosts().len() {
        parts.push(format!(
            "less corroborating evidence ({} vs {})",
            lost.boosts().len(),
            won.boosts().len()
        ));
    }
    if won.in_final_exception() && !lost.in_final_exception() {
        parts.push("not in the final exception of the traceback".to_string());
    }
    if parts.is_empty() {
        parts.push("equal evidence; ties go to the id in alphabetical order".to_string());
    }
    format!(
        "below {} ({:.2} vs {:.2}): {}",
        winner.signature_id(),
        loser.confidence().value(),
        winner.confidence().value(),
        parts.join("; ")
    )
}

/// The line with the occurrence's matched spans highlighted, when the shown line is the original
/// line (a line with a redacted secret is shown as is, since its offsets differ).
fn highlighted(original: &str, occurrence: &Occurrence, number: usize, shown: &str) -> String {
    let Some((start, line)) = nth_line(original, number) else {
        return shown.to_string();
    };
    if line != shown {
        return shown.to_string();
    }
    let end = start + line.len();
    let mut ranges: Vec<(usize, usize)> = occurrence
        .spans()
        .iter()
        .filter(|span| span.start() < end && span.end() > start)
        .map(|span| (span.start().max(start) - start, span.end().min(end) - start))
        .filter(|(from, to)| {
            from < to && line.is_char_boundary(*from) && line.is_char_boundary(*to)
        })
        .collect();
    ranges.sort_unstable();
    let mut out = String::with_capacity(line.len() + 16);
    let mut position = 0;
    for (from, to) in ranges {
        if from < position {
            continue;
        }
        out.push_str(&line[position..from]);
        out.push_str(&format!("{HIT}{}{HIT:#}", &line[from..to]));
        position = to;
    }
    out.push_str(&line[position..]);
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

fn indent(out: &mut impl Write, text: &str, width: usize) -> std::io::Result<()> {
    for line in text.lines() {
        if line.is_empty() {
            writeln!(out)?;
        } else {
            writeln!(out, "{:width$}{line}", "")?;
        }
    }
    Ok(())
}

pub(crate) fn normalized(out: &mut impl Write, normalized: &Normalized) -> std::io::Result<()> {
    for event in normalized.events() {
        let (first, last) = event.lines();
        writeln!(out, "--- {} (lines {first}-{last})", event.kind().as_str())?;
        writeln!(out, "{}", event.text())?;
    }
    if !normalized.evidence().is_empty() {
        writeln!(out, "--- evidence")?;
        for item in normalized.evidence() {
            writeln!(
                out,
                "line {}: {} = {}",
                item.line(),
                item.kind().name(),
                item.kind().display_value()
            )?;
        }
    }
    if !normalized.redactions().is_empty() {
        writeln!(out, "--- redacted")?;
        for item in normalized.redactions() {
            writeln!(out, "line {}: {}", item.line(), item.family())?;
        }
    }
    Ok(())
}

pub(crate) fn article(out: &mut impl Write, signature: &Signature) -> std::io::Result<()> {
    let article = signature.article();
    writeln!(out, "{}  [{}]", signature.title(), signature.id())?;
    writeln!(
        out,
        "tool {}, area {}, providers {}",
        signature.tags().tool,
        signature.tags().area,
        signature.tags().providers.join(", ")
    )?;
    writeln!(out, "\nWhat it means:")?;
    indent(out, &article.summary, 2)?;
    writeln!(out, "\nCauses:")?;
    for cause in &article.causes {
        writeln!(out, "  - {cause}")?;
    }
    writeln!(out, "\nFixes:")?;
    for (index, fix) in article.fixes.iter().enumerate() {
        writeln!(out, "  {}) {}", index + 1, fix.title)?;
        if let Some(body) = &fix.body {
            indent(out, body, 5)?;
        }
        if let Some(code) = &fix.code {
            writeln!(out, "     ```{}", fix.lang.as_deref().unwrap_or(""))?;
            indent(out, code, 5)?;
            writeln!(out, "     ```")?;
        }
    }
    writeln!(out, "\nVerify:")?;
    indent(out, &article.verify, 2)?;
    if let Some(note) = &signature.versions().note {
        writeln!(out, "\nVersions:")?;
        indent(out, note, 2)?;
    }
    writeln!(out, "\nSources:")?;
    for source in signature.sources() {
        writeln!(out, "  - {source}")?;
    }
    Ok(())
}
