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
on the written file by pdf_archive. What to add is decided here, from the
HTML; how it gets into WeasyPrint's tree is the adapter's (render/weasy/
tags.py): on a WeasyPrint it was not checked against, it says so once and
the PDF is written without these additions (test_pdf_archive.py then fails).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ip5pub.render.weasy import tags

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SPACE = re.compile(r"\s+")


@dataclass
class _Document:
    """What the additions need of the document being tagged."""

    lang: str
    root: Any  # the html element (ElementTree)
    ids: dict[str, Any] = field(default_factory=dict)  # id -> element, filled on first use

    def target(self, fragment: str) -> Any:
        if not self.ids:
            self.ids = {e.get("id"): e for e in self.root.iter() if e.get("id")}
        return self.ids.get(fragment)


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


def additions(doc: _Document, box: tags.Tagged) -> dict[str, str]:
    """What a box's structure element (and link) gets: its language where it
    differs from the one around it, a link's description, a header cell's scope."""
    out = {}
    if box.lang and box.lang != box.inherited:
        out["Lang"] = box.lang
    if box.link and box.element is not None:
        description = link_description(box.element, doc)
        if description:
            out["Contents"] = description
    if box.role == "TH" and box.element is not None:
        out["Scope"] = "Row" if box.element.get("scope", "").lower() in ("row", "rowgroup") else "Column"
    return out


def install() -> bool:
    """Have WeasyPrint's tagging add these; False if it cannot (it warned)."""
    return tags.install(lambda root, lang: _Document(lang, root), additions)
