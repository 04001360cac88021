//! Secret families: how each vendor issues its keys (prefix, length, alphabet, checksum), from the
//! vendors' docs and public detector rules. Every value is random and made here; none is real.

use std::ops::Range;

use super::rng::{
    ALNUM, BASE32, BASE64, BASE64URL, DIGITS, HEX, LETTERS, LOWER_ALNUM, PASSWORD, Rng,
    UPPER_DIGITS, base62, base64, base64url, crc32,
};

/// How a family's value behaves in a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A token with a shape of its own (`ghp_...`, `AKIA...`): recognisable alone.
    Token,
    /// A random string with no shape: only its key says it is a secret, so bare shapes show it as
    /// `field: value`.
    Opaque,
    /// A header value with its scheme (`Bearer ...`, `Basic ...`, a cookie): `field` is the header.
    Header,
    /// A URL that carries its secret (a SAS URL, a webhook, a database URL).
    Url,
    /// A structured value around the secret (a connection string, a PEM block).
    Composite,
}

/// A generated secret.
#[derive(Debug, Clone)]
pub(crate) struct Made {
    /// The value as it is written (a whole connection string, `Bearer xyz`, a PEM block).
    pub(crate) text: String,
    /// The credential alone, for shapes that carry only it (a header's token, a query value).
    pub(crate) token: Range<usize>,
    /// The part that must never come out again: the random part, without public prefixes.
    pub(crate) sensitive: Range<usize>,
    /// A unique marker inside the sensitive part, in the family's own alphabet.
    pub(crate) canary: String,
}

impl Made {
    pub(crate) fn token(&self) -> &str {
        &self.text[self.token.clone()]
    }

    pub(crate) fn sensitive(&self) -> &str {
        &self.text[self.sensitive.clone()]
    }
}

pub(crate) struct Family {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    /// The key in JSON, YAML and dict shapes; the header name for `Header` and `Opaque` kinds.
    pub(crate) field: &'static str,
    /// The environment variable that usually holds it.
    pub(crate) env: &'static str,
    /// The URL query parameter that carries it.
    pub(crate) query: &'static str,
    /// The detect-secrets 1.5.0 plugin made for this family, if any.
    pub(crate) detect_secrets: Option<&'static str>,
    make: fn(&mut Rng, usize) -> Made,
}

impl Family {
    /// The secret number `id` (unique in the corpus) of this family.
    pub(crate) fn make(&self, rng: &mut Rng, id: usize) -> Made {
        let made = (self.make)(rng, id);
        debug_assert!(made.text[made.sensitive.clone()].contains(&made.canary), "{}", self.name);
        made
    }
}

/// The canary for secret `id` in `alphabet`: four marker characters, then `id` in six base-16
/// digits, ten characters in all, so it is unique in the corpus and greppable.
pub(crate) fn canary(alphabet: &[u8], id: usize) -> String {
    let mut out = String::new();
    for marker in *b"CNRY" {
        let c = if alphabet.contains(&marker) {
            marker
        } else if alphabet.contains(&marker.to_ascii_lowercase()) {
            marker.to_ascii_lowercase()
        } else {
            alphabet[usize::from(marker) % alphabet.len()]
        };
        out.push(char::from(c));
    }
    // Base 16 over the alphabet's first 16 characters: every alphabet here starts with `A-P`,
    // `a-p` or `0-9a-f`, so two secrets never share a canary even across alphabets.
    let mut digits = Vec::new();
    let mut rest = id;
    for _ in 0..6 {
        digits.push(alphabet[rest % 16]);
        rest /= 16;
    }
    assert_eq!(rest, 0, "id {id} does not fit six hex digits");
    digits.reverse();
    out.push_str(std::str::from_utf8(&digits).expect("ASCII"));
    out
}

/// `n` random characters of `alphabet` with the canary of `id` somewhere inside.
fn body(rng: &mut Rng, alphabet: &[u8], n: usize, id: usize) -> (String, String) {
    let canary = canary(alphabet, id);
    assert!(n >= canary.len());
    let mut text = rng.chars(alphabet, n);
    let at = rng.range(0, n - canary.len());
    text.replace_range(at..at + canary.len(), &canary);
    (text, canary)
}

/// A token: `prefix` + the random body (+ `suffix`); sensitive from the body on.
fn token(prefix: &str, body_part: (String, String), suffix: &str) -> Made {
    let (body_text, canary) = body_part;
    let text = format!("{prefix}{body_text}{suffix}");
    Made { token: 0..text.len(), sensitive: prefix.len()..text.len(), text, canary }
}

/// A value whose sensitive part is `secret` at `at` in `text`.
fn inside(
    text: String,
    at: usize,
    secret_len: usize,
    token: Option<Range<usize>>,
    canary: String,
) -> Made {
    let sensitive = at..at + secret_len;
    Made { token: token.unwrap_or_else(|| sensitive.clone()), sensitive, text, canary }
}

/// Builds `before` + secret + `after` with the secret's range recorded.
fn around(before: &str, secret: (String, String), after: &str) -> Made {
    let (secret, canary) = secret;
    let text = format!("{before}{secret}{after}");
    inside(text, before.len(), secret.len(), None, canary)
}

/// The GitHub and npm scheme: 30 random base62 characters and their CRC-32 in 6 base62 digits.
fn checksummed(rng: &mut Rng, prefix: &str, id: usize) -> Made {
    let (random, canary) = body(rng, ALNUM, 30, id);
    let check = base62(crc32(random.as_bytes()), 6);
    token(prefix, (format!("{random}{check}"), canary), "")
}

/// A random password with at least one digit and one punctuation mark.
fn password(rng: &mut Rng, id: usize) -> (String, String) {
    let n = rng.range(14, 24);
    let (mut text, canary) = body(rng, PASSWORD, n, id);
    text.push(char::from(rng.pick(b"!$%*-_.~+=^")));
    text.push(char::from(rng.pick(DIGITS)));
    (text, canary)
}

const USERS: &[&str] = &["app", "litellm", "svc_gateway", "postgres", "admin", "reader", "alice"];
const HOSTS: &[&str] =
    &["db.internal", "10.0.4.21", "pg-prod-1.cluster.local", "mysql.svc", "cache-01"];

fn base64_with_canary(rng: &mut Rng, bytes: usize, id: usize) -> (String, String) {
    let mut encoded = base64(&rng.bytes(bytes));
    let canary = canary(BASE64, id);
    // Keep the last quantum (and its padding) untouched so the value stays canonical base64.
    let room = encoded.trim_end_matches('=').len() - 4 - canary.len();
    let at = rng.range(0, room);
    encoded.replace_range(at..at + canary.len(), &canary);
    (encoded, canary)
}

fn uri_encode(text: &str) -> String {
    super::contexts::url_encode(text)
}

fn openai_shape(rng: &mut Rng, prefix: &str, half: usize, id: usize) -> Made {
    let (first, canary) = body(rng, BASE64URL, half, id);
    let second = rng.chars(BASE64URL, half);
    token(prefix, (format!("{first}T3BlbkFJ{second}"), canary), "")
}

fn pem(rng: &mut Rng, id: usize) -> Made {
    // (label, fixed start of the encoded body, random characters after it, line width)
    let (label, lead, random, width) = rng.pick(&[
        ("RSA PRIVATE KEY", "MIICXAIBAAKBgQ", 796, 64),
        ("PRIVATE KEY", "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg", 136, 64),
        ("EC PRIVATE KEY", "MHcCAQEEI", 152, 64),
        (
            "OPENSSH PRIVATE KEY",
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
            330,
            70,
        ),
    ]);
    // The canary goes inside one line of the wrapped body, so it stays greppable.
    let mut encoded = format!("{lead}{}", rng.chars(BASE64, random));
    let canary = canary(BASE64, id);
    let line = rng.range(lead.len().div_ceil(width), encoded.len() / width - 1);
    let at = line * width + rng.range(0, width - canary.len());
    encoded.replace_range(at..at + canary.len(), &canary);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(width)
        .map(|chunk| std::str::from_utf8(chunk).expect("ASCII"))
        .collect();
    let wrapped = lines.join("\n");
    let begin = format!("-----BEGIN {label}-----\n");
    let text = format!("{begin}{wrapped}\n-----END {label}-----");
    // The sensitive part starts after the fixed lead (which may itself wrap).
    let lead_wrapped = lead.len() + lead.len() / width;
    let start = begin.len() + lead_wrapped;
    let end = begin.len() + wrapped.len();
    Made { token: 0..text.len(), sensitive: start..end, text, canary }
}

fn jwt(rng: &mut Rng, id: usize) -> Made {
    let header = if rng.range(0, 1) == 0 {
        r#"{"alg":"HS256","typ":"JWT"}"#.to_string()
    } else {
        format!(r#"{{"alg":"RS256","kid":"{}","typ":"JWT"}}"#, rng.chars(LOWER_ALNUM, 16))
    };
    let issued = 1_700_000_000 + rng.range(0, 60_000_000);
    let payload = format!(
        r#"{{"sub":"{}","iss":"https://auth.example.com/","aud":"litellm","iat":{issued},"exp":{},"scope":"{}"}}"#,
        rng.chars(LOWER_ALNUM, 12),
        issued + 3600,
        rng.pick(&["openid", "chat", "admin read", "inference"]),
    );
    let signature_bytes = if header.contains("RS256") { 256 } else { 32 };
    let mut signature = base64url(&rng.bytes(signature_bytes));
    let canary = canary(BASE64URL, id);
    let at = rng.range(0, signature.len() - canary.len());
    signature.replace_range(at..at + canary.len(), &canary);
    let head = base64url(header.as_bytes());
    let text = format!("{head}.{}.{signature}", base64url(payload.as_bytes()));
    Made { token: 0..text.len(), sensitive: head.len() + 1..text.len(), text, canary }
}

fn header(scheme: &str, token_part: (String, String)) -> Made {
    let (value, canary) = token_part;
    let text = format!("{scheme}{value}");
    let range = scheme.len()..text.len();
    Made { token: range.clone(), sensitive: range, text, canary }
}

pub(crate) const FAMILIES: &[Family] = &[
    Family {
        name: "openai-user-key",
        kind: Kind::Token,
        field: "api_key",
        env: "OPENAI_API_KEY",
        query: "api_key",
        detect_secrets: Some("OpenAIDetector"),
        make: |rng, id| {
            let (first, canary) = body(rng, ALNUM, 20, id);
            token("sk-", (format!("{first}T3BlbkFJ{}", rng.chars(ALNUM, 20)), canary), "")
        },
    },
    Family {
        name: "openai-project-key",
        kind: Kind::Token,
        field: "api_key",
        env: "OPENAI_API_KEY",
        query: "api_key",
        detect_secrets: Some("OpenAIDetector"),
        make: |rng, id| openai_shape(rng, "sk-proj-", 74, id),
    },
    Family {
        name: "openai-service-account-key",
        kind: Kind::Token,
        field: "api_key",
        env: "OPENAI_API_KEY",
        query: "api_key",
        detect_secrets: Some("OpenAIDetector"),
        make: |rng, id| openai_shape(rng, "sk-svcacct-", 74, id),
    },
    Family {
        name: "openai-admin-key",
        kind: Kind::Token,
        field: "api_key",
        env: "OPENAI_ADMIN_KEY",
        query: "api_key",
        detect_secrets: Some("OpenAIDetector"),
        make: |rng, id| openai_shape(rng, "sk-admin-", 58, id),
    },
    Family {
        name: "anthropic-api-key",
        kind: Kind::Token,
        field: "x-api-key",
        env: "ANTHROPIC_API_KEY",
        query: "api_key",
        detect_secrets: None,
        make: |rng, id| token("sk-ant-api03-", body(rng, BASE64URL, 93, id), "AA"),
    },
    Family {
        name: "anthropic-admin-key",
        kind: Kind::Token,
        field: "x-api-key",
        env: "ANTHROPIC_ADMIN_KEY",
        query: "api_key",
        detect_secrets: None,
        make: |rng, id| token("sk-ant-admin01-", body(rng, BASE64URL, 93, id), "AA"),
    },
    Family {
        name: "azure-openai-key",
        kind: Kind::Token,
        field: "api-key",
        env: "AZURE_API_KEY",
        query: "api-key",
        detect_secrets: None,
        make: |rng, id| token("", body(rng, HEX, 32, id), ""),
    },
    Family {
        name: "azure-ai-services-key",
        kind: Kind::Token,
        field: "api-key",
        env: "AZURE_AI_API_KEY",
        query: "subscription-key",
        detect_secrets: None,
        make: |rng, id| {
            // 84 characters: 52 random, the `JQQJ99` signature, a date code, `AC`, routing data
            // with the fixed `XJ3w3AAA` and `ACOG` markers, 4 random.
            let (random, canary) = body(rng, ALNUM, 52, id);
            let text = format!(
                "{random}JQQJ99{}{}AC{}XJ3w3AAA{}ACOG{}",
                rng.chars(b"ABC", 1),
                rng.chars(b"ABCDEFGHIJKL", 1),
                rng.chars(ALNUM, 5),
                rng.chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1),
                rng.chars(ALNUM, 4),
            );
            Made { token: 0..text.len(), sensitive: 0..text.len(), text, canary }
        },
    },
    Family {
        name: "azure-ad-client-secret",
        kind: Kind::Token,
        field: "client_secret",
        env: "AZURE_CLIENT_SECRET",
        query: "client_secret",
        detect_secrets: None,
        make: |rng, id| {
            let lead = format!(
                "{}{}Q~",
                rng.chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.", 3),
                rng.chars(DIGITS, 1)
            );
            let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-";
            let (rest, canary) = body(rng, alphabet, 34, id);
            let text = format!("{lead}{rest}");
            Made { token: 0..text.len(), sensitive: 0..text.len(), text, canary }
        },
    },
    Family {
        name: "azure-storage-connection-string",
        kind: Kind::Composite,
        field: "connection_string",
        env: "AZURE_STORAGE_CONNECTION_STRING",
        query: "connection_string",
        detect_secrets: Some("AzureStorageKeyDetector"),
        make: |rng, id| {
            let account = format!("st{}", rng.chars(LOWER_ALNUM, 10));
            around(
                &format!("DefaultEndpointsProtocol=https;AccountName={account};AccountKey="),
                base64_with_canary(rng, 64, id),
                ";EndpointSuffix=core.windows.net",
            )
        },
    },
    Family {
        name: "azure-sas-url",
        kind: Kind::Url,
        field: "sas_url",
        env: "AZURE_STORAGE_SAS_URL",
        query: "sas",
        detect_secrets: None,
        make: |rng, id| {
            let (signature, canary) = base64_with_canary(rng, 32, id);
            let encoded = uri_encode(&signature);
            let before = format!(
                "https://st{}.blob.core.windows.net/{}/batch-{}.jsonl?sv=2022-11-02&ss=b&srt=sco&sp={}&se=2026-0{}-1{}T17:00:00Z&st=2025-01-01T09:00:00Z&spr=https&sig=",
                rng.chars(LOWER_ALNUM, 8),
                rng.pick(&["uploads", "batches", "fine-tune"]),
                rng.chars(DIGITS, 4),
                rng.pick(&["r", "rl", "racwdl", "rwdlacupiytfx"]),
                rng.range(1, 9),
                rng.range(0, 9),
            );
            let at = before.len();
            let text = format!("{before}{encoded}");
            let len = encoded.len();
            inside(text, at, len, None, canary)
        },
    },
    Family {
        name: "azure-service-bus-connection-string",
        kind: Kind::Composite,
        field: "connection_string",
        env: "SERVICEBUS_CONNECTION_STRING",
        query: "connection_string",
        detect_secrets: None,
        make: |rng, id| {
            around(
                &format!(
                    "Endpoint=sb://sb-{}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=",
                    rng.chars(LOWER_ALNUM, 8)
                ),
                base64_with_canary(rng, 32, id),
                ";EntityPath=requests",
            )
        },
    },
    Family {
        name: "aws-access-key-id",
        kind: Kind::Token,
        field: "aws_access_key_id",
        env: "AWS_ACCESS_KEY_ID",
        query: "X-Amz-Credential",
        detect_secrets: Some("AWSKeyDetector"),
        make: |rng, id| {
            let prefix = rng.pick(&["AKIA", "ASIA"]);
            token(prefix, body(rng, BASE32, 16, id), "")
        },
    },
    Family {
        name: "aws-secret-access-key",
        kind: Kind::Opaque,
        field: "aws_secret_access_key",
        env: "AWS_SECRET_ACCESS_KEY",
        query: "aws_secret_access_key",
        detect_secrets: Some("AWSKeyDetector"),
        make: |rng, id| token("", body(rng, BASE64, 40, id), ""),
    },
    Family {
        name: "aws-session-token",
        kind: Kind::Token,
        field: "aws_session_token",
        env: "AWS_SESSION_TOKEN",
        query: "X-Amz-Security-Token",
        detect_secrets: None,
        make: |rng, id| {
            let prefix = rng.pick(&["IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE"]);
            let n = rng.range(300, 420);
            token(prefix, body(rng, BASE64, n, id), "")
        },
    },
    Family {
        name: "aws-bedrock-api-key",
        kind: Kind::Token,
        field: "api_key",
        env: "AWS_BEARER_TOKEN_BEDROCK",
        query: "api_key",
        detect_secrets: None,
        make: |rng, id| {
            // Long-lived keys: `ABSK` + base64("BedrockAPIKey-<id>-at-<account>:<secret>").
            let inner = format!(
                "BedrockAPIKey-{}-at-{}:{}",
                rng.chars(LOWER_ALNUM, 4),
                rng.chars(DIGITS, 12),
                base64(&rng.bytes(44)),
            );
            let mut encoded = base64(inner.as_bytes());
            let canary = canary(BASE64, id);
            let at = rng.range(24, encoded.trim_end_matches('=').len() - 4 - canary.len());
            encoded.replace_range(at..at + canary.len(), &canary);
            let text = format!("ABSK{encoded}");
            // `QmVkcm9ja0FQSUtleS` is base64 of the fixed `BedrockAPIKey-`.
            Made { token: 0..text.len(), sensitive: 22..text.len(), text, canary }
        },
    },
    Family {
        name: "google-api-key",
        kind: Kind::Token,
        field: "api_key",
        env: "GEMINI_API_KEY",
        query: "key",
        detect_secrets: None,
        make: |rng, id| token("AIza", body(rng, BASE64URL, 35, id), ""),
    },
    Family {
        name: "google-oauth-access-token",
        kind: Kind::Token,
        field: "access_token",
        env: "GOOGLE_ACCESS_TOKEN",
        query: "access_token",
        detect_secrets: None,
        make: |rng, id| {
            let n = rng.range(150, 220);
            token("ya29.", body(rng, BASE64URL, n, id), "")
        },
    },
    Family {
        name: "google-oauth-client-secret",
        kind: Kind::Token,
        field: "client_secret",
        env: "GOOGLE_CLIENT_SECRET",
        query: "client_secret",
        detect_secrets: None,
        make: |rng, id| token("GOCSPX-", body(rng, BASE64URL, 28, id), ""),
    },
    Family {
        name: "github-classic-pat",
        kind: Kind::Token,
        field: "token",
        env: "GITHUB_TOKEN",
        query: "access_token",
        detect_secrets: Some("GitHubTokenDetector"),
        make: |rng, id| checksummed(rng, "ghp_", id),
    },
    Family {
        name: "github-app-token",
        kind: Kind::Token,
        field: "token",
        env: "GH_TOKEN",
        query: "access_token",
        detect_secrets: Some("GitHubTokenDetector"),
        make: |rng, id| {
            let prefix = rng.pick(&["gho_", "ghu_", "ghs_", "ghr_"]);
            checksummed(rng, prefix, id)
        },
    },
    Family {
        name: "github-fine-grained-pat",
        kind: Kind::Token,
        field: "token",
        env: "GITHUB_TOKEN",
        query: "access_token",
        detect_secrets: None,
        make: |rng, id| {
            let lead = format!("github_pat_11{}_", rng.chars(UPPER_DIGITS, 20));
            let (rest, canary) = body(rng, ALNUM, 59, id);
            let text = format!("{lead}{rest}");
            Made { token: 0..text.len(), sensitive: 11..text.len(), text, canary }
        },
    },
    Family {
        name: "gitlab-pat",
        kind: Kind::Token,
        field: "private_token",
        env: "GITLAB_TOKEN",
        query: "private_token",
        detect_secrets: Some("GitLabTokenDetector"),
        make: |rng, id| {
            if rng.range(0, 1) == 0 {
                token("glpat-", body(rng, BASE64URL, 20, id), "")
            } else {
                // Routable: payload, `.`, payload length and a CRC in base 36.
                let suffix = format!(".01{}", rng.chars(LOWER_ALNUM, 7));
                token("glpat-", body(rng, BASE64URL, 38, id), &suffix)
            }
        },
    },
    Family {
        name: "gitlab-other-token",
        kind: Kind::Token,
        field: "token",
        env: "CI_JOB_TOKEN",
        query: "token",
        detect_secrets: Some("GitLabTokenDetector"),
        make: |rng, id| {
            let (prefix, alphabet, n) = rng.pick(&[
                ("gldt-", BASE64URL, 20),
                ("glrt-", BASE64URL, 20),
                ("glptt-", HEX, 40),
                ("glft-", BASE64URL, 20),
                ("glsoat-", BASE64URL, 20),
                ("glcbt-64_", BASE64URL, 20),
                ("glimt-", LOWER_ALNUM, 25),
                ("glagent-", BASE64URL, 50),
                ("gloas-", BASE64URL, 64),
            ]);
            token(prefix, body(rng, alphabet, n, id), "")
        },
    },
    Family {
        name: "slack-token",
        kind: Kind::Token,
        field: "token",
        env: "SLACK_BOT_TOKEN",
        query: "token",
        detect_secrets: Some("SlackDetector"),
        make: |rng, id| match rng.range(0, 2) {
            0 => {
                let (team, bot) = (rng.range(10, 13), rng.range(10, 13));
                let prefix =
                    format!("xoxb-{}-{}-", rng.chars(DIGITS, team), rng.chars(DIGITS, bot));
                token(&prefix, body(rng, ALNUM, 24, id), "")
            }
            1 => {
                let prefix = format!(
                    "xoxp-{}-{}-{}-",
                    rng.chars(DIGITS, 12),
                    rng.chars(DIGITS, 13),
                    rng.chars(DIGITS, 13)
                );
                token(&prefix, body(rng, HEX, 32, id), "")
            }
            _ => token("xoxe.xoxp-1-", body(rng, ALNUM, 146, id), ""),
        },
    },
    Family {
        name: "slack-app-token",
        kind: Kind::Token,
        field: "app_token",
        env: "SLACK_APP_TOKEN",
        query: "token",
        detect_secrets: None,
        make: |rng, id| {
            let prefix =
                format!("xapp-1-A{}-{}-", rng.chars(UPPER_DIGITS, 10), rng.chars(DIGITS, 13));
            let made = token(&prefix, body(rng, HEX, 64, id), "");
            Made { sensitive: 5..made.text.len(), ..made }
        },
    },
    Family {
        name: "slack-webhook-url",
        kind: Kind::Url,
        field: "webhook_url",
        env: "SLACK_WEBHOOK_URL",
        query: "webhook",
        detect_secrets: Some("SlackDetector"),
        make: |rng, id| {
            let before = format!(
                "https://hooks.slack.com/services/T{}/B{}/",
                rng.chars(UPPER_DIGITS, 8),
                rng.chars(UPPER_DIGITS, 10)
            );
            around(&before, body(rng, ALNUM, 24, id), "")
        },
    },
    Family {
        name: "stripe-secret-key",
        kind: Kind::Token,
        field: "api_key",
        env: "STRIPE_SECRET_KEY",
        query: "api_key",
        detect_secrets: Some("StripeDetector"),
        make: |rng, id| {
            let prefix = rng.pick(&["sk_live_", "sk_test_", "rk_live_", "rk_test_"]);
            let n = rng.pick(&[24, 99]);
            token(prefix, body(rng, ALNUM, n, id), "")
        },
    },
    Family {
        name: "stripe-webhook-secret",
        kind: Kind::Token,
        field: "webhook_secret",
        env: "STRIPE_WEBHOOK_SECRET",
        query: "secret",
        detect_secrets: None,
        make: |rng, id| token("whsec_", body(rng, ALNUM, 32, id), ""),
    },
    Family {
        name: "huggingface-token",
        kind: Kind::Token,
        field: "token",
        env: "HF_TOKEN",
        query: "token",
        detect_secrets: None,
        make: |rng, id| token("hf_", body(rng, LETTERS, 34, id), ""),
    },
    Family {
        name: "jwt",
        kind: Kind::Token,
        field: "id_token",
        env: "AZURE_AD_TOKEN",
        query: "token",
        detect_secrets: Some("JwtTokenDetector"),
        make: jwt,
    },
    Family {
        name: "bearer-header",
        kind: Kind::Header,
        field: "Authorization",
        env: "AUTH_HEADER",
        query: "access_token",
        detect_secrets: None,
        make: |rng, id| {
            let (alphabet, n) = rng.pick(&[(BASE64URL, 43), (ALNUM, 32), (HEX, 40), (BASE64, 64)]);
            header("Bearer ", body(rng, alphabet, n, id))
        },
    },
    Family {
        name: "basic-auth-header",
        kind: Kind::Header,
        field: "Authorization",
        env: "AUTH_HEADER",
        query: "auth",
        detect_secrets: None,
        make: |rng, id| {
            let user = rng.pick(USERS);
            let (secret, _) = password(rng, id);
            let encoded = base64(format!("{user}:{secret}").as_bytes());
            // The canary of a Basic header is its encoded form's tail, which encodes the password.
            let canary = encoded[encoded.len() - 10..].to_string();
            header("Basic ", (encoded, canary))
        },
    },
    Family {
        name: "x-api-key-header",
        kind: Kind::Opaque,
        field: "x-api-key",
        env: "X_API_KEY",
        query: "api_key",
        detect_secrets: None,
        make: |rng, id| {
            let n = rng.range(32, 48);
            token("", body(rng, ALNUM, n, id), "")
        },
    },
    Family {
        name: "session-cookie",
        kind: Kind::Header,
        field: "Cookie",
        env: "SESSION_COOKIE",
        query: "session",
        detect_secrets: None,
        make: |rng, id| {
            let name = rng.pick(&[
                "session",
                "sessionid",
                "connect.sid",
                "_oauth2_proxy",
                "__Secure-next-auth.session-token",
            ]);
            let n = rng.range(43, 64);
            let made = header(&format!("{name}="), body(rng, BASE64URL, n, id));
            Made { token: 0..made.text.len(), ..made }
        },
    },
    Family {
        name: "password-field",
        kind: Kind::Opaque,
        field: "password",
        env: "DB_PASSWORD",
        query: "password",
        detect_secrets: None,
        make: |rng, id| token("", password(rng, id), ""),
    },
    Family {
        name: "database-url-password",
        kind: Kind::Url,
        field: "database_url",
        env: "DATABASE_URL",
        query: "dsn",
        detect_secrets: Some("BasicAuthDetector"),
        make: |rng, id| {
            let (scheme, port) = rng.pick(&[
                ("postgresql", 5432),
                ("postgres", 5432),
                ("mysql+pymysql", 3306),
                ("mongodb+srv", 0),
                ("redis", 6379),
                ("amqp", 5672),
            ]);
            let (secret, canary) = password(rng, id);
            let encoded = uri_encode(&secret);
            let before = format!("{scheme}://{}:", rng.pick(USERS));
            let port = if port == 0 { String::new() } else { format!(":{port}") };
            let text = format!("{before}{encoded}@{}{port}/litellm", rng.pick(HOSTS));
            let len = encoded.len();
            inside(text, before.len(), len, None, canary)
        },
    },
    Family {
        name: "sql-connection-string-password",
        kind: Kind::Composite,
        field: "connection_string",
        env: "SQL_CONNECTION_STRING",
        query: "connection_string",
        detect_secrets: None,
        make: |rng, id| {
            let user = rng.pick(USERS);
            let host = format!("sql-{}", rng.chars(LOWER_ALNUM, 6));
            let before = match rng.range(0, 2) {
                0 => format!(
                    "Server=tcp:{host}.database.windows.net,1433;Initial Catalog=litellm;Persist Security Info=False;User ID={user};Password="
                ),
                1 => format!(
                    "Driver={{ODBC Driver 18 for SQL Server}};Server={host};Database=app;Uid={user};Pwd="
                ),
                _ => format!(
                    "jdbc:sqlserver://{host}.database.windows.net:1433;databaseName=app;user={user};password="
                ),
            };
            around(&before, password(rng, id), ";Encrypt=True;Connection Timeout=30;")
        },
    },
    Family {
        name: "private-key-pem",
        kind: Kind::Composite,
        field: "private_key",
        env: "PRIVATE_KEY",
        query: "private_key",
        detect_secrets: Some("PrivateKeyDetector"),
        make: pem,
    },
    Family {
        name: "litellm-virtual-key",
        kind: Kind::Token,
        field: "api_key",
        env: "LITELLM_API_KEY",
        query: "api_key",
        detect_secrets: None,
        // `sk-` + secrets.token_urlsafe(16).
        make: |rng, id| token("sk-", body(rng, BASE64URL, 22, id), ""),
    },
    Family {
        name: "litellm-key-hash",
        kind: Kind::Token,
        field: "token",
        env: "LITELLM_KEY_HASH",
        query: "key",
        detect_secrets: None,
        make: |rng, id| token("", body(rng, HEX, 64, id), ""),
    },
    Family {
        name: "openrouter-key",
        kind: Kind::Token,
        field: "api_key",
        env: "OPENROUTER_API_KEY",
        query: "api_key",
        detect_secrets: None,
        make: |rng, id| token("sk-or-v1-", body(rng, HEX, 64, id), ""),
    },
    Family {
        name: "deepseek-key",
        kind: Kind::Token,
        field: "api_key",
        env: "DEEPSEEK_API_KEY",
        query: "api_key",
        detect_secrets: None,
        make: |rng, id| token("sk-", body(rng, HEX, 32, id), ""),
    },
    Family {
        name: "groq-key",
        kind: Kind::Token,
        field: "api_key",
        env: "GROQ_API_KEY",
        query: "api_key",
        detect_secrets: None,
        make: |rng, id| token("gsk_", body(rng, ALNUM, 52, id), ""),
    },
    Family {
        name: "xai-key",
        kind: Kind::Token,
        field: "api_key",
        env: "XAI_API_KEY",
        query: "api_key",
        detect_secrets: None,
        make: |rng, id| token("xai-", body(rng, ALNUM, 80, id), ""),
    },
    Family {
        name: "perplexity-key",
        kind: Kind::Token,
        field: "api_key",
        env: "PERPLEXITYAI_API_KEY",
        query: "api_key",
        detect_secrets: None,
        make: |rng, id| token("pplx-", body(rng, ALNUM, 48, id), ""),
    },
    Family {
        name: "replicate-token",
        kind: Kind::Token,
        field: "api_token",
        env: "REPLICATE_API_TOKEN",
        query: "token",
        detect_secrets: None,
        make: |rng, id| token("r8_", body(rng, ALNUM, 37, id), ""),
    },
    Family {
        name: "langfuse-secret-key",
        kind: Kind::Token,
        field: "secret_key",
        env: "LANGFUSE_SECRET_KEY",
        query: "secret_key",
        detect_secrets: None,
        make: |rng, id| {
            let (last, canary) = body(rng, HEX, 12, id);
            let uuid = format!(
                "{}-{}-4{}-{}{}-{last}",
                rng.chars(HEX, 8),
                rng.chars(HEX, 4),
                rng.chars(HEX, 3),
                rng.chars(b"89ab", 1),
                rng.chars(HEX, 3)
            );
            token("sk-lf-", (uuid, canary), "")
        },
    },
    Family {
        name: "sendgrid-key",
        kind: Kind::Token,
        field: "api_key",
        env: "SENDGRID_API_KEY",
        query: "api_key",
        detect_secrets: Some("SendGridDetector"),
        make: |rng, id| {
            let first = rng.chars(BASE64URL, 22);
            let (second, canary) = body(rng, BASE64URL, 43, id);
            token("SG.", (format!("{first}.{second}"), canary), "")
        },
    },
    Family {
        name: "twilio-api-key",
        kind: Kind::Token,
        field: "api_key",
        env: "TWILIO_API_KEY",
        query: "api_key",
        detect_secrets: Some("TwilioKeyDetector"),
        make: |rng, id| token("SK", body(rng, HEX, 32, id), ""),
    },
    Family {
        name: "telegram-bot-token",
        kind: Kind::Token,
        field: "bot_token",
        env: "TELEGRAM_BOT_TOKEN",
        query: "token",
        detect_secrets: Some("TelegramBotTokenDetector"),
        make: |rng, id| {
            let prefix = format!("{}:AA", rng.chars(DIGITS, 10));
            token(&prefix, body(rng, BASE64URL, 33, id), "")
        },
    },
    Family {
        name: "npm-token",
        kind: Kind::Token,
        field: "token",
        env: "NPM_TOKEN",
        query: "token",
        detect_secrets: Some("NpmDetector"),
        make: |rng, id| checksummed(rng, "npm_", id),
    },
    Family {
        name: "pypi-token",
        kind: Kind::Token,
        field: "password",
        env: "TWINE_PASSWORD",
        query: "token",
        detect_secrets: Some("PypiTokenDetector"),
        make: |rng, id| {
            let n = rng.range(150, 200);
            token("pypi-AgEIcHlwaS5vcmc", body(rng, BASE64URL, n, id), "")
        },
    },
    Family {
        name: "databricks-token",
        kind: Kind::Token,
        field: "token",
        env: "DATABRICKS_TOKEN",
        query: "token",
        detect_secrets: None,
        make: |rng, id| token("dapi", body(rng, HEX, 32, id), ""),
    },
    Family {
        name: "discord-bot-token",
        kind: Kind::Token,
        field: "token",
        env: "DISCORD_BOT_TOKEN",
        query: "token",
        detect_secrets: Some("DiscordBotTokenDetector"),
        make: |rng, id| {
            let prefix = format!(
                "{}{}.{}.",
                rng.pick(&["M", "N", "O"]),
                rng.chars(ALNUM, 25),
                rng.chars(BASE64URL, 6)
            );
            let n = rng.pick(&[27, 38]);
            let made = token(&prefix, body(rng, BASE64URL, n, id), "");
            Made { sensitive: 0..made.text.len(), ..made }
        },
    },
    Family {
        name: "docker-hub-pat",
        kind: Kind::Token,
        field: "password",
        env: "DOCKERHUB_TOKEN",
        query: "token",
        detect_secrets: None,
        make: |rng, id| token("dckr_pat_", body(rng, BASE64URL, 27, id), ""),
    },
];
