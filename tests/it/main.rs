//! The one integration-test binary. Modules are organised by what they exercise.

mod cli;
mod corpus;
mod engine;
mod evaluation;
#[cfg(feature = "server")]
mod http;
#[cfg(feature = "server")]
mod malformed;
mod negatives;
mod properties;
mod secrets;
mod tidy;
#[cfg(feature = "server")]
mod web;

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

use errsig::{Corpus, Engine};

/// The engine over the embedded corpus, built once for the whole test binary.
pub(crate) fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    Arc::clone(ENGINE.get_or_init(|| {
        let corpus = Corpus::embedded().expect("the embedded corpus is valid");
        Arc::new(Engine::new(&corpus).expect("the embedded corpus builds"))
    }))
}

/// Runs the `errsig` binary with `args`, feeding `stdin` from a thread (so a child that stops
/// reading early cannot block the test), and waits for it.
pub(crate) fn run_errsig(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_errsig"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut input = child.stdin.take().expect("stdin is piped");
    let bytes = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let output = child.wait_with_output().expect("the binary finishes");
    writer.join().expect("the stdin writer ends");
    output
}

/// A log sink for tracing subscribers: everything written is kept for the test to read.
#[derive(Clone, Default)]
pub(crate) struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
