"""A line's glyphs read from Pango a run at a time, and a run met before written as it was.

WeasyPrint draws a line of text (`draw.text.draw_first_line`) by walking
its glyphs through cffi: four attribute reads, float arithmetic and
f-strings per glyph, a fifth of a chunk's CPU (0.29 s of 1.3 s for a
30-notice brief's 29 story pages, on the chunk's worker, which the build
waits for). Here each run's glyph array is read as one block of integers;
a run met before in the same font and size (half of them: a word, a
justified space) is written as it was, and a glyph met before with the
same advance and offset too. What is written is what WeasyPrint writes:
the same operators, numbers and fonts, in the same order, each glyph
mapped to its text and measured the first time it is met
(tests/test_weasy_patches.py compares the two on every kind of line the
house style draws). A line that takes another of WeasyPrint's paths (an
ellipsis, a missing or empty glyph, a raised glyph, a bitmap or colour
font) is drawn by WeasyPrint's own function.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from typing import Any

from ip5pub.render.weasy.installer import Installer

# The function this replaces, as it was read (sha256 of its source): any
# other version of it is left alone.
_ORIGINAL = "1bb8eae6d88e71b17096a034656f3be17da8f1f513c78536c1c38d971927638b"
# PangoGlyphInfo as WeasyPrint declares it: glyph, then its geometry (width,
# x offset, y offset), then the visual attributes: five 32-bit integers.
_FIELDS = (("glyph", 0), ("geometry", 4), ("attr", 16))
_SIZE = 20
_RUNS = "_ip5pub_runs"  # on a pdf.fonts.Font: (font size, a run's glyph array) -> what it writes
_SPECIAL = 0x0FFFFFFF  # PANGO_GLYPH_EMPTY; PANGO_GLYPH_UNKNOWN_FLAG is above it


def _fingerprint(function: Any) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


@Installer
def glyphs_read_in_bulk() -> bool:
    """Install the bulk reading of a line's glyphs; once per process. On
    another version of the function it replaces, nothing is changed."""
    try:
        from cffi import CDefError
    except ImportError:
        return False
    try:
        from weasyprint.draw import text
        from weasyprint.text.ffi import ffi, pango

        original = text.draw_first_line
        shape = list(inspect.signature(original).parameters)
        layout = (ffi.sizeof("PangoGlyphInfo"), [ffi.offsetof("PangoGlyphInfo", f) for f, _ in _FIELDS],
                  ffi.offsetof("PangoGlyphGeometry", "x_offset"), ffi.offsetof("PangoGlyphGeometry", "y_offset"),
                  ffi.sizeof("gint"))
        fingerprint = _fingerprint(original)
        old_pango = pango.pango_version() < 14802
    except (ImportError, AttributeError, KeyError, OSError, TypeError, CDefError):
        return False
    if (shape != ["stream", "textbox", "text_overflow", "block_ellipsis", "matrix"]
            or layout != (_SIZE, [o for _, o in _FIELDS], 4, 8, 4) or fingerprint != _ORIGINAL):
        return False
    text.draw_first_line = functools.partial(_draw_first_line, original, old_pango)
    return True


def _draw_first_line(original: Any, old_pango: bool, stream: Any, textbox: Any, text_overflow: str,
                     block_ellipsis: Any, matrix: Any) -> list:
    """WeasyPrint's draw_first_line (`original`), its glyphs read a run at a time."""
    from weasyprint.text.ffi import ffi, pango

    if text_overflow == "ellipsis" or block_ellipsis != "none":
        return original(stream, textbox, text_overflow, block_ellipsis, matrix)
    if not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
        return []
    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
    first_line, _ = textbox.pango_layout.get_first_line()
    # What each run writes, found before anything is written: a line that
    # WeasyPrint draws otherwise is drawn by its own function.
    written: list[tuple[Any, Any, float, str]] = []
    previous: Any = None
    font: Any = None
    font_size = 0.0
    runs: dict[bytes, str] = {}
    known: dict[tuple[int, int, int], str] = {}
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        pango_font = glyph_item.item.analysis.font
        if pango_font != previous:
            previous = pango_font
            font, font_size = stream.add_font(pango_font)
            if font.bitmap or font.svg or font.png or font.colr:
                return original(stream, textbox, text_overflow, block_ellipsis, matrix)
            if old_pango:  # WeasyPrint's workaround for Pango's issue 530
                font_size = textbox.style["font_size"]
            runs, known = vars(font).setdefault(_RUNS, {}).setdefault(font_size, ({}, {}))
        glyph_string = glyph_item.glyphs
        raw = bytes(ffi.buffer(glyph_string.glyphs, glyph_string.num_glyphs * _SIZE))
        glyphs = runs.get(raw)
        if glyphs is None:
            glyphs = _run(stream, textbox, font, font_size, pango_font, glyph_item, raw, known)
            if glyphs is None:
                return original(stream, textbox, text_overflow, block_ellipsis, matrix)
            runs[raw] = glyphs
        written.append((pango_font, font, font_size, glyphs))
    stream.set_text_matrix(*matrix.values)
    previous = None
    string = ""
    for pango_font, font, font_size, glyphs in written:
        if pango_font != previous:
            previous = pango_font
            if string:
                stream.show_text(string)
            string = ""
            stream.set_font_size(font.hash, font_size)
        string += glyphs
        if string[-1] == "<":
            string = string[:-1]
        else:
            string += ">"
    stream.show_text(string)
    return []


def _run(stream: Any, textbox: Any, font: Any, font_size: float, pango_font: Any, glyph_item: Any, raw: bytes,
         known: dict[tuple[int, int, int], str]) -> str | None:
    """What draw_first_line writes for a run of `raw` glyphs (PangoGlyphInfo
    structures), from its "<" on (None: WeasyPrint draws it otherwise: an
    empty, missing or raised glyph); maps a glyph met for the first time to
    its text, as WeasyPrint does. `known`: each glyph's part, by its id,
    advance and x offset, in this font and size."""
    from weasyprint.text.ffi import ffi

    values = memoryview(raw).cast("i").tolist()
    glyphs, widths, xs, ys = values[0::5], values[1::5], values[2::5], values[3::5]
    if any(ys) or (glyphs and not 0 <= min(glyphs) <= max(glyphs) < _SPECIAL):
        return None
    to_unicode = font.to_unicode
    clusters = None
    pieces = ["<"]
    for i, key in enumerate(zip(glyphs, widths, xs)):
        glyph_id = key[0]
        if glyph_id not in to_unicode:
            if clusters is None:
                clusters = ffi.unpack(glyph_item.glyphs.log_clusters, len(glyphs))
            item = glyph_item.item
            start = clusters[i]
            if item.analysis.level % 2:  # right to left
                end = item.length if i == 0 else clusters[i - 1]
            else:
                end = item.length if i == len(glyphs) - 1 else clusters[i + 1]
            text = textbox.pango_layout.text.encode()
            to_unicode[glyph_id] = text[item.offset + start:item.offset + end].decode()
        piece = known.get(key)
        if piece is None:
            piece = known[key] = _glyph(stream, font, font_size, pango_font, *key)
        pieces.append(piece)
    return "".join(pieces)


def _glyph(stream: Any, font: Any, font_size: float, pango_font: Any, glyph_id: int, width: int,
           x_offset: int) -> str:
    """What draw_first_line writes for one glyph: its x offset, its id and
    the difference between its advance and its width (which it measures
    the first time, as WeasyPrint does)."""
    from weasyprint.text.ffi import FROM_UNITS, pango

    piece = ""
    offset = x_offset / font_size
    if offset:
        piece += f">{-offset}<"
    piece += f"{glyph_id:04x}"
    if glyph_id in font.widths:
        logical_width = font.widths[glyph_id]
    else:
        pango.pango_font_get_glyph_extents(pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
        logical_width = font.widths[glyph_id] = round(stream.logical_rect.width * 1000 * FROM_UNITS / font_size)
    kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
    if kerning:
        piece += f">{int(kerning)}<"
    return piece
