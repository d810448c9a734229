"""The installed font a subset was cut from: its file and face index.

A subset keeps its face's PostScript name and its `head` (revision,
dates, units per em); fontconfig lists every installed face by PostScript
name. A face is taken only when all of these agree and it is a plain
outline font (no variation axes, no colour or bitmap glyphs, which
WeasyPrint embeds otherwise); else the subsets are joined glyph by glyph
(ip5pub.render.chunked.glyphs).
"""

from __future__ import annotations

import io
import os
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_SPECIAL = ("fvar", "COLR", "SVG ", "CBDT", "sbix", "EBDT")  # tables of faces WeasyPrint embeds otherwise


@dataclass(frozen=True)
class Face:
    path: str
    index: int
    mark: str  # the face's head and the file's size: another font file under the same name is another key


@lru_cache(maxsize=1)
def installed() -> dict[str, tuple[tuple[str, int], ...]]:
    """PostScript name -> (file, face index) of every face fontconfig lists (none without fc-list)."""
    try:
        listing = subprocess.run(["fc-list", "--format", "%{postscriptname}\t%{index}\t%{file}\n"],
                                 capture_output=True, text=True, timeout=60, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, list[tuple[str, int]]] = {}
    for line in listing.splitlines():
        name, index, path = (line.split("\t", 2) + ["", ""])[:3]
        if name and index.isdigit() and path:
            found.setdefault(name, []).append((path, int(index)))
    return {name: tuple(sorted(set(places))) for name, places in found.items()}


def original(program: bytes) -> Face | None:
    """The installed face `program` (a subset) was cut from, or None."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(io.BytesIO(program), lazy=True) as subset:
            name = subset["name"].getDebugName(6)
            mark = _mark(subset)
    except (TTLibError, KeyError, AttributeError, ValueError, OSError):
        return None
    for path, index in installed().get(name or "", ()):
        try:
            with TTFont(path, fontNumber=index, lazy=True) as face:
                if _mark(face) == mark and not any(tag in face for tag in _SPECIAL):
                    return Face(path, index, f"{mark!r} {os.path.getsize(path)}")
        except (TTLibError, KeyError, AttributeError, ValueError, OSError):
            continue
    return None


def _mark(font: Any) -> tuple[Any, ...]:
    head = font["head"]
    return head.fontRevision, head.created, head.modified, head.unitsPerEm, head.magicNumber
