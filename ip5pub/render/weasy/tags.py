"""Additions to WeasyPrint's structure tree (tagged PDF), made while it is
built, where each structure element still has its box and HTML element.

WeasyPrint builds the tree in `weasyprint.pdf.add_tags`, one box at a time
in `weasyprint.pdf.tags._build_box_tree` (both private): `install` wraps
the two once per process, after the package's version check. For each box
that gets structure elements (not pages, margins, html or body) the
caller's `annotate` is given a `Tagged` description and returns what to
add: `Lang` (on the element), `Scope` (a header cell's) and `Contents` (the
link annotation's description); `begin` is called once per document with
its root HTML element and language, and what it returns is handed to
`annotate` with each box.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ip5pub.render.weasy import InternalsChanged, check_version

log = logging.getLogger("ip5pub.pdf")


@dataclass(frozen=True)
class Tagged:
    """A box WeasyPrint is building structure elements for."""

    element: Any  # its HTML element (ElementTree), None for an anonymous box
    role: str  # the structure type of the element: "TH", "Link", "P", ...
    lang: str  # its language ("" for none)
    inherited: str  # the language around it
    link: bool  # it carries a link annotation


Begin = Callable[[Any, str], Any]
Annotate = Callable[[Any, Tagged], dict[str, str]]

_current = threading.local()
_installed: tuple[Begin, Annotate] | None = None
_refused = False


def install(begin: Begin, annotate: Annotate) -> bool:
    """Wrap WeasyPrint's tagging once per process; False (and one warning) if
    this WeasyPrint is not the one checked."""
    global _installed, _refused
    if _installed is not None:
        _installed = (begin, annotate)
        return True
    if _refused:
        return False
    try:
        check_version()
        from weasyprint import pdf as weasy_pdf
        from weasyprint.pdf import tags

        if not (callable(getattr(tags, "_build_box_tree", None)) and callable(getattr(weasy_pdf, "add_tags", None))):
            raise InternalsChanged("weasyprint.pdf has no add_tags or tags._build_box_tree")
    except (InternalsChanged, ImportError) as exc:
        _refused = True
        log.warning("PDF/UA output lacks languages, link texts and table scopes: WeasyPrint's tagging is not the "
                    "one checked (%s)", exc)
        return False
    tags._build_box_tree = _wrap_build(tags._build_box_tree)
    weasy_pdf.add_tags = _wrap_add_tags(weasy_pdf.add_tags)
    _installed = (begin, annotate)
    return True


def _apply(box: Any, element: Any, additions: dict[str, str]) -> None:
    import pydyf

    if "Lang" in additions:
        element["Lang"] = pydyf.String(additions["Lang"])
    if "Contents" in additions and getattr(box, "link_annotation", None) is not None:
        box.link_annotation["Contents"] = pydyf.String(additions["Contents"])
    if "Scope" in additions:
        element.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
        element["A"]["Scope"] = "/" + additions["Scope"]


def _wrap_build(original: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    def build(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout.absolute import AbsolutePlaceholder

        real = box._box if isinstance(box, AbsolutePlaceholder) else box
        doc = getattr(_current, "doc", None)
        if doc is None or _installed is None or isinstance(real, (boxes.PageBox, boxes.MarginBox)) or (
                real.element is not None and real.element_tag in ("html", "body")):
            yield from original(box, parent, *args)  # these yield their children's elements
            return
        state, langs = doc
        # The language around this box is the one of the box that is building
        # its children (pydyf elements do not lead back to their parents).
        inherited = langs[-1]
        lang = real.style["lang"] or inherited
        langs.append(lang)
        try:
            elements = list(original(box, parent, *args))  # its caller takes them all at once too
        finally:
            langs.pop()
        link = getattr(real, "link_annotation", None) is not None
        for element in elements:
            role = str(element.get("S") or "").lstrip("/")
            _apply(real, element, _installed[1](state, Tagged(real.element, role, lang, inherited, link)))
            yield element

    build.__wrapped__ = original  # type: ignore[attr-defined]
    return build


def _wrap_add_tags(original: Callable[..., None]) -> Callable[..., None]:
    def add_tags(pdf: Any, document: Any, *args: Any) -> None:
        lang = getattr(pdf.catalog.get("Lang"), "string", "") or ""
        pages = document.pages
        root = pages[0]._page_box.children[0].element if pages and pages[0]._page_box.children else None
        _current.doc = (_installed[0](root, lang), [lang]) if root is not None and _installed else None
        try:
            original(pdf, document, *args)
        finally:
            _current.doc = None

    add_tags.__wrapped__ = original  # type: ignore[attr-defined]
    return add_tags
