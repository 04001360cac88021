//! Unit tests for event shapes and envelopes.

use super::*;

/// `count` lines, each of 0 to `max_pieces` fragments drawn by a xorshift generator from `seed`:
/// input for the tests that compare a fast path with its reference.
pub(crate) fn fragment_lines(
    fragments: &[&str],
    count: usize,
    max_pieces: u64,
    mut seed: u64,
) -> Vec<String> {
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    (0..count)
        .map(|_| {
            let pieces = next() % (max_pieces + 1);
            (0..pieces).map(|_| fragments[(next() % fragments.len() as u64) as usize]).collect()
        })
        .collect()
}

fn events(text: &str) -> Vec<(EventKind, (usize, usize), String)> {
    normalize(text)
        .events()
        .iter()
        .map(|event| (event.kind(), event.lines(), event.text().to_string()))
        .collect()
}

#[test]
fn traceback_with_chain_is_one_event_focused_on_the_last_exception() {
    let log = "\
starting
Traceback (most recent call last):
  File \"/app/a.py\", line 3, in <module>
    call()
httpx.HTTPStatusError: Client error '404 Not Found'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File \"/app/a.py\", line 5, in <module>
    raise NotFoundError(x)
litellm.exceptions.NotFoundError: litellm.NotFoundError: AzureException - Resource not found

after
";
    let normalized = normalize(log);
    let kinds: Vec<_> =
        normalized.events().iter().map(|event| (event.kind(), event.lines())).collect();
    assert_eq!(
        kinds,
        [(EventKind::Line, (1, 1)), (EventKind::Traceback, (2, 12)), (EventKind::Line, (14, 14))]
    );
    let traceback = &normalized.events()[1];
    assert!(traceback.text()[traceback.focus..].starts_with("litellm.exceptions.NotFoundError"));
}

#[test]
fn traceback_message_continues_over_unprefixed_lines() {
    let log = "\
Traceback (most recent call last):
  File \"x.py\", line 1, in <module>
litellm.exceptions.BadRequestError: litellm.BadRequestError: LLM Provider NOT provided. You passed model=foo
 Pass model as E.g. For 'Huggingface' inference endpoints
2024-01-01 10:00:00 INFO next record
";
    let found = events(log);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].1, (1, 4));
    assert_eq!(found[1], (EventKind::Line, (5, 5), "next record".to_string()));
}

#[test]
fn a_json_log_record_after_a_traceback_is_its_own_event() {
    // Seen in a generated 1 GiB log: the record after a container's traceback was read as the
    // rest of the exception's message, and the two together matched a signature neither does.
    let log = "\
search-1  | File \"/app/upload.py\", line 4, in <module>
search-1  |     s3 = boto3.client(\"s3\")
search-1  | botocore.exceptions.NoRegionError: You must specify a region.
{\"ts\":\"2025-03-07T11:11:46.901Z\",\"level\":\"error\",\"logger\":\"app\",\"msg\":\"litellm.APIConnectionError: boom\"}
";
    let found = events(log);
    let shapes: Vec<_> = found.iter().map(|event| (event.0, event.1)).collect();
    assert_eq!(shapes, [(EventKind::Traceback, (1, 3)), (EventKind::JsonLine, (4, 4))]);
    // A JSON body that is the rest of the message stays with it.
    let body = "Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\nopenai.BadRequestError: Error code: 400 -\n{\"error\": {\"message\": \"bad\"}}\n";
    assert_eq!(events(body).len(), 1, "{:?}", events(body));
}

#[test]
fn multi_line_json_body_is_one_event() {
    let log = "\
Error code: 401 - {
  \"error\": {
    \"message\": \"Invalid proxy server token passed\",
    \"type\": \"auth_error\"
  }
}
done";
    let found = events(log);
    assert_eq!(found[0].0, EventKind::JsonBody);
    assert_eq!(found[0].1, (1, 6));
    assert!(found[0].2.contains("\"message\": \"Invalid proxy server token passed\""));
    assert_eq!(found[1].1, (7, 7));
}

#[test]
fn json_lines_and_nested_escaped_envelopes_read_as_plain_json() {
    let log = r#"{"level":"error","msg":"{\"error\": {\"message\": \"Resource not found\", \"code\": \"404\"}}"}"#;
    let found = events(log);
    assert_eq!(found[0].0, EventKind::JsonLine);
    assert_eq!(
        found[0].2,
        r#"{"level":"error","msg":"{"error": {"message": "Resource not found", "code": "404"}}"}"#
    );
    let statuses: Vec<_> = normalize(log)
        .evidence()
        .iter()
        .filter_map(|item| match item.kind() {
            EvidenceKind::Status(code) => Some(*code),
            _ => None,
        })
        .collect();
    assert_eq!(statuses, [404]);
}

#[test]
fn python_dict_repr_and_rewrapped_chain_give_evidence() {
    let log = "litellm.AuthenticationError: AuthenticationError: OpenAIException - Error code: 401 - {'error': {'code': 'invalid_api_key'}}";
    let normalized = normalize(log);
    let found: Vec<String> = normalized
        .evidence()
        .iter()
        .map(|item| format!("{}={}", item.kind().name(), item.kind().display_value()))
        .collect();
    assert_eq!(
        found,
        [
            "status=401",
            "exception=litellm.AuthenticationError",
            "exception=AuthenticationError",
            "exception=OpenAIException",
            "provider=openai"
        ]
    );
}

#[test]
fn prefixes_are_removed_but_line_numbers_and_spans_stay() {
    let log = "web-1  | 2025-01-02T03:04:05Z ERROR boom at 10.0.0.1\n[pod/litellm-abc/proxy] WARNING: slow";
    let normalized = normalize(log);
    assert_eq!(normalized.text(), "boom at <ip>\nslow");
    let event = &normalized.events()[1];
    assert_eq!(event.lines(), (2, 2));
    let span = event.original_span(0..event.text().len());
    assert_eq!(&log[span.range()], "slow");
}

#[test]
fn pem_blocks_are_redacted_across_lines() {
    let log = "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nZZZsecretline\n-----END RSA PRIVATE KEY-----\nafter";
    let normalized = normalize(log);
    assert_eq!(normalized.text(), "key:\n<secret>\n<secret>\n<secret>\n<secret>\nafter");
    assert_eq!(normalized.redactions().len(), 4);
    assert!(!normalized.display_line(3).unwrap().contains("MIIE"));
}

#[test]
fn display_lines_hide_secrets_and_keep_the_rest() {
    let log = "2025-01-01 10:00:00 ERROR api_key=abcd1234efgh5678 for https://h.example.com/x?token=zzzz9999yyyy";
    let normalized = normalize(log);
    let display = normalized.display_line(1).unwrap();
    assert_eq!(
        display,
        "2025-01-01 10:00:00 ERROR api_key=<secret> for https://h.example.com/x?token=<secret>"
    );
    assert_eq!(normalized.text(), "api_key=<secret> for <url>");
}

#[test]
fn crlf_ansi_and_nul_are_cleaned() {
    let log = "\x1b[31mERROR\x1b[0m bad\0thing\r\nnext\r\n";
    assert_eq!(normalize(log).text(), "bad thing\nnext");
}

#[test]
fn container_prefixed_tracebacks_stay_whole() {
    let log = "\
[pod/litellm-7d9f8b6c5-x2k4q/litellm] Traceback (most recent call last):
[pod/litellm-7d9f8b6c5-x2k4q/litellm]   File \"/app/x.py\", line 40, in get
[pod/litellm-7d9f8b6c5-x2k4q/litellm]     tenant_id=os.environ[\"AZURE_TENANT_ID\"],
[pod/litellm-7d9f8b6c5-x2k4q/litellm] KeyError: 'AZURE_TENANT_ID'
litellm-1  | Traceback (most recent call last):
litellm-1  |   File \"/app/y.py\", line 2, in f
litellm-1  | ValueError: boom
";
    let found = events(log);
    assert_eq!(
        found.iter().map(|event| (event.0, event.1)).collect::<Vec<_>>(),
        [(EventKind::Traceback, (1, 4)), (EventKind::Traceback, (5, 7))]
    );
}

#[test]
fn json_lines_focus_on_their_message_field() {
    let log = r#"{"time":"2025-01-01T00:00:00Z","logger":"litellm.proxy","level":"ERROR","message":"No deployments available"}"#;
    let normalized = normalize(log);
    let event = &normalized.events()[0];
    assert_eq!(event.kind(), EventKind::JsonLine);
    assert_eq!(&event.text()[event.focus..], "\"No deployments available\"}");
}

#[test]
fn a_traceback_without_its_header_is_still_one_event() {
    let log = "  File \"/app/x.py\", line 3, in f\n    call()\nValueError: boom\n";
    let found = events(log);
    assert_eq!(
        found.iter().map(|event| (event.0, event.1)).collect::<Vec<_>>(),
        [(EventKind::Traceback, (1, 3))]
    );
}

#[test]
fn a_string_wrapped_across_lines_of_a_json_body_is_rejoined() {
    // A terminal wrapped the message (and framed it with a panel border).
    let wrapped = "Error code: 400 - {'error': {'message': \"Unsupported parameter: 'max_tokens' is not supported. Use │\n│ 'max_completion_tokens' instead.\", 'code': 'unsupported_parameter'}}";
    let found = events(wrapped);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, EventKind::JsonBody);
    assert!(
        found[0].2.contains("Use 'max_completion_tokens' instead."),
        "the wrap is rejoined with a space and the borders are gone: {:?}",
        found[0].2
    );
    // Lines of a pretty-printed body end outside strings and stay lines, even when an
    // apostrophe stands before the body.
    let pretty = "Can't call the model: {\n  \"error\": {\n    \"message\": \"it's gone\",\n    \"code\": 404\n  }\n}";
    let found = events(pretty);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].2.lines().count(), 6, "{:?}", found[0].2);
}

#[test]
fn box_drawing_borders_are_blanks() {
    let framed =
        "╭──────── Error ────────╮\n│ Incorrect API key provided │\n╰───────────────────────╯";
    let lines: Vec<String> = events(framed).into_iter().map(|(_, _, text)| text).collect();
    assert!(lines.iter().any(|line| line == "Incorrect API key provided"), "{lines:?}");
    assert!(lines.iter().all(|line| !line.contains('│') && !line.contains('─')), "{lines:?}");
}

#[test]
fn a_headless_traceback_behind_a_logger_lead_is_one_event() {
    let log = "\
2025-03-01 02:26:55,470 ERROR [jobs.runner] File \"/opt/app/proxy_server.py\", line 1411, in load_config
    for k, v in model[\"litellm_params\"].items():
TypeError: string indices must be integers
2025-03-01 02:26:56,002 INFO next record";
    let found = events(log);
    assert_eq!(found[0].0, EventKind::Traceback, "{found:?}");
    assert_eq!(found[0].1, (1, 3), "{found:?}");
    // A message that merely quotes a frame far into the line stays a line.
    let quoted = "request 7 failed after a long chain of retries and fallbacks at File \"/app/x.py\", line 3, in f\nnext";
    assert_eq!(events(quoted)[0].0, EventKind::Line);
}
