"""HTTP fetching under the fetch policy: timeouts, a redirect limit, a size cap, a content-type check."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from assistant.errors import FetchError
from assistant.settings import Settings
from ingest.policy import AddressRefused, FetchPolicy, PolicyTransport

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
)
PDF_TYPES = ("application/pdf",)
TEXT_TYPES = ("text/plain", "text/markdown")
ACCEPTED_TYPES = HTML_TYPES + FEED_TYPES + PDF_TYPES + TEXT_TYPES


@dataclass(frozen=True)
class Fetched:
    """A fetched resource: final URL after redirects, media type, charset and body; the validators a later
    conditional GET sends (etag, last_modified), and not_modified when such a GET was answered 304."""

    url: str
    requested_url: str
    media_type: str
    charset: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False

    def text(self) -> str:
        """Body decoded with the declared charset, else UTF-8 with replacement."""
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


class Fetcher:
    """Fetches URLs for ingest; one httpx client, reused."""

    def __init__(self, settings: Settings, policy: FetchPolicy | None = None) -> None:
        self.settings = settings
        self.policy = policy or FetchPolicy.from_settings(settings)
        # redirects are followed here, hop by hop, so the policy sees every address before it is reached
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.fetch_timeout, connect=min(10.0, settings.fetch_timeout)),
            follow_redirects=False,
            transport=PolicyTransport(self.policy),
            headers={
                "User-Agent": settings.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
                "application/xml;q=0.9,application/pdf;q=0.8,text/plain;q=0.5,*/*;q=0.1",
            },
        )

    def close(self) -> None:
        """Release the connection pool."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        """Use as a context manager that closes the client."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the client."""
        self.close()

    def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET url and return its body, or raise FetchError with a one-line reason.  Given the validators
        of an earlier fetch, the GET is conditional and a 304 returns an empty Fetched with not_modified."""
        try:
            return self._follow(url, _conditional(etag, last_modified))
        except httpx.TimeoutException as exc:
            raise FetchError(
                f"{url}: timed out after {self.settings.fetch_timeout:g}s; "
                "retry later or raise NEWSDESK_FETCH_TIMEOUT"
            ) from exc
        except httpx.InvalidURL as exc:
            raise FetchError(f"{url}: not a valid URL ({exc})") from exc
        except httpx.HTTPError as exc:
            raise FetchError(
                f"{url}: could not connect ({_reason(exc)}); check the address and your network"
            ) from exc

    def _follow(self, url: str, headers: dict[str, str] | None = None) -> Fetched:
        """GET url, following redirects one hop at a time, each hop checked by the policy first."""
        self.policy.check_url(url)
        request = self._client.build_request("GET", url, headers=headers)
        hop: str | None = None  # the redirect target being fetched, None for url itself
        for _ in range(self.settings.fetch_max_redirects + 1):
            response = self._send(url, hop, request)
            try:
                if response.next_request is None:
                    if headers and response.status_code == 304:
                        return _not_modified(url, response)
                    return self._read(url, response)
                request = response.next_request
                hop = str(request.url)
                self.policy.check_url(url, hop)
            finally:
                response.close()
        raise FetchError(f"{url}: more than {self.settings.fetch_max_redirects} redirects; check the link")

    def _send(self, url: str, hop: str | None, request: httpx.Request) -> httpx.Response:
        """Send one request, streaming; a refused address becomes a FetchError naming url (and hop)."""
        try:
            return self._client.send(request, stream=True)
        except AddressRefused as exc:
            raise FetchError(exc.message(url, hop)) from None

    def _read(self, url: str, response: httpx.Response) -> Fetched:
        """The final response's body, once its status and content type pass."""
        self._check_status(url, response)
        media_type, charset = _content_type(response.headers.get("content-type", ""))
        if media_type and media_type not in ACCEPTED_TYPES:
            raise FetchError(
                f"{url}: content type {media_type} is not an article page or feed; "
                "give a link to an HTML page, feed or PDF"
            )
        body = self._read_capped(url, response)
        return Fetched(
            url=str(response.url),
            requested_url=url,
            media_type=media_type,
            charset=charset,
            body=body,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )

    def _check_status(self, url: str, response: httpx.Response) -> None:
        """Raise for any non-2xx final status."""
        if response.status_code >= 400:
            hint = (
                "the page does not exist"
                if response.status_code in (404, 410)
                else "the server refused or failed"
            )
            raise FetchError(
                f"{url}: HTTP {response.status_code} ({hint}); check the link or try again later"
            )

    def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        """Read the body, stopping with an error once it passes the size cap."""
        cap = self.settings.fetch_max_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise FetchError(
                f"{url}: {int(declared):,} bytes is over the {cap:,}-byte limit (NEWSDESK_FETCH_MAX_BYTES)"
            )
        chunks: list[bytes] = []
        size = 0
        # httpx's read timeout is per chunk; a server that drips bytes is also held to a total deadline
        deadline = time.monotonic() + 2 * self.settings.fetch_timeout
        for chunk in response.iter_bytes():
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("body still arriving after the deadline")
            size += len(chunk)
            if size > cap:
                raise FetchError(f"{url}: body is over the {cap:,}-byte limit (NEWSDESK_FETCH_MAX_BYTES)")
            chunks.append(chunk)
        return b"".join(chunks)


def _conditional(etag: str | None, last_modified: str | None) -> dict[str, str] | None:
    """The headers of a conditional GET (If-None-Match, If-Modified-Since); None without a validator."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers or None


def _not_modified(url: str, response: httpx.Response) -> Fetched:
    """A 304 to a conditional GET: nothing new, the validators kept (refreshed when the server sent them)."""
    return Fetched(
        url=str(response.url),
        requested_url=url,
        media_type="",
        charset=None,
        body=b"",
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        not_modified=True,
    )


def _content_type(header: str) -> tuple[str, str | None]:
    """Media type and charset of a Content-Type header."""
    parts = [p.strip() for p in header.split(";")]
    media_type = parts[0].lower() if parts and parts[0] else ""
    charset = None
    for part in parts[1:]:
        if part.lower().startswith("charset="):
            charset = part.split("=", 1)[1].strip("\"' ") or None
    return media_type, charset


def _reason(exc: Exception) -> str:
    """A short reason for a transport error."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:120]
