"""Links to another document's anchors, written as links to a named destination.

A chunked layout cuts the brief into documents, and an internal link's
anchor is often in another one: WeasyPrint would drop such a link (no
anchor of that name in its document), so the layout gives it an external
target, a prefix and the anchor's name (ip5pub.render.chunked.plan.GOTO).
Within `named(prefix)`, WeasyPrint writes a link to such a target as it
writes a link to an anchor of its own document: an annotation whose
/Dest names the anchor, which the assembled book's name tree resolves.
The assembly then has no annotation of any page to read and rewrite
(0.04 s of a one-notice edit at 500 notices, all of it after the layout).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ip5pub.render.weasy.installer import Installer

_prefix: str | None = None


@contextmanager
def named(prefix: str) -> Iterator[None]:
    """While in this block, WeasyPrint writes a link to `prefix` + a name as
    a link to the named destination `name`. Needs links_named installed."""
    global _prefix
    _prefix = prefix
    try:
        yield
    finally:
        _prefix = None


@Installer
def links_named() -> bool:
    """Install the rewriting of links (`named`); once per process. On a
    WeasyPrint that resolves its links otherwise, nothing is changed."""
    try:
        import inspect

        from weasyprint import pdf
        from weasyprint.pdf import anchors

        resolve = pdf.resolve_links
        params = list(inspect.signature(resolve).parameters)
    except (ImportError, AttributeError, ValueError):
        return False
    if resolve is not anchors.resolve_links or params != ["pages"]:
        return False

    def resolve_links(pages: Any) -> Iterator[tuple[list[Any], Any]]:
        # (link type, target, rectangle, box) per link; WeasyPrint writes an
        # "internal" one's target as the name of a destination.
        for links, paged_anchors in resolve(pages):
            if _prefix is not None:
                links = [("internal", link[1][len(_prefix):], *link[2:])
                         if link[0] == "external" and link[1].startswith(_prefix) else link for link in links]
            yield links, paged_anchors

    pdf.resolve_links = resolve_links
    return True
