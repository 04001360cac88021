"""Misconfiguration and failure scenarios run against the real litellm client.

Each scenario is a small user script (the way people call litellm), the rules that tell the fake
provider how to answer, and the signature id that describes the problem. The script lets the
exception go uncaught, so what is recorded is the real traceback on stderr plus whatever litellm
printed.

Placeholders in scripts and configs (string.Template syntax):
    $FAKE    http://127.0.0.1:<fake provider port>
    $CLOSED  http://127.0.0.1:<a port where nothing listens>
    $PROXY   http://127.0.0.1:<litellm proxy port>

Kinds:
    sdk    python app.py, the log is its combined stdout/stderr (case <name>)
    proxy  a client (OpenAI SDK, requests, urllib) calls the litellm proxy once; its output is case
           <name>-client and what the proxy printed while serving the request is case <name>-server
    proxy-start  `litellm --config ...` with a broken setup; the log is what it printed before exiting

All keys are made up (sk-fake-...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

LITELLM_VERSION = "1.103.7"


@dataclass
class Scenario:
    name: str
    expected: str | None
    note: str
    code: str
    kind: str = "sdk"
    rules: list = field(default_factory=list)
    env: dict = field(default_factory=dict)
    timeout: int = 120
    proxy: str | None = None  # name of the proxy config (PROXY_CONFIGS) for the proxy kind
    keep: tuple = ("client", "server")  # proxy kind: which logs become cases
    args: tuple = ()  # proxy-start kind: litellm CLI arguments


AZ_KEY = "sk-fake-azure-4f1c2e8a9b7d6c5e3f2a1b0c9d8e7f6a"
OAI_KEY = "sk-fake-proj-9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d"
ANT_KEY = "sk-ant-fake-api03-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d"
MASTER_KEY = "sk-fake-master-7e3d1c9b5a"

AZ_ENV = {"AZURE_API_KEY": AZ_KEY, "AZURE_API_BASE": "$FAKE", "AZURE_API_VERSION": "2024-10-21"}

S: list[Scenario] = []


def add(*args, **kw) -> None:
    S.append(Scenario(*args, **kw))


# ---------------------------------------------------------------- Azure OpenAI, SDK --------

add(
    "azure-401-wrong-key-completion",
    "azure-401-invalid-subscription-key-or-endpoint",
    "azure/ completion with a key from another resource; Azure answers 401 Access denied",
    """
import os
import litellm

response = litellm.completion(
    model="azure/gpt-4o",
    api_base=os.environ["AZURE_API_BASE"],
    api_key=os.environ["AZURE_API_KEY"],
    api_version="2024-10-21",
    messages=[{"role": "user", "content": "Summarise the release notes."}],
)
print(response.choices[0].message.content)
""",
    rules=[{"when": {"api": "azure"}, "do": "azure_401"}],
    env=AZ_ENV,
)

add(
    "azure-401-wrong-key-embedding",
    "azure-401-invalid-subscription-key-or-endpoint",
    "litellm.embedding on azure/ with a rotated key; 401 Access denied",
    """
import litellm

vectors = litellm.embedding(
    model="azure/text-embedding-3-small",
    input=["first chunk", "second chunk"],
)
print(len(vectors.data))
""",
    rules=[{"when": {"api": "azure"}, "do": "azure_401"}],
    env=AZ_ENV,
)

add(
    "azure-401-wrong-key-acompletion-env",
    "azure-401-invalid-subscription-key-or-endpoint",
    "acompletion with AZURE_API_KEY/AZURE_API_BASE from the environment, key belongs to another resource",
    """
import asyncio
import litellm


async def main():
    r = await litellm.acompletion(
        model="azure/gpt-4o-mini",
        messages=[{"role": "user", "content": "ping"}],
    )
    print(r)


asyncio.run(main())
""",
    rules=[{"when": {"api": "azure"}, "do": "azure_401"}],
    env=AZ_ENV,
)

add(
    "azure-401-openai-key-on-azure",
    "azure-401-invalid-subscription-key-or-endpoint",
    "an OpenAI sk- key passed as the Azure key (OPENAI_API_KEY reused); 401 Access denied",
    """
import os
import litellm

litellm.completion(
    model="azure/gpt-4o",
    api_key=os.environ["OPENAI_API_KEY"],
    api_base=os.environ["AZURE_API_BASE"],
    api_version=os.environ["AZURE_API_VERSION"],
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[{"when": {"api": "azure"}, "do": "azure_401"}],
    env={**AZ_ENV, "AZURE_API_KEY": "", "OPENAI_API_KEY": OAI_KEY},
)

add(
    "azure-404-deployment-typo",
    "azure-404-deployment-not-found",
    "azure/ model names a deployment the resource does not have (typo); 404 DeploymentNotFound",
    """
import litellm

litellm.completion(
    model="azure/gpt4o-prod",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[{"when": {"deployment": "gpt4o-prod"}, "do": "azure_404_deployment"}],
    env=AZ_ENV,
)

add(
    "azure-404-deployment-model-name-not-deployment-name",
    "azure-404-deployment-not-found",
    "azure/ model given the model name (gpt-35-turbo) instead of the deployment name; 404 DeploymentNotFound, streaming",
    """
import litellm

stream = litellm.completion(
    model="azure/gpt-35-turbo",
    messages=[{"role": "user", "content": "Write a haiku"}],
    stream=True,
)
for chunk in stream:
    print(chunk.choices[0].delta.content or "", end="")
""",
    rules=[{"when": {"deployment": "gpt-35-turbo"}, "do": "azure_404_deployment"}],
    env=AZ_ENV,
)

add(
    "azure-404-deployment-embedding",
    "azure-404-deployment-not-found",
    "embedding deployment name wrong (ada-002 vs text-embedding-ada-002); 404 DeploymentNotFound",
    """
import litellm

litellm.embedding(model="azure/ada-002", input="hello world")
""",
    rules=[{"when": {"deployment": "ada-002"}, "do": "azure_404_deployment"}],
    env=AZ_ENV,
)

add(
    "azure-404-openai-base-full-deployment-url",
    "azure-404-full-deployment-url-without-azure-prefix",
    "OPENAI_API_BASE holds the full Azure deployment URL, model has no azure/ prefix; OpenAI route appends chat/completions after ?api-version=",
    """
import litellm

litellm.completion(
    model="gpt-4o",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    env={
        "OPENAI_API_BASE": "$FAKE/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
        "OPENAI_API_KEY": AZ_KEY,
    },
)

add(
    "azure-404-openai-prefix-full-deployment-url",
    "azure-404-full-deployment-url-without-azure-prefix",
    "openai/ prefix with api_base = full Azure deployment URL; 404 Resource not found",
    """
import litellm

litellm.completion(
    model="openai/gpt-4o-deployment",
    api_base="$FAKE/openai/deployments/gpt-4o-deployment/chat/completions?api-version=2024-08-01-preview",
    api_key="sk-fake-azure-4f1c2e8a9b7d6c5e3f2a1b0c9d8e7f6a",
    messages=[{"role": "user", "content": "hello"}],
)
""",
)

add(
    "azure-404-invalid-api-version",
    "azure-404-resource-not-found-invalid-api-version",
    "azure/ with an api_version Azure does not serve (2024-13-01); 404 Resource not found",
    """
import litellm

litellm.completion(
    model="azure/gpt-4o",
    api_version="2024-13-01",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[{"when": {"path_re": "api-version=2024-13-01"}, "do": "azure_404_resource"}],
    env=AZ_ENV,
)

add(
    "azure-404-api-base-with-openai-path",
    "azure-404-resource-not-found-invalid-api-version",
    "AZURE_API_BASE ends in /openai, so the path becomes /openai/openai/deployments/...; 404 Resource not found",
    """
import litellm

litellm.completion(
    model="azure/gpt-4o",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    env={**AZ_ENV, "AZURE_API_BASE": "$FAKE/openai"},
)

add(
    "azure-429-token-rate-limit",
    "azure-429-token-rate-limit",
    "Azure TPM quota exhausted; 429 with Retry-After, no retries configured",
    """
import litellm

litellm.completion(
    model="azure/gpt-4o",
    messages=[{"role": "user", "content": "Explain quicksort in detail"}],
    num_retries=0,
)
""",
    rules=[{"when": {"api": "azure"}, "do": "azure_429_tokens", "args": {"retry_after": 27}}],
    env=AZ_ENV,
)

add(
    "azure-429-call-rate-limit-embeddings",
    "azure-429-call-rate-limit",
    "Azure RPM limit on an embeddings deployment during a batch job; 429 call rate limit",
    """
import litellm

docs = [f"document {i}" for i in range(16)]
litellm.embedding(model="azure/text-embedding-3-large", input=docs)
""",
    rules=[
        {
            "when": {"api": "azure"},
            "do": "azure_429_calls",
            "args": {"retry_after": 4, "operation": "Embeddings_Create"},
        }
    ],
    env=AZ_ENV,
)

add(
    "azure-400-context-length-exceeded",
    "azure-context-length-exceeded",
    "prompt larger than the Azure deployment's window; 400 context_length_exceeded",
    """
import litellm

long_text = "lorem ipsum dolor sit amet " * 3000
litellm.completion(
    model="azure/gpt-35-turbo-0613",
    messages=[{"role": "user", "content": long_text}],
)
""",
    rules=[{"when": {"api": "azure"}, "do": "context_length", "args": {"limit": 8192, "used": 12043}}],
    env=AZ_ENV,
)

add(
    "azure-400-content-filter",
    "azure-400-content-filter-prompt",
    "prompt trips Azure's content filter; 400 content_filter with innererror ResponsibleAIPolicyViolation",
    """
import litellm

litellm.completion(
    model="azure/gpt-4o",
    messages=[{"role": "user", "content": "Describe the fight scene in graphic detail"}],
)
""",
    rules=[{"when": {"api": "azure"}, "do": "azure_content_filter"}],
    env=AZ_ENV,
)

add(
    "azure-400-content-filter-async-stream",
    "azure-400-content-filter-prompt",
    "streaming acompletion whose prompt trips Azure's content filter",
    """
import asyncio
import litellm


async def main():
    stream = await litellm.acompletion(
        model="azure/gpt-4o",
        messages=[{"role": "user", "content": "Describe the fight scene in graphic detail"}],
        stream=True,
    )
    async for chunk in stream:
        print(chunk.choices[0].delta.content or "", end="")


asyncio.run(main())
""",
    rules=[{"when": {"api": "azure"}, "do": "azure_content_filter"}],
    env=AZ_ENV,
)

add(
    "azure-400-unrecognized-argument-old-api-version",
    "azure-400-unrecognized-request-argument",
    "tools sent with api_version 2023-05-15, which predates tools; 400 Unrecognized request argument supplied",
    """
import litellm

tools = [{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}]
litellm.completion(
    model="azure/gpt-35-turbo",
    api_version="2023-05-15",
    messages=[{"role": "user", "content": "Weather in Oslo?"}],
    tools=tools,
)
""",
    rules=[{"when": {"path_re": "api-version=2023-05-15"}, "do": "azure_unrecognized_argument", "args": {"argument": "tools"}}],
    env=AZ_ENV,
)

add(
    "azure-chat-on-embedding-deployment",
    "azure-chat-operation-on-non-chat-deployment",
    "chat completion sent to an embeddings deployment; 400 OperationNotSupported",
    """
import litellm

litellm.completion(
    model="azure/text-embedding-ada-002",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[
        {
            "when": {"deployment": "text-embedding-ada-002"},
            "do": "azure_operation_not_supported",
            "args": {"operation": "chatCompletion", "model": "text-embedding-ada-002"},
        }
    ],
    env=AZ_ENV,
)

add(
    "azure-embeddings-on-chat-deployment",
    "azure-embeddings-operation-on-chat-deployment",
    "embedding call sent to a gpt-4o deployment; 400 OperationNotSupported embeddings",
    """
import litellm

litellm.embedding(model="azure/gpt-4o", input=["hello"])
""",
    rules=[
        {
            "when": {"deployment": "gpt-4o", "path_re": "/embeddings"},
            "do": "azure_operation_not_supported",
            "args": {"operation": "embeddings", "model": "gpt-4o"},
        }
    ],
    env=AZ_ENV,
)

add(
    "azure-reasoning-deployment-max-tokens",
    "azure-reasoning-max-tokens-unsupported",
    "custom-named o3-mini deployment called with max_tokens; Azure 400 unsupported_parameter",
    """
import litellm

litellm.completion(
    model="azure/reasoning-prod",
    messages=[{"role": "user", "content": "Prove that sqrt(2) is irrational"}],
    max_tokens=800,
)
""",
    rules=[{"when": {"deployment": "reasoning-prod"}, "do": "openai_400_max_tokens"}],
    env=AZ_ENV,
)

add(
    "azure-o-series-temperature-litellm-precheck",
    "common-unsupported-params-drop-params",
    "deployment named like an o-series model called with temperature=0.2; LiteLLM's own check refuses it before any request",
    """
import litellm

litellm.completion(
    model="azure/o4mini-eastus",
    messages=[{"role": "user", "content": "Classify this ticket"}],
    temperature=0.2,
)
""",
    env=AZ_ENV,
)

add(
    "azure-reasoning-deployment-temperature",
    "azure-reasoning-temperature-unsupported",
    "reasoning model behind a deployment name LiteLLM cannot recognise, called with temperature=0.2; Azure 400 unsupported_value",
    """
import litellm

litellm.completion(
    model="azure/planner-eastus2",
    messages=[{"role": "user", "content": "Classify this ticket"}],
    temperature=0.2,
)
""",
    rules=[{"when": {"deployment": "planner-eastus2"}, "do": "openai_400_temperature"}],
    env=AZ_ENV,
)

add(
    "azure-missing-api-key",
    "azure-missing-credentials-litellm-azure-route",
    "AZURE_API_KEY not set and no Entra ID settings; litellm's Azure route has no credentials",
    """
import litellm

litellm.completion(
    model="azure/gpt-4o",
    api_base="$FAKE",
    api_version="2024-10-21",
    messages=[{"role": "user", "content": "hello"}],
)
""",
)

add(
    "azure-missing-api-base",
    "setup-azure-api-base-missing",
    "azure/ call with a key but no AZURE_API_BASE / api_base",
    """
import litellm

litellm.completion(
    model="azure/gpt-4o",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    env={"AZURE_API_KEY": AZ_KEY, "AZURE_API_VERSION": "2024-10-21"},
)

add(
    "azure-deployment-name-without-prefix",
    "litellm-provider-not-provided",
    "Azure deployment name passed without the azure/ prefix while AZURE_* env vars are set",
    """
import litellm

litellm.completion(
    model="my-gpt4o-deployment",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    env=AZ_ENV,
)

add(
    "azure-timeout-slow-deployment",
    "common-timeout-request-timed-out",
    "azure/ call with timeout=3 against a deployment that answers after 30 s",
    """
import litellm

litellm.completion(
    model="azure/gpt-4o",
    messages=[{"role": "user", "content": "Write a long essay"}],
    timeout=3,
    num_retries=0,
)
""",
    rules=[{"when": {"api": "azure"}, "do": "slow", "args": {"seconds": 30}}],
    env=AZ_ENV,
)

add(
    "azure-503-service-unavailable",
    "common-upstream-5xx-internal-server-error",
    "Azure deployment answers 503 (overloaded backend)",
    """
import litellm

litellm.completion(
    model="azure/gpt-4o",
    messages=[{"role": "user", "content": "hello"}],
    num_retries=0,
)
""",
    rules=[{"when": {"api": "azure"}, "do": "http_503"}],
    env=AZ_ENV,
)

# --------------------------------------------------------------- OpenAI and compatible, SDK --

OAI_ENV = {"OPENAI_API_KEY": OAI_KEY, "OPENAI_API_BASE": "$FAKE/v1"}

add(
    "openai-401-invalid-api-key",
    "openai-401-incorrect-api-key",
    "OpenAI key revoked/mistyped; 401 invalid_api_key",
    """
import litellm

litellm.completion(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[{"when": {"api": "openai"}, "do": "openai_401"}],
    env=OAI_ENV,
)

add(
    "openai-401-invalid-api-key-embedding-async",
    "openai-401-incorrect-api-key",
    "aembedding with a wrong OpenAI key; 401 invalid_api_key",
    """
import asyncio
import litellm


async def main():
    await litellm.aembedding(model="text-embedding-3-small", input=["hello", "world"])


asyncio.run(main())
""",
    rules=[{"when": {"api": "openai"}, "do": "openai_401"}],
    env=OAI_ENV,
)

add(
    "openai-404-model-not-found",
    "openai-404-model-not-found",
    "model id mistyped (gpt-4o-mnii); 404 model_not_found",
    """
import litellm

litellm.completion(
    model="openai/gpt-4o-mnii",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[{"when": {"api": "openai"}, "do": "openai_404_model"}],
    env=OAI_ENV,
)

add(
    "openai-api-base-missing-v1",
    "openai-404-invalid-url-api-base-path",
    "OPENAI_API_BASE set to the server root without /v1; OpenAI answers 404 Invalid URL (POST /chat/completions)",
    """
import litellm

litellm.completion(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    env={"OPENAI_API_KEY": OAI_KEY, "OPENAI_API_BASE": "$FAKE"},
)

add(
    "openai-compatible-api-base-full-endpoint-url",
    "openai-404-invalid-url-api-base-path",
    "api_base given as the full .../v1/chat/completions URL; the client appends /chat/completions again",
    """
import litellm

litellm.completion(
    model="openai/mistral-small-latest",
    api_base="$FAKE/v1/chat/completions",
    api_key="sk-fake-gateway-0f9e8d7c6b5a4f3e",
    messages=[{"role": "user", "content": "hello"}],
)
""",
)

add(
    "openai-429-rate-limit-tpm",
    "openai-429-rate-limit-reached-tpm-rpm",
    "OpenAI TPM limit reached; 429 rate_limit_exceeded with Retry-After, num_retries=0",
    """
import litellm

litellm.completion(
    model="gpt-4o",
    messages=[{"role": "user", "content": "hello"}],
    num_retries=0,
)
""",
    rules=[{"when": {"api": "openai"}, "do": "openai_429_rate"}],
    env=OAI_ENV,
)

add(
    "openai-429-insufficient-quota",
    "openai-429-insufficient-quota",
    "OpenAI account out of credit; 429 insufficient_quota",
    """
import litellm

litellm.completion(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[{"when": {"api": "openai"}, "do": "openai_429_quota"}],
    env=OAI_ENV,
)

add(
    "openai-400-context-length-exceeded",
    "openai-400-context-length-exceeded",
    "chat history longer than the model window; 400 context_length_exceeded",
    """
import litellm

history = [{"role": "user", "content": "chunk " * 4000} for _ in range(40)]
litellm.completion(model="gpt-4o", messages=history)
""",
    rules=[{"when": {"api": "openai"}, "do": "context_length", "args": {"limit": 128000, "used": 160212}}],
    env=OAI_ENV,
)

add(
    "openai-compatible-max-tokens-reasoning-gateway",
    "openai-400-max-tokens-use-max-completion-tokens",
    "reasoning model behind an OpenAI-compatible gateway under a custom name, called with max_tokens; 400 unsupported_parameter",
    """
import litellm

litellm.completion(
    model="openai/team-reasoner",
    api_base="$FAKE/v1",
    api_key="sk-fake-gateway-0f9e8d7c6b5a4f3e",
    messages=[{"role": "user", "content": "Plan the migration"}],
    max_tokens=1024,
)
""",
    rules=[{"when": {"model": "team-reasoner"}, "do": "openai_400_max_tokens"}],
)

add(
    "openai-500-internal-server-error",
    "common-upstream-5xx-internal-server-error",
    "OpenAI answers 500 server_error; no retries",
    """
import litellm

litellm.completion(
    model="gpt-4o",
    messages=[{"role": "user", "content": "hello"}],
    num_retries=0,
)
""",
    rules=[{"when": {"api": "openai"}, "do": "http_500"}],
    env=OAI_ENV,
)

add(
    "openai-502-bad-gateway-html",
    "common-upstream-5xx-internal-server-error",
    "an nginx gateway in front of an OpenAI-compatible server answers 502 with an HTML page",
    """
import litellm

litellm.completion(
    model="openai/llama-3.1-70b-instruct",
    api_base="$FAKE/v1",
    api_key="sk-fake-gateway-0f9e8d7c6b5a4f3e",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[{"when": {"api": "openai"}, "do": "http_502_html"}],
)

add(
    "openai-timeout-slow-server",
    "common-timeout-request-timed-out",
    "OpenAI-compatible server slower than timeout=2",
    """
import litellm

litellm.completion(
    model="openai/qwen2.5-72b-instruct",
    api_base="$FAKE/v1",
    api_key="sk-fake-gateway-0f9e8d7c6b5a4f3e",
    messages=[{"role": "user", "content": "hello"}],
    timeout=2,
)
""",
    rules=[{"when": {"api": "openai"}, "do": "slow", "args": {"seconds": 30}}],
)

add(
    "openai-timeout-async-stream",
    "common-timeout-request-timed-out",
    "streaming acompletion, server slower than timeout=2",
    """
import asyncio
import litellm


async def main():
    stream = await litellm.acompletion(
        model="openai/qwen2.5-72b-instruct",
        api_base="$FAKE/v1",
        api_key="sk-fake-gateway-0f9e8d7c6b5a4f3e",
        messages=[{"role": "user", "content": "hello"}],
        stream=True,
        timeout=2,
    )
    async for chunk in stream:
        print(chunk)


asyncio.run(main())
""",
    rules=[{"when": {"api": "openai"}, "do": "slow", "args": {"seconds": 30}}],
)

add(
    "openai-api-base-returns-html",
    "common-api-base-returns-non-json-model-dump",
    "api_base points at a web UI that answers 200 with an HTML page",
    """
import litellm

litellm.completion(
    model="openai/gpt-4o",
    api_base="$FAKE/v1",
    api_key="sk-fake-gateway-0f9e8d7c6b5a4f3e",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[{"when": {"api": "openai"}, "do": "html_200"}],
)

add(
    "openai-malformed-json-truncated",
    "common-json-decode-html-response",
    "a proxy in between truncates the JSON body of a 200 answer",
    """
import litellm

litellm.completion(
    model="openai/gpt-4o",
    api_base="$FAKE/v1",
    api_key="sk-fake-gateway-0f9e8d7c6b5a4f3e",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[{"when": {"api": "openai"}, "do": "malformed_json"}],
)

add(
    "openai-connection-dropped",
    "common-openai-sdk-connection-error-hidden-cause",
    "the server closes the socket without answering (load balancer drop)",
    """
import litellm

litellm.completion(
    model="openai/gpt-4o",
    api_base="$FAKE/v1",
    api_key="sk-fake-gateway-0f9e8d7c6b5a4f3e",
    messages=[{"role": "user", "content": "hello"}],
    num_retries=0,
)
""",
    rules=[{"when": {"api": "openai"}, "do": "drop"}],
)

add(
    "openai-stream-dropped-mid-response",
    "common-stream-incomplete-chunked-read",
    "streaming answer cut off after three chunks (socket closed mid-body)",
    """
import litellm

stream = litellm.completion(
    model="openai/gpt-4o",
    api_base="$FAKE/v1",
    api_key="sk-fake-gateway-0f9e8d7c6b5a4f3e",
    messages=[{"role": "user", "content": "hello"}],
    stream=True,
)
for chunk in stream:
    print(chunk.choices[0].delta.content or "", end="", flush=True)
""",
    rules=[{"when": {"api": "openai"}, "do": "stream_drop", "args": {"chunks": 3}}],
)

add(
    "openai-compatible-closed-port",
    "common-api-base-connection-refused",
    "api_base points at a port where nothing listens (local server not started)",
    """
import litellm

litellm.completion(
    model="openai/llama-3.1-8b-instruct",
    api_base="$CLOSED/v1",
    api_key="sk-fake-local-0000",
    messages=[{"role": "user", "content": "hello"}],
)
""",
)

add(
    "openai-compatible-closed-port-async-embedding",
    "common-api-base-connection-refused",
    "aembedding against a local embedding server that is not running",
    """
import asyncio
import litellm


async def main():
    await litellm.aembedding(
        model="openai/bge-m3",
        api_base="$CLOSED/v1",
        api_key="sk-fake-local-0000",
        input=["hello"],
    )


asyncio.run(main())
""",
)

add(
    "openai-api-key-not-set",
    "setup-openai-api-key-not-set",
    "gpt-4o called with no OPENAI_API_KEY in the environment",
    """
import litellm

litellm.completion(model="gpt-4o", messages=[{"role": "user", "content": "hello"}])
""",
)

add(
    "openai-compatible-model-without-prefix",
    "litellm-provider-not-provided",
    "local model name without openai/ prefix while api_base points at an OpenAI-compatible server",
    """
import litellm

litellm.completion(
    model="llama-3.1-8b-instruct",
    api_base="$FAKE/v1",
    messages=[{"role": "user", "content": "hello"}],
)
""",
)

add(
    "anthropic-unsupported-param-logit-bias",
    "common-unsupported-params-drop-params",
    "OpenAI-only parameter (logit_bias) sent to an anthropic/ model without drop_params",
    """
import litellm

litellm.completion(
    model="anthropic/claude-3-5-haiku-20241022",
    api_base="$FAKE",
    messages=[{"role": "user", "content": "hello"}],
    logit_bias={"1734": -100},
)
""",
    env={"ANTHROPIC_API_KEY": ANT_KEY},
)

# -------------------------------------------------------------------------- Anthropic, SDK --

ANT_ENV = {"ANTHROPIC_API_KEY": ANT_KEY, "ANTHROPIC_API_BASE": "$FAKE"}

add(
    "anthropic-401-invalid-x-api-key",
    "anthropic-401-invalid-x-api-key",
    "Anthropic key revoked; 401 authentication_error invalid x-api-key",
    """
import litellm

litellm.completion(
    model="anthropic/claude-sonnet-4-20250514",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[{"when": {"api": "anthropic"}, "do": "anthropic_401"}],
    env=ANT_ENV,
)

add(
    "anthropic-404-model-typo",
    "anthropic-404-model-not-found",
    "Claude model id mistyped; 404 not_found_error model: ...",
    """
import litellm

litellm.completion(
    model="anthropic/claude-3-5-sonnet-20241022-latest",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[{"when": {"api": "anthropic"}, "do": "anthropic_404_model"}],
    env=ANT_ENV,
)

add(
    "anthropic-529-overloaded-stream",
    "anthropic-529-overloaded",
    "streaming call while Anthropic is overloaded; 529 overloaded_error",
    """
import litellm

for chunk in litellm.completion(
    model="anthropic/claude-sonnet-4-20250514",
    messages=[{"role": "user", "content": "hello"}],
    stream=True,
):
    print(chunk.choices[0].delta.content or "", end="")
""",
    rules=[{"when": {"api": "anthropic"}, "do": "anthropic_529"}],
    env=ANT_ENV,
)

add(
    "anthropic-429-rate-limit",
    "anthropic-429-rate-limit-error",
    "Anthropic input-token-per-minute limit hit; 429 rate_limit_error",
    """
import litellm

litellm.completion(
    model="anthropic/claude-sonnet-4-20250514",
    messages=[{"role": "user", "content": "long document " * 500}],
    num_retries=0,
)
""",
    rules=[{"when": {"api": "anthropic"}, "do": "anthropic_429"}],
    env=ANT_ENV,
)

add(
    "anthropic-400-prompt-too-long",
    "anthropic-400-prompt-too-long",
    "prompt over Claude's 200k window; 400 prompt is too long",
    """
import litellm

litellm.completion(
    model="anthropic/claude-3-5-sonnet-20241022",
    messages=[{"role": "user", "content": "log line " * 20000}],
)
""",
    rules=[{"when": {"api": "anthropic"}, "do": "anthropic_prompt_too_long"}],
    env=ANT_ENV,
)

add(
    "anthropic-400-credit-balance",
    "anthropic-400-credit-balance-too-low",
    "Anthropic prepaid credits used up; 400 credit balance is too low",
    """
import litellm

litellm.completion(
    model="anthropic/claude-3-5-haiku-20241022",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[{"when": {"api": "anthropic"}, "do": "anthropic_credit"}],
    env=ANT_ENV,
)

add(
    "anthropic-api-key-missing",
    "setup-anthropic-api-key-missing",
    "anthropic/ model with no ANTHROPIC_API_KEY set",
    """
import litellm

litellm.completion(
    model="anthropic/claude-3-5-haiku-20241022",
    messages=[{"role": "user", "content": "hello"}],
)
""",
)

add(
    "openai-base-azure-resource-root",
    "azure-404-full-deployment-url-without-azure-prefix",
    "OPENAI_API_BASE set to the Azure resource root and the deployment called without azure/; Azure has no /chat/completions route",
    """
import litellm

litellm.completion(
    model="gpt-4o",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[{"when": {"path_re": "^/chat/completions"}, "do": "azure_404_resource"}],
    env={"OPENAI_API_BASE": "$FAKE", "OPENAI_API_KEY": AZ_KEY},
)

add(
    "azure-tool-choice-old-api-version",
    "azure-tool-choice-unsupported-api-version",
    "tool_choice sent to azure/ with api_version 2023-07-01-preview",
    """
import litellm

tools = [{
    "type": "function",
    "function": {"name": "lookup_order", "parameters": {"type": "object", "properties": {"id": {"type": "string"}}}},
}]
litellm.completion(
    model="azure/gpt-35-turbo",
    api_version="2023-07-01-preview",
    messages=[{"role": "user", "content": "Where is order 42?"}],
    tools=tools,
    tool_choice="auto",
)
""",
    env=AZ_ENV,
)

add(
    "azure-401-wrong-key-async-stream",
    "azure-401-invalid-subscription-key-or-endpoint",
    "streaming acompletion with a key from another Azure resource",
    """
import asyncio
import litellm


async def main():
    response = await litellm.acompletion(
        model="azure/gpt-4o",
        messages=[{"role": "user", "content": "Stream a poem"}],
        stream=True,
    )
    async for part in response:
        print(part.choices[0].delta.content or "", end="")


asyncio.run(main())
""",
    rules=[{"when": {"api": "azure"}, "do": "azure_401"}],
    env=AZ_ENV,
)

add(
    "openai-prefix-with-claude-model",
    "openai-404-model-not-found",
    "wrong provider prefix: a Claude model id sent with openai/ to the OpenAI API",
    """
import litellm

litellm.completion(
    model="openai/claude-3-5-sonnet-20241022",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[{"when": {"api": "openai"}, "do": "openai_404_model"}],
    env=OAI_ENV,
)

add(
    "anthropic-prefix-with-gpt-model",
    "anthropic-404-model-not-found",
    "wrong provider prefix: an OpenAI model id sent with anthropic/ to the Anthropic API",
    """
import litellm

litellm.completion(
    model="anthropic/gpt-4o",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    rules=[{"when": {"api": "anthropic"}, "do": "anthropic_404_model"}],
    env=ANT_ENV,
)

add(
    "anthropic-401-async-stream",
    "anthropic-401-invalid-x-api-key",
    "streaming acompletion to Anthropic with a revoked key",
    """
import asyncio
import litellm


async def main():
    stream = await litellm.acompletion(
        model="anthropic/claude-3-5-haiku-20241022",
        messages=[{"role": "user", "content": "hello"}],
        stream=True,
    )
    async for chunk in stream:
        print(chunk)


asyncio.run(main())
""",
    rules=[{"when": {"api": "anthropic"}, "do": "anthropic_401"}],
    env=ANT_ENV,
)

# ------------------------------------------------------- noisier shapes users also paste -----

add(
    "azure-401-with-debug-logging",
    "azure-401-invalid-subscription-key-or-endpoint",
    "Azure 401 with litellm._turn_on_debug(): the failure is buried in request/response debug output",
    """
import litellm

litellm._turn_on_debug()
litellm.completion(
    model="azure/gpt-4o",
    messages=[{"role": "user", "content": "Reply with the word 429 and nothing else"}],
)
""",
    rules=[{"when": {"api": "azure"}, "do": "azure_401"}],
    env=AZ_ENV,
)

add(
    "azure-404-full-url-with-debug-logging",
    "azure-404-full-deployment-url-without-azure-prefix",
    "full Azure deployment URL in OPENAI_API_BASE, no azure/ prefix, with litellm._turn_on_debug()",
    """
import litellm

litellm._turn_on_debug()
litellm.completion(
    model="gpt-4o",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    env={
        "OPENAI_API_BASE": "$FAKE/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
        "OPENAI_API_KEY": AZ_KEY,
    },
)

add(
    "azure-429-token-rate-limit-after-retries",
    "azure-429-token-rate-limit",
    "Azure TPM limit still hit after litellm's own retries (num_retries=2)",
    """
import litellm

litellm.completion(
    model="azure/gpt-4o",
    messages=[{"role": "user", "content": "Summarise this contract"}],
    num_retries=2,
)
""",
    rules=[{"when": {"api": "azure"}, "do": "azure_429_tokens", "args": {"retry_after": 1}}],
    env=AZ_ENV,
)

add(
    "openai-429-rate-limit-stream",
    "openai-429-rate-limit-reached-tpm-rpm",
    "streaming call rejected by OpenAI's TPM limit",
    """
import litellm

for chunk in litellm.completion(
    model="gpt-4o",
    messages=[{"role": "user", "content": "hello"}],
    stream=True,
    num_retries=0,
):
    print(chunk.choices[0].delta.content or "", end="")
""",
    rules=[{"when": {"api": "openai"}, "do": "openai_429_rate"}],
    env=OAI_ENV,
)

add(
    "anthropic-529-overloaded-router-retries",
    "anthropic-529-overloaded",
    "Router with num_retries=1 on an Anthropic deployment that keeps answering 529",
    """
import litellm
from litellm import Router

router = Router(
    model_list=[{
        "model_name": "claude",
        "litellm_params": {"model": "anthropic/claude-sonnet-4-20250514", "api_base": "$FAKE",
                           "api_key": "sk-ant-fake-api03-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d"},
    }],
    num_retries=1,
    retry_after=0,
)
router.completion(model="claude", messages=[{"role": "user", "content": "hello"}])
""",
    rules=[{"when": {"api": "anthropic"}, "do": "anthropic_529"}],
)

# ---------------------------------------------------------------------------- Router, SDK --

ROUTER_HEAD = """
import litellm
from litellm import Router

AZ = dict(api_base="$FAKE", api_key="sk-fake-azure-4f1c2e8a9b7d6c5e3f2a1b0c9d8e7f6a", api_version="2024-10-21")
"""

add(
    "router-no-fallback-model-group",
    "proxy-router-no-fallback-model-group-found",
    "Router fallbacks keyed by a group name that differs from the failing group (gpt4o vs gpt-4o)",
    ROUTER_HEAD
    + """
router = Router(
    model_list=[
        {"model_name": "gpt-4o", "litellm_params": {"model": "azure/gpt-4o", **AZ}},
        {"model_name": "gpt-4o-mini", "litellm_params": {"model": "azure/gpt-4o-mini", **AZ}},
    ],
    fallbacks=[{"gpt4o": ["gpt-4o-mini"]}],
    num_retries=0,
)
router.completion(model="gpt-4o", messages=[{"role": "user", "content": "hello"}])
""",
    rules=[{"when": {"deployment": "gpt-4o"}, "do": "http_500"}],
)

add(
    "router-model-not-in-model-list",
    "proxy-router-no-healthy-deployments",
    "Router asked for a model name that is not a model_name in model_list (1.103.7 words it 'no healthy deployments')",
    ROUTER_HEAD
    + """
router = Router(
    model_list=[
        {"model_name": "gpt-4o", "litellm_params": {"model": "azure/gpt-4o", **AZ}},
    ],
)
router.completion(model="gpt-4-turbo", messages=[{"role": "user", "content": "hello"}])
""",
)

add(
    "router-cooldown-no-deployments",
    "proxy-router-no-deployments-cooldown",
    "single deployment fails, is cooled down, the next request finds no deployment",
    ROUTER_HEAD
    + """
router = Router(
    model_list=[
        {"model_name": "gpt-4o", "litellm_params": {"model": "azure/gpt-4o", **AZ}},
    ],
    allowed_fails=0,
    cooldown_time=60,
    num_retries=0,
)
for i in range(3):
    try:
        router.completion(model="gpt-4o", messages=[{"role": "user", "content": "hello"}])
    except litellm.RateLimitError as e:
        if "No deployments available" in str(e):
            raise
        print(f"attempt {i} failed: {type(e).__name__}")
""",
    rules=[{"when": {"deployment": "gpt-4o"}, "do": "azure_429_tokens", "args": {"retry_after": 60}}],
)

add(
    "router-context-window-no-fallbacks",
    "azure-context-length-exceeded",
    "Router group hits the context limit and has no context_window_fallbacks",
    ROUTER_HEAD
    + """
router = Router(
    model_list=[
        {"model_name": "chat", "litellm_params": {"model": "azure/gpt-4o-mini", **AZ}},
    ],
    num_retries=0,
)
router.completion(model="chat", messages=[{"role": "user", "content": "word " * 50000}])
""",
    rules=[{"when": {"api": "azure"}, "do": "context_length", "args": {"limit": 128000, "used": 150007}}],
)

add(
    "router-content-policy-no-fallbacks",
    "azure-400-content-filter-prompt",
    "Router group's Azure deployment filters the prompt and no content_policy_fallbacks are set",
    ROUTER_HEAD
    + """
import asyncio

router = Router(
    model_list=[
        {"model_name": "chat", "litellm_params": {"model": "azure/gpt-4o", **AZ}},
    ],
    num_retries=0,
)
asyncio.run(router.acompletion(model="chat", messages=[{"role": "user", "content": "graphic violence"}]))
""",
    rules=[{"when": {"api": "azure"}, "do": "azure_content_filter"}],
)

add(
    "router-fallback-deployment-also-fails",
    "azure-404-deployment-not-found",
    "primary group rate-limited, the fallback group's deployment name does not exist on the resource",
    ROUTER_HEAD
    + """
router = Router(
    model_list=[
        {"model_name": "gpt-4o", "litellm_params": {"model": "azure/gpt-4o", **AZ}},
        {"model_name": "gpt-4o-backup", "litellm_params": {"model": "azure/gpt-4o-westeu", **AZ}},
    ],
    fallbacks=[{"gpt-4o": ["gpt-4o-backup"]}],
    num_retries=0,
)
router.completion(model="gpt-4o", messages=[{"role": "user", "content": "hello"}])
""",
    rules=[
        {"when": {"deployment": "gpt-4o"}, "do": "azure_429_tokens", "args": {"retry_after": 12}},
        {"when": {"deployment": "gpt-4o-westeu"}, "do": "azure_404_deployment"},
    ],
)

add(
    "router-timeout-async",
    "common-timeout-request-timed-out",
    "Router deployment with timeout=2 in litellm_params against a slow server",
    ROUTER_HEAD
    + """
import asyncio

router = Router(
    model_list=[
        {"model_name": "gpt-4o", "litellm_params": {"model": "azure/gpt-4o", "timeout": 2, **AZ}},
    ],
    num_retries=0,
)
asyncio.run(router.acompletion(model="gpt-4o", messages=[{"role": "user", "content": "hello"}]))
""",
    rules=[{"when": {"api": "azure"}, "do": "slow", "args": {"seconds": 30}}],
)

# ------------------------------------------------------------------------ LiteLLM proxy ------

# One proxy runs at a time (the runner restarts it when the config changes). Both bind 127.0.0.1 and
# have no database. "fallbacks" differs from "main" only by a fallbacks entry keyed by a misspelt group.
_PROXY_MODELS = """
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: azure/gpt-4o
      api_base: $FAKE
      api_key: os.environ/AZURE_API_KEY_EASTUS
      api_version: "2024-10-21"
  - model_name: gpt-4o-eu
    litellm_params:
      model: azure/gpt-4o-eu
      api_base: $FAKE
      api_key: os.environ/AZURE_API_KEY_EASTUS
      api_version: "2024-10-21"
  - model_name: claude-sonnet
    litellm_params:
      model: anthropic/claude-sonnet-4-20250514
      api_base: $FAKE
      api_key: os.environ/ANTHROPIC_API_KEY
  - model_name: gpt-4o-mini
    litellm_params:
      model: azure/gpt-4o-mini
      api_base: $FAKE
      api_key: os.environ/AZURE_API_KEY_EASTUS
      api_version: "2024-10-21"
  - model_name: gpt-4o-westus
    litellm_params:
      model: azure/gpt-4o
      api_base: $FAKE
      api_key: os.environ/AZURE_API_KEY_WESTUS   # never set in the proxy's environment
      api_version: "2024-10-21"
"""

PROXY_CONFIGS = {
    "main": _PROXY_MODELS
    + """
router_settings:
  num_retries: 0

general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
""",
    "fallbacks": _PROXY_MODELS
    + """
router_settings:
  num_retries: 0
  fallbacks: [{"gpt4o-mini": ["gpt-4o"]}]

general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
""",
}

PROXY_ENV = {
    "AZURE_API_KEY_EASTUS": AZ_KEY,
    "ANTHROPIC_API_KEY": ANT_KEY,
    "LITELLM_MASTER_KEY": MASTER_KEY,
}

OPENAI_CLIENT = """
from openai import OpenAI

client = OpenAI(base_url="$PROXY/v1", api_key="{key}", max_retries=0)
resp = client.chat.completions.create(
    model="{model}",
    messages=[{{"role": "user", "content": "hello"}}],
)
print(resp.choices[0].message.content)
"""

# One request each; the client's traceback becomes <name>-client.log and what the proxy printed
# while serving it becomes <name>-server.log.
PROXY_REQUESTS = [
    # name, proxy config, key, model, rules, expected, note
    (
        "proxy-wrong-master-key",
        "main",
        "sk-fake-master-typo-000",
        "gpt-4o",
        [],
        "proxy-auth-no-connected-db",
        "client sends a mistyped master key to a proxy without DATABASE_URL; the proxy looks it up as a virtual key",
    ),
    (
        "proxy-virtual-key-without-db",
        "main",
        "sk-fake-vk-1a2b3c4d5e6f7a8b",
        "gpt-4o",
        [],
        "proxy-auth-no-connected-db",
        "client uses a virtual key generated on another proxy; this proxy has no database",
    ),
    (
        "proxy-unknown-model",
        "main",
        MASTER_KEY,
        "gpt-5",
        [],
        "proxy-routing-invalid-model-name-passed",
        "model not in the proxy's model_list",
    ),
    (
        "proxy-deployment-not-found",
        "main",
        MASTER_KEY,
        "gpt-4o-eu",
        [{"when": {"deployment": "gpt-4o-eu"}, "do": "azure_404_deployment"}],
        "azure-404-deployment-not-found",
        "model group's Azure deployment name does not exist on the resource",
    ),
    (
        "proxy-upstream-azure-401",
        "main",
        MASTER_KEY,
        "gpt-4o",
        [{"when": {"api": "azure"}, "do": "azure_401"}],
        "azure-401-invalid-subscription-key-or-endpoint",
        "model group's Azure key (os.environ/AZURE_API_KEY_EASTUS) belongs to another resource",
    ),
    (
        "proxy-upstream-anthropic-401",
        "main",
        MASTER_KEY,
        "claude-sonnet",
        [{"when": {"api": "anthropic"}, "do": "anthropic_401"}],
        "anthropic-401-invalid-x-api-key",
        "model group's Anthropic key is revoked",
    ),
    (
        "proxy-model-group-env-key-unset",
        "main",
        MASTER_KEY,
        "gpt-4o-westus",
        [],
        "azure-missing-credentials-litellm-azure-route",
        "model group's api_key is os.environ/AZURE_API_KEY_WESTUS but that variable is not set in the proxy's environment",
    ),
    (
        "proxy-no-fallback-group-on-429",
        "fallbacks",
        MASTER_KEY,
        "gpt-4o-mini",
        [{"when": {"deployment": "gpt-4o-mini"}, "do": "azure_429_tokens", "args": {"retry_after": 31}}],
        "proxy-router-no-fallback-model-group-found",
        "fallbacks keyed 'gpt4o-mini' while the group is 'gpt-4o-mini'; the group's deployment is rate-limited",
    ),
]

for stem, cfg, key, model, rules, expected, note in PROXY_REQUESTS:
    add(stem, expected, note, OPENAI_CLIENT.format(key=key, model=model), kind="proxy", rules=rules, proxy=cfg)

add(
    "proxy-no-api-key",
    "proxy-auth-no-api-key-passed",
    "request without Authorization header (client forgot the key)",
    """
import json
import urllib.request

req = urllib.request.Request(
    "$PROXY/v1/chat/completions",
    data=json.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": "hello"}]}).encode(),
    headers={"Content-Type": "application/json"},
)
urllib.request.urlopen(req)
""",
    kind="proxy",
    proxy="main",
    keep=("server",),
)

add(
    "proxy-malformed-bearer-header",
    "proxy-auth-malformed-bearer-prefix",
    "Authorization header carries the key without 'Bearer '",
    """
import requests

r = requests.post(
    "$PROXY/v1/chat/completions",
    headers={"Authorization": "sk-fake-master-7e3d1c9b5a"},
    json={"model": "gpt-4o", "messages": [{"role": "user", "content": "hello"}]},
)
print(r.status_code, r.text)
r.raise_for_status()
""",
    kind="proxy",
    proxy="main",
)

add(
    "proxy-key-generate-without-db",
    "proxy-db-database-url-not-set",
    "/key/generate called on a proxy without DATABASE_URL",
    """
import requests

r = requests.post(
    "$PROXY/key/generate",
    headers={"Authorization": "Bearer sk-fake-master-7e3d1c9b5a"},
    json={"models": ["gpt-4o"], "duration": "30d"},
)
print(r.status_code, r.text)
r.raise_for_status()
""",
    kind="proxy",
    proxy="main",
)

add(
    "proxy-sdk-litellm-proxy-wrong-key",
    "proxy-auth-no-connected-db",
    "litellm SDK with the litellm_proxy/ prefix and a key that is not the proxy's master key (proxy without DB)",
    """
import litellm

litellm.completion(
    model="litellm_proxy/gpt-4o",
    api_base="$PROXY",
    api_key="sk-fake-old-master-3c2b1a",
    messages=[{"role": "user", "content": "hello"}],
)
""",
    kind="proxy",
    proxy="main",
    keep=("client",),
)

# ------------------------------------------------------------- proxy that does not start -----

add(
    "proxy-start-config-not-found",
    "proxy-config-file-not-found",
    "litellm --config points at a file that does not exist in the working directory",
    "",
    kind="proxy-start",
    args=("--config", "litellm-config.yaml", "--host", "127.0.0.1", "--port", "$PORT"),
    timeout=90,
)

add(
    "proxy-start-yaml-indentation",
    "proxy-config-yaml-parse-error",
    "config.yaml with api_key indented one space less than its siblings",
    """
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: azure/gpt-4o
      api_base: $FAKE
     api_key: os.environ/AZURE_API_KEY
      api_version: "2024-10-21"
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
""",
    kind="proxy-start",
    args=("--config", "config.yaml", "--host", "127.0.0.1", "--port", "$PORT"),
    timeout=90,
)

add(
    "proxy-start-port-in-use",
    "proxy-config-port-already-in-use",
    "proxy started on a port another server already listens on",
    """
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: azure/gpt-4o
      api_base: $FAKE
      api_key: os.environ/AZURE_API_KEY
      api_version: "2024-10-21"
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
""",
    kind="proxy-start",
    args=("--config", "config.yaml", "--host", "127.0.0.1", "--port", "$FAKE_PORT"),
    timeout=90,
)
