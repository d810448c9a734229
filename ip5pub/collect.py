"""Normalized notices -> Brief: filter, sort, show each event once, glossary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import groupby

from ip5pub import l10n
from ip5pub.glossary import glossary
from ip5pub.model import OFFICES, Brief, Notice, SourceError, Story, Window
from ip5pub.workspace import Config


def future_dated(notices: list[Notice], edition: dt.date) -> list[SourceError]:
    """A warning per notice dated after the edition: a typo, most likely
    (2062 for 2026), which no window includes since a window ends by today."""
    out = []
    for n in sorted(notices, key=lambda n: (n.source.path, n.source.item or 0)):
        if n.date > edition:
            where = f"item {n.source.item}: " if n.source.item is not None else ""
            out.append(SourceError(n.source.path, (
                f'{where}"{n.title[:60]}" is dated {n.date.isoformat()}, after the edition date '
                f"{edition.isoformat()} (a typo?); it is left out of every --since/--until window. "
                f"Fix the date in the source or with 'date: YYYY-MM-DD' in {n.source.path}.meta.yaml")))
    return out


def _components(notices: list[Notice]) -> list[list[Notice]]:
    """Groups of notices linked by `duplicates` (in either direction)."""
    from ip5pub.dedup import Groups

    groups = Groups([n.id for n in notices])
    groups.link_recorded(notices)
    by_id = {n.id: n for n in notices}
    return [[by_id[i] for i in ids] for ids in groups.members().values()]


def representative_key(language: str) -> Callable[[Notice], tuple[object, ...]]:
    """Which copy of an event a brief shows: an office's own notice before a
    republication, one in the brief's language before a translation, then the
    original (not translated) text, the earliest, and the id as tie-break."""

    def key(n: Notice) -> tuple[object, ...]:
        return (n.office is None, n.language != language, n.translated_from is not None, n.date, n.id)

    return key


def stories(notices: list[Notice], language: str) -> list[Story]:
    key = representative_key(language)
    out = []
    for group in _components(notices):
        group.sort(key=key)
        out.append(Story(notice=group[0], also=tuple(group[1:])))
    # Newest first, as a briefing reads; ties by office order then id.
    office_rank = {c: i for i, c in enumerate(OFFICES)}
    out.sort(key=lambda s: (-s.notice.date.toordinal(), office_rank.get(s.notice.office or "", 99), s.notice.id))
    return out


def make_brief(notices: list[Notice], config: Config, edition: dt.date,
               window: Window = Window(), group: str | None = None) -> Brief:
    chosen = [n for n in notices if window.accepts(n)]
    s = stories(chosen, config.language)
    # The default title and subtitle in the brief's language; one a workspace sets, as written.
    default = Config()
    title = l10n.translate(config.language, config.title) if config.title == default.title else config.title
    subtitle = l10n.translate(config.language, config.subtitle) if config.subtitle == default.subtitle else config.subtitle
    title = title if group is None else f"{title} — {group}"
    return Brief(title=title, subtitle=subtitle, organisation=config.organisation,
                 language=config.language, edition=edition, stories=tuple(s),
                 glossary=glossary(s, config.language), group=group, window=window)


GROUPERS: dict[str, Callable[[Notice], str]] = {
    "office": lambda n: n.office or "Other",
    "month": lambda n: f"{n.date:%Y-%m}",
    "year": lambda n: f"{n.date:%Y}",
}


def group_notices(notices: list[Notice], by: str) -> list[tuple[str, list[Notice]]]:
    """Notices split by office, month or year, in a stable order."""
    keyf = GROUPERS[by]
    ordered = sorted(notices, key=lambda n: (keyf(n), n.id))
    return [(k, list(g)) for k, g in groupby(ordered, key=keyf)]
