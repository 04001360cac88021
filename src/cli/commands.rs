//! One function per subcommand.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use errsig::{Corpus, Engine, Problem};

use super::args::{
    Cli, Command, CorpusArgs, CorpusCheckArgs, EvalArgs, ListArgs, MatchArgs, NormalizeArgs,
    RunArgs, SearchArgs, ShowArgs, WatchArgs,
};
use super::render;

pub(crate) fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Match(args) => run_match(args),
        Command::Normalize(args) => run_normalize(args),
        Command::Lint(args) => run_lint(args),
        Command::Test(args) => run_test(args),
        Command::Search(args) => run_search(args),
        Command::Show(args) => run_show(args),
        Command::List(args) => run_list(args),
        #[cfg(feature = "server")]
        Command::Serve(args) => run_serve(args),
        Command::Watch(args) => run_watch(args),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "errsig", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(command)
                .render(&mut std::io::stdout())
                .context("cannot write the man page")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Run(args) => run_command(args),
        Command::Eval(args) => run_eval(args),
    }
}

fn load_corpus(args: &CorpusArgs) -> anyhow::Result<Corpus> {
    let base = if args.signatures.is_empty() {
        Corpus::embedded().context("the embedded corpus is invalid")?
    } else {
        Corpus::load_dirs(&args.signatures).context("cannot load the signature directories")?
    };
    Ok(match &args.overlay {
        Some(dir) => base.with_overlay(
            Corpus::load_dir(dir)
                .with_context(|| format!("cannot load the overlay `{}`", dir.display()))?,
        ),
        None => base,
    })
}

fn read_input(path: Option<&Path>) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match path {
        None => {
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .context("cannot read standard input")?;
        }
        Some(path) if path == Path::new("-") => return read_input(None),
        Some(path) => {
            if path.is_dir() {
                bail!("`{}` is a directory; give log files", path.display());
            }
            bytes =
                std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
        }
    }
    Ok(bytes)
}

fn run_match(args: MatchArgs) -> anyhow::Result<ExitCode> {
    let corpus = load_corpus(&args.corpus)?;
    let engine = Engine::builder()
        .max_matches(args.top)
        .min_confidence(args.min_confidence)
        .build(&corpus)
        .context("cannot build the engine")?;
    let inputs: Vec<Option<PathBuf>> = if args.files.is_empty() {
        vec![None]
    } else {
        args.files.iter().cloned().map(Some).collect()
    };
    let mut out = anstream::stdout().lock();
    let mut any_match = false;
    let many = inputs.len() > 1;
    // Files are read and matched in parallel, a window at a time, and reported in order.
    let threads =
        std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, inputs.len());
    for window in inputs.chunks(threads) {
        let results: Vec<anyhow::Result<(Vec<u8>, errsig::MatchReport)>> =
            std::thread::scope(|scope| {
                let handles: Vec<_> = window
                    .iter()
                    .map(|input| {
                        let engine = &engine;
                        scope.spawn(move || -> anyhow::Result<_> {
                            let name = input_name(input.as_deref());
                            let bytes = read_input(input.as_deref())?;
                            let progress = progress::start(&name, bytes.len());
                            let report = engine.match_bytes(&bytes);
                            progress.finish();
                            Ok((bytes, report))
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|handle| handle.join().expect("matching never panics"))
                    .collect()
            });
        for (input, result) in window.iter().zip(results) {
            let (bytes, report) = result?;
            any_match |= !report.matches().is_empty();
            let name = input_name(input.as_deref());
            if args.json || args.jsonl {
                let mut document = errsig::wire::MatchDocument::from_report(&report);
                let text = if args.jsonl {
                    document.source = Some(name);
                    serde_json::to_string(&document)?
                } else if many {
                    serde_json::to_string(&document)?
                } else {
                    serde_json::to_string_pretty(&document)?
                };
                writeln!(out, "{text}")?;
            } else {
                let original = String::from_utf8_lossy(&bytes);
                render::report(&mut out, &name, &original, &report, args.explain)?;
            }
        }
    }
    out.flush()?;
    Ok(if any_match { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn input_name(input: Option<&Path>) -> String {
    input.map_or_else(|| "<stdin>".to_string(), |path| path.display().to_string())
}

/// A spinner on stderr while a large input is matched, only when stderr is a terminal.
mod progress {
    use std::io::IsTerminal;

    /// Inputs at least this large get a spinner.
    const LARGE_INPUT: usize = 8 * 1024 * 1024;

    pub(crate) struct Progress(Option<indicatif::ProgressBar>);

    pub(crate) fn start(name: &str, bytes: usize) -> Progress {
        if bytes < LARGE_INPUT || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(format!("matching {name} ({} MiB)", bytes / (1024 * 1024)));
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Progress(Some(bar))
    }

    impl Progress {
        pub(crate) fn finish(self) {
            if let Some(bar) = self.0 {
                bar.finish_and_clear();
            }
        }
    }
}

fn run_normalize(args: NormalizeArgs) -> anyhow::Result<ExitCode> {
    let bytes = read_input(args.file.as_deref())?;
    let text = String::from_utf8_lossy(&bytes);
    let normalized = errsig::normalize(&text);
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&errsig::wire::NormalizeDocument::from_normalized(
                &normalized
            ))?
        )?;
    } else {
        render::normalized(&mut out, &normalized)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn corpus_for_check(args: &CorpusCheckArgs) -> Result<Corpus, anyhow::Error> {
    if args.dirs.is_empty() { Ok(Corpus::embedded()?) } else { Ok(Corpus::load_dirs(&args.dirs)?) }
}

fn print_problems(error: &anyhow::Error) -> bool {
    if let Some(errsig::ErrorKind::InvalidCorpus(problems)) =
        error.downcast_ref::<errsig::Error>().map(errsig::Error::kind)
    {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{} problem(s):", problems.len());
        for problem in problems {
            let _ = writeln!(err, "  {}", Problem::to_string(problem));
        }
        return true;
    }
    false
}

fn run_lint(args: CorpusCheckArgs) -> anyhow::Result<ExitCode> {
    let built = corpus_for_check(&args).and_then(|corpus| Ok((Engine::new(&corpus)?, corpus)));
    match built {
        Ok((_, corpus)) => {
            println!("ok: {} signatures, corpus version {}", corpus.len(), corpus.version());
            Ok(ExitCode::SUCCESS)
        }
        Err(error) if print_problems(&error) => Ok(ExitCode::from(1)),
        Err(error) => Err(error),
    }
}

fn run_test(args: CorpusCheckArgs) -> anyhow::Result<ExitCode> {
    let built = corpus_for_check(&args).and_then(|corpus| Ok((Engine::new(&corpus)?, corpus)));
    let (engine, corpus) = match built {
        Ok(pair) => pair,
        Err(error) if print_problems(&error) => return Ok(ExitCode::from(1)),
        Err(error) => return Err(error),
    };
    let failures: Vec<_> = engine
        .self_test()
        .into_iter()
        .filter(|failure| {
            args.filter
                .as_ref()
                .is_none_or(|filter| failure.signature.as_str().contains(filter.as_str()))
        })
        .collect();
    let cases: usize =
        corpus.signatures().iter().map(|s| s.examples().len() + s.counter_examples().len()).sum();
    let mut err = std::io::stderr().lock();
    for failure in &failures {
        writeln!(err, "{failure}")?;
    }
    let passed = cases - failures.len().min(cases);
    println!("{} signatures: {passed} passed, {} failed", corpus.len(), failures.len());
    Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn run_search(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let engine = Engine::new(&load_corpus(&args.corpus)?)?;
    let query = args.query.join(" ");
    let results = engine.search_articles(&query, args.limit);
    let mut out = std::io::stdout().lock();
    for warning in results.warnings() {
        eprintln!("errsig: ignored part of the query: {warning}");
    }
    for hit in results.hits() {
        writeln!(out, "{:>6.2}  {}  {}", hit.score(), hit.signature_id(), hit.title())?;
    }
    Ok(if results.hits().is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn run_show(args: ShowArgs) -> anyhow::Result<ExitCode> {
    let engine = Engine::new(&load_corpus(&args.corpus)?)?;
    let Some(signature) = engine.signature(&args.id) else {
        // The id is repeated only when it has the shape of one: anything else may be a key
        // pasted in the wrong place, and errsig never prints a secret back.
        let looks_like_an_id = args.id.len() <= 100
            && args.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && errsig::normalize(&args.id).redactions().is_empty();
        if looks_like_an_id {
            bail!("no signature has the id `{}`; `errsig list` shows them all", args.id);
        }
        bail!("no signature has that id; `errsig list` shows them all");
    };
    render::article(&mut std::io::stdout().lock(), signature)?;
    Ok(ExitCode::SUCCESS)
}

fn run_list(args: ListArgs) -> anyhow::Result<ExitCode> {
    let corpus = load_corpus(&args.corpus)?;
    let mut out = std::io::stdout().lock();
    for signature in corpus.signatures() {
        let tags = signature.tags();
        let wanted = args.tag.as_ref().is_none_or(|tag| {
            tags.tool == *tag || tags.area == *tag || tags.providers.contains(tag)
        });
        if wanted {
            writeln!(
                out,
                "{}  [{} {}]  {}",
                signature.id(),
                tags.tool,
                tags.area,
                signature.title()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(feature = "server")]
fn run_serve(args: super::args::ServeArgs) -> anyhow::Result<ExitCode> {
    use errsig::server::{
        AppState, CorpusSource, ServerConfig, router, serve, spawn_sighup_reloader,
        watch_directories,
    };

    let corpus = load_corpus(&args.corpus)?;
    let engine = std::sync::Arc::new(Engine::new(&corpus).context("cannot build the engine")?);
    let config = ServerConfig {
        max_body_bytes: args.max_body_bytes,
        request_timeout: std::time::Duration::from_secs(args.timeout_secs.max(1)),
        max_concurrency: args.max_concurrency.max(1),
        header_read_timeout: std::time::Duration::from_secs(args.header_timeout_secs.max(1)),
        ..ServerConfig::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.addr).await.with_context(|| {
            format!("cannot listen on {}; is another process using it?", args.addr)
        })?;
        let local = listener.local_addr().context("cannot read the listening address")?;
        eprintln!(
            "errsig: serving {} signatures (corpus {}) on http://{local}",
            engine.signatures().len(),
            engine.corpus_version()
        );
        // The admin token only comes from the environment, so it never shows in a process list.
        let admin_token = std::env::var("ERRSIG_ADMIN_TOKEN").ok().filter(|token| !token.is_empty());
        if admin_token.is_none() {
            eprintln!("errsig: POST /admin/reload is off (set ERRSIG_ADMIN_TOKEN to enable it); SIGHUP reloads");
        }
        let source = CorpusSource {
            signatures: args.corpus.signatures.clone(),
            overlay: args.corpus.overlay.clone(),
        };
        let state = AppState::with_reload(engine, config.clone(), source, admin_token);
        spawn_sighup_reloader(state.clone());
        let _watch = if args.watch {
            let watch = watch_directories(&state, std::time::Duration::from_secs(1))
                .context("cannot watch the signature directories")?;
            eprintln!("errsig: watching the signature directories; changes reload the corpus");
            Some(watch)
        } else {
            None
        };
        serve(listener, router(state), &config).await.context("the server stopped with an error")
    })?;
    Ok(ExitCode::SUCCESS)
}

fn run_eval(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let corpus = load_corpus(&args.corpus)?;
    let engine = Engine::new(&corpus).context("cannot build the engine")?;
    let without_fuzzy = if args.no_baselines {
        None
    } else {
        Some(Engine::builder().fuzzy(false).build(&corpus).context("cannot build the engine")?)
    };
    super::eval::run(args, &engine, without_fuzzy.as_ref())
}

fn run_watch(args: WatchArgs) -> anyhow::Result<ExitCode> {
    let engine = Engine::new(&load_corpus(&args.corpus)?).context("cannot build the engine")?;
    super::watch::watch(&engine, std::time::Duration::from_millis(args.idle_ms.max(1)))
}

fn run_command(args: RunArgs) -> anyhow::Result<ExitCode> {
    let engine = Engine::new(&load_corpus(&args.corpus)?).context("cannot build the engine")?;
    super::watch::run(&engine, &args.command, std::time::Duration::from_millis(args.idle_ms.max(1)))
}
