"""Furniture documents: blank pages with each book page's running heads,
footers and page references, laid out with the house stylesheet and drawn
over the content pages when the book is assembled."""

from __future__ import annotations

import copy
import re

from ip5pub.render.chunked.css import heads_first, page_total
from ip5pub.render.chunked.plan import REF, FurniturePage
from ip5pub.render.chunked.tree import Element, Parts, add_style, edit_styles, element
from ip5pub.render.weasy import css_string

_STRINGS_CSS = (".ip5pub-strings { visibility: hidden; height: 0; overflow: hidden; margin: 0; padding: 0; }\n"
                ".ip5pub-strings * { bookmark-level: none !important; }\n")
# The furniture is drawn over the content: no background may hide it.
_FURNITURE_CSS = (".ip5pub-page + .ip5pub-page { break-before: page; }\n"
                  "@page { background: none !important; }\n"
                  "html, body { background: none !important; }\n"
                  f".{REF} {{ position: absolute; display: block; margin: 0; padding: 0; border: 0; text-indent: 0;"
                  " white-space: pre; visibility: visible; background: none; }\n")
_PAGE_NAME = re.compile(r"[A-Za-z_][\w-]*")


def furniture_document(parts: Parts, first_page: int, pages: list[FurniturePage], total: int,
                       digits: int) -> Element:
    """Blank pages carrying each page's furniture: brief title, notice head,
    edition, page X of Y, and the page's references with their numbers.

    The brief's own cover title and edition elements go first, invisible, so
    `string(brief-title)` and `string(edition)` read what they read in a
    single pass. A reference's style goes in a rule shared by all references
    alike (few: one per kind of reference), its place and text on its own
    box; `digits` is the stand-in's length: only a shorter number needs its
    leader drawn again.
    """
    root = copy.deepcopy(parts.furniture_skeleton)
    body = root.find("body")
    kinds: dict[tuple[str, str, str | None], int] = {}
    for k, page in enumerate(pages):
        div = element("div", class_="ip5pub-page")
        if _PAGE_NAME.fullmatch(page.name):
            div.set("style", f"page: {page.name}")
        if k == 0:
            div.append(parts.strings())
        head = parts.head(page.head) if page.head is not None else None
        if head is not None:
            div.append(head)
        for ref, number in page.refs:
            text = "".join(str(number) if part is None else part for part in ref["parts"])
            leader = ref["leader"] if len(str(number)) < digits else None
            kind = kinds.setdefault((ref["style"], ref["align"], leader), len(kinds))
            left = ref["left"] if leader is None else ref["leader_left"]
            width = ref["left"] + ref["width"] - left
            span = element("span", class_=f"{REF} {REF}-{kind}",
                           style=f"left: {left!r}px; top: {ref['top']!r}px; width: {width!r}px")
            if leader is None:
                span.text = text
            else:
                span.set("data-n", text)
            if ref["lang"]:
                span.set("lang", ref["lang"])
            div.append(span)
        body.append(div)
    edit_styles(root, lambda css: heads_first(page_total(css, total)))
    rules = "".join(f".{REF}-{kind} {{ {style}; text-align: {align}; }}\n" +
                    (f".{REF}-{kind}::after {{ content: leader({css_string(leader)}) attr(data-n); }}\n"
                     if leader else "")
                    for (style, align, leader), kind in kinds.items())
    add_style(root, _STRINGS_CSS + _FURNITURE_CSS + rules + f"@page :first {{ counter-reset: page {first_page}; }}\n")
    return root
