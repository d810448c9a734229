"""Who published a saved page: the office, when it is an office's own site, and the publisher's name.

In order:

1. the host of the page's canonical/og:url: an office's own domain means
   that office (its former domains too: sipo.gov.cn is CNIPA's);
2. the names the page gives its site: `og:site_name`, `SiteName`,
   `application-name`, JSON-LD `publisher`; then the `<title>` segment that
   the copyright line confirms (a newsletter's "IP Asia Weekly - Issue 212"
   is IP Asia Weekly's), else the copyright holder, else the `<title>`
   suffix; a name that is an office's (current or former) stands for it.

A republished copy's "Source:"/"来源" line is never its publisher: it names
the original (normalize keeps it as `attribution`).
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from ip5pub.extract.offices import office_for_host, office_named_by_site
from ip5pub.extract.text import clean_line
from ip5pub.readers.base import Element
from ip5pub.readers.htmltitle import SITE_META, title_segments

_COPYRIGHT = re.compile(r"(?:Copyright|版权所有|©|\(c\))\s*(?:©|\(c\))?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*[:：]?\s*"
                        r"((?:[^.|　,，]|\.(?=\S))+)", re.I)  # a full stop ends it, "P.R.China" does not


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def copyright_holder(lines: list[str]) -> str | None:
    """The name on the page's last copyright line: '© 2024 IP Asia Weekly, 12 Harbour Road' -> 'IP Asia Weekly'."""
    for line in reversed(lines[-15:]):
        m = _COPYRIGHT.search(line)
        if m:
            name = clean_line(re.sub(r"\s*(?:All [Rr]ights [Rr]eserved|版权所有).*$", "", m.group(1)))
            return name if 2 <= len(name) <= 80 else None
    return None


def site_names(meta: dict[str, str], tree: Element, lines: list[str]) -> list[tuple[str, str]]:
    """(name, where from) of the site, most trusted first."""
    names = [(meta[k], k) for k in SITE_META[:4] if meta.get(k)]
    segments = title_segments(clean_line(tree.findtext(".//title") or ""))
    holder = copyright_holder(lines)
    if holder:
        confirmed = [s for s in segments if _key(s) and (_key(s) in _key(holder) or _key(holder) in _key(s))]
        names += [(s, "<title> segment named by the copyright line") for s in confirmed[:1]]
    if len(segments) > 1:
        names.append((segments[-1], "<title> suffix"))
    if holder:
        names.append((holder, "copyright line"))
    return names


class Owner(NamedTuple):
    office: str | None
    publisher: str | None
    publisher_from: str | None  # where the publisher's name came from
    office_from: str | None  # what made it the office's page
    names: tuple[tuple[str, str], ...]  # every (name, where) the page gives its site, most trusted first


def find_owner(url: str | None, meta: dict[str, str], tree: Element, lines: list[str]) -> Owner:
    """The office and publisher of this copy, and where each came from."""
    host = urlsplit(url).hostname if url else None
    host = host or meta.get("sitedomain")
    office = office_for_host(host)
    names = tuple(site_names(meta, tree, lines))
    if office:
        own = next(((n, src) for n, src in names if office_named_by_site(n) == office), (None, None))
        return Owner(office, own[0], own[1], f"host of the page's address ({host})", names)
    if host and names:
        return Owner(None, names[0][0], names[0][1], None, names)
    for name, src in names:
        domain = re.fullmatch(r"[\w.-]+\.[a-z]{2,}", name, re.I)
        code = office_named_by_site(name) or (office_for_host(name) if domain else None)
        if code:
            return Owner(code, name, src, f"{src} names the office", names)
    if names:
        return Owner(None, names[0][0], names[0][1], None, names)
    return Owner(None, host, "host of the page's address" if host else None, None, names)
