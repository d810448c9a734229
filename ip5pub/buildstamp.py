"""A whole build's stamp: when nothing it is made from has changed and every
file it wrote is still as it was written, the build has nothing to do.

The outputs' own stamps (ip5pub.cache) answer the same question one output
at a time, but only after every source has been read from the cache and
the brief made, which is most of a no-change build (about 0.8 s at 500
notices). The build stamp answers it from the inputs themselves:

- key: the code fingerprint, the settings (ip5pub.toml, read and as
  bytes), the render options (all but the number of jobs, which changes no
  byte), the edition date and SOURCE_DATE_EPOCH (without it, not the
  clock's time of day: pipeline.stamped_epoch), the previous edition's
  key, every file under the sources and styles folders (names and bytes);
- record: the SHA-256 of every file in the output folder (the cache aside)
  after a build without errors, the warnings it reported (said again when
  the stamp is used), how many notices it read.

Like the rest of the cache it trusts no modification time: every input and
every output is hashed (about 20 ms for 500 notices and their outputs).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ip5pub.cache import CACHE_DIR, digest, fields_key, tree_digest
from ip5pub.model import SourceError
from ip5pub.output import atomic_write
from ip5pub.workspace import Workspace

TABLE = "builds.json"
KEEP = 8  # stamps kept: one per set of options used in this output folder lately


@dataclass
class Record:
    """What a build without errors left, for the next one to check."""

    files: dict[str, str]  # path under the output folder -> SHA-256
    outputs: list[str]  # the outputs it made or found up to date (paths under the output folder)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    notices: int = 0


def key(workspace: Workspace, options: Any, edition: str, epoch: str, baseline_key: str, styles_key: str) -> str:
    """Everything a build's outputs are made from, hashed (see the module's notes;
    `styles_key`: the styles folders' tree_digest)."""
    settings = workspace.root / "ip5pub.toml"
    sources = Path(options.sources)
    return digest("build", fields_key(workspace.config), _bytes(settings), str(workspace.root.resolve()),
                  fields_key(dataclasses.replace(options, jobs=None)), edition, epoch, baseline_key,
                  tree_digest([sources]) if sources.is_dir() else _bytes(sources), styles_key)


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def files(output: Path) -> dict[str, str] | None:
    """Every file in the output folder but the cache, the lock and temporary
    files: relative path -> SHA-256; None if one cannot be read (then no
    stamp is trusted or written: the build runs, and says what it cannot write).
    The cache and hidden folders are not walked at all: the cache holds
    thousands of files (most of the time this took through Path.rglob)."""
    found: dict[str, str] = {}
    if not output.is_dir():
        return found
    top = str(output)
    walked: list[tuple[tuple[str, ...], str]] = []
    for folder, dirs, names in os.walk(top):
        rel = os.path.relpath(folder, top)
        parts = () if rel == "." else tuple(rel.split(os.sep))
        dirs[:] = [d for d in dirs if not d.startswith(".") and (parts or d != CACHE_DIR)]
        walked.extend((parts + (name,), os.path.join(folder, name)) for name in names
                      if not name.startswith(".") and (parts or name != CACHE_DIR))
    try:
        for parts, path in sorted(walked):  # the order Path.rglob's paths sort in
            if os.path.isfile(path):
                found["/".join(parts)] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None
    return found


def check(output: Path, build_key: str) -> Record | None:
    """The record of the build with this key, if every file it left is still there, unchanged."""
    record = _table(output).get(build_key)
    if not isinstance(record, dict):
        return None
    try:
        found = Record(dict(record["files"]), list(record["outputs"]),
                       [(str(p), str(r)) for p, r in record["warnings"]], int(record["notices"]))
    except (KeyError, TypeError, ValueError):
        return None  # damaged: the build runs
    now = files(output)
    return found if now is not None and now == found.files else None


def save(output: Path, build_key: str, outputs: list[Path], warnings: list[SourceError], notices: int) -> None:
    """Record a build without errors (nothing, if its files cannot all be read back)."""
    left = files(output)
    try:
        names = sorted(p.relative_to(output).as_posix() for p in outputs)
    except ValueError:  # an output outside the folder: nothing to vouch for
        return
    if left is None:
        return
    table = _table(output)
    table.pop(build_key, None)
    table[build_key] = dataclasses.asdict(Record(left, names, [(w.path, w.reason) for w in warnings], notices))
    kept = dict(list(table.items())[-KEEP:])
    with contextlib.suppress(OSError):  # a stamp that cannot be written only costs the next build time
        atomic_write(output / CACHE_DIR / TABLE, json.dumps(kept, indent=1), durable=False)


def _table(output: Path) -> dict[str, Any]:
    try:
        loaded = json.loads((output / CACHE_DIR / TABLE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}
