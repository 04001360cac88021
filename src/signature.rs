//! Validated domain types for signatures. Built only by the corpus loader.

use std::collections::BTreeMap;
use std::fmt;

use crate::normalize::HostKind;

/// A signature's stable id: kebab-case, equal to its file stem.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SignatureId(String);

impl SignatureId {
    pub(crate) fn new(id: String) -> SignatureId {
        SignatureId(id)
    }

    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `text` is a valid id: `[a-z0-9]+(-[a-z0-9]+)*`.
    pub(crate) fn is_valid(text: &str) -> bool {
        !text.is_empty()
            && text.split('-').all(|part| {
                !part.is_empty()
                    && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
    }
}

impl fmt::Display for SignatureId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Tags for grouping and filtering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tags {
    /// Where the error surfaces (`litellm`, `litellm-proxy`, ...).
    pub tool: String,
    /// Providers involved (`azure`, `openai`, ...).
    pub providers: Vec<String>,
    /// The problem area, one of [`Tags::AREAS`].
    pub area: String,
}

impl Tags {
    /// The areas a signature may be filed under.
    pub const AREAS: &'static [&'static str] = &[
        "setup",
        "auth",
        "config",
        "routing",
        "rate-limit",
        "budget",
        "network",
        "request",
        "response",
        "streaming",
        "context-window",
        "content-policy",
        "database",
        "cache",
        "logging",
        "deployment",
        "dependency",
    ];
}

/// Evidence conditions of a signature (`[match.require]` or `[match.boost]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conditions {
    /// HTTP statuses, any of which must be seen.
    pub status: Vec<u16>,
    /// Providers, any of which must be detected.
    pub provider: Vec<String>,
    /// URL host kinds, any of which must be seen.
    pub url_host: Vec<HostKind>,
    /// Host names (or domain suffixes such as `prisma.sh`) given in `url_host`.
    pub url_host_names: Vec<String>,
    /// A regex that some URL's path and query must match.
    pub url_path: Option<String>,
}

impl Conditions {
    /// The number of conditions set.
    pub fn len(&self) -> usize {
        usize::from(!self.status.is_empty())
            + usize::from(!self.provider.is_empty())
            + usize::from(!self.url_host.is_empty() || !self.url_host_names.is_empty())
            + usize::from(self.url_path.is_some())
    }

    /// Whether no condition is set.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How a signature recognises its problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchRules {
    /// Literal anchors given in the file; empty means derived from the patterns.
    pub anchors: Vec<String>,
    /// Regexes that must all match.
    pub all: Vec<String>,
    /// Regexes of which one must match (when non-empty).
    pub any: Vec<String>,
    /// Regexes none of which may match.
    pub none: Vec<String>,
    /// Compile patterns case-sensitively.
    pub case_sensitive: bool,
    /// Fuzzy templates.
    pub templates: Vec<String>,
    /// Evidence that must be present.
    pub require: Conditions,
    /// Evidence that raises confidence.
    pub boost: Conditions,
}

/// Links to other signatures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relations {
    /// Problems this one causes downstream.
    pub causes: Vec<SignatureId>,
    /// Problems that cause this one.
    pub symptom_of: Vec<SignatureId>,
    /// See-also links.
    pub related: Vec<SignatureId>,
}

/// Version applicability.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Versions {
    /// Whose versions.
    pub tool: Option<String>,
    /// First affected version.
    pub introduced: Option<String>,
    /// First fixed version.
    pub fixed_in: Option<String>,
    /// What changed in which version.
    pub note: Option<String>,
}

/// One ordered fix step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The action, imperative.
    pub title: String,
    /// Why and how (Markdown; may hold `{{variables}}`).
    pub body: Option<String>,
    /// Exact code or configuration (may hold `{{variables}}`).
    pub code: Option<String>,
    /// The language of `code`.
    pub lang: Option<String>,
}

/// The troubleshooting article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// What the error means.
    pub summary: String,
    /// Causes, most likely first.
    pub causes: Vec<String>,
    /// Fixes, most likely to help first.
    pub fixes: Vec<Fix>,
    /// How to confirm the fix.
    pub verify: String,
}

/// A log that must match its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The log text.
    pub text: String,
    /// The rank the signature must reach (1 = first).
    pub rank: usize,
    /// Variables the match must capture.
    pub variables: BTreeMap<String, String>,
    /// Where the shape comes from.
    pub note: Option<String>,
    /// The 1-based line of the example in its file.
    pub line: Option<usize>,
}

/// A near miss that must not match its signature with confidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterExample {
    /// The log text.
    pub text: String,
    /// What it is instead.
    pub note: Option<String>,
    /// The 1-based line of the counter-example in its file.
    pub line: Option<usize>,
}

/// One known problem: how to recognise it, and the article that explains and fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub(crate) id: SignatureId,
    pub(crate) file: String,
    pub(crate) title: String,
    pub(crate) sources: Vec<String>,
    pub(crate) tags: Tags,
    pub(crate) rules: MatchRules,
    pub(crate) relations: Relations,
    pub(crate) versions: Versions,
    pub(crate) article: Article,
    pub(crate) examples: Vec<Example>,
    pub(crate) counter_examples: Vec<CounterExample>,
}

impl Signature {
    /// The stable id.
    pub fn id(&self) -> &SignatureId {
        &self.id
    }

    /// The file it was loaded from, relative to its corpus directory.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The one-line title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Where the error text was observed.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// Tags.
    pub fn tags(&self) -> &Tags {
        &self.tags
    }

    /// Matching rules.
    pub fn rules(&self) -> &MatchRules {
        &self.rules
    }

    /// Relations to other signatures.
    pub fn relations(&self) -> &Relations {
        &self.relations
    }

    /// Version applicability.
    pub fn versions(&self) -> &Versions {
        &self.versions
    }

    /// The article.
    pub fn article(&self) -> &Article {
        &self.article
    }

    /// Examples that must match.
    pub fn examples(&self) -> &[Example] {
        &self.examples
    }

    /// Near misses that must not match.
    pub fn counter_examples(&self) -> &[CounterExample] {
        &self.counter_examples
    }
}
