"""Laying one document out, in a worker process: its PDF and what the book
needs to know of its pages (names, anchors, page references)."""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
import json
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ip5pub import layoutserver, system
from ip5pub.render import weasy
from ip5pub.render.weasy import inert, links, references, resume, subsets
from ip5pub.render.chunked import faces
from ip5pub.render.chunked.plan import GOTO, REF, STAND_IN
from ip5pub.render.chunked.tree import serialize


@dataclass(frozen=True)
class Resume:
    """Lay a document out from page `start` of its last layout, whose pages'
    start states (encoded, weasy.resume) are `states`, until a page starts
    as it did there inside one of the notices `unchanged` (every notice
    from there on is as it was); or, with `after`, inside an element past
    the `after`th in document order (a document without notices, the front
    or back matter: every element from there on is as it was; `elements`,
    how many the build counted, guards the numbering)."""

    start: int
    states: tuple[Any, ...]
    unchanged: frozenset[str]
    after: int | None = None
    elements: int = 0
    empty: tuple[int, ...] = ()  # elements (by place) laid out wholly before `start`, emptied (weasy.inert)


@dataclass(frozen=True)
class Job:
    root: Any  # the document's tree (ElementTree, as tinyhtml5 parses HTML)
    base_url: str
    page_css: str
    styles: tuple[str, ...]  # folders the fetcher may read
    resume: Resume | None = None
    firsts: bool = False  # find the page each element starts on (Laid.firsts)
    tag: str = ""  # tell the build what the pages hold before drawing them, under this tag (Runner.lay)


@dataclass
class Laid:
    """A laid-out document: its PDF and what the book needs to know of its pages."""

    pdf: bytes
    pages: int
    names: list[str] = field(default_factory=list)  # each page's name ("" for none)
    anchors: dict[str, int] = field(default_factory=dict)  # id -> page index, first occurrence
    refs: list[list[dict]] = field(default_factory=list)  # each page's references (see weasy.references)
    tops: list[list[str]] = field(default_factory=list)  # each page's ids at its top (see weasy.top_ids)
    stuck: list[str] = field(default_factory=list)  # page references that could not be taken out
    states: list[Any] = field(default_factory=list)  # each page's start state, and the next's (weasy.resume)
    start: int = 0  # laid out from this page of the last layout (Resume), the pages before not made
    resync: int | None = None  # ... up to this page, from which the last layout's pages are the pages
    # Set by the build (splice.py): a chunk's notices as (id, digest of their HTML), the digest of the
    # rest of it, and for a chunk joined from several layouts, its pages as (blob key, start, end).
    notices: list[list[str]] = field(default_factory=list)
    frame: str = ""
    parts: list[list[Any]] = field(default_factory=list)
    # The front and back matter's elements in document order: the page each
    # first appears on (-1: none; Job.firsts), and their digests (splice.elements, set by the build).
    firsts: list[int] = field(default_factory=list)
    elements: list[str] = field(default_factory=list)
    # ... what each is for a later layout from a page (weasy.inert.statuses), and how many of them this
    # layout emptied (Resume.empty).
    statuses: list[int] = field(default_factory=list)
    emptied: int = 0

    def meta(self) -> bytes:
        return json.dumps({k: v for k, v in asdict(self).items() if k != "pdf"}, sort_keys=True).encode()

    @classmethod
    def from_meta(cls, pdf: bytes, raw: bytes) -> Laid:
        data = json.loads(raw)
        return cls(pdf, int(data["pages"]), list(data["names"]), dict(data["anchors"]), list(data["refs"]),
                   list(data["tops"]), list(data["stuck"]), list(data.get("states", [])),
                   notices=list(data.get("notices", [])), frame=str(data.get("frame", "")),
                   parts=list(data.get("parts", [])), firsts=[int(k) for k in data.get("firsts", [])],
                   elements=[str(e) for e in data.get("elements", [])],
                   statuses=[int(k) for k in data.get("statuses", [])], emptied=int(data.get("emptied", 0)))


def layout(job: Job) -> tuple[Laid, list[str], list[str]]:
    """A document's tree -> (the laid-out document, characters without a glyph, other warnings)."""
    from weasyprint import CSS

    from ip5pub.render.url_fetcher import StylesOnlyFetcher

    weasy.check_version()
    weasy.install_patches()
    resume.page_states_kept()
    links.links_named()
    if not links.links_named.installed:
        raise weasy.InternalsChanged("WeasyPrint resolves its links in another way: a link to another part of the "
                                     "brief cannot be written")
    buffer = io.BytesIO()
    with weasy.collect_warnings() as collect:
        fetcher = StylesOnlyFetcher(roots=[Path(p) for p in job.styles])
        may_empty = job.firsts and inert.allowed(job.root, job.page_css)
        html, ordinals, numbering, emptied = _html(job, fetcher, job.resume.empty if may_empty and job.resume else ())
        count = len(numbering) if numbering is not None else 0
        plan = _plan(job.resume, ordinals, count) \
            if job.resume is not None and resume.page_states_kept.installed else None
        with resume.resuming(plan) if plan is not None else contextlib.nullcontext():
            document = html.render(stylesheets=[CSS(string=job.page_css, url_fetcher=fetcher)])
        anchors: dict[str, int] = {}
        refs, stuck = [], []
        for i, page in enumerate(document.pages):
            for name in page.anchors:
                anchors.setdefault(name, i)
            found, left = references.take_references(page, (REF, STAND_IN), GOTO)
            refs.append(found)
            stuck.extend(left)
        laid = Laid(b"", len(document.pages), names=[weasy.page_name(page) for page in document.pages],
                    anchors=anchors, refs=refs, tops=[weasy.top_ids(page) for page in document.pages], stuck=stuck,
                    states=list(resume.recorded() or []))
        if plan is not None:
            laid.start, laid.resync = plan.start, plan.stop
        if job.firsts:
            laid.firsts = weasy.first_pages(document.pages, ordinals, count)
        if may_empty and numbering is not None:
            laid.statuses = inert.statuses(document.pages, ordinals, numbering)
            laid.emptied = emptied
        _tell(job.tag, laid)
        # After take_references took the stand-in numbers out; installed
        # faces are embedded as stand-ins, made once at assembly (faces.py);
        # a link to another document's anchor names it (weasy/links.py).
        with subsets.stand_ins(faces.stand_in), links.named(GOTO):
            document.write_pdf(buffer)
    laid.pdf = buffer.getvalue()
    return laid, list(collect.missing), list(collect.other)


# Where a worker tells the build what a document's pages hold as soon as they
# are laid out, before drawing them (a third of a chunk's time): the build
# lays the furniture out meanwhile. Set in each worker by the pool's initializer.
_told: Any = None


def _tell(tag: str, laid: Laid) -> None:
    if tag and _told is not None:
        _told.put((tag, replace(laid, states=[])))  # the states are for the cache only


def _start(build: int, told: Any) -> None:
    """The pool's initializer."""
    global _told
    system.outlive_not(build)
    _told = told
    told.cancel_join_thread()  # a message nobody reads must not keep the worker from exiting


def _id(element: Any) -> str | None:
    return None if element is None else element.get("id")


def _html(job: Job, fetcher: Any, empty: tuple[int, ...]) -> tuple[Any, dict[int, int], inert.Numbering | None, int]:
    """WeasyPrint's HTML for the job's tree; where the layout numbers the
    elements, each one's place in document order (id -> place) and the
    tree's numbering; with `empty`, those elements emptied (weasy.inert),
    numbered as in the whole tree, and how many were."""
    if not (job.firsts or (job.resume is not None and job.resume.after is not None)):
        return weasy.html_from_tree(job.root, job.base_url, fetcher, serialize), {}, None, 0
    numbering = inert.number(job.root)
    if empty and job.resume is not None and len(numbering) == job.resume.elements:
        root, places = inert.emptied(job.root, numbering, set(empty))
        html = weasy.html_from_tree(root, job.base_url, fetcher, serialize)
        if html.etree_element is root:
            return html, places, numbering, len(empty)
    html = weasy.html_from_tree(job.root, job.base_url, fetcher, serialize)
    if html.etree_element is not job.root:  # parsed again from its serialization: numbered as parsed
        numbering = inert.number(html.etree_element)
    return html, {id(element): k for k, element in enumerate(html.etree_element.iter())}, numbering, 0


def _plan(job: Resume, ordinals: dict[int, int], count: int) -> resume.Plan | None:
    """The worker's plan for a Resume: where it may stop (None: the elements
    are not the ones the build numbered, so laid out whole)."""
    states = [None if s is None else resume.decode(s) for s in job.states]
    if job.after is None:
        unchanged = job.unchanged
        return resume.Plan(job.start, states,
                           lambda root_box, at: _id(resume.element_at(root_box, at, "article")) in unchanged)
    if count != job.elements:
        return None
    after = job.after
    return resume.Plan(job.start, states,
                       lambda root_box, at: ordinals.get(id(resume.deepest(root_box, at)), -1) > after)


def whole(job: Job) -> tuple[bytes, list[str], list[str]]:
    """A brief too small to cut, laid out in one pass as render.pdf's
    single_pass lays it out (no PDF variant): (the PDF, characters without a
    glyph, other warnings). In a worker, so that the build writes its other
    outputs beside it."""
    from weasyprint import CSS

    from ip5pub.render import pdf_tags
    from ip5pub.render.url_fetcher import StylesOnlyFetcher

    weasy.install_patches()
    buffer = io.BytesIO()
    with weasy.collect_warnings() as collect:
        fetcher = StylesOnlyFetcher(roots=[Path(p) for p in job.styles])
        document = weasy.html_from_tree(job.root, job.base_url, fetcher, serialize)
        pdf_tags.install()
        document.write_pdf(buffer, stylesheets=[CSS(string=job.page_css, url_fetcher=fetcher)])
    return buffer.getvalue(), list(collect.missing), list(collect.other)


# The same layout under a name per kind of document, so that a profile of
# the workers (bench/bench.py's) tells the chunks, the front and back matter
# and the furniture apart.
def layout_matter(job: Job) -> tuple[Laid, list[str], list[str]]:
    return layout(job)


def layout_furniture(job: Job) -> tuple[Laid, list[str], list[str]]:
    laid, missing, other = layout(replace(job, tag=""))  # what its pages hold is never asked before its result
    laid.states = []  # never laid out again from a page: not kept in the cache
    return laid, missing, other


LAYOUTS = {"pdf-front": layout_matter, "pdf-back": layout_matter, "pdf-furniture": layout_furniture}


def _nothing() -> None:
    pass


def _pool(jobs: int, told: Any) -> ProcessPoolExecutor:
    """Worker processes started from a clean server (the build runs threads
    beside us), telling the build on `told` what a tagged job's pages hold."""
    return ProcessPoolExecutor(max_workers=jobs, mp_context=layoutserver.context(), initializer=_start,
                               initargs=(os.getpid(), told))


_warm: Runner | None = None


def warm(jobs: int) -> None:
    """Start the workers now (their fork server imports WeasyPrint, about
    half a second of CPU) for the next Runner of as many jobs to take: the
    build calls this before it reads the sources, so that the import runs
    beside the reading."""
    global _warm
    if _warm is None and jobs > 1:
        _warm = Runner(jobs)
        _warm.warm()


def release() -> None:
    """Shut down warm workers no layout took (a PDF variant laid out in the
    build's own process, or every PDF up to date): they must not outlive
    the build that started them."""
    global _warm
    runner, _warm = _warm, None
    if runner is not None:
        runner.close()


def take(jobs: int) -> Runner:
    """The warm runner if it has `jobs` workers, else a new one; the caller closes it."""
    global _warm
    runner, _warm = _warm, None
    if runner is not None and runner.jobs == jobs:
        return runner
    if runner is not None:
        runner.close()
    return Runner(jobs)


class Runner:
    """Runs calls in worker processes when there are several, else here."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None
        self._starting: threading.Thread | None = None
        self._first: Future[None] | None = None  # the warm-up call: done once a worker is up
        self._told: Any = None  # where the workers tell what a tagged job's pages hold (_tell)
        self._heard: dict[str, Laid] = {}  # ... read from it for a later pages()
        self._tags = itertools.count()

    def warm(self) -> None:
        """Start the workers in the background (the fork server imports
        WeasyPrint, about a second) while this process prepares the HTML."""
        if self.jobs > 1 and self.pool is None and self._starting is None:
            layoutserver.start()

            def start() -> None:
                self.pool = self._new_pool()
                self._first = self.pool.submit(_nothing)

            self._starting = threading.Thread(target=start, daemon=True)
            self._starting.start()

    def _ready(self) -> None:
        if self._starting is not None:
            self._starting.join()
            self._starting = None

    def settle(self) -> None:
        """Wait until the warm-up call has run. The pool starts a worker for
        each call that finds none idle: one call (a single pass) submitted
        while the first worker is still starting would start a second one
        for nothing (a fork, its start-up CPU, and about 5 MB more peak PSS
        in a 10-notice build)."""
        self._ready()
        if self._first is not None:
            wait([self._first])  # a broken pool says so at the real call
            self._first = None

    def _new_pool(self) -> ProcessPoolExecutor:
        self._told = layoutserver.context().Queue()
        return _pool(self.jobs, self._told)

    def _running(self) -> ProcessPoolExecutor:
        self._ready()
        if self.pool is None:
            self.pool = self._new_pool()
        return self.pool

    def submit(self, fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        """fn(*args) in a worker; returns what gives its result (with one job,
        it runs here when its result is asked for)."""
        if self.jobs <= 1:
            return lambda: fn(*args)
        return self._running().submit(fn, *args).result

    def lay(self, fn: Callable[[Job], tuple[Laid, list[str], list[str]]], job: Job) -> Call:
        """A layout (worker.layout or one of its names) in a worker: its
        result, and what its pages hold as soon as they are laid out."""
        if self.jobs <= 1:
            return Call(self.submit(fn, job), None)
        tag = str(next(self._tags))
        future = self._running().submit(fn, replace(job, tag=tag))
        return Call(future.result, lambda: self._pages(tag, future))

    def _pages(self, tag: str, future: Future[Any]) -> Laid:
        while tag not in self._heard:
            if future.done():  # failed, or its message is still on its way
                return future.result()[0]
            try:
                got, laid = self._told.get(timeout=0.05)
            except queue.Empty:
                continue
            self._heard[got] = laid
        return self._heard.pop(tag)

    def map(self, fn: Callable[..., Any], *iterables: Any) -> list[Any]:
        """fn over the items, in the workers when there are several."""
        if self.jobs <= 1:
            return list(map(fn, *iterables))
        return list(self._running().map(fn, *iterables))

    def close(self) -> None:
        self._ready()
        if self.pool is not None:
            self.pool.shutdown()
        if self._told is not None:
            self._told.close()
            self._told = None
        self._heard.clear()


class Call:
    """A layout on its way: `result()` waits for it; `pages()` for what its
    pages hold (the Laid without its PDF and page states: names, anchors,
    references, tops), which its worker tells before it draws them."""

    def __init__(self, result: Callable[[], tuple[Laid, list[str], list[str]]],
                 pages: Callable[[], Laid] | None):
        self.result = functools.cache(result)
        self._pages = pages

    def pages(self) -> Laid:
        return self.result()[0] if self._pages is None else self._pages()
