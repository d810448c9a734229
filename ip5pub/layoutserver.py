"""The PDF layout workers' fork server, started as soon as a build knows it
will lay a PDF out.

The layout workers are forked from a server that imports WeasyPrint first
(about a third of a second of CPU, ip5pub.render.preload). A build starts
it before it reads the sources, so that the import runs beside the reading;
`ip5pub render` starts it even before it imports the pipeline, for which a
10-notice build otherwise made its single pass wait. It imports the
standard library, and ip5pub.system and ip5pub.readers (both small) when
asked, so that starting early costs the command nothing else.

The server also reads the hyphenation patterns of the languages the last
build of the same output folder laid out (`remember_languages`; English
when none is known): pyphen reads a language's patterns once per process,
0.09 s for English, 0.66 s for German, and each worker paid them again for
its first line in that language (one German notice made a 10-notice brief
half a second slower).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

PRELOAD = ["ip5pub.render.preload", "ip5pub.render.chunked.worker"]
LANGUAGES_HINT = Path(".cache") / "hyphenation.json"  # in the output folder (ip5pub.cache.CACHE_DIR)
LANGUAGES_VARIABLE = "IP5PUB_PRELOAD_LANGUAGES"  # how the server is told (ip5pub.render.preload)
MAX_LANGUAGES = 8
DEFAULT_LANGUAGES = ("en",)  # without a hint: the language most notices are in


def context() -> Any:
    """The workers' multiprocessing context: a fork server with WeasyPrint loaded."""
    import multiprocessing

    found = multiprocessing.get_context("forkserver")
    found.set_forkserver_preload(PRELOAD)
    return found


def start(output: Path | None = None) -> None:
    """Start the fork server and the resource tracker in the calling thread;
    the server reads the hyphenation patterns of the languages the last
    build into `output` laid out (English without one).

    The normalize workers are forked from the build's process while the
    layout workers start in a thread: a lock that thread holds at the fork
    stays held in every child for ever. Starting the server takes the
    one-time locks (tempfile's, the server's, the tracker's); done here,
    before any thread, the thread only waits on the server's socket, under
    no lock a child could need. (A build hung for 24 minutes at zero CPU
    when the fork fell inside tempfile's lock.) Starting it again does
    nothing."""
    from multiprocessing import forkserver, resource_tracker, util

    context()
    util.get_temp_dir()
    resource_tracker.ensure_running()
    told = os.environ.get(LANGUAGES_VARIABLE)
    os.environ[LANGUAGES_VARIABLE] = ",".join(remembered_languages(output) if output is not None
                                              else DEFAULT_LANGUAGES)
    try:
        forkserver.ensure_running()  # the server inherits the variable; this process's environment is kept
    finally:
        if told is None:
            os.environ.pop(LANGUAGES_VARIABLE, None)
        else:
            os.environ[LANGUAGES_VARIABLE] = told


def remembered_languages(output: Path) -> list[str]:
    """The languages the last build into `output` laid out, or DEFAULT_LANGUAGES."""
    import json

    try:
        found = json.loads((output / LANGUAGES_HINT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = None
    tags = [tag for tag in found if isinstance(tag, str) and 0 < len(tag) <= 35 and tag.replace("-", "").isalnum()] \
        if isinstance(found, list) else []
    return tags[:MAX_LANGUAGES] or list(DEFAULT_LANGUAGES)


def remember_languages(output: Path, languages: Iterable[str]) -> None:
    """Note the languages a build laid out, for the next build's server: a
    hint, whose loss only costs time."""
    import json

    from ip5pub.output import atomic_write

    path = output / LANGUAGES_HINT
    text = json.dumps(sorted(set(languages))[:MAX_LANGUAGES])
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except (OSError, ValueError):
        pass
    with contextlib.suppress(OSError):
        atomic_write(path, text, durable=False)


def wanted(formats: Sequence[str], jobs: int, sources: Path, output: Path) -> bool:
    """Whether a build of `formats` will likely lay a PDF out in workers:
    not if every PDF in `output` is newer than everything in `sources` (the
    build will likely find them up to date, and the workers would cost it
    more than it takes). A hint only: the cache decides what is laid out."""
    return "pdf" in formats and jobs > 1 and not _newer_than_sources(output.glob("brief*.pdf"), sources)


def start_early(formats: Sequence[str], jobs: int, variant: str | None, sources: Path, output: Path) -> None:
    """`ip5pub render`'s first step: the server, if the build will want it
    (a PDF variant is laid out in the build's own process), and if the PDF
    can be made here at all."""
    from ip5pub import system

    if variant is None and wanted(formats, jobs, sources, output) and system.pdf_unavailable() is None:
        start(output)


def _newer_than_sources(outputs: Iterable[Path], sources: Path) -> bool:
    try:
        made = [p.stat().st_mtime for p in outputs]
        if not made or not sources.is_dir():
            return False
        from ip5pub.readers import source_files

        return max(os.lstat(p).st_mtime for p in [sources, *source_files(sources)]) < min(made)
    except OSError:
        return False  # the build says what is wrong
