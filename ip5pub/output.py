"""Writing outputs: atomically, and only inside the output folder."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class OutputError(OSError):
    pass


def inside(folder: Path, name: str) -> Path:
    """`folder/name`, refusing any name that would resolve outside `folder`."""
    target = (folder / name).resolve()
    base = folder.resolve()
    if target.parent != base and base not in target.parents:
        raise OutputError(f"refusing to write outside {folder}: {name!r}")
    return folder / name


def atomic_write(path: Path, data: bytes | str, durable: bool = True) -> Path:
    """Replace `path` only with a complete new file (temp file + rename).

    `durable`: wait until the data is on disk before the rename, so that even
    a power cut leaves the old file or the new one. The cache does without:
    its entries carry their own checks, and a damaged one is made again.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            # e.g. ENOSPC: the previous file is untouched; say so in one line.
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}; the previous file is unchanged") from None
        raise
    return path
