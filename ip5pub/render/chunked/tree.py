"""Cutting the brief's HTML tree into the documents the chunked layout lays out.

The tree is the brief's HTML parsed as WeasyPrint parses it (the tree
tinyhtml5 builds in ElementTree, built by lexbor where it can, see parse).
Content documents (the front matter, each chunk of notices, the back
matter) carry no page furniture and draw each page reference as a
stand-in; `Parts` cuts the tree once into what chunk and furniture
documents need. The class names used here are the template
contract (ip5pub.render.contract).
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from ip5pub.render.chunked.css import mark_references
from ip5pub.render.chunked.plan import GOTO, STAND_IN, start_css
from ip5pub.render.contract import CLASSES

Element = Any  # an xml.etree.ElementTree.Element

_MARGIN_BOXES = [f"{side}-{where}" for side in ("top", "bottom")
                 for where in ("left-corner", "left", "center", "right", "right-corner")] + \
                [f"{side}-{where}" for side in ("left", "right") for where in ("top", "middle", "bottom")]
# Content documents carry no page furniture: the furniture documents draw it.
NO_MARGIN_BOXES = "@page { " + " ".join(f"@{box} {{ content: none !important; }}" for box in _MARGIN_BOXES) + " }\n"


def parse(html_text: str) -> Element:
    """The HTML parsed as WeasyPrint parses it, into ElementTree: the tree
    tinyhtml5 (WeasyPrint's parser) builds. Both follow the HTML standard's
    parsing; lexbor (selectolax, C) builds it about ten times faster (0.03 s
    against 0.3 s for 500 notices). What lexbor's nodes do not tell apart
    (SVG and MathML elements, which tinyhtml5 puts in their namespaces, and
    a template's contents) and what it cannot take (text with lone
    surrogates) is parsed by tinyhtml5."""
    try:
        return _lexbor(html_text)
    except _NotLexbor:
        return _tinyhtml5(html_text)


class _NotLexbor(Exception):
    """The lexbor tree would not be tinyhtml5's."""


_FOREIGN = frozenset({"svg", "math", "template"})


def _lexbor(html_text: str) -> Element:
    from selectolax.lexbor import LexborHTMLParser

    try:
        html_text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _NotLexbor from exc
    top: Any = LexborHTMLParser(html_text).root  # its nodes typed loosely: text and tag may be None
    if top is None or top.tag != "html":
        raise _NotLexbor
    root = ET.Element("html", _attributes(top))
    todo: list[tuple[Any, Element]] = [(top, root)]
    while todo:
        node, el = todo.pop()
        last: Element | None = None  # the element whose tail the next text is
        child = node.child
        while child is not None:
            if child.is_text_node:
                text = child.text_content
                if last is None:
                    el.text = (el.text or "") + text
                else:
                    last.tail = (last.tail or "") + text
            elif child.is_comment_node:
                last = ET.Comment(child.html[4:-3])  # "<!--" data "-->", unescaped
                el.append(last)
            elif child.is_element_node:
                if child.tag in _FOREIGN:
                    raise _NotLexbor
                last = ET.SubElement(el, child.tag, _attributes(child))
                todo.append((child, last))
            child = child.next
    return root


def _attributes(node: Any) -> dict[str, str]:
    return {name: "" if value is None else value for name, value in node.attributes.items()}


def _tinyhtml5(html_text: str) -> Element:
    import tinyhtml5
    from tinyhtml5 import inputstream

    if not isinstance(inputstream.characters_until_regex, _Patterns):
        inputstream.characters_until_regex = _Patterns()
    return tinyhtml5.parse(html_text, namespace_html_elements=False)


class _Patterns(dict[tuple[Any, bool], re.Pattern[str]]):
    """tinyhtml5's cache of `chars_until` patterns, always hit. Its own
    (2.1) stores each pattern under the wrong key (a chained assignment
    rebinds `characters` to the pattern before the key is made), so every
    call compiled its class again: a third of parsing the brief. This builds
    the pattern on a miss exactly as `chars_until` does: the same matches."""

    def __missing__(self, key: tuple[Any, bool]) -> re.Pattern[str]:
        characters, opposite = key
        regex = "".join([f"\\x{ord(character):02x}" for character in characters])
        if not opposite:
            regex = f"^{regex}"
        pattern = self[key] = re.compile(f"[{regex}]+")
        return pattern


def serialize(root: Element) -> str:
    return "<!DOCTYPE html>\n" + ET.tostring(root, method="html", encoding="unicode")


def element(tag: str, **attrs: str) -> Element:
    return ET.Element(tag, {k.rstrip("_"): v for k, v in attrs.items()})


def has_class(el: Element, name: str) -> bool:
    return name in (el.get("class") or "").split()


def _parents(root: Element) -> dict:
    return {child: parent for parent in root.iter() for child in parent}


def notices_container(root: Element) -> Element:
    """The element holding the notice articles (the `notices` block)."""
    parents = _parents(root)
    for el in root.iter("article"):
        if has_class(el, CLASSES.notice):
            return parents[el]
    for el in root.iter():
        if has_class(el, CLASSES.notices):
            return el
    raise ValueError(f"brief.html has no element with class '{CLASSES.notices}'")


def add_style(root: Element, css: str) -> None:
    style = element("style")
    style.text = css
    head = root.find("head")
    if head is None:
        raise ValueError("brief.html has no <head>")
    head.append(style)


def edit_styles(root: Element, edit: Callable[[str], str]) -> None:
    for style in root.iter("style"):
        if style.text:
            style.text = edit(style.text)


def footnotes(root: Element) -> int:
    """How many link footnotes the tree holds (the chunks continue their count)."""
    return sum(1 for el in root.iter() if has_class(el, CLASSES.link_note))


def content_document(root: Element, number: int) -> None:
    """Make a copy of the brief (front, chunk or back) a content document, in
    place: internal links laid out as GoTo stand-ins, page references drawn
    as the stand-in `number`, no margin boxes."""
    for a in root.iter("a"):
        href = a.get("href") or ""
        if href.startswith("#") and len(href) > 1:
            a.set("href", GOTO + href[1:])
    edit_styles(root, mark_references)
    add_style(root, f'@counter-style {STAND_IN} {{ system: cyclic; symbols: "{number}"; }}\n' + NO_MARGIN_BOXES)


class Parts:
    """The brief's parsed HTML, cut once into what chunk and furniture pages need.

    Copying the whole tree per chunk would cost seconds at 500 notices; the
    skeletons hold the head and the path to the notices only.
    """

    def __init__(self, full_root: Element):
        self.root = full_root
        container = notices_container(full_root)
        self.articles = {a.get("id"): a for a in container}
        # Chunk skeleton: head, and the body cut down to the notices' container, emptied.
        body = full_root.find("body")
        parents = _parents(full_root)
        path = [container]
        while path[-1] is not body:
            path.append(parents[path[-1]])
        saved = {el: list(el) for el in path[1:]}
        kept = list(container)
        for el in path[1:]:  # detach the siblings of the path while copying
            for child in list(el):
                if child not in path:
                    el.remove(child)
        for child in kept:
            container.remove(child)
        self.steps = [list(path[i + 1]).index(path[i]) for i in range(len(path) - 1)][::-1]
        self.chunk_skeleton = copy.deepcopy(full_root)
        for el, children in saved.items():  # put the tree back as it was
            for child in list(el):
                el.remove(child)
            el.extend(children)
        container.extend(kept)
        # Furniture skeleton: the head only; the cover's title and edition for string-set.
        self._strings = [copy.deepcopy(el) for el in body.iter()
                         if has_class(el, CLASSES.cover_title) or has_class(el, CLASSES.cover_edition)]
        for el in self._strings:
            el.tail = None
        saved_body = list(body)
        for child in saved_body:
            body.remove(child)
        self.furniture_skeleton = copy.deepcopy(full_root)
        body.extend(saved_body)

    def strings(self) -> Element:
        """An invisible block with the cover's title and edition (they set the running strings)."""
        holder = element("div", class_="ip5pub-strings")
        holder.extend(copy.deepcopy(el) for el in self._strings)
        return holder

    def head(self, notice_id: str) -> Element | None:
        """A copy of a notice's running head (None if the template has none), with
        the notice's language (it was inherited in the article)."""
        article = self.articles[notice_id]
        head = next((el for el in article.iter() if has_class(el, CLASSES.notice_head)), None)
        if head is None:
            return None
        head = copy.deepcopy(head)
        head.tail = None
        for name in ("lang", "dir"):
            if article.get(name) and not head.get(name):
                head.set(name, article.get(name))
        return head

    def chunk_container(self, root: Element) -> Element:
        el = root.find("body")
        for i in self.steps:
            el = el[i]
        return el


def chunk_document(parts: Parts, ids: list[str], first_id: str | None, footnotes_before: int,
                   number: int) -> Element:
    """The brief with only these notices in its body, as a content document."""
    root = copy.deepcopy(parts.chunk_skeleton)
    container = parts.chunk_container(root)
    for notice_id in ids:
        container.append(copy.deepcopy(parts.articles[notice_id]))
    content_document(root, number)
    # The notice head goes on the furniture pages: a running element on a
    # page makes WeasyPrint lay that page out twice.
    css = (f".{CLASSES.notice_head} {{ display: none !important; }}\n"
           f".{CLASSES.notices} {{ break-before: auto !important; counter-reset: footnote {footnotes_before}; }}\n")
    css += start_css([first_id] if first_id else [])
    add_style(root, css)
    return root


def _cut(full_root: Element, keep: str) -> Element:
    """A copy of the brief with its notices and what comes after them ("before")
    or before them ("after") removed. Only what is kept is copied."""
    container = notices_container(full_root)
    parents = _parents(full_root)
    body = full_root.find("body")
    path = [container]  # from the notices up to the body
    while path[-1] is not body:
        path.append(parents[path[-1]])

    def shallow(el: Element) -> Element:
        new = el.makeelement(el.tag, dict(el.attrib))
        new.text, new.tail = el.text, el.tail
        return new

    inner = None  # the cut copy of path[k - 1]
    for k, el in enumerate(path[1:], start=1):
        kids = list(el)
        i = kids.index(path[k - 1])
        kept = kids[:i] if keep == "before" else kids[i + 1:]
        copy_el = shallow(el)
        copies = [copy.deepcopy(child) for child in kept]
        if inner is not None:
            copies = [*copies, inner] if keep == "before" else [inner, *copies]
        copy_el.extend(copies)
        inner = copy_el
    root = shallow(full_root)
    root.extend(inner if child is body else copy.deepcopy(child) for child in full_root)
    return root


# The brief's dates as the template writes them (html.w3c_timestamp), and
# the PDF info field WeasyPrint writes each of them to.
_DATE = re.compile(r"(\d{4})-(0\d|1[012])-([012]\d|3[01])T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(Z|([+-]\d\d):([0-5]\d))")
_DATE_FIELDS = {"dcterms.created": "/CreationDate", "dcterms.modified": "/ModDate"}


def pdf_date(text: str) -> str | None:
    """A W3C date and time to the second (2026-12-06T22:53:56Z, or with an
    offset) as a PDF date, as WeasyPrint writes it (D:20261206225356Z);
    None for any other form."""
    found = _DATE.fullmatch(text)
    if found is None:
        return None
    *fields, zone, hours, minutes = found.groups()
    offset = "Z" if zone == "Z" else f"{int(hours):+03d}'{minutes}"
    return "D:" + "".join(fields) + offset


def take_dates(full_root: Element) -> dict[str, str]:
    """The brief's creation and modification dates, taken out of its head,
    as the PDF info fields the assembly sets: a build without
    SOURCE_DATE_EPOCH dates the brief to the second, and every document cut
    from it would otherwise differ from the last build's and be laid out
    again. A date in another form, or given twice, stays where it is
    (WeasyPrint writes it, each build lays every document out again)."""
    head = full_root.find("head")
    metas = [el for el in (head if head is not None else ()) if el.tag == "meta"]
    taken: dict[str, str] = {}
    for name, field in _DATE_FIELDS.items():
        found = [el for el in metas if (el.get("name") or "").lower() == name]
        value = pdf_date(found[0].get("content") or "") if len(found) == 1 else None
        if value is not None:
            head.remove(found[0])
            taken[field] = value
    return taken


def front_document(full_root: Element, number: int) -> Element:
    """Cover, contents and at a glance, as a content document."""
    root = _cut(full_root, "before")
    content_document(root, number)
    return root


def back_document(full_root: Element, number: int) -> Element | None:
    """Glossary and office index, as a content document (None: no back matter)."""
    root = _cut(full_root, "after")
    if next((el for el in root.find("body") if el.tag not in ("script", "style")), None) is None:
        return None
    content_document(root, number)
    return root
