"""A fake LLM provider on 127.0.0.1 that answers with the providers' real error bodies.

It imitates three APIs:

* Azure OpenAI  POST /openai/deployments/{deployment}/chat/completions?api-version=...
                POST /openai/deployments/{deployment}/embeddings?api-version=...
* OpenAI        POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models
* Anthropic     POST /v1/messages

What it answers is chosen per scenario through a control endpoint:

    POST /__control/rules   {"rules": [{"when": {...}, "do": "<behaviour>", "args": {...}}]}
    GET  /__control/requests  the requests seen since the last rules change (method, path, key kind)

A rule applies when every field of "when" holds (all optional):
    "api":        "azure" | "openai" | "anthropic"
    "deployment": exact Azure deployment name from the path
    "model":      exact "model" field of the JSON body
    "path_re":    regular expression searched in the raw request path (with query)
The first rule that applies wins; with no rule the request succeeds.

Two answers need no rule because a real server gives them for the request itself:
* an Azure path that carries "chat/completions" twice, or a query string that holds a path
  (the OpenAI client appends /chat/completions to a base URL that already ends in
  "?api-version=..."), gets Azure's 404 "Resource not found";
* any other unknown route gets the API's own 404 for unknown routes, unless a rule matches it first
  (a scenario can declare that an Azure resource sits at that base URL).

Only the standard library is used. The server binds 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# --------------------------------------------------------------------------------------
# Error bodies. Each comment says where that exact body shape was seen.
# --------------------------------------------------------------------------------------

# Azure 401 for a wrong key or a key sent to another resource. Body seen verbatim in
# https://github.com/SciSharp/BotSharp/issues/386 ("Content: {...}") and
# https://github.com/microsoft/semantic-kernel/issues/10337.
AZURE_401 = {
    "error": {
        "code": "401",
        "message": "Access denied due to invalid subscription key or wrong API endpoint. "
        "Make sure to provide a valid key for an active subscription and use a correct "
        "regional API endpoint for your resource.",
    }
}

# Azure 404 for a deployment name the resource does not have. Body seen verbatim in
# https://github.com/chatboxai/chatbox/issues/646 and #861.
AZURE_404_DEPLOYMENT = {
    "error": {
        "code": "DeploymentNotFound",
        "message": "The API deployment for this resource does not exist. If you created the "
        "deployment within the last 5 minutes, please wait a moment and try again.",
    }
}

# Azure 404 for a route the resource does not serve (wrong path, doubled path, unknown
# api-version). Body as quoted in https://github.com/BerriAI/litellm/issues/7398 and
# https://github.com/BerriAI/litellm/issues/9406: {'error': {'code': '404', 'message': 'Resource not found'}}
AZURE_404_RESOURCE = {"error": {"code": "404", "message": "Resource not found"}}


def azure_429_tokens(api_version: str, retry_after: int) -> dict:
    # Azure TPM limit. Wording as quoted in https://github.com/jasonacox/TinyLLM/issues/17 and the
    # openai-python AzureOpenAI example in errsig's azure-429-token-rate-limit signature.
    return {
        "error": {
            "code": "429",
            "message": "Requests to the ChatCompletions_Create Operation under Azure OpenAI API "
            f"version {api_version} have exceeded token rate limit of your current OpenAI S0 "
            f"pricing tier. Please retry after {retry_after} seconds. Please go here: "
            "https://aka.ms/oai/quotaincrease if you would like to further increase the "
            "default rate limit.",
        }
    }


def azure_429_calls(api_version: str, retry_after: int, operation: str = "ChatCompletions_Create") -> dict:
    # Azure RPM limit ("call rate limit"); wording as in https://github.com/langchain-ai/langchain/issues/12986
    # and https://github.com/microsoft/PubSec-Info-Assistant/issues/479.
    return {
        "error": {
            "code": "429",
            "message": f"Requests to the {operation} Operation under Azure OpenAI API version "
            f"{api_version} have exceeded call rate limit of your current OpenAI S0 pricing "
            f"tier. Please retry after {retry_after} seconds. Please go here: "
            "https://aka.ms/oai/quotaincrease if you would like to further increase the "
            "default rate limit.",
        }
    }


# Azure prompt filter. Body as printed in https://github.com/Azure/azure-sdk-for-go/pull/23936
# and https://github.com/openai/openai-dotnet/issues/55 (code content_filter + innererror).
AZURE_400_CONTENT_FILTER = {
    "error": {
        "message": "The response was filtered due to the prompt triggering Azure OpenAI's "
        "content management policy. Please modify your prompt and retry. To learn more about "
        "our content filtering policies please read our documentation: "
        "https://go.microsoft.com/fwlink/?linkid=2198766",
        "type": None,
        "param": "prompt",
        "code": "content_filter",
        "status": 400,
        "innererror": {
            "code": "ResponsibleAIPolicyViolation",
            "content_filter_result": {
                "hate": {"filtered": False, "severity": "safe"},
                "jailbreak": {"filtered": False, "detected": False},
                "self_harm": {"filtered": False, "severity": "safe"},
                "sexual": {"filtered": False, "severity": "safe"},
                "violence": {"filtered": True, "severity": "medium"},
            },
        },
    }
}


def context_length(limit: int, used: int) -> dict:
    # OpenAI and Azure share this body (code context_length_exceeded); full body as quoted in
    # https://github.com/chathub-dev/chathub/issues/126 and https://github.com/crewAIInc/crewAI-examples/issues/121.
    return {
        "error": {
            "message": f"This model's maximum context length is {limit} tokens. However, your "
            f"messages resulted in {used} tokens. Please reduce the length of the messages.",
            "type": "invalid_request_error",
            "param": "messages",
            "code": "context_length_exceeded",
        }
    }


def azure_unrecognized_argument(arg: str) -> dict:
    # Azure on an api-version that predates the argument; body as quoted in errsig's
    # azure-400-unrecognized-request-argument signature (litellm issue #574).
    return {
        "error": {
            "message": f"Unrecognized request argument supplied: {arg}",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }


def azure_operation_not_supported(operation: str, model: str) -> dict:
    # Azure when a chat call hits an embeddings deployment (or the reverse); body as quoted in
    # https://github.com/microsoft/graphrag/issues/1557 and https://github.com/langchain-ai/langchain/issues/6363.
    return {
        "error": {
            "code": "OperationNotSupported",
            "message": f"The {operation} operation does not work with the specified model, "
            f"{model}. Please choose different model and try again. You can learn more about "
            "which models can be used with each operation here: "
            "https://go.microsoft.com/fwlink/?linkid=2197993.",
        }
    }


def openai_401(key: str) -> dict:
    # OpenAI invalid key; masks the key the way api.openai.com does (first chars, stars, last 4).
    # Body as quoted in https://github.com/chatanywhere/GPT_API_free/issues/62.
    shown = key[:8] + "*" * max(len(key) - 12, 4) + key[-4:] if len(key) > 12 else "sk-****"
    return {
        "error": {
            "message": f"Incorrect API key provided: {shown}. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        }
    }


def openai_404_model(model: str) -> dict:
    # OpenAI unknown model, code model_not_found (https://platform.openai.com/docs/guides/error-codes;
    # the same text is the example of errsig's openai-404-model-not-found signature).
    return {
        "error": {
            "message": f"The model `{model}` does not exist or you do not have access to it.",
            "type": "invalid_request_error",
            "param": None,
            "code": "model_not_found",
        }
    }


def openai_invalid_url(method: str, path: str) -> dict:
    # OpenAI's answer for an unknown route, e.g. a base URL without /v1; body as quoted in
    # https://github.com/ChatGPTNextWeb/NextChat/issues/423 and https://github.com/Chanzhaoyu/chatgpt-web/issues/737.
    return {
        "error": {
            "message": f"Invalid URL ({method} {path})",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }


def openai_429_rate(model: str, retry: str) -> dict:
    # OpenAI TPM/RPM limit; wording as in https://github.com/joonspk-research/generative_agents/issues/145
    # (code rate_limit_exceeded, OpenAI's rate-limit guide).
    return {
        "error": {
            "message": f"Rate limit reached for {model} in organization org-fakeorg0000000000 on "
            "tokens per min (TPM): Limit 30000, Used 29845, Requested 1412. Please try again in "
            f"{retry}. Visit https://platform.openai.com/account/rate-limits to learn more.",
            "type": "tokens",
            "param": None,
            "code": "rate_limit_exceeded",
        }
    }


# OpenAI billing quota exhausted (429 insufficient_quota); body as quoted in https://github.com/onlybooks/llm/issues/16.
OPENAI_429_QUOTA = {
    "error": {
        "message": "You exceeded your current quota, please check your plan and billing details. "
        "For more information on this error, read the docs: "
        "https://platform.openai.com/docs/guides/error-codes/api-errors.",
        "type": "insufficient_quota",
        "param": None,
        "code": "insufficient_quota",
    }
}

# OpenAI reasoning models and max_tokens (code unsupported_parameter); full body as quoted in
# https://github.com/microsoft/vscode-copilot-release/issues/8065 and
# https://github.com/griptape-ai/ComfyUI-Griptape/issues/312.
OPENAI_400_MAX_TOKENS = {
    "error": {
        "message": "Unsupported parameter: 'max_tokens' is not supported with this model. "
        "Use 'max_completion_tokens' instead.",
        "type": "invalid_request_error",
        "param": "max_tokens",
        "code": "unsupported_parameter",
    }
}


def openai_400_temperature(value) -> dict:
    # OpenAI reasoning models and temperature (code unsupported_value).
    return {
        "error": {
            "message": f"Unsupported value: 'temperature' does not support {value} with this "
            "model. Only the default (1) value is supported.",
            "type": "invalid_request_error",
            "param": "temperature",
            "code": "unsupported_value",
        }
    }


# OpenAI 500; wording as quoted in https://github.com/openai/openai-realtime-console/issues/51.
OPENAI_500 = {
    "error": {
        "message": "The server had an error while processing your request. Sorry about that! "
        "You can retry your request, or contact us through our help center at help.openai.com "
        "if the error persists.",
        "type": "server_error",
        "param": None,
        "code": None,
    }
}

# OpenAI 503 overload; body as quoted in https://github.com/ikechan8370/chatgpt-plugin/issues/125.
OPENAI_503 = {
    "error": {
        "message": "That model is currently overloaded with other requests. You can retry your "
        "request, or contact us through our help center at help.openai.com if the error persists. "
        "(Please include the request ID 0f3c9a7e5b1d2c4e6a8b0d1f3e5c7a9b in your message.)",
        "type": "server_error",
        "param": None,
        "code": None,
    }
}

# A 502 from a gateway in front of the API is HTML, not JSON (Cloudflare / nginx page).
HTML_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)

# A web page where the API was expected (api_base pointing at a portal or a UI).
HTML_200 = (
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in</title>"
    "</head><body><div id=\"root\"></div></body></html>\n"
)

# Anthropic error envelope: {"type":"error","error":{"type":..,"message":..}}, from Anthropic's
# errors doc (https://docs.claude.com/en/api/errors); 401 text as in
# https://github.com/abi/screenshot-to-code/issues/272, 529 as in https://github.com/anthropics/claude-code/issues/4147;
# the rate-limit, prompt-too-long and credit-balance texts as in errsig's anthropic-* signatures' sources.
def anthropic_error(kind: str, message: str) -> dict:
    return {"type": "error", "error": {"type": kind, "message": message}}


ANTHROPIC_401 = anthropic_error("authentication_error", "invalid x-api-key")
ANTHROPIC_529 = anthropic_error("overloaded_error", "Overloaded")
ANTHROPIC_429 = anthropic_error(
    "rate_limit_error",
    "This request would exceed the rate limit for your organization (fake-org-0000) of 50,000 "
    "input tokens per minute. For details, refer to: "
    "https://docs.claude.com/en/api/rate-limits. You can see the response headers for current "
    "usage. Please reduce the prompt length or the maximum tokens requested, or try again later. "
    "You may also contact sales at https://www.anthropic.com/contact-sales to discuss your "
    "options for a rate limit increase.",
)


def anthropic_404_model(model: str) -> dict:
    return anthropic_error("not_found_error", f"model: {model}")


def anthropic_prompt_too_long(used: int, limit: int) -> dict:
    return anthropic_error("invalid_request_error", f"prompt is too long: {used} tokens > {limit} maximum")


ANTHROPIC_CREDIT = anthropic_error(
    "invalid_request_error",
    "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing "
    "to upgrade or purchase credits.",
)

# --------------------------------------------------------------------------------------
# Successful answers (fixed ids, so runs are repeatable).
# --------------------------------------------------------------------------------------


def chat_ok(model: str) -> dict:
    return {
        "id": "chatcmpl-fake0000000000000000000001",
        "object": "chat.completion",
        "created": 1735689600,
        "model": model or "gpt-4o-2024-08-06",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello from the fake provider."},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 6, "total_tokens": 15},
    }


def embeddings_ok(model: str, n: int) -> dict:
    return {
        "object": "list",
        "data": [{"object": "embedding", "index": i, "embedding": [0.0125, -0.0042, 0.0311]} for i in range(n)],
        "model": model or "text-embedding-3-small",
        "usage": {"prompt_tokens": 4 * n, "total_tokens": 4 * n},
    }


def anthropic_ok(model: str) -> dict:
    return {
        "id": "msg_fake00000000000000000001",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": "Hello from the fake provider."}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 9, "output_tokens": 6},
    }


def sse_chunk(model: str, content: str | None, finish: str | None = None) -> bytes:
    delta = {} if content is None else {"content": content}
    if content is not None and content == "":
        delta = {"role": "assistant", "content": ""}
    body = {
        "id": "chatcmpl-fake0000000000000000000002",
        "object": "chat.completion.chunk",
        "created": 1735689600,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(body).encode() + b"\n\n"


# --------------------------------------------------------------------------------------
# The server.
# --------------------------------------------------------------------------------------

AZURE_PATH = re.compile(r"^/openai/deployments/(?P<dep>[^/?]+)/(?P<op>[^?]*)")
KNOWN_AZURE_OPS = {"chat/completions", "embeddings", "completions"}


class State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rules: list[dict] = []
        self.requests: list[dict] = []


STATE = State()


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-provider/1"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the scenario logs are what matters
        if self.server.verbose:  # type: ignore[attr-defined]
            sys.stderr.write("fake-provider: " + (fmt % args) + "\n")

    # -- helpers ------------------------------------------------------------------------
    def _send(self, status: int, body, headers: dict | None = None, content_type: str = "application/json"):
        data = body if isinstance(body, bytes) else (json.dumps(body).encode() if not isinstance(body, str) else body.encode())
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _read_body(self) -> dict:
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            return {}

    def _api(self, path: str) -> str:
        if path.startswith("/openai/"):
            return "azure"
        if path.startswith("/v1/messages"):
            return "anthropic"
        return "openai"

    # -- control ------------------------------------------------------------------------
    def do_GET(self):
        if self.path.startswith("/__control/requests"):
            with STATE.lock:
                self._send(200, {"requests": STATE.requests})
            return
        if self.path.startswith("/__control/health"):
            self._send(200, {"ok": True})
            return
        if self.path.rstrip("/") in ("/v1/models", "/models"):
            self._send(200, {"object": "list", "data": [{"id": "gpt-4o", "object": "model", "owned_by": "system"}]})
            return
        self._unknown_route()

    def do_POST(self):
        if self.path.startswith("/__control/rules"):
            body = self._read_body()
            with STATE.lock:
                STATE.rules = list(body.get("rules", []))
                STATE.requests = []
            self._send(200, {"ok": True, "rules": len(STATE.rules)})
            return
        body = self._read_body()
        self._handle_api(body)

    # -- API ----------------------------------------------------------------------------
    def _unknown_route(self):
        path = urlsplit(self.path).path
        if path.startswith("/openai"):
            self._send(404, AZURE_404_RESOURCE)
        elif path.startswith("/v1/messages") or self.headers.get("anthropic-version"):
            self._send(404, anthropic_error("not_found_error", "Not Found"))
        else:
            self._send(404, openai_invalid_url(self.command, path))

    def _handle_api(self, body: dict):
        raw_path = self.path
        parts = urlsplit(raw_path)
        path = parts.path
        query = parse_qs(parts.query)
        api = self._api(path)
        m = AZURE_PATH.match(path)
        deployment = m.group("dep") if m else None
        op = m.group("op").rstrip("/") if m else None
        model = body.get("model") if isinstance(body, dict) else None
        key = self.headers.get("api-key") or self.headers.get("x-api-key") or ""
        auth = self.headers.get("Authorization", "")
        if not key and auth.lower().startswith("bearer "):
            key = auth[7:]
        with STATE.lock:
            STATE.requests.append(
                {"method": self.command, "path": raw_path, "api": api, "deployment": deployment, "model": model}
            )
            rules = list(STATE.rules)

        # Requests a real server refuses whatever the rules say.
        if api == "azure":
            # The OpenAI client appends "/chat/completions" to a base URL that already ends in
            # "?api-version=...", so the query holds a path; or the deployment path is doubled.
            if "/" in parts.query or path.count("chat/completions") > 1 or op not in KNOWN_AZURE_OPS:
                self._send(404, AZURE_404_RESOURCE)
                return

        for rule in rules:
            when = rule.get("when", {})
            if "api" in when and when["api"] != api:
                continue
            if "deployment" in when and when["deployment"] != deployment:
                continue
            if "model" in when and when["model"] != model:
                continue
            if "path_re" in when and not re.search(when["path_re"], raw_path):
                continue
            self._behave(rule.get("do", "ok"), rule.get("args", {}), api, body, key, query, deployment, op)
            return
        # An OpenAI-style route this server does not serve (a rule above may say which server really sits
        # at this base URL, e.g. an Azure resource root answering "Resource not found").
        if api == "openai" and path.rstrip("/") not in ("/v1/chat/completions", "/v1/embeddings", "/v1/completions"):
            self._unknown_route()
            return
        self._behave("ok", {}, api, body, key, query, deployment, op)

    def _behave(self, what: str, args: dict, api: str, body: dict, key: str, query: dict, deployment, op):
        model = body.get("model") or deployment or "gpt-4o"
        api_version = (query.get("api-version") or ["2024-10-21"])[0]
        stream = bool(body.get("stream"))

        if what == "ok":
            if api == "anthropic":
                self._send(200, anthropic_ok(model))
            elif op == "embeddings" or self.path.startswith("/v1/embeddings"):
                inp = body.get("input")
                n = len(inp) if isinstance(inp, list) else 1
                self._send(200, embeddings_ok(model, n))
            elif stream:
                self._stream(model, drop_after=None)
            else:
                self._send(200, chat_ok(model))
        elif what == "azure_401":
            self._send(401, AZURE_401)
        elif what == "azure_404_deployment":
            self._send(404, AZURE_404_DEPLOYMENT)
        elif what == "azure_404_resource":
            self._send(404, AZURE_404_RESOURCE)
        elif what == "azure_429_tokens":
            ra = int(args.get("retry_after", 6))
            self._send(429, azure_429_tokens(api_version, ra), {"Retry-After": str(ra), "x-ms-region": "East US"})
        elif what == "azure_429_calls":
            ra = int(args.get("retry_after", 6))
            self._send(429, azure_429_calls(api_version, ra, args.get("operation", "ChatCompletions_Create")), {"Retry-After": str(ra)})
        elif what == "azure_content_filter":
            self._send(400, AZURE_400_CONTENT_FILTER)
        elif what == "context_length":
            self._send(400, context_length(int(args.get("limit", 8192)), int(args.get("used", 12043))))
        elif what == "azure_unrecognized_argument":
            self._send(400, azure_unrecognized_argument(args.get("argument", "tools")))
        elif what == "azure_operation_not_supported":
            self._send(400, azure_operation_not_supported(args.get("operation", "chatCompletion"), args.get("model", "text-embedding-ada-002")))
        elif what == "openai_401":
            self._send(401, openai_401(key or "sk-fake-none"))
        elif what == "openai_404_model":
            self._send(404, openai_404_model(model))
        elif what == "openai_429_rate":
            self._send(429, openai_429_rate(model, args.get("retry", "2.85s")), {"Retry-After": "3", "x-ratelimit-remaining-tokens": "0"})
        elif what == "openai_429_quota":
            self._send(429, OPENAI_429_QUOTA)
        elif what == "openai_400_max_tokens":
            self._send(400, OPENAI_400_MAX_TOKENS)
        elif what == "openai_400_temperature":
            self._send(400, openai_400_temperature(body.get("temperature", 0.2)))
        elif what == "http_500":
            self._send(500, OPENAI_500)
        elif what == "http_503":
            self._send(503, OPENAI_503)
        elif what == "http_502_html":
            self._send(502, HTML_502, content_type="text/html")
        elif what == "html_200":
            self._send(200, HTML_200, content_type="text/html; charset=utf-8")
        elif what == "malformed_json":
            # 200 with JSON cut short: a proxy in between truncated the body.
            self._send(200, b'{"id": "chatcmpl-fake0000000000000000000003", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assis')
        elif what == "slow":
            time.sleep(float(args.get("seconds", 30)))
            try:
                self._send(200, chat_ok(model))
            except OSError:
                pass
        elif what == "drop":
            # Close the socket without any answer (peer resets / load balancer drops).
            self._drop()
        elif what == "drop_mid_body":
            # Send the status line, headers and half the body, then close the socket.
            data = json.dumps(chat_ok(model)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self._drop()
        elif what == "stream_drop":
            self._stream(model, drop_after=int(args.get("chunks", 3)))
        elif what == "anthropic_401":
            self._send(401, ANTHROPIC_401, {"request-id": "req_fake0000000000000001"})
        elif what == "anthropic_404_model":
            self._send(404, anthropic_404_model(model))
        elif what == "anthropic_429":
            self._send(429, ANTHROPIC_429, {"retry-after": "12"})
        elif what == "anthropic_529":
            self._send(529, ANTHROPIC_529)
        elif what == "anthropic_prompt_too_long":
            self._send(400, anthropic_prompt_too_long(int(args.get("used", 215431)), int(args.get("limit", 200000))))
        elif what == "anthropic_credit":
            self._send(400, ANTHROPIC_CREDIT)
        else:
            self._send(500, {"error": {"message": f"fake provider: unknown behaviour {what}"}})

    def _stream(self, model: str, drop_after: int | None):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        pieces = ["", "Hello", " from", " the", " fake", " provider", "."]
        sent = 0
        for p in pieces:
            if drop_after is not None and sent >= drop_after:
                # Stop in the middle of the chunked body: no terminating chunk, socket closed.
                self.wfile.flush()
                self._drop()
                return
            data = sse_chunk(model, p)
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
            sent += 1
            time.sleep(0.05)
        for data in (sse_chunk(model, None, "stop"), b"data: [DONE]\n\n"):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.connection.close()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", help="write the bound port here once listening")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.verbose = a.verbose  # type: ignore[attr-defined]
    port = srv.server_address[1]
    if a.port_file:
        with open(a.port_file, "w") as f:
            f.write(str(port))
    print(f"fake provider listening on 127.0.0.1:{port}", flush=True)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
