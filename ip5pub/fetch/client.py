"""One polite HTTP client for `ip5pub fetch` (httpx, imported only here).

Every request: the site's robots.txt honoured; one request at a time, and
`delay` seconds (or the site's Crawl-delay) between two to the same host;
connect and read timeouts and a time limit for the whole body; the body
cut at the readers' 10 MiB whatever its compression; conditional GET
(If-None-Match, If-Modified-Since); at most 5 redirects, each one checked
like the first (http(s) only, robots.txt, the address policy of guard.py,
which holds on the address actually connected to); 429 and 5xx retried a
bounded number of times, after Retry-After when the site gives one. Proxy
settings from the environment are not used: the address checks must see
the real address. Every failure is a FetchError with a one-line reason.
"""

from __future__ import annotations

import contextlib
import email.utils
import re
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

import httpcore
import httpx

from ip5pub import __version__
from ip5pub.fetch import body as bodies
from ip5pub.fetch.config import FetchSettings
from ip5pub.fetch.guard import AddressRefused, GuardedBackend, NameNotResolved, Resolver
from ip5pub.fetch.robots import Robots, RobotsUnreachable
from ip5pub.readers import MAX_BYTES

MAX_REDIRECTS = 5
RETRIES = 2  # after the first try: 429 and 5xx are tried three times in all
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_WAIT = 120.0  # seconds; a Retry-After longer than this is not waited for
REDIRECTS = {301, 302, 303, 307, 308}
FEED = "feed"
PAGE = "page"
_ACCEPT = {FEED: "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1",
           PAGE: "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"}
_ERRNO = re.compile(r"^\[Errno -?\d+\]\s*")
_SSL_REASON = re.compile(r"\[SSL: [A-Z0-9_]+\]\s*(.*?)\s*\(_ssl\.c:\d+\)")


class FetchError(Exception):
    """A URL that could not be fetched; str() is the one-line reason."""

    def __init__(self, reason: str, robots: bool = False, status: int | None = None):
        super().__init__(reason)
        self.robots = robots  # refused by the site's robots.txt (not a failure of the site)
        self.status = status  # the HTTP status of an answer that was an error; None: no answer at all


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 (not modified: no body)
    body: bytes
    media_type: str  # "text/html", "" when not given
    charset: str | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class _Raw:
    status: int
    reason: str
    headers: httpx.Headers
    body: bytes


def content_type(value: str) -> tuple[str, str | None]:
    """'text/html; charset=GB2312' -> ('text/html', 'GB2312')."""
    media, _, params = value.partition(";")
    charset = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_:.\-]+)", params, re.I)
    return media.strip().lower(), charset.group(1) if charset else None


def _kind_allows(kind: str, media: str) -> bool:
    if media in ("", "application/octet-stream"):
        return True  # said by nobody: the content decides
    if kind == PAGE:
        return media in ("text/html", "application/xhtml+xml")
    return "xml" in media or "rss" in media or "atom" in media or media.startswith("text/")


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _network_reason(exc: Exception, timeout: float) -> str:
    if isinstance(exc, NameNotResolved):
        return f"cannot find the host {exc.host} (DNS: {exc.reason})"
    if isinstance(exc, AddressRefused):
        return str(exc)
    if isinstance(exc, httpx.ConnectTimeout):
        return f"no connection within {timeout:g} s (timeout)"
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g} s (timeout)"
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            found = _SSL_REASON.search(str(cause))
            return f"TLS error: {found.group(1) if found else cause.reason or cause}"
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {_ERRNO.sub('', str(exc)).lower() or 'refused'}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the server broke off the exchange ({exc})"
    if isinstance(exc, (bodies.TooLarge, bodies.BadEncoding, bodies.SlowBody)):
        return str(exc)
    return f"network error: {exc}"


@contextlib.contextmanager
def _as_httpx() -> Iterator[None]:
    """httpcore's exceptions as httpx's (the same names), as httpx's own transport does."""
    try:
        yield
    except httpcore.TimeoutException as exc:
        raise getattr(httpx, type(exc).__name__, httpx.TimeoutException)(str(exc)) from exc
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as exc:
        raise getattr(httpx, type(exc).__name__, httpx.TransportError)(str(exc)) from exc


class _Stream(httpx.SyncByteStream):
    def __init__(self, stream: httpcore.Response) -> None:
        self.stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx():
            yield from self.stream.iter_stream()

    def close(self) -> None:
        self.stream.close()


class GuardedTransport(httpx.BaseTransport):
    """httpx over an httpcore pool whose connections go through GuardedBackend."""

    def __init__(self, backend: GuardedBackend):
        import certifi

        context = ssl.create_default_context(cafile=certifi.where())
        self.pool = httpcore.ConnectionPool(ssl_context=context, network_backend=backend, retries=0,
                                            max_connections=4, keepalive_expiry=5.0)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = httpcore.URL(scheme=request.url.raw_scheme, host=request.url.raw_host, port=request.url.port,
                           target=request.url.raw_path)
        with _as_httpx():
            response = self.pool.handle_request(httpcore.Request(
                method=request.method, url=url, headers=request.headers.raw, extensions=request.extensions))
        return httpx.Response(status_code=response.status, headers=response.headers, stream=_Stream(response),
                              extensions=response.extensions)

    def close(self) -> None:
        self.pool.close()


class Client:
    def __init__(self, settings: FetchSettings, *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, resolve: Resolver | None = None):
        backend = GuardedBackend(settings.allow_private) if resolve is None else \
            GuardedBackend(settings.allow_private, resolve)
        self.settings = settings
        self.sleep, self.clock = sleep, clock
        self.limit = MAX_BYTES
        self.http = httpx.Client(transport=GuardedTransport(backend), trust_env=False, follow_redirects=False,
                                 timeout=httpx.Timeout(settings.timeout),
                                 headers={"User-Agent": settings.user_agent or f"ip5pub/{__version__}",
                                          "Accept-Encoding": bodies.accepted()})
        self.robots = Robots(self._robots_txt, settings.user_agent)
        self.last: dict[str, float] = {}  # host -> when its last request ended
        self.requests = 0

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, kind: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """The page or feed at `url` (status 304 with no body when the validators still hold)."""
        headers = {"Accept": _ACCEPT[kind]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        raw, final = self._follow(url, headers, robots=True)
        if raw.status == 304:
            if not (etag or last_modified):
                raise FetchError("HTTP 304 Not Modified, to a request that had nothing to compare with", status=304)
            return Fetched(final, 304, b"", "", None, etag, last_modified)
        media, charset = content_type(raw.headers.get("content-type", ""))
        if not _kind_allows(kind, media):
            what = "a web page (HTML)" if kind == PAGE else "a feed (RSS or Atom)"
            raise FetchError(f"expected {what}, got {media}: not saved")
        return Fetched(final, 200, raw.body, media, charset, raw.headers.get("etag"), raw.headers.get("last-modified"))

    def _robots_txt(self, url: str) -> tuple[int, bytes]:
        """(status, body) of a robots.txt; a FetchError when the site did not answer at all."""
        try:
            raw, _ = self._follow(url, {"Accept": "text/plain"}, robots=False)
        except FetchError as exc:
            if exc.status is None:
                raise
            return exc.status, b""
        return raw.status, raw.body

    def _follow(self, url: str, headers: dict[str, str], robots: bool) -> tuple[_Raw, str]:
        seen = {url}
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            scheme = urlsplit(current).scheme.lower()
            if scheme not in ("http", "https"):
                raise FetchError(f"redirected to a {scheme}: address ({current:.80}); only http(s) is followed")
            if robots:
                try:
                    allowed = self.robots.allowed(current)
                except RobotsUnreachable as exc:
                    raise FetchError(str(exc)) from None
                if not allowed:
                    raise FetchError(f"{current:.100} is disallowed by its site's robots.txt", robots=True)
            raw = self._retried(current, headers)
            if raw.status not in REDIRECTS:
                if raw.status >= 400:
                    raise FetchError(f"HTTP {raw.status} {raw.reason}".strip(), status=raw.status)
                if raw.status not in (200, 304):
                    raise FetchError(f"HTTP {raw.status} {raw.reason}: nothing to save".strip(), status=raw.status)
                return raw, current
            location = raw.headers.get("location", "").strip()
            if not location:
                raise FetchError(f"HTTP {raw.status} redirect without a Location")
            target = urldefrag(urljoin(current, location)).url
            if target in seen:
                raise FetchError(f"redirect loop: {current:.80} leads back to {target:.80}")
            seen.add(target)
            current = target
        raise FetchError(f"more than {MAX_REDIRECTS} redirects from {url:.80}")

    def _retried(self, url: str, headers: dict[str, str]) -> _Raw:
        for attempt in range(RETRIES + 1):
            raw = self._once(url, headers)
            if raw.status not in RETRY_STATUSES:
                return raw
            if attempt == RETRIES:
                return _Raw(raw.status, f"{raw.reason} ({attempt + 1} tries)".strip(), raw.headers, b"")
            wait = retry_after(raw.headers.get("retry-after"))
            if wait is None:
                wait = max(self.settings.delay, 0.5) * 2 ** attempt
            if wait > MAX_WAIT:
                raise FetchError(f"HTTP {raw.status} {raw.reason}: the site asks to wait {wait:.0f} s, "
                                 f"more than {MAX_WAIT:.0f}; tried again next run")
            self.sleep(wait)
        raise AssertionError("unreachable")

    def _turn(self, host: str, url: str) -> None:
        """Wait until `host` may be asked again."""
        pause = max(self.settings.delay, self.robots.delay(url))
        wait = self.last.get(host, float("-inf")) + pause - self.clock()
        if wait > 0:
            self.sleep(wait)

    def _once(self, url: str, headers: dict[str, str]) -> _Raw:
        host = (urlsplit(url).hostname or "").lower()
        self._turn(host, url)
        deadline = self.clock() + max(10 * self.settings.timeout, 5.0)
        self.requests += 1
        try:
            with self.http.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status != 200:  # a redirect, 304 or an error: the body is not needed
                    return _Raw(status, response.reason_phrase, response.headers, b"")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.limit:
                    raise FetchError(f"the response is {int(declared) / 1048576:.1f} MiB; the limit is "
                                     f"{self.limit // 1048576} MiB: not saved")
                data = bodies.read_body(response.iter_raw(), response.headers.get("content-encoding", ""),
                                        self.limit, deadline, self.clock)
                return _Raw(status, response.reason_phrase, response.headers, data)
        except (httpx.HTTPError, NameNotResolved, AddressRefused, bodies.TooLarge, bodies.BadEncoding,
                bodies.SlowBody) as exc:
            raise FetchError(_network_reason(exc, self.settings.timeout)) from None
        except (httpx.InvalidURL, UnicodeError) as exc:  # a link or a Location no request can be made of
            raise FetchError(f"not an address a request can be made to ({exc})") from None
        finally:
            self.last[host] = self.clock()
