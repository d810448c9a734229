"""The library's API: one function per output path, each returning a result.

    normalize(sources)          -> NormalizeResult   (ip5pub normalize, check, list)
    render(workspace, options)  -> RenderResult      (ip5pub render)
    digest(workspace, options)  -> DigestResult      (ip5pub digest)

The command line only parses options into these frozen dataclasses, calls
one function and prints its result. Every stage hands plain data to the
next: sources -> notices (ip5pub.notices) -> briefs (ip5pub.collect) ->
files (ip5pub.render). A bad source is in the result, never raised.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ip5pub import buildstamp, edition, layoutserver, system
from ip5pub.cache import Cache, digest as key_of, fields_key, tree_digest
from ip5pub.codec import encode
from ip5pub.collect import future_dated, group_notices, make_brief
from ip5pub.extract.ids import slug
from ip5pub.markdown import Bodies
from ip5pub.messages import Recorder
from ip5pub.model import Brief, Notice, SourceError, Window
from ip5pub.notices import NormalizeResult, Progress, expand, mirror, normalize_sources, quiet, warn_if_empty
from ip5pub.readers.context import NO_SITES, ReadContext
from ip5pub.render import Handle, PdfOptions, RenderContext, prepare, release, start
from ip5pub.render import others as render_others
from ip5pub.render.digest import Digest, Options as DigestLayout, make
from ip5pub.templates import make_env
from ip5pub.workspace import Workspace, packaged_styles

__all__ = ["DigestOptions", "DigestResult", "NormalizeResult", "PdfOptions", "RenderError", "RenderOptions",
           "RenderResult", "Window", "digest", "normalize", "render"]

OUTPUT_NAMES = {"pdf": "brief.pdf", "epub": "brief.epub", "txt": "digest.txt", "html": "brief.html", "md": "digest.md"}
FORMATS = tuple(OUTPUT_NAMES)


class RenderError(RuntimeError):
    """An output that could not be written; the message names the file."""


def _source_date_epoch() -> str:
    return os.environ.get("SOURCE_DATE_EPOCH", "").strip()


def edition_epoch() -> int:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the clock."""
    value = _source_date_epoch()
    if value:
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"SOURCE_DATE_EPOCH must be an integer, got {value!r}") from None
    return int(time.time())


def stamped_epoch(epoch: int) -> str:
    """What the build's stamps hash of its epoch: SOURCE_DATE_EPOCH whole,
    the clock not at all (the edition date, which the outputs show, is
    hashed beside it). Sources built again on the same day find the first
    build's outputs up to date, dated when they were made."""
    return str(epoch) if _source_date_epoch() else "clock"


def edition_date(epoch: int | None = None) -> dt.date:
    return dt.datetime.fromtimestamp(edition_epoch() if epoch is None else epoch, dt.UTC).date()


# normalize ----------------------------------------------------------------


def normalize(sources: Sequence[Path], *, base: Path | None = None, context: ReadContext = NO_SITES,
              jobs: int | None = 1, progress: Progress = quiet) -> NormalizeResult:
    """The notices of these files and folders, without a cache or any file written."""
    return normalize_sources(expand(sources), base=base, jobs=jobs, progress=progress, context=context)


# render -------------------------------------------------------------------


@dataclass(frozen=True)
class RenderOptions:
    """What `ip5pub render` is asked for. The fields that change an output's
    bytes are in its cache key (formats, window, group_by, pdf); `jobs` and
    `previous` are not (the baseline's own content is)."""

    sources: Path = Path("sources")
    output: Path = Path("build")
    formats: tuple[str, ...] = ("pdf",)
    window: Window = Window()
    group_by: str | None = None  # "office", "month" or "year": one output per group
    pdf: PdfOptions = PdfOptions()
    jobs: int | None = None  # worker processes (None: one per CPU)
    previous: Path | None = None  # the digest's previous edition: a manifest or a folder of editions


@dataclass
class RenderResult:
    notices: list[Notice] = field(default_factory=list)
    errors: list[Exception] = field(default_factory=list)  # sources that failed, outputs not written
    warnings: list[SourceError] = field(default_factory=list)  # nothing failed because of them
    logged: list[str] = field(default_factory=list)  # warnings the renderers logged (ip5pub.messages)
    written: list[Path] = field(default_factory=list)
    reused: list[Path] = field(default_factory=list)  # outputs already up to date
    cached: int = 0  # sources taken from the cache
    notice_count: int = 0  # notices read (`notices` is empty when the build was up to date as a whole)
    up_to_date: bool = False  # nothing had changed since the last build (ip5pub.buildstamp): nothing read
    timings: dict[str, float] = field(default_factory=dict)


def output_name(fmt: str, group: str | None) -> str:
    name = OUTPUT_NAMES[fmt]
    if group is None:
        return name
    stem, ext = name.rsplit(".", 1)
    return f"{stem}-{slug(group, 40) or 'other'}.{ext}"


@dataclass(frozen=True)
class _Job:
    fmt: str
    out: Path
    key: str
    brief: Brief


def render(workspace: Workspace, options: RenderOptions, today: dt.date, progress: Progress = quiet) -> RenderResult:
    """Normalize the sources, mirror them in output/notices, render every requested output.

    Raises edition.ManifestError when `previous` is a file but no manifest;
    a bad source or an output that fails is in the result's errors.
    """
    try:
        with system.no_cycle_collection():
            return _render(workspace, options, today, progress)
    finally:
        release()  # warm layout workers no PDF took


def _render(workspace: Workspace, options: RenderOptions, today: dt.date, progress: Progress) -> RenderResult:
    started = time.perf_counter()
    config = workspace.config
    result = RenderResult()
    with Recorder(result.logged):
        # 1. The previous edition, when a digest is asked to compare with one.
        digests = any(fmt in ("txt", "md") for fmt in options.formats)
        baseline = edition.find(options.previous, today) if options.previous and digests else None

        # 2. Nothing to do if nothing the build is made from has changed and
        # every file it wrote is as it was (ip5pub.buildstamp).
        epoch = edition_epoch()
        styles_key = tree_digest([packaged_styles(), workspace.styles])  # the stamp's and every output's
        build_key = buildstamp.key(workspace, options, today.isoformat(), stamped_epoch(epoch),
                                   baseline.key() if baseline else "", styles_key)
        done_before = buildstamp.check(options.output, build_key)
        if done_before is not None:
            return _up_to_date(result, done_before, options.output, started)

        # 3. Sources -> notices, through the cache; the PDF's workers start beside.
        prepare(options.formats, options.jobs or os.cpu_count() or 1, options.sources, options.output)
        cache = Cache(options.output)
        read = normalize_sources(expand([options.sources]), base=workspace.root, cache=cache, jobs=options.jobs,
                                 progress=progress, context=config.read_context)
        warn_if_empty(read, options.sources)
        result.notices, result.errors, result.cached = read.notices, [*read.errors], read.cached
        result.warnings.extend([*read.warnings, *future_dated(read.notices, today)])
        if baseline is not None and baseline.manifest is None:
            result.warnings.append(SourceError(baseline.looked_in, edition.NOT_FOUND))
        result.timings["normalize"] = time.perf_counter() - started

        # 4. Notices -> briefs -> the outputs that are not up to date.
        bodies = _known_bodies(cache)
        ctx = RenderContext(env=make_env(workspace, bodies), workspace=workspace, config=config, edition=today,
                            epoch=epoch, pdf=options.pdf, jobs=options.jobs or os.cpu_count() or 1, cache=cache,
                            notices=tuple(read.notices), baseline=baseline, bodies=bodies)
        jobs = _jobs(options, ctx, cache, result, styles_key)

        # 5. Render. The first PDF starts: a chunked layout returns once its
        # documents are with the worker processes. Beside its remaining steps
        # (collecting, the pages' furniture, assembly), a thread of this
        # process writes the notices and the other formats; beside a large
        # brief's, a process of their own (ip5pub.render.others), started
        # first. Outcomes are recorded in job order, whatever finished first.
        pdfs = [j for j in jobs if j.fmt == "pdf"]
        unavailable = system.pdf_unavailable() if pdfs else None
        if unavailable:  # one line naming the package, and the other formats still made
            result.errors.extend(RenderError(f"{j.out}: not written: {unavailable}") for j in pdfs)
            pdfs = []
        others = [j for j in jobs if j.fmt != "pdf"]
        apart = bool(pdfs and others and render_others.wanted(len(read.notices), ctx.jobs))
        if apart:
            layoutserver.start(options.output)  # started already, unless the PDF seemed up to date
        with ThreadPoolExecutor(max_workers=1) as beside:
            if apart:  # the process starts while the PDF does
                own = beside.submit(_own_work, read.notices, options, others, ctx, cache, apart)
            first = _Started.of(pdfs[0], ctx) if pdfs else None
            if not apart:
                own = beside.submit(_own_work, read.notices, options, others, ctx, cache)
            done = []
            for n, job in enumerate(pdfs):
                progress(f"layout {job.out.name}", n, len(pdfs))
                done.append(_finish(job, first if n == 0 and first else _Started.of(job, ctx), cache))
            done += own.result()
        for job, made, seconds in done:
            if isinstance(made, Exception):
                result.errors.append(RenderError(f"{job.out}: {type(made).__name__}: {made}"))
            else:
                result.written.append(made)
                result.timings[job.out.name] = seconds
        if not result.errors and pdfs:  # pieces of briefs this build did not make
            cache.prune("pdf")
        if pdfs:  # the next build's layout workers read these languages' hyphenation patterns first
            layoutserver.remember_languages(options.output, {lang for job in pdfs for lang in _languages(job.brief)})
        _keep_bodies(cache, bodies)
    result.written.sort()
    result.notice_count = len(result.notices)
    if not result.errors:
        buildstamp.save(options.output, build_key, result.written + result.reused, result.warnings, len(result.notices))
    result.timings["total"] = time.perf_counter() - started
    return result


def _languages(brief: Brief) -> set[str]:
    """The languages a brief's PDF is laid out in: its own and its notices'."""
    return {brief.language, *(n.language for n in brief.all_notices if n.language)}


_BODIES = "markdown"  # the cache's kind for the bodies' HTML (one entry)


def _known_bodies(cache: Cache) -> Bodies:
    """The bodies' HTML the last build made (markdown.Bodies), from the cache;
    an entry that is not a table of strings is none."""
    raw = cache.load_blob(_BODIES, key_of("bodies"))
    try:
        known = json.loads(raw) if raw is not None else {}
    except ValueError:
        known = {}
    if not (isinstance(known, dict) and all(isinstance(v, str) for v in known.values())):
        known = {}
    return Bodies(known)


def _keep_bodies(cache: Cache, bodies: Bodies) -> None:
    """Keep the bodies this build rendered for the next one. A build that
    rendered none (every output with a body up to date) leaves the entry be."""
    used = bodies.used()
    if used and bodies.changed():
        cache.store_blob(_BODIES, key_of("bodies"), json.dumps(used, ensure_ascii=False).encode("utf-8"))
        cache.prune(_BODIES)  # the entry of another version of the code


def _up_to_date(result: RenderResult, record: buildstamp.Record, output: Path, started: float) -> RenderResult:
    """The result of a build with nothing to do: every output up to date,
    the warnings of the build that made them said again."""
    result.up_to_date = True
    result.reused = [output / name for name in record.outputs]
    result.warnings = [SourceError(path, reason) for path, reason in record.warnings]
    result.notice_count = record.notices
    result.timings["total"] = time.perf_counter() - started
    return result


def _jobs(options: RenderOptions, ctx: RenderContext, cache: Cache, result: RenderResult, styles_key: str) -> list[_Job]:
    """Each output to make, with its cache key; the ones up to date go to `result.reused`."""
    # A digest's marks also depend on the baseline and on every notice of the
    # sources (one gone from them is listed), not only on the brief's.
    baseline = ctx.baseline
    edition_key = key_of(baseline.key(), *(f"{n.id} {n.source.path}" for n in ctx.notices)) if baseline else ""
    chosen = [n for n in ctx.notices if options.window.accepts(n)]
    groups = group_notices(chosen, options.group_by) if options.group_by else [(None, chosen)]
    jobs = []
    for group, notices in groups:
        brief = make_brief(notices, ctx.config, ctx.edition, options.window, group=group)
        content = json.dumps([encode(n) for n in brief.all_notices], default=str, sort_keys=True)
        for fmt in options.formats:
            out = options.output / output_name(fmt, group)
            key = key_of(fmt, fields_key(ctx.config, options.window), fields_key(options.pdf) if fmt == "pdf" else "",
                         styles_key, ctx.edition.isoformat(), stamped_epoch(ctx.epoch), str(group), content,
                         edition_key if fmt in ("txt", "md") else "")
            if cache.fresh(out, key):
                result.reused.append(out)
            else:
                jobs.append(_Job(fmt, out, key, brief))
    return jobs


@dataclass
class _Started:
    job: _Job
    handle: Handle | Exception  # what rendering returned, or why it could not start
    at: float

    @classmethod
    def of(cls, job: _Job, ctx: RenderContext) -> _Started:
        at = time.perf_counter()
        try:
            return cls(job, start(job.fmt, job.brief, ctx, job.out), at)
        except Exception as exc:
            return cls(job, exc, at)


def _finish(job: _Job, started: _Started, cache: Cache) -> tuple[_Job, Path | Exception, float]:
    """The output's file, stamped in the cache, or why it failed; and how long it took."""
    made: Path | Exception = started.handle if isinstance(started.handle, Exception) else _result(started.handle)
    if not isinstance(made, Exception):
        cache.stamp(made, job.key)
    return job, made, time.perf_counter() - started.at


def _result(handle: Handle) -> Path | Exception:
    try:
        return handle.result()
    except Exception as exc:
        return exc


def _own_work(notices: list[Notice], options: RenderOptions, jobs: list[_Job], ctx: RenderContext,
              cache: Cache, apart: bool = False) -> list[tuple[_Job, Path | Exception, float]]:
    """This process's part beside the PDF's workers: build/notices, then every
    other format; or, `apart`, what their own process made, stamped."""
    orders = [render_others.Order(j.fmt, j.brief, j.out) for j in jobs]
    made = render_others.Apart(notices, options.output, orders, ctx).result() if apart else None
    if made is None:
        mirror(notices, options.output, cache)
        return [_finish(job, _Started.of(job, ctx), cache) for job in jobs]
    cache.prune_notices()
    for job, (out, _) in zip(jobs, made):
        if not isinstance(out, Exception):
            cache.stamp(out, job.key)
    return [(job, out, seconds) for job, (out, seconds) in zip(jobs, made)]


# digest -------------------------------------------------------------------


@dataclass(frozen=True)
class DigestOptions:
    sources: Path = Path("sources")
    notices: Path = Path("build/notices")  # where the normalized notices are mirrored
    output: Path | None = None  # the digest file (its manifest beside it); None: the text only
    window: Window = Window()
    layout: DigestLayout = DigestLayout()
    previous: Path | None = None  # a manifest, or a folder of earlier editions


@dataclass
class DigestResult:
    digest: Digest
    brief: Brief
    errors: list[Exception] = field(default_factory=list)  # the sources'
    warnings: list[SourceError] = field(default_factory=list)
    logged: list[str] = field(default_factory=list)  # warnings logged on the way (ip5pub.messages)


def digest(workspace: Workspace, options: DigestOptions, today: dt.date) -> DigestResult:
    """The digest of the sources for the window; the same text `render -f txt/md` writes.

    Raises edition.ManifestError when `previous` is a file but no manifest,
    OSError when an output cannot be written; a bad source is in the
    result's errors, never raised.
    """
    config = workspace.config
    warnings: list[SourceError] = []
    logged: list[str] = []
    with Recorder(logged):
        baseline = edition.find(options.previous, today) if options.previous else None
        cache = Cache(options.notices.parent)
        read = normalize_sources(expand([options.sources]), base=workspace.root, cache=cache,
                                 context=config.read_context)
        warn_if_empty(read, options.sources)
        warnings.extend([*read.warnings, *future_dated(read.notices, today)])
        mirror(read.notices, options.notices.parent, cache)
        if baseline is not None and baseline.manifest is None:
            warnings.append(SourceError(baseline.looked_in, edition.NOT_FOUND))
        brief = make_brief(read.notices, config, today, options.window)
        ctx = RenderContext(env=make_env(workspace), workspace=workspace, config=config, edition=today,
                            epoch=edition_epoch(), notices=tuple(read.notices), baseline=baseline)
        made = make(brief, ctx, options.layout, options.output)
    return DigestResult(made, brief, [*read.errors], warnings, logged)
