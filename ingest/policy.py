"""The fetch policy: which URLs and addresses newsdesk may fetch, enforced where connections are made.

Only http(s) links without credentials; every address a host name resolves to must be public unless
NEWSDESK_ALLOW_PRIVATE_URLS is set. The name is resolved once per connection, inside the connection
itself, and the socket goes to the address that was checked, so DNS rebinding cannot slip in a second
answer. Written here rather than taken from PyPI: the SSRF guards there serve async httpx clients only
(safehttpx, httpx-secure), wrap requests (advocate, last released 2020) or are 0.1 releases (drawbridge,
egressweave); these checks rest on the standard `ipaddress` module and httpcore's network-backend seam.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import httpcore
import httpx

from assistant.errors import FetchError
from assistant.settings import Settings

Resolver = Callable[[str, int], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = ("http", "https")
OPT_IN = (
    "newsdesk fetches only public addresses: set NEWSDESK_ALLOW_PRIVATE_URLS=1 to allow intranet addresses"
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_KINDS: tuple[tuple[str, str], ...] = (
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_reserved", "reserved"),
    ("is_private", "private"),
)


def system_resolver(host: str, port: int) -> list[str]:
    """Every address getaddrinfo gives for host (it also reads 2130706433, 0x7f.1 and 0177.0.0.1 forms)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries: mapped, compatible, NAT64, 6to4 or Teredo."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64 or (int(address) >> 32 == 0 and int(address) > 1):  # not :: or ::1 themselves
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _kind(address: IPAddress) -> str | None:
    """The name of the non-public range one address is in, or None for a global address."""
    for attribute, name in _KINDS:
        if getattr(address, attribute):
            return name
    return None if address.is_global else "non-public"


def forbidden_kind(address: str) -> str | None:
    """Why an IP address may not be fetched by default ('loopback', 'private', ...), or None if public."""
    ip = ipaddress.ip_address(address)
    inner = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
    # the IPv4 address inside names the range best (::ffff:127.0.0.1 is loopback, not just "private")
    return (_kind(inner) if inner is not None else None) or _kind(ip)


def has_credentials(url: str) -> bool:
    """Whether a URL carries user:password@ (as urllib or httpx reads it)."""
    if "@" in urlsplit(url).netloc:
        return True
    try:
        return bool(httpx.URL(url).userinfo)
    except httpx.InvalidURL:
        return False


def without_credentials(url: str) -> str:
    """The URL with any user:password@ removed, safe to show and store."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES or "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def credentials_error(url: str) -> FetchError:
    """The one-line refusal of a URL with credentials; it never repeats them."""
    return FetchError(
        f"{without_credentials(url)}: credentials in URLs are not stored or sent; "
        "remove user:pass@ from the link"
    )


def _hop(origin: str, hop: str | None) -> str:
    """The start of a message about origin, or about hop when origin redirected there."""
    return f"{origin}:" if hop is None else f"{origin}: redirects to {without_credentials(hop)};"


class AddressRefused(Exception):
    """Raised while connecting to a host the policy refuses; fetch words it with the URL."""

    def __init__(self, host: str, address: str, kind: str) -> None:
        super().__init__(f"{host} resolves to a {kind} address {address}")
        self.host = host
        self.address = address
        self.kind = kind

    def message(self, origin: str, hop: str | None = None) -> str:
        """One line naming the link, the address and the opt-in."""
        article = "an" if self.kind[0] in "aeiou" else "a"
        if ipaddress.ip_address(self.address) == _literal(self.host):
            what = f"{self.address} is {article} {self.kind} address"
        else:
            what = f"{self.host} resolves to {article} {self.kind} address {self.address}"
        return f"{_hop(origin, hop)} {what}; {OPT_IN}"


def _literal(host: str) -> IPAddress | None:
    """The IP address a host is written as, if it is an IP literal."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True)
class FetchPolicy:
    """Decides whether a URL may be fetched and which addresses a host may be reached at."""

    allow_private: bool = False
    resolver: Resolver = field(default=system_resolver)

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        """The policy the settings ask for."""
        return cls(allow_private=settings.allow_private_urls)

    def check_url(self, origin: str, hop: str | None = None) -> None:
        """Refuse a link (origin, or hop when origin redirected there) not http(s) or with credentials."""
        url = origin if hop is None else hop
        if has_credentials(url):
            if hop is None:
                raise credentials_error(origin)
            raise FetchError(f"{_hop(origin, hop)} credentials in URLs are not sent, so newsdesk stops there")
        if urlsplit(url).scheme.lower() not in ALLOWED_SCHEMES:
            raise FetchError(f"{_hop(origin, hop)} newsdesk fetches only http and https links")

    def refusal(self, address: str, port: int) -> str | None:
        """Why address:port may not be reached (the kind of range), or None when it may."""
        return None if self.allow_private else forbidden_kind(address)

    def addresses(self, host: str, port: int) -> list[str]:
        """Resolve host once and return its addresses, or raise AddressRefused if any is refused."""
        try:
            found = self.resolver(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        for address in found:
            kind = self.refusal(address, port)
            if kind is not None:
                raise AddressRefused(host, address, kind)
        if not found:
            raise httpcore.ConnectError(f"{host} has no address")
        return found


class PolicyBackend(httpcore.NetworkBackend):
    """httpcore's socket backend, connecting only to the addresses the policy checked."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        """Check every address of host, then connect to the first checked one that answers."""
        error: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in self.policy.addresses(host, port):
            try:
                return self._sockets.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        """Refuse: fetching never goes through a local socket."""
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        """Wait between connection retries."""
        self._sockets.sleep(seconds)


class PolicyTransport(httpx.HTTPTransport):
    """httpx's own transport over a connection pool whose sockets go through the policy."""

    def __init__(self, policy: FetchPolicy, limits: httpx.Limits | None = None) -> None:
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        super().__init__(limits=limits)
        # HTTPTransport takes no network backend, so its pool is replaced by one built with httpcore's
        # public network_backend argument; TLS still verifies the certificate against the host name.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PolicyBackend(policy),
        )
