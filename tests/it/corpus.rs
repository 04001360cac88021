//! The corpus is its own test suite: every example must match at its rank, every counter-example
//! must not, and the files must lint clean. All failures are listed at once.
//! `SIG_TEST=substring cargo test corpus` narrows the run to matching signature ids.

use errsig::{Corpus, Engine, ErrorKind};

#[test]
fn every_example_and_counter_example_behaves() {
    let engine = crate::engine();
    let filter = std::env::var("SIG_TEST").ok();
    let failures: Vec<String> = engine
        .self_test()
        .into_iter()
        .filter(|failure| {
            filter.as_ref().is_none_or(|text| failure.signature.as_str().contains(text.as_str()))
        })
        .map(|failure| failure.to_string())
        .collect();
    assert!(
        failures.is_empty(),
        "{} corpus case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_signature_has_sources_examples_and_counter_examples() {
    let engine = crate::engine();
    let mut problems = Vec::new();
    for signature in engine.signatures() {
        if signature.examples().is_empty()
            || signature.counter_examples().is_empty()
            || signature.sources().is_empty()
        {
            problems.push(signature.id().to_string());
        }
        if !signature
            .file()
            .starts_with(&format!("{}/", signature.file().split('/').next().unwrap_or_default()))
        {
            problems.push(format!("{} is not in an area directory", signature.file()));
        }
    }
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn the_embedded_corpus_has_the_engine_issue_problems() {
    let engine = crate::engine();
    for id in [
        "azure-401-invalid-subscription-key-or-endpoint",
        "azure-401-entra-token-with-default-azure-credential",
        "azure-404-full-deployment-url-without-azure-prefix",
        "litellm-provider-not-provided",
    ] {
        assert!(engine.signature(id).is_some(), "missing {id}");
    }
}

/// Paste a failing log here while debugging a signature.
#[test]
fn smoke() {
    let report = crate::engine()
        .match_text("litellm.BadRequestError: LLM Provider NOT provided. You passed model=foo-bar");
    assert_eq!(report.matches()[0].signature_id().as_str(), "litellm-provider-not-provided");
    assert_eq!(report.matches()[0].variables()["model"], "foo-bar");
}

pub(crate) const VALID: &str = r#"
id = "demo-thing-broke"
title = "Demo: the thing broke"
sources = ["made up for this test"]
[tags]
tool = "demo"
area = "setup"
[match]
all = ['ThingError: the thing (?P<how>broke|cracked)']
[article]
summary = "The thing broke."
causes = ["It was old."]
verify = "Run it again."
[[article.fix]]
title = "Replace the thing"
body = "It {{how}}; buy a new one."
[[example]]
text = "ThingError: the thing broke"
variables = { how = "broke" }
[[counter_example]]
text = "ThingError: the thing bent"
"#;

fn problems(files: &[(&str, &str)]) -> Vec<String> {
    let result =
        Corpus::from_sources(files.iter().copied()).and_then(|corpus| Engine::new(&corpus));
    match result {
        Ok(_) => Vec::new(),
        Err(error) => match error.kind() {
            ErrorKind::InvalidCorpus(problems) => {
                problems.iter().map(ToString::to_string).collect()
            }
            other => vec![other.to_string()],
        },
    }
}

#[test]
fn a_valid_file_loads_and_fills_variables() {
    assert_eq!(problems(&[("demo/demo-thing-broke.toml", VALID)]), Vec::<String>::new());
    let corpus = Corpus::from_sources([("demo/demo-thing-broke.toml", VALID)]).unwrap();
    let engine = Engine::new(&corpus).unwrap();
    let report = engine.match_text("x\nThingError: the thing cracked\ny");
    assert_eq!(report.matches()[0].fixes()[0].body.as_deref(), Some("It cracked; buy a new one."));
    assert!(engine.self_test().is_empty());
}

#[test]
fn every_problem_is_reported_with_file_line_and_field() {
    let broken = VALID
        .replace("id = \"demo-thing-broke\"", "id = \"Demo_Thing\"")
        .replace("area = \"setup\"", "area = \"nowhere\"\nunknown_field = 1");
    let found = problems(&[("demo/demo-thing-broke.toml", &broken)]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("demo/demo-thing-broke.toml:8"), "{found:?}");
    assert!(found[0].contains("unknown field `unknown_field`"), "{found:?}");

    let broken = VALID
        .replace("id = \"demo-thing-broke\"", "id = \"Demo_Thing\"")
        .replace("area = \"setup\"", "area = \"nowhere\"");
    let found = problems(&[("demo/demo-thing-broke.toml", &broken)]);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(
        found
            .iter()
            .any(|p| p.contains(":2: signature `Demo_Thing`, id: `Demo_Thing` is not kebab-case")),
        "{found:?}"
    );
    assert!(found.iter().any(|p| p.contains("tags.area: unknown area `nowhere`")), "{found:?}");
}

fn with_pattern(pattern: &str) -> String {
    VALID.replace("all = ['ThingError: the thing (?P<how>broke|cracked)']", pattern)
}

#[test]
fn compile_problems_are_all_listed() {
    let joined = problems(&[(
        "demo/demo-thing-broke.toml",
        &with_pattern("all = ['ThingError: the thing (?P<how>broke|cracked)']\nanchors = ['zz']"),
    )])
    .join("\n");
    assert!(joined.contains("match.anchors[0]: anchor `zz` is shorter than 3 bytes"), "{joined}");
    let joined = problems(&[(
        "demo/demo-thing-broke.toml",
        &with_pattern("all = ['ThingError(?:a{1000}){1000}x']"),
    )])
    .join("\n");
    assert!(joined.contains("match.all[0]: pattern compiles to more than"), "{joined}");
    let joined = problems(&[(
        "demo/demo-thing-broke.toml",
        &with_pattern("all = ['\\d+ \\w+ (?P<how>x)']"),
    )])
    .join("\n");
    assert!(joined.contains("no anchor of 3+ bytes can be derived"), "{joined}");
    let joined = problems(&[(
        "demo/demo-thing-broke.toml",
        &with_pattern("all = ['ThingError: the thing broke']"),
    )])
    .join("\n");
    assert!(joined.contains("article.fix[0]: `{{how}}` names no group"), "{joined}");
    let joined = problems(&[(
        "demo/demo-thing-broke.toml",
        &(VALID.to_string() + "[relations]\nrelated = [\"nope-nope\"]\n"),
    )])
    .join("\n");
    assert!(joined.contains("relations.related: no signature has the id `nope-nope`"), "{joined}");
}

#[test]
fn duplicate_ids_and_stem_mismatch_are_problems() {
    let found = problems(&[
        ("a/demo-thing-broke.toml", VALID),
        ("b/demo-thing-broke.toml", VALID),
        ("c/other.toml", VALID),
    ]);
    let joined = found.join("\n");
    assert!(joined.contains("b/demo-thing-broke.toml: signature `demo-thing-broke`, id: id is already used by `a/demo-thing-broke.toml`"), "{joined}");
    assert!(joined.contains("c/other.toml:2: signature `demo-thing-broke`, id: id `demo-thing-broke` must equal the file stem `other`"), "{joined}");
}

#[test]
fn a_broken_toml_file_is_a_problem_not_a_panic() {
    let found = problems(&[("demo/demo-thing-broke.toml", "id = \"x\"\n[tags\n")]);
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("demo/demo-thing-broke.toml:2"), "{found:?}");
}

#[test]
fn an_overlay_replaces_a_built_in_signature() {
    let base = Corpus::embedded().unwrap();
    let replaced = VALID
        .replace("demo-thing-broke", "litellm-provider-not-provided")
        .replace("Demo: the thing broke", "Overlaid");
    let overlay =
        Corpus::from_sources([("mine/litellm-provider-not-provided.toml", replaced.as_str())])
            .unwrap();
    let merged = base.clone().with_overlay(overlay);
    assert_eq!(merged.len(), base.len());
    let engine = Engine::new(&merged).unwrap();
    assert_eq!(engine.signature("litellm-provider-not-provided").unwrap().title(), "Overlaid");
    assert_ne!(merged.version(), base.version());
}

#[test]
fn hostile_signature_files_are_refused_with_a_clear_problem() {
    let deep = format!("ThingError{}x{}", "(?:".repeat(300), ")".repeat(300));
    let long = format!("ThingError {}", "a".repeat(2048));
    let rows: [(&str, String, &str); 5] = [
        (
            "a repetition bomb",
            "ThingError((a{100}){100}){100}".into(),
            "pattern compiles to more than",
        ),
        ("300-deep nesting", deep, "match.all[0]"),
        ("a pattern over 2 KiB", long, "the limit is 2048"),
        ("no literal to anchor on", "(?P<how>.+)".into(), "no anchor of 3+ bytes can be derived"),
        ("an unbalanced group", "ThingError (broke".into(), "match.all[0]"),
    ];
    for (name, pattern, says) in rows {
        let file = with_pattern(&format!("all = ['''{pattern}''']"));
        let found = problems(&[("demo/demo-thing-broke.toml", &file)]).join("\n");
        assert!(found.contains(says), "{name}: expected `{says}` in: {found}");
        assert!(found.contains("demo/demo-thing-broke.toml"), "{name}: the file is named: {found}");
    }
}

#[test]
fn a_corpus_over_the_size_limit_is_refused_before_it_is_parsed() {
    // Texts that would each be a problem if parsed: the only problem reported is the size.
    // (`Corpus::load_dirs` counts the files it found with the same check before reading any.)
    let count = Corpus::MAX_SIGNATURES + 1;
    let names: Vec<String> = (0..count).map(|index| format!("demo/s{index}.toml")).collect();
    let sources: Vec<(&str, &str)> =
        names.iter().map(|name| (name.as_str(), "not toml [")).collect();
    let found = problems(&sources);
    assert_eq!(found.len(), 1, "{:?}", &found[..found.len().min(3)]);
    assert!(found[0].contains("more than 100000 signature files"), "{found:?}");
}
