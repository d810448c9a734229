"""Sources -> notices: every source read and normalized, through the cache.

One bad source never stops the others: its failure is one line in the
result's `errors`. A source whose bytes (and sidecar, and site profiles) are
unchanged is taken from the content-addressed cache (ip5pub.cache); the rest
are read in worker processes when there are enough of them to pay for the
pool, which stays open for the duplicate check (it parses every new body).
`mirror` keeps build/notices/<id>.md equal to the notices of the sources.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from ip5pub import normalize, system
from ip5pub.cache import Cache, digest, in_threads
from ip5pub.codec import encode
from ip5pub.dedup_cache import link_duplicates_cached
from ip5pub.extract.ids import disambiguate
from ip5pub.model import Notice, SourceError
from ip5pub.output import atomic_write, inside
from ip5pub.readers import preload, read_items, read_regular, sidecar_bytes, source_files
from ip5pub.readers.context import NO_SITES, ReadContext
from ip5pub.terminal import printable

# progress(stage, done, total): called as work advances; total 0 = a step with no count.
Progress = Callable[[str, int, int], None]
# Fewer uncached sources than this are read in-process. A render starts the
# layout workers' fork server beside the reading (half a second of CPU for
# its imports), which takes the second core a pool would have used: a cold
# render of 30 or 44 realistic notices reached its layout 0.06-0.12 s
# sooner read in-process (medians of 8-12 alternated builds), of 58
# 0.04 s later.
POOL_THRESHOLD = 48


def quiet(stage: str, done: int, total: int) -> None:
    pass


@dataclass
class NormalizeResult:
    notices: list[Notice] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)  # a source (or feed item) that gave no notice
    warnings: list[SourceError] = field(default_factory=list)  # a file and a reason; nothing failed because of them
    cached: int = 0  # sources taken from the cache


def display_path(path: Path, base: Path | None) -> str:
    """How a source is named in errors and in `source.path`: relative when
    possible, with control characters and bytes that are not UTF-8 escaped."""
    try:
        # abspath, not resolve: a link is named as itself, not as what it points to
        shown = (Path(os.path.abspath(path)).relative_to(os.path.abspath(base)) if base else path).as_posix()
    except ValueError:
        shown = path.as_posix()
    return printable(shown)


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders as the source files they hold."""
    out: list[Path] = []
    for p in paths:
        out.extend(source_files(p) if p.is_dir() else [p])
    return out


def _item_number(reason: str) -> int:
    """The item a reason names ("item 3 (...): ..."), to say them in the feed's order; 0 for the whole source."""
    found = re.match(r"item (\d+)\b", reason)
    return int(found.group(1)) if found else 0


def normalize_one(path: Path, label: str, context: ReadContext = NO_SITES) -> tuple[list[Notice], list[str]]:
    """One source -> its notices and a one-line reason per part that failed (picklable).

    A feed's bad item costs that item; any other failure costs the source.
    """
    try:
        drafts, reasons = read_items(path, label, context)
        notices, failed = [], []
        for d in drafts:
            try:
                notices.append(normalize.build_notice(d))
            except SourceError as exc:
                if d.item is None or len(drafts) == 1 and not reasons:
                    raise
                named = exc.reason.startswith(f"item {d.item} ")  # the reader named the item already
                failed.append(exc.reason if named else f"item {d.item}: {exc.reason}")
        if failed and not notices:  # a feed none of whose items could be read: one line
            more = len(failed) + len(reasons) - 1
            return [], [failed[0] + (f" (and {more} more bad items)" if more else "")]
        return notices, sorted(reasons + failed, key=_item_number)
    except SourceError as exc:
        return [], [exc.reason]
    except RecursionError:
        return [], ["internal error: nesting too deep to read"]
    except MemoryError:
        return [], ["internal error: out of memory reading this source"]
    except Exception as exc:
        return [], [f"internal error: {type(exc).__name__}: {exc}"]


def _source_key(path: Path, label: str, context: ReadContext) -> str | None:
    try:
        sidecar = sidecar_bytes(path)
        # A changed site profile may change any page's notice: it is part of every key.
        profiles = (context.key,) if context.sites else ()
        return digest(label, read_regular(path), *(sidecar or ()), *profiles)
    except SourceError:
        return None  # unreadable or refused: let the reader say why


def normalize_sources(paths: list[Path], base: Path | None = None, *, cache: Cache | None = None,
                      jobs: int | None = 1, progress: Progress = quiet,
                      context: ReadContext = NO_SITES) -> NormalizeResult:
    """Every source's notices, in source order, with unique ids and duplicates linked."""
    result = NormalizeResult()
    found: dict[int, tuple[list[Notice], list[str]]] = {}
    labels = [display_path(p, base) for p in paths]
    keys = [_source_key(p, label, context) if cache else None for p, label in zip(paths, labels)]
    todo = []
    for i, key in enumerate(keys):
        hit = cache.load_notices(key) if cache and key else None
        if hit is not None:
            found[i] = (hit, [])
        else:
            todo.append(i)
    result.cached = len(found)
    progress("normalize", len(found), len(paths))
    workers = jobs or os.cpu_count() or 1
    pooled = workers > 1 and len(todo) >= POOL_THRESHOLD
    if pooled and multiprocessing.get_context().get_start_method() == "fork":
        preload()  # what this process imported, the workers forked from it have
    # The pool stays open for the duplicate check, which parses every new body.
    with (ProcessPoolExecutor(max_workers=workers, initializer=system.outlive_not, initargs=(os.getpid(),)) if pooled
          else contextlib.nullcontext()) as pool:
        if pool is not None:
            mapped = pool.map(normalize_one, [paths[i] for i in todo], [labels[i] for i in todo], [context] * len(todo),
                              chunksize=max(1, len(todo) // (workers * 8)))
        else:
            mapped = (normalize_one(paths[i], labels[i], context) for i in todo)
        for n, (i, one) in enumerate(zip(todo, mapped), start=1):
            found[i] = one
            progress("normalize", len(paths) - len(todo) + n, len(paths))
        for i in range(len(paths)):  # in source order, whatever finished first
            notices, reasons = found[i]
            result.errors.extend(SourceError(labels[i], reason) for reason in reasons)
            result.notices.extend(notices)
        if cache:  # a source with errors is not cached: its errors are said again next run
            fresh = set(todo)
            stored = [(key, found[i][0]) for i, key in enumerate(keys) if key and i in fresh and not found[i][1]]
            in_threads(lambda item: cache.store_notices(*item), stored)
        result.notices = link_duplicates_cached(unique_ids(result.notices), cache, pool.map if pool else None)
    return result


def unique_ids(notices: list[Notice]) -> list[Notice]:
    """Two notices with one id (one title, one day, one office) get distinct, stable ones."""
    ids = disambiguate([n.id for n in notices], [f"{n.source.path}#{n.source.item}#{n.source.sha256}#{n.title}" for n in notices])
    return [n if n.id == i else replace(n, id=i) for n, i in zip(notices, ids)]


def warn_if_empty(result: NormalizeResult, sources: Path) -> None:
    """An empty week is normal; an empty sources folder is worth a word."""
    if not result.notices and not result.errors:
        folder = f"{sources.as_posix().rstrip('/')}/"
        result.warnings.append(SourceError(folder, "no notices in this folder; the outputs say there were none"))


def write_notices(notices: list[Notice], folder: Path, cache: Cache | None = None) -> list[Path]:
    """Write <id>.md for each notice; a file that already holds the same bytes is left alone.

    With a cache, a notice whose data and file are unchanged since the last
    build is not even serialized (YAML dumping dominates a no-change build).
    """
    folder.mkdir(parents=True, exist_ok=True)

    def write(n: Notice) -> Path:
        path = inside(folder, f"{n.id}.md")
        key = digest(json.dumps(encode(n), default=str, sort_keys=True)) if cache else ""
        if cache and cache.fresh(path, key, table="notices"):
            return path
        text = normalize.to_markdown(n).encode("utf-8")
        try:
            same = path.read_bytes() == text
        except OSError:
            same = False
        if not same:
            atomic_write(path, text)
        if cache:
            cache.stamp(path, key, table="notices", save=False)
        return path

    written = in_threads(write, notices)
    if cache:
        cache.save_stamps("notices")
    return written


def mirror(notices: list[Notice], output: Path, cache: Cache) -> None:
    """output/notices holds exactly these notices; the cache, exactly their sources' entries."""
    write_folder(notices, output, cache)
    cache.prune_notices()


def write_folder(notices: list[Notice], output: Path, cache: Cache) -> None:
    """output/notices holds exactly these notices (the cache's stamps say
    which files are up to date)."""
    folder = output / "notices"
    names = {p.name for p in write_notices(notices, folder, cache)}
    for path in folder.glob("*.md"):  # a source that is gone leaves no notice behind
        if path.name not in names:
            path.unlink()
