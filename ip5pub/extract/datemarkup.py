"""Dates in a page's structured data: meta tags and JSON-LD (steps 3 and 6 of pagedate).

Values here are written by machines, so a value that is no date is skipped,
never an error, and the page's language does not decide the order of a
slashed value: servers write them in their own locale (11/01/2023 on a German
page is November).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ip5pub.extract.dates import ImpossibleDate, parse_date

EARLIEST = dt.date(1990, 1, 1)

PUBLISHED_META = (  # in order of trust: explicit publication keys first, bare "date" last
    "article:published_time", "article:published", "og:published_time", "og:article:published_time",
    "article:published_date", "article:publicationdate", "article.published", "published_time", "published-date",
    "published_date", "publisheddate", "publication_date", "publication-date", "publish-date", "publish_date",
    "publishdate", "pubdate", "datepublished", "date_published", "dateposted", "rnews:datepublished",
    "sailthru.date", "parsely-pub-date", "cxenseparse:recs:publishtime", "bt:pubdate", "originalpublicationdate",
    "citation_publication_date", "citation_date", "dc.date.issued", "dcterms.issued", "dc.date.publication",
    "dc.date.created", "dcterms.created", "dc.created", "dc:created", "datecreated", "date_created", "article.created",
    "dc.date", "dc:date", "dcterms.date", "date", "created",
)
MODIFIED_META = (
    "article:modified_time", "article:modified", "og:updated_time", "og:modified_time", "datemodified",
    "dcterms.modified", "dc.modified", "modified_time", "updated_time", "lastmodified", "last-modified",
    "lastmodifieddate", "modified",
)
_LD_PUBLISHED = ("datePublished", "dateCreated", "uploadDate")
_LD_KEY = re.compile(r'"(datePublished|dateCreated|uploadDate|dateModified)"\s*:\s*"([^"]{6,40})"')
_LD_ARTICLE = re.compile(r"Article|Posting|Report|Release|NewsArticle|WebPage|CreativeWork", re.I)


@dataclass(frozen=True)
class Candidate:
    step: int  # the precedence step (ip5pub.extract.pagedate); lower wins
    distance: int  # from the headline, in elements; lower wins within a step
    date: dt.date
    where: str  # what stated it, for tests and debugging


def plausible(d: dt.date | None) -> bool:
    return d is not None and d >= EARLIEST


def page_language(tree) -> str | None:
    """The page's declared language: <html lang>, else Content-Language, else og:locale."""
    root = tree.getroottree().getroot()
    if root.get("lang") or root.get("xml:lang"):
        return root.get("lang") or root.get("xml:lang")
    for m in tree.iter("meta"):
        key = (m.get("http-equiv") or m.get("name") or m.get("property") or "").lower()
        if key in ("content-language", "language", "og:locale", "dc.language") and m.get("content"):
            return m.get("content").split(",")[0]
    return None


def _parse(text: str) -> dt.date | None:
    """A plausible date in a machine-written value, or None (bad values are skipped, not errors).

    The page's language does not decide a slashed value here: servers write
    meta values in their own locale (11/01/2023 on a German page is November).
    """
    try:
        d = parse_date(text[:200])
    except ImpossibleDate:
        return None
    return d if plausible(d) else None


def _meta_values(tree) -> dict[str, str]:
    found: dict[str, str] = {}
    for m in tree.iter("meta"):
        value = (m.get("content") or m.get("datetime") or "").strip()
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (m.get(attr) or "").strip().lower()
            if key and value:
                found.setdefault(key, value)
    return found


def _json_ld(tree) -> Iterator[dict]:
    """Every object of the page's JSON-LD, the article-like ones first."""
    objects: list[dict] = []

    def walk(node: object, depth: int) -> None:
        if depth > 8:
            return
        if isinstance(node, dict):
            objects.append(node)
            for value in node.values():
                walk(value, depth + 1)
        elif isinstance(node, list):
            for value in node:
                walk(value, depth + 1)

    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            walk(json.loads(script.text, strict=False), 0)
        except ValueError:  # broken JSON (trailing commas, stray quotes): its date keys still say what they say
            walk({k: v for k, v in _LD_KEY.findall(script.text)}, 0)
    kinds = [" ".join(o["@type"]) if isinstance(o.get("@type"), list) else str(o.get("@type", "")) for o in objects]
    yield from (o for o, k in zip(objects, kinds) if _LD_ARTICLE.search(k))
    yield from (o for o, k in zip(objects, kinds) if not _LD_ARTICLE.search(k))


def markup_dates(tree) -> list[Candidate]:
    """Steps 1 and 4: the dates the page's structured data states."""
    out: list[Candidate] = []
    meta = _meta_values(tree)
    for rank, key in enumerate(PUBLISHED_META):
        d = _parse(meta.get(key, ""))
        if d:
            out.append(Candidate(3, 100 + rank, d, f"meta {key}"))
    for obj in _json_ld(tree):
        for key in _LD_PUBLISHED:
            d = _parse(obj[key]) if isinstance(obj.get(key), str) else None
            if d:
                out.append(Candidate(3, 0, d, f"JSON-LD {key}"))
        d = _parse(obj["dateModified"]) if isinstance(obj.get("dateModified"), str) else None
        if d:
            out.append(Candidate(6, 0, d, "JSON-LD dateModified"))
    for rank, key in enumerate(MODIFIED_META):
        d = _parse(meta.get(key, ""))
        if d:
            out.append(Candidate(6, 100 + rank, d, f"meta {key}"))
    return out
