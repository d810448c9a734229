"""What `ip5pub fetch` has seen: sources/fetched/.ip5pub-fetch.json.

    sources: feed or list-page URL -> {etag, last_modified}
    items:   item key (a page's URL, or feed URL + " " + the item's guid)
             -> {url, path, sha256, signature, etag, last_modified, saved, note}

`path` and `sha256` are the file saved in sources/ and its hash as saved:
a file whose hash differs was edited by a person and is never overwritten.
`signature` changes when the feed item (or the list's link text) changes.
Kept beside the files it describes, so the weekly job commits both and
moving or removing the folder resets both. Written whole, atomically
(a temporary file, fsync, rename, fsync of the folder) after every saved
notice: a run killed at any moment leaves the old state or the new one,
and the next run resumes where it stopped.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

KIND = "ip5pub-fetch-state"
VERSION = 1
STATE_NAME = ".ip5pub-fetch.json"
# The only paths fetch writes (sources.py): a state file from a shared repository
# cannot make it write anywhere else.
SAVED_PATH = re.compile(r"sources/fetched/[a-z0-9][a-z0-9.-]{0,252}/[a-z0-9][a-z0-9-]{0,150}\.(?:html|rss|atom)")


def path_in(root: Path) -> Path:
    """The state file of the workspace at `root`."""
    return root / "sources" / "fetched" / STATE_NAME


class StateError(ValueError):
    pass


@dataclass
class Seen:
    """One item: where it was saved and what it was when it was."""

    url: str
    path: str | None = None  # relative to the workspace; None when nothing was saved (too old)
    sha256: str | None = None
    signature: str = ""
    etag: str | None = None
    last_modified: str | None = None
    saved: str = ""  # ISO date of the last save
    note: str = ""  # why nothing was saved, when nothing was

    @classmethod
    def of(cls, data: Any) -> Seen:
        if not isinstance(data, dict) or not isinstance(data.get("url"), str):
            raise StateError("an item without its url")
        known: dict[str, str] = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and isinstance(v, str)}
        path = known.get("path")
        if path is not None and (not SAVED_PATH.fullmatch(path) or ".." in path):
            raise StateError(f"a saved path outside sources/fetched/ ({path!r:.80})")
        return cls(**known)


@dataclass
class State:
    sources: dict[str, dict[str, str]] = field(default_factory=dict)  # url -> validators
    items: dict[str, Seen] = field(default_factory=dict)

    def dumps(self) -> str:
        data = {"kind": KIND, "version": VERSION, "sources": self.sources,
                "items": {k: {n: v for n, v in asdict(s).items() if v not in (None, "")} for k, s in self.items.items()}}
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def load(path: Path) -> State:
    """The state at `path`, empty when there is none; StateError when it is damaged."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return State()
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"{path}: cannot read the fetch state: {exc}") from None
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("kind") != KIND or data.get("version") != VERSION:
            raise StateError("not an ip5pub fetch state")
        sources = data.get("sources", {})
        items = data.get("items", {})
        if not isinstance(sources, dict) or not isinstance(items, dict):
            raise StateError("sources and items must be maps")
        state = State({str(k): {n: v for n, v in (v or {}).items() if isinstance(v, str)}
                       for k, v in sources.items() if isinstance(v, dict)},
                      {str(k): Seen.of(v) for k, v in items.items()})
    except (ValueError, TypeError) as exc:
        raise StateError(f"{path}: the fetch state is damaged ({exc}); remove it to start again "
                         "(files already saved are recognised by their content)") from None
    return state


def save(state: State, path: Path) -> None:
    """Write the state atomically: old or new, whatever happens, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, state.dumps().encode("utf-8"))


def write_atomic(path: Path, data: bytes) -> None:
    """`data` at `path` by rename of a synced temporary file in the same folder (never through a link)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".ip5pub-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
