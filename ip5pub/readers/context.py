"""What a reader may know beyond a source's bytes: the workspace's site profiles.

A site profile fixes one site's pages once, instead of a sidecar per page:

    [sites."www.example.org"]
    title = "td.subject"              # the headline
    date = "span.view-date"           # the date line (or an element with datetime=)
    body = "div.view-content"         # the article's text
    drop = ["div.kogl", "ul.prev-next"]  # furniture to remove first

Each value is a CSS selector, applied before the generic rules. A page
belongs to a site by the host of its canonical or og:url (a saved page has
no other address); a profile for "example.org" also covers its subdomains,
the most specific host winning. Unknown keys and selectors that do not
parse are configuration errors.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

SITE_KEYS = ("title", "date", "body", "drop")


@dataclass(frozen=True)
class SiteProfile:
    host: str
    title: str | None = None
    date: str | None = None
    body: str | None = None
    drop: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadContext:
    """Passed to every reader; plain data, picklable for the worker processes."""

    sites: tuple[SiteProfile, ...] = field(default_factory=tuple)

    def profile_for(self, host: str | None) -> SiteProfile | None:
        host = (host or "").lower().strip(".")
        if not host:
            return None
        matches = [s for s in self.sites if host == s.host or host.endswith("." + s.host)]
        return max(matches, key=lambda s: len(s.host), default=None)

    @property
    def key(self) -> str:
        """A digest of everything here that can change what a reader returns (for the cache)."""
        data = [[s.host, s.title, s.date, s.body, list(s.drop)] for s in self.sites]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


NO_SITES = ReadContext()


def compile_selector(selector: str) -> Any:
    """An lxml selector for a CSS selector; ValueError naming it when it does not parse."""
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector

    try:
        return CSSSelector(selector)
    except SelectorError as exc:
        raise ValueError(f"{selector!r} is not a CSS selector ({exc})") from None


def parse_sites(table: Any) -> tuple[SiteProfile, ...]:
    """The [sites."host"] tables of ip5pub.toml; ValueError with one line naming what is wrong."""
    if not isinstance(table, dict):
        raise ValueError('sites must be tables: [sites."www.example.org"]')
    profiles = []
    for host, values in sorted(table.items()):
        where = f'[sites."{host}"]'
        if not isinstance(values, dict):
            raise ValueError(f"{where} must be a table of selectors")
        unknown = sorted(set(values) - set(SITE_KEYS))
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(SITE_KEYS)}")
        drop = values.get("drop", ())
        drop = (drop,) if isinstance(drop, str) else drop
        if not isinstance(drop, (list, tuple)) or not all(isinstance(d, str) for d in drop):
            raise ValueError(f"{where}: drop must be a selector or a list of selectors")
        for key in ("title", "date", "body"):
            if key in values and not isinstance(values[key], str):
                raise ValueError(f"{where}: {key} must be a CSS selector in a string")
        for selector in [*(values[k] for k in ("title", "date", "body") if k in values), *drop]:
            try:
                compile_selector(selector)
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from None
        profiles.append(SiteProfile(host=host.lower().strip("."), title=values.get("title"), date=values.get("date"),
                                    body=values.get("body"), drop=tuple(drop)))
    return tuple(profiles)


def select(tree: Any, selector: str) -> list[Any]:
    """Elements a profile's selector matches, in page order (none when it does not parse)."""
    try:
        return list(compile_selector(selector)(tree))
    except ValueError:
        return []
