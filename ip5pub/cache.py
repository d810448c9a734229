"""Content-addressed cache under build/.cache: never trusts mtimes.

Two kinds of entry:
- a normalized source: key = the code fingerprint + the source's path, bytes
  and sidecar bytes; value = its notices, with where each field came from
  (their provenance, which review shows), as JSON (JSON, not pickle: the cache
  lives in a folder users share, and loading it must never run code) under
  its SHA-256, checked on every read: a damaged entry, or one whose fields
  are not of their types, is a miss and is made again;
- an output stamp: key = the code fingerprint + everything the output is made
  from (notices, styles, config, edition, options); if the stamp matches and
  the file on disk still has the recorded hash, the output is up to date.
The code fingerprint hashes the package's own files, so a new version (or a
local edit) invalidates everything it could affect.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from ip5pub import __version__
from ip5pub.codec import CodecError, decode, encode
from ip5pub.model import Notice
from ip5pub.output import atomic_write

T = TypeVar("T")
R = TypeVar("R")

CACHE_DIR = ".cache"
SCHEMA = 2  # 2: notices carry their provenance and not_duplicates


# Libraries whose version changes what we produce.
_LIBRARIES = ("weasyprint", "pypandoc-binary", "trafilatura", "markdown-it-py", "jinja2", "pyyaml",
              "charset-normalizer", "lxml", "pydyf", "fonttools", "pikepdf")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    here = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{__version__}/{SCHEMA}".encode())
    found = _versions()
    for name in _LIBRARIES:
        h.update(f"{name}={found.get(_normal(name)) or _version(name)};".encode())
    for path in sorted(here.rglob("*.py")):
        h.update(path.relative_to(here).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _versions() -> dict[str, str]:
    """Installed distributions' versions, from the names of their metadata
    folders (name-version.dist-info) on sys.path, the first one on the path
    winning, as importlib.metadata finds them: a folder listing where
    importing importlib.metadata and looking the libraries up took 0.02-0.05
    s of every build."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            if folder.endswith(".dist-info"):
                name, _, version = folder[: -len(".dist-info")].rpartition("-")
                if name and version:
                    found.setdefault(_normal(name), version)
    return found


def _normal(name: str) -> str:
    """A distribution's name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _version(name: str) -> str:
    """A library's version by importlib.metadata (metadata not in a
    .dist-info folder: an egg's); "none" when it is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "none"


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256(code_fingerprint().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def tree_digest(folders: Iterable[Path]) -> str:
    """Hash of every file (name and bytes) under the given folders."""
    h = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            h.update(os.fsencode(path.relative_to(folder).as_posix()) + b"\0")  # any file name, UTF-8 or not
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


NOT_IN_KEY = {"cache_key": False}  # field(metadata=NOT_IN_KEY): a setting no output depends on


def fields_key(*values: Any) -> str:
    """A cache-key part from frozen dataclasses (options, settings): their
    fields by name, so two settings that differ in any field an output
    depends on never share a key (a field marked NOT_IN_KEY is left out)."""
    return json.dumps([_key_fields(v) for v in values], sort_keys=True, default=str)


def _key_fields(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _key_fields(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.metadata.get("cache_key", True)}
    if isinstance(value, tuple | list):
        return [_key_fields(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _key_fields(v) for k, v in value.items()}
    return value


def in_threads(fn: Callable[[T], R], items: list[T]) -> list[R]:
    """fn over items in a few threads: cache and file writes wait on fsync, not on the CPU."""
    if len(items) < 16:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(fn, items))


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return {"__date__": value.isoformat()}
    raise TypeError(f"cannot cache {type(value).__name__}")


def _json_hook(obj: dict[str, Any]) -> Any:
    if set(obj) == {"__date__"}:
        text = obj["__date__"]
        return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
    return obj


def _seal(data: bytes) -> bytes:
    """An entry: its SHA-256 on the first line, so a damaged file is a miss."""
    return hashlib.sha256(data).hexdigest().encode() + b"\n" + data


def _unseal(raw: bytes) -> bytes | None:
    check, _, data = raw.partition(b"\n")
    return data if check == hashlib.sha256(data).hexdigest().encode() else None


class Cache:
    def __init__(self, build: Path):
        self.root = build / CACHE_DIR
        self.used: set[Path] = set()
        self._lock = threading.Lock()  # formats render in threads and stamp concurrently
        self._tables: dict[str, dict[str, dict[str, str]]] = {}

    def _path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / f"{key}.json"

    def load_notices(self, key: str) -> list[Notice] | None:
        path = self._path("notices", key)
        try:
            raw = _unseal(path.read_bytes())
            if raw is None:
                return None  # damaged: normalize again (and overwrite it)
            entries = json.loads(raw, object_hook=_json_hook)
            if not isinstance(entries, list):
                return None
            # Every field of the type the renderers expect (the codec checks):
            # an entry that passed its digest but holds a string for a date is
            # a miss, never a traceback on every later run.
            notices = [decode(Notice, d) for d in entries]
        except (OSError, ValueError, CodecError):
            return None  # missing, damaged, or not what this version writes: normalize again
        self.used.add(path)
        return notices

    def store_notices(self, key: str, notices: list[Notice]) -> None:
        path = self._path("notices", key)
        try:
            data = json.dumps([encode(n) for n in notices], default=_json_default, ensure_ascii=False,
                              sort_keys=True)
            atomic_write(path, _seal(data.encode("utf-8")), durable=False)
            self.used.add(path)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def prune_notices(self) -> None:
        """Drop entries this build did not use (sources removed or changed)."""
        for path in (self.root / "notices").glob("*/*.json"):
            if path not in self.used:
                path.unlink(missing_ok=True)

    # Blobs (laid-out PDF chunks) -----------------------------------------
    # Stored with their SHA-256 in front, so a damaged file is a miss.

    def load_blob(self, kind: str, key: str) -> bytes | None:
        path = self.root / kind / key[:2] / key
        try:
            data = _unseal(path.read_bytes())
        except OSError:
            return None
        if data is None:
            return None
        with self._lock:
            self.used.add(path)
        return data

    def store_blob(self, kind: str, key: str, data: bytes) -> None:
        path = self.root / kind / key[:2] / key
        try:
            atomic_write(path, _seal(data), durable=False)
        except OSError:
            return  # a cache that cannot be written only costs time
        with self._lock:
            self.used.add(path)

    def keep(self, kind: str, key: str) -> None:
        """Keep a blob through this build's prune without reading it."""
        with self._lock:
            self.used.add(self.root / kind / key[:2] / key)

    def prune(self, kind: str) -> None:
        """Drop the entries of one kind that this build did not use."""
        for path in (self.root / kind).glob("*/*"):
            if path not in self.used:
                path.unlink(missing_ok=True)

    # Output stamps --------------------------------------------------------
    # One JSON table per kind of output: {file name: {key, sha256}}.

    def _stamps(self, table: str) -> dict[str, dict[str, str]]:
        found = self._tables.get(table)
        if found is None:
            try:
                loaded = json.loads((self.root / f"{table}.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                loaded = {}
            if not (isinstance(loaded, dict) and all(isinstance(v, dict) for v in loaded.values())):
                loaded = {}  # damaged: every output is made again
            found = self._tables.setdefault(table, loaded)  # threads may race to load: one table wins
        return found

    def fresh(self, output: Path, key: str, table: str = "outputs") -> bool:
        stamp = self._stamps(table).get(output.name)
        if not stamp or stamp.get("key") != key or not output.is_file():
            return False
        return hashlib.sha256(output.read_bytes()).hexdigest() == stamp.get("sha256")

    def stamp(self, output: Path, key: str, table: str = "outputs", save: bool = True) -> None:
        sha = hashlib.sha256(output.read_bytes()).hexdigest()
        with self._lock:
            self._stamps(table)[output.name] = {"key": key, "sha256": sha}
        if save:
            self.save_stamps(table)

    def save_stamps(self, table: str) -> None:
        with self._lock, contextlib.suppress(OSError):
            atomic_write(self.root / f"{table}.json", json.dumps(self._stamps(table), sort_keys=True, indent=1),
                         durable=False)
