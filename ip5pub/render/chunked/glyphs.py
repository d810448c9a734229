"""Font subsets of one face merged glyph by glyph (fontTools).

The subsets keep the original glyph ids, so glyph k is the same glyph in
each one that has it: the merged program is the subset with the most glyph
slots, given every glyph another subset has and it lacks (with its metrics,
and for CFF its font dictionary). The result draws every page as each
subset did.
"""

from __future__ import annotations

import io
import logging
from typing import Any

log = logging.getLogger("ip5pub.pdf")


def merge_programs(programs: list[bytes], kind: str) -> bytes | None:
    """One program with the glyphs of all (`kind`: "glyf" or "cff"); None if
    they cannot be merged (they are then kept as they are). Glyphs are
    copied as they are stored, never decoded: a CJK subset has tens of
    thousands of glyph slots (about a second for a CJK face). Used where the
    installed face the subsets were cut from is not found (fonts.py)."""
    try:
        unique = list(dict.fromkeys(programs))
        if len(unique) == 1:
            return programs[0]
        # The subset with the most glyph slots is the base; the others are
        # read one at a time and let go: a chunked book of 2,000 notices has
        # a hundred subsets of a CJK face, and all of them read at once took
        # gigabytes. (maxp is read alone; nothing else is decoded for it.)
        slots = [_slots(p) for p in unique]
        order = sorted(range(len(unique)), key=lambda i: -slots[i])
        base = _read(unique[order[0]])
        first = base.getGlyphOrder()[0]
        for i in order[1:]:
            other = _read(unique[i])
            if other.getGlyphOrder()[0] != first:
                return None
            if kind == "glyf":
                _merge_glyf(base, other)
            else:
                _merge_cff(base, other)
            _merge_cmap(base, other)
            _join_bounds(base, [other])
            other.close()
        out = io.BytesIO()
        base.save(out, reorderTables=False)
        return out.getvalue()
    except Exception as exc:  # an unexpected font keeps its subsets: larger, not wrong
        log.debug("font subsets not merged: %s: %s", type(exc).__name__, exc)
        return None


def _read(program: bytes) -> Any:
    from fontTools.ttLib import TTFont

    # No recalculation on save: it would decode every glyph. The bounds
    # and maxima are the subsets' own, joined below.
    return TTFont(io.BytesIO(program), recalcTimestamp=False, recalcBBoxes=False)


def _slots(program: bytes) -> int:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(program), lazy=True)
    try:
        return int(font["maxp"].numGlyphs)
    finally:
        font.close()


def _join_bounds(base: Any, others: list[Any]) -> None:
    """The font's bounding box and maxima over all the subsets."""
    head = base["head"]
    for other in others:
        theirs = other["head"]
        head.xMin, head.yMin = min(head.xMin, theirs.xMin), min(head.yMin, theirs.yMin)
        head.xMax, head.yMax = max(head.xMax, theirs.xMax), max(head.yMax, theirs.yMax)
        if "maxp" in base and "maxp" in other and hasattr(other["maxp"], "maxPoints"):
            for name in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours",
                         "maxComponentElements", "maxComponentDepth", "maxSizeOfInstructions"):
                if hasattr(base["maxp"], name):
                    setattr(base["maxp"], name, max(getattr(base["maxp"], name), getattr(other["maxp"], name)))


def _metrics(base: Any, other: Any, name: str, into: str) -> None:
    for table in ("hmtx", "vmtx"):
        if table in other and table in base and name in other[table].metrics:
            base[table].metrics[into] = other[table].metrics[name]


def _outlined(glyph: Any) -> bool:
    """A stored TrueType glyph with an outline (an empty one is stored as no bytes)."""
    data = getattr(glyph, "data", None)
    return bool(data) if data is not None else glyph.numberOfContours != 0


def _merge_glyf(base: Any, other: Any) -> None:
    glyf, theirs = base["glyf"], other["glyf"]
    base_order, their_order = base.getGlyphOrder(), other.getGlyphOrder()
    for gid, name in enumerate(their_order):
        glyph = theirs.glyphs[name]
        if not _outlined(glyph) or _outlined(glyf.glyphs[base_order[gid]]):
            continue
        glyph = theirs[name]  # decoded: a composite's parts are named
        if glyph.isComposite():
            for component in glyph.components:
                component.glyphName = base_order[their_order.index(component.glyphName)]
        glyf[base_order[gid]] = glyph
        _metrics(base, other, name, base_order[gid])


def _merge_cmap(base: Any, other: Any) -> None:
    if "cmap" not in base or "cmap" not in other:
        return
    base_order, their_order = base.getGlyphOrder(), other.getGlyphOrder()
    index = {name: gid for gid, name in enumerate(their_order)}
    for table in other["cmap"].tables:
        mine = base["cmap"].getcmap(table.platformID, table.platEncID)
        if mine is None or mine.format != table.format:
            continue
        for code, name in table.cmap.items():
            mine.cmap.setdefault(code, base_order[index[name]])


def _drawn(charstring: Any) -> bool:
    """A CFF glyph with an outline: more than a width and endchar (at most 6 bytes)."""
    if charstring.bytecode is not None:
        return len(charstring.bytecode) > 6
    return any(op in ("rmoveto", "hmoveto", "vmoveto") for op in charstring.program if isinstance(op, str))


def _sizes(charstrings: Any, count: int) -> list[int] | None:
    """Each glyph's charstring size in bytes, from the font's index (in glyph id order)."""
    offsets = getattr(getattr(charstrings, "charStringsIndex", None), "offsets", None)
    if not offsets or len(offsets) != count + 1:
        return None
    return [b - a for a, b in zip(offsets, offsets[1:])]


def _merge_cff(base: Any, other: Any) -> None:
    import copy

    top, theirs = base["CFF "].cff.topDictIndex[0], other["CFF "].cff.topDictIndex[0]
    base_order, their_order = base.getGlyphOrder(), other.getGlyphOrder()
    cid = hasattr(top, "FDArray")
    if cid != hasattr(theirs, "FDArray"):
        raise ValueError("CID-keyed and name-keyed subsets of one face")
    strings, their_strings = top.CharStrings, theirs.CharStrings
    mine, their_sizes = _sizes(strings, len(base_order)), _sizes(their_strings, len(their_order))
    for gid, name in enumerate(their_order):
        if their_sizes is not None and mine is not None and (their_sizes[gid] <= 6 or mine[gid] > 6):
            continue  # sizes as stored: no glyph decoded to know
        charstring = their_strings[name]
        if not _drawn(charstring) or _drawn(strings[base_order[gid]]):
            continue
        if cid:
            index = _font_dict(top, theirs.FDArray[theirs.FDSelect[gid]], copy)
            top.FDSelect[gid] = index
            charstring.private = top.FDArray[index].Private
        else:
            charstring.private = top.Private
        charstring.globalSubrs = top.GlobalSubrs
        strings[base_order[gid]] = charstring
        _metrics(base, other, name, base_order[gid])


def _font_dict(top: Any, fd: Any, copy: Any) -> int:
    """The index of a font dictionary like `fd` in top's FDArray, added if missing."""
    name = getattr(fd, "FontName", None)
    for k, mine in enumerate(top.FDArray):
        if getattr(mine, "FontName", None) == name and name is not None:
            return k
    top.FDArray.append(copy.deepcopy(fd))
    return len(top.FDArray) - 1
