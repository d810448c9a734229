"""[fetch] in ip5pub.toml: where the week's notices come from, and how politely.

    [fetch]
    user_agent = "ip5pub (+https://www.example.org/briefing; analyst@example.org)"
    max_age = "60d"          # items older than this are not fetched
    allow_private = false    # true: also intranet and loopback addresses (intranets, tests)
    delay = 1.0              # seconds between two requests to one host
    timeout = 20             # seconds to connect, and between two reads

    [[fetch.feeds]]          # RSS 2.0, RSS 1.0 or Atom
    url = "https://www.example.org/news/rss.xml"
    name = "Example Office news"   # optional, shown in messages
    pages = true             # save each item's linked page, not only the item

    [[fetch.pages]]          # a news list page without a feed
    url = "https://www.example.org/news/"
    links = "ul.news-list a" # CSS selector of the links to the notices

Unknown keys, and values of the wrong type, are errors naming the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

FETCH_KEYS = ("user_agent", "max_age", "allow_private", "delay", "timeout", "feeds", "pages")
FEED_KEYS = ("url", "name", "pages")
PAGE_KEYS = ("url", "links", "name")
UA_EXAMPLE = 'user_agent = "ip5pub (+https://www.example.org/contact)"'
# A contact a site's operator can use: a web address or an e-mail address.
_CONTACT = re.compile(r"https?://[^\s;)]+\.[^\s;)]+|[^\s@;(<]+@[^\s@;)>]+\.[a-z]{2,}", re.I)
_HEADER_SAFE = re.compile(r"[\x20-\x7e]+")
_SPAN = re.compile(r"\d{1,4}\s*[dwmy]", re.I)


@dataclass(frozen=True)
class Feed:
    url: str
    name: str = ""
    pages: bool = False

    @property
    def label(self) -> str:
        return self.name or self.url


@dataclass(frozen=True)
class ListPage:
    url: str
    links: str  # CSS selector
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.url


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = ""
    max_age: str = "60d"
    allow_private: bool = False
    delay: float = 1.0
    timeout: float = 20.0
    feeds: tuple[Feed, ...] = ()
    pages: tuple[ListPage, ...] = ()

    @property
    def configured(self) -> bool:
        return bool(self.feeds or self.pages)


def web_url(value: Any, where: str) -> str:
    """An http(s) address with a host, or ValueError naming `where`."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: url must be an http(s) address in a string")
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{where}: url {url!r:.80} is not an http(s) address; only http and https are fetched")
    if parts.username or parts.password:
        raise ValueError(f"{where}: url {url!r:.80} carries a user name or password; ip5pub does not send credentials")
    return url


def _table(value: Any, keys: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be a table")
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(keys)}")
    return value


def _string(table: dict[str, Any], key: str, where: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise ValueError(f"{where}: {key} must be a string")
    return value.strip()


def _number(table: dict[str, Any], key: str, low: float, high: float, default: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError(f"[fetch] {key} must be a number of seconds from {low:g} to {high:g}")
    return float(value)


def _feeds(values: Any) -> tuple[Feed, ...]:
    if not isinstance(values, list):
        raise ValueError("fetch.feeds must be written as [[fetch.feeds]] tables")
    feeds = []
    for n, value in enumerate(values, 1):
        where = f"[[fetch.feeds]] #{n}"
        table = _table(value, FEED_KEYS, where)
        pages = table.get("pages", False)
        if not isinstance(pages, bool):
            raise ValueError(f"{where}: pages must be true or false")
        feeds.append(Feed(url=web_url(table.get("url"), where), name=_string(table, "name", where), pages=pages))
    return tuple(feeds)


def _pages(values: Any) -> tuple[ListPage, ...]:
    from ip5pub.readers.context import compile_selector

    if not isinstance(values, list):
        raise ValueError("fetch.pages must be written as [[fetch.pages]] tables")
    pages = []
    for n, value in enumerate(values, 1):
        where = f"[[fetch.pages]] #{n}"
        table = _table(value, PAGE_KEYS, where)
        links = _string(table, "links", where)
        if not links:
            raise ValueError(f'{where}: links is required: the CSS selector of the links to the notices ("ul.news a")')
        try:
            compile_selector(links)
        except ValueError as exc:
            raise ValueError(f"{where}: links: {exc}") from None
        pages.append(ListPage(url=web_url(table.get("url"), where), links=links, name=_string(table, "name", where)))
    return tuple(pages)


def parse_fetch(value: Any) -> FetchSettings:
    """The [fetch] table of ip5pub.toml; ValueError with one line naming what is wrong."""
    table = _table(value, FETCH_KEYS, "[fetch]")
    settings = FetchSettings(
        user_agent=_string(table, "user_agent", "[fetch]"),
        max_age=_string(table, "max_age", "[fetch]") or FetchSettings.max_age,
        allow_private=table.get("allow_private", False),
        delay=_number(table, "delay", 0, 60, FetchSettings.delay),
        timeout=_number(table, "timeout", 0.05, 300, FetchSettings.timeout),
        feeds=_feeds(table.get("feeds", [])),
        pages=_pages(table.get("pages", [])))
    if not isinstance(settings.allow_private, bool):
        raise ValueError("[fetch] allow_private must be true or false")
    if not _SPAN.fullmatch(settings.max_age):
        raise ValueError(f"[fetch] max_age {settings.max_age!r:.40} must be a span back from today: 7d, 2w, 2m or 1y")
    if settings.configured or settings.user_agent:
        ua = settings.user_agent
        if not ua or not _HEADER_SAFE.fullmatch(ua) or not _CONTACT.search(ua):
            raise ValueError("[fetch] user_agent is required and must name a contact (a web or e-mail address) in "
                             f"printable ASCII, as polite crawlers do: {UA_EXAMPLE}")
    return settings
