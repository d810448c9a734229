"""RSS 2.0 and Atom feeds: one draft per <item>/<entry>.

Parsed with lxml with entity resolution, DTD loading and network access all
off, so an XML bomb or an external entity (XXE) cannot expand or read files.
An item's HTML (CDATA or entity-escaped) is walked into blocks like a page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
import html as htmllib
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from ip5pub.extract.dates import AmbiguousDate, ImpossibleDate, parse_date
from ip5pub.extract.offices import office_for_host, office_named_by_site
from ip5pub.extract.text import clean_line
from ip5pub.model import Draft, SourceError, SourceRef
from ip5pub.provenance import Origin, Provenance
from ip5pub.readers.base import Element, FormatReader, ReadError, ReadResult
from ip5pub.readers.context import NO_SITES, ReadContext
from ip5pub.readers.headerlines import HEADER_FIELD
from ip5pub.readers.htmltext import Block, clean_blocks, fragment_blocks, to_markdown

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
_SITE_SUFFIX = re.compile(r"\s+[-–—|:]\s+.*$")


def _parse(data: bytes) -> Element:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"feed is not well-formed XML ({exc})") from None
    # Unresolved entity references stay in the tree as nodes whose text is
    # "&name;"; drop them so a title does not read "Notice &xxe;".
    for ent in list(root.iter(etree.Entity)):
        parent, prev = ent.getparent(), ent.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + (ent.tail or "")
        else:
            parent.text = (parent.text or "") + (ent.tail or "")
        parent.remove(ent)
    return root


def _html_blocks(html: str, title: str) -> list[Block]:
    import lxml.html

    html = html.strip()
    if not html:
        return []
    if "<" not in html:  # plain text description
        html = "".join(f"<p>{p}</p>" for p in re.split(r"\n\s*\n", html.replace("&", "&amp;").replace("<", "&lt;")))
    root = lxml.html.fragment_fromstring(html, create_parent="div",
                                         parser=lxml.html.HTMLParser(remove_comments=True, no_network=True))
    return clean_blocks(fragment_blocks(root), title, HEADER_FIELD)


def _text(el: Element | None) -> str:
    return clean_line("".join(el.itertext())) if el is not None else ""


_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});")


def _title(el: Element | None, atom: bool) -> str:
    """An item's title as printed. RSS titles (and Atom ones of type html) are
    escaped HTML: 'R&amp;amp;D' in the XML is the HTML 'R&amp;D', printed
    'R&D'; decoded once more here, once only. An Atom text title is text."""
    text = _text(el)
    escaped = el is not None and (not atom or el.get("type") in ("html", "xhtml"))
    return clean_line(htmllib.unescape(text)) if escaped and _ENTITY.search(text) else text


def _owner(link: str | None, channel_link: str | None, channel_title: str) -> tuple[str | None, str | None, Provenance]:
    """(office, publisher, where each came from). The feed's own site says who
    published it; an aggregator's item may link to an office's page."""
    host = urlsplit(channel_link or link or "").hostname
    where = f"host of the {'feed' if channel_link else 'item'}'s link ({host})"
    office = office_for_host(host)
    site = _SITE_SUFFIX.sub("", channel_title).strip() or None
    named = Origin("the feed's title")
    if office:
        return office, None, Provenance().set("office", Origin(where))
    if host:
        return None, site or host, Provenance().set("publisher", named if site else Origin(where))
    code = office_named_by_site(site)
    found = Provenance().set("publisher", named) if site else Provenance()
    return code, site, found.set("office", Origin("the feed's title names the office")) if code else found


def _date(values: list[str]) -> tuple[dt.date | None, str | None]:
    error = None
    for value in values:
        try:
            d = parse_date(value)
        except AmbiguousDate as exc:  # a feed of no stated locale: never guessed
            error = f"ambiguous date: {exc}"
            continue
        except ImpossibleDate as exc:
            error = f"impossible date: {exc}"
            continue
        if d:
            return d, None
    return None, error


def read(path: Path, data: bytes, ref: SourceRef, context: ReadContext = NO_SITES) -> ReadResult:
    root = _parse(data)
    tag = root.tag if isinstance(root.tag, str) else ""
    found: list[tuple[Any, ...]] = []  # the arguments of _draft, one tuple per item
    if tag == f"{ATOM}feed":
        channel_title = _text(root.find(f"{ATOM}title"))
        channel_link = next((link.get("href") for link in root.findall(f"{ATOM}link")
                             if link.get("rel", "alternate") == "alternate"), None)
        items = root.findall(f"{ATOM}entry")
        for i, entry in enumerate(items, start=1):  # numbered from 1, as every message and sidecar says
            title = _title(entry.find(f"{ATOM}title"), atom=True)
            link = next((x.get("href") for x in entry.findall(f"{ATOM}link") if x.get("rel", "alternate") == "alternate"), None)
            content = entry.find(f"{ATOM}content")
            if content is None:
                content = entry.find(f"{ATOM}summary")
            html = _inner(content)
            dates = [(f"the entry's <{k}>", _text(entry.find(f"{ATOM}{k}"))) for k in ("published", "updated")]
            body = f"the entry's <{content.tag.removeprefix(ATOM)}>" if content is not None else "the entry"
            found.append((i, title, link, html, dates, channel_link, channel_title, body))
    elif tag in ("rss", "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"):
        channel = root.find("channel")
        channel = channel if channel is not None else root
        channel_title = _text(channel.find("title"))
        channel_link = _text(channel.find("link")) or None
        items = channel.findall("item") or root.findall("{http://purl.org/rss/1.0/}item")
        for i, item in enumerate(items, start=1):
            title = _title(item.find("title"), atom=False)
            link = _text(item.find("link")) or None
            content = item.find(CONTENT)
            html = content.text or "" if content is not None else (item.findtext("description") or "")
            dates = [("the item's <pubDate>", item.findtext("pubDate") or ""),
                     ("the item's <dc:date>", item.findtext(DC_DATE) or "")]
            body = "the item's <content:encoded>" if content is not None else "the item's <description>"
            found.append((i, title, link, html, dates, channel_link, channel_title, body))
    else:
        raise ReadError("XML file is neither an RSS nor an Atom feed")
    if not found:
        raise ReadError("feed has no items")
    # A bad item costs that item only: the others are still notices.
    drafts, skipped = [], []
    for args in found:
        try:
            drafts.append(_draft(ref, *args))
        except SourceError as exc:
            skipped.append(exc.reason)
    if not drafts:
        more = f" (and {len(skipped) - 1} more bad items)" if len(skipped) > 1 else ""
        raise ReadError(skipped[0] + more)
    if skipped:
        return ReadResult(drafts, skipped, len(found))
    return ReadResult(drafts, total=len(drafts))


def _inner(el: Element | None) -> str:
    """An Atom text construct as HTML: type="html" is escaped HTML, xhtml is markup."""
    if el is None:
        return ""
    if el.get("type") == "xhtml":
        from lxml import etree

        return "".join(etree.tostring(c, encoding="unicode") for c in el)
    return el.text or ""


def _draft(ref: SourceRef, i: int, title: str, link: str | None, html: str, dates: list[tuple[str, str | None]],
           channel_link: str | None, channel_title: str, body_from: str) -> Draft:
    item_ref = replace(ref, item=i)
    if not title:
        raise ReadError(f"item {i} has no title")
    date, error = _date([d for _, d in dates if d])
    blocks = _html_blocks(html, title)
    body = to_markdown(blocks)
    if not body.strip():
        raise ReadError(f"item {i} ({title[:40]}) has no text")
    office, publisher, origins = _owner(link, channel_link, channel_title)
    origins = origins.set("title", Origin("the item's <title>")).set("body", Origin(body_from))
    hints: dict[str, object] = {"title": title}
    if date is None:  # said by normalize, with the sidecar line that dates the item, unless the sidecar has it
        hints["_date_problem"] = f"item {i} ({title[:40]}): {error or 'no date'}"
    else:
        where = next(name for name, value in dates if value and _date([value])[0] == date)
        origins = origins.set("date", Origin(where))
        hints["date"] = date
    if office:
        hints["office"] = office
    if publisher:
        hints["publisher"] = publisher
    if link and link.startswith("http"):
        hints["url"] = link
    return Draft(body=body, source=item_ref, hints=hints, item=i, origins=origins)


def _sniff(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048]
    return bool(re.search(rb"<(?:rss|feed|rdf:RDF)[\s>]", start)) and not re.search(rb"<html[\s>]", start, re.I)


READER = FormatReader("feed", (".rss", ".atom", ".xml"), _sniff, read)
