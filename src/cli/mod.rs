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
