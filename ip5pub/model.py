"""The plain data that flows through the pipeline: Draft -> Notice -> Brief.

No I/O here. A reader produces `Draft`s, `normalize` turns each into a
`Notice`, `collect` gathers notices into a `Brief` that renderers consume.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ip5pub.provenance import Provenance

OFFICES = ("CNIPA", "EPO", "JPO", "KIPO", "USPTO", "WIPO")
UNKNOWN_PUBLISHER = "Unknown publisher"  # what normalize writes when nothing names one


class SourceError(Exception):
    """A source that cannot be turned into a notice; the message is one line."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = " ".join(str(reason).split())
        super().__init__(f"{self.path}: {self.reason}")


@dataclass(frozen=True)
class SourceRef:
    path: str
    sha256: str
    format: str
    url: str | None = None
    item: int | None = None  # position of the notice in a multi-notice source (feeds), from 1


@dataclass(frozen=True)
class Draft:
    """What a reader found in one source (or one feed item).

    `body` is CommonMark. `hints` holds metadata the reader saw in the
    container (HTML meta tags, feed fields, front matter); extraction rules
    fill in the rest from the text. Keys of `hints` use front-matter names.
    `fixed` names the hint keys that must win over extraction (front matter
    written by a person or by a previous normalize). `origins` says where
    the reader found each hint, and what lost.
    """

    body: str
    source: SourceRef
    hints: dict[str, Any] = field(default_factory=dict)
    fixed: frozenset[str] = frozenset()
    item: int | None = None  # position in a multi-notice source (feeds), from 1
    origins: Provenance = Provenance()


@dataclass(frozen=True)
class Event:
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Notice:
    id: str
    title: str
    date: dt.date
    office: str | None
    publisher: str
    language: str
    summary: str
    source: SourceRef
    body: str
    offices: tuple[str, ...] = ()
    acronyms: dict[str, str] = field(default_factory=dict)
    words: int = 0
    duplicates: tuple[str, ...] = ()
    not_duplicates: tuple[str, ...] = ()  # ids a person said this notice must not be merged with
    translated_from: str | None = None
    attribution: str | None = None
    event: Event | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # unknown keys, kept verbatim
    # Where each field came from: not a front-matter key, and not part of what
    # makes two notices equal (a notice read back from its normalized file is the same notice).
    provenance: Provenance = field(default=Provenance(), compare=False)

    @property
    def reporter(self) -> str:
        """Short name of who published this copy, for 'also reported by'."""
        return self.office or self.publisher


@dataclass(frozen=True)
class GlossaryEntry:
    acronym: str
    expansion: str
    first_in: Notice  # the notice (in brief order) where it was first defined


@dataclass(frozen=True)
class Story:
    """One event as shown in a brief: a representative notice and the others."""

    notice: Notice
    also: tuple[Notice, ...] = ()

    @property
    def members(self) -> tuple[Notice, ...]:
        """The representative notice, then the other copies."""
        return (self.notice, *self.also)

    @property
    def also_reported_by(self) -> list[str]:
        """Who else reported the event, by name; copies whose publisher is
        unknown are only counted (`unnamed_reports`), in the brief's words."""
        seen: list[str] = []
        for n in self.also:
            if not _unnamed(n) and n.reporter not in seen and n.reporter != self.notice.reporter:
                seen.append(n.reporter)
        return seen

    @property
    def unnamed_reports(self) -> int:
        """How many other copies have no publisher one could name."""
        return sum(1 for n in self.also if _unnamed(n))


def _unnamed(notice: Notice) -> bool:
    return notice.office is None and notice.publisher == UNKNOWN_PUBLISHER


@dataclass(frozen=True)
class Window:
    """The notices a brief was asked to cover: dates, both ends included
    (None at an open end), and offices (none: every publisher; "OTHER" for
    the ones that are not an office)."""

    since: dt.date | None = None
    until: dt.date | None = None
    offices: tuple[str, ...] = ()

    def contains(self, day: dt.date) -> bool:
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def accepts(self, notice: Notice) -> bool:
        return self.contains(notice.date) and (not self.offices or (notice.office or "OTHER") in self.offices)


@dataclass(frozen=True)
class Brief:
    title: str
    subtitle: str
    organisation: str
    language: str
    edition: dt.date
    stories: tuple[Story, ...]
    glossary: tuple[GlossaryEntry, ...] = ()
    group: str | None = None  # e.g. "EPO", "2021-06", "2021" when grouped
    window: Window = Window()  # what was asked for (--since/--until/--office)

    @property
    def notices(self) -> list[Notice]:
        """Each story's representative notice."""
        return [s.notice for s in self.stories]

    @property
    def all_notices(self) -> list[Notice]:
        """Every notice the brief holds, each story's copies after its representative."""
        return [n for s in self.stories for n in s.members]

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        """The dates the brief covers: the window asked for, an open end
        taken from the notices' dates; None when nothing gives both ends."""
        dates = [s.notice.date for s in self.stories]
        first = self.window.since or (min(dates) if dates else None)
        last = self.window.until or (max(dates) if dates else None)
        return (first, last) if first and last else None

    @property
    def counts_by_office(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for s in self.stories:
            key = s.notice.office or "Other"
            counts[key] = counts.get(key, 0) + 1
        order = {code: i for i, code in enumerate(OFFICES)}
        return dict(sorted(counts.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])))
