"""System libraries the PDF needs, checked before WeasyPrint loads them.

WeasyPrint loads Pango and its companions when it is imported; when one is
missing it prints a banner to stdout and raises an OSError about a file
name. A user needs the Debian package to install instead, in one line, and
the other outputs still written: so the build asks here first.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

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


@contextlib.contextmanager
def quick_library_lookup() -> Iterator[None]:
    """ctypes.util.find_library from one `ldconfig -p` listing, for a while.

    WeasyPrint tries several names for each library it loads, and cffi asks
    find_library about each; on Linux every name the loader cache lacks
    makes it run ldconfig, then gcc and ld twice: 70 processes and about
    0.2 s of CPU at each import of WeasyPrint. The listing answers the same
    for names it has; where there is no ldconfig, nothing changes.
    """
    import ctypes.util

    original = ctypes.util.find_library
    listing = _ldconfig_listing() if sys.platform.startswith("linux") else None
    if listing is None:
        yield
        return

    def find_library(name: str) -> str | None:
        found = re.search(rf"\s+(lib{re.escape(name)}\.so[^\s]*) \(", listing)
        return found.group(1) if found else None

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _ldconfig_listing() -> str | None:
    for ldconfig in ("/sbin/ldconfig", "/usr/sbin/ldconfig", shutil.which("ldconfig")):
        if ldconfig and os.path.exists(ldconfig):
            try:
                return subprocess.run([ldconfig, "-p"], capture_output=True, text=True, errors="replace",
                                      env={"LC_ALL": "C", "LANG": "C"}, check=True, timeout=10).stdout
            except (OSError, subprocess.SubprocessError):
                return None
    return None


def import_weasyprint() -> None:
    """Import WeasyPrint (and the libraries it loads) without the slow lookups."""
    if "weasyprint" in sys.modules:
        return
    with quick_library_lookup():
        import weasyprint  # noqa: F401


WATCH_SECONDS = 1.0


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while a build runs, as it was after.

    The build leaves no reference cycles worth collecting (a cold
    500-notice build's process peaks at 236 MB with the collector or
    without), while the collector traversed its objects, the notices
    among them, again and again: 0.45 s of that build's process, 0.14-0.21 s of
    a one-notice correction. Worker processes forked from it collect as
    usual (outlive_not)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def outlive_not(build: int) -> None:
    """A worker pool's initializer: exit when the build's process `build` is
    gone; collect reference cycles, which a build forked from does not
    (no_cycle_collection).

    A pool's worker waits on a queue whose writing end it holds itself, and
    a layout worker keeps the fork server alive: a build killed (SIGKILL,
    the OOM killer, a CI timeout) left its workers and the server waiting
    for ever, with their memory."""
    gc.enable()

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            try:
                os.kill(build, 0)
            except (ProcessLookupError, PermissionError):  # gone, or its number now another user's
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
