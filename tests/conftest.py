"""Shared fixtures: a library in a temporary folder and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from ingest.pipeline import Ingestor
from vectorstore.library import Library

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
needs_shared = pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared is absent")
# The PostgreSQL server `make postgres` starts (scripts/postgres.sh); each test gets a database of its own.
POSTGRES = os.environ.get(
    "NEWSDESK_TEST_POSTGRES", "postgresql+psycopg://newsdesk:newsdesk@127.0.0.1:5432/newsdesk"
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked both_catalogs run once on SQLite and once on PostgreSQL."""
    if "catalog_backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_catalogs"):
        metafunc.parametrize("catalog_backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture()
def catalog_backend(request: pytest.FixtureRequest) -> str:
    """The catalog database of this test: sqlite unless the test is marked both_catalogs."""
    return str(getattr(request, "param", "sqlite"))


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards; its SQLAlchemy URL."""
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.exc import OperationalError

    name = f"newsdesk_t{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.fail(f"PostgreSQL at {POSTGRES} is not reachable ({exc.orig}): run `make postgres`")
    try:
        yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture()
def catalog_url(catalog_backend: str) -> Iterator[str | None]:
    """None (the SQLite file in the library folder) or a fresh PostgreSQL database's URL."""
    if catalog_backend == "sqlite":
        yield None
        return
    with postgres_database() as url:
        yield url


@dataclass
class Route:
    """What the fixture server answers for one path."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0  # seconds between 256-byte pieces of the body


class FixtureServer:
    """A real HTTP server on 127.0.0.1 whose answers the test scripts by path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append(self.path)
                route = server.routes.get(self.path)
                if route is None:
                    route = Route(status=404, body=b"<html><body>not found</body></html>")
                if route.delay:
                    threading.Event().wait(route.delay)
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                for key, value in route.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    if not route.drip:
                        self.wfile.write(route.body)
                    for start in range(0, len(route.body) if route.drip else 0, 256):
                        self.wfile.write(route.body[start : start + 256])
                        self.wfile.flush()
                        threading.Event().wait(route.drip)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FixtureServer:
        """Start serving (a with-block stops and closes the server at its end)."""
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        """Stop serving and close the socket."""
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def base(self) -> str:
        """Base URL, e.g. http://127.0.0.1:PORT."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server."""
        return self.base + path

    def add(self, path: str, body: bytes | str = b"", **kwargs: object) -> str:
        """Serve body at path; return the absolute URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, target: str, status: int = 301) -> str:
        """Answer path with a redirect to target; return the absolute URL."""
        self.routes[path] = Route(status=status, headers={"Location": target})
        return self.url(path)


@pytest.fixture(scope="session", autouse=True)
def allow_private_urls() -> Iterator[None]:
    """Opt in to private addresses: the fixture servers are on 127.0.0.1 (subprocesses inherit this).

    Tests of the fetch policy itself build their Settings with allow_private_urls=False.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSDESK_ALLOW_PRIVATE_URLS", "1")
        yield


@pytest.fixture()
def http_server() -> Iterator[FixtureServer]:
    """A fresh fixture server per test, stopped afterwards."""
    with FixtureServer() as server:
        yield server


@pytest.fixture()
def settings(tmp_path: Path, catalog_url: str | None) -> Settings:
    """Settings for a library in a temporary folder, short network timeouts, the catalog of catalog_url."""
    return Settings(home=tmp_path / "library", fetch_timeout=3.0, catalog_url=catalog_url)


@pytest.fixture()
def library(settings: Settings) -> Library:
    """An empty library on disk (SQLite + embedded Chroma) with the real local embedding model."""
    return Library.open(settings)


@pytest.fixture()
def ingestor(settings: Settings, library: Library) -> Ingestor:
    """The real ingest pipeline over the temporary library."""
    return Ingestor(settings, library)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(command: list[str], probe: str, what: str, timeout: float) -> Iterator[None]:
    """Run a server process until the with-block ends, once probe answers 200; fail if it never does."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(probe, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail(f"{what} did not start within {timeout:g} s")
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture()
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A real `chroma run` server on 127.0.0.1 (from the chromadb package), stopped afterwards."""
    chroma = Path(sys.executable).parent / "chroma"
    executable = str(chroma) if chroma.exists() else shutil.which("chroma")
    assert executable, "the chromadb package installs the `chroma` command"
    port = free_port()
    command = [
        executable,
        "run",
        "--path",
        str(tmp_path / "data"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    url = f"http://127.0.0.1:{port}"
    with running_server(command, f"{url}/api/v2/heartbeat", "chroma server", 60):
        yield url


@pytest.fixture(scope="session")
def sample_library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Library]:
    """The shipped sample articles, ingested once per test run; tests that change it must restore it."""
    settings = Settings(home=tmp_path_factory.mktemp("sample") / "library")
    library = Library.open(settings)
    outcomes = Ingestor(settings, library).run(example_files())
    assert all(o.status == "added" for o in outcomes), [o.message for o in outcomes if o.status != "added"]
    return settings, library


@contextmanager
def serve_ui(home: Path, timeout: float = 90) -> Iterator[str]:
    """`newsdesk ui` on a free 127.0.0.1 port over the library in home; yields the app's URL."""
    port = free_port()
    newsdesk = str(Path(sys.executable).parent / "newsdesk")
    command = [
        newsdesk,
        "--home",
        str(home),
        "ui",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
    ]
    with running_server(command, f"http://127.0.0.1:{port}/_stcore/health", "newsdesk ui", timeout):
        yield f"http://127.0.0.1:{port}/"


def example_files() -> list[Path]:
    """The sample article pages shipped in examples/articles."""
    return sorted(EXAMPLES.glob("*.html"))


def counts(library: Library) -> tuple[int, int, int]:
    """Articles, catalog passages and indexed vectors."""
    return library.catalog.article_count(), len(library.catalog.passages()), library.index.count()


def page(
    paragraphs: list[str],
    *,
    title: str | None = None,
    author: str | None = None,
    published: str | None = None,
    meta_charset: bool = True,
) -> str:
    """A small article page; only the metadata passed in appears in its markup."""
    head = ['<meta charset="utf-8">'] if meta_charset else []
    if title:
        head.append(f"<title>{escape(title)}</title>")
    if author:
        head.append(f'<meta name="author" content="{escape(author)}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{published}">')
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head>{''.join(head)}</head>"
        f"<body><main><article>{body}</article></main></body></html>"
    )
