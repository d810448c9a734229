"""A face subset again from its font file, as WeasyPrint subsets it.

The chunked layout embeds each face once in the book. Given the face's
file and every glyph the documents drew, WeasyPrint's HarfBuzz subsetting
(`Font._harfbuzz_subset`, as the layouts run it: retain the glyph ids,
drop the layout tables, cut the empty slots after the last glyph) of the
original makes the program a single pass would have embedded for those
glyphs, in a few hundredths of a second, where joining subsets glyph by
glyph takes about a second for each Chinese, Japanese or Korean face.

`cut` is that subsetting, on any FFI that declares HarfBuzz's calls: the
layouts run it on WeasyPrint's (subsets.subset_in_one_pass), the assembly
on its own (`_harfbuzz`): importing WeasyPrint, for its FFI, took the
build's process 0.3 s of CPU, beside the layout workers.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

# The layouts' hinting: WeasyPrint's default (DEFAULT_OPTIONS["hinting"]), which the build keeps.
HINTING = False
# Tables WeasyPrint drops from every subset.
DROPPED = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


def subset(path: str, index: int, glyphs: Iterable[int], missing: bool) -> bytes | None:
    """The program of face `index` of the font file at `path`, with `glyphs`
    (`missing`: some character had no glyph, so .notdef is drawn, with an
    outline); None if HarfBuzz cannot do it here."""
    wanted = sorted(set(glyphs))
    own = _harfbuzz()
    if not wanted or own is None:
        return None
    ffi, hb, hbs = own
    blob = hb.hb_blob_create_from_file(path.encode())
    face = hb.hb_face_create(blob, index)
    try:
        if hb.hb_face_get_glyph_count(face) <= wanted[-1]:
            return None
        return cut(ffi, hb, hbs, face, wanted, HINTING, missing)
    finally:
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def cut(ffi: Any, hb: Any, hbs: Any, face: Any, glyphs: list[int], hinting: bool, missing: bool) -> bytes | None:
    """WeasyPrint's Font._harfbuzz_subset of `face` to the sorted `glyphs`
    (their ids kept, the same tables dropped, the same flags), its second
    HarfBuzz call made only when it changes something: the glyphs the layout
    tables reach beyond the last one drawn, which it cuts. `hb` and `hbs`
    are HarfBuzz and its subsetter as `ffi` declares them. None: no program."""
    def add(into: Any, values: list[int]) -> None:
        hb.hb_set_add_sorted_array(into, ffi.new(f"hb_codepoint_t[{len(values)}]", values), len(values))

    request = ffi.gc(hbs.hb_subset_input_create_or_fail(), hbs.hb_subset_input_destroy)
    add(hbs.hb_subset_input_glyph_set(request), glyphs)
    add(hbs.hb_subset_input_set(request, hbs.HB_SUBSET_SETS_DROP_TABLE_TAG),
        [hb.hb_tag_from_string(tag, -1) for tag in DROPPED])
    flags = hbs.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED | hbs.HB_SUBSET_FLAGS_DESUBROUTINIZE
    if not hinting:
        flags |= hbs.HB_SUBSET_FLAGS_NO_HINTING
    if missing:
        flags |= hbs.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    hbs.hb_subset_input_set_flags(request, flags | hbs.HB_SUBSET_FLAGS_RETAIN_GIDS)
    out = ffi.gc(hbs.hb_subset_or_fail(face, request), hb.hb_face_destroy)
    last = glyphs[-1] if glyphs else 0
    if out and hb.hb_face_get_glyph_count(out) > last + 1:
        add(hbs.hb_subset_input_glyph_set(request), list(range(last + 1)))
        hbs.hb_subset_input_set_flags(request, flags)
        out = ffi.gc(hbs.hb_subset_or_fail(out, request), hb.hb_face_destroy)
    if not out:
        return None
    blob = hb.hb_face_reference_blob(out)
    try:
        length = ffi.new("unsigned int *")
        data = hb.hb_blob_get_data(blob, length)
        return ffi.unpack(data, int(length[0])) if data != ffi.NULL and length[0] else None
    finally:
        hb.hb_blob_destroy(blob)


# HarfBuzz's calls the subsetting makes, declared from its API (hb.h, hb-subset.h).
_DECLARED = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef uint32_t hb_codepoint_t;
typedef uint32_t hb_tag_t;
typedef int hb_bool_t;
typedef enum {
    HB_SUBSET_FLAGS_NO_HINTING = 0x01,
    HB_SUBSET_FLAGS_RETAIN_GIDS = 0x02,
    HB_SUBSET_FLAGS_DESUBROUTINIZE = 0x04,
    HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED = 0x20,
    HB_SUBSET_FLAGS_NOTDEF_OUTLINE = 0x40
} hb_subset_flags_t;
typedef enum {
    HB_SUBSET_SETS_GLYPH_INDEX = 0,
    HB_SUBSET_SETS_UNICODE = 1,
    HB_SUBSET_SETS_NO_SUBSET_TABLE_TAG = 2,
    HB_SUBSET_SETS_DROP_TABLE_TAG = 3
} hb_subset_sets_t;
hb_bool_t hb_version_atleast (unsigned int major, unsigned int minor, unsigned int micro);
hb_blob_t *hb_blob_create_from_file (const char *file_name);
const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
void hb_blob_destroy (hb_blob_t *blob);
hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
hb_blob_t *hb_face_reference_blob (hb_face_t *face);
unsigned int hb_face_get_glyph_count (const hb_face_t *face);
void hb_face_destroy (hb_face_t *face);
void hb_set_add_sorted_array (hb_set_t *set, const hb_codepoint_t *sorted_codepoints, unsigned int num_codepoints);
hb_tag_t hb_tag_from_string (const char *str, int len);
hb_subset_input_t *hb_subset_input_create_or_fail (void);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set (hb_subset_input_t *input);
hb_set_t *hb_subset_input_set (hb_subset_input_t *input, hb_subset_sets_t set_type);
void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned int value);
hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
"""


def available() -> bool:
    """Whether `subset` can run here; the first call declares HarfBuzz's
    calls (cffi parses the declarations: 0.03 s), which the build does
    while the layout workers run rather than at the assembly."""
    return _harfbuzz() is not None


@lru_cache(maxsize=1)
def _harfbuzz() -> tuple[Any, Any, Any] | None:
    """(an FFI, HarfBuzz, its subsetter) with the calls above; None without
    the libraries, or before HarfBuzz 4.1 (WeasyPrint subsets with
    fontTools then, and its programs are not these)."""
    try:
        from cffi import FFI

        ffi = FFI()
        ffi.cdef(_DECLARED)
        hb = ffi.dlopen("libharfbuzz.so.0")
        hbs = ffi.dlopen("libharfbuzz-subset.so.0")
        return (ffi, hb, hbs) if hb.hb_version_atleast(4, 1, 0) else None
    except (ImportError, OSError, AttributeError):
        return None
