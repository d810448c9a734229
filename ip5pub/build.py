"""The build, top to bottom: read -> normalize -> write notices -> collect -> render.

Each step hands plain data to the next. Source errors are collected, not
raised: one bad notice never stops the others. Work whose inputs have not
changed is taken from the content-addressed cache (ip5pub.cache).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from ip5pub import edition, normalize, system
from ip5pub.cache import Cache, digest, tree_digest
from ip5pub.codec import encode
from ip5pub.collect import Selection, future_dated, group_notices, make_brief
from ip5pub.extract.ids import disambiguate, slug
from ip5pub.model import Notice, SourceError
from ip5pub.output import atomic_write, inside
from ip5pub.readers import read_items, read_regular, sidecar_bytes, source_files
from ip5pub.readers.context import NO_SITES, ReadContext
from ip5pub.terminal import printable
from ip5pub.workspace import Config, Workspace, packaged_styles

# progress(stage, done, total): called as work advances; total 0 = a step with no count.
Progress = Callable[[str, int, int], None]
OUTPUT_NAMES = {"pdf": "brief.pdf", "epub": "brief.epub", "txt": "digest.txt", "html": "brief.html", "md": "digest.md"}
POOL_THRESHOLD = 16  # fewer uncached sources than this are faster in-process


def _quiet(stage: str, done: int, total: int) -> None:
    pass


@dataclass
class Outcome:
    notices: list[Notice] = field(default_factory=list)
    errors: list[Exception] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    cached: int = 0  # sources taken from the cache
    reused: list[Path] = field(default_factory=list)  # outputs already up to date
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[SourceError] = field(default_factory=list)  # a file and a reason; nothing failed because of them


def _warn_if_empty(outcome: Outcome, sources: Path) -> None:
    """An empty week is normal; an empty sources folder is worth a word."""
    if not outcome.notices and not outcome.errors:
        folder = f"{sources.as_posix().rstrip('/')}/"
        outcome.warnings.append(SourceError(folder, "no notices in this folder; the outputs say there were none"))


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
    return dt.datetime.fromtimestamp(edition_epoch() if epoch is None else epoch, dt.UTC).date()


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
    out: list[Path] = []
    for p in paths:
        out.extend(source_files(p) if p.is_dir() else [p])
    return out


def _normalize_one(path: Path, label: str, context: ReadContext = NO_SITES) -> tuple[list[Notice], list[str]]:
    """One source -> its notices and a one-line reason per part that failed (picklable).

    A feed's bad item costs that item; any other failure costs the source.
    """
    try:
        drafts, reasons = read_items(path, label, context)
        notices = []
        for d in drafts:
            try:
                notices.append(normalize.build_notice(d))
            except SourceError as exc:
                if d.item is None or len(drafts) == 1:
                    raise
                reasons.append(f"item {d.item}: {exc.reason}")
        return notices, reasons
    except SourceError as exc:
        return [], [exc.reason]
    except RecursionError:
        return [], ["internal error: nesting too deep to read"]
    except MemoryError:
        return [], ["internal error: out of memory reading this source"]
    except Exception as exc:
        return [], [f"internal error: {type(exc).__name__}: {exc}"]


def _source_key(path: Path, label: str, context: ReadContext = NO_SITES) -> str | None:
    try:
        sidecar = sidecar_bytes(path)
        # A changed site profile may change any page's notice: it is part of every key.
        profiles = (context.key,) if context.sites else ()
        return digest(label, read_regular(path), *(sidecar or ()), *profiles)
    except SourceError:
        return None  # unreadable or refused: let the reader say why


def normalize_sources(paths: list[Path], base: Path | None = None, *, cache: Cache | None = None,
                      jobs: int | None = 1, progress: Progress = _quiet, context: ReadContext = NO_SITES) -> Outcome:
    outcome = Outcome()
    results: dict[int, tuple[list[Notice], list[str]]] = {}
    labels = [display_path(p, base) for p in paths]
    keys = [_source_key(p, label, context) if cache else None for p, label in zip(paths, labels)]
    todo = []
    for i, key in enumerate(keys):
        hit = cache.load_notices(key) if cache and key else None
        if hit is not None:
            results[i] = (hit, [])
        else:
            todo.append(i)
    outcome.cached = len(results)
    progress("normalize", len(results), len(paths))
    workers = jobs or os.cpu_count() or 1
    # The pool stays open for the duplicate check, which parses every new body.
    with (ProcessPoolExecutor(max_workers=workers) if workers > 1 and len(todo) >= POOL_THRESHOLD
          else contextlib.nullcontext()) as pool:
        if pool is not None:
            mapped = pool.map(_normalize_one, [paths[i] for i in todo], [labels[i] for i in todo], [context] * len(todo),
                              chunksize=max(1, len(todo) // (workers * 8)))
        else:
            mapped = (_normalize_one(paths[i], labels[i], context) for i in todo)
        for n, (i, result) in enumerate(zip(todo, mapped), start=1):
            results[i] = result
            progress("normalize", len(paths) - len(todo) + n, len(paths))
        for i in range(len(paths)):  # in source order, whatever finished first
            notices, reasons = results[i]
            outcome.errors.extend(SourceError(labels[i], reason) for reason in reasons)
            outcome.notices.extend(notices)
        if cache:  # a source with errors is not cached: its errors are said again next run
            fresh = set(todo)
            stored = [(key, results[i][0]) for i, key in enumerate(keys) if key and i in fresh and not results[i][1]]
            _in_threads(lambda item: cache.store_notices(*item), stored)
        outcome.notices = _link_duplicates(_unique_ids(outcome.notices), cache, pool)
    return outcome


def _link_duplicates(notices: list[Notice], cache: Cache | None, pool=None) -> list[Notice]:
    """dedup.link_duplicates, taken from the cache when no notice changed.

    Comparing every pair costs seconds at hundreds of notices; a rebuild
    with nothing changed must not pay it again.
    """
    from ip5pub.dedup import link_duplicates

    if cache is None:
        return link_duplicates(notices)
    key = digest("dedup", json.dumps([encode(n) for n in notices], default=str, sort_keys=True))
    raw = cache.load_blob("dedup", key)
    if raw is not None:
        try:
            found = json.loads(raw)
            well_typed = isinstance(found, dict) and all(
                isinstance(v, list) and all(isinstance(x, str) for x in v) for v in found.values())
            if well_typed and set(found) == {n.id for n in notices}:
                out = [n if tuple(found[n.id]) == n.duplicates else replace(n, duplicates=tuple(found[n.id]))
                       for n in notices]
                cache.prune("dedup")
                return out
        except (ValueError, TypeError):
            pass  # damaged: compare again
    out = link_duplicates(notices, _signatures(notices, cache, pool))
    cache.store_blob("dedup", key, json.dumps({n.id: list(n.duplicates) for n in out}, sort_keys=True).encode())
    cache.prune("dedup")
    return out


def _signatures(notices: list[Notice], cache: Cache, pool=None) -> list[frozenset[str]]:
    """Each body's dedup signature, through the cache: after one correction,
    only that notice's body is parsed again (parsing all 500 was most of the
    comparison's time); the ones not cached in `pool` when there is one.
    Their own kind, pruned only here: a build that reuses the dedup result
    reads none of them, and must not drop them."""
    from ip5pub.dedup import signature

    keys = [digest("dedup-signature", n.body) for n in notices]
    out: list[frozenset[str] | None] = []
    for key in keys:
        raw = cache.load_blob("dedup-sig", key)
        try:
            out.append(frozenset(json.loads(raw)) if raw is not None else None)
        except (ValueError, TypeError):
            out.append(None)  # damaged: parse again
    todo = [i for i, sig in enumerate(out) if sig is None]
    bodies = [notices[i].body for i in todo]
    made = pool.map(signature, bodies, chunksize=max(1, len(todo) // 16)) if pool is not None and len(todo) >= 16 \
        else map(signature, bodies)
    fresh = list(zip(todo, made))
    for i, sig in fresh:
        out[i] = sig
    _in_threads(lambda item: cache.store_blob("dedup-sig", keys[item[0]],
                                              json.dumps(sorted(item[1]), ensure_ascii=False).encode()), fresh)
    cache.prune("dedup-sig")
    return [sig for sig in out if sig is not None]


def _unique_ids(notices: list[Notice]) -> list[Notice]:
    ids = disambiguate([n.id for n in notices], [f"{n.source.path}#{n.source.item}#{n.source.sha256}#{n.title}" for n in notices])
    return [n if n.id == i else replace(n, id=i) for n, i in zip(notices, ids)]


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

    written = _in_threads(write, notices)
    if cache:
        cache.save_stamps("notices")
    return written


def _in_threads(fn, items: list) -> list:
    """fn over items in a few threads: file writes wait on fsync, not on the CPU."""
    if len(items) < 16:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(fn, items))


def prune_notices(folder: Path, keep: Iterable[Path]) -> None:
    """Drop normalized notices whose source is gone, so the folder mirrors sources/."""
    names = {p.name for p in keep}
    for path in folder.glob("*.md"):
        if path.name not in names:
            path.unlink()


def load_notices(sources: Path, output: Path, base: Path, cache: Cache | None = None,
                 jobs: int | None = None, progress: Progress = _quiet, today: dt.date | None = None,
                 context: ReadContext = NO_SITES) -> Outcome:
    """Normalize a sources folder (through the cache) and mirror it in output/notices.

    With `today` (the edition date), notices dated after it are warned about.
    """
    cache = cache or Cache(output)
    outcome = normalize_sources(expand([sources]), base=base, cache=cache, jobs=jobs, progress=progress, context=context)
    _warn_if_empty(outcome, sources)
    if today is not None:
        outcome.warnings.extend(future_dated(outcome.notices, today))
    mirror_notices(outcome.notices, output, cache)
    return outcome


def mirror_notices(notices: list[Notice], output: Path, cache: Cache) -> None:
    """output/notices holds exactly these notices; the cache, exactly their sources' entries."""
    prune_notices(output / "notices", write_notices(notices, output / "notices", cache))
    cache.prune_notices()


# Rendering ---------------------------------------------------------------


@dataclass(frozen=True)
class RenderRequest:
    sources: Path
    output: Path
    formats: tuple[str, ...] = ("pdf",)
    selection: Selection = Selection()
    group_by: str | None = None
    jobs: int | None = None
    options: tuple[tuple[str, str], ...] = ()  # renderer options (e.g. pdf variant), part of the cache key
    previous: Path | None = None  # the digest's previous edition: a manifest or a folder of editions


def output_name(fmt: str, group: str | None) -> str:
    name = OUTPUT_NAMES[fmt]
    if group is None:
        return name
    stem, ext = name.rsplit(".", 1)
    return f"{stem}-{slug(group, 40) or 'other'}.{ext}"


def render(workspace: Workspace, config: Config, request: RenderRequest, today: dt.date,
           progress: Progress = _quiet) -> Outcome:
    """Normalize sources/, write build/notices, render every requested output."""
    from ip5pub import render as renderers
    from ip5pub.templates import make_env

    started = time.perf_counter()
    digests = any(fmt in ("txt", "md") for fmt in request.formats)
    baseline = edition.find(request.previous, today) if request.previous and digests else None
    cache = Cache(request.output)
    outcome = normalize_sources(expand([request.sources]), base=workspace.root, cache=cache, jobs=request.jobs,
                                progress=progress, context=config.read_context)
    outcome.timings["normalize"] = time.perf_counter() - started
    _warn_if_empty(outcome, request.sources)
    outcome.warnings.extend(future_dated(outcome.notices, today))
    if baseline is not None and baseline.manifest is None:
        outcome.warnings.append(SourceError(baseline.looked_in, edition.NOT_FOUND))

    epoch = edition_epoch()
    options = dict(request.options)
    # Work in this process (writing the notices, the EPUB, the digest) waits
    # until the PDF's layout runs in its worker processes: before, it would
    # only slow down the PDF's own preparation, which they wait for.
    gate = threading.Event()
    ctx = renderers.RenderContext(env=make_env(workspace), workspace=workspace, config=config,
                                  edition=today, epoch=epoch, pdf_variant=options.get("pdf_variant"),
                                  pdf_layout=options.get("pdf_layout", "auto"),
                                  pdf_chunk_size=int(options["pdf_chunk_size"]) if "pdf_chunk_size" in options else None,
                                  jobs=request.jobs or os.cpu_count() or 1, cache=cache, busy=gate.set,
                                  notices=tuple(outcome.notices), baseline=baseline)
    # A digest's marks also depend on the baseline and on every notice of the
    # sources (one gone from them is listed), not only on the brief's.
    edition_key = digest(baseline.key(), *(f"{n.id} {n.source.path}" for n in outcome.notices)) if baseline else ""
    styles_key = tree_digest([packaged_styles(), workspace.styles])
    chosen = [n for n in outcome.notices if request.selection.accepts(n)]
    groups = group_notices(chosen, request.group_by) if request.group_by else [(None, chosen)]

    jobs: list[tuple[str, Path, str, object]] = []
    for group, notices in groups:
        brief = make_brief(notices, config, today, request.selection, group=group)
        content = json.dumps([encode(n) for n in brief.all_notices],
                             default=str, sort_keys=True)
        for fmt in request.formats:
            out = request.output / output_name(fmt, group)
            key = digest(fmt, repr(config), repr(request.options), styles_key, today.isoformat(), str(epoch),
                         str(group), content, edition_key if fmt in ("txt", "md") else "")
            if cache.fresh(out, key):
                outcome.reused.append(out)
                continue
            jobs.append((fmt, out, key, brief))

    def run(job) -> Path:
        fmt, out, key, brief = job
        t0 = time.perf_counter()
        path = renderers.render(fmt, brief, ctx, out)
        cache.stamp(path, key)
        outcome.timings[out.name] = time.perf_counter() - t0
        return path

    def later(fn: Callable[[], Path | None]) -> Path | None:
        gate.wait()
        return fn()

    # PDF layout runs in worker processes; the rest beside it in threads.
    pdf_jobs = [j for j in jobs if j[0] == "pdf"]
    unavailable = system.pdf_unavailable() if pdf_jobs else None
    if unavailable:  # one line naming the package, and the other formats still made
        outcome.errors.extend(RenderError(f"{j[1]}: not written: {unavailable}") for j in pdf_jobs)
        pdf_jobs = []
    other_jobs = [j for j in jobs if j[0] != "pdf"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        mirrored = pool.submit(later, lambda: mirror_notices(outcome.notices, request.output, cache))
        futures: list[tuple[Path, Future]] = [(j[1], pool.submit(later, functools.partial(run, j))) for j in other_jobs]
        try:
            if not pdf_jobs:
                gate.set()
            for n, job in enumerate(pdf_jobs, start=1):
                progress(f"layout {job[1].name}", n - 1, len(pdf_jobs))
                _collect(outcome, job[1], functools.partial(run, job))
        finally:
            gate.set()
        mirrored.result()
        for out, future in futures:
            _collect(outcome, out, future.result)
    if not outcome.errors and pdf_jobs:  # pieces of briefs this build did not make
        cache.prune("pdf")
    outcome.written.sort()
    outcome.timings["total"] = time.perf_counter() - started
    return outcome


def _collect(outcome: Outcome, out: Path, result: Callable[[], Path]) -> None:
    """Record a rendered output, or its failure as one line naming the file."""
    try:
        outcome.written.append(result())
    except Exception as exc:
        outcome.errors.append(RenderError(f"{out}: {type(exc).__name__}: {exc}"))


class RenderError(RuntimeError):
    pass
