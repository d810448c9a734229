"""Planning the chunked layout: pure functions of ids, counts and page numbers.

Where the stories are cut into chunks, the page breaks that cut gives any
layout of the brief (single pass included), the stand-in number page
references are laid out with, where everything lands in the book, which
notice heads each page, and the cache key of a laid-out document.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from ip5pub.model import Brief
from ip5pub.render.contract import CLASSES
from ip5pub.render.weasy import css_string

CHUNK_SIZE = 24  # stories per chunk, on average
THRESHOLD = 40  # fewer stories than this: one chunk (and no page break between stories)
# From this many stories `--pdf-layout auto` lays a brief out chunked, as one
# chunk under THRESHOLD: the stories beside the front and back matter, the
# furniture in two documents. With two workers a 30-story brief was ready in
# 3.31 s (median of eight) against 3.64 s in one pass, a 20-story one in 2.94 s
# either way; with one, 4.41 s against 4.33 s. Not chosen by --jobs, which
# must not change the bytes.
SIDE_BY_SIDE = 25
# Furniture pages per layout, fixed so that --jobs does not change the bytes.
# A document costs about 0.04 s to start and 9 ms a page. A change that
# leaves the page count alone (a new headline) lays out the document around
# it again, after the last content document it waits for: at 500 notices
# a title edit took 2.73-2.89 s (median 2.80 s) with 20-page documents
# against 2.87-3.68 s (3.06 s) with 40-page ones, five alternated rounds;
# its cold build lays out about 15 more documents (0.6 s of CPU at 0.04 s a
# start; six alternated rounds: median 24.65 s against 24.05 s, within their noise).
# A book of 10 to 40 pages still gets two, so that two workers share them.
FURNITURE_PAGES = 20
# The front and back matter's furniture goes in documents of its own, of at
# most this many pages: their pages carry the book's page references (the
# contents, the index), each an absolutely placed box (an index page holds
# about 34), and a new headline moves a page or two of them, whose
# documents are laid out again. At 500 notices a title edit laid out
# 40-page documents for the front and the back matter (0.63 s and 0.59 s)
# to redraw three pages; 8-page ones took 0.19 s and 0.30 s. With 4, six
# alternated title edits: median 2.94 s against 3.18 s; the cold build
# lays out six more documents (as long, within its noise).
MATTER_FURNITURE_PAGES = 4
GOTO = "ip5pub-goto:"  # internal links are laid out as this + the target id
REF = "ip5pub-ref"  # the counter a page reference is laid out with
STAND_IN = "ip5pub-stand-in"  # the counter style that draws its stand-in number


def plan(ids: Sequence[str], size: int = CHUNK_SIZE) -> list[tuple[int, int]]:
    """[start, end) index ranges of the chunks, cut where an id's hash says so.

    Content-defined: a boundary depends on the notice at it, not on its
    position, so a change far away does not move it. Chunks hold between
    size/2 and 2*size stories (the last one may be smaller). A brief of
    fewer than THRESHOLD stories is one chunk.
    """
    if not ids:
        return []
    if len(ids) < THRESHOLD:
        return [(0, len(ids))]
    low, high = max(1, size // 2), max(1, size * 2)
    spread = max(1, size - low)
    bounds, start = [], 0
    for i, notice_id in enumerate(ids):
        n = i - start
        if n >= high or (n >= low and int(hashlib.sha256(notice_id.encode()).hexdigest()[:8], 16) % spread == 0):
            bounds.append((start, i))
            start = i
    bounds.append((start, len(ids)))
    return bounds


def start_css(ids: Sequence[str]) -> str:
    """These notices start a page, without the rule between notices."""
    if not ids:
        return ""
    sel = ", ".join(f"article.{CLASSES.notice}[id={css_string(i)}]" for i in ids)
    return f"{sel} {{ break-before: page; margin-top: 0; padding-top: 0; border-top: none; }}\n"


def page_breaks_css(brief: Brief, size: int = CHUNK_SIZE) -> str:
    """The page breaks of the chunked layout, for any layout of this brief:
    each chunk starts a page, in a single pass too, so both paginate alike."""
    ids = [s.notice.id for s in brief.stories]
    return start_css([ids[a] for a, _ in plan(ids, size)[1:]])


def stand_in(brief: Brief) -> int:
    """The number page references are laid out with before the real ones are
    known: as many digits as the book's page count will likely have (about
    450 words a page, plus contents and index), so the real number takes the
    same room. From words and stories only, so that a restyle or a one-word
    correction does not change it."""
    words = sum(s.notice.words for s in brief.stories)
    estimate = words // 450 + len(brief.stories) // 15 + 8
    return int("8" * len(str(estimate)))


def place(pieces: Sequence[tuple[int, dict[str, int]]]) -> tuple[int, dict[str, int]]:
    """Pieces laid one after another, each (pages, anchor -> page index in
    the piece): (the book's page count, anchor -> page index in the book),
    the first piece with an anchor winning, as in one document."""
    total, anchors = 0, dict[str, int]()
    for pages, where in pieces:
        for name, page in where.items():
            anchors.setdefault(name, total + page)
        total += pages
    return total, anchors


def page_heads(ids: Sequence[str], anchors: dict[str, int], tops: Sequence[Sequence[str]], start: int, end: int,
               keyword: str = "start") -> list[str | None]:
    """For pages [start, end): the notice whose head each page carries, as
    `element(notice-head, keyword)` picks it in a single pass. "start": the
    notice at the top of the page, that is one starting there (its anchor
    on the page, its box down the page's first-child chain: `tops`), else
    the last one started before. "first": the first notice starting on the
    page, else the last one started before. None: the previous page's head
    goes on (the furniture shows the first head on its page); the first
    page always names one, if any notice started by then."""
    notices = set(ids)
    started = sorted((page, k) for k, i in enumerate(ids) if (page := anchors.get(i)) is not None)
    pages = [page for page, _ in started]
    heads: list[str | None] = []
    shown = None
    for page in range(start, end):
        first, after = bisect.bisect_left(pages, page), bisect.bisect_right(pages, page)
        before = ids[started[first - 1][1]] if first else None  # the last notice started before
        if keyword == "first":
            head = ids[started[first][1]] if first < after else before
        else:
            top = [i for i in tops[page] if i in notices and anchors.get(i) == page]
            head = top[0] if top else before
        heads.append(None if head == shown and page > start else head)
        shown = head
    return heads


def even(n: int, most: int) -> list[tuple[int, int]]:
    """[start, end) ranges cutting n into as few near-equal parts of at most
    `most` as can be, and into two when n is from `most`/2 to `most`."""
    parts = max(1 if 2 * n < most else 2, -(-n // most))
    bounds = [n * k // parts for k in range(parts + 1)]
    return [(bounds[k], bounds[k + 1]) for k in range(parts)]


def furniture_groups(front: int, stories: int, back: int, chunks: int) -> list[tuple[int, int]]:
    """[start, end) page ranges of the furniture documents of a book of
    `front` + `stories` + `back` pages. A book of one chunk is cut evenly;
    with more, the front matter, the stories and the back matter are cut
    each on its own, the matter into documents of at most
    MATTER_FURNITURE_PAGES pages. From page counts only, so that --jobs
    does not change the bytes."""
    if chunks <= 1:
        return even(front + stories + back, FURNITURE_PAGES)
    groups: list[tuple[int, int]] = []
    start = 0
    for pages, most in ((front, MATTER_FURNITURE_PAGES), (stories, FURNITURE_PAGES), (back, MATTER_FURNITURE_PAGES)):
        groups.extend((start + a, start + b) for a, b in even(pages, most) if b > a)
        start += pages
    return groups


@dataclass(frozen=True)
class FurniturePage:
    name: str  # the content page's page name ("" for none)
    head: str | None  # the notice whose running head it carries (None: the previous page's)
    refs: tuple[tuple[dict, int], ...] = ()  # page references and the page numbers they show


def furniture_pages(ids: Sequence[str], anchors: dict[str, int], names: Sequence[str],
                    refs: Sequence[Sequence[dict]], tops: Sequence[Sequence[str]], start: int, end: int,
                    keyword: str = "start") -> list[FurniturePage]:
    """The furniture of the book's pages [start, end), given every page's
    name, references and ids at its top (in book order), where every anchor
    is and how the style picks the running head: the head each page
    carries, each reference with its page number (a reference to an anchor
    the book does not have is dropped, as a single pass draws none)."""
    heads = page_heads(ids, anchors, tops, start, end, keyword)
    return [FurniturePage(names[i], head, tuple((ref, anchors[ref["target"]] + 1)
                                                for ref in refs[i] if ref["target"] in anchors))
            for i, head in zip(range(start, end), heads)]


def document_key(kind: str, html: str, page_css: str, styles: str) -> str:
    """A laid-out document's cache key: its kind, HTML, the page size CSS and
    the digest of every style file (fonts, images, CSS) it may load."""
    from ip5pub.cache import digest

    return digest(kind, html, page_css, styles)
