"""Saved web pages of the offices and of those who republish them.

The article text comes from trafilatura (main-content extraction that is kept
up to date against real news sites); the metadata comes from the page's own
structure by a precedence cascade, each step a small function returning a
value or None:

- title:  the visible headline that the <title>/og:title/description names,
          else CMS/og meta, else the <title> without its site suffix;
- date:   ip5pub.extract.pagedate (meta and JSON-LD, <time>, date lines);
- who:    the host of canonical/og:url (an office's domain means the office),
          else og:site_name/SiteName, the <title> suffix, the copyright line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from ip5pub.extract.offices import ALIASES, office_for_host, office_named_by_site
from ip5pub.extract.pagedate import find_date
from ip5pub.extract.text import clean_line
from ip5pub.model import Draft, SourceError, SourceRef
from ip5pub.readers import Reader
from ip5pub.readers.decode import decode
from ip5pub.readers.htmltext import Block, clean_blocks, fragment_blocks, is_prose, to_markdown, xml_blocks
from ip5pub.readers.htmltitle import SITE_META, find_title, title_segments
from ip5pub.readers.layout import Layout
from ip5pub.readers.recovery import locate, recover_missed
from ip5pub.readers.text import HEADER_FIELD

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)"""
                      rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.-]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    m = _CHARSET.search(data[:4096])
    if not m:
        return None
    return (m.group(1) or m.group(2)).decode("ascii", "replace")


def parse_tree(text: str):
    import lxml.html

    # lxml refuses str input that still carries an encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except Exception as exc:  # lxml raises ParserError/ValueError on empty or broken input
        raise SourceError("", f"not a readable HTML page ({exc})") from None


def _meta(tree) -> dict[str, str]:
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
            for src, key in (("headline", "headline"), ("datePublished", "datepublished"), ("url", "ld:url")):
                if isinstance(item.get(src), str):
                    found.setdefault(key, clean_line(item[src]))
            pub = item.get("publisher")
            if isinstance(pub, dict) and isinstance(pub.get("name"), str):
                found.setdefault("publisher", clean_line(pub["name"]))
    return found


def _canonical(tree, meta: dict[str, str]) -> str | None:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and (link.get("href") or "").startswith("http"):
            return link.get("href").strip()
    for key in ("og:url", "ld:url", "twitter:url"):
        if meta.get(key, "").startswith("http"):
            return meta[key]
    return None


def _lines(tree) -> list[str]:
    """The page as lines of text, one per block element, cells joined by ' | '."""
    lines: list[str] = [""]
    block = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "ul", "ol",
             "table", "dd", "dt", "dl", "blockquote", "pre", "main", "figure", "figcaption", "caption", "form", "address"}

    def walk(el) -> None:
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


_COPYRIGHT = re.compile(r"(?:Copyright|版权所有|©|\(c\))\s*(?:©|\(c\))?\s*(?:\d{4}(?:-\d{4})?)?\s*[:：]?\s*([^.|　]{2,60})", re.I)


def find_owner(url: str | None, meta: dict[str, str], tree, lines: list[str]) -> tuple[str | None, str | None]:
    """(office, publisher) of this copy, from its site."""
    host = urlsplit(url).hostname if url else None
    host = host or meta.get("sitedomain")
    office = office_for_host(host)
    names = [meta[k] for k in SITE_META[:3] if meta.get(k)]
    page_title = clean_line(tree.findtext(".//title") or "")
    segments = title_segments(page_title)
    if len(segments) > 1:
        names.append(segments[-1])
    for line in reversed(lines[-15:]):
        m = _COPYRIGHT.search(line)
        if m:
            names.append(clean_line(re.sub(r"\s*(?:All [Rr]ights [Rr]eserved|版权所有).*$", "", m.group(1))))
            break
    if office:
        return office, next((n for n in names if office_named_by_site(n) == office), None)
    if host and names:
        return None, names[0]
    for name in names:
        code = office_named_by_site(name) or (office_for_host(name) if re.fullmatch(r"[\w.-]+\.[a-z]{2,}", name, re.I) else None)
        if code:
            return code, name
    if names:
        return None, names[0]
    return None, host


def _config(short: bool):
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


def page_hints(text: str) -> tuple[dict[str, object], list[Block], str | None]:
    """(hints, article blocks, date error) of one HTML page.

    hints["_from"] says where each field came from (kept out of the notice's
    front matter, for review)."""
    tree = parse_tree(text)
    meta = _meta(tree)
    blocks = _extract(text)
    located = locate(tree, blocks)
    layout = Layout(tree, located.container)
    url = _canonical(tree, meta)
    lines = _lines(tree)
    office, publisher = find_owner(url, meta, tree, lines)
    owners = tuple(ALIASES.get(office or "", ())) + ((publisher,) if publisher else ())
    title = find_title(tree, meta, layout, owners)
    if title is None:
        raise SourceError("", "no title found (no <title>, og:title or headline)")
    if blocks:
        blocks = recover_missed(tree, blocks, title.text, layout.is_furniture, located)
    else:
        # Nothing found by trafilatura: fall back to the article or main container.
        container = next((el for el in tree.iter("article", "main")), None)
        container = container if container is not None else tree.find("body")
        blocks = fragment_blocks(container) if container is not None else []
    blocks = clean_blocks(blocks, title.text, HEADER_FIELD)
    first = next((b.text for b in blocks if b.kind == "p"), "")
    date, error = find_date(tree, meta, lines, title.text, first[:20], layout.is_furniture)
    hints: dict[str, object] = {"title": title.text, "_from": {"title": title.source}}
    if date:
        hints["date"] = date
    if office:
        hints["office"] = office
    if publisher:
        hints["publisher"] = publisher
    if url:
        hints["url"] = url
    return hints, blocks, error


def read(path: Path, data: bytes, ref: SourceRef) -> list[Draft]:
    text = decode(data, declared_charset(data))
    hints, blocks, error = page_hints(text)
    if "date" not in hints and error:
        raise SourceError("", error)
    body = to_markdown(blocks)
    if not body.strip():
        raise SourceError("", "no article text found in the page")
    return [Draft(body=body, source=ref, hints=hints)]


def _sniff(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1024].lower()
    return start.startswith((b"<!doctype html", b"<html")) or (start.startswith(b"<") and b"<html" in start[:1024])


READER = Reader("html", (".html", ".htm", ".xhtml", ".shtml"), _sniff, read)
