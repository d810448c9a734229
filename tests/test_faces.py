"""Which installed face a font program was cut from (ip5pub.render.chunked.faces).

The chunked layout subsets each face again from its installed file, found
by the PostScript name and `head` that a HarfBuzz subset, or a layout
worker's stand-in, keeps.
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from ip5pub.render.chunked import faces
from ip5pub.render.weasy.resubset import subset


def installed(name: str) -> tuple[str, int]:
    out = subprocess.run(["fc-list", "--format", "%{postscriptname}\t%{index}\t%{file}\n"], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        ps, index, path = line.split("\t", 2)
        if ps == name:
            return path, int(index)
    pytest.skip(f"{name} is not installed")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["NotoSans-Regular", "NotoSerif-Bold", "NotoSansCJKkr-Regular", "NotoSansCJKjp-Regular"])
def test_a_subset_is_traced_to_its_installed_face(name):
    path, index = installed(name)
    program = subset(path, index, [1, 2, 3, 40], False)
    assert program is not None
    with TTFont(io.BytesIO(program)) as font:
        assert font["name"].getDebugName(6) == name  # what the subset keeps, read by fontTools
    face = faces.original(program)
    assert face is not None and (face.path, face.index) == (path, index)


def _listed() -> list[tuple[str, int]]:
    out = subprocess.run(["fc-list", "--format", "%{index}\t%{file}\n"], capture_output=True, text=True,
                         check=True).stdout
    return sorted({(path, int(index)) for index, path in (line.split("\t", 1) for line in out.splitlines())
                   if index.isdigit() and path.lower().endswith((".ttf", ".otf", ".ttc", ".otc"))})


def test_a_face_is_read_as_fonttools_reads_it():
    """faces.Sfnt reads the few fields a face is told by without fontTools
    (whose import cost the build's process 0.07-0.11 s): for every installed
    face and for a subset of one, the same PostScript name, head fields and
    tables as fontTools'."""
    listed = _listed()
    if not listed:
        pytest.skip("no font installed")
    cjk = [(p, i) for p, i in listed if p.lower().endswith(".ttc")]
    assert cjk, "the set-up installs the Noto CJK collections"
    path, index = cjk[0]
    programs = [(path, index, None), (path, index, subset(path, index, [1, 2, 3, 40], False))]
    for path, index, program in [(p, i, None) for p, i in listed] + programs:
        source = io.BytesIO(program) if program is not None else path
        with TTFont(source, fontNumber=index if program is None else -1, lazy=True) as font:
            head = font["head"]
            expected = (font["name"].getDebugName(6) or "",
                        (round(head.fontRevision * 65536), head.created, head.modified, head.unitsPerEm,
                         head.magicNumber),
                        frozenset(font.reader.keys()))
        data = program if program is not None else Path(path).read_bytes()
        got = faces.Sfnt.read(lambda offset, length, data=data: data[offset:offset + length], index, names=True)
        revision, created, modified, units, magic = got.mark
        # fontTools takes a date too low for the Macintosh epoch as a Unix one, and moves it
        dates = tuple(t + 2082844800 if t < 0x7C259DC0 else t for t in (created, modified))
        assert (got.name, (revision, *dates, units, magic), got.tags) == expected, (path, index)
    with pytest.raises(ValueError):
        faces.Sfnt.read(lambda offset, length: b"not a font at all"[offset:offset + length], 0)


def test_a_program_whose_head_differs_is_not_taken_for_the_installed_face():
    path, index = installed("NotoSans-Regular")
    program = bytearray(subset(path, index, [1, 2, 3], False) or b"")
    count = struct.unpack(">H", program[4:6])[0]
    head = next(struct.unpack(">I", program[12 + 16 * i + 8:12 + 16 * i + 12])[0]
                for i in range(count) if program[12 + 16 * i:16 + 16 * i] == b"head")
    program[head + 4] ^= 1  # another fontRevision: another release of the font under the same name
    assert faces.original(bytes(program)) is None
    assert faces.original(b"not a font") is None
    # A face without a head table (an Apple bitmap font has `bhed`) is no installed face either.
    at = next(12 + 16 * i for i in range(count) if program[12 + 16 * i:16 + 16 * i] == b"head")
    program[at:at + 4] = b"bhed"
    assert faces.original(bytes(program)) is None


def test_a_stand_in_is_told_from_a_subset_and_names_its_face():
    path, index = installed("NotoSans-Regular")
    real = subset(path, index, [1, 2, 3], False) or b""
    with TTFont(path, fontNumber=index) as font:
        tables = {tag.encode(): font.getTableData(tag) for tag in ("head", "name")}
    stand_in = faces._sfnt(b"\0\1\0\0", {**tables, faces.STAND_IN: b"ip5pub"})
    assert faces.is_stand_in(stand_in) and not faces.is_stand_in(real)
    face = faces.original(stand_in)
    assert face is not None and face.path == path
    with TTFont(io.BytesIO(stand_in)) as font:  # a well-formed file for fontTools too
        assert sorted(font.keys()) == ["GlyphOrder", "IP5s", "head", "name"]


def test_a_face_s_program_is_made_compressed_and_kept_so_in_the_cache(tmp_path):
    """The assembly embeds each face's program as it was made: compressed as
    qpdf compresses a stream (zlib's defaults), so that it is compressed once,
    beside the other faces, and a correction's assembly neither compresses
    nor reads whole the programs it takes from the cache. An entry of another
    form is made again, never embedded."""
    import zlib

    from ip5pub.cache import Cache, digest
    from ip5pub.render.chunked.build import _merging
    from ip5pub.render.chunked.fonts import Made

    program = bytes(range(256)) * 64
    made = Made.of(program)
    assert zlib.decompress(made.deflated) == program and len(made.deflated) < len(program) // 10
    assert made.length == len(program) and re.fullmatch("[A-Z]{6}", made.prefix)
    assert Made.of(program + b"\0").prefix != made.prefix  # one name per program
    assert Made.unpack(made.pack()) == made
    assert Made.unpack(b"") is None and Made.unpack(b"\x00\x01glyf" + bytes(32)) is None

    class Job:
        def key(self) -> str:
            return "one face, its glyphs"

    calls: list[Job] = []

    def make(job: Job) -> Made:
        calls.append(job)
        return made

    cache = Cache(tmp_path)
    assert _merging(cache, map)(make, [Job()]) == [made] and len(calls) == 1
    assert _merging(cache, map)(make, [Job()]) == [made] and len(calls) == 1  # from the cache
    cache.store_blob("pdf", digest("pdf-font-made", Job().key()), program)  # a program as an older build kept it
    assert _merging(cache, map)(make, [Job()]) == [made] and len(calls) == 2


PRELOAD = """
import sys
from ip5pub.render.chunked import assemble
from ip5pub.render.weasy import resubset
assemble.preload()
print(resubset._harfbuzz.cache_info().currsize, "fontTools" in sys.modules, "weasyprint" in sys.modules)
"""


def test_the_assembly_s_preload_declares_harfbuzz_and_imports_neither_fonttools_nor_weasyprint():
    """What the build does while the workers lay out, so that the assembly
    does not: HarfBuzz's calls declared (cffi parses them, 0.03 s); and
    neither fontTools nor WeasyPrint is imported for it (0.03-0.04 s and
    0.3 s of the build's CPU, beside the workers)."""
    out = subprocess.run([sys.executable, "-c", PRELOAD], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["1", "False", "False"]
