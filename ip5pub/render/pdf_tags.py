"""What WeasyPrint's structure tree (PDF/UA, tagged PDF/A) leaves out, added
while it builds the tree, where each structure element still has its HTML:

- `/Lang` on every element whose language differs from its parent's (a CJK
  story in an English brief is read in its own voice);
- a link's `/Contents` is its visible text, or for a link drawn only by
  generated content (a page number) the heading of its target, never the
  raw fragment id WeasyPrint writes;
- a header cell's `/Scope`: `/Row` for `scope="row"` (as WeasyPrint already
  associates it), `/Column` otherwise.

The rest (page furniture as artifacts, the Print flag, attachments) is done
on the written file by pdf_archive. This wraps two private functions of
`weasyprint.pdf.tags`; if a WeasyPrint release renames them, `install`
says so once and the PDF is written without these additions (the tests of
test_pdf_archive.py then fail).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("ip5pub.pdf")

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SPACE = re.compile(r"\s+")


@dataclass
class _Document:
    """What the wrapped functions need of the document being tagged."""

    lang: str
    root: Any  # the html element (ElementTree)
    ids: dict[str, Any] = field(default_factory=dict)  # id -> element, filled on first use
    langs: list[str] = field(default_factory=list)  # the languages of the boxes being built, innermost last

    def target(self, fragment: str) -> Any:
        if not self.ids:
            self.ids = {e.get("id"): e for e in self.root.iter() if e.get("id")}
        return self.ids.get(fragment)


_current = threading.local()
_installed = False


def text_of(element: Any) -> str:
    # Less the word joiners that keep Korean words whole in links (render/keepall.py).
    return _SPACE.sub(" ", "".join(element.itertext())).replace("\u2060", "").strip()


def link_description(element: Any, doc: _Document | None) -> str | None:
    """What a screen reader says for a link: its text, else its target's heading."""
    text = text_of(element)
    if text:
        return text
    href = element.get("href") or ""
    target = doc.target(href[1:]) if doc and href.startswith("#") else None
    if target is None:
        return href or None
    heading = target if target.tag in HEADINGS else next((e for e in target.iter() if e.tag in HEADINGS), None)
    if heading is not None:
        return text_of(heading)
    text = text_of(target)  # a target without a heading: its first words
    return text if len(text) <= 120 else text[:119] + "…"


def _annotate(box: Any, element: Any, inherited: str, lang: str, doc: _Document | None) -> None:
    import pydyf

    if lang and lang != inherited:
        element["Lang"] = pydyf.String(lang)
    annotation = getattr(box, "link_annotation", None)
    if annotation is not None and box.element is not None:
        description = link_description(box.element, doc)
        if description:
            annotation["Contents"] = pydyf.String(description)
    if element.get("S") == "/TH" and box.element is not None:
        scope = box.element.get("scope", "").lower()
        element.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
        element["A"]["Scope"] = "/Row" if scope in ("row", "rowgroup") else "/Column"


def _wrap_build(original: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    def build(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout.absolute import AbsolutePlaceholder

        real = box._box if isinstance(box, AbsolutePlaceholder) else box
        doc: _Document | None = getattr(_current, "doc", None)
        if doc is None or isinstance(real, (boxes.PageBox, boxes.MarginBox)) or (
                real.element is not None and real.element_tag in ("html", "body")):
            yield from original(box, parent, *args)  # these yield their children's elements
            return
        # The language around this box is the one of the box that is building
        # its children (pydyf elements do not lead back to their parents).
        inherited = doc.langs[-1] if doc.langs else doc.lang
        lang = real.style["lang"] or inherited
        doc.langs.append(lang)
        try:
            elements = list(original(box, parent, *args))  # its caller takes them all at once too
        finally:
            doc.langs.pop()
        for element in elements:
            _annotate(real, element, inherited, lang, doc)
            yield element

    build.__wrapped__ = original  # type: ignore[attr-defined]
    return build


def _wrap_add_tags(original: Callable[..., None]) -> Callable[..., None]:
    def add_tags(pdf: Any, document: Any, *args: Any) -> None:
        lang = getattr(pdf.catalog.get("Lang"), "string", "") or ""
        pages = document.pages
        root = pages[0]._page_box.children[0].element if pages and pages[0]._page_box.children else None
        _current.doc = _Document(lang, root) if root is not None else None
        try:
            original(pdf, document, *args)
        finally:
            _current.doc = None

    add_tags.__wrapped__ = original  # type: ignore[attr-defined]
    return add_tags


def install() -> bool:
    """Wrap WeasyPrint's tagging once per process; False if it cannot."""
    global _installed
    if _installed:
        return True
    try:
        from weasyprint import pdf as weasy_pdf
        from weasyprint.pdf import tags
    except ImportError:
        return False
    if not (callable(getattr(tags, "_build_box_tree", None)) and callable(getattr(weasy_pdf, "add_tags", None))):
        log.warning("WeasyPrint's tagging has changed: PDF/UA output lacks languages, link texts and table scopes")
        return False
    tags._build_box_tree = _wrap_build(tags._build_box_tree)
    weasy_pdf.add_tags = _wrap_add_tags(weasy_pdf.add_tags)
    _installed = True
    return True
