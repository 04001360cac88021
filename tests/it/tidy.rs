//! Architecture rules, checked by reading the source: `cargo test` is the only gate.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The core: everything below `wire` in ARCHITECTURE.md's dependency table.
fn is_core(relative: &str) -> bool {
    !(relative == "src/main.rs"
        || relative.starts_with("src/cli/")
        || relative.starts_with("src/server/")
        || relative == "src/wire.rs"
        || relative == "src/lib.rs")
}

#[test]
fn core_stays_free_of_adapters_and_side_effects() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let forbidden = [
        "axum",
        "tokio",
        "tower",
        "hyper",
        "clap",
        "anyhow",
        "serde_json",
        "tracing_subscriber",
        "mimalloc",
        "crate::wire",
        "crate::server",
        "println!",
        "eprintln!",
        "print!(",
        "std::env::var",
        "std::thread::spawn",
        "std::fs::",
    ];
    let mut violations = Vec::new();
    for path in files {
        let relative = path.strip_prefix(root()).unwrap().to_string_lossy().replace('\\', "/");
        if !is_core(&relative) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for word in forbidden {
                // Only the corpus loader reads files.
                if word == "std::fs::" && relative == "src/corpus/mod.rs" {
                    continue;
                }
                if code.contains(word) {
                    violations.push(format!("{relative}:{}: uses `{word}`", number + 1));
                }
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn modules_only_import_what_the_dependency_table_allows() {
    // module -> crate modules it must not import (everything at or above it in the table).
    let rules: &[(&str, &[&str])] = &[
        (
            "src/normalize",
            &["signature", "corpus", "compile", "matcher", "score", "articles", "engine", "report"],
        ),
        (
            "src/signature.rs",
            &["corpus", "compile", "matcher", "score", "articles", "engine", "report"],
        ),
        ("src/corpus", &["compile", "matcher", "score", "articles", "engine", "report"]),
        ("src/compile.rs", &["matcher", "score", "articles", "engine", "report"]),
        ("src/matcher.rs", &["score", "articles", "engine", "report"]),
        ("src/score.rs", &["articles", "engine"]),
        ("src/articles.rs", &["compile", "matcher", "score", "engine", "report"]),
        // The server sees the library as another crate would: only what lib.rs re-exports.
        (
            "src/server",
            &[
                "normalize",
                "signature",
                "corpus",
                "compile",
                "matcher",
                "score",
                "articles",
                "engine",
                "report",
                "error",
            ],
        ),
    ];
    let mut violations = Vec::new();
    for (prefix, banned) in rules {
        let mut files = Vec::new();
        let path = root().join(prefix);
        if path.is_dir() {
            rust_files(&path, &mut files);
        } else {
            files.push(path);
        }
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for module in *banned {
                let needle = format!("crate::{module}");
                if text.contains(&needle) {
                    violations.push(format!("{} imports {needle}", file.display()));
                }
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn tests_live_in_the_one_integration_binary() {
    let stray: Vec<_> = std::fs::read_dir(root().join("tests"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    assert!(stray.is_empty(), "move these into tests/it/: {stray:?}");
}

#[test]
fn signature_files_sit_in_area_directories() {
    let mut misplaced = Vec::new();
    for entry in std::fs::read_dir(root().join("signatures")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() && path.extension().is_some_and(|ext| ext == "toml") {
            misplaced.push(path.display().to_string());
        }
    }
    assert!(misplaced.is_empty(), "signature files must be in signatures/<area>/: {misplaced:?}");
}
