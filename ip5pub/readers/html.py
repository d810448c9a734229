"""Saved web pages of the offices and of those who republish them.

The article text comes from trafilatura (main-content extraction that is kept
up to date against real news sites); the metadata comes from the page's own
structure by a precedence cascade, each step a small function returning a
value or None:

- title:  the visible headline that the <title>/og:title/description names,
          else CMS/og meta, else the <title> without its site suffix;
- date:   ip5pub.extract.pagedate (meta and JSON-LD, <time>, date lines);
Each field's origin (and what lost) goes with the draft, for review.
- who:    the host of canonical/og:url (an office's domain means the office),
          else og:site_name/SiteName, the <title> suffix, the copyright line.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from ip5pub.extract.dateorigin import date_origin
from ip5pub.extract.dates import ImpossibleDate, parse_date
from ip5pub.extract.offices import ALIASES
from ip5pub.extract.pagedate import best, candidates, date_in_line
from ip5pub.extract.text import clean_line
from ip5pub.model import Draft, SourceError, SourceRef
from ip5pub.provenance import Origin, Provenance, Rival
from ip5pub.readers.base import Element, FormatReader, ReadError, ReadResult
from ip5pub.readers.context import NO_SITES, ReadContext, SiteProfile, select
from ip5pub.readers.decode import decode
from ip5pub.readers.headerlines import HEADER_FIELD
from ip5pub.readers.htmlowner import Owner, find_owner
from ip5pub.readers.htmltext import Block, clean_blocks, fragment_blocks, is_prose, to_markdown, xml_blocks
from ip5pub.readers.htmltitle import Candidate, element_text, find_title, title_segments  # noqa: F401 - title_segments: used by callers
from ip5pub.readers.layout import Layout, marks
from ip5pub.readers.recovery import drop_boxed, locate, norm, recover_missed

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)"""
                      rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.-]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    m = _CHARSET.search(data[:4096])
    if not m:
        return None
    return (m.group(1) or m.group(2)).decode("ascii", "replace")


def parse_tree(text: str) -> Element:
    import lxml.html

    # lxml refuses str input that still carries an encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except Exception as exc:  # lxml raises ParserError/ValueError on empty or broken input
        raise ReadError(f"not a readable HTML page ({exc})") from None


def _meta(tree: Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for m in tree.iter("meta"):
        key = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower()
        value = clean_line(m.get("content") or "")
        if key and value and key not in found:
            found[key] = value
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []:
            if not isinstance(item, dict):
                continue
            # JSON-LD strings are often HTML-escaped by the CMS ("R&amp;D"): decoded
            # once here, as the parser decoded the page's own text once.
            for src, key in (("headline", "headline"), ("datePublished", "datepublished"), ("url", "ld:url")):
                if isinstance(item.get(src), str):
                    found.setdefault(key, clean_line(html.unescape(item[src])))
            pub = item.get("publisher")
            if isinstance(pub, dict) and isinstance(pub.get("name"), str):
                found.setdefault("publisher", clean_line(html.unescape(pub["name"])))
    return found


def _canonical(tree: Element, meta: dict[str, str]) -> str | None:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and (link.get("href") or "").startswith("http"):
            return str(link.get("href")).strip()
    for key in ("og:url", "ld:url", "twitter:url"):
        if meta.get(key, "").startswith("http"):
            return meta[key]
    return None


# What a browser writes first when it saves a page, and `ip5pub fetch` too:
# the page's address, for its office and site profile when it names none itself.
_SAVED_FROM = re.compile(r"\A\ufeff?\s*<!-- saved from url=\(\d{4}\)(https?://[!-~]+?) -->")


def saved_from(text: str) -> str | None:
    m = _SAVED_FROM.match(text)
    return m.group(1) if m else None


def _lines(tree: Element) -> list[str]:
    """The page as lines of text, one per block element, cells joined by ' | '."""
    lines: list[str] = [""]
    block = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "ul", "ol",
             "table", "dd", "dt", "dl", "blockquote", "pre", "main", "figure", "figcaption", "caption", "form", "address"}

    def walk(el: Element) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in ("script", "style", "noscript", "head", "template") or (tag and tag in ("nav", "footer", "aside")):
            return
        if tag in block or tag == "br":
            lines.append("")
        if tag in ("td", "th") and lines[-1].strip():
            lines[-1] += " | "
        if el.text and tag:
            lines[-1] += el.text
        for child in el:
            walk(child)
            if child.tail:
                lines[-1] += child.tail
        if tag in block:
            lines.append("")

    body = tree.find("body")
    walk(body if body is not None else tree)
    return [x for x in (clean_line(line) for line in lines) if x]


def _config(short: bool) -> Any:
    from trafilatura.settings import use_config

    config = use_config()
    if short:
        # Notices are short: a three-sentence announcement is a whole article, not
        # a fragment to replace by what trafilatura's fallbacks find.
        for key in ("MIN_EXTRACTED_SIZE", "MIN_OUTPUT_SIZE", "MIN_EXTRACTED_COMM_SIZE", "MIN_OUTPUT_COMM_SIZE"):
            config.set("DEFAULT", key, "10")
    return config


def _extract(text: str) -> list[Block]:
    """The article's blocks by trafilatura.

    Its minimum sizes are lowered so that a short notice is kept as it is;
    but when what it keeps then is no article at all (a two-item toolbar, a
    caption), it runs again with its own sizes, so its fallback extractors
    (readability, jusText) get their chance.
    """
    import trafilatura

    blocks: list[Block] = []
    for short in (True, False):
        xml = trafilatura.extract(text, output_format="xml", include_tables=True, include_formatting=True,
                                  include_links=False, include_images=False, include_comments=False,
                                  deduplicate=False, favor_recall=True, with_metadata=False, config=_config(short))
        found = xml_blocks(xml) if xml else []
        if any(is_prose(b) for b in found):
            return found
        blocks = blocks or found
    return blocks


class Page(NamedTuple):
    hints: dict[str, object]
    blocks: list[Block]
    error: str | None  # the date line that is no date, when the page has no date
    origins: Provenance


def page_hints(text: str, context: ReadContext = NO_SITES) -> Page:
    """The hints, article blocks and date error of one HTML page, and where each field came from.

    A site profile for the page's host (context) is applied first: its drop
    selectors remove furniture, its body, title and date selectors win over
    the generic rules."""
    tree = parse_tree(text)
    meta = _meta(tree)
    url = _canonical(tree, meta) or saved_from(text)
    profile = context.profile_for(urlsplit(url).hostname if url else meta.get("sitedomain"))
    # Hover cards (a name's pop-up with its latest stories) sit inside the sentence
    # that names the person; shown only on hover, they are not text a reader reads.
    dropped = [el for el in tree.iter() if isinstance(el.tag, str) and _HOVER_CARD.search(el.get("class") or "")]
    dropped += [el for selector in (profile.drop if profile else ()) for el in select(tree, selector)]
    if dropped:
        for el in dropped:
            el.drop_tree()
        import lxml.html

        text = lxml.html.tostring(tree, encoding="unicode")
    chosen = select(tree, profile.body) if profile and profile.body else []
    blocks = [b for el in chosen for b in fragment_blocks(el)] if chosen else _extract(text)
    located = locate(tree, blocks)
    layout = Layout(tree, chosen[0] if chosen else located.container)
    lines = _lines(tree)
    owner = find_owner(url, meta, tree, lines)
    office, publisher = owner.office, owner.publisher
    owners = tuple(ALIASES.get(office or "", ())) + ((publisher,) if publisher else ())
    title = _profile_title(tree, profile) or find_title(tree, meta, layout, owners)
    if title is None:
        raise ReadError("no title found (no <title>, og:title or headline)")  # read() adds the fix
    body_from = "the article as trafilatura finds it, with the paragraphs it missed"
    if chosen:
        body_from = f"site profile body ({profile.body if profile else ''})"
    elif blocks:
        blocks = recover_missed(tree, blocks, title.text, layout.is_furniture, located)
        blocks = drop_boxed(blocks, located, layout.is_furniture)
    else:
        # Nothing found by trafilatura: fall back to the article or main container.
        container = next((el for el in tree.iter("article", "main")), None)
        body_from = f"the page's <{container.tag}>" if container is not None else "the page's <body>"
        container = container if container is not None else tree.find("body")
        blocks = fragment_blocks(container) if container is not None else []
    blocks = _without_standfirst(tree, clean_blocks(blocks, title.text, HEADER_FIELD))
    first = next((b.text for b in blocks if b.kind == "p"), "")
    origins = Provenance().set("title", title.origin or Origin(title.source)).set("body", Origin(body_from))
    date, error = _profile_date(tree, profile), None
    if date:
        origins = origins.set("date", Origin(f"site profile date ({profile.date if profile else ''})"))
    else:
        found, error = candidates(tree, title.text, first[:20])
        date = best(found).date if found else None
        if found:
            origins = origins.set("date", date_origin(found))
    origins = _owner_origins(owner, origins)
    hints: dict[str, object] = {"title": title.text}
    if date:
        hints["date"] = date
    if office:
        hints["office"] = office
    if publisher:
        hints["publisher"] = publisher
    if url:
        hints["url"] = url
    return Page(hints, blocks, error, origins)


def _owner_origins(owner: Owner, origins: Provenance) -> Provenance:
    if owner.office and owner.office_from:
        origins = origins.set("office", Origin(owner.office_from))
    if owner.publisher and owner.publisher_from:
        key = owner.publisher.casefold()
        lost = [Rival(name, src, f"{owner.publisher_from} comes first") for name, src in owner.names
                if name.casefold() != key]
        also = tuple(src for name, src in owner.names if name.casefold() == key and src != owner.publisher_from)
        origins = origins.set("publisher", Origin(owner.publisher_from, also).beating(*lost))
    return origins


def _profile_title(tree: Element, profile: SiteProfile | None) -> Candidate | None:
    found = select(tree, profile.title) if profile and profile.title else []
    text = element_text(found[0]) if found else ""
    return Candidate(text, "site profile title", found[0], Origin(f"site profile title ({profile.title})")) \
        if text and profile else None


def _profile_date(tree: Element, profile: SiteProfile | None) -> dt.date | None:
    """The date the profile's selector points at (a datetime attribute, else the text), or None."""
    for el in select(tree, profile.date) if profile and profile.date else []:
        for value in (el.get("datetime"), el.get("content"), element_text(el)):
            try:
                found = parse_date(value or "") or (date_in_line(value) if value else None)
            except ImpossibleDate:
                found = None
            if found:
                return found
    return None


# The pop-up part only ("tooltiptext", "rollover-people-block"): the word it hangs on stays.
_HOVER_CARD = re.compile(r"(?:^|\s)(?:[\w-]*(?:rollover|hover-?card|tooltip|popover)[\w-]*"
                         r"(?:block|card|box|content|panel|body|text)|hovercard)(?:\s|$)", re.I)
_STANDFIRST = re.compile(r"sub-?title|standfirst|\bdek\b|strapline|teaser|kicker|sub-?head(?:line)?\b", re.I)


def _without_standfirst(tree: Element, blocks: list[Block]) -> list[Block]:
    """Leading paragraphs printed as the standfirst under the headline (a class says so): not article text."""
    marked = {norm(element_text(el)) for el in tree.iter() if isinstance(el.tag, str) and _STANDFIRST.search(marks(el))}
    while len(blocks) > 1 and blocks[0].kind == "p" and norm(blocks[0].text) in marked:
        blocks = blocks[1:]
    return blocks


def read(path: Path, data: bytes, ref: SourceRef, context: ReadContext = NO_SITES) -> ReadResult:
    text = decode(data, declared_charset(data))
    try:
        hints, blocks, error, origins = page_hints(text, context)
    except SourceError as exc:
        if exc.reason.startswith("no title found"):
            raise ReadError(f'{exc.reason}; add "title: ..." to {ref.path}.meta.yaml') from None
        raise
    if "date" not in hints and error:
        hints["_date_problem"] = error  # said by normalize unless a sidecar gives the date
    body = to_markdown(blocks)
    if not body.strip():
        raise ReadError(f"no article text found in the page; copy the article's text into a .txt or .md "
                              f"file beside {ref.path}, or give its site a profile with a body selector")
    return ReadResult([Draft(body=body, source=ref, hints=hints, origins=origins)])


def _sniff(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1024].lower()
    return start.startswith((b"<!doctype html", b"<html")) or (start.startswith(b"<") and b"<html" in start[:1024])


READER = FormatReader("html", (".html", ".htm", ".xhtml", ".shtml"), _sniff, read)
