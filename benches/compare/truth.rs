//! The ground truth written by `loggen` (`truth.jsonl`, `summary.json`), and the rules each design
//! is held to.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Context;

/// What was planted in a log.
#[derive(Debug, Default)]
pub struct Truth {
    /// First line of each matching record -> (last line, signature id).
    pub matches: BTreeMap<usize, (usize, String)>,
    /// First line of each near miss -> (last line, the signature it must not match).
    pub near_misses: BTreeMap<usize, (usize, String)>,
    /// Lines that carry a planted secret.
    pub secrets: BTreeSet<usize>,
    pub bytes: u64,
    pub lines: u64,
}

impl Truth {
    pub fn load(dir: &Path) -> anyhow::Result<Truth> {
        let mut truth = Truth::default();
        let text = std::fs::read_to_string(dir.join("truth.jsonl"))
            .with_context(|| format!("cannot read {}/truth.jsonl", dir.display()))?;
        for line in text.lines() {
            let value: serde_json::Value = serde_json::from_str(line)?;
            let first = value["line"].as_u64().context("truth: line")? as usize;
            let last = value["last"].as_u64().context("truth: last")? as usize;
            match value["kind"].as_str() {
                Some("match") => {
                    let id = value["id"].as_str().context("truth: id")?.to_string();
                    truth.matches.insert(first, (last, id));
                }
                Some("near_miss") => {
                    let id = value["not"].as_str().context("truth: not")?.to_string();
                    truth.near_misses.insert(first, (last, id));
                }
                Some("secret") => {
                    truth.secrets.insert(first);
                }
                other => anyhow::bail!("truth: unknown kind {other:?}"),
            }
        }
        let summary: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("summary.json")).context("summary.json")?,
        )?;
        truth.bytes = summary["bytes"].as_u64().context("summary: bytes")?;
        truth.lines = summary["lines"].as_u64().context("summary: lines")?;
        Ok(truth)
    }

    /// Matching records per signature whose first line is at most `last_line`.
    pub fn counts_until(&self, last_line: usize) -> BTreeMap<String, u64> {
        let mut counts = BTreeMap::new();
        for (_, (_, id)) in self.matches.range(..=last_line) {
            *counts.entry(id.clone()).or_default() += 1;
        }
        counts
    }
}

/// Compares per-signature counts; `exact` demands equality for every id, otherwise every planted
/// id must be found at least as often as planted (recall) and extra ids are only counted.
pub fn compare_counts(
    found: &BTreeMap<String, u64>,
    expected: &BTreeMap<String, u64>,
    exact: bool,
) -> (bool, String) {
    let mut missing = 0u64;
    let mut extra = 0u64;
    let mut first_problem = None;
    for (id, &want) in expected {
        let got = found.get(id).copied().unwrap_or(0);
        if got < want {
            missing += want - got;
            first_problem.get_or_insert_with(|| format!("{id}: found {got}, planted {want}"));
        } else if got > want {
            extra += got - want;
            if exact {
                first_problem.get_or_insert_with(|| format!("{id}: found {got}, planted {want}"));
            }
        }
    }
    for (id, &got) in found {
        if !expected.contains_key(id) {
            extra += got;
            if exact {
                first_problem.get_or_insert_with(|| format!("{id}: found {got}, planted 0"));
            }
        }
    }
    let want: u64 = expected.values().sum();
    let got: u64 = found.values().sum();
    let ok = missing == 0 && (!exact || extra == 0);
    let mut message = format!("{} planted, {got} found, {missing} missed, {extra} extra", want);
    if !ok {
        if let Some(problem) = first_problem {
            message.push_str(&format!(" (first: {problem})"));
        }
    }
    (ok, message)
}
