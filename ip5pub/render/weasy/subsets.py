"""Font subsets made side by side (WeasyPrint's `build_fonts_dictionary`).

WeasyPrint subsets each embedded face in turn, with HarfBuzz, while it
writes the PDF: about a third of `write_pdf` for a brief with Chinese,
Japanese and Korean notices (twelve faces, the CJK ones 20-27 MB each).
HarfBuzz works without Python's lock, and each face is its own: here the
faces are subset in threads first, each as WeasyPrint would (the same
glyphs, the same flags), and WeasyPrint then writes them in its own order.
The same bytes, in less time on two cores.

`subset_in_one_pass` makes each subset with one HarfBuzz call where
WeasyPrint makes two: its second call cuts the glyphs after the last one
drawn, which the first (retaining glyph ids) mostly left none of, and
drops the hinting. Asked for in the first, and the second made only when
there are glyphs to cut: the same bytes, in a third of the time for a CJK
face (0.02 s against 0.04-0.07 s).

Within `stand_ins(make)`, a face for which `make` gives a program is not
subset at all: the chunked layout embeds a stand-in for a face it will
subset again from the installed file when it joins the documents
(ip5pub.render.chunked.faces), so a layout worker's subset would be thrown away.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from ip5pub.render.weasy.installer import Installer
from ip5pub.render.weasy.resubset import cut

_stand_in: Callable[[Any], bytes | None] | None = None


@contextmanager
def stand_ins(make: Callable[[Any], bytes | None]) -> Iterator[None]:
    """While in this block, a font (WeasyPrint's pdf.fonts.Font) with glyphs
    to embed gets `make(font)` as its program instead of a subset, unless
    that is None. Needs subset_fonts_in_threads installed."""
    global _stand_in
    _stand_in = make
    try:
        yield
    finally:
        _stand_in = None


@Installer
def subset_fonts_in_threads() -> bool:
    """Install the threaded subsetting; once per process. On a WeasyPrint
    that embeds its fonts otherwise, nothing is changed."""
    try:
        import inspect

        from weasyprint import pdf
        from weasyprint.pdf import fonts

        build = pdf.build_fonts_dictionary
        params = list(inspect.signature(build).parameters)
        fonts.Font.clean  # noqa: B018 - what is run ahead
    except (ImportError, AttributeError, ValueError):
        return False
    if build is not fonts.build_fonts_dictionary or params != ["pdf", "fonts", "compress", "subset", "options"]:
        return False

    def build_fonts_dictionary(pdf_: Any, fonts_: Any, compress: bool, subset: bool, options: Any) -> Any:
        ahead = _cleaned(fonts_, subset, options["hinting"])
        try:
            return build(pdf_, fonts_, compress, subset, options)
        finally:
            for font in ahead:
                vars(font).pop("clean", None)

    pdf.build_fonts_dictionary = build_fonts_dictionary
    return True


@Installer
def subset_in_one_pass() -> bool:
    """Install `harfbuzz_subset` as WeasyPrint's Font._harfbuzz_subset; once per process."""
    try:
        import inspect

        from weasyprint.pdf import fonts
        from weasyprint.text.ffi import harfbuzz_subset as hb_subset

        params = list(inspect.signature(fonts.Font._harfbuzz_subset).parameters)
    except (ImportError, AttributeError, ValueError):
        return False
    if params != ["self", "to_unicode", "hinting"] or not hb_subset:
        return False
    fonts.Font._harfbuzz_subset = harfbuzz_subset
    return True


def harfbuzz_subset(font: Any, to_unicode: dict[int, Any], hinting: bool) -> None:
    """WeasyPrint's Font._harfbuzz_subset, its second HarfBuzz call made only
    when it changes something (resubset.cut, on WeasyPrint's FFI): `font`'s
    face (`hb_face`) subset to the glyphs `to_unicode` maps, their ids kept,
    the same tables dropped and the same flags; sets `font.file_content`."""
    from weasyprint.pdf.fonts import LOGGER
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset as hb

    program = cut(ffi, harfbuzz, hb, font.hb_face, sorted(to_unicode), hinting, bool(font.missing))
    if program:
        font.file_content = program
        return
    LOGGER.warning('Unable to subset "%s" with HarfBuzz', font.family)


def _cleaned(fonts: dict[Any, Any], subset: bool, hinting: bool) -> list[Any]:
    """Clean (subset) in threads each font WeasyPrint will clean, with the
    glyphs it will give it; each one's `clean` then does nothing."""
    by_file: dict[Any, list[Any]] = {}
    for font in fonts.values():
        by_file.setdefault(font.hash, []).append(font)
    work = []
    for same in by_file.values():  # as build_fonts_dictionary picks and merges them
        font = same[0]
        if font.bitmap:
            continue
        to_unicode: dict[int, Any] = {}
        if subset and not font.used_in_forms:
            for other in same:
                to_unicode = {**to_unicode, **other.to_unicode}
        work.append((font, to_unicode))
    standing, rest = [], []
    for font, to_unicode in work:
        program = _stand_in(font) if _stand_in is not None and to_unicode else None
        if program is None:
            rest.append((font, to_unicode))
        else:
            font.file_content = program
            standing.append(font)
    work = rest
    if len(work) >= 2:
        # The largest subsets first, so that the last thread to finish is not
        # the one that started the largest last.
        work.sort(key=lambda item: -len(item[1]))
        with ThreadPoolExecutor(max_workers=min(len(work), os.cpu_count() or 1, 4)) as pool:
            for future in [pool.submit(font.clean, to_unicode, hinting) for font, to_unicode in work]:
                future.result()
    else:
        work = []  # WeasyPrint cleans a lone font itself
    done = standing + [font for font, _ in work]
    for font in done:
        font.clean = _done
    return done


def _done(*_: Any) -> None:
    pass
