"""Put back article paragraphs that trafilatura left out (a lead in a bare <div>).

trafilatura locates the article; the container holding the paragraphs it kept
is walked again, and a prose paragraph found there but missing from the
extraction is inserted where it stands in the page. Furniture by tag or
class, captions, bylines and link lists are never recovered.

The work is linear in the size of the page: each leaf block of the page is
compared with the extracted paragraph of the same text (a dictionary) or,
failing that, with the few paragraphs around the last one matched (both run
in page order), never with every paragraph. A page of 16,000 paragraphs
would otherwise cost hundreds of millions of comparisons.
"""

from __future__ import annotations

from collections.abc import Callable
import re
from dataclasses import dataclass
from itertools import takewhile
from typing import Any

from ip5pub.extract.boilerplate import ends_article, opens_trailing_section
from ip5pub.extract.boilerplate import is_furniture as is_furniture_text
from ip5pub.extract.scripts import cjk_count
from ip5pub.extract.text import clean_line
from ip5pub.readers.base import Element
from ip5pub.readers.htmltext import Block

LEAF_BLOCKS = {"p", "div", "blockquote", "section", "article", "dd", "td", "li", "h1", "h2", "h3", "h4", "h5", "h6",
               "ul", "ol", "table", "tr", "figure", "figcaption", "header", "footer", "nav", "aside", "main", "form"}
_CAPTION = re.compile(r"caption|credit|byline|author|bio|photo|image|img|figure|meta|date|tag|keyword|advert|promo|"
                      r"banner|contact|about|newsletter|subscribe|signup|cookie|disclaimer|notice|box|card|widget|"
                      r"\bcta\b|teaser|dek\b|standfirst|strapline|blurb|excerpt|heading|header|hero|masthead|title", re.I)
# Hidden on screen (print-only notices, screen-reader text): not what a reader sees.
_HIDDEN_CLASSES = {"hidden", "d-none", "sr-only", "visually-hidden", "screen-reader-text", "hide", "invisible"}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_NEVER = ("li", "td", "figcaption", *_HEADINGS)  # list items, cells, captions, headings: never recovered
# How many extracted blocks either side of the last match a leaf is compared
# with when its text is not exactly one block's (a block cut or merged).
WINDOW = 24
KEY_MIN = 12  # normalized characters a paragraph needs to locate the article by
HIT_MIN = 6  # ... and a leaf needs to count as already extracted


def norm(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def is_prose(text: str) -> bool:
    cjk = cjk_count(text)
    return (cjk >= 12 or len(text.split()) >= 5) and bool(re.search(r"[.!?。！？다]\W{0,2}$", text))


def _tag(el: Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def leaves(tree: Element) -> list[tuple[Any, str, str]]:
    """(element, text, normalized text) of every block with no block inside, in page order.

    An element is marked as holding a block by walking up from each block
    until an ancestor already marked: every element is marked once.
    """
    holders: set[int] = set()
    blocks = [el for el in tree.iter() if _tag(el) in LEAF_BLOCKS]
    for el in blocks:
        parent = el.getparent()
        while parent is not None and parent not in holders:
            holders.add(parent)
            parent = parent.getparent()
    out = []
    for el in blocks:
        if el in holders:
            continue
        text = clean_line(el.text_content())
        if text:
            out.append((el, text, norm(text)))
    return out


class _Matcher:
    """Which extracted block a leaf's text is (or is part of, or holds)."""

    def __init__(self, norms: list[str]):
        self.norms = norms
        self.exact: dict[str, int] = {}
        for i, n in enumerate(norms):
            self.exact.setdefault(n, i)
        self.last = 0

    def find(self, n: str, least: int) -> int | None:
        if len(n) < least:
            return None
        hit = self.exact.get(n)
        if hit is None:
            lo, hi = max(0, self.last - WINDOW), min(len(self.norms), self.last + WINDOW + 1)
            near = (i for i in range(lo, hi) if len(self.norms[i]) >= least)
            hit = next((i for i in near if n in self.norms[i] or self.norms[i] in n), None)
        if hit is not None:
            self.last = hit
        return hit


def common_ancestor(elements: list[Element]) -> Element | None:
    """The closest element holding all of `elements` (linear in their depth)."""
    if not elements:
        return None
    chain = [elements[0], *elements[0].iterancestors()]
    depth = {id(node): i for i, node in enumerate(chain)}
    highest = 0
    for el in elements[1:]:
        node = el
        while node is not None and id(node) not in depth:
            node = node.getparent()
        if node is None:
            return None
        highest = max(highest, depth[id(node)])
    return chain[highest]


@dataclass
class Located:
    """The page's leaf blocks, and those that are paragraphs trafilatura kept."""

    leaves: list[tuple[Any, str, str]]
    matched: list[Any]

    @property
    def container(self) -> Element | None:
        """The closest common ancestor of the kept paragraphs: the article's container, or None."""
        found = common_ancestor(self.matched)
        return None if found is None or _tag(found) in ("body", "html") else found


def locate(tree: Element, blocks: list[Block]) -> Located:
    keyed = _Matcher([n if b.kind == "p" and len(n) >= KEY_MIN else "\0" for b in blocks for n in [norm(b.plain)]])
    if all(n == "\0" for n in keyed.norms):
        return Located([], [])
    found = leaves(tree)
    return Located(found, [el for el, _, n in found if keyed.find(n, KEY_MIN) is not None])


def recover_missed(tree: Element, blocks: list[Block], title: str, is_furniture: Callable[[Element], bool],
                   located: Located | None = None) -> list[Block]:
    """`blocks` with the article's missing prose paragraphs put back in page order.

    `is_furniture(el)` says whether an element is navigation or a side box;
    `located` is what locate() found, when the caller has it.
    """
    located = located or locate(tree, blocks)
    found, matched = located.leaves, located.matched
    if not matched:
        return blocks
    # The headline marks where the article starts: include it when that still
    # gives an article-sized container (a lead may sit between the two).
    headline = [el for el in tree.iter(*_HEADINGS[:3]) if norm(clean_line(el.text_content())) == norm(title)]
    container = common_ancestor(matched + headline[:1])
    if container is None or _tag(container) in ("body", "html"):
        container = located.container
    if container is None:
        return blocks  # no article container to speak of: recovering would bring the page back
    norms = [norm(b.plain) for b in blocks]
    hits = _Matcher(norms)
    after: dict[int, list[Block]] = {}  # index of an extracted block -> recovered paragraphs that follow it
    seen = {norm(title)}
    last = -1  # the extracted block matched most recently, in page order
    for el, text, n in found:
        if not (el is container or container in el.iterancestors()):
            continue
        if _tag(el) in _HEADINGS and opens_trailing_section(text) or ends_article(text):
            break  # "About WIPO", "###": nothing after it is article text
        hit = hits.find(n, HIT_MIN)
        if hit is not None:
            last = max(last, hit)
            continue
        if n not in seen and _recoverable(el, text, container, is_furniture):
            seen.add(n)
            after.setdefault(last, []).append(Block("p", text))
    if not after:
        return blocks
    out = list(after.get(-1, []))
    for i, block in enumerate(blocks):
        out.append(block)
        out.extend(after.get(i, []))
    return out


def _recoverable(el: Element, text: str, container: Element | None, is_furniture: Callable[[Element], bool]) -> bool:
    """A prose paragraph of the article itself, not a card, a caption or a hidden box."""
    if _tag(el) in _NEVER or not is_prose(text) or is_furniture_text(text):
        return False
    inside = list(takewhile(lambda a: a is not container, [el, *el.iterancestors()]))  # up to the container only
    if any(_tag(a) in ("a", "li", "figure") or _hidden(a) for a in inside):
        return False  # a linked teaser card, a list of them, a caption, a print-only notice
    marks = " ".join(filter(None, (x for a in inside for x in (a.get("class"), a.get("id")))))
    links = sum(len(clean_line(a.text_content())) for a in el.iter("a"))
    return not (is_furniture(el) or (marks and _CAPTION.search(marks)) or links > len(text) / 2)


def _hidden(el: Element) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    classes = (el.get("class") or "").lower().split()
    return (el.get("hidden") is not None or el.get("aria-hidden") == "true" or "display:none" in style
            or any(c in _HIDDEN_CLASSES for c in classes))


def drop_boxed(blocks: list[Block], located: Located, is_furniture: Callable[[Element], bool]) -> list[Block]:
    """`blocks` without the paragraphs that stand only inside furniture (a side box, a footer).

    trafilatura keeps a side box's prose when its class names nothing it
    knows (`seitenleiste`, `barre-laterale`); the page's layout knows more
    names. A paragraph is dropped only when every leaf holding exactly its
    text is furniture, and nothing is dropped if that would leave less than
    half of the text: then the article itself sits in a box badly named.
    """
    where: dict[str, list[Element]] = {}
    for el, _, n in located.leaves:
        where.setdefault(n, []).append(el)
    boxed = set()
    for i, b in enumerate(blocks):
        els = where.get(norm(b.plain), []) if b.kind == "p" and len(norm(b.plain)) >= KEY_MIN else []
        if els and all(is_furniture(el) for el in els):
            boxed.add(i)
    if not boxed:
        return blocks
    total = sum(len(b.plain) for b in blocks)
    kept = [b for i, b in enumerate(blocks) if i not in boxed]
    return kept if sum(len(b.plain) for b in kept) * 2 >= total else blocks
