"""System libraries the PDF needs, checked before WeasyPrint loads them.

WeasyPrint loads Pango and its companions when it is imported; when one is
missing it prints a banner to stdout and raises an OSError about a file
name. A user needs the Debian package to install instead, in one line, and
the other outputs still written: so the build asks here first.
"""

from __future__ import annotations

import ctypes
import sys

# (shared object WeasyPrint loads, Debian package that ships it)
PDF_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libgobject-2.0.so.0", "libglib2.0-0"),
    ("libpango-1.0.so.0", "libpango-1.0-0"),
    ("libpangoft2-1.0.so.0", "libpangoft2-1.0-0"),
    ("libharfbuzz.so.0", "libharfbuzz0b"),
    ("libfontconfig.so.1", "libfontconfig1"),
)


def missing(libraries: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """The (library, package) pairs the dynamic loader cannot load."""
    out = []
    for library, package in libraries:
        try:
            ctypes.CDLL(library)
        except OSError:
            out.append((library, package))
    return out


def pdf_unavailable(libraries: tuple[tuple[str, str], ...] | None = None) -> str | None:
    """Why no PDF can be made on this machine, in one line, or None.

    Only on Linux, where the names above are the ones the loader uses.
    """
    if not sys.platform.startswith("linux"):
        return None
    gone = missing(PDF_LIBRARIES if libraries is None else libraries)
    if not gone:
        return None
    names = ", ".join(library for library, _ in gone)
    packages = " ".join(dict.fromkeys(package for _, package in gone))
    return f"the PDF needs system libraries that are missing ({names}); install them with: sudo apt-get install {packages}"
