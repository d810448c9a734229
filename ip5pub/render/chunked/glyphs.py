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
    they cannot be merged (they are then kept as they are)."""
    from fontTools.ttLib import TTFont

    try:
        fonts = [TTFont(io.BytesIO(p), recalcTimestamp=False, lazy=False) for p in dict.fromkeys(programs)]
        if len(fonts) == 1:
            return programs[0]
        fonts.sort(key=lambda f: -len(f.getGlyphOrder()))
        base, others = fonts[0], fonts[1:]
        if len({f.getGlyphOrder()[0] for f in fonts}) != 1:
            return None
        for other in others:
            if kind == "glyf":
                _merge_glyf(base, other)
            else:
                _merge_cff(base, other)
        out = io.BytesIO()
        base.save(out, reorderTables=False)
        return out.getvalue()
    except Exception as exc:  # an unexpected font keeps its subsets: larger, not wrong
        log.debug("font subsets not merged: %s: %s", type(exc).__name__, exc)
        return None


def _metrics(base: Any, other: Any, name: str, into: str) -> None:
    for table in ("hmtx", "vmtx"):
        if table in other and table in base and name in other[table].metrics:
            base[table].metrics[into] = other[table].metrics[name]


def _merge_glyf(base: Any, other: Any) -> None:
    glyf, theirs = base["glyf"], other["glyf"]
    base_order, their_order = base.getGlyphOrder(), other.getGlyphOrder()
    for gid, name in enumerate(their_order):
        glyph = theirs[name]
        if glyph.numberOfContours == 0 or glyf[base_order[gid]].numberOfContours != 0:
            continue
        if glyph.isComposite():
            for component in glyph.components:
                component.glyphName = base_order[their_order.index(component.glyphName)]
        glyf[base_order[gid]] = glyph
        _metrics(base, other, name, base_order[gid])
    _merge_cmap(base, other)


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


def _empty(charstring: Any) -> bool:
    charstring.decompile()
    return [op for op in charstring.program if isinstance(op, str)] == ["endchar"]


def _merge_cff(base: Any, other: Any) -> None:
    import copy

    top, theirs = base["CFF "].cff.topDictIndex[0], other["CFF "].cff.topDictIndex[0]
    base_order, their_order = base.getGlyphOrder(), other.getGlyphOrder()
    cid = hasattr(top, "FDArray")
    if cid != hasattr(theirs, "FDArray"):
        raise ValueError("CID-keyed and name-keyed subsets of one face")
    strings, their_strings = top.CharStrings, theirs.CharStrings
    for gid, name in enumerate(their_order):
        charstring = their_strings[name]
        if _empty(charstring) or not _empty(strings[base_order[gid]]):
            continue
        if cid:
            fd = theirs.FDArray[theirs.FDSelect[gid]]
            index = _font_dict(top, fd, copy)
            top.FDSelect[gid] = index
            charstring.private = top.FDArray[index].Private
        else:
            charstring.private = top.Private
        charstring.globalSubrs = top.GlobalSubrs
        strings[base_order[gid]] = charstring
        _metrics(base, other, name, base_order[gid])
    _merge_cmap(base, other)


def _font_dict(top: Any, fd: Any, copy: Any) -> int:
    """The index of a font dictionary like `fd` in top's FDArray, added if missing."""
    name = getattr(fd, "FontName", None)
    for k, mine in enumerate(top.FDArray):
        if getattr(mine, "FontName", None) == name and name is not None:
            return k
    top.FDArray.append(copy.deepcopy(fd))
    return len(top.FDArray) - 1
