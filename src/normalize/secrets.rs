//! Secret detection. Runs first, on the caller's line, so nothing downstream sees a secret.
//!
//! Each rule names a family and a regex whose group 1 (or whole match) is the secret value.
//! A `RegexSet` pass tells which rules can match a line, so a clean line costs one scan.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex::{Regex, RegexSet};

/// A detection rule: the family it reports and the regex that finds it.
struct Rule {
    family: &'static str,
    regex: &'static str,
    /// Values that are never secrets even though the context says so (config references).
    check_value: bool,
    /// A bare run of hex digits: a content digest (`sha256:...`) is not a secret.
    hex_only: bool,
}

/// A rule added here must pass [`may_hold_secret`]: give it a literal in `RULE_LITERALS` or a word
/// in `CREDENTIAL_WORDS`, and a piece of its shape in the prefilter's property test.
const RULES: &[Rule] = &[
    // Multi-line PEM blocks are handled by the caller; this catches one-line and escaped forms.
    rule(
        "private-key",
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----|[\s\S]*)",
    ),
    rule("anthropic-key", r"\bsk-ant-[A-Za-z0-9_\-]{8,}"),
    rule("openrouter-key", r"\bsk-or-[A-Za-z0-9_\-]{8,}"),
    rule("langfuse-key", r"\b[sp]k-lf-[A-Za-z0-9_\-]{8,}"),
    rule("openai-project-key", r"\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-*.]{4,}"),
    // OpenAI user keys, LiteLLM virtual and master keys (`sk-1234` is a real master key shape).
    rule("openai-or-litellm-key", r"\bsk-[A-Za-z0-9_\-][A-Za-z0-9_\-*.]{3,}"),
    rule("stripe-webhook-secret", r"\bwhsec_[A-Za-z0-9+/=]{24,}"),
    rule("stripe-key", r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}"),
    rule("aws-access-key-id", r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b"),
    ctx(
        "aws-secret-key",
        r#"(?i)aws_?secret_?(?:access_?)?key[\\"'\s]*[:=][\\"'\s]*([A-Za-z0-9/+=]{20,})"#,
    ),
    // AWS STS session tokens start with the base64 of their fixed header.
    rule("aws-session-token", r"\b(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9+/]{40,}={0,2}"),
    // Bedrock long-term API keys: `ABSK` + base64("BedrockAPIKey-...").
    rule("aws-bedrock-api-key", r"\bABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{40,}={0,2}"),
    rule("aws-bedrock-api-key", r"\bbedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/%=&]*"),
    rule("google-api-key", r"\bAIza[0-9A-Za-z_\-]{30,}"),
    rule("google-oauth-client-secret", r"\bGOCSPX-[A-Za-z0-9_\-]{20,}"),
    rule("google-oauth-token", r"\bya29\.[0-9A-Za-z_\-.]{20,}"),
    rule("github-token", r"\bgh[pousr]_[A-Za-z0-9]{20,}"),
    rule("github-pat", r"\bgithub_pat_[A-Za-z0-9_]{20,}"),
    rule(
        "gitlab-token",
        r"\b(?:gl(?:pat|dt|ptt|rt|ft|soat|cbt|imt|agent|oas|rrt)-[A-Za-z0-9_\-.]{16,}|GR1348941[A-Za-z0-9_\-]{20,})",
    ),
    rule("slack-token", r"\bxox[abposre]-[A-Za-z0-9\-]{10,}"),
    rule("slack-app-token", r"\bxapp-[0-9]-[A-Za-z0-9]+-[0-9]+-[A-Za-z0-9]+"),
    rule(
        "slack-webhook",
        r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_\-]{16,}",
    ),
    rule("huggingface-token", r"\bhf_[A-Za-z0-9]{20,}"),
    rule("groq-key", r"\bgsk_[A-Za-z0-9]{20,}"),
    rule("xai-key", r"\bxai-[A-Za-z0-9]{20,}"),
    rule("perplexity-key", r"\bpplx-[A-Za-z0-9]{20,}"),
    rule("replicate-token", r"\br8_[A-Za-z0-9]{20,}"),
    rule("npm-token", r"\bnpm_[A-Za-z0-9]{30,}"),
    rule("pypi-token", r"\bpypi-[A-Za-z0-9_\-]{40,}"),
    rule("sendgrid-key", r"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}"),
    rule("databricks-token", r"\bdapi[0-9a-f]{32}\b"),
    rule("twilio-key", r"\bSK[0-9a-fA-F]{32}\b"),
    rule("telegram-bot-token", r"\b[0-9]{8,10}:AA[A-Za-z0-9_\-]{30,}"),
    rule(
        "discord-bot-token",
        r"\b[MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38}",
    ),
    rule("docker-hub-token", r"\bdckr_pat_[A-Za-z0-9_\-]{20,}"),
    // Azure AI services (Cognitive Services, Azure OpenAI) 84-character keys carry `JQQJ9`.
    rule("azure-ai-key", r"\b[A-Za-z0-9]{52}JQQJ9[A-Za-z0-9]{27}\b"),
    // Entra ID (Azure AD) client secrets: three characters, a digit, `Q~`, then 31 to 34.
    rule(
        "azure-client-secret",
        r"(?:^|[^A-Za-z0-9_~.\-])([A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34})",
    ),
    rule("jwt", r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*"),
    ctx("bearer-token", r#"(?i)\bbearer\s+([^\s"'\\<>,;]{8,})"#),
    ctx("basic-auth", r"(?i)\bbasic\s+([A-Za-z0-9+/]{8,}={0,2})"),
    ctx("cookie", r"(?i)\b(?:set-)?cookie:\s*([^\r\n]{4,})"),
    // Session cookies by their well-known names, wherever the header itself is not shown.
    ctx(
        "session-cookie",
        r#"(?i)(?:\b|__)(?:session|sessionid|session_id|session-token|connect\.sid|_oauth2_proxy|_gitlab_session|laravel_session|jsessionid|phpsessid)=([^;\s"'\\<>,&]{16,})"#,
    ),
    ctx("url-password", r"\b[a-zA-Z][a-zA-Z0-9+.\-]{1,15}://[^\s/:@<>]{0,64}:([^\s/@<>]+)@"),
    ctx(
        "query-credential",
        r"(?i)[?&](?:[a-z0-9_\-]*(?:key|token|secret|password|passwd|pwd|signature|credential)|auth|sig|code|sas|dsn|session|webhook|connection_?string)=([^&\s\x22'#<>]{4,})",
    ),
    ctx(
        "connection-string-secret",
        r"(?i)\b(?:password|pwd|accountkey|sharedaccesskey|sharedaccesssignature)=([^;\s\x22'<>]{3,})",
    ),
    ctx(
        "credential-field",
        r#"(?i)\b(?:x[-_](?:goog[-_]|litellm[-_])?api[-_]key|api[-_]?key|ocp-apim-subscription-key|api_token|access_token|auth_token|refresh_token|id_token|private_token|client_secret|secret_key|secret_access_key|private_key_id|private_key|master_key|salt_key|password|passwd|secret|azure_ad_token|aws_session_token|webhook_secret)[\\"'\s]*[:=][\\"'\s]*([^\s\\"',;}<>)\]]{4,})"#,
    ),
    ctx(
        "env-credential",
        r#"\b[A-Z][A-Z0-9_]*(?:API_KEY|_KEY|SECRET|TOKEN|PASSWORD|PASSWD)(?:_[A-Z][A-Z0-9]*)?[\\"'\s]*[=:][\\"'\s]*([^\s\\"'<>]{4,})"#,
    ),
    // 64 hex digits: LiteLLM stores virtual keys as their SHA-256 and echoes it in errors.
    hex("key-hash", r"\b[0-9a-fA-F]{64}\b"),
    // 32 hex digits is the shape of an Azure OpenAI key; treat a bare one as a secret.
    hex("hex-credential", r"\b[0-9a-fA-F]{32}\b"),
];

const fn rule(family: &'static str, regex: &'static str) -> Rule {
    Rule { family, regex, check_value: false, hex_only: false }
}

const fn ctx(family: &'static str, regex: &'static str) -> Rule {
    Rule { family, regex, check_value: true, hex_only: false }
}

const fn hex(family: &'static str, regex: &'static str) -> Rule {
    Rule { family, regex, check_value: false, hex_only: true }
}

/// Whether the text just before a run of hex digits names it as something public: a content
/// digest (`sha256:...`) or a request or trace id (`"request_id":"..."`).
fn names_a_public_hex(before: &str) -> bool {
    let tail = &before.as_bytes()[before.len().saturating_sub(24)..];
    let tail = String::from_utf8_lossy(tail).to_ascii_lowercase();
    if ["sha256:", "sha256=", "sha512:", "sha512=", "sha1:", "sha1=", "md5:", "md5="]
        .iter()
        .any(|prefix| tail.ends_with(prefix))
    {
        return true;
    }
    // The last key before the value: `request_id":"`, `x-request-id: `, `trace_id=`.
    let key = tail.trim_end_matches(['"', '\'', ':', '=', ' ', '\\']);
    [
        "request_id",
        "request-id",
        "requestid",
        "trace_id",
        "trace-id",
        "traceid",
        "span_id",
        "correlation_id",
        "correlation-id",
    ]
    .iter()
    .any(|name| key.ends_with(name))
}

struct Compiled {
    set: RegexSet,
    regexes: Vec<Regex>,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let patterns: Vec<&str> = RULES.iter().map(|rule| rule.regex).collect();
    Compiled {
        set: RegexSet::new(&patterns).expect("built-in secret patterns are valid"),
        regexes: patterns
            .iter()
            .map(|pattern| Regex::new(pattern).expect("built-in secret patterns are valid"))
            .collect(),
    }
});

/// A cheap test that a line may hold a secret, so most lines skip the `RegexSet` scan.
///
/// Every rule needs at least one of: a literal of its own (`sk-`, `AKIA`, `bearer`, ...), a
/// credential word (`key`, `token`, ...) with a `:` or `=` somewhere in the line, a run of 32 hex
/// digits, a run of 24 token characters followed by `.` (Discord), or `://` and `@` (a URL
/// password). The literals are matched ASCII-case-insensitively, which is a superset of the
/// rules' Unicode `(?i)` only on ASCII text, so other lines always take the full scan.
/// `may_hold_secret_is_a_superset` in the tests holds this to the `RegexSet`.
struct Prefilter {
    /// The rules' own literals.
    literals: AhoCorasick,
    /// The literals and the credential words.
    with_words: AhoCorasick,
}

/// Literals one of which each prefix or context rule needs, in lower case.
const RULE_LITERALS: &[&str] = &[
    "-----begin",
    "sk-",
    "k-lf-",
    "whsec_",
    "_live_",
    "_test_",
    "akia",
    "asia",
    "agpa",
    "aida",
    "aroa",
    "anpa",
    "anva",
    "aipa",
    "iqojb3jpz2lux2vj",
    "fwogzxivyxdze",
    "absk",
    "bedrock-api-key-",
    "aiza",
    "gocspx-",
    "ya29.",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "gldt-",
    "glptt-",
    "glrt-",
    "glft-",
    "glsoat-",
    "glcbt-",
    "glimt-",
    "glagent-",
    "gloas-",
    "glrrt-",
    "gr1348941",
    "xox",
    "xapp-",
    "hooks.slack.com/",
    "hf_",
    "gsk_",
    "xai-",
    "pplx-",
    "r8_",
    "npm_",
    "pypi-",
    "sg.",
    ":aa",
    "dckr_pat_",
    "jqqj9",
    "q~",
    "eyj",
    "bearer",
    "basic",
    "cookie",
];

/// Words in the names of the rules that need a `:` or `=` after a name (credential fields,
/// environment variables, query parameters, connection strings, session cookies).
const CREDENTIAL_WORDS: &[&str] = &[
    "key",
    "token",
    "secret",
    "passw",
    "pwd",
    "sig",
    "credential",
    "auth",
    "code",
    "sas",
    "dsn",
    "session",
    "webhook",
    "connection",
    "phpsessid",
    "connect.sid",
    "_oauth2_proxy",
];

static PREFILTER: LazyLock<Prefilter> = LazyLock::new(|| {
    let build = |words: &[&str]| {
        // A DFA: with this many case-folded literals there is no useful prefilter, so the
        // automaton walks every byte, and the DFA walks fastest.
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .build(words)
            .expect("built-in secret literals are valid")
    };
    let all: Vec<&str> = RULE_LITERALS.iter().chain(CREDENTIAL_WORDS).copied().collect();
    Prefilter { literals: build(RULE_LITERALS), with_words: build(&all) }
});

/// Whether `line` may hold a secret of any rule (false means no rule can match it).
fn may_hold_secret(line: &str) -> bool {
    if !line.is_ascii() {
        return true;
    }
    let bytes = line.as_bytes();
    let prefilter = &*PREFILTER;
    let has_separator = memchr::memchr2(b':', b'=', bytes).is_some();
    let automaton = if has_separator { &prefilter.with_words } else { &prefilter.literals };
    if automaton.is_match(line) {
        return true;
    }
    if has_separator && memchr::memchr(b'@', bytes).is_some() && line.contains("://") {
        return true;
    }
    has_long_token_run(bytes)
}

/// A run of 32 hex digits (hex keys and hashes, Databricks and Twilio keys) or of 24 token
/// characters followed by `.` (Discord bot tokens).
fn has_long_token_run(bytes: &[u8]) -> bool {
    // Both need a run of 24 token characters, which prose rarely has: find those runs with a
    // tight loop and look inside only them.
    let mut run_start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        if TOKEN_BYTE[usize::from(byte)] {
            continue;
        }
        if index - run_start >= 24 && long_run_holds_a_secret_shape(&bytes[run_start..index], byte)
        {
            return true;
        }
        run_start = index + 1;
    }
    bytes.len() - run_start.min(bytes.len()) >= 24
        && long_run_holds_a_secret_shape(&bytes[run_start..], b' ')
}

fn long_run_holds_a_secret_shape(run: &[u8], next: u8) -> bool {
    if next == b'.' {
        return true;
    }
    let mut hex_run = 0;
    for &byte in run {
        hex_run = if byte.is_ascii_hexdigit() { hex_run + 1 } else { 0 };
        if hex_run >= 32 {
            return true;
        }
    }
    false
}

/// `[A-Za-z0-9_-]`, as a table.
static TOKEN_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
        byte += 1;
    }
    table
};

/// The number of secret families errsig detects.
pub(crate) fn family_count() -> usize {
    RULES.len()
}

/// A found secret: its byte range in the line and its family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SecretHit {
    pub(crate) range: Range<usize>,
    pub(crate) family: &'static str,
}

/// Finds the secrets in `line`, sorted and disjoint.
pub(crate) fn find_secrets(line: &str) -> Vec<SecretHit> {
    let view = detection_view(line);
    let line = view.as_ref();
    if !may_hold_secret(line) {
        return Vec::new();
    }
    let compiled = &*COMPILED;
    let mut hits: Vec<SecretHit> = Vec::new();
    for rule_index in compiled.set.matches(line).iter() {
        let rule = &RULES[rule_index];
        for captures in compiled.regexes[rule_index].captures_iter(line) {
            let value = captures.get(1).or_else(|| captures.get(0)).expect("group 0 always exists");
            if rule.check_value && !looks_like_secret_value(value.as_str()) {
                continue;
            }
            if rule.hex_only && names_a_public_hex(&line[..value.start()]) {
                continue;
            }
            // Sentence punctuation after a key is not part of it.
            let trimmed = value.as_str().trim_end_matches(['.', ':', ',']);
            if trimmed.is_empty() {
                continue;
            }
            hits.push(SecretHit {
                range: value.start()..value.start() + trimmed.len(),
                family: rule.family,
            });
        }
    }
    // Earlier rules are more specific: keep the first claim on any byte.
    hits.sort_by_key(|hit| (hit.range.start, std::cmp::Reverse(hit.range.end)));
    let mut disjoint: Vec<SecretHit> = Vec::with_capacity(hits.len());
    for hit in hits {
        match disjoint.last_mut() {
            Some(last) if hit.range.start < last.range.end => {
                last.range.end = last.range.end.max(hit.range.end);
            }
            _ => disjoint.push(hit),
        }
    }
    disjoint
}

/// The line with string escapes (`\n`, `\"`, `\u0027`) blanked out byte for byte, so a key right
/// after an escaped newline still starts at a word boundary and offsets stay the same.
fn detection_view(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('\\') {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut bytes = line.as_bytes().to_vec();
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'\\' {
            bytes[index] = b' ';
            let next = bytes.get(index + 1).copied();
            match next {
                Some(b'n' | b'r' | b't') => bytes[index + 1] = b' ',
                Some(b'u')
                    if bytes.len() >= index + 6
                        && bytes[index + 2..index + 6].iter().all(u8::is_ascii_hexdigit) =>
                {
                    bytes[index + 1..index + 6].fill(b' ');
                }
                _ => {}
            }
        }
        index += 1;
    }
    // Only ASCII bytes were replaced with ASCII, so the text is still UTF-8.
    std::borrow::Cow::Owned(
        String::from_utf8(bytes).expect("ASCII-for-ASCII replacement keeps UTF-8"),
    )
}

/// `name.name...` in lower case, optionally followed by `(` or `[`: code, not a value.
fn is_code_reference(value: &str) -> bool {
    let path = value.strip_suffix(['(', '[']).unwrap_or(value);
    let mut parts = path.split('.');
    let is_identifier = |part: &str| {
        part.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    path.contains('.') && parts.all(is_identifier)
}

/// Values that a context rule must leave alone: references and placeholders, not secrets.
fn looks_like_secret_value(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    const NOT_SECRETS: &[&str] = &[
        "os.environ/",
        "${",
        "$(",
        "{{",
        "<",
        "none",
        "null",
        "true",
        "false",
        "your",
        "xxx",
        "***",
        "redacted",
        "env:",
        "environ[",
        "getenv",
        "os.getenv",
        "settings.",
        "config.",
        "process.env",
        "http://",
        "https://",
    ];
    if NOT_SECRETS.iter().any(|prefix| lower.starts_with(prefix)) {
        return false;
    }
    // `$NAME` and `%NAME%` name a variable that holds the secret.
    let bytes = value.as_bytes();
    let is_variable_name = |name: &[u8]| {
        !name.is_empty()
            && name.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
    };
    if (bytes[0] == b'$' && is_variable_name(&bytes[1..]))
        || (bytes.len() > 2
            && bytes[0] == b'%'
            && bytes[bytes.len() - 1] == b'%'
            && is_variable_name(&bytes[1..bytes.len() - 1]))
    {
        return false;
    }
    // A dotted name in code (`os.environ[`, `self.get_token(`, `cfg.api_key`) is a reference.
    if is_code_reference(value) {
        return false;
    }
    // A short number after `TOKEN_LIMIT=` is a setting, not a key.
    if value.len() < 6 && value.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    // A word such as `required` or `missing` after `api_key:` is prose, not a key.
    let is_plain_word = value.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '-');
    !(is_plain_word && value.len() < 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn families(line: &str) -> Vec<(&str, &'static str)> {
        find_secrets(line).into_iter().map(|hit| (&line[hit.range.clone()], hit.family)).collect()
    }

    #[test]
    fn finds_prefixed_keys() {
        assert_eq!(
            families("key sk-proj-Ab3dEf6hIj9kLm2nOp5q and sk-ant-api03-xyzxyzxyz1"),
            vec![
                ("sk-proj-Ab3dEf6hIj9kLm2nOp5q", "openai-project-key"),
                ("sk-ant-api03-xyzxyzxyz1", "anthropic-key")
            ]
        );
        assert_eq!(families("master_key: sk-1234"), vec![("sk-1234", "openai-or-litellm-key")]);
    }

    #[test]
    fn context_rules_skip_references() {
        assert!(families("api_key: os.environ/AZURE_API_KEY").is_empty());
        assert!(families("api_key: required").is_empty());
        assert_eq!(
            families("api-key: 0123abcd0123abcd"),
            vec![("0123abcd0123abcd", "credential-field")]
        );
        assert_eq!(
            families("postgresql://llm:s3cr3t@db:5432/litellm"),
            vec![("s3cr3t", "url-password")]
        );
        assert_eq!(
            families("Authorization: Bearer abc.def-123456"),
            vec![("abc.def-123456", "bearer-token")]
        );
    }

    #[test]
    fn escapes_do_not_hide_keys() {
        assert_eq!(
            families(r"x\nsk-proj-Zq8Xw7Vu6Ts5Rq4Po3Nm"),
            vec![("sk-proj-Zq8Xw7Vu6Ts5Rq4Po3Nm", "openai-project-key")]
        );
        assert_eq!(
            families(r#"{\"api_key\": \"abcd1234efgh\"}"#),
            vec![("abcd1234efgh", "credential-field")]
        );
    }

    #[test]
    fn public_hex_references_and_settings_are_not_secrets() {
        let digest = "0f2c9e8a7d6b5c4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e";
        assert!(families(&format!("manifests/sha256:{digest}: 429")).is_empty());
        assert!(families(r#"{"request_id":"933f233947ff6d346065bb297e4a4d56"}"#).is_empty());
        assert!(families(r#"-H "Authorization: Bearer $CF_API_TOKEN""#).is_empty());
        assert!(families(r#"client_secret=os.environ["AZURE_CLIENT_SECRET"]"#).is_empty());
        assert!(families("api_key=cfg.deepseek_key, messages=m").is_empty());
        assert!(families("AWS_BEARER_TOKEN_LIMIT=4096").is_empty());
        // The same shapes with a secret in them are still found.
        assert_eq!(families(&format!("key={digest}")), vec![(digest, "key-hash")]);
        assert_eq!(
            families("export AWS_BEARER_TOKEN_BEDROCK=Xk2Lq8Zt"),
            vec![("Xk2Lq8Zt", "env-credential")]
        );
    }

    /// Lines built from pieces of every rule, with their case flipped at random: the prefilter
    /// may pass a line no rule matches, but never stop one that some rule matches.
    fn rule_shaped_line() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        // Written out apart from the prefilter's lists, so a literal dropped there is missed here.
        const SHAPES: &str = "-----BEGIN |sk-|sk-ant-|sk-or-|pk-lf-|sk-proj-|whsec_|rk_live_|pk_test_|ASIA|AROA|\
            IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE|ABSKQmVkcm9ja0FQSUtleS|\
            bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t|AIza|GOCSPX-|ya29.|ghp_|ghs_|\
            github_pat_|glpat-|glagent-|GR1348941|xoxb-|xapp-1-|hooks.slack.com/services/|hf_|\
            gsk_|xai-|pplx-|r8_|npm_|pypi-|SG.|dapi|SK|:AA|dckr_pat_|JQQJ9|5Q~|eyJ|bearer |\
            Basic |cookie: |sessionid=|PHPSESSID=|connect.sid=|_oauth2_proxy=|?sig=|&code=|\
            ?dsn=|&auth=|?sas=|webhook_secret=|connectionstring=|Password=|pwd=|AccountKey=|\
            SharedAccessSignature=|client_secret: |api_token=|MY_TOKEN=|DB_PASSWD=|X_KEY_ID=|\
            credential=|eyJhbGciOiJI.eyJzdWIiOiIxM.|abcdEFGH1234";
        let pieces: Vec<&'static str> = SHAPES
            .split('|')
            .chain([
                "-----BEGIN RSA PRIVATE KEY-----",
                "AKIA",
                "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAx",
                ".",
                "0123456789abcdef",
                "deadBEEF",
                "AAAAAAAA",
                "=",
                ":",
                " ",
                "\\n",
                "\\\"",
                "\"",
                "'",
                "://",
                "@",
                "?",
                "&",
                "_",
                "-",
                "~",
                "Q~",
                "user",
                "https://h/p",
                "12345678:",
                "aws_secret_access_key",
                "API_KEY",
                "Authorization: Bearer ",
                "x-api-key: ",
            ])
            .collect();
        let piece = proptest::sample::select(pieces);
        (proptest::collection::vec((piece, any::<bool>()), 1..12), "[a-zA-Z0-9]{0,40}").prop_map(
            |(parts, tail)| {
                let mut line = String::new();
                for (part, upper) in parts {
                    if upper {
                        line.push_str(&part.to_ascii_uppercase())
                    } else {
                        line.push_str(part)
                    }
                }
                line.push_str(&tail);
                line
            },
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn may_hold_secret_is_a_superset(line in rule_shaped_line()) {
            let view = detection_view(&line);
            if !may_hold_secret(view.as_ref()) {
                proptest::prop_assert!(!COMPILED.set.is_match(view.as_ref()), "{line:?}");
            }
        }
    }

    #[test]
    fn the_prefilter_passes_every_rule_shape_and_stops_plain_prose() {
        for line in [
            "token=abcd",
            "0123456789abcdef0123456789abcdef",
            "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAx.GhIjKl.abcdefghijklmnopqrstuvwxyz0",
            "postgres://u:p@h/db",
            "Authorization: Basic dXNlcjpwYXNz",
            "SET-COOKIE: a=b",
        ] {
            assert!(may_hold_secret(line), "{line}");
        }
        for line in ["Connection established to upstream", "retrying in 5 seconds (attempt 2/3)"] {
            assert!(!may_hold_secret(line), "{line}");
        }
    }

    #[test]
    fn prose_is_not_a_secret() {
        assert!(
            families("Incorrect API key provided. You can find your API key at the dashboard")
                .is_empty()
        );
        assert!(families("risk-based routing with token rate limit").is_empty());
    }
}
