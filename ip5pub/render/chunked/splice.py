"""A chunk laid out again from the page its first changed notice starts on.

A corrected notice changes the pages from the one it starts on, and often
only until the pagination catches up (a longer paragraph takes the slack at
the foot of a later page). The chunk's last layout kept each page's start
state (weasy.resume); the worker lays the new chunk out from that page and
stops at the first page that starts in the same state inside a notice that
is unchanged from there on. The chunk is then joined from the last layout's
pages before and after and the new pages between (`join`: the laid-out
document's `parts`, which the assembly draws as one document): the same
bytes as a cold layout, as long as every glyph and graphics state the old
documents hold is drawn by a page kept or held by the new pages
(`joinable`; else the chunk is laid out whole), and the chunk's outline is
flat (the house style's: one entry per notice).

The last layout of a chunk is found by the chunk's first notice
(`lineage_key`), the notices of both compared by the digests of their HTML.
The front and back matter (the contents, the glossary, the index: no
notices to go by) are compared element by element in document order
(`elements`), laid out again from the page before the one their first
changed element starts on (`Laid.firsts`), and stop inside an element past
every change (`plan_elements`); their last layout is found by their kind.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from ip5pub.cache import digest
from ip5pub.render.chunked.tree import serialize
from ip5pub.render.chunked.worker import Laid, Resume
from ip5pub.render.weasy import inert

KIND = "pdf-chunk-body"  # the documents laid out again from a page


def notices(root: Any, text: str) -> tuple[list[list[str]], str] | None:
    """The document's notices as (id, digest of their HTML), and the digest of
    the rest of it (its frame: styles, footnote numbering, the page break it
    starts with); None if a notice's HTML is not found in `text`, the
    document's."""
    found = []
    frame = text
    for article in root.iter("article"):
        html = serialize(article).removeprefix("<!DOCTYPE html>\n")
        notice_id = article.get("id") or ""
        if not notice_id or html not in frame:
            return None
        frame = frame.replace(html, f"<ip5pub-notice {notice_id}>", 1)
        found.append([notice_id, digest(html)])
    return found, digest(frame)


def lineage_key(first_notice: str, setting: str) -> str:
    """Where the key of a chunk's last layout is kept: its first notice and the
    layout's settings (page CSS, base URL, style files)."""
    return digest("pdf-chunk-lineage", first_notice, setting)


def matter_lineage_key(kind: str, setting: str) -> str:
    """Where the key of the front or back matter's last layout is kept."""
    return digest("pdf-matter-lineage", kind, setting)


def elements(root: Any) -> tuple[list[str], list[int]]:
    """Each element of the document in document order (as root.iter() gives
    them): a digest of its own tag, attributes, text and the text after it,
    and the place of its last descendant (a changed element changes what it holds)."""
    found: list[str] = []
    ends: list[int] = []

    def visit(element: Any) -> None:
        k = len(found)
        tag = element.tag if isinstance(element.tag, str) else "#comment"
        found.append(digest(tag, repr(sorted(element.attrib.items())), element.text or "", element.tail or "")[:16])
        ends.append(k)
        for child in element:
            visit(child)
        ends[k] = len(found) - 1

    visit(root)
    return found, ends


def plan_elements(last: Laid, found: list[str], ends: list[int]) -> Resume | None:
    """Where to lay the front or back matter out from, or None (laid out
    whole): as many elements as last time, some changed, each drawn on a
    page (a style or the head changed: everything does); from the page
    before the one the first changed element starts on, until past every
    element holding a change."""
    if (not last.states or len(last.states) != last.pages + 1 or len(last.elements) != len(found)
            or len(last.firsts) != len(found)):
        return None
    changed = [k for k, (old, new) in enumerate(zip(last.elements, found)) if old != new]
    if not changed or any(last.firsts[k] < 0 for k in changed):
        return None
    start = _startable(last, min(last.firsts[k] for k in changed) - 1)
    if start is None:
        return None
    return Resume(start, tuple(last.states), frozenset(), after=max(ends[k] for k in changed), elements=len(found),
                  empty=inert.emptiable(last.statuses, last.firsts, ends, start))


def plan(last: Laid, found: list[list[str]], frame: str) -> Resume | None:
    """Where to lay the new chunk out from, or None (laid out whole): the same
    frame and as many notices, one or more of them changed (a new headline
    changes the id too); the
    page the first changed one starts on in the last layout (the page before
    when it starts a page: that page may have tried it at its foot)."""
    if not last.states or last.frame != frame or len(last.notices) != len(found):
        return None
    changed = [k for k, (old, new) in enumerate(zip(last.notices, found)) if old != new]
    if not changed:
        return None
    first_id = last.notices[changed[0]][0]
    start = last.anchors.get(first_id)
    if start is None:
        return None
    if start > 0 and first_id in last.tops[start]:
        start -= 1
    resumed = _startable(last, start) if len(last.states) == last.pages + 1 else None
    if resumed is None:
        return None
    return Resume(resumed, tuple(last.states), frozenset(n[0] for n in found[changed[-1] + 1:]))


def _startable(last: Laid, start: int) -> int | None:
    """The last page at or before `start` that a layout may start from (its
    state kept); None for the first page: no gain."""
    while start > 0 and last.states[start] is None:
        start -= 1
    return start if start > 0 else None


def parts_of(key: str, laid: Laid) -> list[tuple[str, int, int]]:
    return [(str(p[0]), int(p[1]), int(p[2])) for p in laid.parts] if laid.parts else [(key, 0, laid.pages)]


def cut(parts: list[tuple[str, int, int]], start: int, end: int) -> list[tuple[str, int, int]]:
    """The parts holding pages [start, end) of the document they make up."""
    out, at = [], 0
    for key, a, b in parts:
        lo, hi = max(start, at), min(end, at + b - a)
        if lo < hi:
            out.append((key, a + lo - at, a + hi - at))
        at += b - a
    return out


def join(last_key: str, last: Laid, partial_key: str, new: Laid) -> Laid:
    """The document joined from the last layout and the pages laid out from
    `new.start`: to its end, or to `new.resync`, the page from which the
    last layout's pages go on (a page starts there as it did, so the pages
    before it number as many as before). What it holds (notices, elements)
    the caller sets."""
    start = new.start
    stop = start + new.pages
    tail = range(stop, last.pages) if new.resync is not None else range(0)
    old = parts_of(last_key, last)
    parts = cut(old, 0, start) + [(partial_key, 0, new.pages)] + cut(old, tail.start, tail.stop)
    anchors = {name: page for name, page in last.anchors.items() if page < start or page in tail}
    anchors.update((name, start + page) for name, page in new.anchors.items() if name not in anchors)
    return Laid(b"", stop + len(tail),
                names=last.names[:start] + new.names + last.names[stop:stop + len(tail)],
                anchors=anchors,
                refs=last.refs[:start] + new.refs + last.refs[stop:stop + len(tail)],
                tops=last.tops[:start] + new.tops + last.tops[stop:stop + len(tail)],
                stuck=sorted(set(last.stuck) | set(new.stuck)),
                states=new.states[:stop] + last.states[stop:] if tail else new.states,
                parts=[list(p) for p in parts], firsts=_firsts(last.firsts, new.firsts, start, tail),
                statuses=_statuses(last, new, start, tail), emptied=new.emptied)


def _firsts(old: list[int], new: list[int], start: int, tail: range) -> list[int]:
    """The page each element first appears on in the joined document: on a
    page kept before `start`, on a new page, or on a page of the kept tail."""
    if not old or len(new) != len(old):
        return []
    return [was if 0 <= was < start else start + now if now >= 0 else was if was in tail else -1
            for was, now in zip(old, new)]


def _statuses(last: Laid, new: Laid, start: int, tail: range) -> list[int]:
    """What each element is for a later layout from a page (weasy.inert),
    in the joined document: for one on no new page, as the kept pages show
    it (unknown if it was only on pages laid out again); for one on a new
    page, the bits both layouts give it (each may have seen a part of it).
    The bits say what an element's own style does, so a stale one only
    empties less."""
    old, now, firsts = last.statuses, new.statuses, last.firsts
    if not old or len(now) != len(old) or len(firsts) != len(old):
        return []
    return [(was if 0 <= first < start or first in tail else -1) if seen < 0 else was & seen if was >= 0 else seen
            for was, seen, first in zip(old, now, firsts)]


_TEXT = re.compile(rb"/([^\s/\[\]<>()]+)\s+[-\d.]+\s+Tf|<([0-9a-fA-F]+)>|/([^\s/\[\]<>()]+)\s+gs\b")


def _drawn(page: Any) -> tuple[dict[str, set[int]], set[str]]:
    """Glyph ids drawn per font name, and graphics states used, on a page (pikepdf's)."""
    import pikepdf

    glyphs: dict[str, set[int]] = {}
    states: set[str] = set()
    contents = page.obj.get("/Contents")
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []
    font = None
    for stream in streams:
        for m in _TEXT.finditer(stream.read_bytes()):
            if m.group(1) is not None:
                font = m.group(1).decode("latin-1")
            elif m.group(2) is not None and font is not None:
                hex_ = m.group(2)
                glyphs.setdefault(font, set()).update(int(hex_[j:j + 4], 16) for j in range(0, len(hex_), 4))
            elif m.group(3) is not None:
                states.add(m.group(3).decode("latin-1"))
    return glyphs, states


def _fonts(pdf: Any) -> tuple[dict[str, set[int]], set[str], bool]:
    """The document's fonts (name -> glyph ids in its text map), graphics
    states, and whether it holds only stand-ins and nothing numbered by use."""
    from ip5pub.render.chunked.faces import is_stand_in
    from ip5pub.render.chunked.fonts import _program, _to_unicode

    resources = pdf.pages[0].obj.get("/Resources") if len(pdf.pages) else None
    if resources is None:
        return {}, set(), False
    plain = all(len(resources.get(kind, {}).keys()) == 0 for kind in ("/XObject", "/Pattern", "/Shading"))
    fonts: dict[str, set[int]] = {}
    for name, font in (resources.get("/Font") or {}).items():
        try:
            program = _program(font)
            if int(program.get("/Length", 0)) >= 65536 or not is_stand_in(program.read_bytes()):
                plain = False
        except (AttributeError, KeyError, TypeError, ValueError):
            plain = False
        fonts[str(name).lstrip("/")] = {gid for gid, _ in _to_unicode(font)}
    states = {str(name).lstrip("/") for name in (resources.get("/ExtGState") or {})}
    return fonts, states, plain


@dataclass(frozen=True)
class Held:
    """What a laid-out document holds (its fonts' glyphs and its graphics
    states), whether it is plain (only stand-ins, nothing numbered by use,
    a flat outline) and, if so, what each of its pages draws: read from a
    last layout's PDF while the new pages are laid out (joinable)."""

    fonts: dict[str, set[int]]
    states: set[str]
    plain: bool
    pages: list[tuple[dict[str, set[int]], set[str]]]


def held(data: bytes) -> Held:
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    fonts, states, plain = _fonts(pdf)
    plain = plain and _flat(pdf)
    return Held(fonts, states, plain, [_drawn(page) for page in pdf.pages] if plain else [])


def joinable(old: list[Held], old_ranges: list[list[int]], partial: bytes) -> bool:
    """Whether pages kept from the last layout's PDFs (`old`, each with the
    pages kept) and the new pages make the fonts and graphics states a cold
    layout makes: every glyph and state the old documents hold is drawn by a
    kept page (of any of them) or held by the new document; every document
    only stand-ins and nothing numbered by use; the outlines flat."""
    import pikepdf

    new_pdf = pikepdf.open(io.BytesIO(partial))
    drawn, used, plain = _fonts(new_pdf)  # what the book's pages will draw, from the new pages on
    if not plain or not _flat(new_pdf) or not all(doc.plain for doc in old):
        return False
    for doc, kept in zip(old, old_ranges):
        for i in kept:
            glyphs, names = doc.pages[i]
            for name, ids in glyphs.items():
                drawn.setdefault(name, set()).update(ids)
            used |= names
    return all(doc.states <= used and all(ids <= drawn.get(name, set()) for name, ids in doc.fonts.items())
               for doc in old)


def _flat(pdf: Any) -> bool:
    with pdf.open_outline() as outline:
        return all(not item.children for item in outline.root)
