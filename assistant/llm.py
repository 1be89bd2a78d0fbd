"""The ChatModel seam: chat completions (plain, JSON-schema constrained, streamed), backends by name."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import openai

from assistant.errors import ConfigError, NewsdeskError
from assistant.settings import Settings

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam
    from openai.types.shared_params import ResponseFormatJSONSchema

T = TypeVar("T")
Messages = list[dict[str, str]]

KEY_HINT = "check your API key (OPENAI_API_KEY or NEWSDESK_LLM_API_KEY)"
RETRY_AFTER_CAP = 30.0  # seconds; never sleep longer than this on a server's Retry-After


class LLMError(NewsdeskError):
    """The LLM backend failed; the message says what to do next."""


class LLMAuthError(LLMError):
    """The server refused the API key (HTTP 401/403)."""


class LLMTimeoutError(LLMError):
    """The server did not answer within NEWSDESK_LLM_TIMEOUT."""


class LLMUnavailableError(LLMError):
    """The server stayed unreachable, rate-limited or failing after every retry."""


class LLMResponseError(LLMError):
    """The server answered, but not with something usable (no content, not the JSON asked for)."""


class ChatModel(Protocol):
    """A chat model: one complete answer (optionally JSON constrained by a schema) or a stream of tokens."""

    name: str

    def complete(self, messages: Messages, schema: dict[str, Any] | None = None) -> str:
        """The assistant's whole reply; with schema, a JSON document meant to follow it."""
        ...

    def stream(self, messages: Messages) -> Iterator[str]:
        """The assistant's reply as text deltas, in order."""
        ...


def response_format(schema: dict[str, Any]) -> dict[str, Any]:
    """The chat-completions response_format asking for JSON that follows schema (non-strict)."""
    name = re.sub(r"[^A-Za-z0-9_-]", "_", str(schema.get("title") or "response"))[:64]
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": False}}


class OpenAICompatibleChat:
    """Chat completions from OpenAI or any compatible server (Ollama, vLLM, llama.cpp, LM Studio)."""

    def __init__(
        self,
        model: str,
        *,
        api_key: str,
        base_url: str | None = None,
        temperature: float = 0.0,
        timeout: float = 60.0,
        max_retries: int = 2,
        retry_base_delay: float = 0.5,
    ) -> None:
        self.name = model
        self.temperature = temperature
        self.timeout = timeout
        self.max_retries = max(0, max_retries)
        self.retry_base_delay = retry_base_delay
        self._client = openai.OpenAI(base_url=base_url, api_key=api_key, timeout=timeout, max_retries=0)

    @classmethod
    def from_settings(cls, settings: Settings, retry_base_delay: float = 0.5) -> OpenAICompatibleChat:
        """Build the backend from the LLM settings."""
        return cls(
            settings.llm_model,
            api_key=resolve_api_key(settings),
            base_url=resolve_base_url(settings),
            temperature=settings.llm_temperature,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            retry_base_delay=retry_base_delay,
        )

    @property
    def base_url(self) -> str:
        """The server's base URL, for messages."""
        return str(self._client.base_url).rstrip("/")

    def complete(self, messages: Messages, schema: dict[str, Any] | None = None) -> str:
        """The whole reply; with schema, sent as a json_schema response_format."""
        fmt = cast("ResponseFormatJSONSchema", response_format(schema)) if schema is not None else openai.omit
        completion = self._with_retries(
            lambda: self._client.chat.completions.create(
                model=self.name, messages=_params(messages), temperature=self.temperature, response_format=fmt
            )
        )
        content = completion.choices[0].message.content if completion.choices else None
        if not content:
            raise LLMResponseError(f"the LLM {self.name} at {self.base_url} sent an empty reply: try again")
        return content

    def stream(self, messages: Messages) -> Iterator[str]:
        """Text deltas as they arrive; failures before the first token are retried like complete()."""
        chunks = self._with_retries(
            lambda: self._client.chat.completions.create(
                model=self.name, messages=_params(messages), temperature=self.temperature, stream=True
            )
        )
        try:
            for chunk in chunks:
                delta = chunk.choices[0].delta.content if chunk.choices else None
                if delta:
                    yield delta
        except openai.OpenAIError as exc:
            raise self._error(exc, attempts=1) from exc
        finally:
            chunks.close()

    def _with_retries(self, call: Callable[[], T]) -> T:
        """Run call, retrying rate limits, server errors and lost connections with exponential backoff."""
        attempts = self.max_retries + 1
        for attempt in range(attempts):
            try:
                return call()
            except openai.OpenAIError as exc:
                if attempt + 1 >= attempts or not _retryable(exc):
                    raise self._error(exc, attempts=attempt + 1) from exc
                time.sleep(self._delay(exc, attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, exc: openai.OpenAIError, attempt: int) -> float:
        """Backoff before the next attempt: base * 2**attempt, or the server's Retry-After when longer."""
        delay = self.retry_base_delay * 2**attempt
        if isinstance(exc, openai.APIStatusError):
            retry_after = _float(exc.response.headers.get("retry-after"))
            if retry_after is not None:
                delay = max(delay, min(retry_after, RETRY_AFTER_CAP))
        return delay

    def _error(self, exc: openai.OpenAIError, attempts: int) -> LLMError:
        """Translate an SDK error into an LLMError that says what to do next."""
        where = f"the LLM server at {self.base_url}"
        tries = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
        if isinstance(exc, openai.APITimeoutError):
            return LLMTimeoutError(
                f"{where} did not answer within {self.timeout:g} s: raise NEWSDESK_LLM_TIMEOUT "
                "or use a faster model"
            )
        if isinstance(exc, openai.APIConnectionError):
            return LLMUnavailableError(
                f"could not reach {where} {tries} ({exc.message}): is it running? check NEWSDESK_LLM_BASE_URL"
            )
        if not isinstance(exc, openai.APIStatusError):
            return LLMError(f"{where} failed: {exc}")
        status = f"HTTP {exc.status_code}: {_server_message(exc)}"
        if exc.status_code in (401, 403):
            return LLMAuthError(f"{where} refused the request ({status}): {KEY_HINT}")
        if exc.status_code == 429:
            return LLMUnavailableError(f"{where} is rate limiting ({status}) {tries}: wait and try again")
        if exc.status_code >= 500:
            return LLMUnavailableError(f"{where} kept failing ({status}) {tries}: try again later")
        if exc.status_code == 404:
            return LLMError(
                f"{where} has no such model or endpoint ({status}): check NEWSDESK_LLM_MODEL ({self.name}) "
                "and NEWSDESK_LLM_BASE_URL"
            )
        return LLMError(f"{where} rejected the request ({status})")


def _params(messages: Messages) -> list[ChatCompletionMessageParam]:
    """Messages typed for the SDK."""
    return cast("list[ChatCompletionMessageParam]", messages)


def _retryable(exc: openai.OpenAIError) -> bool:
    """Rate limits, server errors and lost connections are retried; timeouts and client errors are not."""
    if isinstance(exc, openai.APITimeoutError):
        return False
    if isinstance(exc, openai.APIConnectionError):
        return True
    return isinstance(exc, openai.APIStatusError) and (exc.status_code == 429 or exc.status_code >= 500)


def _server_message(exc: openai.APIStatusError) -> str:
    """The error message the server put in its OpenAI-style error body, else the SDK's."""
    body = exc.body
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    return exc.message


def _float(value: str | None) -> float | None:
    """A header value as a float, or None."""
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def resolve_api_key(settings: Settings) -> str:
    """NEWSDESK_LLM_API_KEY, else OPENAI_API_KEY, else a placeholder local servers accept."""
    return settings.llm_api_key or settings.openai_api_key or "not-needed"


def resolve_base_url(settings: Settings) -> str | None:
    """NEWSDESK_LLM_BASE_URL, else OPENAI_BASE_URL, else the SDK's default (api.openai.com)."""
    return settings.llm_base_url or settings.openai_base_url


def llm_configured(settings: Settings) -> bool:
    """True when an LLM server URL or an API key is set; otherwise newsdesk runs offline."""
    return bool(settings.llm_base_url or settings.llm_api_key or settings.openai_api_key)


_REGISTRY: dict[str, Callable[[Settings], ChatModel]] = {
    "openai": OpenAICompatibleChat.from_settings,
}


def make_chat_model(settings: Settings, backend: str = "openai") -> ChatModel | None:
    """The chat model named backend, or None when no LLM is configured (the offline default)."""
    factory = _REGISTRY.get(backend)
    if factory is None:
        known = ", ".join(sorted(_REGISTRY))
        raise ConfigError(f"unknown LLM backend {backend!r}: use one of {known}")
    return factory(settings) if llm_configured(settings) else None
