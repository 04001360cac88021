//! Argument parsing and dispatch. Exit codes: 0 matched (or success), 1 no match (or checks
//! failed), 2 error.

mod args;
mod commands;
mod eval;
mod render;
mod watch;

use std::process::ExitCode;

use clap::Parser;

pub(crate) fn run() -> anyhow::Result<ExitCode> {
    let args = args::Cli::parse();
    let choice = match args.color {
        // anstream's auto mode checks for a terminal, NO_COLOR and CLICOLOR_FORCE.
        args::ColorWhen::Auto => anstream::ColorChoice::Auto,
        args::ColorWhen::Always => anstream::ColorChoice::Always,
        args::ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
    commands::dispatch(args)
}

pub(crate) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Panic messages can quote the text being worked on (slicing a string out of bounds prints the
/// string), and that text may hold secrets. The hook says where a panic happened and withholds its
/// message, on stderr and in the log.
pub(crate) fn install_panic_hook() {
    std::panic::set_hook(withholding_hook(std::io::stderr));
}

type PanicHook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync>;

fn withholding_hook<W: std::io::Write>(out: impl Fn() -> W + Send + Sync + 'static) -> PanicHook {
    Box::new(move |info| {
        let at = info.location().map_or_else(
            || "an unknown place".to_owned(),
            |at| format!("{}:{}", at.file(), at.line()),
        );
        tracing::error!(at, "internal error (a bug); its message is withheld");
        let _ = writeln!(
            out(),
            "errsig: internal error (a bug) at {at}; its message is withheld because it may quote \
             the input"
        );
    })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_panic_report_names_the_place_and_never_the_message() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let previous = std::panic::take_hook();
        std::panic::set_hook(super::withholding_hook(move || writer.clone()));
        let text = String::from("Authorization: Bearer sk-ant-api03-Qw8Er4Ty6Ui2Op0As");
        let cut = std::hint::black_box(text.len() + 4);
        let outcome = std::panic::catch_unwind(|| text[..cut].len());
        std::panic::set_hook(previous);
        assert!(outcome.is_err());
        let report = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        assert!(report.contains("internal error (a bug) at src/cli/mod.rs:"), "{report}");
        assert!(!report.contains("Qw8Er4Ty") && !report.contains("Bearer"), "{report}");
    }
}
