"""The ChatModel backend against a real local chat-completions server, through the real openai SDK."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from assistant.errors import ConfigError
from assistant.llm import (
    LLMAuthError,
    LLMError,
    LLMTimeoutError,
    LLMUnavailableError,
    OpenAICompatibleChat,
    make_chat_model,
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


def chat_for(server: LLMServer, **overrides: Any) -> OpenAICompatibleChat:
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
    assert isinstance(chat, OpenAICompatibleChat)
    assert chat.base_url == "https://api.openai.com/v1"


def test_unknown_backend_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="unknown LLM backend 'llamafile': use one of openai"):
        make_chat_model(Settings(), backend="llamafile")
