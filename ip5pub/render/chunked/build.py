"""The chunked layout of one brief, from its HTML to the assembled PDF."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ip5pub.cache import digest, tree_digest
from ip5pub.model import Brief
from ip5pub.render import keepall
from ip5pub.render.chunked import css, plan, splice, tree
from ip5pub.render.chunked.assemble import Part, assemble, preload
from ip5pub.render.chunked.fonts import Made, StandInLeft
from ip5pub.render.chunked.furniture import furniture_document
from ip5pub.render.chunked.worker import LAYOUTS, Call, Job, Laid, Resume, layout, take
from ip5pub.render.weasy import InternalsChanged

log = logging.getLogger("ip5pub.pdf")


MATTER = ("pdf-front", "pdf-back")  # the kinds of the front and back matter's documents
WHAT = {"pdf-front": "the front matter", "pdf-back": "the back matter"}  # (for the log)


class Unsupported(RuntimeError):
    """The chunked layout cannot draw this brief as a single pass would."""


@dataclass
class Result:
    pdf: bytes
    missing: list[str]
    other: list[str]
    chunks: int
    laid_out: int  # chunks laid out (not from the cache)


class Pending:
    """A chunked layout under way: its content documents are with the workers."""

    def __init__(self, steps: Generator[None, None, Result]):
        self._steps = steps
        next(steps)  # up to the point where the workers have everything to lay out

    def result(self) -> Result:
        try:
            next(self._steps)
        except StopIteration as done:
            return done.value
        raise AssertionError("the chunked layout pauses once")  # pragma: no cover


def start(brief: Brief, full_html: str, base_url: str, page_css: str, styles: tuple[str, ...],
          cache: Any = None, jobs: int = 1, size: int = plan.CHUNK_SIZE) -> Pending:
    """The brief's chunked layout, started: it returns once every content
    document is on its way to the workers, so that the caller can do its
    own work beside them; `result()` waits for them and assembles the PDF.
    Raises Unsupported (from `start` if the stylesheet says so, from
    `result` if a page would differ from a single pass)."""
    return Pending(_steps(brief, full_html, base_url, page_css, styles, cache, jobs, size))


def render(brief: Brief, full_html: str, base_url: str, page_css: str, styles: tuple[str, ...],
           cache: Any = None, jobs: int = 1, size: int = plan.CHUNK_SIZE) -> Result:
    """The brief laid out in chunks, start to finish."""
    return start(brief, full_html, base_url, page_css, styles, cache, jobs, size).result()


def _steps(brief: Brief, full_html: str, base_url: str, page_css: str, styles: tuple[str, ...],
           cache: Any, jobs: int, size: int) -> Generator[None, None, Result]:
    started = time.perf_counter()

    def step(name: str) -> None:
        log.debug("chunked layout: %s at %.2f s", name, time.perf_counter() - started)

    runner = take(jobs)
    missing: dict[str, None] = {}
    other: dict[str, None] = {}
    fresh: set[str] = set()  # keys laid out by this build (not from the cache)
    done: dict[str, Laid] = {}
    pending: dict[str, Call] = {}  # key -> the layout on its way
    kinds: dict[str, str] = {}  # key -> kind of document
    blobs: dict[str, bytes] = {}  # the PDFs of chunks joined from several layouts, by blob key
    # A document that may be laid out again from a page (a chunk, the front or back matter): its key -> its
    # tree, where its last layout's key is kept; what it holds, to compare with that layout's (splice.py).
    lineage: dict[str, tuple[Any, str]] = {}
    found: dict[str, tuple[list[list[str]], str]] = {}  # a chunk laid out -> its notices and frame (splice.notices)
    numbered: dict[str, tuple[list[str], list[int]]] = {}  # the matter laid out -> its elements (splice.elements)
    resumed: dict[str, tuple[str, Laid]] = {}  # key -> the last layout it was laid out from (key, Laid)
    held: dict[str, splice.Held] = {}  # a last layout's PDF (blob key) -> what it holds and each page draws

    def job_for(name: str, root: Any, resume: Resume | None = None) -> Job:
        return Job(root, base_url, page_css, styles, resume, firsts=kinds[name] in MATTER)

    def submit(named: list[tuple[str, Any, str]]) -> None:
        """Lay documents (key, tree, HTML) out in the workers unless the cache
        has them, the longest first (so that no worker is left alone with one
        at the end); a chunk from the page its first changed notice starts on,
        the matter from the page its first changed element starts on, where
        the last layout allows (splice.py)."""
        todo = []
        for name, root, text in named:
            if name in done or name in pending:
                continue
            hit = _load(cache, name, blobs)
            if hit is None:
                todo.append((name, root, text))
            else:
                done[name] = hit
        for name, root, text in sorted(todo, key=lambda t: -len(t[2])):
            job = job_for(name, root)
            if name in lineage:
                if kinds[name] in MATTER:
                    numbered[name] = splice.elements(root)
                elif (notices := splice.notices(root, text)) is not None:
                    found[name] = notices
                last_key = _load_text(cache, lineage[name][1]) if name in found or name in numbered else None
                last = _load(cache, last_key, blobs) if last_key else None
                if last is None:
                    resume = None
                elif name in numbered:
                    resume = splice.plan_elements(last, *numbered[name])
                else:
                    resume = splice.plan(last, *found[name])
                if last_key and last is not None and resume is not None:
                    job = job_for(name, root, resume)
                    resumed[name] = (last_key, last)
            pending[name] = runner.lay(LAYOUTS.get(kinds[name], layout), job)

    def collect(keys: list[str]) -> list[Laid]:
        for name in keys:
            if name in pending:
                laid, m, o = pending.pop(name).result()
                if name in resumed:
                    joined = _joined(cache, name, laid, *resumed[name], blobs, held)
                    if joined is None:  # laid out whole after all
                        laid, m, o = runner.submit(LAYOUTS.get(kinds[name], layout), job_for(name, lineage[name][0]))()
                    else:
                        log.debug("chunked layout: %s laid out again from its page %d to %s, the rest kept%s",
                                  WHAT.get(kinds[name], "a chunk"), laid.start + 1,
                                  "its end" if laid.resync is None else f"page {laid.resync}",
                                  f" ({laid.emptied} elements before it emptied)" if laid.emptied else "")
                        laid = joined
                missing.update(dict.fromkeys(m))
                other.update(dict.fromkeys(o))
                if name in found:
                    laid.notices, laid.frame = found[name]
                if name in numbered:
                    laid.elements = numbered[name][0]
                if not laid.stuck:
                    _save(cache, name, laid)
                    if name in found or name in numbered:
                        _store_text(cache, lineage[name][1], name)
                done[name] = laid
                fresh.add(name)
            elif name in lineage and _load_text(cache, lineage[name][1]) != name:
                _store_text(cache, lineage[name][1], name)  # the layout the next change starts from
        return _drawable([done[name] for name in keys])

    def told(keys: list[str]) -> list[Laid]:
        """What the documents' pages hold, as soon as their workers know, the
        layouts still drawing their pages; a document laid out from a page,
        joined with its last layout's pages as it will be (splice.join)."""
        return _drawable([done[name] if name not in pending else splice.join(*resumed[name], "", pending[name].pages())
                          if name in resumed else pending[name].pages() for name in keys])

    def keyed(kind: str, root: Any) -> tuple[str, Any, str]:
        """A document with its cache key, from its HTML."""
        text = tree.serialize(root)
        key = plan.document_key(kind, text, page_css + base_url, styles_key)
        kinds[key] = kind
        return key, root, text

    try:
        runner.warm()
        full_root = keepall.apply(tree.parse(full_html))  # Korean words unbroken, as a single pass
        dates = tree.take_dates(full_root)  # set at assembly: the documents do not change with the clock
        roots = [Path(s) for s in styles]
        sheet = css.document_css(full_root, base_url, roots, page_css)
        problems = css.unsupported(sheet)
        if problems:
            raise Unsupported("; ".join(problems))
        keyword = css.head_keyword(sheet)
        styles_key = tree_digest(roots)
        setting = page_css + base_url + styles_key
        ids = [s.notice.id for s in brief.stories]
        ranges = plan.plan(ids, size)
        number = plan.stand_in(brief)

        # 1. Every content document, side by side, each sent to the workers
        # as soon as its HTML is made: the front and back matter first, as
        # they list every story and so take longer than a chunk of them; but
        # after the one chunk of a brief under THRESHOLD stories, which holds
        # them all (a 30-story brief's took 1.5 s, its front and back matter 0.9-1.1 s).
        matter = [keyed("pdf-front", tree.front_document(full_root, number))]
        back = tree.back_document(full_root, number)
        if back is not None:
            matter.append(keyed("pdf-back", back))
        if cache is not None:
            lineage.update((key, (root, splice.matter_lineage_key(kinds[key], setting))) for key, root, _ in matter)
        matter_first = len(ranges) > 1
        if matter_first:
            submit(matter)
        parts = tree.Parts(full_root)
        footnotes = 0
        bodies = []
        for k, (a, b) in enumerate(ranges):
            chunk_ids = ids[a:b]
            root = tree.chunk_document(parts, chunk_ids, chunk_ids[0] if k else None, footnotes, number)
            bodies.append(keyed(splice.KIND, root))
            footnotes += tree.footnotes(root)
            if cache is not None:
                lineage[bodies[-1][0]] = (root, splice.lineage_key(chunk_ids[0], setting))
        submit(bodies)
        if not matter_first:
            submit(matter)
        yield  # the workers have every content document: the caller's turn
        step("prepared")
        preload()  # a tenth of a second the assembly would add at the end
        for last_key, last in resumed.values():  # what joining them reads, read while they are laid out
            _hold(last_key, last, blobs, held)
        # 2. Where everything is in the book, from what the pages hold: the
        # furniture is laid out while the workers draw them (a third of a
        # chunk's time; the 30-story brief's chunk 0.5 s).
        keys = [k for k, _, _ in matter[:1]] + [k for k, _, _ in bodies] + [k for k, _, _ in matter[1:]]
        pieces = told(keys)
        step(f"front, back and {len(ranges)} chunks laid out")

        # 3. The furniture of every page.
        def furniture_of(pieces: list[Laid]) -> list[tuple[str, Any, str]]:
            total, anchors = plan.place([(piece.pages, piece.anchors) for piece in pieces])
            names = [name for piece in pieces for name in piece.names]
            refs = [page for piece in pieces for page in piece.refs]
            tops = [page for piece in pieces for page in piece.tops]
            front_pages, back_pages = pieces[0].pages, sum(piece.pages for piece in pieces[1 + len(bodies):])
            return [keyed("pdf-furniture", furniture_document(
                        parts, a + 1, plan.furniture_pages(ids, anchors, names, refs, tops, a, b, keyword), total,
                        len(str(number))))
                    for a, b in plan.furniture_groups(front_pages, total - front_pages - back_pages, back_pages,
                                                      len(ranges))]

        placed = _placed(pieces)
        furniture = furniture_of(pieces)
        submit(furniture)
        pieces = collect(keys)
        if _placed(pieces) != placed:  # a document laid out from a page was laid out whole after all
            furniture = furniture_of(pieces)
            submit(furniture)
        body_keys = [k for k, _, _ in bodies]
        laid_out = sum(1 for k in set(body_keys) if k in fresh)
        step(f"front, back and {len(ranges)} chunks drawn ({len(fresh)} documents laid out)")
        under = collect([k for k, _, _ in furniture])
        step(f"furniture ({sum(1 for k, _, _ in furniture if k in fresh)} of {len(furniture)} documents laid out)")

        # 4. Assemble, without the workers: at 2,000 notices the assembly
        # holds about 300 MB more than the layout did, and the workers as
        # much again, idle. Each face's program is made in a thread
        # (HarfBuzz works without Python's lock).
        runner.close()
        pdf = assemble([part for p in pieces for part in _parts(p, blobs)], [f.pdf for f in under],
                       _merging(cache, _threaded), dates)
        step("assembled")
    except (InternalsChanged, StandInLeft) as exc:
        raise Unsupported(str(exc)) from exc
    finally:
        runner.close()
    return Result(pdf, list(missing), list(other), len(ranges), laid_out)


# ---- cache helpers (a missing cache only costs time) ----------------------------

def _merging(cache: Any, mapper: Callable[..., Any]) -> Callable[..., list[Made | None]]:
    """`mapper` for the faces' programs (fonts.Program), through the cache: a
    build that changes a few chunks makes again only the faces whose glyphs
    changed. A face that could not be made is cached as no bytes."""
    def merge(fn: Callable[..., Made | None], jobs: list[Any]) -> list[Made | None]:
        keys = [digest("pdf-font-made", job.key()) for job in jobs]
        blobs = [cache.load_blob("pdf", key) if cache is not None else None for key in keys]
        found: list[Made | None] = [Made.unpack(blob) if blob else None for blob in blobs]
        # Not cached, or cached in another form (b"": a face that could not be made, kept so)
        todo = [i for i, blob in enumerate(blobs) if blob is None or (blob and found[i] is None)]
        for i, made in zip(todo, mapper(fn, [jobs[i] for i in todo])):
            found[i] = made
            if cache is not None:
                cache.store_blob("pdf", keys[i], made.pack() if made is not None else b"")
        return found

    return merge


def _threaded(fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=max(1, min(len(items), os.cpu_count() or 1))) as pool:
        return list(pool.map(fn, items))


def _load(cache: Any, key: str, blobs: dict[str, bytes]) -> Laid | None:
    """A laid-out document from the cache; a chunk joined from several
    layouts with the PDFs of its parts (into `blobs`)."""
    if cache is None:
        return None
    meta = cache.load_blob("pdf", key + ".json")
    if meta is None:
        return None
    try:
        laid = Laid.from_meta(b"", meta)
    except (ValueError, KeyError, TypeError):
        return None
    for part_key in [key] if not laid.parts else sorted({str(p[0]) for p in laid.parts}):
        if part_key not in blobs:
            data = cache.load_blob("pdf", part_key)
            if data is None:
                return None
            blobs[part_key] = data
    if not laid.parts:
        laid.pdf = blobs.pop(key)
    return laid


def _save(cache: Any, key: str, laid: Laid) -> None:
    if cache is not None:
        if not laid.parts:
            cache.store_blob("pdf", key, laid.pdf)
        cache.store_blob("pdf", key + ".json", laid.meta())


def _load_text(cache: Any, key: str) -> str | None:
    data = cache.load_blob("pdf", key) if cache is not None else None
    return data.decode("ascii", "replace") if data else None


def _store_text(cache: Any, key: str, text: str) -> None:
    if cache is not None:
        cache.store_blob("pdf", key, text.encode("ascii"))


def _drawable(laid_docs: list[Laid]) -> list[Laid]:
    """The documents, if the furniture can draw every page reference they hold; else Unsupported."""
    stuck = sorted({s for laid in laid_docs for s in laid.stuck})
    if stuck:
        raise Unsupported(f"page references it cannot draw again ({', '.join(stuck)})")
    return laid_docs


def _placed(pieces: list[Laid]) -> list[tuple[Any, ...]]:
    """What the furniture is made from, of each document."""
    return [(p.pages, p.names, p.anchors, p.refs, p.tops) for p in pieces]


def _parts(laid: Laid, blobs: dict[str, bytes]) -> list[bytes | Part]:
    """What the assembly draws of a document: its PDF, or its parts' pages."""
    if not laid.parts:
        return [laid.pdf]
    return [Part(blobs[str(key)], int(a), int(b)) for key, a, b in laid.parts]


def _joined(cache: Any, key: str, new: Laid, last_key: str, last: Laid, blobs: dict[str, bytes],
            held: dict[str, splice.Held]) -> Laid | None:
    """The document joined from its last layout and the pages laid out from
    where it changed, its new pages' PDF cached; None where the join would
    not give a cold layout's bytes (splice.joinable)."""
    if cache is None or new.stuck:
        return None
    old = splice.parts_of(last_key, last)
    stop = new.resync if new.resync is not None else last.pages
    kept = splice.cut(old, 0, new.start) + splice.cut(old, stop, last.pages)
    if any(part_key not in blobs and part_key != last_key for part_key, _, _ in kept):
        return None
    _hold(last_key, last, blobs, held)
    keys = sorted({k for k, _, _ in kept})
    if not splice.joinable([held[k] for k in keys], [_pages(k, kept) for k in keys], new.pdf):
        return None
    partial_key = digest("pdf-chunk-pages", key)
    cache.store_blob("pdf", partial_key, new.pdf)
    blobs[partial_key] = new.pdf
    return splice.join(last_key, last, partial_key, new)


def _hold(last_key: str, last: Laid, blobs: dict[str, bytes], held: dict[str, splice.Held]) -> None:
    """What each PDF of a last layout holds (splice.held), read once: the
    build reads it while the new pages are laid out (0.05 s for a chunk's
    30 pages, which the join would otherwise add after them)."""
    if not last.parts:  # the last layout is one document: its own PDF
        blobs[last_key] = last.pdf
    for k, _, _ in splice.parts_of(last_key, last):
        if k not in held and k in blobs:
            held[k] = splice.held(blobs[k])


def _pages(key: str, kept: list[tuple[str, int, int]]) -> list[int]:
    return sorted({i for k, a, b in kept if k == key for i in range(a, b)})
