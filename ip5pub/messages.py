"""The one message channel: every warning, and the progress that -v shows,
goes through the `ip5pub` logger.

`setup` (called once by the command line) prints each record on stderr as
one line, `ip5pub: ` first, with the control characters of a title or file
name escaped; -q shows errors only, -v adds what was reused and how each
step went. A library caller gets nothing printed (a NullHandler, the
library convention) and finds the warnings in its result: `Recorder`
collects every warning logged while a pipeline call runs.
"""

from __future__ import annotations

import logging
from types import TracebackType

from ip5pub.terminal import printable

LOGGER = "ip5pub"
log = logging.getLogger(LOGGER)
log.addHandler(logging.NullHandler())

QUIET, NORMAL, VERBOSE = logging.ERROR, logging.WARNING, logging.INFO


class _Line(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        kind = {logging.WARNING: "warning: ", logging.ERROR: "error: "}.get(record.levelno, "")
        return f"ip5pub: {kind}{printable(record.getMessage())}"


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """stderr as it is when the record is written (click's test runner swaps it)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(_Line())

    def emit(self, record: logging.LogRecord) -> None:
        import sys

        self.stream = sys.stderr
        super().emit(record)


def setup(level: int = NORMAL) -> None:
    """The command line's handler, at `level`; calling it again changes the level."""
    handler = next((h for h in log.handlers if isinstance(h, _Stderr)), None)
    if handler is None:
        handler = _Stderr()
        log.addHandler(handler)
    handler.setLevel(level)
    # The logger passes everything a handler may want (a test's handler on
    # ip5pub.pdf at INFO included); each handler filters by its own level.
    log.setLevel(min(level, logging.INFO))


def level(quiet: bool = False, verbose: bool = False) -> int:
    return QUIET if quiet else VERBOSE if verbose else NORMAL


class Recorder(logging.Handler):
    """While open, every warning logged under `ip5pub` is appended to `into`,
    as the line it prints without the prefix (the PDF's missing glyphs,
    WeasyPrint's own warnings, a chunked layout that fell back to one pass)."""

    def __init__(self, into: list[str]):
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(printable(record.getMessage()))

    def __enter__(self) -> Recorder:
        log.addHandler(self)
        if log.getEffectiveLevel() > logging.WARNING:
            log.setLevel(logging.WARNING)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        log.removeHandler(self)
