"""The build, top to bottom: read -> normalize -> write notices -> collect -> render.

Each step hands plain data to the next. Source errors are collected, not
raised: one bad notice never stops the others.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ip5pub import normalize
from ip5pub.extract.ids import disambiguate
from ip5pub.model import Notice, SourceError
from ip5pub.output import atomic_write, inside
from ip5pub.readers import read_source, source_files

Progress = Callable[[str], None]


@dataclass
class Outcome:
    notices: list[Notice] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def edition_epoch() -> int:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the clock."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"SOURCE_DATE_EPOCH must be an integer, got {value!r}") from None
    return int(time.time())


def edition_date(epoch: int | None = None) -> dt.date:
    return dt.datetime.fromtimestamp(edition_epoch() if epoch is None else epoch, dt.timezone.utc).date()


def display_path(path: Path, base: Path | None) -> str:
    """How a source is named in errors and in `source.path`: relative when possible."""
    try:
        return (path.resolve().relative_to(base.resolve()) if base else path).as_posix()
    except ValueError:
        return path.as_posix()


def expand(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        out.extend(source_files(p) if p.is_dir() else [p])
    return out


def normalize_sources(paths: list[Path], base: Path | None = None) -> Outcome:
    outcome = Outcome()
    for path in paths:
        label = display_path(path, base)
        try:
            drafts = read_source(path, label)
            notices = [normalize.build_notice(d) for d in drafts]
        except SourceError as exc:
            outcome.errors.append(SourceError(label, exc.reason))
            continue
        outcome.notices.extend(notices)
    outcome.notices = _unique_ids(outcome.notices)
    from ip5pub.dedup import link_duplicates

    outcome.notices = link_duplicates(outcome.notices)
    return outcome


def _unique_ids(notices: list[Notice]) -> list[Notice]:
    from dataclasses import replace

    ids = disambiguate([n.id for n in notices], [f"{n.source.path}#{n.source.sha256}#{n.title}" for n in notices])
    return [n if n.id == i else replace(n, id=i) for n, i in zip(notices, ids)]


def write_notices(notices: list[Notice], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for n in notices:
        written.append(atomic_write(inside(folder, f"{n.id}.md"), normalize.to_markdown(n)))
    return written
