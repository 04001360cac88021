//! Engine behaviour through one `check` helper and text snapshots.
//! Update snapshots with `UPDATE_EXPECT=1 cargo test`.

use expect_test::{Expect, expect};

/// Renders a report as stable text: verdict, one line per match, suggestions, redactions.
fn render(input: &str) -> String {
    let report = crate::engine().match_text(input);
    let mut out = format!("verdict: {}\n", report.verdict().as_str());
    for (rank, found) in report.matches().iter().enumerate() {
        let why = found.explanation();
        let lines: Vec<String> = found
            .occurrences()
            .iter()
            .map(|o| format!("{}-{}", o.line_range().0, o.line_range().1))
            .collect();
        let spans: Vec<String> = found
            .occurrences()
            .iter()
            .flat_map(|o| o.spans())
            .map(|s| format!("{}..{}", s.start(), s.end()))
            .collect();
        let variables: Vec<String> =
            found.variables().iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.push_str(&format!(
            "{}. {} {:.2} {} seen={} lines=[{}] spans=[{}] anchors={:?} boosts={:?}/{} focus={} vars=[{}]{}\n",
            rank + 1,
            found.signature_id(),
            found.confidence().value(),
            match found.kind() {
                errsig::MatchKind::Fuzzy { similarity } => format!("fuzzy({similarity:.2})"),
                _ => "verified".to_string(),
            },
            found.occurrence_count(),
            lines.join(","),
            spans.join(","),
            why.anchors(),
            why.boosts(),
            why.boost_total(),
            why.in_final_exception(),
            variables.join(","),
            why.ranked_below().map(|id| format!(" below={id}")).unwrap_or_default(),
        ));
    }
    for suggestion in report.suggestions() {
        out.push_str(&format!(
            "suggestion: {} {:.2} {:?}\n",
            suggestion.signature_id(),
            suggestion.confidence().value(),
            suggestion.source()
        ));
    }
    for redaction in report.redactions() {
        out.push_str(&format!("redacted: {} line {}\n", redaction.family(), redaction.line()));
    }
    out
}

fn check(input: &str, expect: Expect) {
    expect.assert_eq(&render(input));
}

#[test]
fn azure_404_full_deployment_url_with_debug_output() {
    check(
        "POST Request Sent from LiteLLM:\n\
         curl -X POST https://contoso.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-08-01-preview/chat/completions \\\n\
         -H 'Authorization: Bearer sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t' \\\n\
         \n\
         litellm.NotFoundError: NotFoundError: OpenAIException - Error code: 404 - {'error': {'code': '404', 'message': 'Resource not found'}}\n",
        expect![[r#"
            verdict: matched
            1. azure-404-full-deployment-url-without-azure-prefix 0.95 verified seen=1 lines=[5-5] spans=[276..368] anchors=["resource not found"] boosts=["status", "url_host", "url_path"]/3 focus=false vars=[deployment=gpt4o-prod]
            redacted: openai-project-key line 3
        "#]],
    );
}

#[test]
fn azure_401_invalid_key() {
    check(
        "2025-02-11T08:15:42Z ERROR litellm.AuthenticationError: AzureException AuthenticationError - Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
        expect![[r#"
            verdict: matched
            1. azure-401-invalid-subscription-key-or-endpoint 0.97 verified seen=1 lines=[1-1] spans=[93..160] anchors=["access denied due to invalid subscription key or wrong api endpoint"] boosts=["provider"]/3 focus=false vars=[]
        "#]],
    );
}

#[test]
fn azure_401_with_entra_id_in_the_traceback() {
    check(
        "Traceback (most recent call last):\n  File \"/srv/app.py\", line 9, in <module>\n    r = completion(model=\"azure/gpt-4o\", azure_ad_token_provider=tp, messages=m)\nlitellm.exceptions.AuthenticationError: litellm.AuthenticationError: AzureException AuthenticationError - Access denied due to invalid subscription key or wrong API endpoint.\n",
        expect![[r#"
            verdict: matched
            1. azure-401-entra-token-with-default-azure-credential 0.99 verified seen=1 lines=[1-4] spans=[118..141,264..309] anchors=["azure_ad_token_provider"] boosts=["provider"]/2 focus=true vars=[]
        "#]],
    );
}

#[test]
fn provider_not_provided_captures_the_model() {
    check(
        "litellm.BadRequestError: LLM Provider NOT provided. Pass in the LLM provider you are trying to call. You passed model=my-gpt4o",
        expect![[r#"
            verdict: matched
            1. litellm-provider-not-provided 0.96 verified seen=1 lines=[1-1] spans=[25..50,101..126] anchors=["llm provider not provided"] boosts=[]/0 focus=false vars=[model=my-gpt4o]
        "#]],
    );
}

#[test]
fn wording_drift_still_matches_fuzzily() {
    check(
        "AzureException AuthenticationError - Access was denied due to an invalid subscription key or wrong API endpoint. Make sure to provide a valid key.",
        expect![[r#"
            verdict: matched
            1. azure-401-invalid-subscription-key-or-endpoint 0.63 fuzzy(0.84) seen=1 lines=[1-1] spans=[0..146] anchors=[] boosts=["provider"]/3 focus=false vars=[]
        "#]],
    );
}

#[test]
fn the_same_problem_twice_is_one_match_seen_twice() {
    let line = "litellm.NotFoundError: NotFoundError: OpenAIException - Resource not found";
    check(
        &format!("{line}\nretrying\n{line}\n"),
        expect![[r#"
            verdict: matched
            1. azure-404-full-deployment-url-without-azure-prefix 0.94 verified seen=2 lines=[1-1,3-3] spans=[38..74,122..158] anchors=["resource not found"] boosts=[]/3 focus=false vars=[]
        "#]],
    );
}

#[test]
fn an_unrelated_error_is_no_confident_match() {
    check(
        "npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree",
        expect![[r#"
        verdict: no_confident_match
    "#]],
    );
}

#[test]
fn empty_and_blank_input() {
    check(
        "",
        expect![[r#"
        verdict: empty_input
    "#]],
    );
    check(
        "\n  \n\t\n",
        expect![[r#"
        verdict: empty_input
    "#]],
    );
}

#[test]
fn invalid_utf8_is_decoded_lossily_and_said() {
    let mut bytes =
        b"litellm.NotFoundError: NotFoundError: OpenAIException - Resource not found \xff\xfe"
            .to_vec();
    bytes.push(b'\n');
    let report = crate::engine().match_bytes(&bytes);
    assert!(report.input().lossy_utf8);
    assert_eq!(
        report.matches()[0].signature_id().as_str(),
        "azure-404-full-deployment-url-without-azure-prefix"
    );
}

#[test]
fn oversized_input_keeps_head_and_tail_and_says_what_was_skipped() {
    let corpus = errsig::Corpus::embedded().unwrap();
    let engine = errsig::Engine::builder().max_input_bytes(4096).build(&corpus).unwrap();
    let mut log = String::new();
    for i in 0..500 {
        log.push_str(&format!("noise line {i}\n"));
    }
    log.push_str("litellm.NotFoundError: NotFoundError: OpenAIException - Resource not found\n");
    let report = engine.match_text(&log);
    let truncated = report.input().truncated.expect("over the cap");
    assert!(truncated.skipped_bytes > 0 && truncated.head_bytes + truncated.tail_bytes <= 4096);
    let found = &report.matches()[0];
    assert_eq!(
        found.occurrences()[0].line_range(),
        (501, 501),
        "line numbers count the skipped middle"
    );
    let span = found.occurrences()[0].spans()[0];
    assert_eq!(&log[span.range()], "OpenAIException - Resource not found");
}

#[test]
fn stream_reports_each_event_when_complete() {
    let engine = crate::engine();
    let mut stream = engine.stream();
    assert!(stream.push_line("Traceback (most recent call last):").is_empty());
    assert!(stream.push_line("  File \"x.py\", line 1, in <module>").is_empty());
    assert!(
        stream
            .push_line("litellm.NotFoundError: NotFoundError: OpenAIException - Resource not found")
            .is_empty()
    );
    // The traceback is complete once a new record starts.
    let found = stream.push_line("2025-01-01 10:00:00 INFO next request");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].occurrences()[0].line_range(), (1, 3));
    let again = stream
        .push_line("litellm.NotFoundError: NotFoundError: OpenAIException - Resource not found");
    assert_eq!(again.len(), 1);
    assert_eq!(stream.counts().values().copied().collect::<Vec<_>>(), [2]);
    assert!(stream.flush().is_empty());
}

#[test]
fn search_finds_articles_and_survives_bad_syntax() {
    let engine = crate::engine();
    let results = engine.search_articles("azure deployment url resource not found", 3);
    assert_eq!(
        results.hits()[0].signature_id().as_str(),
        "azure-404-full-deployment-url-without-azure-prefix"
    );
    let odd = engine.search_articles("title:(unclosed AND \"quote", 3);
    assert!(odd.hits().len() <= 3);
    assert!(engine.search_articles("", 3).hits().is_empty());
}

#[test]
fn the_json_document_has_the_contract_fields() {
    let report = crate::engine().match_text("litellm.BadRequestError: LLM Provider NOT provided. You passed model=abc-1 api_key=sk-live-0123456789abcdef");
    let value = serde_json::to_value(errsig::wire::MatchDocument::from_report(&report)).unwrap();
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["verdict"], "matched");
    let first = &value["matches"][0];
    for field in [
        "id",
        "title",
        "confidence",
        "lines",
        "fixes",
        "spans",
        "variables",
        "explanation",
        "article",
    ] {
        assert!(!first[field].is_null(), "missing {field}");
    }
    assert_eq!(first["variables"]["model"], "abc-1");
    assert_eq!(value["redactions"]["total"], 1);
    let text = value.to_string();
    assert!(!text.contains("0123456789abcdef"), "a secret leaked: {text}");
}

#[test]
fn engine_is_send_and_sync() {
    fn assert_shareable<T: Send + Sync + 'static>() {}
    assert_shareable::<errsig::Engine>();
    assert_shareable::<errsig::MatchReport>();
}

#[test]
fn a_log_repeating_one_error_is_counted_in_full_but_resolved_once_per_kept_occurrence() {
    let line = "litellm.NotFoundError: NotFoundError: OpenAIException - Resource not found\n";
    let log = line.repeat(5000);
    let report = crate::engine().match_text(&log);
    let found = &report.matches()[0];
    assert_eq!(found.occurrence_count(), 5000);
    assert_eq!(found.occurrences().len(), 20, "only max_occurrences are kept");
    assert_eq!(found.occurrences()[19].line_range(), (20, 20));
}
