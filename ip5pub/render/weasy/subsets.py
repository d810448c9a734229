"""Font subsets made side by side (WeasyPrint's `build_fonts_dictionary`).

WeasyPrint subsets each embedded face in turn, with HarfBuzz, while it
writes the PDF: about a third of `write_pdf` for a brief with Chinese,
Japanese and Korean notices (twelve faces, the CJK ones 20-27 MB each).
HarfBuzz works without Python's lock, and each face is its own: here the
faces are subset in threads first, each as WeasyPrint would (the same
glyphs, the same flags), and WeasyPrint then writes them in its own order.
The same bytes, in less time on two cores.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

_threads: bool | None = None


def subset_fonts_in_threads() -> None:
    """Install the threaded subsetting; once per process. On a WeasyPrint
    that embeds its fonts otherwise, nothing is changed."""
    global _threads
    if _threads is not None:
        return
    _threads = False
    try:
        import inspect

        from weasyprint import pdf
        from weasyprint.pdf import fonts

        build = pdf.build_fonts_dictionary
        params = list(inspect.signature(build).parameters)
        fonts.Font.clean  # noqa: B018 - what is run ahead
    except (ImportError, AttributeError, ValueError):
        return
    if build is not fonts.build_fonts_dictionary or params != ["pdf", "fonts", "compress", "subset", "options"]:
        return

    def build_fonts_dictionary(pdf_: Any, fonts_: Any, compress: bool, subset: bool, options: Any) -> Any:
        ahead = _cleaned(fonts_, subset, options["hinting"])
        try:
            return build(pdf_, fonts_, compress, subset, options)
        finally:
            for font in ahead:
                vars(font).pop("clean", None)

    pdf.build_fonts_dictionary = build_fonts_dictionary
    _threads = True


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
    if len(work) < 2:
        return []
    # The largest subsets first, so that the last thread to finish is not
    # the one that started the largest last.
    work.sort(key=lambda item: -len(item[1]))
    with ThreadPoolExecutor(max_workers=min(len(work), os.cpu_count() or 1, 4)) as pool:
        for future in [pool.submit(font.clean, to_unicode, hinting) for font, to_unicode in work]:
            future.result()
    for font, _ in work:
        font.clean = _done
    return [font for font, _ in work]


def _done(*_: Any) -> None:
    pass
