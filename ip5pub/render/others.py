"""The formats other than the PDF, made in a process of their own beside a
large brief's PDF layout.

A build makes the notices' folder, the EPUB, the digests and brief.html
beside the PDF. In a thread of the build's process they shared one
interpreter lock with the PDF's own steps there (collecting the workers'
documents, the assembly): at 500 notices about a second of CPU, and each
call that lets the lock go (compressing a chapter, parsing it, a file
write) waited for the assembly to give it back. A one-notice correction of
a 500-notice brief took 2.23-2.44 s that way, 1.84-2.09 s with this process
(docs/builds.md). A smaller brief keeps the thread: a process costs its
start and its imports (WeasyPrint's fork server does not hold the template
engine), as much as it saves there.

The process is forked from the layout workers' server (ip5pub.layoutserver),
which runs no thread of the build. It writes only what the thread wrote:
the output files and build/notices with its stamps; the build stamps the
outputs and prunes the cache, as before. Warnings it logs are logged again
here. If the process cannot run (it died, or a value would not pickle), the
build makes the formats in its own thread after all. It runs at a lower
priority (NICENESS): the build waits for the PDF, not for it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import pickle
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ip5pub import layoutserver, system
from ip5pub.cache import Cache
from ip5pub.model import Brief, Notice
from ip5pub.notices import write_folder
from ip5pub.render import RenderContext, start as start_format
from ip5pub.templates import make_env

log = logging.getLogger("ip5pub")

# From this many notices a brief's other formats are made in a process of
# their own. The process costs 0.2-0.4 s more CPU than the thread: a
# one-notice correction of 100 notices took as long either way (1.09-1.25 s),
# of 250 notices 1.43-1.83 s (median 1.49 s) against 1.51-1.86 s (1.66 s).
APART_FROM = 200
# The process's priority: the build waits for the PDF, whose layout workers
# and assembly run beside it; the formats are done long before. A
# 500-notice title edit: 3.19-3.73 s (median 3.35 s) at 10, 3.38-4.47 s
# (3.44 s) at 0, in five alternated rounds; cold builds as long either way.
NICENESS = 10


@dataclass(frozen=True)
class Order:
    """One format to make: what pipeline._Job holds, without its cache key."""

    fmt: str
    brief: Brief
    out: Path


Made = tuple[Path | Exception, float]  # the file written, or why not; seconds


def wanted(notices: int, jobs: int) -> bool:
    """Whether a build of `notices` notices with `jobs` worker processes makes
    its other formats apart (the caller asks only when it makes a PDF)."""
    return jobs > 1 and notices >= APART_FROM


class Apart:
    """The other formats, under way in their process."""

    def __init__(self, notices: list[Notice], output: Path, orders: Sequence[Order], ctx: RenderContext):
        from concurrent.futures import ProcessPoolExecutor  # multiprocessing: imported when used

        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=layoutserver.context(),
                                         initializer=system.outlive_not, initargs=(os.getpid(),))
        self._future = self._pool.submit(
            make, notices, output, list(orders), _fields(ctx))

    def result(self) -> list[Made] | None:
        """What each order made, in order; None if the process could not make
        them (the caller makes them itself)."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            made, logged = self._future.result()
        except (BrokenProcessPool, pickle.PicklingError, TypeError, AttributeError):
            return None
        finally:
            self._pool.shutdown()
        for name, level, message in logged:
            logging.getLogger(name).log(level, "%s", message)
        return made


_LEFT_BEHIND = ("env", "cache", "shared")  # made again there, or the PDF's own


def _fields(ctx: RenderContext) -> dict[str, Any]:
    """What the process needs of the context: every field but the template
    environment (made again there) and the PDF's cache and shared HTML; the
    bodies made so far, copied."""
    fields = {f.name: getattr(ctx, f.name) for f in dataclasses.fields(ctx) if f.name not in _LEFT_BEHIND}
    return {**fields, "jobs": 1, "bodies": ctx.bodies.known()}


class _Keep(logging.Handler):
    """Every warning logged under `ip5pub`, to be logged again by the build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def make(notices: list[Notice], output: Path, orders: list[Order],
         fields: dict[str, Any]) -> tuple[list[Made], list[tuple[str, int, str]]]:
    """In the process: output/notices, then each format, as the build's
    thread would (pipeline._own_work); with the warnings logged on the way."""
    with contextlib.suppress(OSError):  # behind the PDF's layout and assembly, which the build waits for
        os.nice(NICENESS)
    keep = _Keep()
    log.addHandler(keep)
    if log.getEffectiveLevel() > logging.WARNING:
        log.setLevel(logging.WARNING)
    try:
        with system.no_cycle_collection():
            write_folder(notices, output, Cache(output))
            ctx = RenderContext(env=make_env(fields["workspace"], fields["bodies"]), **fields)
            made: list[Made] = []
            for order in orders:
                at = time.perf_counter()
                try:
                    result: Path | Exception = start_format(order.fmt, order.brief, ctx, order.out).result()
                except Exception as exc:
                    result = _portable(exc)
                made.append((result, time.perf_counter() - at))
    finally:
        log.removeHandler(keep)
    return made, keep.records


def _portable(exc: Exception) -> Exception:
    """`exc`, or its name and message where it would not pickle back."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
