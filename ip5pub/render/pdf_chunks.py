"""Chunked PDF layout: large briefs laid out in parts, in parallel, cached per part.

WeasyPrint lays a brief out in one pass on one core, and the brief's page
furniture (`counter(pages)`, `target-counter()` in the contents, the index
and the glossary) makes it repaginate the whole document several times. A
large brief is therefore laid out in pieces:

1. The stories are split into chunks at content-defined boundaries (a hash
   of the notice id), so inserting or removing a notice moves only the
   boundaries next to it. Each chunk starts on a new page (like a chapter);
   that is the one visible difference from a single-pass layout without
   chunks, and `single_pass_css` gives a single pass the same breaks.
2. Each chunk's notices are laid out in a worker process without page
   furniture, into PDF bytes cached under build/.cache by the chunk's HTML,
   the styles and the code.
3. The front matter (cover, contents, at a glance) and the back matter
   (glossary, office index) are two more documents, laid out with literal
   page numbers: every `target-counter(attr(href), page)` in the
   stylesheets becomes `counter(ip5pub-target)`, set on each link, and
   `counter(pages)` the total. Their own length moves every number, so a
   cold build first lays them out with stand-in numbers beside the chunks
   (the last build's figures are cached), then once with the real ones.
4. Each notice page's furniture (brief title, notice head, edition, "Page
   X of Y") is laid out as blank pages with the house stylesheet, in a few
   documents of up to 150 pages, and drawn under the notice pages as form
   XObjects (no content stream is parsed or rewritten). The notice head is
   a running element that WeasyPrint would lay its page out twice for:
   cheap on a blank page, a third of the time on a full one. Which notice
   heads a page comes from where the chunks put each notice's anchor.
5. pypdf assembles front, chunks and back; links inside the brief (laid out
   as `ip5pub-goto:ID` so WeasyPrint keeps their rectangles) become GoTo
   destinations, the outline is rebuilt, metadata and /Lang come from the
   front matter and /ID is a hash of the content.

PDF/A-3b and PDF/UA-1 use the single pass: their tag tree, XMP and
attachments belong to one WeasyPrint document and pypdf cannot merge them.
"""

from __future__ import annotations

import copy
import hashlib
import io
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ip5pub.model import Brief

CHUNK_SIZE = 24  # stories per chunk, on average
THRESHOLD = 40  # fewer stories than this: one pass is simpler and as fast
# Furniture pages per layout: a few documents rather than one per chunk (each
# costs ~0.15 s to start), fixed so that --jobs does not change the bytes.
FURNITURE_PAGES = 150
GOTO = "ip5pub-goto:"
_TARGET_COUNTER = re.compile(r"target-counter\(\s*attr\(\s*href(?:\s+url)?\s*\)\s*,\s*page\s*\)")
_COUNTER_PAGES = re.compile(r"counter\(\s*pages\s*\)")


# ---- planning ----------------------------------------------------------------

def plan(ids: list[str], size: int = CHUNK_SIZE) -> list[tuple[int, int]]:
    """[start, end) index ranges of the chunks, cut where an id's hash says so.

    Content-defined: a boundary depends on the notice at it, not on its
    position, so a change far away does not move it. Chunks hold between
    size/2 and 2*size stories (the last one may be smaller).
    """
    if not ids:
        return []
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


def start_css(ids: list[str]) -> str:
    """A chunk's first notice starts a page, without the rule between notices."""
    if not ids:
        return ""
    sel = ", ".join(f'article.notice[id="{i}"]' for i in ids)
    return f"{sel} {{ break-before: page; margin-top: 0; padding-top: 0; border-top: none; }}\n"


def single_pass_css(brief: Brief, size: int = CHUNK_SIZE) -> str:
    """Extra CSS that gives a single-pass layout the chunked layout's page breaks."""
    ids = [s.notice.id for s in brief.stories]
    return start_css([ids[a] for a, _ in plan(ids, size)[1:]])


# ---- HTML surgery --------------------------------------------------------------

def _parse(html_text: str):
    """The HTML parsed as WeasyPrint parses it (tinyhtml5), into ElementTree."""
    import tinyhtml5

    return tinyhtml5.parse(html_text, namespace_html_elements=False)


def _serialize(root) -> str:
    import xml.etree.ElementTree as ET

    return "<!DOCTYPE html>\n" + ET.tostring(root, method="html", encoding="unicode")


def _element(tag: str, **attrs: str):
    import xml.etree.ElementTree as ET

    return ET.Element(tag, {k.rstrip("_"): v for k, v in attrs.items()})


def _has_class(el, name: str) -> bool:
    return name in (el.get("class") or "").split()


def _parents(root) -> dict:
    return {child: parent for parent in root.iter() for child in parent}


def _notices_container(root):
    """The element holding the notice articles (the `notices` block)."""
    parents = _parents(root)
    for el in root.iter("article"):
        if _has_class(el, "notice"):
            return parents[el]
    for el in root.iter():
        if _has_class(el, "notices"):
            return el
    raise ValueError("brief.html has no element with class 'notices'")


def _internal_links_to_goto(root) -> None:
    for a in root.iter("a"):
        href = a.get("href") or ""
        if href.startswith("#") and len(href) > 1:
            a.set("href", GOTO + href[1:])


def _add_style(root, css: str) -> None:
    style = _element("style")
    style.text = css
    root.find("head").append(style)


def _edit_styles(root, edit) -> None:
    for style in root.iter("style"):
        if style.text:
            style.text = edit(style.text)


class Parts:
    """The brief's parsed HTML, cut once into what chunk and furniture pages need.

    Copying the whole tree per chunk would cost seconds at 500 notices; the
    skeletons hold the head and the path to the notices only.
    """

    def __init__(self, full_root):
        self.root = full_root
        container = _notices_container(full_root)
        self.articles = {a.get("id"): a for a in container}
        self.ordered = list(container)
        # Chunk skeleton: head, and the body cut down to the notices' container, emptied.
        body = full_root.find("body")
        parents = _parents(full_root)
        path = [container]
        while path[-1] is not body:
            path.append(parents[path[-1]])
        saved = {el: list(el) for el in path[1:]}
        kept = list(container)
        for el in path[1:]:  # detach the siblings of the path while copying
            for child in list(el):
                if child not in path:
                    el.remove(child)
        for child in kept:
            container.remove(child)
        self.steps = [list(path[i + 1]).index(path[i]) for i in range(len(path) - 1)][::-1]
        self.chunk_skeleton = copy.deepcopy(full_root)
        for el, children in saved.items():  # put the tree back as it was
            for child in list(el):
                el.remove(child)
            el.extend(children)
        container.extend(kept)
        # Furniture skeleton: the head only; the cover's title and edition for string-set.
        self._strings = [copy.deepcopy(el) for el in body.iter()
                         if _has_class(el, "cover-title") or _has_class(el, "cover-edition")]
        for el in self._strings:
            el.tail = None
        saved_body = list(body)
        for child in saved_body:
            body.remove(child)
        self.furniture_skeleton = copy.deepcopy(full_root)
        body.extend(saved_body)

    def strings(self):
        """An invisible block with the cover's title and edition (they set the running strings)."""
        holder = _element("div", class_="ip5pub-strings")
        holder.extend(copy.deepcopy(el) for el in self._strings)
        return holder

    def head(self, notice_id: str):
        """A copy of a notice's running head (None if the template has none), with
        the notice's language (it was inherited in the article)."""
        article = self.articles[notice_id]
        head = next((el for el in article.iter() if _has_class(el, "notice-head")), None)
        if head is None:
            return None
        head = copy.deepcopy(head)
        head.tail = None
        for name in ("lang", "dir"):
            if article.get(name) and not head.get(name):
                head.set(name, article.get(name))
        return head

    def chunk_container(self, root):
        el = root.find("body")
        for i in self.steps:
            el = el[i]
        return el


def chunk_html(parts: Parts, ids: list[str], first_id: str | None, footnotes_before: int) -> str:
    """The brief's HTML with only these notices in its body, and no page furniture."""
    root = copy.deepcopy(parts.chunk_skeleton)
    container = parts.chunk_container(root)
    for notice_id in ids:
        container.append(copy.deepcopy(parts.articles[notice_id]))
    _internal_links_to_goto(root)
    # The notice head goes on the furniture pages: a running element on a
    # page makes WeasyPrint lay that page out twice.
    css = ("@page { @top-left { content: none } @top-right { content: none }"
           " @bottom-left { content: none } @bottom-right { content: none } }\n"
           ".notice-head { display: none !important; }\n"
           f".notices {{ break-before: auto !important; counter-reset: footnote {footnotes_before}; }}\n")
    css += start_css([first_id] if first_id else [])
    _add_style(root, css)
    return _serialize(root)


def _cut(full_root, keep: str):
    """A copy of the brief with its notices and what comes after them ("before")
    or before them ("after") removed."""
    root = copy.deepcopy(full_root)
    container = _notices_container(root)
    parents = _parents(root)
    body = root.find("body")
    el, first = container, True
    while el is not body:
        parent = parents[el]
        kids = list(parent)
        i = kids.index(el)
        if keep == "before":
            drop = kids[i:] if first else kids[i + 1:]
        else:
            drop = kids[:i + 1] if first else kids[:i]
        for child in drop:
            parent.remove(child)
        el, first = parent, False
    return root


def _literal_numbers(root, targets: dict[str, int], total: int) -> None:
    """Every page reference and the page total as literal numbers, and links as GoTo stand-ins."""
    for a in root.iter("a"):
        href = a.get("href") or ""
        if href.startswith("#") and href[1:] in targets:
            style = a.get("style")
            a.set("style", (style + "; " if style else "") + f"counter-reset: ip5pub-target {targets[href[1:]]}")
    _internal_links_to_goto(root)
    _edit_styles(root, lambda css: _COUNTER_PAGES.sub(f'"{total}"', _TARGET_COUNTER.sub("counter(ip5pub-target)", css)))


def front_html(full_root, targets: dict[str, int], total: int) -> str:
    """Cover, contents and at a glance, with literal page numbers."""
    root = _cut(full_root, "before")
    _literal_numbers(root, targets, total)
    return _serialize(root)


def back_html(parts: Parts, targets: dict[str, int], first_page: int, total: int) -> str | None:
    """Glossary and office index from page `first_page`, with literal page numbers (None: no back matter).

    The cover's title and edition go first, invisible, inside the first
    section (a block of its own would be on another named page: a blank
    page), so the running strings read what they read in a single pass.
    """
    root = _cut(parts.root, "after")
    body = root.find("body")
    first = next((el for el in body if el.tag not in ("script", "style")), None)
    if first is None:
        return None
    first.insert(0, parts.strings())
    _literal_numbers(root, targets, total)
    _add_style(root, _STRINGS_CSS + f"@page :first {{ counter-reset: page {first_page}; }}\n")
    return _serialize(root)


_STRINGS_CSS = (".ip5pub-strings { visibility: hidden; height: 0; overflow: hidden; margin: 0; padding: 0; }\n"
                ".ip5pub-strings * { bookmark-level: none !important; }\n")


def furniture_html(parts: Parts, first_page: int, heads: list[str | None], total: int) -> str:
    """Blank pages carrying a chunk page's furniture: brief title, notice head, edition, page X of Y.

    `heads` has one entry per page: the id of the notice whose head the page
    carries as a running element (the first notice starting on it), or None
    to keep the previous page's. The brief's own cover title and edition
    elements go first, invisible, so `string(brief-title)` and
    `string(edition)` read what they read in a single pass.
    """
    root = copy.deepcopy(parts.furniture_skeleton)
    body = root.find("body")
    body.append(parts.strings())
    for notice_id in heads:
        page = _element("div", class_="ip5pub-page")
        head = parts.head(notice_id) if notice_id is not None else None
        if head is not None:
            page.append(head)
        body.append(page)
    _edit_styles(root, lambda css: _COUNTER_PAGES.sub(f'"{total}"', css))
    _add_style(root, _STRINGS_CSS +
               ".ip5pub-page + .ip5pub-page { break-before: page; }\n"
               f"@page :first {{ counter-reset: page {first_page}; }}\n")
    return _serialize(root)


def page_heads(ids: list[str], anchors: dict[str, int], start: int, end: int) -> list[str | None]:
    """For notice pages [start, end): the notice whose head each page carries,
    as `element(notice-head, first)` picks it in a single pass: the first
    notice starting on the page; on the first page, if none starts there, the
    last one started before. None: the previous page's head goes on."""
    heads: list[str | None] = [None] * (end - start)
    before = None
    for notice_id in ids:  # in page order
        page = anchors.get(notice_id)
        if page is None:
            continue
        if page < start:
            before = notice_id
        elif page < end and heads[page - start] is None:
            heads[page - start] = notice_id
    if heads and heads[0] is None:
        heads[0] = before
    return heads


# ---- work done in worker processes ---------------------------------------------

@dataclass(frozen=True)
class Job:
    html: str
    base_url: str
    page_css: str
    styles: tuple[str, ...]  # folders the fetcher may read


def _layout(job: Job) -> tuple[bytes, int, list[str], list[str]]:
    """HTML -> (PDF bytes, page count, characters without a glyph, other warnings)."""
    from weasyprint import CSS, HTML

    from ip5pub.render.pdf import _weasyprint_warnings
    from ip5pub.fetch import StylesOnlyFetcher

    buffer = io.BytesIO()
    with _weasyprint_warnings() as collect:
        fetcher = StylesOnlyFetcher(None)
        fetcher.roots = [Path(p) for p in job.styles]
        document = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher).render(
            stylesheets=[CSS(string=job.page_css, url_fetcher=fetcher)])
        document.write_pdf(buffer)
    return buffer.getvalue(), len(document.pages), list(collect.missing), list(collect.other)


def _nothing() -> None:
    pass


def _pool(jobs: int):
    """Worker processes started from a clean server (the build runs threads beside us)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", "ip5pub.render.pdf_chunks"])
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context)


class _Runner:
    """Runs calls in worker processes when there are several, else here."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool = None

    def warm(self) -> None:
        """Start the workers now (they import WeasyPrint, about a second),
        while this process prepares the chunks' HTML."""
        if self.jobs > 1:
            self.pool = self.pool or _pool(self.jobs)
            self.pool.submit(_nothing)

    def map(self, fn, *iterables) -> list:
        args = list(zip(*iterables))
        if self.jobs <= 1 or (len(args) <= 1 and self.pool is None):
            return [fn(*a) for a in args]
        if self.pool is None:
            self.pool = _pool(self.jobs)
        return list(self.pool.map(fn, *zip(*args)))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


# ---- the build ------------------------------------------------------------------

@dataclass
class Result:
    pdf: bytes
    missing: list[str]
    other: list[str]
    chunks: int
    laid_out: int  # chunks laid out (not from the cache)


def render(brief: Brief, full_html: str, base_url: str, page_css: str, styles: tuple[str, ...],
           cache=None, jobs: int = 1, size: int = CHUNK_SIZE) -> Result:
    import logging
    import time

    from ip5pub.cache import digest

    log = logging.getLogger("ip5pub.pdf")
    started = time.perf_counter()

    def step(name: str) -> None:
        log.debug("chunked layout: %s at %.2f s", name, time.perf_counter() - started)

    runner = _Runner(jobs)
    missing: dict[str, None] = {}
    other: dict[str, None] = {}

    fresh: set[str] = set()  # keys laid out by this build (not from the cache)

    def job(html_text: str) -> Job:
        return Job(html_text, base_url, page_css, styles)

    def lay_out(named: list[tuple[str, str]]) -> dict[str, tuple[bytes, int]]:
        """Lay documents out in the workers, through the cache: {key: (pdf, pages)}."""
        done = {}
        todo = []
        for name, html_text in named:
            hit = _load(cache, name)
            if hit is None:
                todo.append((name, html_text))
            else:
                done[name] = hit
        for (name, _), (pdf, pages, m, o) in zip(todo, runner.map(_layout, [job(h) for _, h in todo])):
            missing.update(dict.fromkeys(m))
            other.update(dict.fromkeys(o))
            _save(cache, name, pdf, pages)
            done[name] = (pdf, pages)
            fresh.add(name)
        return done

    def key(kind: str, html_text: str) -> str:
        return digest(kind, html_text, page_css, *styles)

    try:
        runner.warm()
        full_root = _parse(full_html)
        parts = Parts(full_root)
        ids = [s.notice.id for s in brief.stories]
        ranges = plan(ids, size)

        # 1. Chunk bodies, and (without last build's figures) the front and
        # back matter with stand-in numbers, only to learn their length: it
        # moves every page number. Keyed by the stand-in HTML, so a change in
        # a notice's body leaves it alone.
        footnotes = 0
        htmls = []
        for k, (a, b) in enumerate(ranges):
            chunk_ids = ids[a:b]
            htmls.append(chunk_html(parts, chunk_ids, chunk_ids[0] if k else None, footnotes))
            footnotes += htmls[-1].count('class="link-note"')
        body_keys = [key("pdf-chunk-body", h) for h in htmls]
        stand_ins = {s.notice.id: 100 for s in brief.stories}
        stand_in_front = front_html(full_root, stand_ins, 100)
        stand_in_back = back_html(parts, stand_ins, 100, 100)
        guess_key = digest("pdf-front-guess", stand_in_front, stand_in_back or "", page_css, *styles)
        guess = _guess(cache, guess_key)
        wanted = list(zip(body_keys, htmls))
        stand_in_keys = [(key("pdf-stand-in", h), h) for h in (stand_in_front, stand_in_back) if h is not None]
        if guess is None:  # first: the longest jobs, so that no worker is left alone with one at the end
            wanted = stand_in_keys + wanted
        done = lay_out(wanted)
        laid_out = sum(1 for k in set(body_keys) if k in fresh)
        bodies = [done[k] for k in body_keys]
        if guess is None:
            pdfs = [done[k][0] for k, _ in stand_in_keys] + [None]
            guess = {**_piece_info(pdfs[0], "front"), **_piece_info(pdfs[1], "back")}
        step(f"{len(ranges)} chunks")
        counts = [b[1] for b in bodies]
        notice_pages = sum(counts)
        offsets = [sum(counts[:k]) for k in range(len(counts))]

        # 2. Where each notice starts, from the chunks' named destinations.
        from pypdf import PdfReader

        anchors: dict[str, int] = {}  # name -> page index in the notices section
        readers = [PdfReader(io.BytesIO(pdf)) for pdf, _ in bodies]  # parsed once, assembled below
        for k, reader in enumerate(readers):
            for name, dest in reader.named_destinations.items():
                anchors.setdefault(str(name), offsets[k] + reader.get_destination_page_number(dest))

        # 3. Front and back matter with literal page numbers, and the
        # furniture under each chunk's pages, side by side in the workers.
        # If the front or back matter came out longer or shorter than the
        # guess, every number moves: do it again with what was seen.
        for _ in range(4):
            front_pages, back_pages = guess["front"], guess["back"]
            targets = {name: front_pages + page + 1 for name, page in anchors.items()}
            targets.update(guess["front_anchors"])
            back_start = front_pages + notice_pages + 1
            targets.update({name: back_start + index for name, index in guess["back_anchors"].items()})
            total = front_pages + notice_pages + back_pages
            front = front_html(full_root, targets, total)
            back = back_html(parts, targets, back_start, total)
            furniture = [furniture_html(parts, front_pages + a + 1, page_heads(ids, anchors, a, b), total)
                         for a, b in _even(notice_pages, FURNITURE_PAGES)]
            front_key = key("pdf-front", front)
            back_key = key("pdf-back", back) if back is not None else None
            furniture_keys = [key("pdf-furniture", f) for f in furniture]
            named = [(front_key, front), *([(back_key, back)] if back is not None else []),
                     *zip(furniture_keys, furniture)]
            done = lay_out(named)
            front_pdf = done[front_key][0]
            back_pdf = done[back_key][0] if back_key is not None else None
            seen = {**_piece_info(front_pdf, "front"), **_piece_info(back_pdf, "back")}
            if seen == guess:
                break
            guess = seen
        else:
            raise RuntimeError("front matter page numbers did not settle")
        _save_guess(cache, guess_key, guess)
        step("front and back matter, furniture")
    finally:
        runner.close()

    # 4. Assemble.
    under = [done[k][0] for k in furniture_keys]
    pdf = assemble(front_pdf, [b[0] for b in bodies], under, back_pdf, readers)
    step("assembled")
    return Result(pdf, list(missing), list(other), len(ranges), laid_out)


def _even(n: int, most: int) -> list[tuple[int, int]]:
    """[start, end) ranges cutting n into as few near-equal parts of at most `most` as can be."""
    parts = max(1, -(-n // most))
    bounds = [n * k // parts for k in range(parts + 1)]
    return [(bounds[k], bounds[k + 1]) for k in range(parts)]


def _piece_info(pdf: bytes | None, piece: str) -> dict:
    """A front or back piece's length and the page index of each of its anchors."""
    from pypdf import PdfReader

    if pdf is None:
        return {piece: 0, f"{piece}_anchors": {}}
    reader = PdfReader(io.BytesIO(pdf))
    base = 1 if piece == "front" else 0  # front: printed numbers; back: indexes from its first page
    found = {str(name): reader.get_destination_page_number(dest) + base
             for name, dest in reader.named_destinations.items()}
    return {piece: len(reader.pages), f"{piece}_anchors": found}


def assemble(front_pdf: bytes, chunks: list[bytes], furniture: list[bytes], back_pdf: bytes | None,
             chunk_readers: list | None = None) -> bytes:
    """One PDF: front, chunks with their furniture drawn under them, back
    (`chunk_readers`: the chunks already parsed by pypdf, if the caller has them)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (ArrayObject, ByteStringObject, DecodedStreamObject, DictionaryObject, Fit,
                               FloatObject, NameObject, NumberObject, TextStringObject)

    writer = PdfWriter()
    front = PdfReader(io.BytesIO(front_pdf))
    readers = chunk_readers or [PdfReader(io.BytesIO(c)) for c in chunks]
    back = PdfReader(io.BytesIO(back_pdf)) if back_pdf is not None else None
    pieces = [front, *readers, *([back] if back else [])]
    where: dict[tuple[int, int], int] = {}  # (id(reader), page index) -> final index
    for r in pieces:
        for i, page in enumerate(r.pages):
            where[(id(r), i)] = len(writer.pages)
            writer.add_page(page)

    # Each notice page's furniture as a form drawn first: no content stream is
    # parsed or rewritten (pypdf's merge_page would do both, and decompress).
    draw = DecodedStreamObject()
    draw.set_data(b"q /IP5Furniture Do Q\n")
    draw_ref = writer._add_object(draw)
    blanks = [blank for f in furniture for blank in PdfReader(io.BytesIO(f)).pages]
    notice_pages = [(r, i) for r in readers for i in range(len(r.pages))]
    if len(blanks) != len(notice_pages):
        raise RuntimeError(f"{len(blanks)} furniture pages for {len(notice_pages)} notice pages")
    for (r, i), blank in zip(notice_pages, blanks):
        form = DecodedStreamObject()
        form.set_data(blank.get_contents().get_data())
        form = form.flate_encode()
        form[NameObject("/Type")] = NameObject("/XObject")
        form[NameObject("/Subtype")] = NameObject("/Form")
        form[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in blank.mediabox)
        form[NameObject("/Resources")] = blank["/Resources"].clone(writer)
        page = writer.pages[where[(id(r), i)]]
        resources = DictionaryObject(page["/Resources"].get_object())
        xobjects = DictionaryObject(resources["/XObject"].get_object()) if "/XObject" in resources else DictionaryObject()
        xobjects[NameObject("/IP5Furniture")] = writer._add_object(form)
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = page.get("/Contents")
        if contents is None:
            contents = ArrayObject()
        elif isinstance(contents.get_object(), ArrayObject):
            contents = ArrayObject(contents.get_object())
        else:
            contents = ArrayObject([contents])
        page[NameObject("/Contents")] = ArrayObject([draw_ref, *contents])

    # Links laid out as ip5pub-goto:ID become GoTo a named destination.
    for page in writer.pages:
        for ref in page.get("/Annots", []) or []:
            annot = ref.get_object()
            action = annot.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if uri is not None and str(uri).startswith(GOTO):
                del annot[NameObject("/A")]
                annot[NameObject("/Dest")] = TextStringObject(str(uri)[len(GOTO):])

    # Named destinations: the first piece that has a name wins (as in one document).
    dests: dict[str, tuple[int, float, float]] = {}
    for r in pieces:
        for name, dest in r.named_destinations.items():
            dests.setdefault(str(name), (where[(id(r), r.get_destination_page_number(dest))],
                                         float(dest.left or 0), float(dest.top or 0)))
    names = ArrayObject()
    for name in sorted(dests):
        page, left, top = dests[name]
        names.append(TextStringObject(name))
        names.append(ArrayObject([writer.pages[page].indirect_reference, NameObject("/XYZ"),
                                  FloatObject(left), FloatObject(top), NumberObject(0)]))
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/Dests"): DictionaryObject({NameObject("/Names"): names})})

    # Outline: the pieces' outlines one after another, in page order.
    def copy_outline(r, items, parent) -> None:
        last = None
        for item in items:
            if isinstance(item, list):
                if last is not None:
                    copy_outline(r, item, last)
                continue
            index = r.get_destination_page_number(item)
            last = writer.add_outline_item(title=str(item.title), page_number=where[(id(r), index)], parent=parent,
                                           fit=Fit.xyz(float(item.left or 0), float(item.top or 0), 0))

    for r in pieces:
        copy_outline(r, r.outline, None)

    # Metadata and language as WeasyPrint wrote them for the front matter.
    info = front.trailer["/Info"].get_object()
    writer.add_metadata({NameObject(k): v for k, v in info.items()})
    lang = front.trailer["/Root"].get_object().get("/Lang")
    if lang is not None:
        writer._root_object[NameObject("/Lang")] = TextStringObject(str(lang))
    h = hashlib.sha256()
    for piece in (front_pdf, *chunks, *furniture, back_pdf or b""):
        h.update(hashlib.sha256(piece).digest())
    ident = ByteStringObject(h.digest()[:16])
    writer._ID = ArrayObject([ident, ident])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---- cache helpers (a missing cache only costs time) ----------------------------

def _load(cache, key: str) -> tuple[bytes, int] | None:
    if cache is None:
        return None
    meta = cache.load_blob("pdf", key + ".pages")
    data = cache.load_blob("pdf", key)
    if meta is None or data is None:
        return None
    try:
        return data, int(meta)
    except ValueError:
        return None


def _save(cache, key: str, data: bytes, pages: int) -> None:
    if cache is not None:
        cache.store_blob("pdf", key, data)
        cache.store_blob("pdf", key + ".pages", str(pages).encode())


def _guess(cache, key: str) -> dict | None:
    """The front matter's length, back length and anchors from the last build."""
    import json

    raw = cache.load_blob("pdf", key) if cache is not None else None
    if raw:
        try:
            data = json.loads(raw)
            return {"front": int(data["front"]), "back": int(data["back"]),
                    "front_anchors": {str(k): int(v) for k, v in data["front_anchors"].items()},
                    "back_anchors": {str(k): int(v) for k, v in data["back_anchors"].items()}}
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
    return None


def _save_guess(cache, key: str, guess: dict) -> None:
    import json

    if cache is not None:
        cache.store_blob("pdf", key, json.dumps(guess, sort_keys=True).encode())
