"""The fetch policy (SSRF) and credentials in URLs, against the real fixture server on 127.0.0.1.

The suite opts in to private addresses (tests/conftest.py); every test here states its own policy:
`strict` is the default a user gets, `opted_in` is NEWSDESK_ALLOW_PRIVATE_URLS=1. A refused address
must be refused before any socket is opened, so `connections` records every connection attempt and
only ever really connects to loopback (nothing here leaves the machine).
"""

from __future__ import annotations

import html
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpcore
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import FetchError
from assistant.settings import Settings
from ingest.fetch import Fetcher
from ingest.pipeline import Ingestor
from ingest.policy import (
    AddressRefused,
    FetchPolicy,
    Resolver,
    forbidden_kind,
    has_credentials,
    system_resolver,
    without_credentials,
)
from tests.conftest import FixtureServer, counts, page
from tests.test_feeds import BONDS, GRAIN, RETAIL, rss, rss_item
from tests.test_ui import APP
from vectorstore.library import Library

OPT_IN = "set NEWSDESK_ALLOW_PRIVATE_URLS=1 to allow intranet addresses"
SECRET = "s3cret-pw"


@pytest.fixture()
def strict(settings: Settings) -> Settings:
    """The test settings under the default policy: public addresses only."""
    return settings.model_copy(update={"allow_private_urls": False})


@pytest.fixture()
def opted_in(settings: Settings) -> Settings:
    """The test settings with NEWSDESK_ALLOW_PRIVATE_URLS=1."""
    return settings.model_copy(update={"allow_private_urls": True})


@pytest.fixture()
def connections(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every address a socket was opened to; only loopback ones really connect, others fail at once."""
    seen: list[str] = []
    real = httpcore.SyncBackend.connect_tcp

    def connect(self: httpcore.SyncBackend, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        seen.append(host)
        if forbidden_kind(host) != "loopback":
            raise httpcore.ConnectError(f"test: {host} is not reachable from the tests")
        return real(self, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", connect)
    return seen


@pytest.fixture()
def other_server() -> Iterator[FixtureServer]:
    """A second fixture server on 127.0.0.1 (another port): an internal service to protect."""
    with FixtureServer() as server:
        yield server


def fetch_error(settings: Settings, url: str, policy: FetchPolicy | None = None) -> str:
    """The one-line message of the FetchError fetching url raises."""
    with Fetcher(settings, policy) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    message = str(caught.value)
    assert "\n" not in message
    return message


def resolving(names: dict[str, list[str]]) -> Resolver:
    """A resolver that answers the given names and asks the system for any other host."""

    def resolve(host: str, port: int) -> list[str]:
        return names[host] if host in names else system_resolver(host, port)

    return resolve


@dataclass(frozen=True)
class OneServerAllowed(FetchPolicy):
    """The default policy, except that one fixture server (127.0.0.1 on one port) counts as public."""

    port: int = 0

    def refusal(self, address: str, port: int) -> str | None:
        """Allow exactly 127.0.0.1:port; judge every other address as the default policy does."""
        return None if (address, port) == ("127.0.0.1", self.port) else super().refusal(address, port)


def port_of(server: FixtureServer) -> int:
    """The port a fixture server listens on."""
    return int(server.httpd.server_address[1])


# --- the address checks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.10", "private"),
        ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fe80::1%1", "link-local"),
        ("fd00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:7f00:1", "loopback"),
        ("::ffff:10.0.0.5", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("::127.0.0.1", "loopback"),
        ("64:ff9b::127.0.0.1", "loopback"),
        ("2002:7f00:1::", "loopback"),
        ("2002:a9fe:a9fe::1", "link-local"),
    ],
)
def test_forbidden_kind_names_the_range_of_each_non_public_form(address: str, kind: str) -> None:
    assert forbidden_kind(address) == kind


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert forbidden_kind(address) is None
    assert FetchPolicy().refusal(address, 443) is None


@pytest.mark.parametrize("host", ["2130706433", "0177.0.0.1", "0x7f.0.0.1", "127.1", "017700000001"])
def test_decimal_octal_and_hex_forms_resolve_to_loopback_and_are_refused(host: str) -> None:
    with pytest.raises(AddressRefused) as caught:
        FetchPolicy().addresses(host, 80)
    assert (caught.value.address, caught.value.kind) == ("127.0.0.1", "loopback")
    assert FetchPolicy(allow_private=True).addresses(host, 80) == ["127.0.0.1"]


def test_one_forbidden_address_among_public_ones_refuses_the_host() -> None:
    policy = FetchPolicy(resolver=resolving({"mixed.example": ["93.184.216.34", "10.0.0.5"]}))
    with pytest.raises(AddressRefused) as caught:
        policy.addresses("mixed.example", 443)
    assert caught.value.message("https://mixed.example/") == (
        "https://mixed.example/: mixed.example resolves to a private address 10.0.0.5; newsdesk fetches "
        f"only public addresses: {OPT_IN}"
    )


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        (f"http://analyst:{SECRET}@news.example/a", "http://news.example/a"),
        ("https://token@news.example:8443/a?b=1", "https://news.example:8443/a?b=1"),
        (f"http://a:{SECRET}@b@news.example/", "http://news.example/"),
        (f"HTTP://user:{SECRET}@news.example/", "http://news.example/"),
    ],
)
def test_credentials_are_found_and_taken_out(url: str, clean: str) -> None:
    assert has_credentials(url)
    assert without_credentials(url) == clean
    assert not has_credentials(clean)


@pytest.mark.parametrize(
    "url", ["http://news.example/a@b", "https://news.example/?mail=a@b.c", "notes/a@b.md"]
)
def test_an_at_sign_outside_the_host_part_is_not_a_credential(url: str) -> None:
    assert not has_credentials(url)
    assert without_credentials(url) == url


def test_check_url_refuses_credentials_and_other_schemes_with_one_line() -> None:
    policy = FetchPolicy(allow_private=True)
    with pytest.raises(FetchError) as caught:
        policy.check_url(f"http://analyst:{SECRET}@news.example/a")
    assert str(caught.value) == (
        "http://news.example/a: credentials in URLs are not stored or sent; remove user:pass@ from the link"
    )
    with pytest.raises(FetchError) as caught:
        policy.check_url("http://news.example/", "ftp://news.example/a")
    assert str(caught.value) == (
        "http://news.example/: redirects to ftp://news.example/a; newsdesk fetches only http and https links"
    )
    with pytest.raises(FetchError) as caught:
        policy.check_url("http://news.example/", f"http://u:{SECRET}@other.example/")
    assert SECRET not in str(caught.value)
    assert "redirects to http://other.example/; credentials in URLs are not sent" in str(caught.value)


# --- loopback in every spelling -----------------------------------------------------------------------------


LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "2130706433", "0x7f.0.0.1", "127.1", "[::ffff:127.0.0.1]"]


@pytest.mark.parametrize("host", [*LOOPBACK_HOSTS, "[::127.0.0.1]"])
def test_loopback_in_any_spelling_is_refused_before_connecting(
    host: str, http_server: FixtureServer, strict: Settings, connections: list[str]
) -> None:
    http_server.add("/desk.html", page(GRAIN, title="Wheat"))
    url = f"http://{host}:{port_of(http_server)}/desk.html"

    message = fetch_error(strict, url)

    assert message.startswith(f"{url}: ")
    assert "loopback address" in message and message.endswith(OPT_IN)
    assert (connections, http_server.hits) == ([], [])


@pytest.mark.parametrize("host", LOOPBACK_HOSTS)
def test_loopback_in_any_spelling_is_fetched_with_the_opt_in(
    host: str, http_server: FixtureServer, opted_in: Settings
) -> None:
    http_server.add("/desk.html", page(GRAIN, title="Wheat"))
    with Fetcher(opted_in) as fetcher:
        fetched = fetcher.fetch(f"http://{host}:{port_of(http_server)}/desk.html")
    assert b"Keldan plains" in fetched.body
    assert http_server.hits == ["/desk.html"]


def test_the_loopback_literal_names_itself_in_the_message(
    http_server: FixtureServer, strict: Settings
) -> None:
    url = http_server.add("/desk.html", page(GRAIN))
    assert fetch_error(strict, url) == (
        f"{url}: 127.0.0.1 is a loopback address; newsdesk fetches only public addresses: {OPT_IN}"
    )


def test_an_octal_ip_is_never_fetched(
    http_server: FixtureServer, strict: Settings, opted_in: Settings
) -> None:
    http_server.add("/desk.html", page(GRAIN))
    url = f"http://0177.0.0.1:{port_of(http_server)}/desk.html"
    # httpx rejects a dotted address with a leading zero itself; the policy refuses 0177.0.0.1 as a name too
    for settings in (strict, opted_in):
        assert fetch_error(settings, url).startswith(f"{url}: not a valid URL")
    assert http_server.hits == []


@pytest.fixture()
def ipv6_server() -> Iterator[tuple[FixtureServer, int]]:
    """A fixture server listening on [::1] instead of 127.0.0.1, and its port."""
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")

    class V6Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6

    server = FixtureServer()
    handler = server.httpd.RequestHandlerClass
    server.httpd.server_close()
    try:
        server.httpd = V6Server(("::1", 0), handler)
    except OSError:
        pytest.skip("cannot listen on [::1]")
    server.httpd.daemon_threads = True
    server.thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    with server:
        yield server, int(server.httpd.server_address[1])
        server.httpd.server_close()


def test_ipv6_loopback_is_refused_and_fetched_with_the_opt_in(
    ipv6_server: tuple[FixtureServer, int], strict: Settings, opted_in: Settings
) -> None:
    server, port = ipv6_server
    server.add("/desk.html", page(BONDS))
    url = f"http://[::1]:{port}/desk.html"

    assert fetch_error(strict, url) == (
        f"{url}: ::1 is a loopback address; newsdesk fetches only public addresses: {OPT_IN}"
    )
    assert server.hits == []
    with Fetcher(opted_in) as fetcher:
        assert b"seven-year bond" in fetcher.fetch(url).body
    assert server.hits == ["/desk.html"]


# --- metadata, private and other internal addresses ---------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "what"),
    [
        ("169.254.169.254", "169.254.169.254 is a link-local address"),
        ("10.0.0.5", "10.0.0.5 is a private address"),
        ("192.168.1.10", "192.168.1.10 is a private address"),
        ("172.16.0.1", "172.16.0.1 is a private address"),
        ("[fd00::5]", "fd00::5 is a private address"),
        ("[fe80::1]", "fe80::1 is a link-local address"),
        ("[::ffff:169.254.169.254]", "::ffff:169.254.169.254 is a link-local address"),
        ("0.0.0.0", "0.0.0.0 is an unspecified address"),
    ],
)
def test_internal_addresses_are_refused_without_a_connection_attempt(
    host: str, what: str, strict: Settings, opted_in: Settings, connections: list[str]
) -> None:
    url = f"http://{host}/latest/meta-data/"
    assert fetch_error(strict, url) == f"{url}: {what}; newsdesk fetches only public addresses: {OPT_IN}"
    assert connections == []
    # with the opt-in the same address is tried (the test backend then fails it without any network)
    assert "could not connect" in fetch_error(opted_in, url)
    assert connections == [host.strip("[]")]


def test_a_name_resolving_to_loopback_is_refused(
    http_server: FixtureServer, strict: Settings, connections: list[str]
) -> None:
    http_server.add("/desk.html", page(GRAIN))
    url = f"http://markets.example:{port_of(http_server)}/desk.html"
    policy = FetchPolicy(resolver=resolving({"markets.example": ["127.0.0.1"]}))

    assert fetch_error(strict, url, policy) == (
        f"{url}: markets.example resolves to a loopback address 127.0.0.1; "
        f"newsdesk fetches only public addresses: {OPT_IN}"
    )
    assert (connections, http_server.hits) == ([], [])


def test_with_the_opt_in_a_name_is_resolved_once_and_its_checked_address_connected(
    http_server: FixtureServer, opted_in: Settings, connections: list[str]
) -> None:
    http_server.add("/desk.html", page(GRAIN))
    lookups: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    url = f"http://markets.example:{port_of(http_server)}/desk.html"  # a name no real DNS knows
    with Fetcher(opted_in, FetchPolicy(allow_private=True, resolver=resolve)) as fetcher:
        fetched = fetcher.fetch(url)

    assert fetched.url == url and b"Keldan" in fetched.body
    assert lookups == ["markets.example"]
    assert connections == ["127.0.0.1"]


def test_a_host_is_resolved_once_so_a_rebinding_answer_is_never_used(
    http_server: FixtureServer, strict: Settings, connections: list[str]
) -> None:
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])  # public when checked, loopback when asked again

    def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    url = f"http://rebind.example:{port_of(http_server)}/desk.html"
    message = fetch_error(strict, url, FetchPolicy(resolver=rebinding))
    # the one answer it got (the public one) is what it tried to reach; the loopback answer was never asked
    assert "could not connect" in message
    assert connections == ["93.184.216.34"]
    assert http_server.hits == []


# --- redirects ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "what"),
    [
        ("{other}/admin", "127.0.0.1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://intranet.example/wiki", "intranet.example resolves to a private address 10.0.0.5"),
        ("http://[::1]:9/", "::1 is a loopback address"),
    ],
)
def test_a_redirect_from_an_allowed_address_to_a_forbidden_one_is_refused(
    target: str,
    what: str,
    http_server: FixtureServer,
    other_server: FixtureServer,
    strict: Settings,
    connections: list[str],
) -> None:
    other_server.add("/admin", page(RETAIL))
    hop = target.format(other=other_server.base)
    start = http_server.redirect("/story", hop, status=302)
    policy = OneServerAllowed(
        resolver=resolving({"intranet.example": ["10.0.0.5"]}), port=port_of(http_server)
    )

    assert fetch_error(strict, start, policy) == (
        f"{start}: redirects to {hop}; {what}; newsdesk fetches only public addresses: {OPT_IN}"
    )
    assert http_server.hits == ["/story"]
    assert other_server.hits == []
    assert connections == ["127.0.0.1"]  # the first hop only


def test_a_redirect_to_an_internal_port_is_followed_with_the_opt_in(
    http_server: FixtureServer, other_server: FixtureServer, opted_in: Settings
) -> None:
    final = other_server.add("/admin", page(RETAIL))
    start = http_server.redirect("/story", final, status=302)
    with Fetcher(opted_in) as fetcher:
        fetched = fetcher.fetch(start)
    assert (fetched.url, fetched.requested_url) == (final, start)
    assert other_server.hits == ["/admin"]


def test_a_redirect_to_a_link_with_credentials_is_not_followed(
    http_server: FixtureServer, other_server: FixtureServer, opted_in: Settings
) -> None:
    hop = f"http://analyst:{SECRET}@{other_server.base.removeprefix('http://')}/admin"
    start = http_server.redirect("/story", hop)
    message = fetch_error(opted_in, start)
    assert message == (
        f"{start}: redirects to {other_server.base}/admin; credentials in URLs are not sent, "
        "so newsdesk stops there"
    )
    assert other_server.hits == []


def test_a_redirect_to_another_scheme_is_refused_by_the_policy(
    http_server: FixtureServer, opted_in: Settings
) -> None:
    start = http_server.redirect("/story", "file:///etc/passwd")
    message = fetch_error(opted_in, start)
    # httpx gives a Location without a host the previous hop's host: file://127.0.0.1/etc/passwd
    assert message.startswith(f"{start}: redirects to file://")
    assert message.endswith("/etc/passwd; newsdesk fetches only http and https links")
    assert http_server.hits == ["/story"]


# --- feeds --------------------------------------------------------------------------------------------------


def internal_feed(http_server: FixtureServer, other_server: FixtureServer) -> tuple[str, list[str]]:
    """A feed on the allowed server whose middle entry links to the internal one; its URL and links."""
    grain = http_server.add("/news/grain.html", page(GRAIN, title="Frost lifts wheat"))
    internal = other_server.add("/admin/report.html", page(BONDS, title="Internal report"))
    retail = http_server.add("/news/retail.html", page(RETAIL, title="Pennyhill raises its forecast"))
    feed = rss(
        [
            rss_item("Wheat climbs", grain, "Tue, 03 Mar 2026 10:00:00 GMT"),
            rss_item("Internal", internal, "Wed, 04 Mar 2026 09:15:00 GMT", description="Short."),
            rss_item("Pennyhill lifts guidance", retail, "Fri, 06 Mar 2026 07:05:00 GMT"),
        ]
    )
    url = http_server.add("/feed.rss", feed, content_type="application/rss+xml; charset=utf-8")
    return url, [grain, internal, retail]


def test_a_feed_entry_linking_inside_fails_in_one_line_and_the_others_go_in(
    http_server: FixtureServer, other_server: FixtureServer, strict: Settings, library: Library
) -> None:
    feed_url, links = internal_feed(http_server, other_server)
    fetcher = Fetcher(strict, OneServerAllowed(port=port_of(http_server)))

    outcomes = Ingestor(strict, library, fetcher=fetcher).run([feed_url])

    assert [o.item for o in outcomes] == links
    assert [o.status for o in outcomes] == ["added", "failed", "added"], outcomes
    assert outcomes[1].message == (
        "127.0.0.1 is a loopback address; newsdesk fetches only public addresses: "
        f"{OPT_IN}; the feed's own text for it is too short to use"
    )
    assert other_server.hits == []
    assert counts(library)[0] == 2


def test_a_feed_entry_linking_inside_is_fetched_with_the_opt_in(
    http_server: FixtureServer, other_server: FixtureServer, opted_in: Settings, library: Library
) -> None:
    feed_url, _ = internal_feed(http_server, other_server)
    outcomes = Ingestor(opted_in, library).run([feed_url])
    assert [o.status for o in outcomes] == ["added"] * 3, outcomes
    assert other_server.hits == ["/admin/report.html"]


# --- credentials in URLs ------------------------------------------------------------------------------------


def test_a_url_with_credentials_is_refused_never_sent_nor_stored(
    http_server: FixtureServer, opted_in: Settings, library: Library
) -> None:
    clean = http_server.add("/desk.html", page(GRAIN, title="Wheat"))
    url = clean.replace("http://", f"http://analyst:{SECRET}@")

    outcomes = Ingestor(opted_in, library).run([url])

    assert [(o.item, o.status) for o in outcomes] == [(clean, "failed")]
    assert outcomes[0].message == (
        "credentials in URLs are not stored or sent; remove user:pass@ from the link"
    )
    assert http_server.hits == []
    assert counts(library) == (0, 0, 0)


def test_the_cli_never_prints_credentials(http_server: FixtureServer, tmp_path: Path) -> None:
    clean = http_server.add("/desk.html", page(GRAIN, title="Wheat"))
    url = clean.replace("http://", f"http://analyst:{SECRET}@")
    result = CliRunner().invoke(app, ["--home", str(tmp_path / "library"), "ingest", url])
    assert SECRET not in result.output
    assert "credentials in URLs are not stored or sent" in result.output
    assert http_server.hits == []


def test_a_feed_entry_with_credentials_keeps_the_feed_text_without_them(
    http_server: FixtureServer, opted_in: Settings, library: Library
) -> None:
    clean = http_server.add("/news/grain.html", page(GRAIN, title="Frost lifts wheat"))
    link = clean.replace("http://", f"http://analyst:{SECRET}@")
    feed = rss([rss_item("Wheat climbs", link, "Tue, 03 Mar 2026 10:00:00 GMT", description=" ".join(GRAIN))])
    feed_url = http_server.add("/feed.rss", feed, content_type="application/rss+xml; charset=utf-8")

    (outcome,) = Ingestor(opted_in, library).run([feed_url])

    assert (outcome.item, outcome.status) == (clean, "added"), outcome
    assert SECRET not in outcome.message and "used the feed's text" in outcome.message
    assert http_server.hits == ["/feed.rss"]
    assert outcome.article_id
    stored = library.catalog.get(outcome.article_id)
    assert stored.meta.url == clean
    assert SECRET not in (stored.meta.source or "")


# --- TLS is still verified against the host name -----------------------------------------------------------


@pytest.fixture()
def tls_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FixtureServer]:
    """A fixture server speaking HTTPS with a self-signed certificate for news.example, trusted by httpx."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=news.example"
    command += " -addext subjectAltName=DNS:news.example"
    subprocess.run(
        [*command.split(), "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = FixtureServer()
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    with server:
        yield server


def test_tls_verifies_the_certificate_against_the_host_name_not_the_address(
    tls_server: FixtureServer, opted_in: Settings
) -> None:
    tls_server.add("/desk.html", page(GRAIN))
    port = port_of(tls_server)
    policy = FetchPolicy(allow_private=True, resolver=lambda host, port: ["127.0.0.1"])
    with Fetcher(opted_in, policy) as fetcher:
        assert b"Keldan" in fetcher.fetch(f"https://news.example:{port}/desk.html").body
        with pytest.raises(FetchError, match="certificate verify failed"):
            fetcher.fetch(f"https://other.example:{port}/desk.html")
    assert tls_server.hits == ["/desk.html"]


# --- the app's paste box goes through the same policy -------------------------------------------------------


def test_the_app_refuses_pasted_internal_and_credential_urls_in_one_line_each(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    internal = http_server.add("/desk.html", page(GRAIN, title="Wheat"))
    with_secret = internal.replace("http://", f"http://analyst:{SECRET}@")
    monkeypatch.setenv("NEWSDESK_HOME", str(tmp_path / "library"))
    monkeypatch.setenv("NEWSDESK_ALLOW_PRIVATE_URLS", "0")  # the default a user gets
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("views/library.py").run()  # the app's Library page (st.navigation)
    at.text_area[0].set_value(f"{internal}\n{with_secret}\n").run()
    at.button(key="ingest_urls").click().run()

    assert not at.exception
    errors = [html.unescape(e.value) for e in at.error]  # the app shows them as inert markdown
    assert len(errors) == 2, errors
    assert "127.0.0.1 is a loopback address" in errors[0] and OPT_IN in errors[0]
    assert "credentials in URLs are not stored or sent" in errors[1]
    assert all(SECRET not in e for e in errors)
    assert http_server.hits == []
