"""The installed font a subset was cut from: its file and face index.

A subset keeps its face's PostScript name and its `head` (revision,
dates, units per em); fontconfig lists every installed face by PostScript
name. A face is taken only when all of these agree and it is a plain
outline font (no variation axes, no colour or bitmap glyphs, which
WeasyPrint embeds otherwise); else the subsets are joined glyph by glyph
(ip5pub.render.chunked.glyphs).

A layout worker knows which installed face it draws with before it embeds
it: for such a face it embeds a stand-in (`stand_in`, the face's `head` and
`name` tables and a mark), not a subset the assembly would throw away, and
the assembly makes the face's program from the installed file.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_SPECIAL = ("fvar", "COLR", "SVG ", "CBDT", "sbix", "EBDT")  # tables of faces WeasyPrint embeds otherwise
STAND_IN = b"IP5s"  # the table that marks a stand-in program


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
    """The installed face `program` (a subset or a stand-in) was cut from, or None."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(io.BytesIO(program), lazy=True) as subset:
            name = subset["name"].getDebugName(6) or ""
            mark = _mark(subset)
    except (TTLibError, KeyError, AttributeError, ValueError, OSError, struct.error):
        return None
    return _installed_face(name, mark, installed().get(name, ()))


@lru_cache(maxsize=256)
def _installed_face(name: str, mark: tuple[Any, ...], places: tuple[tuple[str, int], ...]) -> Face | None:
    """The face among `places` (installed under `name`) whose head is `mark`
    (cached: a layout worker asks for every face of every document)."""
    from fontTools.ttLib import TTFont, TTLibError

    for path, index in places:
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


def stand_in(font: Any) -> bytes | None:
    """A stand-in program for WeasyPrint's `font` (pdf.fonts.Font) if the
    face is installed and a plain outline font (else None: it is subset as
    usual): its `head` and `name` tables, which `original` reads, and the
    STAND_IN mark. Read from its HarfBuzz face: the file is not copied."""
    if any(tag in _SPECIAL for tag in font.tables) or font.bitmap:
        return None
    try:
        from weasyprint.text.ffi import ffi, harfbuzz
    except ImportError:
        return None
    tables = {}
    for tag in (b"head", b"name"):
        blob = harfbuzz.hb_face_reference_table(font.hb_face, harfbuzz.hb_tag_from_string(tag, -1))
        try:
            length = ffi.new("unsigned int *")
            data = harfbuzz.hb_blob_get_data(blob, length)
            tables[tag] = bytes(ffi.buffer(data, length[0])) if length[0] else b""
        finally:
            harfbuzz.hb_blob_destroy(blob)
    if not all(tables.values()):
        return None
    version = b"OTTO" if "CFF " in font.tables else b"\0\1\0\0"  # WeasyPrint tells CFF by it
    program = _sfnt(version, {**tables, STAND_IN: b"ip5pub"})
    return program if original(program) is not None else None


def is_stand_in(program: bytes) -> bool:
    """Whether `program` is a stand-in (it has the STAND_IN table)."""
    if len(program) < 12:
        return False
    count = struct.unpack(">H", program[4:6])[0]
    return any(program[12 + 16 * i:16 + 16 * i] == STAND_IN for i in range(count))


def _sfnt(version: bytes, tables: dict[bytes, bytes]) -> bytes:
    """An OpenType file of these tables (the layout of the format; checksums left 0)."""
    count = len(tables)
    power = 1 << (count.bit_length() - 1)
    head = version + struct.pack(">HHHH", count, power * 16, power.bit_length() - 1, count * 16 - power * 16)
    offset = 12 + 16 * count
    records, bodies = b"", b""
    for tag in sorted(tables):
        data = tables[tag]
        records += tag + struct.pack(">III", 0, offset + len(bodies), len(data))
        bodies += data + b"\0" * (-len(data) % 4)
    return head + records + bodies
