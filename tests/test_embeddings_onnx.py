"""The ONNX backend of the local embedding model: exported from the packaged weights into a cache folder,
agreeing with torch, reused, safe to export from two processes at once, and free of torch at run time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import ConfigError, EmbeddingError
from vectorstore import onnx_model
from vectorstore.embeddings import LocalEmbedder

pytestmark = pytest.mark.slow  # exports the model (torch) at least once

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = [
    "Nickel prices slid 3% as warehouse stocks in Shanghai swelled for a fifth week.",
    "The lender's shares jumped after it raised its full-year margin guidance.",
    "Ten-year Treasury yields eased 4 basis points to 4.12% ahead of the jobs report.",
    "Chipmakers dragged the tech index lower; the broader market ended flat.",
    "",
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model cache folder holding the fp32 export (made once for the module)."""
    folder = tmp_path_factory.mktemp("model-cache")
    onnx_model.ensure_model(folder)
    return folder


@pytest.fixture(scope="module")
def torch_vectors() -> np.ndarray:
    """The reference: sentence-transformers on torch."""
    return np.asarray(
        LocalEmbedder(backend="torch", model_cache=Path("/nonexistent")).embed_documents(SENTENCES)
    )


def _run(code: str, cache: Path) -> subprocess.CompletedProcess[str]:
    """Run Python code in a fresh interpreter from the project root."""
    env = {**os.environ, "NEWSDESK_MODEL_CACHE": str(cache)}
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize(("backend", "floor"), [("onnx", 0.999), ("onnx-int8", 0.97)])
def test_onnx_vectors_agree_with_torch(
    cache: Path, torch_vectors: np.ndarray, backend: str, floor: float
) -> None:
    """Each sentence's ONNX vector is a unit vector pointing where torch's does (fp32: to float precision)."""
    embedder = LocalEmbedder(backend=backend, model_cache=cache)
    vectors = np.asarray(embedder.embed_documents(SENTENCES))
    assert vectors.shape == torch_vectors.shape
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    cosines = (vectors * torch_vectors).sum(axis=1)
    assert (cosines >= floor).all(), cosines
    assert embedder.name == LocalEmbedder(backend="torch", model_cache=cache).name == "all-MiniLM-L6-v2"


def test_a_second_embedder_reuses_the_cached_file(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the file in the cache nothing is exported again: the file is untouched, no temp file is left."""
    path = onnx_model.model_path(cache, onnx_model.packaged_model_dir())
    before = path.stat()

    def no_export(dest: Path, source: Path) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_model, "export_fp32", no_export)
    LocalEmbedder(backend="onnx", model_cache=cache).embed_query("Did gold rally on Friday?")
    after = path.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert not list(path.parent.glob(".*.tmp"))


def test_two_processes_exporting_at_once_both_succeed(tmp_path: Path) -> None:
    """Two processes start the export into one empty cache: one exports, the other waits and reuses it."""
    code = (
        "import logging; logging.basicConfig(level=logging.INFO)\n"
        "from pathlib import Path; from vectorstore.onnx_model import ensure_model\n"
        f"print(ensure_model(Path({str(tmp_path)!r})))\n"
    )
    env = {**os.environ, "NEWSDESK_MODEL_CACHE": str(tmp_path)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    paths = {out.strip() for out, _err in outputs}
    assert len(paths) == 1
    assert sum(err.count("preparing the embedding model") for _out, err in outputs) == 1
    assert [p.name for p in (tmp_path / "onnx").glob("*.onnx")] == [Path(paths.pop()).name]
    assert not list((tmp_path / "onnx").glob(".*.tmp"))
    encoder = onnx_model.load_encoder(tmp_path)
    assert encoder.encode(["Oil fell."]).shape == (1, 384)


def test_onnx_at_run_time_imports_neither_torch_nor_sentence_transformers(cache: Path) -> None:
    """Embedding from an existing cache loads onnxruntime only: the point of the backend (cold start)."""
    code = (
        "import json, sys\n"
        "from vectorstore.embeddings import LocalEmbedder\n"
        "vector = LocalEmbedder(backend='onnx').embed_query('Why did copper rise?')\n"
        "heavy = ['torch', 'sentence_transformers', 'transformers']\n"
        "loaded = [m for m in heavy if m in sys.modules]\n"
        "print(json.dumps([len(vector), loaded, 'onnxruntime' in sys.modules]))\n"
    )
    done = _run(code, cache)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [384, [], True]


def test_a_corrupt_cached_file_is_exported_again(tmp_path: Path) -> None:
    """A truncated or garbled cached file (a killed copy, a bad disk) is replaced by a fresh export."""
    path = onnx_model.model_path(tmp_path, onnx_model.packaged_model_dir())
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x08\x07not an onnx model" * 100)
    vector = LocalEmbedder(backend="onnx", model_cache=tmp_path).embed_query("Bond yields rose.")
    assert len(vector) == 384 and abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4
    assert path.stat().st_size > 1_000_000


def test_a_failed_export_is_one_line_saying_what_to_do(tmp_path: Path) -> None:
    """A cache folder that cannot be created fails as one line naming the way out."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(EmbeddingError) as err:
        LocalEmbedder(backend="onnx", model_cache=blocker / "cache").embed_query("Oil fell.")
    message = str(err.value)
    assert "\n" not in message and "NEWSDESK_EMBEDDING_BACKEND=torch" in message


def test_an_unknown_backend_lists_the_known_ones() -> None:
    """A backend name that is not registered is a configuration error naming the choices."""
    with pytest.raises(ConfigError, match="onnx, onnx-int8, torch"):
        LocalEmbedder(backend="tensorflow", model_cache=Path("/nonexistent"))
