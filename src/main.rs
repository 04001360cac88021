//! The `errsig` command line: a thin adapter over the library.

mod cli;

use std::process::ExitCode;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::from_env("ERRSIG_LOG");
    let subscriber = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // ERRSIG_LOG_FORMAT=json for log collectors; log lines never carry request bodies.
    if std::env::var("ERRSIG_LOG_FORMAT").is_ok_and(|format| format.eq_ignore_ascii_case("json")) {
        subscriber.json().init();
    } else {
        subscriber.init();
    }
    cli::install_panic_hook();
    match cli::run() {
        Ok(code) => code,
        Err(error) => {
            if cli::is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("errsig: {error:#}");
            ExitCode::from(2)
        }
    }
}
