//! `errsig eval`: reads labelled sets (`<dir>/cases.toml` beside the logs) and negatives, scores
//! errsig and its baselines with the library's evaluation, prints tables (or JSON), and checks
//! the floors a CI run must not fall below.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use errsig::{Engine, EvalCase, EvalScores, EvalSystem, evaluate};
use serde::Deserialize;

use super::args::EvalArgs;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    #[serde(rename = "case", default)]
    cases: Vec<CaseEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseEntry {
    file: PathBuf,
    expected: Option<String>,
    source: String,
    #[serde(default)]
    #[expect(dead_code, reason = "for people reading the manifest; parsed so typos are caught")]
    note: String,
}

/// Floors: `[sets.<name>] top1 = 0.95` and `max_false_positive_rate = 0.03`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Floors {
    #[serde(default)]
    sets: BTreeMap<String, SetFloor>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetFloor {
    top1: Option<f64>,
    max_false_positive_rate: Option<f64>,
}

/// Reads one set: every case's log, labelled, with the set named after the directory.
fn read_set(dir: &Path) -> anyhow::Result<Vec<EvalCase>> {
    let manifest = dir.join("cases.toml");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("cannot read `{}`", manifest.display()))?;
    let file: CaseFile =
        toml::from_str(&text).with_context(|| format!("`{}` is invalid", manifest.display()))?;
    let set = set_name(dir);
    let mut cases = Vec::with_capacity(file.cases.len());
    for entry in file.cases {
        if entry.source.trim().is_empty() {
            bail!("`{}`: case `{}` has no source", manifest.display(), entry.file.display());
        }
        let path = dir.join(&entry.file);
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
        cases.push(EvalCase {
            set: set.clone(),
            name: entry.file.display().to_string(),
            text: String::from_utf8_lossy(&bytes).into_owned(),
            expected: entry.expected,
        });
    }
    Ok(cases)
}

/// Every `*.log` under `dir` as a negative: no known problem in it.
fn read_negatives(dir: &Path) -> anyhow::Result<Vec<EvalCase>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read `{}`", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "log"))
        .collect();
    paths.sort();
    let set = set_name(dir);
    paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path)
                .with_context(|| format!("cannot read `{}`", path.display()))?;
            Ok(EvalCase {
                set: set.clone(),
                name: path.file_name().unwrap_or_default().to_string_lossy().into_owned(),
                text: String::from_utf8_lossy(&bytes).into_owned(),
                expected: None,
            })
        })
        .collect()
}

fn set_name(dir: &Path) -> String {
    dir.file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned())
}

struct SetResult {
    name: String,
    systems: Vec<(&'static str, EvalScores)>,
}

pub(crate) fn run(
    args: EvalArgs,
    engine: &Engine,
    without_fuzzy: Option<&Engine>,
) -> anyhow::Result<ExitCode> {
    let mut sets: Vec<(String, Vec<EvalCase>)> = Vec::new();
    for dir in &args.sets {
        let cases = read_set(dir)?;
        sets.push((set_name(dir), cases));
    }
    for dir in &args.negatives {
        let cases = read_negatives(dir)?;
        sets.push((set_name(dir), cases));
    }
    if sets.is_empty() {
        bail!("name at least one set directory (with cases.toml) or --negatives DIR");
    }
    for (name, cases) in &sets {
        for case in cases {
            if let Some(expected) = &case.expected
                && engine.signature(expected).is_none()
            {
                bail!(
                    "set `{name}`, case `{}`: no signature `{expected}` in the corpus",
                    case.name
                );
            }
        }
    }

    let results: Vec<SetResult> = sets
        .iter()
        .map(|(name, cases)| {
            let mut systems = vec![("errsig", evaluate(engine, EvalSystem::Errsig, cases))];
            if let Some(without_fuzzy) = without_fuzzy {
                systems
                    .push(("errsig-no-fuzzy", evaluate(without_fuzzy, EvalSystem::Errsig, cases)));
                systems.push(("bm25-only", evaluate(engine, EvalSystem::Bm25, cases)));
                systems.push(("substring", evaluate(engine, EvalSystem::Substring, cases)));
            }
            SetResult { name: name.clone(), systems }
        })
        .collect();

    let floors = match &args.floors {
        Some(path) => Some(read_floors(path)?),
        None => None,
    };
    let failures = floors.map(|floors| check_floors(&floors, &results)).unwrap_or_default();

    let mut out = anstream::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &to_json(&results, &failures))?;
        writeln!(out)?;
    } else {
        print_tables(&mut out, &results, args.misses)?;
        for failure in &failures {
            writeln!(out, "FLOOR: {failure}")?;
        }
    }
    Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn read_floors(path: &Path) -> anyhow::Result<Floors> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the floors `{}`", path.display()))?;
    toml::from_str(&text).with_context(|| format!("the floors `{}` are invalid", path.display()))
}

fn check_floors(floors: &Floors, results: &[SetResult]) -> Vec<String> {
    let mut failures = Vec::new();
    for (set, floor) in &floors.sets {
        let Some(result) = results.iter().find(|result| &result.name == set) else {
            failures.push(format!("set `{set}` has a floor but was not evaluated"));
            continue;
        };
        let scores = &result.systems[0].1;
        if let Some(min) = floor.top1 {
            match scores.top1 {
                Some(top1) if top1 + 1e-9 >= min => {}
                got => failures.push(format!(
                    "`{set}` top-1 is {} (floor {})",
                    percent(got),
                    percent(Some(min))
                )),
            }
        }
        if let Some(max) = floor.max_false_positive_rate {
            match scores.false_positive_rate {
                Some(rate) if rate <= max + 1e-9 => {}
                got => failures.push(format!(
                    "`{set}` false-positive rate is {} (at most {})",
                    percent(got),
                    percent(Some(max))
                )),
            }
        }
    }
    failures
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |value| format!("{:.1}%", value * 100.0))
}

fn print_tables(out: &mut impl Write, results: &[SetResult], misses: bool) -> anyhow::Result<()> {
    writeln!(
        out,
        "{:<14} {:<16} {:>5} {:>5} {:>7} {:>7} {:>6} {:>8} {:>6}",
        "set", "system", "pos", "neg", "top-1", "top-3", "MRR", "FP-rate", "ECE"
    )?;
    for result in results {
        for (label, scores) in &result.systems {
            writeln!(
                out,
                "{:<14} {:<16} {:>5} {:>5} {:>7} {:>7} {:>6} {:>8} {:>6}",
                result.name,
                label,
                scores.positives,
                scores.negatives,
                percent(scores.top1),
                percent(scores.top3),
                scores.mean_reciprocal_rank.map_or_else(|| "-".into(), |v| format!("{v:.3}")),
                percent(scores.false_positive_rate),
                scores.calibration_error.map_or_else(|| "-".into(), |v| format!("{v:.3}")),
            )?;
        }
    }
    let all: Vec<&EvalScores> = results.iter().map(|result| &result.systems[0].1).collect();
    writeln!(out, "\ncalibration of errsig's first answers (all sets):")?;
    writeln!(out, "{:<13} {:>7} {:>8} {:>9}", "confidence", "answers", "correct", "accuracy")?;
    for index in 0..all.first().map_or(0, |scores| scores.calibration.len()) {
        let bin = all[0].calibration[index];
        let answers: usize = all.iter().map(|scores| scores.calibration[index].answers).sum();
        let correct: usize = all.iter().map(|scores| scores.calibration[index].correct).sum();
        let accuracy = (answers > 0).then(|| correct as f64 / answers as f64);
        writeln!(
            out,
            "{:.2}-{:.2}    {:>7} {:>8} {:>9}",
            bin.lower,
            bin.upper,
            answers,
            correct,
            percent(accuracy)
        )?;
    }
    if misses {
        for result in results {
            let scores = &result.systems[0].1;
            let missed: Vec<_> = scores.misses().collect();
            if missed.is_empty() {
                continue;
            }
            writeln!(out, "\nmisses in `{}` ({}):", result.name, missed.len())?;
            for outcome in missed {
                let got = outcome.ranked.first().map_or_else(
                    || "no confident match".to_string(),
                    |(id, c)| format!("{id} ({c:.2})"),
                );
                writeln!(
                    out,
                    "  {}: expected {}, got {got}",
                    outcome.name,
                    outcome.expected.as_deref().unwrap_or("nothing")
                )?;
            }
        }
    }
    Ok(())
}

fn to_json(results: &[SetResult], failures: &[String]) -> serde_json::Value {
    let sets: Vec<serde_json::Value> = results
        .iter()
        .map(|result| {
            let systems: Vec<serde_json::Value> = result
                .systems
                .iter()
                .map(|(label, scores)| {
                    serde_json::json!({
                        "system": label,
                        "positives": scores.positives,
                        "negatives": scores.negatives,
                        "top1": scores.top1,
                        "top3": scores.top3,
                        "mean_reciprocal_rank": scores.mean_reciprocal_rank,
                        "false_positive_rate": scores.false_positive_rate,
                        "calibration_error": scores.calibration_error,
                        "calibration": scores.calibration.iter().map(|bin| serde_json::json!({
                            "lower": bin.lower, "upper": bin.upper, "answers": bin.answers,
                            "correct": bin.correct, "mean_confidence": bin.mean_confidence,
                        })).collect::<Vec<_>>(),
                        "per_signature": scores.per_signature.iter().map(|(id, counts)| (id.clone(), serde_json::json!({
                            "true_positives": counts.true_positives,
                            "false_positives": counts.false_positives,
                            "false_negatives": counts.false_negatives,
                            "precision": counts.precision(),
                            "recall": counts.recall(),
                        }))).collect::<serde_json::Map<_, _>>(),
                        "misses": scores.misses().map(|outcome| serde_json::json!({
                            "case": outcome.name,
                            "expected": outcome.expected,
                            "got": outcome.ranked.first().map(|(id, _)| id),
                            "confidence": outcome.ranked.first().map(|(_, c)| c),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            serde_json::json!({ "set": result.name, "systems": systems })
        })
        .collect();
    serde_json::json!({ "schema_version": 1, "sets": sets, "floor_failures": failures })
}
