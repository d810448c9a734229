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

import os
import struct
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_SPECIAL = frozenset({"fvar", "COLR", "SVG ", "CBDT", "sbix", "EBDT"})  # tables of faces WeasyPrint embeds otherwise
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
    try:
        subset = Sfnt.read(lambda offset, length: program[offset:offset + length], 0, names=True)
    except (ValueError, struct.error):
        return None
    return _installed_face(subset.name, subset.mark, installed().get(subset.name, ()))


@lru_cache(maxsize=256)
def _installed_face(name: str, mark: tuple[int, ...], places: tuple[tuple[str, int], ...]) -> Face | None:
    """The face among `places` (installed under `name`) whose head is `mark`
    (cached: a layout worker asks for every face of every document)."""
    for path, index in places:
        try:
            with open(path, "rb") as file:
                def read(offset: int, length: int) -> bytes:
                    file.seek(offset)
                    return file.read(length)

                face = Sfnt.read(read, index)
        except (ValueError, struct.error, OSError):
            continue
        if face.mark == mark and not face.tags & _SPECIAL:
            return Face(path, index, f"{mark!r} {os.path.getsize(path)}")
    return None


@dataclass(frozen=True)
class Sfnt:
    """What a face is told by, read from its OpenType (sfnt) file as fontTools
    would read it: its PostScript name, its `head` (revision, dates, units per
    em, magic number), its tables. Read here, a few hundred bytes of the
    file: fontTools (its `name` table alone imports 24 modules) cost a
    process 0.034-0.044 s of CPU at the first face it read."""

    name: str  # name ID 6, as fontTools' getDebugName(6) reads it ("" for none)
    mark: tuple[int, ...]  # head: fontRevision (16.16), created, modified, unitsPerEm, magicNumber
    tags: frozenset[str]

    @classmethod
    def read(cls, read: Callable[[int, int], bytes], index: int, names: bool = False) -> Sfnt:
        """The face `index` of the file `read(offset, length)` gives (a collection's, or the one of
        a plain file); its name only if `names`. ValueError or struct.error if it is not one."""
        header = read(0, 12)
        offset = 0
        if header[:4] == b"ttcf":
            count = struct.unpack(">I", header[8:12])[0]
            if not 0 <= index < count:
                raise ValueError("no such face in the collection")
            offset = struct.unpack(">I", read(12 + 4 * index, 4))[0]
            header = read(offset, 12)
        if header[:4] not in (b"\0\1\0\0", b"OTTO", b"true"):
            raise ValueError("not an OpenType face")
        count = struct.unpack(">H", header[4:6])[0]
        directory = read(offset + 12, 16 * count)
        tables = {directory[k:k + 4]: struct.unpack(">II", directory[k + 8:k + 16]) for k in range(0, 16 * count, 16)}
        if b"head" not in tables:
            raise ValueError("no head table")
        start, length = tables[b"head"]
        head = read(start, 36)
        if length < 36 or len(head) < 36:
            raise ValueError("a short head table")
        revision, magic = struct.unpack(">i", head[4:8])[0], struct.unpack(">I", head[12:16])[0]
        units, created, modified = struct.unpack(">Hqq", head[18:36])
        name = ""
        if names and b"name" in tables:
            start, length = tables[b"name"]
            name = _postscript_name(read(start, length))
        return cls(name, (revision, created, modified, units, magic), frozenset(t.decode("latin-1") for t in tables))


def _postscript_name(table: bytes) -> str:
    """Name ID 6 of a `name` table, as fontTools' getDebugName reads a name:
    the first English record (Macintosh Roman, or Windows US English), else
    the last that decodes."""
    count, strings = struct.unpack(">HH", table[2:6])
    found = ""
    for k in range(6, 6 + 12 * count, 12):
        platform, encoding, language, name_id, length, at = struct.unpack(">HHHHHH", table[k:k + 12])
        if name_id != 6:
            continue
        codec = "utf_16_be" if platform == 0 or (platform == 3 and encoding in (0, 1, 10)) \
            else "mac_roman" if (platform, encoding) == (1, 0) else "ascii"
        try:
            text = table[strings + at:strings + at + length].decode(codec)
        except UnicodeDecodeError:
            continue
        found = text
        if (platform, language) in ((1, 0), (3, 0x409)):
            break
    return found


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
