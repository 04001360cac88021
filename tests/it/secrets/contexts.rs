//! Context shapes: the places a secret turns up in a log, each written the way the tool that
//! writes it escapes strings (JSON, Python repr, URL encoding, YAML, logfmt, shell).

use super::families::{Family, Kind, Made};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Context {
    Bare,
    Prose,
    KeyValue,
    JsonField,
    UrlQuery,
    AuthorizationHeader,
    PythonRepr,
    ConnectionString,
    Traceback,
    QuotedEscaped,
    Yaml,
    Logfmt,
}

pub(crate) const CONTEXTS: &[Context] = &[
    Context::Bare,
    Context::Prose,
    Context::KeyValue,
    Context::JsonField,
    Context::UrlQuery,
    Context::AuthorizationHeader,
    Context::PythonRepr,
    Context::ConnectionString,
    Context::Traceback,
    Context::QuotedEscaped,
    Context::Yaml,
    Context::Logfmt,
];

impl Context {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Context::Bare => "bare",
            Context::Prose => "prose",
            Context::KeyValue => "key-value",
            Context::JsonField => "json-field",
            Context::UrlQuery => "url-query",
            Context::AuthorizationHeader => "authorization-header",
            Context::PythonRepr => "python-repr",
            Context::ConnectionString => "connection-string",
            Context::Traceback => "traceback",
            Context::QuotedEscaped => "quoted-escaped",
            Context::Yaml => "yaml",
            Context::Logfmt => "logfmt",
        }
    }

    /// The log text with `made` placed in this shape; `variant` picks among a shape's spellings.
    pub(crate) fn render(self, family: &Family, made: &Made, variant: usize) -> String {
        let text = made.text.as_str();
        let field = family.field;
        let multi_line = text.contains('\n');
        // A header-like field name (`x-api-key`) is written as a header; others as a bearer.
        let header_field = family.kind == Kind::Header || field.contains('-');
        match self {
            Context::Bare => {
                if family.kind == Kind::Opaque {
                    format!("{field}: {text}")
                } else {
                    text.to_string()
                }
            }
            Context::Prose => {
                let value = if family.kind == Kind::Opaque {
                    format!("{field}={text}")
                } else {
                    text.to_string()
                };
                match variant % 3 {
                    0 => format!(
                        "litellm.AuthenticationError: AuthenticationError: OpenAIException - Incorrect API key provided: {value}. You can find your API key at https://platform.openai.com/account/api-keys."
                    ),
                    1 => format!(
                        "ERROR:root:request to upstream failed with credential {value} (401 Unauthorized)"
                    ),
                    _ => format!(
                        "WARNING: the value {value} was rejected by the provider; rotate it and retry"
                    ),
                }
            }
            Context::KeyValue => {
                let env = family.env;
                if multi_line || text.contains(' ') {
                    format!("{env}=\"{text}\"")
                } else {
                    match variant % 3 {
                        0 => format!("export {env}={text}"),
                        1 => format!("{env}={text}"),
                        _ => format!("{field}={text}"),
                    }
                }
            }
            Context::JsonField => {
                let value = json(text);
                if variant % 2 == 0 {
                    format!(r#"{{"model": "gpt-4o", "{field}": "{value}", "timeout": 600}}"#)
                } else {
                    format!(
                        "{{\n  \"model\": \"azure/gpt-4o\",\n  \"{field}\": \"{value}\",\n  \"stream\": false\n}}"
                    )
                }
            }
            Context::UrlQuery => {
                let url = match family.kind {
                    Kind::Url => text.to_string(),
                    Kind::Header => format!(
                        "https://gateway.example.com/v1/chat/completions?{}={}&stream=false",
                        family.query,
                        url_encode(made.token())
                    ),
                    _ => format!(
                        "https://gateway.example.com/v1/chat/completions?{}={}&stream=false",
                        family.query,
                        url_encode(text)
                    ),
                };
                if variant % 2 == 0 || family.kind == Kind::Url {
                    format!(
                        "httpx.HTTPStatusError: Client error '401 Unauthorized' for url '{url}'"
                    )
                } else {
                    let path = url.split_once("://").map_or(url.as_str(), |(_, rest)| {
                        rest.find('/').map_or(rest, |at| &rest[at..])
                    });
                    format!("INFO:     10.0.3.57:52012 - \"GET {path} HTTP/1.1\" 401 Unauthorized")
                }
            }
            Context::AuthorizationHeader => {
                let flat = flat(text);
                let (name, value) = if header_field {
                    (field, flat)
                } else {
                    ("Authorization", format!("Bearer {flat}"))
                };
                match variant % 3 {
                    0 => format!("{name}: {value}"),
                    1 => format!(
                        "+ curl -sS https://api.openai.com/v1/models -H \"{name}: {value}\" -H 'content-type: application/json'"
                    ),
                    _ => format!(
                        "send: b'POST /v1/chat/completions HTTP/1.1\\r\\nHost: api.openai.com\\r\\n{name}: {value}\\r\\nContent-Type: application/json\\r\\n\\r\\n'"
                    ),
                }
            }
            Context::PythonRepr => format!(
                "2025-06-17 09:41:07,215 - LiteLLM Router - DEBUG - litellm_params={{'model': 'azure/gpt-4o', '{field}': '{}', 'api_version': '2024-10-21'}}",
                python(text)
            ),
            Context::ConnectionString => match family.kind {
                Kind::Composite | Kind::Url if !multi_line => {
                    if variant % 2 == 0 {
                        format!(
                            "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not connect using \"{text}\""
                        )
                    } else {
                        format!("ConnectionStrings__Default=\"{text}\"")
                    }
                }
                _ => {
                    let credential = flat(made.token());
                    if variant % 2 == 0 {
                        format!(
                            "System.Data.SqlClient.SqlException: Login failed for connection 'Server=tcp:sql-prod.database.windows.net,1433;Database=app;User ID=svc;Password={credential};Encrypt=True;'"
                        )
                    } else {
                        format!(
                            "could not connect to postgresql://svc:{}@db.internal:5432/app: password authentication failed",
                            url_encode(made.token())
                        )
                    }
                }
            },
            Context::Traceback => {
                let argument = field.replace('-', "_").to_ascii_lowercase();
                let message = if family.kind == Kind::Opaque {
                    format!("ValueError: invalid credentials {{'{field}': '{}'}}", python(text))
                } else {
                    format!(
                        "openai.AuthenticationError: Error code: 401 - {{'error': {{'message': 'Incorrect API key provided: {}.', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}}}",
                        python(text)
                    )
                };
                format!(
                    "Traceback (most recent call last):\n  File \"/srv/app/main.py\", line 41, in <module>\n    client = OpenAI({argument}=\"{}\")\n  File \"/usr/local/lib/python3.11/site-packages/openai/_base_client.py\", line 1059, in request\n    raise self._make_status_error_from_response(err.response) from None\n{message}",
                    json(text)
                )
            }
            Context::QuotedEscaped => {
                let inner = format!(r#"{{"headers": {{"{field}": "{}"}}}}"#, json(text));
                if variant % 2 == 0 {
                    format!(
                        r#"{{"level":"error","logger":"litellm.proxy","message":"upstream error: {}"}}"#,
                        json(&inner)
                    )
                } else {
                    format!("level=error msg=\"request body: {}\"", json(&inner))
                }
            }
            Context::Yaml => {
                let value = if multi_line {
                    let indented: Vec<String> =
                        text.lines().map(|line| format!("        {line}")).collect();
                    format!("|\n{}", indented.join("\n"))
                } else if variant % 2 == 0 {
                    format!("\"{}\"", json(text))
                } else {
                    text.to_string()
                };
                format!(
                    "model_list:\n  - model_name: gpt-4o\n    litellm_params:\n      model: azure/gpt-4o\n      {field}: {value}\n      rpm: 600"
                )
            }
            Context::Logfmt => {
                let value = if multi_line || text.contains(' ') {
                    format!("\"{}\"", json(text))
                } else {
                    text.to_string()
                };
                format!(
                    "time=2025-06-17T09:41:07Z level=debug msg=\"calling provider\" provider=openai {field}={value} status=401"
                )
            }
        }
    }
}

/// Every way the sensitive part of a secret can be spelled by the shapes above.
pub(crate) fn spellings(sensitive: &str) -> Vec<String> {
    let mut forms = vec![
        sensitive.to_string(),
        json(sensitive),
        json(&json(sensitive)),
        python(sensitive),
        url_encode(sensitive),
        flat(sensitive),
    ];
    forms.sort();
    forms.dedup();
    forms
}

/// JSON string escaping (without the quotes).
pub(crate) fn json(text: &str) -> String {
    let quoted = serde_json::to_string(text).expect("a string serializes");
    quoted[1..quoted.len() - 1].to_string()
}

/// Python `repr` of a str inside single quotes (without the quotes).
fn python(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

/// Newlines written as `\n`, as a logger printing a value on one line does.
fn flat(text: &str) -> String {
    text.replace('\n', "\\n")
}

/// Percent-encoding of everything but RFC 3986's unreserved characters.
pub(crate) fn url_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
