//! errsig beside its peers on the same log and corpus (`harness = false`; `benches/compare.sh`
//! drives it, one process per peer so that `/usr/bin/time -v` gives each its own peak RSS).
//!
//! `compare peer --peer NAME --signatures DIR --log-dir DIR` prints one JSON object: build time,
//! bytes and lines processed, seconds, and the check against the ground truth. Peers:
//! - `build`: load the corpus and build the engine, nothing else (build time and RSS);
//! - `errsig-lib`: `Engine::match_text` over the log in chunks of about 4 MiB (the library
//!   call a service makes per request), every match listed;
//! - `errsig-stream`: `Engine::stream()`, one `push_line` per line (`errsig watch`);
//! - `normalize`: `errsig::normalize` over the same chunks (lines/s, for the Drain3 ratio);
//! - `naive`: every signature's regexes over every raw line, as rule-list classifiers do;
//! - `regexset`: one `regex::RegexSet` of every signature's first pattern over every raw line,
//!   then the signature's own regexes on the set's hits.
//!
//! Every peer checks its answer on the head of the log before the timed run, and the timed run's
//! answer is checked too (rules in `benches/README.md`). `--cap-secs` stops a slow peer after that
//! many seconds; its time is then extrapolated from the bytes it did, and the JSON says so.
//!
//! `compare report --results DIR` renders the runs that `compare.sh` recorded as Markdown.

// The allocator the `errsig` binary runs with, so that `errsig-lib` measures what the service
// does; the other peers run in the same process with the same allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod report;
mod truth;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use errsig::{Corpus, Engine};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde_json::json;

use truth::{Truth, compare_counts};

#[derive(Debug, Parser)]
#[command(name = "compare")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, global = true, hide = true)]
    bench: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run one peer; print its result as JSON.
    Peer(PeerArgs),
    /// Check `errsig match --jsonl` output against the truth; print the result as JSON.
    CheckCli(CheckCliArgs),
    /// Render recorded runs as Markdown (stdout, and appended to --out).
    Report(report::ReportArgs),
    /// Split a log into files of at most --mib MiB at record starts (input for the CLI, whose
    /// inputs above 8 MiB are cut to their head and tail).
    Split(SplitArgs),
}

#[derive(Debug, Args)]
struct SplitArgs {
    #[arg(long)]
    log: PathBuf,
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 8)]
    mib: usize,
}

#[derive(Debug, Args)]
struct PeerArgs {
    #[arg(long)]
    peer: String,
    /// The corpus directory.
    #[arg(long)]
    signatures: PathBuf,
    /// The directory `loggen` wrote (log.txt, truth.jsonl, summary.json).
    #[arg(long)]
    log_dir: Option<PathBuf>,
    /// Stop after this many seconds and extrapolate.
    #[arg(long)]
    cap_secs: Option<f64>,
    /// Chunk size for the chunked peers, in MiB.
    #[arg(long, default_value_t = 4)]
    chunk_mib: usize,
    /// How much of the head of the log the pre-timing check covers, in KiB.
    #[arg(long, default_value_t = 512)]
    check_kib: usize,
    /// Hold the answer to exact per-signature counts (synthetic corpora); otherwise recall.
    #[arg(long)]
    exact: bool,
}

#[derive(Debug, Args)]
struct CheckCliArgs {
    #[arg(long)]
    log_dir: PathBuf,
    #[arg(long)]
    exact: bool,
    /// The `errsig match --jsonl` output.
    output: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Peer(args) => run_peer(&args),
        Command::CheckCli(args) => check_cli(&args),
        Command::Report(args) => report::run(&args),
        Command::Split(args) => split(&args),
    }
}

fn split(args: &SplitArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.out)?;
    let mut chunks = Chunks::open(&args.log, args.mib << 20)?;
    let mut buf = Vec::new();
    let mut index = 0;
    while chunks.next_chunk(&mut buf)? {
        std::fs::write(args.out.join(format!("part-{index:04}")), &buf)?;
        index += 1;
    }
    Ok(())
}

/// Reads a log in chunks of about `size` bytes, each ending at a line that starts a new record
/// (a line that begins with a digit, `{` or `[`, the way timestamps, JSON lines and container
/// prefixes do), so multi-line records are rarely split.
struct Chunks {
    reader: BufReader<File>,
    size: usize,
    carry: Vec<u8>,
    done: bool,
}

impl Chunks {
    fn open(path: &Path, size: usize) -> anyhow::Result<Chunks> {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        Ok(Chunks {
            reader: BufReader::with_capacity(1 << 20, file),
            size,
            carry: Vec::new(),
            done: false,
        })
    }

    /// The next chunk (whole lines), or None at the end.
    fn next_chunk(&mut self, buf: &mut Vec<u8>) -> anyhow::Result<bool> {
        buf.clear();
        buf.append(&mut self.carry);
        if !self.done && buf.len() < self.size {
            let want = self.size - buf.len();
            let read = (&mut self.reader).take(want as u64).read_to_end(buf)?;
            if read < want {
                self.done = true;
            }
        }
        if buf.is_empty() {
            return Ok(false);
        }
        if !self.done {
            // Cut after the last newline that is followed by a record start.
            let cut = (0..buf.len().saturating_sub(1))
                .rev()
                .find(|&i| buf[i] == b'\n' && matches!(buf[i + 1], b'0'..=b'9' | b'{' | b'['))
                .or_else(|| buf.iter().rposition(|&b| b == b'\n'))
                .map_or(buf.len(), |i| i + 1);
            self.carry.extend_from_slice(&buf[cut..]);
            buf.truncate(cut);
        }
        Ok(true)
    }
}

/// CPU time of the calling thread, in seconds (`/proc/thread-self/schedstat`, nanoseconds on
/// the CPU): what a timed loop cost even when other jobs share the machine.
fn thread_cpu_s() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 / 1e9)
}

fn line_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// What a timed run saw.
#[derive(Debug, Default)]
struct Run {
    bytes: u64,
    lines: u64,
    seconds: f64,
    /// CPU seconds of the same loop.
    cpu_seconds: f64,
    capped: bool,
    /// Per-signature counts.
    counts: BTreeMap<String, u64>,
    /// Line-level answers: raw line -> ids found there.
    at_lines: BTreeMap<usize, Vec<String>>,
    /// Event-level answers: (first line, last line, id) of each reported event.
    events_at: Vec<(usize, usize, String)>,
    /// Secret lines that were redacted (normalize) and redactions in all.
    redacted_lines: std::collections::BTreeSet<usize>,
    redactions: u64,
    events: u64,
}

fn run_peer(args: &PeerArgs) -> anyhow::Result<()> {
    let load_start = Instant::now();
    let corpus = Corpus::load_dir(&args.signatures)
        .with_context(|| format!("cannot load {}", args.signatures.display()))?;
    let load_s = load_start.elapsed().as_secs_f64();
    let mut result = json!({
        "peer": args.peer,
        "signatures": corpus.len(),
        "load_s": load_s,
    });
    if args.peer == "build" {
        let start = Instant::now();
        let cpu_start = thread_cpu_s();
        let engine = Engine::builder().build(&corpus)?;
        result["build_s"] = json!(start.elapsed().as_secs_f64());
        result["build_cpu_s"] = json!(thread_cpu_s() - cpu_start);
        result["check"] =
            json!(if engine.signatures().len() == corpus.len() { "ok" } else { "FAIL" });
        result["check_detail"] = json!(format!("{} signatures built", engine.signatures().len()));
        println!("{result}");
        return Ok(());
    }
    let Some(log_dir) = &args.log_dir else { bail!("--log-dir is needed for this peer") };
    let truth = Truth::load(log_dir)?;
    let log = log_dir.join("log.txt");
    let head = head_of(&log, args.check_kib * 1024)?;
    let head_lines = line_count(&head);

    let build_start = Instant::now();
    let build_cpu = thread_cpu_s();
    let peer: Box<dyn Peer> = match args.peer.as_str() {
        "errsig-lib" | "normalize" => {
            let engine = Engine::builder().max_matches(usize::MAX).build(&corpus)?;
            Box::new(Chunked {
                engine,
                normalize_only: args.peer == "normalize",
                chunk: args.chunk_mib << 20,
            })
        }
        "errsig-stream" => Box::new(Stream { engine: Engine::builder().build(&corpus)? }),
        "naive" => Box::new(Naive::new(&corpus)?),
        "regexset" => Box::new(Set::new(&corpus)?),
        other => bail!("unknown peer `{other}`"),
    };
    result["build_s"] = json!(build_start.elapsed().as_secs_f64());
    result["build_cpu_s"] = json!(thread_cpu_s() - build_cpu);

    // The check before timing, on the head of the log.
    let head_dir = tempdir_for(&args.peer)?;
    let head_path = head_dir.join("head.txt");
    std::fs::write(&head_path, &head)?;
    let head_run = peer.run(&head_path, None)?;
    std::fs::remove_dir_all(&head_dir).ok();
    let (head_ok, head_detail) = peer.check(&head_run, &truth, head_lines, args.exact);
    result["precheck"] = json!(format!("first {} lines: {head_detail}", head_lines));
    if !head_ok {
        result["check"] = json!("FAIL");
        println!("{result}");
        bail!("{}: the answer on the head of the log is wrong: {head_detail}", args.peer);
    }

    let run = peer.run(&log, args.cap_secs)?;
    let (ok, detail) = peer.check(&run, &truth, run.lines as usize, args.exact);
    let scale =
        if run.capped && run.bytes > 0 { truth.bytes as f64 / run.bytes as f64 } else { 1.0 };
    result["bytes_total"] = json!(truth.bytes);
    result["lines_total"] = json!(truth.lines);
    result["bytes_done"] = json!(run.bytes);
    result["lines_done"] = json!(run.lines);
    result["seconds_measured"] = json!(run.seconds);
    result["seconds"] = json!(run.seconds * scale);
    result["cpu_seconds_measured"] = json!(run.cpu_seconds);
    result["cpu_seconds"] = json!(run.cpu_seconds * scale);
    result["extrapolated"] = json!(run.capped);
    result["mb_per_s"] = json!(run.bytes as f64 / 1e6 / run.seconds.max(1e-9));
    result["mb_per_cpu_s"] = json!(run.bytes as f64 / 1e6 / run.cpu_seconds.max(1e-9));
    result["lines_per_s"] = json!(run.lines as f64 / run.seconds.max(1e-9));
    result["events"] = json!(run.events);
    result["check"] = json!(if ok { "ok" } else { "FAIL" });
    result["check_detail"] = json!(detail);
    println!("{result}");
    if !ok {
        bail!("{}: the answer is wrong: {detail}", args.peer);
    }
    Ok(())
}

fn tempdir_for(peer: &str) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("errsig-compare-{peer}-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The first `bytes` of the log, cut at a line end.
fn head_of(path: &Path, bytes: usize) -> anyhow::Result<Vec<u8>> {
    let mut head = Vec::new();
    File::open(path)?.take(bytes as u64).read_to_end(&mut head)?;
    let cut = head.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    head.truncate(cut);
    Ok(head)
}

trait Peer {
    fn run(&self, log: &Path, cap_secs: Option<f64>) -> anyhow::Result<Run>;
    /// The rule this design is held to, over the first `lines` lines.
    fn check(&self, run: &Run, truth: &Truth, lines: usize, exact: bool) -> (bool, String);
}

/// `Engine::match_text` (or `errsig::normalize`) per chunk.
struct Chunked {
    engine: Engine,
    normalize_only: bool,
    chunk: usize,
}

impl Peer for Chunked {
    fn run(&self, log: &Path, cap_secs: Option<f64>) -> anyhow::Result<Run> {
        let mut chunks = Chunks::open(log, self.chunk)?;
        let mut buf = Vec::with_capacity(self.chunk + (1 << 16));
        let mut run = Run::default();
        let start = Instant::now();
        let cpu_start = thread_cpu_s();
        while chunks.next_chunk(&mut buf)? {
            let text = std::str::from_utf8(&buf).context("the log is UTF-8")?;
            let base = run.lines as usize;
            if self.normalize_only {
                let normalized = errsig::normalize(text);
                run.events += normalized.events().len() as u64;
                for redaction in normalized.redactions() {
                    run.redactions += 1;
                    run.redacted_lines.insert(base + redaction.line());
                }
                run.lines += normalized.line_count() as u64;
            } else {
                let report = self.engine.match_text(text);
                run.events += report.input().events as u64;
                for found in report.matches() {
                    *run.counts.entry(found.signature_id().as_str().to_string()).or_default() +=
                        found.occurrence_count() as u64;
                }
                run.lines += line_count(&buf) as u64;
            }
            run.bytes += buf.len() as u64;
            if cap_secs.is_some_and(|cap| start.elapsed().as_secs_f64() > cap) {
                run.capped = true;
                break;
            }
        }
        run.seconds = start.elapsed().as_secs_f64();
        run.cpu_seconds = thread_cpu_s() - cpu_start;
        Ok(run)
    }

    fn check(&self, run: &Run, truth: &Truth, lines: usize, exact: bool) -> (bool, String) {
        if self.normalize_only {
            let planted: Vec<usize> = truth.secrets.range(..=lines).copied().collect();
            let missed = planted.iter().filter(|line| !run.redacted_lines.contains(line)).count();
            let ok = run.lines as usize == lines && missed == 0;
            return (
                ok,
                format!(
                    "{} lines normalized of {lines}; {} planted secrets, {missed} not redacted; {} redactions in all",
                    run.lines,
                    planted.len(),
                    run.redactions
                ),
            );
        }
        compare_counts(&run.counts, &truth.counts_until(lines), exact)
    }
}

/// `Engine::stream()`, a line at a time.
struct Stream {
    engine: Engine,
}

impl Peer for Stream {
    fn run(&self, log: &Path, cap_secs: Option<f64>) -> anyhow::Result<Run> {
        let mut reader = BufReader::with_capacity(1 << 20, File::open(log)?);
        let mut stream = self.engine.stream();
        let mut run = Run::default();
        let mut line = Vec::new();
        let start = Instant::now();
        let cpu_start = thread_cpu_s();
        let record = |run: &mut Run, found: Vec<errsig::Match>| {
            for m in found {
                let (first, last) = m.occurrences().first().map_or((0, 0), |o| o.line_range());
                run.events_at.push((first, last, m.signature_id().as_str().to_string()));
                *run.counts.entry(m.signature_id().as_str().to_string()).or_default() += 1;
            }
        };
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            run.bytes += line.len() as u64;
            run.lines += 1;
            let text = std::str::from_utf8(&line).context("the log is UTF-8")?;
            let found = stream.push_line(text.trim_end_matches('\n'));
            record(&mut run, found);
            if run.lines % 4096 == 0
                && cap_secs.is_some_and(|cap| start.elapsed().as_secs_f64() > cap)
            {
                run.capped = true;
                break;
            }
        }
        let found = stream.flush();
        record(&mut run, found);
        run.seconds = start.elapsed().as_secs_f64();
        run.cpu_seconds = thread_cpu_s() - cpu_start;
        Ok(run)
    }

    fn check(&self, run: &Run, truth: &Truth, lines: usize, exact: bool) -> (bool, String) {
        // Event level: each planted record must be reported with its id on an event that overlaps
        // its lines (the segmenter may join neighbouring lines to an event, e.g. unprefixed lines
        // after a traceback, or start a traceback mid-record); a near miss's event must not report
        // the signature it misses; with --exact nothing else may be reported.
        let mut missed = 0;
        let mut extra = 0;
        let mut near_hits = 0;
        let mut elsewhere = 0;
        let mut first_problem = None;
        // Events come in order and do not overlap: scan back from the last one that starts
        // within the record while they still reach into it.
        let covers = |from: usize, to: usize, id: &str| {
            let end = run.events_at.partition_point(|(first, _, _)| *first <= to);
            run.events_at[..end]
                .iter()
                .rev()
                .take_while(|(_, last, _)| *last >= from)
                .any(|(_, _, found)| found == id)
        };
        for (&first, (last, id)) in truth.matches.range(..=lines) {
            if !covers(first, *last, id) {
                missed += 1;
                first_problem.get_or_insert_with(|| format!("line {first}: {id} not reported"));
            }
        }
        for (&first, (last, not)) in truth.near_misses.range(..=lines) {
            if covers(first, *last, not) {
                near_hits += 1;
                first_problem
                    .get_or_insert_with(|| format!("line {first}: near miss matched {not}"));
            }
        }
        for (first, last, id) in &run.events_at {
            // Records are ordered and disjoint: scan back while they still reach the event.
            let planted = truth
                .matches
                .range(..=last)
                .rev()
                .take_while(|(_, (end, _))| end >= first)
                .any(|(_, (_, want))| want == id);
            if !planted {
                extra += 1;
                let on_planted = |records: &BTreeMap<usize, (usize, String)>| {
                    records.range(..=last).next_back().is_some_and(|(_, (end, _))| end >= first)
                };
                if !on_planted(&truth.matches) && !on_planted(&truth.near_misses) {
                    elsewhere += 1;
                }
                if exact {
                    first_problem
                        .get_or_insert_with(|| format!("lines {first}-{last}: unplanted {id}"));
                }
            }
        }
        let planted = truth.matches.range(..=lines).count();
        let ok = missed == 0 && near_hits == 0 && (!exact || extra == 0);
        let mut detail = format!(
            "{planted} planted, {missed} missed, {near_hits} near misses matched, {extra} other matches ({elsewhere} on benign lines)"
        );
        if !ok {
            if let Some(problem) = first_problem {
                detail.push_str(&format!(" (first: {problem})"));
            }
        }
        (ok, detail)
    }
}

/// One signature as the regex peers hold it.
struct Rules {
    id: String,
    all: Vec<Regex>,
    any: Vec<Regex>,
    none: Vec<Regex>,
}

impl Rules {
    fn matches(&self, line: &str) -> bool {
        self.all.iter().all(|r| r.is_match(line))
            && (self.any.is_empty() || self.any.iter().any(|r| r.is_match(line)))
            && !self.none.iter().any(|r| r.is_match(line))
    }
}

/// Case-insensitive, as errsig's patterns are (`(?i)`, the usual rule-list setting).
fn rules_of(corpus: &Corpus) -> anyhow::Result<Vec<Rules>> {
    let compile = |patterns: &[String]| -> anyhow::Result<Vec<Regex>> {
        patterns.iter().map(|p| Ok(RegexBuilder::new(p).case_insensitive(true).build()?)).collect()
    };
    corpus
        .signatures()
        .iter()
        .map(|s| {
            let rules = s.rules();
            Ok(Rules {
                id: s.id().as_str().to_string(),
                all: compile(&rules.all)?,
                any: compile(&rules.any)?,
                none: compile(&rules.none)?,
            })
        })
        .collect()
}

/// Runs `per_line` over the raw lines of `log`; records the ids it returns per line.
fn raw_lines(
    log: &Path,
    cap_secs: Option<f64>,
    mut per_line: impl FnMut(&str, &mut Vec<usize>),
    rules: &[Rules],
) -> anyhow::Result<Run> {
    let mut reader = BufReader::with_capacity(1 << 20, File::open(log)?);
    let mut run = Run::default();
    let mut line = Vec::new();
    let mut hits = Vec::new();
    let start = Instant::now();
    let cpu_start = thread_cpu_s();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        run.bytes += line.len() as u64;
        run.lines += 1;
        let text = std::str::from_utf8(&line).context("the log is UTF-8")?;
        hits.clear();
        per_line(text.trim_end_matches('\n'), &mut hits);
        for &index in &hits {
            let id = rules[index].id.clone();
            *run.counts.entry(id.clone()).or_default() += 1;
            run.at_lines.entry(run.lines as usize).or_default().push(id);
        }
        if run.lines % 256 == 0 && cap_secs.is_some_and(|cap| start.elapsed().as_secs_f64() > cap) {
            run.capped = true;
            break;
        }
    }
    run.seconds = start.elapsed().as_secs_f64();
    run.cpu_seconds = thread_cpu_s() - cpu_start;
    Ok(run)
}

/// The rule for designs that see raw lines: each matching record is one line and must be
/// reported with its id on that line, and nothing else may be reported (near misses included).
fn check_raw(run: &Run, truth: &Truth, lines: usize) -> (bool, String) {
    let mut expected: BTreeMap<usize, &str> = BTreeMap::new();
    for (&first, (last, id)) in truth.matches.range(..=lines) {
        if first != *last {
            return (
                false,
                format!(
                    "line {first}: a multi-line record; raw-line designs need single-line records (a synthetic corpus)"
                ),
            );
        }
        expected.insert(first, id);
    }
    let mut missed = 0;
    let mut extra = 0;
    let mut first_problem = None;
    for (&line, id) in &expected {
        if !run.at_lines.get(&line).is_some_and(|ids| ids.iter().any(|found| found == id)) {
            missed += 1;
            first_problem.get_or_insert_with(|| format!("line {line}: {id} not reported"));
        }
    }
    for (&line, ids) in &run.at_lines {
        for id in ids {
            if expected.get(&line) != Some(&id.as_str()) {
                extra += 1;
                first_problem.get_or_insert_with(|| format!("line {line}: {id} reported"));
            }
        }
    }
    let ok = missed == 0 && extra == 0;
    let mut detail = format!("{} planted, {missed} missed, {extra} extra", expected.len());
    if let (false, Some(problem)) = (ok, first_problem) {
        detail.push_str(&format!(" (first: {problem})"));
    }
    (ok, detail)
}

/// Every signature on every line.
struct Naive {
    rules: Vec<Rules>,
}

impl Naive {
    fn new(corpus: &Corpus) -> anyhow::Result<Naive> {
        Ok(Naive { rules: rules_of(corpus)? })
    }
}

impl Peer for Naive {
    fn run(&self, log: &Path, cap_secs: Option<f64>) -> anyhow::Result<Run> {
        raw_lines(
            log,
            cap_secs,
            |line, hits| {
                hits.extend((0..self.rules.len()).filter(|&i| self.rules[i].matches(line)))
            },
            &self.rules,
        )
    }

    fn check(&self, run: &Run, truth: &Truth, lines: usize, _exact: bool) -> (bool, String) {
        check_raw(run, truth, lines)
    }
}

/// A `RegexSet` of each signature's first pattern, then the signature's own regexes on hits.
struct Set {
    rules: Vec<Rules>,
    set: RegexSet,
    /// Set pattern -> signature.
    owner: Vec<usize>,
}

impl Set {
    fn new(corpus: &Corpus) -> anyhow::Result<Set> {
        let rules = rules_of(corpus)?;
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        for (index, signature) in corpus.signatures().iter().enumerate() {
            let rules = signature.rules();
            // The first `all` pattern, or every `any` pattern (one of them must hold).
            if let Some(first) = rules.all.first() {
                patterns.push(first.clone());
                owner.push(index);
            } else {
                for pattern in &rules.any {
                    patterns.push(pattern.clone());
                    owner.push(index);
                }
            }
        }
        let set = RegexSetBuilder::new(&patterns)
            .case_insensitive(true)
            .size_limit(1 << 30)
            .dfa_size_limit(1 << 30)
            .build()?;
        Ok(Set { rules, set, owner })
    }
}

impl Peer for Set {
    fn run(&self, log: &Path, cap_secs: Option<f64>) -> anyhow::Result<Run> {
        raw_lines(
            log,
            cap_secs,
            |line, hits| {
                let matched = self.set.matches(line);
                if !matched.matched_any() {
                    return;
                }
                let mut last = usize::MAX;
                for pattern in matched.iter() {
                    let index = self.owner[pattern];
                    if index != last && self.rules[index].matches(line) {
                        hits.push(index);
                    }
                    last = index;
                }
            },
            &self.rules,
        )
    }

    fn check(&self, run: &Run, truth: &Truth, lines: usize, _exact: bool) -> (bool, String) {
        check_raw(run, truth, lines)
    }
}

fn check_cli(args: &CheckCliArgs) -> anyhow::Result<()> {
    let truth = Truth::load(&args.log_dir)?;
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut documents = 0;
    let mut bytes = 0u64;
    let mut truncated = 0;
    for line in std::fs::read_to_string(&args.output)?.lines() {
        let document: serde_json::Value = serde_json::from_str(line)?;
        documents += 1;
        bytes += document["input"]["bytes"].as_u64().unwrap_or(0);
        if !document["input"]["truncated"].is_null() {
            truncated += 1;
        }
        for found in document["matches"].as_array().into_iter().flatten() {
            let id = found["id"].as_str().context("a match has an id")?.to_string();
            *counts.entry(id).or_default() += found["occurrences"].as_u64().unwrap_or(0);
        }
    }
    let (ok, detail) = compare_counts(&counts, &truth.counts_until(usize::MAX), args.exact);
    let ok = ok && truncated == 0 && bytes == truth.bytes;
    println!(
        "{}",
        json!({
            "check": if ok { "ok" } else { "FAIL" },
            "check_detail": format!("{detail}; {documents} documents, {bytes} of {} bytes read, {truncated} truncated", truth.bytes),
        })
    );
    if !ok {
        bail!("errsig CLI: the answer is wrong: {detail}");
    }
    Ok(())
}
