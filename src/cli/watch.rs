//! `errsig watch` and `errsig run`: pass output through unchanged and print each diagnosis to
//! stderr as soon as its event is complete. Repeats are counted, not reprinted.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::process::{ExitCode, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use anyhow::Context;
use errsig::{Engine, LineMatcher, Match};

/// The longest line matched, in bytes; longer lines pass through whole but are matched on their
/// first part, so memory stays bounded on endless streams.
const MAX_MATCHED_LINE: usize = 64 * 1024;
/// Read size for the pass-through.
const CHUNK: usize = 64 * 1024;

/// Which stream a chunk came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Stdout,
    Stderr,
}

enum Message {
    Data(Source, Vec<u8>),
    Closed(Source),
}

/// Splits a byte stream into lines for one `LineMatcher`, keeping a bounded partial line.
struct LineSplitter<'e> {
    matcher: LineMatcher<'e>,
    partial: Vec<u8>,
    overflowed: bool,
}

impl<'e> LineSplitter<'e> {
    fn new(engine: &'e Engine) -> Self {
        LineSplitter { matcher: engine.stream(), partial: Vec::new(), overflowed: false }
    }

    fn push(&mut self, mut bytes: &[u8], found: &mut Vec<Match>) {
        while let Some(newline) = bytes.iter().position(|b| *b == b'\n') {
            self.extend(&bytes[..newline]);
            let line = String::from_utf8_lossy(&self.partial).into_owned();
            found.extend(self.matcher.push_line(&line));
            self.partial.clear();
            self.overflowed = false;
            bytes = &bytes[newline + 1..];
        }
        self.extend(bytes);
    }

    fn extend(&mut self, bytes: &[u8]) {
        let room = MAX_MATCHED_LINE.saturating_sub(self.partial.len());
        self.partial.extend_from_slice(&bytes[..bytes.len().min(room)]);
        self.overflowed |= bytes.len() > room;
    }

    fn flush(&mut self, found: &mut Vec<Match>) {
        found.extend(self.matcher.flush());
    }

    fn finish(&mut self, found: &mut Vec<Match>) {
        if !self.partial.is_empty() {
            let line = String::from_utf8_lossy(&self.partial).into_owned();
            found.extend(self.matcher.push_line(&line));
            self.partial.clear();
        }
        found.extend(self.matcher.flush());
    }
}

/// Prints diagnoses to stderr and counts repeats.
#[derive(Default)]
struct Reporter {
    counts: BTreeMap<String, (usize, String)>,
}

impl Reporter {
    fn report(&mut self, found: Vec<Match>) -> std::io::Result<()> {
        let mut err = std::io::stderr().lock();
        for matched in found {
            let id = matched.signature_id().to_string();
            let entry = self
                .counts
                .entry(id.clone())
                .or_insert((0, matched.signature().title().to_string()));
            entry.0 += 1;
            if entry.0 > 1 {
                continue;
            }
            let (first, last) = matched.occurrences().first().map_or((0, 0), |o| o.line_range());
            let lines = if first == last {
                format!("line {first}")
            } else {
                format!("lines {first}-{last}")
            };
            writeln!(
                err,
                "errsig: {} [{id}] confidence {:.2}, {lines}",
                matched.signature().title(),
                matched.confidence().value()
            )?;
            if let Some(fix) = matched.fixes().first() {
                writeln!(err, "errsig:   fix: {}", fix.title)?;
            }
            writeln!(err, "errsig:   details: errsig show {id}")?;
        }
        err.flush()
    }

    fn summary(&self, lines: usize) -> std::io::Result<()> {
        let mut err = std::io::stderr().lock();
        if self.counts.is_empty() {
            return writeln!(err, "errsig: no known problem in {lines} line(s)");
        }
        let list: Vec<String> =
            self.counts.iter().map(|(id, (count, _))| format!("{id} x{count}")).collect();
        writeln!(
            err,
            "errsig: {} known problem(s) in {lines} line(s): {}",
            self.counts.len(),
            list.join(", ")
        )
    }
}

fn spawn_reader(
    mut reader: impl Read + Send + 'static,
    source: Source,
    sender: mpsc::Sender<Message>,
) {
    thread::spawn(move || {
        let mut buffer = vec![0u8; CHUNK];
        loop {
            match reader.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if sender.send(Message::Data(source, buffer[..n].to_vec())).is_err() {
                        return;
                    }
                }
            }
        }
        let _ = sender.send(Message::Closed(source));
    });
}

/// Runs the pass-through loop until every source is closed. Returns whether anything matched.
fn pump(
    engine: &Engine,
    receiver: mpsc::Receiver<Message>,
    sources: usize,
    idle: Duration,
) -> anyhow::Result<bool> {
    let mut out_split = LineSplitter::new(engine);
    let mut err_split = LineSplitter::new(engine);
    let mut reporter = Reporter::default();
    let mut open = sources;
    let mut stdout = std::io::stdout();
    let mut stderr = std::io::stderr();
    while open > 0 {
        let mut found = Vec::new();
        match receiver.recv_timeout(idle) {
            Ok(Message::Data(source, bytes)) => match source {
                Source::Stdout => {
                    stdout.write_all(&bytes).context("cannot write to standard output")?;
                    stdout.flush().context("cannot write to standard output")?;
                    out_split.push(&bytes, &mut found);
                }
                Source::Stderr => {
                    stderr.write_all(&bytes).context("cannot write to standard error")?;
                    stderr.flush().context("cannot write to standard error")?;
                    err_split.push(&bytes, &mut found);
                }
            },
            Ok(Message::Closed(source)) => {
                open -= 1;
                match source {
                    Source::Stdout => out_split.finish(&mut found),
                    Source::Stderr => err_split.finish(&mut found),
                }
            }
            // A quiet stream: an event held open (a traceback that may still be chained) is
            // complete enough to report.
            Err(RecvTimeoutError::Timeout) => {
                out_split.flush(&mut found);
                err_split.flush(&mut found);
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
        reporter.report(found).context("cannot write to standard error")?;
    }
    let lines = out_split.matcher.line_count() + err_split.matcher.line_count();
    reporter.summary(lines).context("cannot write to standard error")?;
    Ok(!reporter.counts.is_empty())
}

pub(crate) fn watch(engine: &Engine, idle: Duration) -> anyhow::Result<ExitCode> {
    let (sender, receiver) = mpsc::channel();
    spawn_reader(std::io::stdin(), Source::Stdout, sender);
    let matched = pump(engine, receiver, 1, idle)?;
    Ok(if matched { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

pub(crate) fn run(engine: &Engine, command: &[String], idle: Duration) -> anyhow::Result<ExitCode> {
    let (program, args) = command
        .split_first()
        .context("give a command after `--`, e.g. errsig run -- python app.py")?;
    let mut child = std::process::Command::new(program)
        .args(args)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start `{program}`"))?;
    let (sender, receiver) = mpsc::channel();
    spawn_reader(child.stdout.take().expect("stdout is piped"), Source::Stdout, sender.clone());
    spawn_reader(child.stderr.take().expect("stderr is piped"), Source::Stderr, sender);
    pump(engine, receiver, 2, idle)?;
    let status = child.wait().with_context(|| format!("cannot wait for `{program}`"))?;
    Ok(exit_code_of(status))
}

fn exit_code_of(status: std::process::ExitStatus) -> ExitCode {
    if let Some(code) = status.code() {
        return ExitCode::from(u8::try_from(code & 0xff).unwrap_or(1));
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            // The shell convention for a child killed by a signal.
            return ExitCode::from(u8::try_from(128 + signal).unwrap_or(1));
        }
    }
    ExitCode::from(1)
}
