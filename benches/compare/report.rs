//! Renders the runs recorded by `benches/compare.sh` as Markdown: one table per corpus, the
//! ratios of errsig to each peer, and the issue's targets with the measured value beside each.
//!
//! A run `NAME` is three files in the results directory: `NAME.meta.json` (what ran, on which
//! inputs, written by the script), `NAME.out` (its standard output) and `NAME.time`
//! (`/usr/bin/time -v`). CLI runs also have `NAME.check` (`compare check-cli`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use serde_json::Value;

use super::truth::Truth;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The results directory.
    #[arg(long)]
    results: PathBuf,
    /// Append the section to this file (created with a header when missing).
    #[arg(long)]
    out: Option<PathBuf>,
    /// The section title.
    #[arg(long, default_value = "Run")]
    title: String,
    /// The commit measured.
    #[arg(long, default_value = "unknown")]
    commit: String,
    /// The date of the run.
    #[arg(long, default_value = "unknown")]
    date: String,
}

/// One recorded run.
#[derive(Debug, Clone)]
struct Row {
    name: String,
    corpus: String,
    kind: String,
    command: String,
    signatures: u64,
    bytes: u64,
    lines: u64,
    /// Seconds of the measured part: in-process matching for Rust peers, the whole process for
    /// external tools.
    seconds: f64,
    extrapolated: bool,
    /// CPU seconds of the measured part (the loop's thread for Rust peers, the process for
    /// external tools).
    measured_cpu: f64,
    wall: f64,
    cpu: f64,
    rss_kib: u64,
    build_s: Option<f64>,
    build_cpu: Option<f64>,
    check: String,
    detail: String,
}

impl Row {
    /// Bytes per CPU second: the whole process's user + system time for external tools, the
    /// matching loop's thread for in-process peers.
    fn mb_per_cpu_s(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.measured_cpu.max(1e-9)
    }

    fn lines_per_cpu_s(&self) -> f64 {
        self.lines as f64 / self.measured_cpu.max(1e-9)
    }
}

fn parse_time(text: &str) -> (f64, f64, u64, i64) {
    let mut wall = 0.0;
    let mut cpu = 0.0;
    let mut rss = 0;
    let mut status = -1;
    for line in text.lines() {
        let line = line.trim();
        let value = line.rsplit(": ").next().unwrap_or("").trim();
        if line.starts_with("User time") || line.starts_with("System time") {
            cpu += value.parse::<f64>().unwrap_or(0.0);
        } else if line.starts_with("Elapsed (wall clock)") {
            // h:mm:ss or m:ss.ss
            wall = value
                .split(':')
                .fold(0.0, |acc, part| acc * 60.0 + part.parse::<f64>().unwrap_or(0.0));
        } else if line.starts_with("Maximum resident set size") {
            rss = value.parse().unwrap_or(0);
        } else if line.starts_with("Exit status") && status == -1 {
            status = value.parse().unwrap_or(-1);
        } else if let Some(signal) = line.strip_prefix("Command terminated by signal ") {
            // `time` then reports exit status 0; report it as the shell would.
            status = 128 + signal.trim().parse::<i64>().unwrap_or(0);
        }
    }
    (wall, cpu, rss, status)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn load_row(dir: &Path, name: &str) -> anyhow::Result<Row> {
    let meta: Value = serde_json::from_str(&read(&dir.join(format!("{name}.meta.json"))))
        .with_context(|| format!("{name}.meta.json"))?;
    let out = read(&dir.join(format!("{name}.out")));
    let (wall, cpu, rss_kib, status) = parse_time(&read(&dir.join(format!("{name}.time"))));
    let kind = meta["kind"].as_str().unwrap_or("").to_string();
    let log_dir = meta["log_dir"].as_str().map(PathBuf::from);
    let (bytes, lines) = match &log_dir {
        Some(dir) => {
            let summary: Value =
                serde_json::from_str(&read(&dir.join("summary.json"))).unwrap_or(Value::Null);
            (summary["bytes"].as_u64().unwrap_or(0), summary["lines"].as_u64().unwrap_or(0))
        }
        None => (0, 0),
    };
    let mut row = Row {
        name: meta["name"].as_str().unwrap_or(name).to_string(),
        corpus: meta["corpus"].as_str().unwrap_or("").to_string(),
        kind: kind.clone(),
        command: meta["command"].as_str().unwrap_or("").to_string(),
        signatures: meta["signatures"].as_u64().unwrap_or(0),
        bytes,
        lines,
        seconds: wall,
        extrapolated: false,
        measured_cpu: cpu,
        wall,
        cpu,
        rss_kib,
        build_s: None,
        build_cpu: None,
        check: if status == 0 { "ok".into() } else { format!("exit {status}") },
        detail: String::new(),
    };
    match kind.as_str() {
        "rust" => {
            let result: Value =
                serde_json::from_str(out.lines().last().unwrap_or("null")).unwrap_or(Value::Null);
            row.build_s = result["build_s"].as_f64();
            row.build_cpu = result["build_cpu_s"].as_f64();
            row.signatures = result["signatures"].as_u64().unwrap_or(row.signatures);
            if let Some(seconds) = result["seconds"].as_f64() {
                row.seconds = seconds;
                row.measured_cpu = result["cpu_seconds"].as_f64().unwrap_or(seconds);
                row.extrapolated = result["extrapolated"].as_bool().unwrap_or(false);
                if row.extrapolated {
                    let done = result["bytes_done"].as_u64().unwrap_or(0);
                    row.detail = format!(
                        "measured on the first {:.1} MB ({:.1} s), extrapolated; ",
                        done as f64 / 1e6,
                        result["seconds_measured"].as_f64().unwrap_or(0.0)
                    );
                }
            } else {
                row.seconds = row.build_s.unwrap_or(wall);
                row.measured_cpu = row.build_cpu.unwrap_or(cpu);
                row.bytes = 0;
                row.lines = 0;
            }
            row.check = result["check"].as_str().unwrap_or("no result").to_string();
            row.detail.push_str(result["check_detail"].as_str().unwrap_or(""));
            if result.is_null() {
                // The process died: say how (an allocation failure under a memory cap, a panic).
                let err = read(&dir.join(format!("{name}.err")));
                let reason = err
                    .lines()
                    .find(|l| {
                        l.contains("memory allocation")
                            || l.contains("panicked")
                            || l.starts_with("Error")
                    })
                    .unwrap_or("no output");
                row.check = format!("failed (exit {status})");
                row.detail = format!("{reason}, after {wall:.1} s wall, {cpu:.1} s CPU");
            }
        }
        "cli" => {
            let check: Value =
                serde_json::from_str(read(&dir.join(format!("{name}.check"))).trim())
                    .unwrap_or(Value::Null);
            row.check = check["check"].as_str().unwrap_or("no check").to_string();
            row.detail = check["check_detail"].as_str().unwrap_or("").to_string();
        }
        "count-anchor" | "count-pattern" => {
            let found: u64 = out.lines().filter_map(|l| l.trim().parse::<u64>().ok()).sum();
            let expected = match &log_dir {
                Some(dir) => {
                    let truth = Truth::load(dir)?;
                    let matches = truth.matches.len() as u64;
                    if kind == "count-anchor" {
                        matches + truth.near_misses.len() as u64
                    } else {
                        matches
                    }
                }
                None => 0,
            };
            // grep and rg exit 1 when no line matched; that is an answer, not a failure.
            let ran = status == 0 || (status == 1 && found == 0);
            row.check = if ran && found == expected { "ok".into() } else { "FAIL".into() };
            let what = if kind == "count-anchor" {
                "lines with an anchor (planted matches + near misses)"
            } else {
                "lines matching a pattern (planted matches)"
            };
            row.detail = format!("{found} {what}, {expected} expected");
        }
        "drain3" => {
            let result: Value =
                serde_json::from_str(out.lines().last().unwrap_or("null")).unwrap_or(Value::Null);
            row.lines = result["lines"].as_u64().unwrap_or(0);
            row.bytes = result["bytes"].as_u64().unwrap_or(0);
            row.seconds = result["seconds"].as_f64().unwrap_or(wall);
            row.measured_cpu = result["cpu_seconds"].as_f64().unwrap_or(row.seconds);
            row.check = result["check"].as_str().unwrap_or("no result").to_string();
            row.detail = result["check_detail"].as_str().unwrap_or("").to_string();
        }
        _ => {}
    }
    Ok(row)
}

fn machine() -> String {
    let cpuinfo = read(Path::new("/proc/cpuinfo"));
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .unwrap_or("unknown")
        .trim()
        .to_string();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = read(Path::new("/proc/meminfo"))
        .lines()
        .find(|l| l.starts_with("MemTotal"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kib| kib.parse::<u64>().ok())
        .map_or("unknown".to_string(), |kib| format!("{:.0} GiB", kib as f64 / 1048576.0));
    format!("{model}, nproc {cores}, {memory} RAM")
}

/// A rate, or `-` when its time was below what `/usr/bin/time` resolves (10 ms).
fn rate(amount: f64, seconds: f64, fmt: fn(f64) -> String) -> String {
    if amount <= 0.0 || seconds < 0.01 { "-".into() } else { fmt(amount / seconds) }
}

fn fmt_rate(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 1.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.3}")
    }
}

fn fmt_lines(value: f64) -> String {
    if value >= 1e6 {
        format!("{:.2}M", value / 1e6)
    } else if value >= 1e3 {
        format!("{:.1}k", value / 1e3)
    } else {
        format!("{value:.0}")
    }
}

const CORPUS_ORDER: [&str; 6] =
    ["real", "synth-100", "synth-1k", "synth-10k", "synth-100k", "smoke"];

pub fn run(args: &ReportArgs) -> anyhow::Result<()> {
    let mut names: Vec<String> = std::fs::read_dir(&args.results)?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".meta.json").map(str::to_string))
        .collect();
    names.sort();
    let mut rows = Vec::new();
    for name in &names {
        rows.push(load_row(&args.results, name)?);
    }
    let mut corpora: Vec<String> = rows.iter().map(|r| r.corpus.clone()).collect();
    corpora.sort_by_key(|c| (CORPUS_ORDER.iter().position(|o| c == o).unwrap_or(99), c.clone()));
    corpora.dedup();

    let mut md = String::new();
    let _ = writeln!(md, "## {} — {}, commit {}\n", args.title, args.date, args.commit);
    let _ = writeln!(md, "Machine: {}.\n", machine());
    let _ = writeln!(
        md,
        "Columns: *time* and *CPU* are the measured part: for the Rust peers the matching loop after the build (wall time, and the CPU time of its thread), for the CLI and external tools the whole process (wall, and user + system time). *MB/s per CPU s* divides by that CPU time, which other jobs on a shared machine disturb much less than wall time; ratios below use it. *build CPU* is the engine (or regex) build of the Rust peers. *process wall/CPU* and *peak RSS* are the whole process (`/usr/bin/time -v`). Rows marked *extrapolated* ran under a time cap on a prefix of the log.\n"
    );
    for corpus in &corpora {
        let mine: Vec<&Row> = rows.iter().filter(|r| &r.corpus == corpus).collect();
        let sigs = mine.iter().map(|r| r.signatures).max().unwrap_or(0);
        let input = mine.iter().find(|r| r.bytes > 0 && r.kind != "drain3");
        let _ = write!(md, "### {corpus}: {sigs} signatures");
        if let Some(row) = input {
            let _ = write!(md, ", log of {:.1} MB, {} lines", row.bytes as f64 / 1e6, row.lines);
        }
        let _ = writeln!(md, "\n");
        let _ = writeln!(
            md,
            "| peer | time (s) | CPU (s) | MB/s | MB/s per CPU s | lines/s per CPU s | build CPU (s) | process wall (s) | process CPU (s) | peak RSS (MiB) | check |"
        );
        let _ = writeln!(
            md,
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
        );
        for row in &mine {
            let _ = writeln!(
                md,
                "| {}{} | {:.2} | {:.2} | {} | {} | {} | {} | {:.2} | {:.2} | {:.0} | {}: {} |",
                row.name,
                if row.extrapolated { " (extrapolated)" } else { "" },
                row.seconds,
                row.measured_cpu,
                rate(row.bytes as f64 / 1e6, row.seconds, fmt_rate),
                rate(row.bytes as f64 / 1e6, row.measured_cpu, fmt_rate),
                rate(row.lines as f64, row.measured_cpu, fmt_lines),
                row.build_cpu.map_or("-".into(), |b| format!("{b:.3}")),
                row.wall,
                row.cpu,
                row.rss_kib as f64 / 1024.0,
                row.check,
                row.detail.replace('|', "/"),
            );
        }
        let _ = writeln!(md);
        ratios(&mut md, &mine);
    }
    targets(&mut md, &rows);
    let _ = writeln!(md, "Commands:\n");
    let _ = writeln!(md, "```");
    for row in &rows {
        let _ = writeln!(md, "[{}] {}", row.corpus, short_command(&row.command));
    }
    let _ = writeln!(md, "```\n");

    print!("{md}");
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| r.check != "ok")
        .map(|r| format!("[{}] {}: {}: {}", r.corpus, r.name, r.check, r.detail))
        .collect();
    std::fs::write(args.results.join("failed.txt"), failed.join("\n"))?;
    if let Some(out) = &args.out {
        let mut text = read(out);
        if text.is_empty() {
            text.push_str("# Benchmarks\n\nerrsig beside its peers on the same inputs; produced by `benches/compare.sh` and `benches/http_load.sh` (see `benches/README.md`). Timings on a shared machine move between runs: compare ratios within one run.\n\n");
        }
        text.push_str(&md);
        std::fs::write(out, text)?;
    }
    Ok(())
}

/// The command as a reader can rerun it: bench binaries by name, chunk lists as a glob.
fn short_command(command: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for word in command.split_whitespace() {
        let name = word.rsplit('/').next().unwrap_or(word);
        let word = match name.split_once('-') {
            Some((bench @ ("compare" | "loggen"), hash))
                if hash.len() == 16 && word.contains("/deps/") =>
            {
                format!("cargo bench --bench {bench} --")
            }
            _ => word.to_string(),
        };
        let is_part = |w: &str| w.rsplit('/').next().is_some_and(|n| n.starts_with("part-"));
        if is_part(&word) {
            if words.last().is_some_and(|w| w.ends_with("part-*")) {
                continue;
            }
            let dir = word.rsplit_once('/').map_or("", |(dir, _)| dir).to_string();
            words.push(format!("{dir}/part-*"));
            continue;
        }
        words.push(word);
    }
    words.join(" ")
}

fn find<'a>(rows: &[&'a Row], name: &str) -> Option<&'a Row> {
    rows.iter().copied().find(|r| r.name == name && r.check == "ok")
}

fn ratios(md: &mut String, rows: &[&Row]) {
    let mut lines = Vec::new();
    if let Some(lib) = find(rows, "errsig lib") {
        for peer in rows.iter().filter(|r| {
            r.kind == "rust"
                && r.name != "errsig lib"
                && r.bytes > 0
                && r.name != "errsig normalize"
        }) {
            lines.push(format!(
                "errsig lib vs {}: {:.2}x (CPU time of the matching loop; {:.2}x in wall time)",
                peer.name,
                peer.measured_cpu / lib.measured_cpu.max(1e-9),
                peer.seconds / lib.seconds.max(1e-9)
            ));
        }
    }
    if let Some(cli) = find(rows, "errsig CLI") {
        for peer in rows.iter().filter(|r| r.kind.starts_with("count")) {
            if peer.cpu < 0.01 || cli.cpu < 0.01 {
                lines.push(format!(
                    "errsig CLI vs {}: below the 10 ms resolution of the timer",
                    peer.name
                ));
                continue;
            }
            lines.push(format!(
                "errsig CLI vs {}: {:.3}x end to end in CPU time ({:.3}x in wall time)",
                peer.name,
                peer.cpu / cli.cpu.max(1e-9),
                peer.wall / cli.wall.max(1e-9)
            ));
        }
    }
    if let (Some(norm), Some(drain)) = (
        find(rows, "errsig normalize"),
        rows.iter().find(|r| r.kind == "drain3" && r.check == "ok"),
    ) {
        lines.push(format!(
            "errsig normalize vs Drain3: {:.1}x lines per CPU second ({} vs {})",
            norm.lines_per_cpu_s() / drain.lines_per_cpu_s().max(1e-9),
            fmt_lines(norm.lines_per_cpu_s()),
            fmt_lines(drain.lines_per_cpu_s())
        ));
    }
    if !lines.is_empty() {
        let _ = writeln!(md, "Ratios (> 1 means errsig is faster):\n");
        for line in lines {
            let _ = writeln!(md, "- {line}");
        }
        let _ = writeln!(md);
    }
}

fn targets(md: &mut String, rows: &[Row]) {
    let big_build = rows.iter().find(|r| r.corpus == "synth-100k" && r.name == "errsig build");
    let big_failed = big_build.filter(|r| r.check != "ok");
    let by: BTreeMap<(&str, &str), &Row> = rows
        .iter()
        .filter(|r| r.check == "ok")
        .map(|r| ((r.corpus.as_str(), r.name.as_str()), r))
        .collect();
    let get = |corpus: &str, name: &str| by.get(&(corpus, name)).copied();
    let mut table = Vec::new();
    let speedup = |corpus: &str, peer: &str| -> Option<f64> {
        Some(get(corpus, peer)?.measured_cpu / get(corpus, "errsig lib")?.measured_cpu.max(1e-9))
    };
    let e2e = |corpus: &str, peer: &str| -> Option<f64> {
        let (peer, cli) = (get(corpus, peer)?, get(corpus, "errsig CLI")?);
        (peer.cpu >= 0.01 && cli.cpu >= 0.01).then(|| peer.cpu / cli.cpu)
    };
    for (corpus, naive, set, rg) in
        [("synth-1k", 100.0, 5.0, 1.0), ("synth-10k", 1000.0, 20.0, 2.0)]
    {
        table.push((
            format!("{corpus}: errsig lib vs naive >= {naive}x"),
            speedup(corpus, "naive loop"),
            naive,
            "x",
        ));
        table.push((
            format!("{corpus}: errsig lib vs RegexSet >= {set}x"),
            speedup(corpus, "RegexSet"),
            set,
            "x",
        ));
        table.push((
            format!("{corpus}: errsig CLI vs rg -F -f anchors >= {rg}x (end to end)"),
            e2e(corpus, "rg -F -f anchors"),
            rg,
            "x",
        ));
    }
    table.push((
        "synth-10k: errsig lib >= 100 MB/s per core".into(),
        get("synth-10k", "errsig lib").map(Row::mb_per_cpu_s),
        100.0,
        " MB/s",
    ));
    table.push((
        "synth-100k: errsig lib >= 40 MB/s per core".into(),
        get("synth-100k", "errsig lib").map(Row::mb_per_cpu_s),
        40.0,
        " MB/s",
    ));
    let norm = rows.iter().find(|r| r.name == "errsig normalize" && r.check == "ok");
    let drain = rows.iter().find(|r| r.kind == "drain3" && r.check == "ok");
    table.push((
        "normalization >= 50x Drain3 lines/s".into(),
        norm.zip(drain).map(|(n, d)| n.lines_per_cpu_s() / d.lines_per_cpu_s().max(1e-9)),
        50.0,
        "x",
    ));
    let upper = vec![
        (
            "synth-10k: build <= 0.15 s (CPU)".to_string(),
            get("synth-10k", "errsig build").and_then(|r| r.build_cpu),
            0.15,
            " s",
        ),
        (
            "synth-100k: build <= 2 s (CPU)".to_string(),
            get("synth-100k", "errsig build").and_then(|r| r.build_cpu),
            2.0,
            " s",
        ),
        (
            "synth-100k: peak RSS of the build <= 1024 MiB".to_string(),
            big_build.map(|r| r.rss_kib as f64 / 1024.0),
            1024.0,
            " MiB",
        ),
    ];
    let _ = writeln!(md, "### Targets of issue #10\n");
    let _ = writeln!(md, "| target | measured | met |");
    let _ = writeln!(md, "| --- | ---: | --- |");
    for (what, value, goal, unit) in table {
        let (measured, met) = match (value, big_failed) {
            (None, Some(failed)) if what.starts_with("synth-100k") => {
                (format!("cannot run: the build failed ({})", failed.check), "**no**")
            }
            (Some(v), _) => {
                (format!("{}{unit}", fmt_rate(v)), if v >= goal { "yes" } else { "**no**" })
            }
            (None, _) => ("not run".into(), "-"),
        };
        let _ = writeln!(md, "| {what} | {measured} | {met} |");
    }
    for (what, value, goal, unit) in upper {
        let (measured, met) = match (value, big_failed) {
            (Some(v), Some(failed)) if what.starts_with("synth-100k") => (
                format!("{}{unit} when the build failed ({})", fmt_rate(v), failed.check),
                "**no**",
            ),
            (None, Some(failed)) if what.starts_with("synth-100k") => (
                format!("the build failed after {:.0} s CPU ({})", failed.cpu, failed.check),
                "**no**",
            ),
            (Some(v), _) => {
                (format!("{}{unit}", fmt_rate(v)), if v <= goal { "yes" } else { "**no**" })
            }
            (None, _) => ("not run".into(), "-"),
        };
        let _ = writeln!(md, "| {what} | {measured} | {met} |");
    }
    let _ = writeln!(md);
}
