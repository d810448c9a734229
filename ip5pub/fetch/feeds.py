"""A feed's items and a news page's links, as the things `fetch` may save.

A feed is decoded by what it says (the HTTP charset, its XML declaration,
a BOM), else as UTF-8, else by detection among the encodings the offices
use: a GB18030 feed served without a declaration is still read. It is
parsed as safely as the feed reader parses a saved one (no entities, no
DTD, no network). Each item can be saved alone, as a one-item feed in
UTF-8 with the feed's own channel, which the feed reader reads as any feed;
its link is made absolute, as the feed's own address is not saved with it.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from ip5pub.extract.dates import ImpossibleDate, parse_date
from ip5pub.extract.text import clean_line
from ip5pub.model import SourceError
from ip5pub.readers.decode import decode
from ip5pub.readers.feed import ATOM, DC_DATE
from ip5pub.readers.feed import _parse as parse_xml

RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_DECLARED = re.compile(rb"""\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']""")


class NotAFeed(ValueError):
    pass


@dataclass(frozen=True)
class Item:
    key: str  # unique in its source: the item's guid or id, else its link
    link: str | None  # the notice's own page (http(s)), when the source names one
    title: str
    date: dt.date | None
    signature: str  # changes when what the source says about the item changes
    feed: bytes | None  # the item alone as a feed file, UTF-8 (None: a list page's link)
    suffix: str  # of the file it is saved as when its page is not: ".rss" or ".atom"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def web_link(base: str, href: str | None) -> str | None:
    """`href` made absolute against `base`, without its #fragment; None unless http(s)."""
    if not href or not href.strip():
        return None
    try:
        url = urldefrag(urljoin(base, href.strip())).url
        parts = urlsplit(url)
        return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None
    except ValueError:  # "http://[::1/": no address at all
        return None


def xml_text(body: bytes, charset: str | None) -> str:
    """A feed's text: the charset the server or the feed names, else UTF-8, else detected."""
    declared = _DECLARED.match(body)
    for name in (charset, declared.group(1).decode("ascii") if declared else None):
        if not name:
            continue
        try:
            return decode(body, name) if body.startswith(b"\xef\xbb\xbf") else body.decode(_superset(name))
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return decode(body)
    except SourceError as exc:
        raise NotAFeed(exc.reason) from None


def _superset(name: str) -> str:
    # Feeds that declare gb2312/gbk use characters only GB18030 has, as pages do.
    return {"gb2312": "gb18030", "gbk": "gb18030", "euc-kr": "cp949"}.get(name.strip().lower(), name.strip())


def _text(el) -> str:
    return clean_line("".join(el.itertext())) if el is not None else ""


def _date(values: list[str]) -> dt.date | None:
    for value in values:
        try:
            found = parse_date(value) if value else None
        except (ImpossibleDate, ValueError):
            continue
        if found:
            return found
    return None


def feed_items(body: bytes, charset: str | None, base: str) -> list[Item]:
    """The items of an RSS or Atom feed, in feed order; NotAFeed with a one-line reason."""
    text = _XML_DECLARATION.sub("", xml_text(body, charset).lstrip("\ufeff"), count=1)
    try:
        root = parse_xml(text.encode("utf-8"))
    except SourceError as exc:
        raise NotAFeed(exc.reason) from None
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag == f"{ATOM}feed":
        entries, parent, suffix = root.findall(f"{ATOM}entry"), root, ".atom"
    elif tag == "rss" and root.find("channel") is not None:
        parent = root.find("channel")
        entries, suffix = parent.findall("item"), ".rss"
    elif tag == f"{RDF}RDF":
        entries, parent, suffix = root.findall(f"{RSS1}item"), root, ".rss"
    else:
        raise NotAFeed("neither an RSS nor an Atom feed")
    shell = copy.deepcopy(root)  # the feed without its items, to save one item at a time
    shell_parent = shell if parent is root else shell.find("channel")
    for el in list(shell_parent):
        if el.tag in (f"{ATOM}entry", "item", f"{RSS1}item"):
            shell_parent.remove(el)
    items: dict[str, Item] = {}
    for entry in entries:
        item = _item(entry, tag, base, suffix, shell, shell_parent)
        if item is not None and item.key not in items:
            items[item.key] = item
    return list(items.values())


def _item(entry, tag: str, base: str, suffix: str, shell, shell_parent) -> Item | None:
    from lxml import etree

    if tag == f"{ATOM}feed":
        href = next((x.get("href") for x in entry.findall(f"{ATOM}link") if x.get("rel", "alternate") == "alternate"),
                    None)
        guid = _text(entry.find(f"{ATOM}id"))
        title = _text(entry.find(f"{ATOM}title"))
        dates = [_text(entry.find(f"{ATOM}{k}")) for k in ("published", "updated")]
    else:
        namespace = "" if tag == "rss" else RSS1
        href = _text(entry.find(f"{namespace}link")) or None
        guid = _text(entry.find("guid")) or entry.get(f"{RDF}about") or ""
        title = _text(entry.find(f"{namespace}title"))
        dates = [_text(entry.find("pubDate")), _text(entry.find(DC_DATE))]
    link = web_link(base, href)
    key = guid or link or ""
    if not key and not title:
        return None
    alone_entry = copy.deepcopy(entry)
    _absolute_link(alone_entry, tag, link)
    shell_parent.append(alone_entry)
    alone = etree.tostring(shell, xml_declaration=True, encoding="UTF-8") + b"\n"
    shell_parent.remove(shell_parent[-1])
    return Item(key=key or _digest(title.encode()), link=link, title=title, date=_date(dates),
                signature=_digest(etree.tostring(entry)), feed=alone, suffix=suffix)


def _absolute_link(entry, tag: str, link: str | None) -> None:
    """The item's link made absolute: saved alone, it no longer has the feed's address to resolve against."""
    if link is None:
        return
    if tag == f"{ATOM}feed":
        for el in entry.findall(f"{ATOM}link"):
            if el.get("rel", "alternate") == "alternate":
                el.set("href", link)
                return
    else:
        el = entry.find("link" if tag == "rss" else f"{RSS1}link")
        if el is not None:
            el.text = link


def page_links(body: bytes, charset: str | None, base: str, selector: str) -> list[Item]:
    """The links a news list page's `selector` picks, in page order, each once."""
    import lxml.html
    from lxml import etree

    from ip5pub.readers.context import select
    from ip5pub.readers.html import declared_charset

    try:
        text = decode(body, charset or declared_charset(body))
        tree = lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(remove_comments=True, no_network=True))
    except (SourceError, etree.ParserError, ValueError) as exc:
        raise NotAFeed(f"not a readable web page ({getattr(exc, 'reason', exc)})") from None
    declared_base = next((b.get("href") for b in tree.iter("base") if b.get("href")), None)
    base = web_link(base, declared_base) or base
    items: dict[str, Item] = {}
    for el in select(tree, selector):
        anchors = [el] if el.tag == "a" else list(el.iter("a"))
        for a in anchors:
            link = web_link(base, a.get("href"))
            if link is None or link == urldefrag(base).url or link in items:
                continue
            title = clean_line(a.text_content())
            items[link] = Item(key=link, link=link, title=title, date=None, signature=_digest(title.encode()),
                               feed=None, suffix=".html")
    return list(items.values())
