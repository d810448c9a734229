"""Digest editions: the sidecar manifest and what changed since the last one.

Every digest is written with `<digest>.json` next to it, listing the notices
it showed and a fingerprint of each. Given the previous edition's manifest, a
new digest can mark notices as new or revised and list the ones no longer in
the sources (shown before, and now gone from the sources altogether: a
notice that merely fell out of this week's window is not listed). A file
leaving the sources says nothing about the office: nothing here calls it
withdrawn.

The previous edition is a manifest, or a folder of earlier editions (the
weekly job keeps one per Monday), from which the newest before this
edition is taken: a re-run of an edition compares with the one before it,
not with itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ip5pub import __version__
from ip5pub.codec import summary
from ip5pub.model import Brief, Notice

KIND = "ip5pub-digest-manifest"
VERSION = 1


class ManifestError(ValueError):
    pass


def sidecar(digest: Path) -> Path:
    """digest.txt -> digest.txt.json (a .txt and a .md digest can share a folder)."""
    return digest.with_name(digest.name + ".json")


def fingerprint(n: Notice) -> str:
    """Changes when what a reader sees changes; not when another office reports the same event."""
    seen = [n.title, n.date.isoformat(), n.office, n.summary, n.body.strip()]
    return hashlib.sha256(json.dumps(seen, ensure_ascii=False).encode()).hexdigest()


def _entry(n: Notice) -> dict[str, Any]:
    return {**summary(n, ("id", "title", "date", "office", "publisher")),
            "source": n.source.url or n.source.path, "fingerprint": fingerprint(n)}


def manifest(brief: Brief, *, since: dt.date | None, until: dt.date | None, digest_name: str) -> dict[str, Any]:
    shown = brief.all_notices
    return {
        "kind": KIND,
        "version": VERSION,
        "generator": f"ip5pub {__version__}",
        "edition": brief.edition.isoformat(),
        "digest": digest_name,
        "window": {"since": since.isoformat() if since else None, "until": until.isoformat() if until else None},
        "notices": [_entry(n) for n in sorted(shown, key=lambda n: n.id)],
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read the previous edition's manifest: {exc}") from None
    if not isinstance(data, dict) or data.get("kind") != KIND or not isinstance(data.get("notices"), list):
        raise ManifestError(f"{path}: not an ip5pub digest manifest (expected the .json written next to a digest)")
    if data.get("version") != VERSION:
        raise ManifestError(f"{path}: manifest version {data.get('version')!r} is not supported (want {VERSION})")
    return data


NOT_FOUND = "no earlier edition here (a first run?); nothing is marked new or revised"


@dataclass(frozen=True)
class Baseline:
    """The edition a digest is compared with, as found: `manifest` is None
    when `looked_in` holds no earlier edition (a first run, a lost branch)."""

    looked_in: str
    manifest: dict[str, Any] | None = None
    path: str | None = None  # the manifest file used

    def key(self) -> str:
        """What a cached digest depends on: the manifest's content."""
        return dumps(self.manifest) if self.manifest is not None else f"none in {self.looked_in}"


def find(path: Path, edition: dt.date) -> Baseline:
    """The previous edition: `path` itself when it is a manifest file; in a
    folder, the newest manifest of an edition before `edition`; none when
    there is none. A file that is not a manifest is a ManifestError."""
    if path.is_file():
        return Baseline(path.as_posix(), load(path), path.as_posix())
    if not path.is_dir():
        return Baseline(path.as_posix())
    found: list[tuple[str, str, dict[str, Any]]] = []
    for candidate in sorted(path.rglob("*.json")):
        try:
            data = load(candidate)
        except ManifestError:
            continue  # another file in the folder, or a damaged one: not an edition
        when = _date(data.get("edition"))
        if when is not None and when < edition:
            found.append((when.isoformat(), candidate.as_posix(), data))
    if not found:
        return Baseline(path.as_posix())
    _, newest, data = max(found)
    return Baseline(path.as_posix(), data, newest)


@dataclass(frozen=True)
class Changes:
    """Marks for this edition, relative to the edition of `previous` (None:
    no earlier edition was found, so nothing is marked)."""

    previous: dt.date | None
    new: frozenset[str] = frozenset()  # notice ids
    revised: frozenset[str] = frozenset()
    gone: tuple[dict[str, Any], ...] = field(default_factory=tuple)  # previous manifest entries no longer in the sources

    def mark(self, notice: Notice) -> str | None:
        if notice.id in self.revised:
            return "revised"
        if notice.id in self.new:
            return "new"
        return None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _by_source(entries: list[tuple[str, str]]) -> dict[str, str]:
    """source -> id where a source names one notice only (a feed names many)."""
    counts: dict[str, int] = {}
    for _, src in entries:
        counts[src] = counts.get(src, 0) + 1
    return {src: i for i, src in entries if counts[src] == 1}


def changes(baseline: Baseline, brief: Brief, everything: list[Notice]) -> Changes:
    """What changed since the baseline; no marks at all when none was found."""
    if baseline.manifest is None:
        return Changes(previous=None)
    return compare(baseline.manifest, brief, everything)


def compare(previous: dict[str, Any], brief: Brief, everything: list[Notice]) -> Changes:
    """New and revised notices since `previous`, and those no longer in the sources.

    A notice whose title changed gets a new id; it is matched to its earlier
    self through its source (URL, else path) when that names one notice only.
    """
    before = {e["id"]: e for e in previous["notices"] if isinstance(e, dict) and "id" in e}
    current = {n.id: n for n in everything}
    now_by_source = _by_source([(n.id, n.source.url or n.source.path) for n in everything])
    was_by_source = _by_source([(i, str(e.get("source"))) for i, e in before.items()])
    renamed = {now_by_source[src]: old for src, old in was_by_source.items()
               if src in now_by_source and old not in current}
    new, revised = set(), set()
    for story in brief.stories:
        for n in story.members:
            old = before.get(n.id) or before.get(renamed.get(n.id, ""))
            if old is None:
                new.add(n.id)
            elif old.get("fingerprint") != fingerprint(n):
                revised.add(n.id)
    gone = tuple({**e, "date": _date(e.get("date"))} for i, e in sorted(before.items())
                 if i not in current and i not in renamed.values())
    return Changes(previous=_date(previous.get("edition")), new=frozenset(new), revised=frozenset(revised),
                   gone=gone)
