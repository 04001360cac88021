//! The library's error type: an opaque [`Error`] with a [`ErrorKind`] to inspect.

use std::fmt;
use std::path::PathBuf;

/// A specialised `Result` whose error defaults to [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error from loading a corpus or building an engine.
///
/// Matching never fails, so this only comes out of `load_dir`, `from_sources` and `build`.
#[derive(Debug)]
pub struct Error {
    kind: Box<ErrorKind>,
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error { kind: Box::new(kind) }
    }

    pub(crate) fn invalid_corpus(problems: Vec<Problem>) -> Error {
        Error::new(ErrorKind::InvalidCorpus(problems))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.kind)
    }
}

/// The kinds of [`Error`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A signature directory or file could not be read.
    #[error("cannot read `{}`", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The corpus has problems; every one found is listed, one per line when displayed.
    #[error("{}", display_problems(.0))]
    InvalidCorpus(Vec<Problem>),
    /// The article search index could not be built. (The engine builds its index on the first
    /// search and reports this there, as a warning in the results.)
    #[error("cannot build the article index")]
    ArticleIndex(#[source] Box<dyn std::error::Error + Send + Sync>),
}

fn display_problems(problems: &[Problem]) -> String {
    let mut out = format!("the signature corpus has {} problem(s):", problems.len());
    for problem in problems {
        out.push_str("\n  ");
        out.push_str(&problem.to_string());
    }
    out
}

/// One problem found in a signature file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (as given to the loader), e.g. `azure/azure-401.toml`.
    pub file: String,
    /// The signature id, when it could be read.
    pub signature: Option<String>,
    /// The field, e.g. `match.all[0]` or `example[2]`.
    pub field: Option<String>,
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// What was expected and what was found.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(file: &str, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_string(),
            signature: None,
            field: None,
            line: None,
            message: message.into(),
        }
    }

    pub(crate) fn signature(mut self, id: &str) -> Problem {
        self.signature = Some(id.to_string());
        self
    }

    pub(crate) fn field(mut self, field: impl Into<String>) -> Problem {
        self.field = Some(field.into());
        self
    }

    pub(crate) fn line(mut self, line: Option<usize>) -> Problem {
        self.line = line;
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(id) = &self.signature {
            write!(f, ": signature `{id}`")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}
