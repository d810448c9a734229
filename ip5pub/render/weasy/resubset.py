"""A face subset again from its font file, as WeasyPrint subsets it.

The chunked layout embeds each face once in the book. Given the face's
file and every glyph the documents drew, WeasyPrint's HarfBuzz subsetting
(`Font._harfbuzz_subset`, as the layouts run it: retain the glyph ids,
drop the layout tables, cut the empty slots after the last glyph) of the
original makes the program a single pass would have embedded for those
glyphs, in a few hundredths of a second, where joining subsets glyph by
glyph takes about a second for each Chinese, Japanese or Korean face.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from types import SimpleNamespace
from typing import Any


def subset(path: str, index: int, glyphs: Iterable[int], missing: bool) -> bytes | None:
    """The program of face `index` of the font file at `path`, with `glyphs`
    (`missing`: some character had no glyph, so .notdef is drawn, with an
    outline); None if WeasyPrint or HarfBuzz cannot do it here."""
    from ip5pub import system

    try:
        system.import_weasyprint()  # as everywhere else: without the slow library lookups
        from weasyprint import DEFAULT_OPTIONS
        from weasyprint.pdf.fonts import Font
        from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

        from ip5pub.render.weasy.subsets import subset_in_one_pass
    except ImportError:
        return None
    wanted = sorted(set(glyphs))
    own = _own_harfbuzz()
    if not wanted or own is None or not harfbuzz_subset or not harfbuzz.hb_version_atleast(4, 1, 0) \
            or not hasattr(Font, "_harfbuzz_subset"):
        return None
    own_ffi, hb = own
    blob = hb.hb_blob_create_from_file(path.encode())
    face = hb.hb_face_create(blob, index)
    try:
        if hb.hb_face_get_glyph_count(face) <= wanted[-1]:
            return None
        # WeasyPrint declares no way to open a face from a file: the face is
        # opened through our own declarations and handed over by address.
        theirs = ffi.cast("hb_face_t *", int(own_ffi.cast("uintptr_t", face)))
        # What _harfbuzz_subset reads of the Font it belongs to; it sets file_content.
        font = SimpleNamespace(hb_face=theirs, missing={0: 0} if missing else {}, family=path, file_content=None)
        subset_in_one_pass()  # as the layouts subset (weasy.install_patches)
        Font._harfbuzz_subset(font, dict.fromkeys(wanted), DEFAULT_OPTIONS["hinting"])
    finally:
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)
    return font.file_content if isinstance(font.file_content, bytes) else None


@lru_cache(maxsize=1)
def _own_harfbuzz() -> tuple[Any, Any] | None:
    """(our FFI, HarfBuzz) with the five calls WeasyPrint's FFI lacks; None without the library."""
    try:
        from cffi import FFI

        own = FFI()
        own.cdef("""
            typedef struct hb_blob_t hb_blob_t;
            typedef struct hb_face_t hb_face_t;
            hb_blob_t *hb_blob_create_from_file (const char *file_name);
            void hb_blob_destroy (hb_blob_t *blob);
            hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
            void hb_face_destroy (hb_face_t *face);
            unsigned int hb_face_get_glyph_count (const hb_face_t *face);
        """)
        return own, own.dlopen("libharfbuzz.so.0")
    except (ImportError, OSError, AttributeError):
        return None
