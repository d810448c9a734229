"""`ip5pub review`: what the brief will print for every notice, where each
value came from, what looks doubtful, and the sidecar line that fixes it.

One library call (`review`) over the same path a render takes: the sources
are normalized (through the build cache, which keeps each notice's
provenance), gathered into the brief's stories in the brief's order, and
each notice is looked at by `ip5pub.doubts`. Which notices were merged as
one event is said with the signal that linked them (`ip5pub.dedup.explain`)
and the copy the brief shows. `as_json` is the shape scripts rely on (see
the README); `ip5pub.render.review` writes the text and HTML pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ip5pub.cache import Cache
from ip5pub.collect import make_brief
from ip5pub.dedup import SIGNALS, WEAKEST, explain
from ip5pub.doubts import Context, Flag, doubts, fix_line
from ip5pub.model import Notice, Story, Window
from ip5pub.notices import NormalizeResult, expand, normalize_sources
from ip5pub.provenance import SIDECAR, Origin
from ip5pub.workspace import Config, Workspace

THROUGH_OTHERS = "through the other copies"  # linked to none directly, to the group through others
# The fields review shows, in the order the brief's reader meets them.
FIELDS = ("title", "date", "office", "publisher", "language", "translated_from", "attribution", "summary", "event",
          "offices", "acronyms")


@dataclass(frozen=True)
class Field:
    name: str
    value: Any  # as in the notice: a date, a list, a map, None
    origin: Origin | None

    def json(self) -> dict[str, Any]:
        value: Any = self.value
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif self.name == "event" and value is not None:
            value = {"start": value.start.isoformat(), "end": value.end.isoformat()}
        elif isinstance(value, tuple):
            value = list(value)
        lost = [{"value": r.value, "from": r.origin, "why": r.why} for r in (self.origin.rivals if self.origin else ())]
        return {"value": value, "from": self.origin.source if self.origin else None, "lost": lost}


@dataclass(frozen=True)
class Merge:
    """The event a notice was merged into: the copy shown, every member, how this one was linked."""

    shown: str
    members: tuple[str, ...]  # the shown copy first, then the others in the brief's order
    signal: str  # the strongest signal linking this notice to another member
    links: tuple[tuple[str, str], ...]  # (other id, signal) for each member this one is linked to directly


@dataclass(frozen=True)
class Entry:
    notice: Notice
    story: Story  # the story the notice belongs to (its own when shown)
    number: str  # "3" for the third story, "3.1" for its first other copy
    fields: tuple[Field, ...]
    flags: tuple[Flag, ...]
    merge: Merge | None

    @property
    def shown(self) -> bool:
        return self.story.notice.id == self.notice.id

    @property
    def path(self) -> str:
        """The file the notice was read from (a normalized notice's `source` names its original)."""
        return self.notice.provenance.file or self.notice.source.path

    @property
    def item(self) -> int | None:
        return self.notice.provenance.item if self.notice.provenance.file else self.notice.source.item

    @property
    def where(self) -> str:
        return self.path + (f"#{self.item}" if self.item is not None else "")

    def json(self) -> dict[str, Any]:
        n = self.notice
        event = {"shown": self.merge.shown, "members": list(self.merge.members), "signal": self.merge.signal} \
            if self.merge else None
        return {"id": n.id, "source": {"path": self.path, "item": self.item},
                "fields": {f.name: f.json() for f in self.fields},
                "flags": [{"code": f.code, "message": f.message, "fix": str(f.fix)} for f in self.flags], "event": event}


@dataclass(frozen=True)
class Review:
    edition: dt.date
    entries: tuple[Entry, ...]  # every notice of the brief
    stories: int
    errors: tuple[str, ...] = ()  # sources that failed: "path: reason", one line each
    only_doubtful: bool = False  # list only the notices with doubts

    @property
    def doubtful(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.flags)

    @property
    def listed(self) -> tuple[Entry, ...]:
        return self.doubtful if self.only_doubtful else self.entries

    def json(self) -> dict[str, Any]:
        return {"notices": [e.json() for e in self.listed]}


def _merges(story: Story) -> dict[str, Merge]:
    members = story.members
    if len(members) == 1:
        return {}
    links = explain(list(members))
    ids = tuple(n.id for n in members)
    out = {}
    for n in members:
        mine = tuple(sorted((b if a == n.id else a, s) for a, b, s in links if n.id in (a, b)))
        strongest = min((s for _, s in mine), key=SIGNALS.index) if mine else THROUGH_OTHERS
        out[n.id] = Merge(story.notice.id, ids, strongest, mine)
    return out


def _merge_doubts(n: Notice, merge: Merge | None, shown: Notice) -> list[Flag]:
    """A copy merged by the weakest signal alone, unless its sidecar confirms it with `duplicates:`
    (a proposal the signals agreed with: one they did not is dropped, and the copy is not merged)."""
    if merge is None or n.id == merge.shown or merge.signal != WEAKEST or n.provenance.source("duplicates") == SIDECAR:
        return []
    partners = [other for other, _ in merge.links] or [merge.shown]
    return [Flag("duplicate-weak-link",
                 f'Merged into "{shown.title[:60]}" ({shown.id}) only because both name the same numbers and '
                 "acronyms in the same period: check that they report the same event (if they do, "
                 f"`duplicates: [{shown.id}]` in the same file says so); to keep them apart:",
                 fix_line(n, "not_duplicates", partners))]


def _stale_links(n: Notice, ids: set[str]) -> list[Flag]:
    gone = [i for i in n.not_duplicates if i not in ids]
    if not gone or n.provenance.source("not_duplicates") != SIDECAR:
        return []
    return [Flag("correction-unchanged", f"not_duplicates names no notice of these sources ({', '.join(gone)[:80]}): "
                                         "it changes nothing (an id changes with the title or date).",
                 fix_line(n, "not_duplicates", list(n.not_duplicates)))]


def make_review(notices: list[Notice], config: Config, edition: dt.date, window: Window = Window(),
                errors: tuple[str, ...] = ()) -> Review:
    """Every notice the brief for `window` holds, in the brief's order, looked at."""
    brief = make_brief(notices, config, edition, window)
    ids = {n.id for n in notices}
    entries = []
    for number, story in enumerate(brief.stories, start=1):
        merges = _merges(story)
        for k, n in enumerate(story.members):
            ctx = Context(edition=edition, language=config.language, shown=k == 0)
            flags = doubts(n, ctx) + _merge_doubts(n, merges.get(n.id), story.notice) + _stale_links(n, ids)
            fields = tuple(Field(f, getattr(n, f), n.provenance.get(f)) for f in FIELDS)
            entries.append(Entry(n, story, f"{number}.{k}" if k else str(number), fields, tuple(flags),
                                 merges.get(n.id)))
    return Review(edition, tuple(entries), len(brief.stories), errors)


def review(workspace: Workspace, paths: list[Path], edition: dt.date,
           window: Window = Window()) -> tuple[Review, NormalizeResult]:
    """Normalize `paths` (files or folders; through the workspace's build cache
    when it has a sources folder, as a render would) and review what the brief
    for `window` would print."""
    cache = Cache(workspace.root / "build") if (workspace.root / "sources").is_dir() else None
    read = normalize_sources(expand(paths), base=workspace.root, cache=cache, context=workspace.config.read_context)
    errors = tuple(f"{e}" for e in read.errors)
    return make_review(read.notices, workspace.config, edition, window, errors), read
