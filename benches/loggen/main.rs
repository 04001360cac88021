//! Seeded, byte-reproducible benchmark inputs (no timing here; `harness = false`).
//!
//! `cargo bench --bench loggen -- --seed 7 --bytes 1GiB --match-fraction 0.01 --out DIR` writes
//! `DIR/log.txt`, `DIR/truth.jsonl` (one JSON object per planted record: the line range and the
//! signature it must match, or the signature a near miss must not match, or a secret's family)
//! and `DIR/summary.json` (counts). Matching records are the rank-1 examples of the corpus given
//! with `--signatures` (default: the real corpus, `signatures/`) put into realistic log prefixes;
//! near misses are its counter-examples; benign records are Zipf-distributed templates (syslog,
//! JSON lines, nginx, Python and Java applications with tracebacks, Kubernetes events, docker
//! compose); a few records carry fake secrets.
//!
//! `cargo bench --bench loggen -- corpus --count 10000 --out DIR` writes a synthetic corpus:
//! `DIR/signatures/**.toml`, `DIR/anchors.txt` (one distinct anchor a line) and
//! `DIR/patterns.txt` (each signature's pattern, one a line) for `rg`/`grep -f`.
//!
//! Only integer arithmetic and a fixed PRNG feed the output, so a seed gives the same bytes on
//! every machine.

mod prng;
mod synth;
mod text;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

use prng::{Rng, Zipf};
use text::{Filler, Template};

#[derive(Debug, Parser)]
#[command(name = "loggen", args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    log: LogArgs,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, global = true, hide = true)]
    bench: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a synthetic signature corpus.
    Corpus(CorpusArgs),
}

#[derive(Debug, Args)]
struct LogArgs {
    /// The PRNG seed.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Approximate size of the log (`64MiB`, `1GiB`, `500KB`, bytes).
    #[arg(long, default_value = "64MiB")]
    bytes: String,
    /// The fraction of records that must match a signature (0, 0.001, 0.01, 0.1).
    #[arg(long, default_value_t = 0.01)]
    match_fraction: f64,
    /// The fraction of records that are near misses (counter-examples); default: as matches.
    #[arg(long)]
    near_miss_fraction: Option<f64>,
    /// The fraction of records that carry a fake secret.
    #[arg(long, default_value_t = 0.001)]
    secret_fraction: f64,
    /// The corpus whose examples and counter-examples are planted.
    #[arg(long, default_value = "signatures")]
    signatures: PathBuf,
    /// The output directory.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct CorpusArgs {
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// How many signatures.
    #[arg(long)]
    count: u64,
    #[arg(long)]
    out: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Corpus(args)) => write_corpus(&args),
        None => write_log(&cli.log),
    }
}

fn parse_size(text: &str) -> anyhow::Result<u64> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().with_context(|| format!("bad size `{text}`"))?;
    let scale = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        other => bail!("unknown size unit `{other}`"),
    };
    Ok(number * scale)
}

fn ppm(fraction: f64) -> anyhow::Result<u64> {
    if !(0.0..=1.0).contains(&fraction) {
        bail!("a fraction must be from 0 to 1, got {fraction}");
    }
    Ok((fraction * 1_000_000.0).round() as u64)
}

fn write_corpus(args: &CorpusArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let root = args.out.join("signatures");
    std::fs::create_dir_all(&args.out)?;
    if root.exists() {
        std::fs::remove_dir_all(&root)
            .with_context(|| format!("cannot clear `{}`", root.display()))?;
    }
    let mut anchors: Vec<String> = Vec::new();
    let mut patterns = BufWriter::new(File::create(args.out.join("patterns.txt"))?);
    let mut shared = 0u64;
    for i in 0..args.count {
        let signature = synth::signature(args.seed, i);
        let dir = root.join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&dir)?;
        }
        std::fs::write(dir.join(format!("{}.toml", signature.id)), &signature.toml)?;
        if anchors.last() != Some(&signature.anchor) {
            anchors.push(signature.anchor.clone());
        }
        if synth::group(args.seed, i).1 > 1 {
            shared += 1;
        }
        // `rg -f` joins its patterns into one alternation, where two groups of one name clash.
        writeln!(patterns, "{}", unname_groups(&signature.pattern))?;
    }
    patterns.flush()?;
    let mut list = anchors.join("\n");
    list.push('\n');
    std::fs::write(args.out.join("anchors.txt"), list)?;
    eprintln!(
        "loggen: {} signatures ({} share an anchor), {} distinct anchors, in {} ({:.1} s)",
        args.count,
        shared,
        anchors.len(),
        root.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `(?P<name>` and `(?<name>` become `(?:`.
fn unname_groups(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(at) = rest.find("(?P<").or_else(|| rest.find("(?<")) {
        let Some(close) = rest[at..].find('>') else { break };
        out.push_str(&rest[..at]);
        out.push_str("(?:");
        rest = &rest[at + close + 1..];
    }
    out.push_str(rest);
    out
}

/// A planted message: the signature it belongs to and its text.
struct Planted {
    id: String,
    text: String,
}

fn load_planted(dir: &Path) -> anyhow::Result<(Vec<Vec<Planted>>, Vec<Planted>)> {
    let corpus = errsig::Corpus::load_dir(dir)
        .with_context(|| format!("cannot load the corpus `{}`", dir.display()))?;
    let mut examples = Vec::new();
    let mut counters = Vec::new();
    for signature in corpus.signatures() {
        let id = signature.id().as_str().to_string();
        // Only examples that must rank first: for them the expected answer is unambiguous.
        let mine: Vec<Planted> = signature
            .examples()
            .iter()
            .filter(|example| example.rank == 1)
            .map(|example| Planted { id: id.clone(), text: clean(&example.text) })
            .filter(|planted| !planted.text.is_empty())
            .collect();
        if !mine.is_empty() {
            examples.push(mine);
        }
        counters.extend(
            signature
                .counter_examples()
                .iter()
                .map(|counter| Planted { id: id.clone(), text: clean(&counter.text) })
                .filter(|planted| !planted.text.is_empty()),
        );
    }
    if examples.is_empty() {
        bail!("the corpus `{}` has no example to plant", dir.display());
    }
    Ok((examples, counters))
}

/// An example as a log holds it: no blank edges, `\n` line ends.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n").trim_matches(|c: char| c == '\n' || c == ' ').to_string()
}

fn write_log(args: &LogArgs) -> anyhow::Result<()> {
    let Some(out) = &args.out else { bail!("give --out DIR (or the `corpus` subcommand)") };
    std::fs::create_dir_all(out)?;
    let started = Instant::now();
    let target = parse_size(&args.bytes)?;
    let match_ppm = ppm(args.match_fraction)?;
    let near_ppm = ppm(args.near_miss_fraction.unwrap_or(args.match_fraction))?;
    let secret_ppm = ppm(args.secret_fraction)?;
    if match_ppm + near_ppm + secret_ppm > 1_000_000 {
        bail!("the fractions add up to more than 1");
    }
    let (examples, counters) = load_planted(&args.signatures)?;

    let benign: Vec<Template> = text::BENIGN.iter().map(|t| Template::parse(t)).collect();
    let wrap_line: Vec<Template> = text::WRAP_LINE.iter().map(|t| Template::parse(t)).collect();
    let wrap_multi: Vec<(Template, bool)> =
        text::WRAP_MULTI.iter().map(|(t, every)| (Template::parse(t), *every)).collect();
    let secrets: Vec<(&str, Template)> =
        text::SECRETS.iter().map(|(family, t)| (*family, Template::parse(t))).collect();
    // Zipf over the benign templates, in an order shuffled by the seed.
    let mut order: Vec<usize> = (0..benign.len()).collect();
    let mut shuffle = Rng::new(args.seed ^ 0x5EED);
    for i in (1..order.len()).rev() {
        let j = shuffle.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    let zipf = Zipf::new(benign.len());
    let mut filler = Filler::new(args.seed);

    let mut log = BufWriter::with_capacity(1 << 20, File::create(out.join("log.txt"))?);
    let mut truth = BufWriter::new(File::create(out.join("truth.jsonl"))?);
    let mut record = Vec::with_capacity(4096);
    let mut scratch = Vec::with_capacity(256);
    let (mut bytes, mut lines, mut records) = (0u64, 0u64, 0u64);
    let (mut matches, mut match_lines, mut near_misses, mut planted_secrets) =
        (0u64, 0u64, 0u64, 0u64);
    let mut per_id: BTreeMap<String, u64> = BTreeMap::new();
    while bytes < target {
        filler.tick();
        record.clear();
        let draw = filler.rng.below(1_000_000);
        let first_line = lines + 1;
        let kind = if draw < match_ppm {
            let group = &examples[filler.rng.below(examples.len() as u64) as usize];
            let planted = &group[filler.rng.below(group.len() as u64) as usize];
            wrap(&mut filler, &wrap_line, &wrap_multi, &planted.text, &mut record, &mut scratch);
            Some(("match", planted))
        } else if draw < match_ppm + near_ppm && !counters.is_empty() {
            let planted = &counters[filler.rng.below(counters.len() as u64) as usize];
            wrap(&mut filler, &wrap_line, &wrap_multi, &planted.text, &mut record, &mut scratch);
            Some(("near_miss", planted))
        } else if draw < match_ppm + near_ppm + secret_ppm {
            let (family, template) = &secrets[filler.rng.below(secrets.len() as u64) as usize];
            filler.fill(template, "", &mut record);
            writeln!(
                truth,
                "{{\"line\":{first_line},\"last\":{first_line},\"kind\":\"secret\",\"family\":\"{family}\"}}"
            )?;
            planted_secrets += 1;
            None
        } else {
            let template = &benign[order[zipf.sample(&mut filler.rng)]];
            filler.fill(template, "", &mut record);
            None
        };
        record.push(b'\n');
        let record_lines = record.iter().filter(|&&b| b == b'\n').count() as u64;
        lines += record_lines;
        records += 1;
        bytes += record.len() as u64;
        log.write_all(&record)?;
        if let Some((kind, planted)) = kind {
            let last = first_line + record_lines - 1;
            let key = if kind == "match" { "id" } else { "not" };
            writeln!(
                truth,
                "{{\"line\":{first_line},\"last\":{last},\"kind\":\"{kind}\",\"{key}\":\"{}\"}}",
                planted.id
            )?;
            if kind == "match" {
                matches += 1;
                match_lines += record_lines;
                *per_id.entry(planted.id.clone()).or_default() += 1;
            } else {
                near_misses += 1;
            }
        }
    }
    log.flush()?;
    truth.flush()?;
    let summary = serde_json::json!({
        "seed": args.seed,
        "bytes": bytes,
        "lines": lines,
        "records": records,
        "match_fraction": args.match_fraction,
        "match_records": matches,
        "match_lines": match_lines,
        "near_miss_records": near_misses,
        "secret_records": planted_secrets,
        "signatures_dir": args.signatures.display().to_string(),
        "signatures_with_examples": examples.len(),
        "per_id": per_id,
    });
    std::fs::write(out.join("summary.json"), serde_json::to_string_pretty(&summary)? + "\n")?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "loggen: {} bytes, {lines} lines, {records} records ({matches} matching, {near_misses} near misses, {planted_secrets} secrets) in {seconds:.1} s ({:.0} MB/s) -> {}",
        bytes,
        bytes as f64 / 1e6 / seconds,
        out.display()
    );
    Ok(())
}

/// Puts `message` into a log record: one line gets one of the line wrappers; several lines get a
/// prefix on the first line, or a container prefix on every line.
fn wrap(
    filler: &mut Filler,
    wrap_line: &[Template],
    wrap_multi: &[(Template, bool)],
    message: &str,
    record: &mut Vec<u8>,
    scratch: &mut Vec<u8>,
) {
    if !message.contains('\n') {
        // JSON lines carry the message escaped; a message with a backslash already is escaped
        // text and would change meaning, so it gets a plain wrapper.
        let choices =
            if message.contains('\\') { &wrap_line[..wrap_line.len() - 1] } else { wrap_line };
        let template = &choices[filler.rng.below(choices.len() as u64) as usize];
        filler.fill(template, message, record);
        return;
    }
    let (template, every_line) = &wrap_multi[filler.rng.below(wrap_multi.len() as u64) as usize];
    scratch.clear();
    filler.fill(template, "", scratch);
    for (index, line) in message.split('\n').enumerate() {
        if index > 0 {
            record.push(b'\n');
        }
        if index == 0 || *every_line {
            record.extend_from_slice(scratch);
        }
        record.extend_from_slice(line.as_bytes());
    }
}
