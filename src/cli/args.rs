//! The command-line definition (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Match error logs from LLM gateways and SDKs to known problems, and print the fix.
#[derive(Debug, Parser)]
#[command(name = "errsig", version, about, propagate_version = true)]
pub(crate) struct Cli {
    /// When to colour the output; `auto` colours only a terminal and honours NO_COLOR.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub(crate) color: ColorWhen,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Match log files (or standard input) and print the known problems with their fixes.
    ///
    /// Exit status: 0 when a confident match was found, 1 when none, 2 on error.
    ///
    /// Examples:
    ///   errsig match app.log
    ///   python app.py 2>&1 | errsig match
    ///   errsig match --json proxy.log
    Match(MatchArgs),
    /// Pass standard input through to standard output and print each diagnosis to standard error
    /// as soon as its event is complete.
    ///
    /// Exit status: 0 when a problem was found, 1 when none, 2 on error.
    ///
    /// Examples:
    ///   python app.py 2>&1 | errsig watch
    ///   kubectl logs -f deploy/litellm | errsig watch
    Watch(WatchArgs),
    /// Run a command, pass its output through unchanged and live, diagnose it as `watch` does, and
    /// exit with the command's own status.
    ///
    /// Examples:
    ///   errsig run -- python app.py
    ///   errsig run -- litellm --config config.yaml
    Run(RunArgs),
    /// Print the normalized text, events, evidence and redactions (for signature authors).
    Normalize(NormalizeArgs),
    /// Validate a corpus directory: format, regex limits, anchors, ids, relations.
    Lint(CorpusCheckArgs),
    /// Validate a corpus and run every example and counter-example in it.
    Test(CorpusCheckArgs),
    /// Search the articles (BM25).
    Search(SearchArgs),
    /// Print one signature's article.
    Show(ShowArgs),
    /// List the signatures.
    List(ListArgs),
    /// Score errsig on labelled sets: top-1/top-3 accuracy, mean reciprocal rank, per-signature
    /// precision and recall, false positives on negatives and calibration, beside baselines
    /// (errsig without fuzzy matching, BM25 search alone, exact substring search).
    ///
    /// A set is a directory with `cases.toml` (`[[case]] file, expected, source, note`).
    /// Exit status: 0, or 1 when a floor in --floors is not met, 2 on error.
    ///
    /// Example:
    ///   errsig eval eval/real-client eval/devset --negatives tests/negatives --floors eval/floors.toml
    Eval(EvalArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    ///
    /// Example:
    ///   errsig completions bash > /etc/bash_completion.d/errsig
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    ///
    /// Example:
    ///   errsig man > /usr/local/share/man/man1/errsig.1
    Man,
    /// Serve the HTTP API (POST /match, GET /search, GET /signatures, ...) on the corpus.
    ///
    /// Examples:
    ///   errsig serve
    ///   errsig serve --addr 0.0.0.0:8080 --overlay ./my-signatures
    ///   curl -s --data-binary @app.log http://127.0.0.1:8080/match
    #[cfg(feature = "server")]
    Serve(ServeArgs),
}

#[cfg(feature = "server")]
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The address to listen on. The default only accepts local connections.
    #[arg(long, value_name = "HOST:PORT", env = "ERRSIG_ADDR", default_value = "127.0.0.1:8080")]
    pub(crate) addr: String,
    /// The largest request body, in bytes (larger ones get 413).
    #[arg(long, value_name = "BYTES", env = "ERRSIG_MAX_BODY_BYTES", default_value_t = 8 * 1024 * 1024)]
    pub(crate) max_body_bytes: usize,
    /// Seconds a request may take before it gets 503.
    #[arg(long, value_name = "SECONDS", env = "ERRSIG_TIMEOUT_SECS", default_value_t = 30)]
    pub(crate) timeout_secs: u64,
    /// Requests handled at once; more are shed with 503 and Retry-After.
    #[arg(long, value_name = "N", env = "ERRSIG_MAX_CONCURRENCY", default_value_t = 64)]
    pub(crate) max_concurrency: usize,
    /// Seconds a client may take to send a request's head before the connection is closed
    /// (slowloris); also how long an idle keep-alive connection stays open.
    #[arg(long, value_name = "SECONDS", env = "ERRSIG_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub(crate) header_timeout_secs: u64,
    /// Reload when files under --signatures or --overlay change (after a second of quiet).
    #[arg(long, env = "ERRSIG_WATCH")]
    pub(crate) watch: bool,
    #[command(flatten)]
    pub(crate) corpus: CorpusArgs,
}

#[derive(Debug, Args)]
pub(crate) struct EvalArgs {
    /// Set directories, each with a `cases.toml`.
    pub(crate) sets: Vec<PathBuf>,
    /// A directory whose `*.log` files hold no known problem (repeatable).
    #[arg(long, value_name = "DIR")]
    pub(crate) negatives: Vec<PathBuf>,
    /// Fail (exit 1) when errsig is below the floors in this TOML file.
    #[arg(long, value_name = "FILE")]
    pub(crate) floors: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// List every case errsig gets wrong.
    #[arg(long)]
    pub(crate) misses: bool,
    /// Score errsig alone, without the baselines.
    #[arg(long)]
    pub(crate) no_baselines: bool,
    #[command(flatten)]
    pub(crate) corpus: CorpusArgs,
}

#[derive(Debug, Args)]
pub(crate) struct CorpusArgs {
    /// Load signatures from this directory instead of the embedded corpus (repeatable).
    #[arg(long = "signatures", value_name = "DIR")]
    pub(crate) signatures: Vec<PathBuf>,
    /// Add signatures from this directory; they replace built-ins with the same id.
    #[arg(long, value_name = "DIR")]
    pub(crate) overlay: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct MatchArgs {
    /// Log files; standard input when none (or `-`).
    pub(crate) files: Vec<PathBuf>,
    /// Print the JSON document (schema in README.md).
    #[arg(long, conflicts_with = "jsonl")]
    pub(crate) json: bool,
    /// Print one compact JSON document per input per line, each naming its `source`.
    #[arg(long)]
    pub(crate) jsonl: bool,
    /// Show at most N matches.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub(crate) top: usize,
    /// The confidence bar, 0 to 1.
    #[arg(long, value_name = "X", default_value_t = 0.5)]
    pub(crate) min_confidence: f32,
    /// Explain each match (anchors, specificity, boosts).
    #[arg(long)]
    pub(crate) explain: bool,
    #[command(flatten)]
    pub(crate) corpus: CorpusArgs,
}

#[derive(Debug, Args)]
pub(crate) struct NormalizeArgs {
    /// A log file; standard input when none.
    pub(crate) file: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CorpusCheckArgs {
    /// Corpus directories, loaded together as one corpus (default: the embedded corpus).
    pub(crate) dirs: Vec<PathBuf>,
    /// Only run signatures whose id contains this text (`test` only).
    #[arg(long, value_name = "TEXT", env = "SIG_TEST")]
    pub(crate) filter: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// The query.
    pub(crate) query: Vec<String>,
    /// At most N results.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub(crate) limit: usize,
    #[command(flatten)]
    pub(crate) corpus: CorpusArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// The signature id.
    pub(crate) id: String,
    #[command(flatten)]
    pub(crate) corpus: CorpusArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Only signatures with this tool, provider or area tag.
    #[arg(long, value_name = "TAG")]
    pub(crate) tag: Option<String>,
    #[command(flatten)]
    pub(crate) corpus: CorpusArgs,
}

#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// Report an event held open (a traceback that may be chained) after this many quiet
    /// milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 500)]
    pub(crate) idle_ms: u64,
    #[command(flatten)]
    pub(crate) corpus: CorpusArgs,
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// As for `watch`.
    #[arg(long, value_name = "MS", default_value_t = 500)]
    pub(crate) idle_ms: u64,
    #[command(flatten)]
    pub(crate) corpus: CorpusArgs,
    /// The command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub(crate) command: Vec<String>,
}
