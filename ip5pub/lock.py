"""One render per workspace at a time.

An flock on build/.ip5pub.lock: the kernel drops it when the holder exits,
however it exits, so a lock left by a killed run never blocks the next one.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".ip5pub.lock"


class Busy(RuntimeError):
    pass


@contextmanager
def workspace_lock(folder: Path, wait: float = 300.0, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                if time.monotonic() >= deadline:
                    raise Busy(f"another ip5pub run (pid {holder}) is using {folder}; gave up after {wait:.0f} s") from None
                if on_wait and not told:
                    on_wait(f"waiting for another ip5pub run (pid {holder}) using {folder}")
                    told = True
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
