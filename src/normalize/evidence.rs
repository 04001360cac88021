//! Evidence: structured, redacted facts pulled from the log (statuses, URLs, providers, models,
//! exception classes) that signatures can require and reports can show.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use super::ascii::Alternatives;

/// What kind of host a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum HostKind {
    /// `*.openai.azure.com`, `*.cognitiveservices.azure.com`.
    AzureOpenai,
    /// Azure AI Foundry hosts: `*.services.ai.azure.com`, `*.models.ai.azure.com`, `*.inference.ai.azure.com`.
    AzureAi,
    /// `api.openai.com`.
    Openai,
    /// `api.anthropic.com`.
    Anthropic,
    /// `bedrock*.amazonaws.com`.
    Bedrock,
    /// `*aiplatform.googleapis.com`.
    VertexAi,
    /// `generativelanguage.googleapis.com`.
    Gemini,
    /// `openrouter.ai`.
    Openrouter,
    /// `api.mistral.ai`.
    Mistral,
    /// `api.groq.com`.
    Groq,
    /// `api.deepseek.com`.
    Deepseek,
    /// `api.cohere.ai`, `api.cohere.com`.
    Cohere,
    /// `huggingface.co` and its inference hosts.
    Huggingface,
    /// `api.together.xyz`.
    TogetherAi,
    /// `api.fireworks.ai`.
    FireworksAi,
    /// `api.x.ai`.
    Xai,
    /// `api.perplexity.ai`.
    Perplexity,
    /// `localhost`, loopback addresses, `host.docker.internal`.
    Localhost,
    /// RFC 1918 addresses.
    PrivateIp,
    /// Anything else.
    Other,
}

impl HostKind {
    /// The kebab-case name used in signature files.
    pub fn as_str(self) -> &'static str {
        match self {
            HostKind::AzureOpenai => "azure-openai",
            HostKind::AzureAi => "azure-ai",
            HostKind::Openai => "openai",
            HostKind::Anthropic => "anthropic",
            HostKind::Bedrock => "bedrock",
            HostKind::VertexAi => "vertex-ai",
            HostKind::Gemini => "gemini",
            HostKind::Openrouter => "openrouter",
            HostKind::Mistral => "mistral",
            HostKind::Groq => "groq",
            HostKind::Deepseek => "deepseek",
            HostKind::Cohere => "cohere",
            HostKind::Huggingface => "huggingface",
            HostKind::TogetherAi => "together-ai",
            HostKind::FireworksAi => "fireworks-ai",
            HostKind::Xai => "xai",
            HostKind::Perplexity => "perplexity",
            HostKind::Localhost => "localhost",
            HostKind::PrivateIp => "private-ip",
            HostKind::Other => "other",
        }
    }

    /// Every host kind, for validating signature files.
    pub(crate) const ALL: &'static [HostKind] = &[
        HostKind::AzureOpenai,
        HostKind::AzureAi,
        HostKind::Openai,
        HostKind::Anthropic,
        HostKind::Bedrock,
        HostKind::VertexAi,
        HostKind::Gemini,
        HostKind::Openrouter,
        HostKind::Mistral,
        HostKind::Groq,
        HostKind::Deepseek,
        HostKind::Cohere,
        HostKind::Huggingface,
        HostKind::TogetherAi,
        HostKind::FireworksAi,
        HostKind::Xai,
        HostKind::Perplexity,
        HostKind::Localhost,
        HostKind::PrivateIp,
        HostKind::Other,
    ];

    pub(crate) fn from_name(name: &str) -> Option<HostKind> {
        HostKind::ALL.iter().copied().find(|kind| kind.as_str() == name)
    }

    fn classify(host: &str) -> HostKind {
        let host = host.trim_matches(['[', ']']).to_ascii_lowercase();
        let ends = |suffix: &str| host == suffix.trim_start_matches('.') || host.ends_with(suffix);
        if ends(".openai.azure.com") || ends(".cognitiveservices.azure.com") {
            HostKind::AzureOpenai
        } else if ends(".services.ai.azure.com")
            || ends(".models.ai.azure.com")
            || ends(".inference.ai.azure.com")
        {
            HostKind::AzureAi
        } else if ends(".openai.com") {
            HostKind::Openai
        } else if ends(".anthropic.com") {
            HostKind::Anthropic
        } else if host.starts_with("bedrock") && ends(".amazonaws.com") {
            HostKind::Bedrock
        } else if ends("aiplatform.googleapis.com") {
            HostKind::VertexAi
        } else if ends("generativelanguage.googleapis.com") {
            HostKind::Gemini
        } else if ends(".openrouter.ai") {
            HostKind::Openrouter
        } else if ends(".mistral.ai") {
            HostKind::Mistral
        } else if ends(".groq.com") {
            HostKind::Groq
        } else if ends(".deepseek.com") {
            HostKind::Deepseek
        } else if ends(".cohere.ai") || ends(".cohere.com") {
            HostKind::Cohere
        } else if ends(".huggingface.co") || ends(".hf.space") {
            HostKind::Huggingface
        } else if ends(".together.xyz") || ends(".together.ai") {
            HostKind::TogetherAi
        } else if ends(".fireworks.ai") {
            HostKind::FireworksAi
        } else if ends(".x.ai") {
            HostKind::Xai
        } else if ends(".perplexity.ai") {
            HostKind::Perplexity
        } else if host == "localhost"
            || host.starts_with("127.")
            || host == "0.0.0.0"
            || host == "::1"
            || host == "host.docker.internal"
        {
            HostKind::Localhost
        } else if is_private_ip(&host) {
            HostKind::PrivateIp
        } else {
            HostKind::Other
        }
    }

    fn provider(self) -> Option<&'static str> {
        Some(match self {
            HostKind::AzureOpenai | HostKind::AzureAi => "azure",
            HostKind::Localhost | HostKind::PrivateIp | HostKind::Other => return None,
            other => other.as_str(),
        })
    }
}

fn is_private_ip(host: &str) -> bool {
    let octets: Vec<u8> = host.split('.').filter_map(|part| part.parse().ok()).collect();
    match octets[..] {
        [10, _, _, _] | [192, 168, _, _] => true,
        [172, second, _, _] => (16..=31).contains(&second),
        _ => false,
    }
}

/// One piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EvidenceKind {
    /// An HTTP status seen in a status context.
    Status(u16),
    /// A URL: its host, the kind of host and its path and query (secrets removed).
    Url {
        /// The host name, without port.
        host: String,
        /// What kind of host it is.
        host_kind: HostKind,
        /// The path and query, with secrets as `<secret>`.
        path: String,
    },
    /// A provider, canonical kebab-case (`azure`, `vertex-ai`).
    Provider(String),
    /// A model name as written (`azure/gpt-4o`).
    Model(String),
    /// An exception class (`litellm.NotFoundError`, `AzureException`).
    Exception(String),
}

impl EvidenceKind {
    /// A short name for the kind: `status`, `url`, `provider`, `model`, `exception`.
    pub fn name(&self) -> &'static str {
        match self {
            EvidenceKind::Status(_) => "status",
            EvidenceKind::Url { .. } => "url",
            EvidenceKind::Provider(_) => "provider",
            EvidenceKind::Model(_) => "model",
            EvidenceKind::Exception(_) => "exception",
        }
    }

    /// The redacted value as shown to people.
    pub fn display_value(&self) -> String {
        match self {
            EvidenceKind::Status(code) => code.to_string(),
            EvidenceKind::Url { host, host_kind, path } => {
                format!("{} host {host}; path {path}", host_kind.as_str())
            }
            EvidenceKind::Provider(name)
            | EvidenceKind::Model(name)
            | EvidenceKind::Exception(name) => name.clone(),
        }
    }
}

/// Parses a URL (already redacted) into URL evidence and, when the host says so, a provider.
pub(crate) fn url_evidence(url: &str) -> (EvidenceKind, Option<&'static str>) {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (authority, path) = match after_scheme.find(['/', '?', '#']) {
        Some(index) => after_scheme.split_at(index),
        None => (after_scheme, ""),
    };
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = if host_port.starts_with('[') {
        host_port.split_once(']').map_or(host_port, |(host, _)| host).trim_start_matches('[')
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    };
    let host_kind = HostKind::classify(host);
    let path = if path.is_empty() { "/".to_string() } else { mask_path_ids(path) };
    (EvidenceKind::Url { host: host.to_ascii_lowercase(), host_kind, path }, host_kind.provider())
}

/// Replaces path segments that are ids (numbers, uuids, long hex) with `<id>`.
fn mask_path_ids(path: &str) -> String {
    let (path_part, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let masked: Vec<&str> = path_part
        .split('/')
        .map(|segment| {
            let is_id = segment.len() >= 8
                && segment.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
                || !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
            if is_id { "<id>" } else { segment }
        })
        .collect();
    let mut out = masked.join("/");
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// The pattern behind [`text_evidence`] and the index of each named group.
struct TextEvidence {
    regex: Alternatives,
    exc: usize,
    model: usize,
    provider: usize,
    /// Literals one of which every match of `regex` contains: a line with none has no evidence.
    required: AhoCorasick,
}

/// Exception classes, model names and providers, in order of precedence (an alternation).
const TEXT_EVIDENCE_BRANCHES: [&str; 3] = [
    r"\b(?P<exc>(?:[a-z_]+\.)*[A-Z][A-Za-z0-9_]*(?:Error|Exception))\b",
    r#"\b(?:model|model_group|model_name|deployment)["']?\s*[=:]\s*["']?(?P<model>[A-Za-z0-9][\w.:@/\-]{1,120})"#,
    r#"\bcustom_llm_provider["']?\s*[=:]\s*["']?(?P<provider>[a-z_]+)"#,
];

static TEXT_EVIDENCE: LazyLock<TextEvidence> = LazyLock::new(|| {
    let regex = Alternatives::new(&TEXT_EVIDENCE_BRANCHES);
    let group = |name: &str| regex.index(name);
    TextEvidence {
        exc: group("exc"),
        model: group("model"),
        provider: group("provider"),
        // `exc` ends in one of the first two, `model` starts with one of the next two (which cover
        // `model_group` and `model_name`), `provider` starts with the last.
        // A DFA without a prefilter: these letters are common, and a prefilter that keeps
        // stopping costs more than scanning every byte.
        required: AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .prefilter(false)
            .build(["Error", "Exception", "model", "deployment", "custom_llm_provider"])
            .expect("built-in literals build an automaton"),
        regex,
    }
});

/// Provider names as they appear in LiteLLM's `<Provider>Exception` tags and model prefixes.
const PROVIDER_ALIASES: &[(&str, &str)] = &[
    ("openai", "openai"),
    ("text-completion-openai", "openai"),
    ("azure", "azure"),
    ("azureopenai", "azure"),
    ("azure_ai", "azure"),
    ("azure_text", "azure"),
    ("anthropic", "anthropic"),
    ("bedrock", "bedrock"),
    ("bedrock_converse", "bedrock"),
    ("sagemaker", "bedrock"),
    ("vertexai", "vertex-ai"),
    ("vertex_ai", "vertex-ai"),
    ("vertex_ai_beta", "vertex-ai"),
    ("gemini", "gemini"),
    ("openrouter", "openrouter"),
    ("ollama", "ollama"),
    ("ollama_chat", "ollama"),
    ("mistral", "mistral"),
    ("groq", "groq"),
    ("deepseek", "deepseek"),
    ("cohere", "cohere"),
    ("cohere_chat", "cohere"),
    ("huggingface", "huggingface"),
    ("hosted_vllm", "vllm"),
    ("vllm", "vllm"),
    ("together_ai", "together-ai"),
    ("fireworks_ai", "fireworks-ai"),
    ("xai", "xai"),
    ("perplexity", "perplexity"),
];

/// The canonical provider names a signature may name in `tags.providers` and conditions.
pub(crate) const PROVIDERS: &[&str] = &[
    "openai",
    "azure",
    "anthropic",
    "bedrock",
    "vertex-ai",
    "gemini",
    "openrouter",
    "ollama",
    "mistral",
    "groq",
    "deepseek",
    "cohere",
    "huggingface",
    "vllm",
    "together-ai",
    "fireworks-ai",
    "xai",
    "perplexity",
    "openai-compatible",
];

fn canonical_provider(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    PROVIDER_ALIASES.iter().find(|(alias, _)| *alias == lower).map(|(_, canonical)| *canonical)
}

/// Evidence found in a normalized line: (byte range in the line, kind).
pub(crate) fn text_evidence(line: &str) -> Vec<(std::ops::Range<usize>, EvidenceKind)> {
    let evidence = &*TEXT_EVIDENCE;
    if !evidence.required.is_match(line) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let regex = evidence.regex.pick(line);
    for candidate in regex.find_iter(line) {
        let branch = candidate.pattern().as_usize();
        if branch == evidence.exc {
            // The group is the whole match: only word boundaries stand around it.
            let exception = candidate.range();
            let name = &line[exception.clone()];
            found.push((exception.clone(), EvidenceKind::Exception(name.to_string())));
            if let Some(tag) = name.strip_suffix("Exception") {
                if let Some(provider) = canonical_provider(tag) {
                    found.push((exception, EvidenceKind::Provider(provider.to_string())));
                }
            }
        } else if branch == evidence.model {
            let Some(model) = Alternatives::group(regex, line, &candidate, "model") else {
                continue;
            };
            let name = line[model.clone()].trim_end_matches(['.', ',', ':']);
            if name.starts_with('<') {
                continue;
            }
            let range = model.start..model.start + name.len();
            found.push((range.clone(), EvidenceKind::Model(name.to_string())));
            if let Some((prefix, _)) = name.split_once('/') {
                if let Some(provider) = canonical_provider(prefix) {
                    found.push((range, EvidenceKind::Provider(provider.to_string())));
                }
            }
        } else if branch == evidence.provider {
            let Some(provider) = Alternatives::group(regex, line, &candidate, "provider") else {
                continue;
            };
            if let Some(canonical) = canonical_provider(&line[provider.clone()]) {
                found.push((provider, EvidenceKind::Provider(canonical.to_string())));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::tests::fragment_lines;

    #[test]
    fn classifies_urls() {
        let (kind, provider) = url_evidence(
            "https://contoso.openai.azure.com/openai/deployments/gpt4/chat/completions?api-version=2024-02-01",
        );
        assert_eq!(
            kind,
            EvidenceKind::Url {
                host: "contoso.openai.azure.com".into(),
                host_kind: HostKind::AzureOpenai,
                path: "/openai/deployments/gpt4/chat/completions?api-version=2024-02-01".into()
            }
        );
        assert_eq!(provider, Some("azure"));
        assert_eq!(
            url_evidence("http://localhost:4000/v1").0.display_value(),
            "localhost host localhost; path /v1"
        );
        assert_eq!(url_evidence("http://10.1.2.3:11434/api/chat").1, None);
    }

    /// What `text_evidence` found before it ran one regex per branch: captures of the whole
    /// alternation.
    fn reference(regex: &regex::Regex, line: &str) -> Vec<(std::ops::Range<usize>, EvidenceKind)> {
        let mut found = Vec::new();
        for captures in regex.captures_iter(line) {
            if let Some(exception) = captures.name("exc") {
                let name = exception.as_str();
                found.push((exception.range(), EvidenceKind::Exception(name.to_string())));
                if let Some(provider) = name.strip_suffix("Exception").and_then(canonical_provider)
                {
                    found.push((exception.range(), EvidenceKind::Provider(provider.to_string())));
                }
            } else if let Some(model) = captures.name("model") {
                let name = model.as_str().trim_end_matches(['.', ',', ':']);
                if name.starts_with('<') {
                    continue;
                }
                let range = model.start()..model.start() + name.len();
                found.push((range.clone(), EvidenceKind::Model(name.to_string())));
                if let Some((prefix, _)) = name.split_once('/') {
                    if let Some(provider) = canonical_provider(prefix) {
                        found.push((range, EvidenceKind::Provider(provider.to_string())));
                    }
                }
            } else if let Some(provider) = captures.name("provider") {
                if let Some(canonical) = canonical_provider(provider.as_str()) {
                    found.push((provider.range(), EvidenceKind::Provider(canonical.to_string())));
                }
            }
        }
        found
    }

    #[test]
    fn the_branches_are_the_pattern_that_was_one_alternation() {
        let original = r#"(?x)
        \b(?P<exc>(?:[a-z_]+\.)*[A-Z][A-Za-z0-9_]*(?:Error|Exception))\b
      | \b(?:model|model_group|model_name|deployment)["']?\s*[=:]\s*["']?(?P<model>[A-Za-z0-9][\w.:@/\-]{1,120})
      | \bcustom_llm_provider["']?\s*[=:]\s*["']?(?P<provider>[a-z_]+)
    "#;
        let parse = |pattern: &str| regex_syntax::Parser::new().parse(pattern).unwrap();
        assert_eq!(parse(&TEXT_EVIDENCE_BRANCHES.join("|")), parse(original));
    }

    #[test]
    fn one_regex_per_branch_finds_what_the_alternation_found() {
        let fragments = [
            "litellm.NotFoundError: ",
            "AzureException ",
            "model=azure/gpt-4o ",
            "model: <num> ",
            "deployment='d1' ",
            "custom_llm_provider=vertex_ai ",
            "model_group=\"g\" ",
            "é",
            "ÉError ",
            "xError ",
            "Error",
            "a.b.ValueError ",
            " ",
            "=",
            "\"",
            "model",
            "Exception",
            "_",
            ".",
        ];
        let regex = regex::Regex::new(&TEXT_EVIDENCE_BRANCHES.join("|")).unwrap();
        for line in fragment_lines(&fragments, 3000, 7, 0x9e37_79b9_7f4a_7c15) {
            assert_eq!(text_evidence(&line), reference(&regex, &line), "{line:?}");
        }
    }

    #[test]
    fn finds_providers_models_and_exceptions() {
        let found: Vec<String> =
            text_evidence("litellm.NotFoundError: AzureException - x model=azure/gpt-4o")
                .into_iter()
                .map(|(_, kind)| format!("{}={}", kind.name(), kind.display_value()))
                .collect();
        assert_eq!(
            found,
            [
                "exception=litellm.NotFoundError",
                "exception=AzureException",
                "provider=azure",
                "model=azure/gpt-4o",
                "provider=azure"
            ]
        );
    }
}
