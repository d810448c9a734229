"""One font per face in an assembled PDF, as a single pass embeds it.

Every laid-out document embeds each font it uses under a name of the face
alone (WeasyPrint's prefix hashes the font description): an assembled book
had nine different subsets of Noto Sans under one name. For an installed
face the documents embed a stand-in (faces.stand_in), for any other their
own subset, which keeps the original glyph ids (HarfBuzz's retain-gids,
which WeasyPrint asks for). Either way they make one program per face: the
installed face subset again with every glyph they drew, as WeasyPrint
subsets it (the program a single pass embeds, byte for byte), or, where
that face is not found, the subsets joined glyph by glyph (glyphs.py); its
widths and text mapping are joined, under a prefix of its own, and every
page and furniture form then uses that one font. A face whose subsets cannot be merged
(another font format, an encoding other than Identity-H) is left as it
was: larger, but drawn the same.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ip5pub.render.chunked.faces import Face, is_stand_in, original


class StandInLeft(RuntimeError):
    """A face embedded as a stand-in whose program could not be made."""


_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


@dataclass(frozen=True)
class Program:
    """How one face's program is made: the installed face subset again with
    the glyphs drawn, or, where it is not found, the subsets merged."""

    kind: str  # "glyf" or "cff"
    glyphs: tuple[int, ...]
    missing: bool  # a .notdef among the glyphs
    face: Face | None
    subsets: tuple[bytes, ...] = ()  # only without a face

    def key(self) -> str:
        h = hashlib.sha256(repr((self.kind, self.glyphs, self.missing, self.face)).encode())
        for program in self.subsets:
            h.update(hashlib.sha256(program).digest())
        return h.hexdigest()

    def size(self) -> int:
        return len(self.glyphs) + sum(map(len, self.subsets))


@dataclass(frozen=True)
class Made:
    """A face's one program as the book embeds it: compressed as qpdf would
    compress it when saving (zlib's defaults, the same bytes), so that the
    assembly neither compresses it nor, from the cache, reads it whole; with
    what the font's dictionaries take from the program itself."""

    deflated: bytes
    length: int  # of the program: a TrueType program's /Length1
    prefix: str  # the font's name prefix, from the program (_prefix)

    @classmethod
    def of(cls, program: bytes) -> Made:
        return cls(zlib.compress(program), len(program), _prefix(program))

    def pack(self) -> bytes:
        return self.prefix.encode("ascii") + self.length.to_bytes(8, "big") + self.deflated

    @classmethod
    def unpack(cls, blob: bytes) -> Made | None:
        """What `pack` wrote; None for anything else (a damaged cache entry)."""
        prefix = blob[:6].decode("ascii", "replace")
        if len(blob) < 15 or not re.fullmatch("[A-Z]{6}", prefix):
            return None
        return cls(blob[14:], int.from_bytes(blob[6:14], "big"), prefix)


def make_program(job: Program) -> Made | None:
    """The face's one program, compressed; None: its subsets stay as they are."""
    if job.face is not None:
        from ip5pub.render.weasy.resubset import subset

        program = subset(job.face.path, job.face.index, job.glyphs, job.missing)
    else:
        from ip5pub.render.chunked.glyphs import merge_programs

        program = merge_programs(list(job.subsets), job.kind)
    return Made.of(program) if program is not None else None


def merge_fonts(pdf: Any, mapper: Callable[..., Iterable[Made | None]] = map) -> None:
    """One program for the subsets of each face in `pdf` (a pikepdf.Pdf), in place.

    The programs are made by `mapper` (like `map`: threads, so that the
    faces are made side by side), the largest first. Of a
    face found installed, one subset is read, to know which face it is: a
    book of 2,000 notices has a hundred subsets of each CJK face, tens of
    megabytes each once read."""
    groups: dict[tuple[str, ...], list[Any]] = {}
    mappings = list(_font_mappings(pdf))
    read = _Read()
    for mapping in mappings:
        for _, font in mapping.items():
            key = _face_key(font, read)
            if key is not None and all(font.objgen != f.objgen for f in groups.setdefault(key, [])):
                groups[key].append(font)
    merged: dict[tuple[int, int], Any] = {}  # font dict (number, generation) -> its replacement
    standing = {key for key, fonts in groups.items() if any(_standing(p) for p in _programs(fonts).values())}
    todo = [(key, fonts) for key, fonts in sorted(groups.items())
            if len(fonts) >= 2 or len(_programs(fonts)) >= 2 or key in standing]
    jobs = [_job(key[1], fonts, read) for key, fonts in todo]
    for (key, _), job in zip(todo, jobs):
        if key in standing and job.face is None:  # stand-ins cannot be joined: their face is gone
            raise StandInLeft(f"the font {key[0]} could not be made again from its installed file")
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].size())
    results = dict(zip(order, mapper(make_program, [jobs[i] for i in order])))
    for i, (key, fonts) in enumerate(todo):
        new = _merge(pdf, fonts, key[1], results[i], read)
        if new is not None:
            merged.update((f.objgen, new) for f in fonts)
        elif key in standing:
            raise StandInLeft(f"the font {key[0]} could not be made again from its installed file")
    for mapping in mappings:
        for name, font in list(mapping.items()):
            if font.objgen in merged:
                mapping[name] = merged[font.objgen]


def _standing(program: Any) -> bool:
    """Whether a font's program is a layout worker's stand-in (faces.stand_in:
    a few kilobytes; a subset may be tens of megabytes, and is not read)."""
    return int(program.get("/Length", 0)) < 65536 and is_stand_in(program.read_bytes())


class _Read:
    """Each font's widths and text map, read from the PDF once: the face's
    key, the glyphs drawn and the merged font each need them."""

    def __init__(self) -> None:
        self._widths: dict[tuple[int, int], list[tuple[int, float]]] = {}
        self._text: dict[tuple[int, int], list[tuple[int, bytes]]] = {}

    def widths(self, font: Any) -> list[tuple[int, float]]:
        if font.objgen not in self._widths or not font.is_indirect:
            self._widths[font.objgen] = list(_widths(font.DescendantFonts[0].get("/W", [])))
        return self._widths[font.objgen]

    def text(self, font: Any) -> list[tuple[int, bytes]]:
        if font.objgen not in self._text or not font.is_indirect:
            self._text[font.objgen] = list(_to_unicode(font))
        return self._text[font.objgen]


def _job(kind: str, fonts: list[Any], read: _Read) -> Program:
    glyphs, missing = _drawn(fonts, read)
    programs = list(_programs(fonts).values())
    face = original(programs[0].read_bytes()) if glyphs else None
    if face is not None:
        return Program(kind, glyphs, missing, face)
    return Program(kind, glyphs, missing, None, tuple(p.read_bytes() for p in programs))


def _drawn(fonts: list[Any], read: _Read) -> tuple[tuple[int, ...], bool]:
    """The glyphs the fonts drew (their text maps: WeasyPrint maps every glyph
    it draws, and subsets its face to exactly those) and whether a .notdef
    is among them (WeasyPrint gives glyph 0 a width only then)."""
    glyphs = {gid for font in fonts for gid, _ in read.text(font)}
    missing = any(gid == 0 for font in fonts for gid, _ in read.widths(font))
    return tuple(sorted(glyphs)), missing


def _font_mappings(pdf: Any) -> Iterator[Any]:
    """Every /Font resource dictionary of the pages and the forms they draw, once."""
    from pikepdf import Dictionary, Name

    seen: set[Any] = set()

    def visit(resources: Any) -> Iterator[Any]:
        if not isinstance(resources, Dictionary):
            return
        fonts = resources.get(Name.Font)
        if isinstance(fonts, Dictionary) and _once(fonts, seen):
            yield fonts
        for xobject in (resources.get(Name.XObject) or {}).values():
            if xobject.get(Name.Subtype) == Name.Form and _once(xobject, seen):
                yield from visit(xobject.get(Name.Resources))

    for page in pdf.pages:
        yield from visit(page.obj.get(Name.Resources))


def _once(obj: Any, seen: set[Any]) -> bool:
    key = obj.objgen if obj.is_indirect else id(obj)
    if key in seen:
        return False
    seen.add(key)
    return True


def _face_key(font: Any, read: _Read) -> tuple[str, ...] | None:
    """What makes two font dictionaries subsets of one face (None: not mergeable)."""
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return None
    cid = font.DescendantFonts[0]
    descriptor = cid.FontDescriptor
    if cid.get("/CIDToGIDMap", "/Identity") != "/Identity" or "/CIDSet" in descriptor:
        return None
    if "/FontFile2" in descriptor and cid.Subtype == "/CIDFontType2":
        kind = "glyf"
    elif "/FontFile3" in descriptor and descriptor.FontFile3.get("/Subtype") == "/OpenType":
        kind = "cff"
    else:
        return None
    return str(font.BaseFont).split("+", 1)[-1], kind, str(descriptor.get("/FontFamily", "")), \
        str(_flags(font, read))


def _fixed(widths: list[float]) -> bool:
    """WeasyPrint's FixedPitch rule: more than one glyph, all as wide."""
    return len(widths) > 1 and len(set(widths)) == 1


def _flags(font: Any, read: _Read) -> int:
    """The descriptor's flags without the FixedPitch bit WeasyPrint set from this subset's widths."""
    widths = [w for _, w in read.widths(font)]
    return int(font.DescendantFonts[0].FontDescriptor.Flags) - _fixed(widths)


def _program(font: Any) -> Any:
    descriptor = font.DescendantFonts[0].FontDescriptor
    return descriptor.get("/FontFile2") or descriptor.get("/FontFile3")


def _programs(fonts: list[Any]) -> dict[Any, Any]:
    return {_program(f).objgen: _program(f) for f in fonts}


def _merge(pdf: Any, fonts: list[Any], kind: str, program: Made | None, read: _Read) -> Any | None:
    """One font for `fonts`, drawn with `program` (their programs merged; None: they could not be)."""
    from pikepdf import Array, Dictionary, Name, Stream

    if program is None:
        return None
    widths: dict[int, float] = {}
    text: dict[int, bytes] = {}
    for font in fonts:
        for gid, width in read.widths(font):
            widths.setdefault(gid, width)
        for gid, chars in read.text(font):
            text.setdefault(gid, chars)
    first = fonts[0]
    name = program.prefix + "+" + str(first.BaseFont).split("+", 1)[-1].lstrip("/")
    fontfile = Stream(pdf, b"")
    fontfile.write(program.deflated, filter=Name.FlateDecode)
    if kind == "glyf":
        fontfile.Length1 = program.length
    else:
        fontfile.Subtype = Name.OpenType
    descriptor = Dictionary(dict(first.DescendantFonts[0].FontDescriptor.items()))
    descriptor.FontName = Name("/" + name)
    descriptor.Flags = _flags(first, read) + _fixed(list(widths.values()))
    boxes = [list(f.DescendantFonts[0].FontDescriptor.FontBBox) for f in fonts]
    descriptor.FontBBox = Array([min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                                 max(b[3] for b in boxes)])
    descriptor[Name.FontFile2 if kind == "glyf" else Name.FontFile3] = fontfile
    cid = Dictionary(dict(first.DescendantFonts[0].items()))
    cid.BaseFont = Name("/" + name)
    cid.FontDescriptor = pdf.make_indirect(descriptor)
    cid.W = Array(_w_array(widths))
    type0 = Dictionary(dict(first.items()))
    type0.BaseFont = Name("/" + name)
    type0.DescendantFonts = Array([pdf.make_indirect(cid)])
    type0.ToUnicode = pdf.make_stream(_cmap(text))
    return pdf.make_indirect(type0)


def _prefix(program: bytes) -> str:
    """Six capital letters from the program's bytes: one name per subset."""
    return "".join(chr(65 + b % 26) for b in hashlib.sha256(program).digest()[:6])


def _widths(w: Any) -> Iterator[tuple[int, float]]:
    """A CID font's /W array as (glyph id, width) pairs (both of its forms)."""
    from pikepdf import Array

    items = list(w)
    i = 0
    while i < len(items):
        start = int(items[i])
        if isinstance(items[i + 1], Array):
            for k, width in enumerate(items[i + 1]):
                yield start + k, float(width)
            i += 2
        else:
            end, width = int(items[i + 1]), float(items[i + 2])
            for gid in range(start, end + 1):
                yield gid, width
            i += 3


def _w_array(widths: dict[int, float]) -> list[Any]:
    """Runs of consecutive glyph ids, as WeasyPrint writes them: first id, [widths]."""
    out: list[Any] = []
    for gid in sorted(widths):
        if gid - 1 not in widths:
            out.extend([gid, []])
        value = widths[gid]
        out[-1].append(int(value) if value == int(value) else value)
    return out


def _to_unicode(font: Any) -> Iterator[tuple[int, bytes]]:
    stream = font.get("/ToUnicode")
    if stream is None:
        return
    data = stream.read_bytes()
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for gid, chars in _BFCHAR.findall(section):
            yield int(gid, 16), chars


def _cmap(text: dict[int, bytes]) -> bytes:
    """A ToUnicode CMap in WeasyPrint's form (bfchar entries, 100 a section)."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
             b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", b"1 begincodespacerange",
             b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(text.items())
    for i in range(0, len(items), 100):
        batch = items[i:i + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines.extend(b"<%04x> <%s>" % (gid, chars) for gid, chars in batch)
        lines.append(b"endbfchar")
    lines.extend([b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"])
    return b"\n".join(lines)

