"""HTML -> blocks -> CommonMark, shared by the page reader and the feed reader.

A block is one paragraph, heading, list or table. Pages get their blocks from
trafilatura's XML output (the article only); feed items carry the article
already, so their HTML fragment is walked directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ip5pub import markdown
from ip5pub.extract import boilerplate
from ip5pub.extract.scripts import cjk_count
from ip5pub.extract.text import clean_line
from ip5pub.readers.base import Element


@dataclass
class Block:
    kind: str  # "p", "h", "list", "table", "quote", "pre"
    text: str = ""  # p, h, quote, pre
    items: list[str] = field(default_factory=list)  # list items
    rows: list[list[str]] = field(default_factory=list)  # table rows
    level: int = 2
    ordered: bool = False

    @property
    def plain(self) -> str:
        if self.kind == "list":
            return "\n".join(self.items)
        if self.kind == "table":
            return "\n".join(" | ".join(r) for r in self.rows)
        return self.text


def _text(el: Element) -> str:
    """Text of an element with inline markup flattened; <br> becomes a space."""
    parts: list[str] = []

    def walk(e: Element) -> None:
        if isinstance(e.tag, str) and e.tag.lower() in ("script", "style", "noscript"):
            if e.tail:
                parts.append(e.tail)
            return
        if isinstance(e.tag, str) and e.tag.lower() in ("br", "lb"):
            parts.append(" ")
        if isinstance(e.tag, str) and e.text:
            parts.append(e.text)
        for child in e:
            walk(child)
        if e is not el and e.tail:
            parts.append(e.tail)

    walk(el)
    return clean_line("".join(parts))


_BLOCKS = {"p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "form", "figure",
           "figcaption", "center", "address", "dl", "dd", "dt", "body", "html", "span_block"}


def fragment_blocks(root: Element) -> list[Block]:
    """Blocks of an HTML element tree (feed content, or a fallback container)."""
    out: list[Block] = []
    inline: list[str] = []

    def flush() -> None:
        text = clean_line(" ".join(inline))
        inline.clear()
        if text:
            out.append(Block("p", text))

    def walk(el: Element) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in ("script", "style", "noscript", "template", "iframe", "object", "svg", "img"):
            return
        if re.fullmatch(r"h[1-6]", tag):
            flush()
            text = _text(el)
            if text:
                out.append(Block("h", text, level=int(tag[1])))
            return
        if tag in ("ul", "ol"):
            flush()
            items = [_text(li) for li in el if isinstance(li.tag, str) and li.tag.lower() == "li"]
            items = [i for i in items if i]
            if items:
                out.append(Block("list", items=items, ordered=tag == "ol"))
            return
        if tag == "table":
            flush()
            rows = []
            for tr in el.iter("tr"):
                cells = [_text(c) for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
                if any(cells):
                    rows.append(cells)
            if rows:
                out.append(Block("table", rows=rows))
            return
        if tag in ("blockquote", "pre"):
            flush()
            text = _text(el)
            if text:
                out.append(Block("quote" if tag == "blockquote" else "pre", text))
            return
        if tag == "br":
            inline.append("\n")
        if tag in _BLOCKS or tag == "p" or tag == "li":
            flush()
        if el.text and tag:
            inline.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                inline.append(child.tail)
        if tag in _BLOCKS or tag == "p":
            flush()

    walk(root)
    flush()
    return out


def xml_blocks(xml: str) -> list[Block]:
    """Blocks of trafilatura's XML output (<p>, <head>, <list>, <table>, <quote>, <code>)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(xml.encode("utf-8"), parser)
    main = root.find("main")
    out: list[Block] = []
    _xml_walk(main if main is not None else root, out)
    return out


def _xml_walk(parent: Element, out: list[Block]) -> None:
    """A container's blocks; text between them (after a heading, trafilatura
    keeps a paragraph without <p> as the heading's tail) is a paragraph too."""
    _xml_walk_mixed(parent, out)


def _xml_block(el: Element, out: list[Block]) -> None:
    tag = el.tag
    if tag in ("div", "main", "section"):
        _xml_walk(el, out)
    elif tag in ("cell", "row"):  # a table cell trafilatura took as the article's body
        _xml_walk_mixed(el, out)
    elif tag == "head":
        rend = el.get("rend") or "h2"
        text = _text(el)
        if text:
            out.append(Block("h", text, level=int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2))
    elif tag == "list":
        items = [_text(i) for i in el.iter("item")]
        if any(items):
            out.append(Block("list", items=[i for i in items if i], ordered=el.get("rend") == "ol"))
    elif tag == "table" and _is_layout(el):
        # A layout table's cells are the page's columns: the article's, and
        # menus or spacers, which hold no sentence of prose.
        for cell in el.iterfind("row/cell"):
            found: list[Block] = []
            _xml_walk_mixed(cell, found)
            if any(is_prose(b) for b in found):
                out.extend(found)
    elif tag == "table":
        rows = [[_text(c) for c in row.iter("cell")] for row in el.iter("row")]
        rows = [r for r in rows if any(r)]
        if rows:
            out.append(Block("table", rows=rows))
    elif tag in ("quote", "code"):
        text = _text(el)
        if text:
            out.append(Block("quote" if tag == "quote" else "pre", text))
    else:
        text = _text(el)
        if text:
            out.append(Block("p", text))


_XML_BLOCKS = ("p", "head", "list", "table", "quote", "code", "div", "main", "section")


def _is_layout(table: Element) -> bool:
    """A table that lays a page out rather than holding data: a cell holds paragraphs or headings."""
    return any(child.tag in _XML_BLOCKS for cell in table.iterfind("row/cell") for child in cell)


def _xml_walk_mixed(parent: Element, out: list[Block]) -> None:
    """Blocks of an element whose text runs sit beside block children (a layout table's cell);
    a line break ends a run."""
    run: list[str] = [parent.text or ""]

    def flush() -> None:
        text = clean_line("".join(run))
        run.clear()
        if text:
            out.append(Block("p", text))

    for el in parent:
        if el.tag in _XML_BLOCKS:
            flush()
            _xml_block(el, out)
        elif el.tag == "lb":
            flush()
        else:
            run.append(_text(el))
        run.append(el.tail or "")
    flush()


def is_prose(block: Block) -> bool:
    """A paragraph that reads as article text, not a label or a short caption."""
    if block.kind != "p":
        return False
    text = block.text
    cjk = cjk_count(text)
    return (cjk >= 20 or len(text.split()) >= 8) and bool(re.search(r"[.!?。！？다]\W*$|[.。]", text))


def _same(a: str, b: str) -> bool:
    """Equal up to spacing, case and a closing full stop."""
    def norm(x: str) -> str:
        return " ".join(x.split()).casefold().rstrip(".。")
    return norm(a) == norm(b)


def clean_blocks(blocks: list[Block], title: str, header: re.Pattern[str] | None = None) -> list[Block]:
    """Drop what is not article text: headline repeats, header fields, furniture.

    `header` matches a block made of metadata fields ("Date: …  Hits: …").
    """
    first_prose = next((i for i, b in enumerate(blocks) if is_prose(b)), len(blocks))
    out: list[Block] = []
    for i, b in enumerate(blocks):
        plain = b.plain
        if title and (_same(plain, title) or (b.kind == "h" and i < first_prose and title in plain)):
            continue  # the headline, repeated at the top of the body
        if i < first_prose and b.kind in ("h", "list", "table") and (
            (title and title in plain) or (header is not None and _all_header(b, header))
        ):
            continue  # the metadata table or list under the headline
        if i < first_prose and b.kind == "h":
            continue  # section labels above the headline ("Press Releases")
        if i < first_prose and b.kind == "p" and len(plain) <= 80 and _has_date(plain):
            continue  # the date line or byline under the headline ("Posted March 3, 2022")
        if i < first_prose and b.kind == "p" and _label(plain) and any(is_prose(x) for x in blocks[i + 1:]):
            continue  # a kicker or issue label above the article ("Newsletter No. 58", "Policy")
        if out and b.kind in ("p", "pre") and boilerplate.ends_article(plain):
            break  # "###" closes a press release; the rest is "About us"
        label = b.kind == "h" or (b.kind == "p" and len(b.text.split()) <= 8)
        if label and out and boilerplate.opens_trailing_section(b.text):
            break  # "Related news", "About WIPO", "You may also like…": the rest of the page is furniture
        if b.kind == "list":
            items = [x for x in b.items if not boilerplate.is_furniture(x)]
            if not items:
                continue
            b = Block("list", items=items, ordered=b.ordered)
        elif b.kind == "table":
            rows = [r for r in b.rows if not (boilerplate.is_furniture(" ".join(r)) or boilerplate.is_nav_label(r[0]))]
            if not rows:
                continue  # a previous / next table, a share bar laid out in cells
            b = Block("table", rows=rows)
        elif b.kind == "p" and i < first_prose and header is not None and _all_header(b, header):
            continue  # "Date: …  Source: …" under the headline
        elif b.kind != "table" and boilerplate.is_furniture(plain):
            continue
        out.append(b)
    # Furniture at the end: short label lines left behind ("Print | Close"), and
    # the publisher's "About us" paragraph printed without its heading.
    while out and (out[-1].kind == "h" or _about_us(out)):
        out.pop()
    return out


def _about_us(blocks: list[Block]) -> bool:
    last = blocks[-1]
    return (last.kind == "p" and boilerplate.is_company_boilerplate(last.text)
            and sum(is_prose(b) for b in blocks[:-1]) >= 2)


def _label(text: str) -> bool:
    """A short line that is no sentence: a category, an issue number, a kicker."""
    cjk = cjk_count(text)
    return (cjk <= 15 and len(text.split()) <= 5) and not re.search(r"[.!?。！？다]\W*$", text)


def _has_date(text: str) -> bool:
    from ip5pub.extract.dates import ImpossibleDate, parse_date

    try:
        return parse_date(text) is not None
    except ImpossibleDate:
        return True


def _all_header(block: Block, header: re.Pattern[str]) -> bool:
    lines = block.items if block.kind == "list" else [" ".join(r) for r in block.rows] if block.kind == "table" else [block.text]
    hits = sum(bool(header.search(x)) for x in lines)
    return hits >= max(1, len(lines) // 2)


def to_markdown(blocks: list[Block]) -> str:
    parts: list[str] = []
    for b in blocks:
        if b.kind == "h":
            parts.append("#" * max(2, min(b.level, 6)) + " " + markdown.escape_inline(b.text))
        elif b.kind == "list":
            parts.append("\n".join((f"{n}. " if b.ordered else "- ") + markdown.escape_inline(x)
                                   for n, x in enumerate(b.items, 1)))
        elif b.kind == "table":
            width = max(len(r) for r in b.rows)
            rows = [r + [""] * (width - len(r)) for r in b.rows]
            lines = ["| " + " | ".join(markdown.escape_inline(c) for c in r) + " |" for r in rows]
            lines.insert(1, "|" + "---|" * width)
            parts.append("\n".join(lines))
        elif b.kind == "quote":
            parts.append("> " + markdown.escape_inline(b.text))
        else:
            parts.append(markdown.escape(b.text))
    return "\n\n".join(parts) + "\n" if parts else ""
