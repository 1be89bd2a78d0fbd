"""The ChatModel seam: LangChain chat models (init_chat_model) against a local chat-completions server."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from langchain_core import exceptions as lc
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk

from assistant.errors import ConfigError
from assistant.llm import (
    PROVIDERS,
    LangChainChat,
    LLMAuthError,
    LLMError,
    LLMResponseError,
    LLMTimeoutError,
    LLMUnavailableError,
    ModelSpec,
    OpenAICompatibleChat,
    error_kind,
    llm_configured,
    make_chat_model,
    resolve_model,
)
from assistant.settings import Settings
from tests.llm_server import LLMServer, Reply

MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "How did stocks do?"}]
LLM_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "NEWSDESK_LLM_BASE_URL", "NEWSDESK_LLM_API_KEY")


@pytest.fixture()
def llm_server() -> Iterator[LLMServer]:
    """A scripted chat-completions server on 127.0.0.1."""
    with LLMServer() as server:
        yield server


@pytest.fixture()
def no_llm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No LLM variables from the developer's shell."""
    for name in LLM_ENV:
        monkeypatch.delenv(name, raising=False)


def chat_for(server: LLMServer, **overrides: Any) -> LangChainChat:
    """A backend pointed at the test server with quick retries."""
    values: dict[str, Any] = {
        "llm_base_url": server.base_url,
        "llm_api_key": "test-key",
        "llm_model": "test-model",
        "llm_timeout": 5.0,
        "llm_max_retries": 2,
    }
    return OpenAICompatibleChat.from_settings(Settings(**(values | overrides)), retry_base_delay=0.01)


def test_complete_sends_messages_and_returns_the_reply(llm_server: LLMServer) -> None:
    llm_server.reply("Stocks rose.")
    assert chat_for(llm_server, llm_temperature=0.2).complete(MESSAGES) == "Stocks rose."
    (request,) = llm_server.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer test-key"
    assert request.body["model"] == "test-model"
    assert request.body["messages"] == MESSAGES
    assert request.body["temperature"] == 0.2
    assert "response_format" not in request.body
    assert not request.body.get("stream")


def test_complete_with_schema_asks_for_json_schema(llm_server: LLMServer) -> None:
    schema = {"title": "market facts", "type": "object", "properties": {"facts": {"type": "array"}}}
    llm_server.reply('{"facts": []}')
    assert chat_for(llm_server).complete(MESSAGES, schema=schema) == '{"facts": []}'
    assert llm_server.requests[0].response_format == {
        "type": "json_schema",
        "json_schema": {"name": "market_facts", "schema": schema, "strict": False},
    }


def test_stream_yields_tokens_in_order(llm_server: LLMServer) -> None:
    tokens = ["The", " index", " rose", " 1.2", "%", " on", " Tuesday", "."]
    llm_server.reply("", tokens=tokens, token_delay=0.01)
    assert list(chat_for(llm_server).stream(MESSAGES)) == tokens
    assert llm_server.requests[0].body["stream"] is True


def test_stream_tokens_arrive_before_the_reply_ends(llm_server: LLMServer) -> None:
    llm_server.reply("", tokens=["first", " second", " third"], token_delay=0.3)
    started = time.monotonic()
    first = next(iter(chat_for(llm_server).stream(MESSAGES)))
    assert first == "first"
    assert time.monotonic() - started < 0.6


def test_stream_retries_a_server_error_before_the_first_token(llm_server: LLMServer) -> None:
    llm_server.fail(503, "overloaded")
    llm_server.reply("all good here")
    assert "".join(chat_for(llm_server).stream(MESSAGES)) == "all good here"
    assert len(llm_server.requests) == 2


def test_401_says_check_your_api_key_and_is_not_retried(llm_server: LLMServer) -> None:
    llm_server.fail(401, "Incorrect API key provided")
    with pytest.raises(LLMAuthError) as info:
        chat_for(llm_server).complete(MESSAGES)
    message = str(info.value)
    assert "check your API key (OPENAI_API_KEY or NEWSDESK_LLM_API_KEY)" in message
    assert "Incorrect API key provided" in message
    assert len(llm_server.requests) == 1


def test_403_is_a_key_problem_too(llm_server: LLMServer) -> None:
    llm_server.fail(403, "project has no access")
    with pytest.raises(LLMAuthError, match="check your API key"):
        list(chat_for(llm_server).stream(MESSAGES))


def test_429_then_success_is_retried(llm_server: LLMServer) -> None:
    llm_server.fail(429, "slow down")
    llm_server.reply("second time lucky")
    assert chat_for(llm_server).complete(MESSAGES) == "second time lucky"
    assert len(llm_server.requests) == 2


def test_dropped_connection_is_retried(llm_server: LLMServer) -> None:
    llm_server.replies.append(Reply(drop=True))
    llm_server.reply("reconnected")
    assert chat_for(llm_server).complete(MESSAGES) == "reconnected"
    assert len(llm_server.requests) == 2


def test_500_every_time_gives_a_clear_error_after_the_retries(llm_server: LLMServer) -> None:
    llm_server.fail(500, "internal meltdown", times=3)
    started = time.monotonic()
    with pytest.raises(LLMUnavailableError) as info:
        chat_for(llm_server, llm_max_retries=2).complete(MESSAGES)
    assert len(llm_server.requests) == 3
    assert "HTTP 500: internal meltdown" in str(info.value)
    assert "after 3 attempts" in str(info.value)
    assert time.monotonic() - started < 2


def test_persistent_rate_limit_says_wait(llm_server: LLMServer) -> None:
    llm_server.fail(429, "quota", times=2)
    with pytest.raises(LLMUnavailableError, match="rate limiting"):
        chat_for(llm_server, llm_max_retries=1).complete(MESSAGES)
    assert len(llm_server.requests) == 2


def test_timeout_names_the_setting(llm_server: LLMServer) -> None:
    llm_server.reply("too late", delay=2.0)
    started = time.monotonic()
    with pytest.raises(LLMTimeoutError) as info:
        chat_for(llm_server, llm_timeout=0.3).complete(MESSAGES)
    assert "NEWSDESK_LLM_TIMEOUT" in str(info.value)
    assert "0.3 s" in str(info.value)
    assert time.monotonic() - started < 1.5
    assert len(llm_server.requests) == 1


def test_unknown_model_points_at_the_model_setting(llm_server: LLMServer) -> None:
    llm_server.fail(404, "model 'test-model' not found")
    with pytest.raises(LLMError, match="NEWSDESK_LLM_MODEL"):
        chat_for(llm_server).complete(MESSAGES)


def test_unreachable_server_is_a_clear_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = Settings(llm_base_url=f"http://127.0.0.1:{port}/v1", llm_max_retries=1)
    chat = OpenAICompatibleChat.from_settings(settings, retry_base_delay=0.01)
    with pytest.raises(
        LLMUnavailableError, match=r"could not reach .*after 2 attempts.*NEWSDESK_LLM_BASE_URL"
    ):
        chat.complete(MESSAGES)


def test_empty_reply_is_an_error(llm_server: LLMServer) -> None:
    llm_server.reply("")
    with pytest.raises(LLMError, match="empty reply"):
        chat_for(llm_server).complete(MESSAGES)


@pytest.mark.usefixtures("no_llm_env")
def test_no_configuration_means_no_chat_model() -> None:
    assert make_chat_model(Settings()) is None


@pytest.mark.usefixtures("no_llm_env")
def test_base_url_from_the_environment_makes_a_working_backend(
    llm_server: LLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_LLM_BASE_URL", llm_server.base_url)
    monkeypatch.setenv("NEWSDESK_LLM_MODEL", "local-model")
    chat = make_chat_model(Settings())
    assert isinstance(chat, OpenAICompatibleChat)
    assert chat.name == "local-model"
    llm_server.reply("hello from the local server")
    assert chat.complete(MESSAGES) == "hello from the local server"
    assert llm_server.requests[0].headers["authorization"] == "Bearer not-needed"


@pytest.mark.usefixtures("no_llm_env")
def test_newsdesk_key_wins_over_openai_key(llm_server: LLMServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    monkeypatch.setenv("NEWSDESK_LLM_API_KEY", "sk-newsdesk")
    monkeypatch.setenv("NEWSDESK_LLM_BASE_URL", llm_server.base_url)
    chat = make_chat_model(Settings())
    assert chat is not None
    llm_server.reply("ok")
    chat.complete(MESSAGES)
    assert llm_server.requests[0].headers["authorization"] == "Bearer sk-newsdesk"


@pytest.mark.usefixtures("no_llm_env")
def test_an_openai_key_alone_configures_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    chat = make_chat_model(Settings())
    assert isinstance(chat, LangChainChat) and chat.spec == ModelSpec("openai", "gpt-4o-mini")
    assert chat.base_url == "https://api.openai.com/v1"


def test_unknown_backend_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="unknown LLM backend 'llamafile': use one of langchain"):
        make_chat_model(Settings(), backend="llamafile")


SCHEMA = {"title": "market facts", "type": "object", "properties": {"facts": {"type": "array"}}}


@pytest.mark.parametrize(
    ("model", "provider", "name"),
    [
        ("openai:gpt-4o-mini", "openai", "gpt-4o-mini"),
        ("ollama:llama3.1", "ollama", "llama3.1"),
        ("ollama:llama3.1:8b", "ollama", "llama3.1:8b"),
        ("anthropic:claude-3-5-haiku-latest", "anthropic", "claude-3-5-haiku-latest"),
        ("groq:llama-3.1-8b-instant", "groq", "llama-3.1-8b-instant"),
        ("Google-GenAI:gemini-2.0-flash", "google_genai", "gemini-2.0-flash"),
        ("gpt-4o-mini", "openai", "gpt-4o-mini"),  # a bare name: OpenAI, or the server at the base URL
        ("qwen2.5:7b", "openai", "qwen2.5:7b"),  # an Ollama tag's colon is not a provider
    ],
)
def test_provider_strings_resolve(model: str, provider: str, name: str) -> None:
    assert resolve_model(Settings(llm_model=model)) == ModelSpec(provider, name)


def test_an_explicit_provider_takes_the_model_name_whole() -> None:
    settings = Settings(llm_provider="ollama", llm_model="hf.co/org/model:Q4_K_M")
    assert resolve_model(settings) == ModelSpec("ollama", "hf.co/org/model:Q4_K_M")
    with pytest.raises(ConfigError, match=r"unknown LLM provider 'llamafile' .*use one of .*anthropic"):
        resolve_model(Settings(llm_provider="llamafile"))


@pytest.mark.usefixtures("no_llm_env")
def test_a_provider_in_the_model_name_configures_the_llm() -> None:
    assert llm_configured(Settings(llm_model="ollama:llama3.1"))
    assert llm_configured(Settings(llm_model="llama3.1", llm_provider="ollama"))
    assert not llm_configured(Settings(llm_model="gpt-4o-mini"))
    assert not llm_configured(Settings(llm_model="qwen2.5:7b"))


def test_the_provider_table_matches_init_chat_model() -> None:
    """Every provider newsdesk accepts is one LangChain's init_chat_model builds, from the same package."""
    from langchain.chat_models import base

    builtin = getattr(base, "_BUILTIN_PROVIDERS", None)
    if builtin is None:
        pytest.skip("this langchain keeps its provider list elsewhere")
    for name, provider in PROVIDERS.items():
        assert name in builtin, name
        assert builtin[name][0].split(".")[0] == provider.package.replace("-", "_"), name


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (
            "anthropic:claude-3-5-haiku-latest",
            "langchain-anthropic package: pip install 'newsdesk[llm-anthropic]'",
        ),
        ("ollama:llama3.1", "langchain-ollama package: pip install 'newsdesk[llm-ollama]'"),
        ("groq:llama-3.1-8b-instant", "langchain-groq package: pip install 'newsdesk[llm-groq]'"),
        ("xai:grok-2", "langchain-xai package: pip install langchain-xai"),  # no extra: the package itself
    ],
)
@pytest.mark.usefixtures("no_llm_env")
def test_a_missing_provider_package_names_what_to_install(model: str, message: str) -> None:
    package = PROVIDERS[resolve_model(Settings(llm_model=model)).provider].package
    if importlib.util.find_spec(package.replace("-", "_")) is not None:
        pytest.skip(f"{package} is installed here")
    with pytest.raises(ConfigError) as info:
        make_chat_model(Settings(llm_model=model))
    assert str(info.value) == f"NEWSDESK_LLM_MODEL={model} needs the {message}"
    assert "\n" not in str(info.value)


@pytest.mark.usefixtures("no_llm_env")
def test_a_provider_that_cannot_be_set_up_is_one_config_line(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN", "AZURE_OPENAI_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    chat = make_chat_model(Settings(llm_model="azure_openai:gpt-4o"))
    assert chat is not None
    with pytest.raises(ConfigError) as info:
        chat.complete(MESSAGES)
    message = str(info.value)
    assert message.startswith("NEWSDESK_LLM_MODEL=azure_openai:gpt-4o could not be set up: ")
    assert "AZURE_OPENAI_API_KEY" in message and "\n" not in message


def test_the_model_is_built_by_init_chat_model(llm_server: LLMServer) -> None:
    from langchain_openai import ChatOpenAI

    chat = chat_for(llm_server, llm_model="openai:served-model", llm_timeout=7.0)
    model = chat.model
    assert isinstance(model, ChatOpenAI)
    assert (model.model_name, model.request_timeout, model.max_retries) == ("served-model", 7.0, 0)
    llm_server.reply("ok")
    assert chat.complete(MESSAGES) == "ok"
    assert llm_server.requests[0].body["model"] == "served-model"  # the provider prefix is not sent


def test_streaming_goes_through_the_langchain_model(llm_server: LLMServer) -> None:
    chat = chat_for(llm_server)
    calls: list[object] = []
    original = type(chat.model).stream

    def spy(model: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        calls.append(args[0])
        yield from original(model, *args, **kwargs)

    llm_server.reply("", tokens=["Gold", " rose", " 1%"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(chat.model), "stream", spy)
        assert list(chat.stream(MESSAGES)) == ["Gold", " rose", " 1%"]
    assert calls == [MESSAGES]
    assert llm_server.requests[0].body["stream"] is True


def test_a_stream_failing_midway_is_an_llm_error_and_is_not_retried() -> None:
    class Breaking(GenericFakeChatModel):
        def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
            yield ChatGenerationChunk(message=AIMessageChunk(content="Gold"))
            raise _StainlessError(500)

    model = Breaking(messages=iter([]))
    chat = LangChainChat(Settings(llm_model="anthropic:any"), retry_base_delay=0.01, model=model)
    stream = chat.stream(MESSAGES)
    assert next(stream) == "Gold"
    with pytest.raises(LLMUnavailableError, match=r"HTTP 500: Overloaded\) after 1 attempt:"):
        next(stream)


def test_structured_output_through_with_structured_output(llm_server: LLMServer) -> None:
    llm_server.reply('```json\n{"facts": [{"kind": "quote"}]}\n```')
    assert chat_for(llm_server).structured(MESSAGES, SCHEMA) == {"facts": [{"kind": "quote"}]}
    request = llm_server.requests[0]
    assert request.response_format == {
        "type": "json_schema",
        "json_schema": {"name": "market_facts", "schema": SCHEMA, "strict": False},
    }
    assert not request.body.get("stream")


def test_structured_output_reads_json_wrapped_in_prose(llm_server: LLMServer) -> None:
    llm_server.reply('Here you go: {"facts": []} Hope this helps.')
    assert chat_for(llm_server).structured(MESSAGES, SCHEMA) == {"facts": []}


def test_structured_output_that_is_not_json_is_a_response_error(llm_server: LLMServer) -> None:
    llm_server.reply("Sorry, I cannot help with that.")
    with pytest.raises(LLMResponseError, match=r"did not reply with JSON \('Sorry, I cannot"):
        chat_for(llm_server).structured(MESSAGES, SCHEMA)


def test_json_mode_for_servers_without_json_schema(llm_server: LLMServer) -> None:
    llm_server.reply('{"facts": []}')
    chat = chat_for(llm_server, llm_structured_output="json_mode")
    assert chat.complete(MESSAGES, schema=SCHEMA) == '{"facts": []}'
    assert llm_server.requests[0].response_format == {"type": "json_object"}


def test_a_rejected_structured_request_points_at_json_mode(llm_server: LLMServer) -> None:
    llm_server.fail(400, "response_format json_schema is not supported")
    with pytest.raises(LLMError, match=r"HTTP 400: .*NEWSDESK_LLM_STRUCTURED_OUTPUT=json_mode"):
        chat_for(llm_server).structured(MESSAGES, SCHEMA)
    assert len(llm_server.requests) == 1


def test_structured_output_is_retried_like_complete(llm_server: LLMServer) -> None:
    llm_server.fail(502, "bad gateway")
    llm_server.reply_json({"facts": [1]})
    assert chat_for(llm_server).structured(MESSAGES, SCHEMA) == {"facts": [1]}
    assert len(llm_server.requests) == 2


def test_any_langchain_chat_model_can_be_passed_in() -> None:
    replies = iter([AIMessage(content="The index rose 1.2%."), AIMessage(content="Gold fell.")])
    chat = LangChainChat(Settings(llm_model="anthropic:any"), model=GenericFakeChatModel(messages=replies))
    assert "".join(chat.stream(MESSAGES)) == "The index rose 1.2%."
    assert chat.complete(MESSAGES) == "Gold fell."


class _StainlessError(Exception):
    """An error shaped like the anthropic or groq SDKs' (a status code and an error body)."""

    def __init__(self, status_code: int) -> None:
        super().__init__("scripted")
        self.status_code = status_code
        self.body = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}


def test_errors_are_classified_across_providers() -> None:
    assert error_kind(lc.ModelRateLimitError()) == "rate_limit"
    assert error_kind(lc.ModelAuthenticationError()) == "auth"
    assert error_kind(lc.ModelTimeoutError()) == "timeout"
    assert error_kind(lc.ModelAPIError()) == "server"
    assert error_kind(_StainlessError(529)) == "server"
    assert error_kind(_StainlessError(401)) == "auth"
    assert error_kind(httpx.ReadTimeout("slow")) == "timeout"
    assert error_kind(httpx.ConnectError("refused")) == "connection"
    assert error_kind(ValueError("bug")) == "other"


def test_a_provider_sdk_error_is_retried_and_explained() -> None:
    class Overloaded(GenericFakeChatModel):
        def _generate(self, *args: Any, **kwargs: Any) -> Any:
            raise _StainlessError(529)

    chat = LangChainChat(
        Settings(llm_model="anthropic:any", llm_max_retries=1),
        retry_base_delay=0.01,
        model=Overloaded(messages=iter([])),
    )
    with pytest.raises(LLMUnavailableError) as info:
        chat.complete(MESSAGES)
    assert str(info.value) == (
        "the anthropic API kept failing (HTTP 529: Overloaded) after 2 attempts: try again later"
    )


def test_offline_runs_never_import_langchain(tmp_path: Any) -> None:
    """The CLI, and a configured backend not yet used, load no langchain package beyond langchain-core."""
    code = (
        "import sys\n"
        "import assistant.cli\n"
        "from assistant.llm import make_chat_model\n"
        "from assistant.settings import Settings\n"
        "assert make_chat_model(Settings()) is None\n"
        "assert make_chat_model(Settings(llm_base_url='http://127.0.0.1:9/v1')) is not None\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('langchain')}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in LLM_ENV and not k.startswith("NEWSDESK_")}
    env["NEWSDESK_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=True
    )
    assert json.loads(done.stdout.strip().replace("'", '"')) in ([], ["langchain_core"])
