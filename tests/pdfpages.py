"""A laid-out brief read back page by page, as a reader sees it.

Words with their boxes come from `pdftotext -bbox` (points, y from the top
of the page), where each part of the brief starts from the PDF's named
destinations, and what each part is from the brief's HTML output (the
notices' articles, and the front and back matter: the other elements with
an id directly in the body). From these: the running head of each page,
the part at the top of each page, and how far down each page is filled.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from ip5pub.render.chunked.tree import has_class, notices_container, parse

MM = 72 / 25.4
# The house style's page margins (styles/brief.css): the running heads are
# drawn in the top one, the footers in the bottom one.
TOP, BOTTOM = 24 * MM, 22 * MM
# Text of at least 8pt (pdftotext's word boxes are as tall as the face's
# ascent and descent: 10.9 pt for 8pt Noto Sans, 9.5 for 7pt): what fills
# a page, without footnotes, source lines and captions.
READING_HEIGHT = 10.5
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Part:
    id: str
    notice: bool  # a notice, else front or back matter
    title: str  # a notice's running head text ("" for matter)
    page: int  # index of the page where it starts
    top: float  # where on that page (points from the top)


@dataclass
class Book:
    pages: list[list[Word]]
    height: float
    parts: list[Part]  # in page order

    def body(self, page: int) -> list[Word]:
        """The page's words less its running heads and footers."""
        return [w for w in self.pages[page] if w.y1 > TOP and w.y0 < self.height - BOTTOM]

    def head(self, page: int, title: str) -> list[Word]:
        """The running head's words (the top margin, less the brief's title on the left)."""
        words = sorted((w for w in self.pages[page] if w.y1 <= TOP), key=lambda w: w.x0)
        left = title.split()
        if [w.text for w in words[:len(left)]] == left:
            words = words[len(left):]
        return words

    def at_top(self, page: int) -> Part | None:
        """The part at the top of the page: one starting there with no text
        above it, else the last one started before (None: before any)."""
        here = [p for p in self.parts if p.page == page]
        if here and not any(w.y1 <= here[0].top + 1 for w in self.body(page)):
            return here[0]
        before = [p for p in self.parts if p.page < page]
        return before[-1] if before else None

    def fullness(self, page: int) -> float:
        """How far down the page's text area its reading text goes (0 to 1)."""
        words = [w for w in self.body(page) if w.y1 - w.y0 >= READING_HEIGHT]
        area = self.height - TOP - BOTTOM
        return max(0.0, (max(w.y1 for w in words) - TOP) / area) if words else 0.0


def words(pdf: Path) -> list[list[Word]]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [[Word(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in _WORD.findall(page)]
            for page in re.findall(r"<page [^>]*>(.*?)</page>", out, re.S)]


def parts_of(brief_html: Path) -> list[tuple[str, bool, str]]:
    """(id, is a notice, running head text) of each part, in reading order."""
    root = parse(brief_html.read_text(encoding="utf-8"))
    container = notices_container(root)
    found = []
    for child in root.find("body").iter():
        if child is container:
            for article in container:
                head = next((e for e in article.iter() if has_class(e, "notice-head")), article)
                found.append((article.get("id"), True, " ".join("".join(head.itertext()).split())))
        elif child.get("id") and child in list(root.find("body")):
            found.append((child.get("id"), False, ""))
    return found


def read(pdf: Path, brief_html: Path) -> Book:
    reader = PdfReader(pdf)
    height = float(reader.pages[0].mediabox.height)
    where = {str(name): (reader.get_destination_page_number(dest), height - float(dest["/Top"]))
             for name, dest in reader.named_destinations.items()}
    parts = [Part(i, notice, title, *where[i]) for i, notice, title in parts_of(brief_html) if i in where]
    return Book(words(pdf), height, sorted(parts, key=lambda p: (p.page, p.top)))


def _squash(text: str) -> str:
    return "".join(text.split())


def head_problems(book: Book, brief_title: str) -> list[str]:
    """Pages whose running head is not the notice at their top, in one line
    (a long one cut with an ellipsis), or that have one in the front or
    back matter."""
    problems = []
    for page in range(len(book.pages)):
        part, head = book.at_top(page), book.head(page, brief_title)
        text = " ".join(w.text for w in head)
        if part is None or not part.notice:
            if head:
                problems.append(f"page {page + 1}: head {text!r} outside the notices")
            continue
        if len({round(w.y1) for w in head}) != 1:
            problems.append(f"page {page + 1}: head {text!r} is not one line")
        shown, title = _squash(text), _squash(part.title)
        cut = shown.endswith("…") and len(shown) > 12 and title.startswith(shown[:-1])
        if shown != title and not cut:
            problems.append(f"page {page + 1}: head {text!r}, the notice at its top is {part.title!r}")
    return problems


def thin_pages(book: Book, least: float = 1 / 3) -> list[str]:
    """Pages less than `least` full that are neither a story's natural end
    nor a whole part on a page of its own (a small glossary): the end of a
    part whose next page starts another part, or the last page."""
    problems = []
    for page in range(len(book.pages)):
        part, full = book.at_top(page), book.fullness(page)
        if part is None or full >= least:
            continue
        ends = page == len(book.pages) - 1 or (
            (after := book.at_top(page + 1)) is not None and after.page == page + 1 and after is not part)
        if ends and (part.notice or part.page == page):
            continue
        problems.append(f"page {page + 1} is {full:.0%} full ({'notice' if part.notice else part.id} at its top)")
    return problems
