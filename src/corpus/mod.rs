//! The signature corpus: files in, validated [`Signature`]s out.
//!
//! [`Corpus::load_dir`] is the only code in the library that reads files; everything else goes
//! through its pure twin [`Corpus::from_sources`].

mod format;
pub(crate) mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::error::{Error, ErrorKind, Problem, Result};
use crate::signature::Signature;

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/signatures");

/// A validated set of signatures, with a version that changes whenever any file does.
///
/// # Example
/// ```
/// let corpus = errsig::Corpus::from_sources([(
///     "demo/demo-thing-broke.toml",
///     r#"
/// id = "demo-thing-broke"
/// title = "Demo: the thing broke"
/// sources = ["made up for this example"]
/// [tags]
/// tool = "demo"
/// area = "setup"
/// [match]
/// all = ['ThingError: the thing broke']
/// [article]
/// summary = "The thing broke."
/// causes = ["It was old."]
/// verify = "Run it again."
/// [[article.fix]]
/// title = "Replace the thing"
/// body = "Buy a new one."
/// [[example]]
/// text = "ThingError: the thing broke"
/// [[counter_example]]
/// text = "ThingError: the thing bent"
/// "#,
/// )])?;
/// assert_eq!(corpus.len(), 1);
/// # Ok::<(), errsig::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Corpus {
    signatures: Vec<Signature>,
    version: String,
}

impl Corpus {
    /// The corpus compiled into this library (the `signatures/` directory of the source tree).
    ///
    /// # Errors
    /// Never in a released build (the test suite validates the embedded corpus); the `Result`
    /// keeps the contract the same as the other constructors.
    pub fn embedded() -> Result<Corpus> {
        let mut sources = Vec::new();
        collect_embedded(&EMBEDDED, &mut sources);
        Corpus::from_sources(sources)
    }

    /// Loads every `*.toml` file under `dir`, recursively.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when the directory or a file cannot be read; [`ErrorKind::InvalidCorpus`]
    /// listing every problem in every file otherwise.
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<Corpus> {
        Corpus::load_dirs(&[dir.as_ref()])
    }

    /// The most signature files one corpus may hold. Building costs time and memory for every
    /// signature (BENCHMARKS.md: seconds of CPU and 0.8 GiB at 100,000), so a larger corpus is
    /// refused before any file is read, instead of tying a server up for minutes.
    pub const MAX_SIGNATURES: usize = 100_000;

    /// Loads several directories as one corpus; an id defined twice is a problem.
    ///
    /// # Errors
    /// As [`Corpus::load_dir`], and [`ErrorKind::InvalidCorpus`] when the directories hold more
    /// than [`Corpus::MAX_SIGNATURES`] files.
    pub fn load_dirs<P: AsRef<Path>>(dirs: &[P]) -> Result<Corpus> {
        let mut listed = Vec::new();
        for dir in dirs {
            let dir = dir.as_ref();
            let mut files = Vec::new();
            walk(dir, &mut files)?;
            listed.push((dir, files));
        }
        check_size(listed.iter().map(|(_, files)| files.len()).sum())?;
        let mut sources = Vec::new();
        for (dir, mut files) in listed {
            files.sort();
            for path in files {
                let text = std::fs::read(&path)
                    .map_err(|source| Error::new(ErrorKind::Io { path: path.clone(), source }))?;
                let name =
                    path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                let name = if dirs.len() > 1 { format!("{}/{name}", dir.display()) } else { name };
                sources.push((name, String::from_utf8_lossy(&text).into_owned()));
            }
        }
        Corpus::from_sources(sources)
    }

    /// Builds a corpus from `(file name, file text)` pairs; the pure twin of [`Corpus::load_dir`].
    ///
    /// # Errors
    /// [`ErrorKind::InvalidCorpus`] listing every problem found, or saying that there are more
    /// than [`Corpus::MAX_SIGNATURES`] sources.
    pub fn from_sources<I, N, T>(sources: I) -> Result<Corpus>
    where
        I: IntoIterator<Item = (N, T)>,
        N: AsRef<str>,
        T: AsRef<str>,
    {
        let mut problems = Vec::new();
        let mut signatures = Vec::new();
        let mut hasher = Fnv64::default();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        // Refused before copying when the iterator knows its length, and after otherwise.
        let sources = sources.into_iter();
        check_size(sources.size_hint().0)?;
        let mut sources: Vec<(String, String)> = sources
            .map(|(name, text)| (name.as_ref().to_string(), text.as_ref().to_string()))
            .collect();
        check_size(sources.len())?;
        sources.sort();
        for (name, text) in &sources {
            hasher.write(name.as_bytes());
            hasher.write(&[0]);
            hasher.write(text.as_bytes());
            hasher.write(&[0]);
            match parse(name, text) {
                Ok(signature) => {
                    if let Some(previous) =
                        seen.insert(signature.id.as_str().to_string(), name.clone())
                    {
                        problems.push(
                            Problem::new(name, format!("id is already used by `{previous}`"))
                                .signature(signature.id.as_str())
                                .field("id"),
                        );
                    }
                    signatures.push(signature);
                }
                Err(mut found) => problems.append(&mut found),
            }
        }
        if !problems.is_empty() {
            return Err(Error::invalid_corpus(problems));
        }
        signatures.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Corpus { signatures, version: hasher.hex() })
    }

    /// This corpus with `overlay`'s signatures added; an overlay signature replaces a built-in one
    /// with the same id.
    pub fn with_overlay(self, overlay: Corpus) -> Corpus {
        let mut by_id: BTreeMap<String, Signature> = self
            .signatures
            .into_iter()
            .map(|signature| (signature.id.as_str().to_string(), signature))
            .collect();
        for signature in overlay.signatures {
            by_id.insert(signature.id.as_str().to_string(), signature);
        }
        let mut hasher = Fnv64::default();
        hasher.write(self.version.as_bytes());
        hasher.write(overlay.version.as_bytes());
        Corpus { signatures: by_id.into_values().collect(), version: hasher.hex() }
    }

    /// The signatures, sorted by id.
    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    /// A short content hash of every file, as 16 hex digits.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The number of signatures.
    pub fn len(&self) -> usize {
        self.signatures.len()
    }

    /// Whether the corpus has no signatures.
    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty()
    }
}

/// Refuses a corpus of more than [`Corpus::MAX_SIGNATURES`] files (a directory walk stops
/// counting just past the limit).
fn check_size(files: usize) -> Result<()> {
    if files <= Corpus::MAX_SIGNATURES {
        return Ok(());
    }
    Err(Error::invalid_corpus(vec![Problem::new(
        "<corpus>",
        format!(
            "more than {0} signature files; a corpus holds at most {0} (building grows with each \
             one)",
            Corpus::MAX_SIGNATURES
        ),
    )]))
}

fn parse(name: &str, text: &str) -> Result<Signature, Vec<Problem>> {
    let parsed: format::SignatureFile = toml::from_str(text).map_err(|error| {
        let line = error.span().map(|span| validate::LineIndex::new(text).line(span.start));
        vec![Problem::new(name, error.message().trim().to_string()).line(line)]
    })?;
    validate::validate(name, text, parsed)
}

/// Lists the `*.toml` files under `dir`, stopping once there are more than the corpus may hold
/// (so an oversized directory is refused without listing all of it). The entry's own type comes
/// from the directory listing; only a symbolic link costs a `stat` to see where it points.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let io = |source| Error::new(ErrorKind::Io { path: dir.to_path_buf(), source });
    for entry in std::fs::read_dir(dir).map_err(io)? {
        if files.len() > Corpus::MAX_SIGNATURES {
            break;
        }
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io)?;
        let is_dir = if kind.is_symlink() { path.is_dir() } else { kind.is_dir() };
        if is_dir {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "toml") {
            files.push(path);
        }
    }
    Ok(())
}

fn collect_embedded(dir: &Dir<'static>, sources: &mut Vec<(String, String)>) {
    for file in dir.files() {
        if file.path().extension().is_some_and(|ext| ext == "toml") {
            let name = file.path().to_string_lossy().replace('\\', "/");
            sources.push((name, String::from_utf8_lossy(file.contents()).into_owned()));
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, sources);
    }
}

/// FNV-1a, 64 bit: a stable content hash for the corpus version, and the fingerprint of
/// Unicode classes whose costs the compiler keeps (not for security).
#[derive(Debug)]
pub(crate) struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub(crate) fn value(&self) -> u64 {
        self.0
    }

    fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}
