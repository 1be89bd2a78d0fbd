"""The ChatModel seam: any LangChain chat model (init_chat_model), plain, structured or streamed."""

from __future__ import annotations

import importlib.util
import json
import re
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol, TypeVar, cast

import httpx
from langchain_core import exceptions as lc

from assistant.errors import ConfigError, NewsdeskError
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

T = TypeVar("T")
Messages = list[dict[str, str]]
ErrorKind = Literal["timeout", "connection", "auth", "rate_limit", "server", "not_found", "other"]

RETRY_AFTER_CAP = 30.0  # seconds; never sleep longer than this on a server's Retry-After
RETRYABLE: frozenset[ErrorKind] = frozenset({"connection", "rate_limit", "server"})
OPENAI_STYLE = frozenset({"openai", "azure_openai"})  # json_schema response_format passed as OpenAI names it
STRUCTURED_HINT = "set NEWSDESK_LLM_STRUCTURED_OUTPUT=json_mode if the server lacks JSON-schema output"
_FENCE = re.compile(r"^```[a-zA-Z]*\s*(.*?)\s*```$", re.DOTALL)


class Provider(NamedTuple):
    """A LangChain chat-model provider: the package holding it, newsdesk's extra, its own key variable."""

    package: str
    extra: str | None = None
    key_var: str | None = None
    options: Literal["sdk", "ollama", "none"] = "sdk"  # how it takes a timeout and a retry count


# The provider names init_chat_model knows ("provider:model"); tests check them against LangChain's list.
PROVIDERS: dict[str, Provider] = {
    "openai": Provider("langchain-openai", None, "OPENAI_API_KEY"),
    "azure_openai": Provider("langchain-openai", None, "AZURE_OPENAI_API_KEY"),
    "anthropic": Provider("langchain-anthropic", "llm-anthropic", "ANTHROPIC_API_KEY"),
    "ollama": Provider("langchain-ollama", "llm-ollama", None, "ollama"),
    "groq": Provider("langchain-groq", "llm-groq", "GROQ_API_KEY"),
    "google_genai": Provider("langchain-google-genai", None, "GOOGLE_API_KEY"),
    "google_vertexai": Provider("langchain-google-vertexai", None, None, "none"),
    "mistralai": Provider("langchain-mistralai", None, "MISTRAL_API_KEY"),
    "deepseek": Provider("langchain-deepseek", None, "DEEPSEEK_API_KEY"),
    "fireworks": Provider("langchain-fireworks", None, "FIREWORKS_API_KEY"),
    "together": Provider("langchain-together", None, "TOGETHER_API_KEY"),
    "xai": Provider("langchain-xai", None, "XAI_API_KEY"),
    "openrouter": Provider("langchain-openrouter", None, "OPENROUTER_API_KEY"),
    "perplexity": Provider("langchain-perplexity", None, "PPLX_API_KEY"),
    "cohere": Provider("langchain-cohere", None, "COHERE_API_KEY", "none"),
    "bedrock": Provider("langchain-aws", None, None, "none"),
    "bedrock_converse": Provider("langchain-aws", None, None, "none"),
    "huggingface": Provider("langchain-huggingface", None, None, "none"),
    "nvidia": Provider("langchain-nvidia-ai-endpoints", None, "NVIDIA_API_KEY", "none"),
}


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
    """A chat model: one whole answer, a JSON document following a schema, or a stream of tokens."""

    name: str

    def complete(self, messages: Messages, schema: dict[str, Any] | None = None) -> str:
        """The assistant's whole reply; with schema, a JSON document meant to follow it."""
        ...

    def structured(self, messages: Messages, schema: dict[str, Any]) -> Any:
        """The assistant's reply as a parsed JSON document meant to follow schema."""
        ...

    def stream(self, messages: Messages) -> Iterator[str]:
        """The assistant's reply as text deltas, in order."""
        ...


class ModelSpec(NamedTuple):
    """Which chat model to build: a LangChain provider name and that provider's model name."""

    provider: str
    model: str


def resolve_model(settings: Settings) -> ModelSpec:
    """NEWSDESK_LLM_MODEL as provider and model: "ollama:llama3.1", else a bare name served OpenAI-style."""
    if settings.llm_provider:
        return ModelSpec(_known_provider(settings.llm_provider), settings.llm_model)
    if names_provider(settings.llm_model):
        prefix, _, name = settings.llm_model.partition(":")
        return ModelSpec(_provider_key(prefix), name)
    return ModelSpec("openai", settings.llm_model)  # OpenAI, or the compatible server at the base URL


def _provider_key(name: str) -> str:
    """A provider name as LangChain spells it ("google-genai" -> "google_genai")."""
    return name.strip().lower().replace("-", "_")


def _known_provider(name: str) -> str:
    """The provider named by NEWSDESK_LLM_PROVIDER; an unknown one lists the known ones."""
    provider = _provider_key(name)
    if provider not in PROVIDERS:
        known = ", ".join(sorted(PROVIDERS))
        raise ConfigError(f"unknown LLM provider {name!r} (NEWSDESK_LLM_PROVIDER): use one of {known}")
    return provider


def resolve_api_key(settings: Settings, provider: str = "openai") -> str | None:
    """NEWSDESK_LLM_API_KEY; for OpenAI also OPENAI_API_KEY, else a placeholder local servers accept."""
    if provider == "openai":
        return settings.llm_api_key or settings.openai_api_key or "not-needed"
    return settings.llm_api_key  # None: the provider package reads its own variable (ANTHROPIC_API_KEY...)


def resolve_base_url(settings: Settings, provider: str = "openai") -> str | None:
    """NEWSDESK_LLM_BASE_URL; for OpenAI also OPENAI_BASE_URL; else the provider's default endpoint."""
    if provider == "openai":
        return settings.llm_base_url or settings.openai_base_url
    return settings.llm_base_url


def llm_configured(settings: Settings) -> bool:
    """True when a server URL, an API key or a provider is set; otherwise newsdesk runs offline."""
    keys = settings.llm_base_url or settings.llm_api_key or settings.openai_api_key
    return bool(keys or settings.llm_provider or names_provider(settings.llm_model))


def names_provider(model: str) -> bool:
    """True when model starts with a provider LangChain knows ("ollama:llama3.1")."""
    prefix, colon, _ = model.partition(":")
    return bool(colon) and _provider_key(prefix) in PROVIDERS


def missing_package_error(settings: Settings, spec: ModelSpec) -> ConfigError | None:
    """A one-line ConfigError naming what to install when the provider's package is missing, else None."""
    provider = PROVIDERS[spec.provider]
    if importlib.util.find_spec(provider.package.replace("-", "_")) is not None:
        return None
    install = f"'newsdesk[{provider.extra}]'" if provider.extra else provider.package
    return ConfigError(
        f"NEWSDESK_LLM_MODEL={settings.llm_model} needs the {provider.package} package: pip install {install}"
    )


def model_kwargs(settings: Settings, spec: ModelSpec) -> dict[str, Any]:
    """The keyword arguments init_chat_model passes to the provider's chat model."""
    provider = PROVIDERS[spec.provider]
    kwargs: dict[str, Any] = {"model_provider": spec.provider, "temperature": settings.llm_temperature}
    if provider.options == "sdk":  # newsdesk retries itself, so the provider SDK must not
        kwargs |= {"timeout": settings.llm_timeout, "max_retries": 0}
    elif provider.options == "ollama":
        kwargs["client_kwargs"] = {"timeout": settings.llm_timeout}
    base_url = resolve_base_url(settings, spec.provider)
    if base_url:
        kwargs["base_url"] = base_url
    api_key = resolve_api_key(settings, spec.provider)
    if api_key and provider.key_var:
        kwargs["api_key"] = api_key
    return kwargs


def build_model(settings: Settings, spec: ModelSpec) -> BaseChatModel:
    """The LangChain chat model through init_chat_model; import or validation failures as ConfigError."""
    problem = missing_package_error(settings, spec)
    if problem is not None:
        raise problem
    try:
        from langchain.chat_models import init_chat_model  # lazy: offline runs never import langchain

        return init_chat_model(spec.model, **model_kwargs(settings, spec))
    except Exception as exc:  # the provider's complaint at set-up: a missing key or endpoint, a bad option
        said = " ".join(str(exc).split())[:300]
        raise ConfigError(f"NEWSDESK_LLM_MODEL={settings.llm_model} could not be set up: {said}") from exc


class LangChainChat:
    """A ChatModel over any LangChain chat model: retries with backoff, errors that say what to do next."""

    def __init__(
        self,
        settings: Settings,
        *,
        retry_base_delay: float = 0.5,
        model: BaseChatModel | None = None,
    ) -> None:
        self.spec = resolve_model(settings)
        self.name = self.spec.model
        self.settings = settings
        self.timeout = settings.llm_timeout
        self.max_retries = max(0, settings.llm_max_retries)
        self.retry_base_delay = retry_base_delay
        self.structured_method = settings.llm_structured_output
        self._explicit_base_url = resolve_base_url(settings, self.spec.provider)
        self._model = model
        problem = missing_package_error(settings, self.spec) if model is None else None
        if problem is not None:
            raise problem

    @classmethod
    def from_settings(cls, settings: Settings, retry_base_delay: float = 0.5) -> LangChainChat:
        """Build the backend from the LLM settings; the LangChain model itself is made on first use."""
        return cls(settings, retry_base_delay=retry_base_delay)

    @property
    def model(self) -> BaseChatModel:
        """The LangChain chat model, built on first use so extractive runs never import langchain."""
        if self._model is None:
            self._model = build_model(self.settings, self.spec)
        return self._model

    @property
    def base_url(self) -> str | None:
        """The server's base URL, for messages; None for a provider's default endpoint we cannot see."""
        if self._explicit_base_url:
            return self._explicit_base_url.rstrip("/")
        client = getattr(self.model, "root_client", None)  # the OpenAI SDK client of ChatOpenAI
        url = getattr(client, "base_url", None)
        return str(url).rstrip("/") if url is not None else None

    def complete(self, messages: Messages, schema: dict[str, Any] | None = None) -> str:
        """The whole reply; with schema, the structured reply as JSON text."""
        if schema is not None:
            return json.dumps(self.structured(messages, schema))
        reply = self._with_retries(lambda: self.model.invoke(messages))
        content = message_text(reply)
        if not content:
            raise LLMResponseError(f"{self._where()} sent an empty reply for {self.name}: try again")
        return content

    def structured(self, messages: Messages, schema: dict[str, Any]) -> Any:
        """The reply parsed as JSON, asked for with LangChain's with_structured_output."""
        runnable = self.model.with_structured_output(
            self._schema_argument(schema), method=self.structured_method, include_raw=True
        )
        reply = self._with_retries(lambda: runnable.invoke(messages), hint=STRUCTURED_HINT)
        result = cast("dict[str, Any]", reply)  # include_raw: {"raw", "parsed", "parsing_error"}
        if result.get("parsed") is not None:
            return result["parsed"]
        text = message_text(result["raw"])
        document = parse_json(text)
        if document is None:
            raise LLMResponseError(
                f"the LLM {self.name} did not reply with JSON ({_short(text)}): use a model that follows "
                "JSON schemas"
            )
        return document

    def stream(self, messages: Messages) -> Iterator[str]:
        """Text deltas as they arrive; failures before the first token are retried like complete()."""
        chunks, first = self._with_retries(lambda: self._open_stream(messages))
        try:
            if first:
                yield first
            for chunk in chunks:
                if text := message_text(chunk):
                    yield text
        except NewsdeskError:
            raise
        except Exception as exc:
            raise self._error(exc, attempts=1) from exc
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    def _open_stream(self, messages: Messages) -> tuple[Iterator[BaseMessage], str]:
        """Start streaming and read up to the first text delta, so a failing start can be retried."""
        chunks = iter(self.model.stream(messages))
        for chunk in chunks:
            if text := message_text(chunk):
                return chunks, text
        return chunks, ""

    def _schema_argument(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The schema as with_structured_output takes it: OpenAI's named json_schema form where it applies."""
        if self.spec.provider in OPENAI_STYLE and self.structured_method == "json_schema":
            return {"name": schema_name(schema), "schema": schema, "strict": False}
        return schema

    def _with_retries(self, call: Callable[[], T], hint: str = "") -> T:
        """Run call, retrying rate limits, server errors and lost connections with exponential backoff."""
        attempts = self.max_retries + 1
        for attempt in range(attempts):
            try:
                return call()
            except NewsdeskError:
                raise
            except Exception as exc:
                if attempt + 1 >= attempts or error_kind(exc) not in RETRYABLE:
                    raise self._error(exc, attempts=attempt + 1, hint=hint) from exc
                time.sleep(self._delay(exc, attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, exc: Exception, attempt: int) -> float:
        """Backoff before the next attempt: base * 2**attempt, or the server's Retry-After when longer."""
        delay = self.retry_base_delay * 2**attempt
        headers = getattr(getattr(exc, "response", None), "headers", None)
        retry_after = _float(headers.get("retry-after")) if headers is not None else None
        if retry_after is not None:
            delay = max(delay, min(retry_after, RETRY_AFTER_CAP))
        return delay

    def _where(self) -> str:
        """The server or provider, for messages."""
        url = self.base_url if self._explicit_base_url or self.spec.provider in OPENAI_STYLE else None
        return f"the LLM server at {url}" if url else f"the {self.spec.provider} API"

    def _error(self, exc: Exception, attempts: int, hint: str = "") -> LLMError:
        """Translate a provider error into an LLMError that says what to do next."""
        where = self._where()
        tries = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
        kind = error_kind(exc)
        if kind == "timeout":
            return LLMTimeoutError(
                f"{where} did not answer within {self.timeout:g} s: raise NEWSDESK_LLM_TIMEOUT "
                "or use a faster model"
            )
        if kind == "connection":
            return LLMUnavailableError(
                f"could not reach {where} {tries} ({_server_message(exc)}): is it running? "
                "check NEWSDESK_LLM_BASE_URL"
            )
        status = _status(exc)
        said = f"HTTP {status}: {_server_message(exc)}" if status else _server_message(exc)
        if kind == "auth":
            return LLMAuthError(f"{where} refused the request ({said}): {key_hint(self.spec.provider)}")
        if kind == "rate_limit":
            return LLMUnavailableError(f"{where} is rate limiting ({said}) {tries}: wait and try again")
        if kind == "server":
            return LLMUnavailableError(f"{where} kept failing ({said}) {tries}: try again later")
        if kind == "not_found":
            return LLMError(
                f"{where} has no such model or endpoint ({said}): check NEWSDESK_LLM_MODEL ({self.name}) "
                "and NEWSDESK_LLM_BASE_URL"
            )
        if status is not None:
            return LLMError(f"{where} rejected the request ({said})" + (f": {hint}" if hint else ""))
        return LLMError(f"{where} failed ({type(exc).__name__}: {said})")


OpenAICompatibleChat = LangChainChat  # the former name: an OpenAI-compatible server is one provider of many

_KINDS: tuple[tuple[type[Exception], ErrorKind], ...] = (
    (lc.ModelTimeoutError, "timeout"),
    (lc.ModelConnectionError, "connection"),
    (lc.ModelAuthenticationError, "auth"),
    (lc.ModelPermissionDeniedError, "auth"),
    (lc.ModelRateLimitError, "rate_limit"),
    (lc.ModelAPIError, "server"),
    (lc.ModelNotFoundError, "not_found"),
)


def error_kind(exc: BaseException) -> ErrorKind:
    """What went wrong, by LangChain's provider-neutral error types, else by HTTP status or SDK class name."""
    for cls, kind in _KINDS:
        if isinstance(exc, cls):
            return kind
    names = {cls.__name__ for cls in type(exc).__mro__}
    if isinstance(exc, httpx.TimeoutException | TimeoutError) or "APITimeoutError" in names:
        return "timeout"
    status = _status(exc)
    if status is not None:
        return _kind_of_status(status)
    if isinstance(exc, httpx.TransportError | ConnectionError) or "APIConnectionError" in names:
        return "connection"
    return "other"


def _kind_of_status(status: int) -> ErrorKind:
    """The error kind an HTTP status means."""
    if status in (401, 403):
        return "auth"
    if status == 429:
        return "rate_limit"
    if status == 404:
        return "not_found"
    return "server" if status >= 500 else "other"


def key_hint(provider: str) -> str:
    """What to check when the provider refuses the key."""
    key_var = PROVIDERS[provider].key_var if provider in PROVIDERS else None
    where = f"{key_var} or NEWSDESK_LLM_API_KEY" if key_var else "NEWSDESK_LLM_API_KEY"
    return f"check your API key ({where})"


def schema_name(schema: dict[str, Any]) -> str:
    """The schema's title as a response_format name (letters, digits, _ and -; at most 64)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", str(schema.get("title") or "response"))[:64]


def message_text(message: BaseMessage) -> str:
    """The text of a LangChain message or chunk (content blocks joined)."""
    return str(message.text)


def parse_json(text: str) -> Any:
    """A JSON document in a reply: the whole text, a fenced block, or the outermost {...}; else None."""
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    document = _json(fenced.group(1) if fenced else stripped)
    if document is None:
        document = _json(stripped[stripped.find("{") : stripped.rfind("}") + 1])
    return document


def _json(text: str) -> Any:
    """Parsed JSON, or None."""
    try:
        return json.loads(text) if text else None
    except json.JSONDecodeError:
        return None


def _status(exc: BaseException) -> int | None:
    """The HTTP status a provider error carries, if any."""
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def _server_message(exc: BaseException) -> str:
    """The message the server put in its error body (OpenAI or Anthropic style), else the error's own."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error")
        message = inner.get("message") if isinstance(inner, dict) else body.get("message")
        if isinstance(message, str):
            return _first_line(message)
    return _first_line(getattr(exc, "message", None) or exc)


def _first_line(value: object) -> str:
    """The first non-empty line of a message, for one-line errors."""
    lines = [line.strip() for line in str(value).splitlines() if line.strip()]
    return lines[0] if lines else type(value).__name__


def _short(value: str, limit: int = 80) -> str:
    """A reply for a one-line message."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _float(value: str | None) -> float | None:
    """A header value as a float, or None."""
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


_REGISTRY: dict[str, Callable[[Settings], ChatModel]] = {
    "langchain": LangChainChat.from_settings,
}


def make_chat_model(settings: Settings, backend: str = "langchain") -> ChatModel | None:
    """The chat model named backend, or None when no LLM is configured (the offline default)."""
    factory = _REGISTRY.get(backend)
    if factory is None:
        known = ", ".join(sorted(_REGISTRY))
        raise ConfigError(f"unknown LLM backend {backend!r}: use one of {known}")
    return factory(settings) if llm_configured(settings) else None
