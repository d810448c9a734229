"""Chunked PDF layout: large briefs laid out in parts, in parallel, cached per part.

WeasyPrint lays a brief out in one pass on one core, and the brief's page
furniture (`counter(pages)`, `target-counter()` in the contents, the index
and the glossary) makes it repaginate the whole document several times. A
large brief is therefore laid out in pieces:

1. Content documents: the front matter (cover, contents, at a glance), the
   notices in chunks, and the back matter (glossary, office index). The
   stories are split into chunks at content-defined boundaries (a hash of
   the notice id), so inserting or removing a notice moves only the
   boundaries next to it. Each chunk starts on a new page (like a chapter);
   that is the one visible difference from a single-pass layout without
   chunks, and `single_pass_css` gives a single pass the same breaks.
2. Nothing in a content document depends on where it lands in the book:
   its margin boxes are off, and each page reference (a
   `target-counter(attr(href), page)` in a `::before`/`::after`) is laid
   out with a stand-in number of the width the real one will likely have.
   So all of them are laid out side by side from the start, in worker
   processes, each once, cached by its HTML. Before drawing, the worker
   takes each stand-in out of the layout and notes where and how it was
   set (position, font, content), with each page's name and where each
   anchor is.
3. Furniture: every page of the book gets a blank page laid out with the
   house stylesheet under the same page name (running heads, edition,
   "Page X of Y"), in a few documents of up to FURNITURE_PAGES pages, and
   on it each page reference drawn in place with its real number, as an
   absolutely positioned box with the reference's own style and content.
   A contents leader before the number is drawn again there from where
   the stand-in stopped its dots, so they end where a single pass ends
   them. The notice head is a running element, which makes WeasyPrint lay
   its page out twice: cheap on a blank page. Which notice heads a page
   comes from where the chunks put each notice's anchor, as
   `element(notice-head, first)` picks it.
4. pikepdf assembles the content pages and draws each page's furniture over
   it as a form XObject (no content stream is parsed or rewritten); links
   inside the brief (laid out as `ip5pub-goto:ID` so WeasyPrint keeps their
   rectangles) become GoTo destinations, the outline is rebuilt, metadata
   and /Lang come from the front matter and /ID is a hash of the content.

A page reference whose number has more or fewer digits than its stand-in
still gets its real number, but text after it on its line keeps the
stand-in's room (the packaged styles put none there), and a wider number
may break its line where a single pass would not. Page geometry must not depend on
`:left`/`:right`/`:first` (each document starts on a right-hand first page).
PDF/A-3b and PDF/UA-1 use the single pass: their tag tree, XMP and
attachments belong to one WeasyPrint document and cannot be merged page by page.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import multiprocessing
import re
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ip5pub.model import Brief

CHUNK_SIZE = 24  # stories per chunk, on average
THRESHOLD = 40  # fewer stories than this: one pass is simpler and as fast
# Furniture pages per layout: a few documents rather than one per chunk (each
# costs ~0.15 s to start), fixed so that --jobs does not change the bytes.
FURNITURE_PAGES = 150
GOTO = "ip5pub-goto:"
REF = "ip5pub-ref"  # the counter a page reference is laid out with
STAND_IN = "ip5pub-stand-in"  # the counter style that draws its stand-in number
_TARGET_COUNTER = re.compile(r"target-counter\(\s*attr\(\s*href(?:\s+url)?\s*\)\s*,\s*page\s*\)")
_COUNTER_PAGES = re.compile(r"counter\(\s*pages\s*\)")
_BLOCK = re.compile(r"\{([^{}]*)\}")
_MARGIN_BOXES = [f"{side}-{where}" for side in ("top", "bottom") for where in ("left-corner", "left", "center", "right",
                                                                               "right-corner")] + \
                [f"{side}-{where}" for side in ("left", "right") for where in ("top", "middle", "bottom")]
# Content documents carry no page furniture: the furniture documents draw it.
NO_MARGIN_BOXES = "@page { " + " ".join(f"@{box} {{ content: none !important; }}" for box in _MARGIN_BOXES) + " }\n"


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


def stand_in(brief: Brief) -> int:
    """The number page references are laid out with before the real ones are
    known: as many digits as the book's page count will likely have (about
    450 words a page, plus contents and index), so the real number takes the
    same room. From words and stories only, so that a restyle or a one-word
    correction does not change it."""
    words = sum(s.notice.words for s in brief.stories)
    estimate = words // 450 + len(brief.stories) // 15 + 8
    return int("8" * len(str(estimate)))


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


def _add_style(root, css: str) -> None:
    style = _element("style")
    style.text = css
    root.find("head").append(style)


def _edit_styles(root, edit) -> None:
    for style in root.iter("style"):
        if style.text:
            style.text = edit(style.text)


def _mark_references(css: str) -> str:
    """Each page reference draws the stand-in instead, unbroken (the
    furniture redraws it as one box; two lines could not be)."""
    def block(m: re.Match) -> str:
        body = m.group(1)
        if not _TARGET_COUNTER.search(body):
            return m.group(0)
        return "{ white-space: nowrap !important;" + _TARGET_COUNTER.sub(f"counter({REF}, {STAND_IN})", body) + "}"

    return _BLOCK.sub(block, css)


def content_document(root, number: int) -> None:
    """Make a copy of the brief (front, chunk or back) a content document, in
    place: internal links laid out as GoTo stand-ins, page references drawn
    as the stand-in `number`, no margin boxes."""
    for a in root.iter("a"):
        href = a.get("href") or ""
        if href.startswith("#") and len(href) > 1:
            a.set("href", GOTO + href[1:])
    _edit_styles(root, _mark_references)
    _add_style(root, f'@counter-style {STAND_IN} {{ system: cyclic; symbols: "{number}"; }}\n' + NO_MARGIN_BOXES)


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


def chunk_document(parts: Parts, ids: list[str], first_id: str | None, footnotes_before: int, number: int):
    """The brief with only these notices in its body, as a content document."""
    root = copy.deepcopy(parts.chunk_skeleton)
    container = parts.chunk_container(root)
    for notice_id in ids:
        container.append(copy.deepcopy(parts.articles[notice_id]))
    content_document(root, number)
    # The notice head goes on the furniture pages: a running element on a
    # page makes WeasyPrint lay that page out twice.
    css = (".notice-head { display: none !important; }\n"
           f".notices {{ break-before: auto !important; counter-reset: footnote {footnotes_before}; }}\n")
    css += start_css([first_id] if first_id else [])
    _add_style(root, css)
    return root


def _cut(full_root, keep: str):
    """A copy of the brief with its notices and what comes after them ("before")
    or before them ("after") removed. Only what is kept is copied."""
    container = _notices_container(full_root)
    parents = _parents(full_root)
    body = full_root.find("body")
    path = [container]  # from the notices up to the body
    while path[-1] is not body:
        path.append(parents[path[-1]])

    def shallow(el):
        new = el.makeelement(el.tag, dict(el.attrib))
        new.text, new.tail = el.text, el.tail
        return new

    inner = None  # the cut copy of path[k - 1]
    for k, el in enumerate(path[1:], start=1):
        kids = list(el)
        i = kids.index(path[k - 1])
        kept = kids[:i] if keep == "before" else kids[i + 1:]
        copy_el = shallow(el)
        copies = [copy.deepcopy(child) for child in kept]
        if inner is not None:
            copies = [*copies, inner] if keep == "before" else [inner, *copies]
        copy_el.extend(copies)
        inner = copy_el
    root = shallow(full_root)
    root.extend(inner if child is body else copy.deepcopy(child) for child in full_root)
    return root


def front_document(full_root, number: int):
    """Cover, contents and at a glance, as a content document."""
    root = _cut(full_root, "before")
    content_document(root, number)
    return root


def back_document(full_root, number: int):
    """Glossary and office index, as a content document (None: no back matter)."""
    root = _cut(full_root, "after")
    if next((el for el in root.find("body") if el.tag not in ("script", "style")), None) is None:
        return None
    content_document(root, number)
    return root


_STRINGS_CSS = (".ip5pub-strings { visibility: hidden; height: 0; overflow: hidden; margin: 0; padding: 0; }\n"
                ".ip5pub-strings * { bookmark-level: none !important; }\n")
# The furniture is drawn over the content: no background may hide it.
_FURNITURE_CSS = (".ip5pub-page + .ip5pub-page { break-before: page; }\n"
                  "@page { background: none !important; }\n"
                  "html, body { background: none !important; }\n"
                  f".{REF} {{ position: absolute; display: block; margin: 0; padding: 0; border: 0; text-indent: 0;"
                  " white-space: pre; visibility: visible; background: none; }\n")


@dataclass(frozen=True)
class FurniturePage:
    name: str  # the content page's page name ("" for none)
    head: str | None  # the notice whose running head it carries (None: the previous page's)
    refs: tuple[tuple[dict, int], ...] = ()  # page references and the page numbers they show


def furniture_document(parts: Parts, first_page: int, pages: list[FurniturePage], total: int, digits: int):
    """Blank pages carrying each page's furniture: brief title, notice head,
    edition, page X of Y, and the page's references with their numbers.

    The brief's own cover title and edition elements go first, invisible, so
    `string(brief-title)` and `string(edition)` read what they read in a
    single pass. A reference's style goes in a rule shared by all references
    alike (few: one per kind of reference), its place and text on its own
    box; `digits` is the stand-in's length: only a shorter number needs its
    leader drawn again.
    """
    root = copy.deepcopy(parts.furniture_skeleton)
    body = root.find("body")
    kinds: dict[tuple[str, str, str | None], int] = {}
    for k, page in enumerate(pages):
        div = _element("div", class_="ip5pub-page")
        if re.fullmatch(r"[A-Za-z_][\w-]*", page.name):
            div.set("style", f"page: {page.name}")
        if k == 0:
            div.append(parts.strings())
        head = parts.head(page.head) if page.head is not None else None
        if head is not None:
            div.append(head)
        for ref, number in page.refs:
            text = "".join(str(number) if part is None else part for part in ref["parts"])
            leader = ref["leader"] if len(str(number)) < digits else None
            kind = kinds.setdefault((ref["style"], ref["align"], leader), len(kinds))
            left = ref["left"] if leader is None else ref["leader_left"]
            width = ref["left"] + ref["width"] - left
            span = _element("span", class_=f"{REF} {REF}-{kind}",
                            style=f"left: {left!r}px; top: {ref['top']!r}px; width: {width!r}px")
            if leader is None:
                span.text = text
            else:
                span.set("data-n", text)
            if ref["lang"]:
                span.set("lang", ref["lang"])
            div.append(span)
        body.append(div)
    _edit_styles(root, lambda css: _COUNTER_PAGES.sub(f'"{total}"', css))
    rules = "".join(f".{REF}-{kind} {{ {style}; text-align: {align}; }}\n" +
                    (f".{REF}-{kind}::after {{ content: leader({_css_string(leader)}) attr(data-n); }}\n" if leader else "")
                    for (style, align, leader), kind in kinds.items())
    _add_style(root, _STRINGS_CSS + _FURNITURE_CSS + rules + f"@page :first {{ counter-reset: page {first_page}; }}\n")
    return root


def page_heads(ids: list[str], anchors: dict[str, int], start: int, end: int) -> list[str | None]:
    """For pages [start, end): the notice whose head each page carries, as
    `element(notice-head, first)` picks it in a single pass: the first notice
    starting on the page; on the first page, if none starts there, the last
    one started before. None: the previous page's head goes on."""
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
    root: object  # the document's tree (ElementTree, as tinyhtml5 parses HTML)
    base_url: str
    page_css: str
    styles: tuple[str, ...]  # folders the fetcher may read


@dataclass
class Laid:
    """A laid-out document: its PDF and what the book needs to know of its pages."""

    pdf: bytes
    pages: int
    names: list[str] = field(default_factory=list)  # each page's name ("" for none)
    anchors: dict[str, int] = field(default_factory=dict)  # id -> page index, first occurrence
    refs: list[list[dict]] = field(default_factory=list)  # each page's references (see _references)

    def meta(self) -> bytes:
        return json.dumps({k: v for k, v in asdict(self).items() if k != "pdf"}, sort_keys=True).encode()

    @classmethod
    def from_meta(cls, pdf: bytes, raw: bytes) -> Laid:
        data = json.loads(raw)
        return cls(pdf, int(data["pages"]), list(data["names"]), dict(data["anchors"]), list(data["refs"]))


def _layout(job: Job) -> tuple[Laid, list[str], list[str]]:
    """A document's tree -> (the laid-out document, characters without a glyph, other warnings)."""
    from weasyprint import CSS

    from ip5pub.render.pdf import _weasyprint_warnings
    from ip5pub.fetch import StylesOnlyFetcher

    buffer = io.BytesIO()
    with _weasyprint_warnings() as collect:
        fetcher = StylesOnlyFetcher(None)
        fetcher.roots = [Path(p) for p in job.styles]
        document = _html(job.root, job.base_url, fetcher).render(
            stylesheets=[CSS(string=job.page_css, url_fetcher=fetcher)])
        anchors: dict[str, int] = {}
        for i, page in enumerate(document.pages):
            for name in page.anchors:
                anchors.setdefault(name, i)
        laid = Laid(b"", len(document.pages), names=[page._page_box.page_type.name or "" for page in document.pages],
                    anchors=anchors, refs=[_references(page._page_box) for page in document.pages])
        document.write_pdf(buffer)  # after _references took the stand-in numbers out
    laid.pdf = buffer.getvalue()
    return laid, list(collect.missing), list(collect.other)


_PARSED_ATTRIBUTES = {"base_url", "url_fetcher", "media_type", "wrapper_element", "etree_element"}


def _html(root, base_url: str, fetcher):
    """WeasyPrint's HTML for a tree: made as its constructor makes it, without
    parsing our serialization again (tinyhtml5 is pure Python: about 1.5 s of
    the layout at 500 notices). If this WeasyPrint makes its HTML otherwise,
    the tree is serialized and parsed the usual way."""
    import cssselect2
    from weasyprint import HTML

    global _PARSED_OK
    if _PARSED_OK is None:
        _PARSED_OK = set(vars(HTML(string="<p>x</p>"))) == _PARSED_ATTRIBUTES
    if not _PARSED_OK or next(iter(root.iter("base")), None) is not None:
        return HTML(string=_serialize(root), base_url=base_url, url_fetcher=fetcher)
    html = HTML.__new__(HTML)
    html.base_url, html.url_fetcher, html.media_type = base_url, fetcher, "print"
    html.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    html.etree_element = html.wrapper_element.etree_element
    return html


_PARSED_OK: bool | None = None


# Text properties a page reference is redrawn with, as WeasyPrint computed them.
_REF_PROPERTIES = ("font_family", "font_size", "font_style", "font_weight", "font_stretch", "font_kerning",
                   "font_variant_ligatures", "font_variant_numeric", "font_variant_caps", "font_feature_settings",
                   "letter_spacing", "word_spacing", "line_height", "color", "text_decoration_line",
                   "text_decoration_style", "text_decoration_color")


def _references(page_box) -> list[dict]:
    """The page references on a laid-out page, each taken out of the drawing
    (its stand-in number and the text run it is in) and described as what
    the furniture needs to draw it in place: the run's position and width
    relative to the page's content box (where absolutely positioned boxes
    start), alignment, text (its strings, None for the number) and style
    (CSS), and the leader just before it, if any, with where its dots stop."""
    from weasyprint.formatting_structure import boxes

    origin_x, origin_y = page_box.content_box_x(), page_box.content_box_y()
    found: list[dict] = []

    def take(box, line, last: bool) -> None:
        href = (box.element.get("href") or "") if box.element is not None else ""
        runs = _runs(box.style["content"])
        text_runs = [k for k, run in enumerate(runs) if not _is_leader(run)]
        texts = [c for c in box.children if isinstance(c, boxes.TextBox)]  # one per text run, in order
        mine = next(k for k, run in enumerate(runs) if _counts_ref(run))
        if not href.startswith(GOTO) or line is None or len(texts) != len(text_runs):
            return  # not a link of ours, or laid out in a way we cannot redraw: the stand-in stays
        gone = texts[text_runs.index(mine)]
        parts = _run_parts(runs[mine], box.element)
        if parts is None:
            return
        ref = {"target": href[len(GOTO):], "left": gone.position_x - origin_x, "top": gone.position_y - origin_y,
               "width": gone.width, "align": _alignment(line, last), "parts": parts,
               "style": _style_css(gone.style), "lang": gone.style["lang"] or "", "leader": None}
        if mine > 0 and _is_leader(runs[mine - 1]) and runs[mine - 1][0][1][0] == "string":
            # A narrower number leaves a gap in the dots: the leader is drawn
            # again from where this one's dots stop (a hair before: its dots
            # sit on the same grid, counted from the right).
            leader = box.children[box.children.index(gone) - 1]
            dots = [d.position_x + d.width for d in getattr(leader, "children", ())]
            ref["leader"] = runs[mine - 1][0][1][1]
            ref["leader_left"] = (max(dots) if dots else leader.position_x) - 0.01 - origin_x
        box.children = [c for c in box.children if c is not gone]
        found.append(ref)

    def walk(box, line, last: bool) -> None:
        tag = getattr(box, "element_tag", None) or ""
        if isinstance(box, boxes.InlineBox) and tag.endswith(("::before", "::after")) and _counts_ref(box.style["content"]):
            take(box, line, last)
            return
        children = getattr(box, "children", ())
        lines = [c for c in children if isinstance(c, boxes.LineBox)]
        for child in children:
            if isinstance(child, boxes.LineBox):
                walk(child, child, child is lines[-1])
            else:
                walk(child, line, last)

    walk(page_box, None, False)
    return found


def _is_leader(run: list) -> bool:
    return len(run) == 1 and run[0][0] == "leader()"


def _runs(content) -> list[list]:
    """A computed `content` cut into leaders and runs of text between them
    (WeasyPrint draws each run as one text box)."""
    runs: list[list] = [[]]
    for item in content:
        if item[0] == "leader()":
            runs.append([item])
            runs.append([])
        else:
            runs[-1].append(item)
    return [run for run in runs if run]


def _counts_ref(content) -> bool:
    return isinstance(content, (list, tuple)) and any(
        kind == "counter()" and value == (REF, STAND_IN) for kind, value in content)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def _run_parts(run, element) -> list[str | None] | None:
    """A text run of computed `content` as its strings, None for the page
    number, attr() values resolved (None: something the furniture cannot
    draw again)."""
    out: list[str | None] = []
    for kind, value in run:
        if kind == "string":
            out.append(value)
        elif kind == "counter()" and value == (REF, STAND_IN):
            out.append(None)
        elif kind == "attr()" and element is not None:
            out.append(element.get(value[0]) or "")
        else:
            return None
    return out


def _alignment(line, last: bool) -> str:
    style = line.style
    align = style["text_align_all"]
    if last and style["text_align_last"] != "auto":
        align = style["text_align_last"]
    rtl = style["direction"] == "rtl"
    return {"start": "right" if rtl else "left", "end": "left" if rtl else "right", "justify": "left"}.get(align, align)


def _style_css(style) -> str:
    """The text style of a page reference, from computed values (an unusual
    value is left out: the reference then inherits the furniture's)."""
    out = []
    for name in _REF_PROPERTIES:
        value = style[name]
        css = _value_css(name, value)
        if css is not None:
            out.append(f"{name.replace('_', '-')}: {css}")
    return "; ".join(out)


def _value_css(name: str, value) -> str | None:
    if name == "font_family":
        return ", ".join(f if f in ("serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui")
                         else _css_string(f) for f in value)
    if name in ("font_size", "letter_spacing", "word_spacing") and isinstance(value, (int, float)):
        return f"{value!r}px"
    if name == "line_height":
        if isinstance(value, (int, float)):
            return repr(value)
        if hasattr(value, "unit") and value.unit == "px":
            return f"{value.value!r}px"
    if name == "color" or (name == "text_decoration_color" and value != "currentcolor"):
        return str(value) if hasattr(value, "to") else None
    if name == "font_feature_settings" and isinstance(value, (list, tuple)):
        return ", ".join(f'"{tag}" {number}' for tag, number in value)
    if name == "text_decoration_line" and isinstance(value, (set, frozenset)):
        return " ".join(sorted(value)) or "none"
    if name in ("font_variant_ligatures", "font_variant_numeric") and isinstance(value, (list, tuple)):
        return " ".join(value)
    if isinstance(value, str) and re.fullmatch(r"[a-z-]+", value):
        return value
    if name == "font_weight" and isinstance(value, int):
        return str(value)
    return None


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
        self._starting: threading.Thread | None = None

    def warm(self) -> None:
        """Start the workers in the background (the fork server imports
        WeasyPrint, about a second) while this process prepares the HTML."""
        if self.jobs > 1 and self.pool is None and self._starting is None:
            def start() -> None:
                self.pool = _pool(self.jobs)
                self.pool.submit(_nothing)

            self._starting = threading.Thread(target=start, daemon=True)
            self._starting.start()

    def _ready(self) -> None:
        if self._starting is not None:
            self._starting.join()
            self._starting = None

    def submit(self, fn, *args):
        """fn(*args) in a worker; returns what gives its result (with one job,
        it runs here when its result is asked for)."""
        if self.jobs <= 1:
            return lambda: fn(*args)
        self._ready()
        if self.pool is None:
            self.pool = _pool(self.jobs)
        return self.pool.submit(fn, *args).result

    def close(self) -> None:
        self._ready()
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
           cache=None, jobs: int = 1, size: int = CHUNK_SIZE, busy=lambda: None) -> Result:
    """The brief laid out in chunks; `busy` is called once every content
    document is on its way to the workers."""
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

    done: dict[str, Laid] = {}
    pending: dict[str, object] = {}  # key -> what gives the worker's result

    def submit(named: list[tuple[str, object, str]]) -> None:
        """Lay documents (key, tree, HTML) out in the workers unless the cache
        has them, the longest first (so that no worker is left alone with one
        at the end)."""
        todo = []
        for name, root, text in named:
            if name in done or name in pending:
                continue
            hit = _load(cache, name)
            if hit is None:
                todo.append((name, root, len(text)))
            else:
                done[name] = hit
        for name, root, _ in sorted(todo, key=lambda t: -t[2]):
            pending[name] = runner.submit(_layout, Job(root, base_url, page_css, styles))

    def collect(keys: list[str]) -> list[Laid]:
        for name in keys:
            if name in pending:
                laid, m, o = pending.pop(name)()
                missing.update(dict.fromkeys(m))
                other.update(dict.fromkeys(o))
                _save(cache, name, laid)
                done[name] = laid
                fresh.add(name)
        return [done[name] for name in keys]

    def keyed(kind: str, root) -> tuple[str, object, str]:
        """A document with its cache key, from its HTML."""
        text = _serialize(root)
        return digest(kind, text, page_css, *styles), root, text

    try:
        runner.warm()
        full_root = _parse(full_html)
        ids = [s.notice.id for s in brief.stories]
        ranges = plan(ids, size)
        number = stand_in(brief)

        # 1. Every content document, side by side, each sent to the workers
        # as soon as its HTML is made: the front and back matter first.
        matter = [keyed("pdf-front", front_document(full_root, number))]
        back = back_document(full_root, number)
        if back is not None:
            matter.append(keyed("pdf-back", back))
        submit(matter)
        parts = Parts(full_root)
        footnotes = 0
        bodies = []
        for k, (a, b) in enumerate(ranges):
            chunk_ids = ids[a:b]
            bodies.append(keyed("pdf-chunk-body",
                                chunk_document(parts, chunk_ids, chunk_ids[0] if k else None, footnotes, number)))
            footnotes += bodies[-1][2].count('class="link-note"')
        submit(bodies)
        busy()
        step("prepared")
        front_laid, *back_laid = collect([k for k, _, _ in matter])
        body_keys = [k for k, _, _ in bodies]
        pieces = [front_laid, *collect(body_keys), *back_laid]
        laid_out = sum(1 for k in set(body_keys) if k in fresh)
        step(f"front, back and {len(ranges)} chunks")

        # 2. Where everything is in the book.
        total = 0
        anchors: dict[str, int] = {}  # id -> page index in the book
        for piece in pieces:
            for name, page in piece.anchors.items():
                anchors.setdefault(name, total + page)
            total += piece.pages
        book = [(piece, i) for piece in pieces for i in range(piece.pages)]

        # 3. The furniture of every page, with the page references' numbers.
        furniture = []
        for a, b in _even(total, FURNITURE_PAGES):
            heads = page_heads(ids, anchors, a, b)
            pages = [FurniturePage(piece.names[i], head, tuple((ref, anchors[ref["target"]] + 1)
                                                               for ref in piece.refs[i] if ref["target"] in anchors))
                     for (piece, i), head in zip(book[a:b], heads)]
            furniture.append(keyed("pdf-furniture", furniture_document(parts, a + 1, pages, total, len(str(number)))))
        submit(furniture)
        furniture_keys = [k for k, _, _ in furniture]
        under = collect(furniture_keys)
        step("furniture")
    finally:
        runner.close()

    # 4. Assemble.
    pdf = assemble([p.pdf for p in pieces], [f.pdf for f in under])
    step("assembled")
    return Result(pdf, list(missing), list(other), len(ranges), laid_out)


def _even(n: int, most: int) -> list[tuple[int, int]]:
    """[start, end) ranges cutting n into as few near-equal parts of at most `most` as can be."""
    parts = max(1, -(-n // most))
    bounds = [n * k // parts for k in range(parts + 1)]
    return [(bounds[k], bounds[k + 1]) for k in range(parts)]


def assemble(pieces: list[bytes], furniture: list[bytes]) -> bytes:
    """One PDF: the content documents one after another (front, chunks, back),
    each page with its furniture drawn over it. Metadata and /Lang come from
    the first piece, the front matter. qpdf (pikepdf) does the copying: about
    four times faster than pypdf on a 500-page brief, and a smaller file."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    out = pikepdf.Pdf.new()
    sources = [pikepdf.open(io.BytesIO(p)) for p in pieces]
    where: dict[tuple[int, tuple[int, int]], int] = {}  # (piece, page object) -> final index
    for k, src in enumerate(sources):
        for page in src.pages:
            where[(k, page.objgen)] = len(out.pages)
            out.pages.append(page)

    # Each page's furniture as a form drawn last, under a name of its own in a
    # copy of the page's resources (WeasyPrint shares one among all pages); no
    # content stream is parsed or rewritten. A page's content leaves its
    # transformation in place: it is saved and restored around it.
    layers = [pikepdf.open(io.BytesIO(f)) for f in furniture]
    blanks = [blank for layer in layers for blank in layer.pages]
    if len(blanks) != len(out.pages):
        raise RuntimeError(f"{len(blanks)} furniture pages for {len(out.pages)} pages")
    save, draw = out.make_stream(b"q\n"), out.make_stream(b"Q q /IP5Furniture Do Q\n")
    for page, blank in zip(out.pages, blanks):
        resources = Dictionary(dict(page.Resources.items()))
        xobjects = Dictionary(dict(resources.XObject.items())) if Name.XObject in resources else Dictionary()
        xobjects.IP5Furniture = out.copy_foreign(blank.as_form_xobject())
        resources.XObject = xobjects
        page.Resources = resources
        contents = page.obj.get(Name.Contents)
        contents = list(contents) if isinstance(contents, Array) else [contents] if contents is not None else []
        page.Contents = Array([save, *contents, draw])

    # Links laid out as ip5pub-goto:ID become GoTo a named destination.
    for page in out.pages:
        for annot in page.obj.get(Name.Annots, []):
            action = annot.get(Name.A)
            uri = action.get(Name.URI) if action is not None else None
            if uri is not None and str(uri).startswith(GOTO):
                del annot[Name.A]
                annot.Dest = String(str(uri)[len(GOTO):])

    # Named destinations: the first piece that has a name wins (as in one document).
    dests: dict[str, tuple[int, float, float]] = {}
    for k, src in enumerate(sources):
        names = src.Root.get(Name.Names)
        if names is None or Name.Dests not in names:
            continue
        for name, dest in pikepdf.NameTree(names.Dests).items():
            dests.setdefault(str(name), (where[(k, dest[0].objgen)], float(dest[2]), float(dest[3])))
    tree = pikepdf.NameTree.new(out)
    for name in sorted(dests):
        index, left, top = dests[name]
        tree[name] = Array([out.pages[index].obj, Name.XYZ, left, top, 0])
    out.Root.Names = Dictionary(Dests=tree.obj)

    # Outline: the pieces' outlines one after another, in page order.
    def copy_items(k: int, items, into) -> None:
        for item in items:
            dest = item.destination
            new = pikepdf.OutlineItem(str(item.title), where[(k, dest[0].objgen)], "XYZ",
                                      left=float(dest[2]), top=float(dest[3]))
            copy_items(k, item.children, new.children)
            into.append(new)

    with out.open_outline() as outline:
        for k, src in enumerate(sources):
            with src.open_outline() as theirs:
                copy_items(k, theirs.root, outline.root)

    # Metadata and language as WeasyPrint wrote them for the front matter;
    # the /ID is a hash of the content.
    out.docinfo = out.copy_foreign(sources[0].docinfo)
    if Name.Lang in sources[0].Root:
        out.Root.Lang = sources[0].Root.Lang
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


# ---- cache helpers (a missing cache only costs time) ----------------------------

def _load(cache, key: str) -> Laid | None:
    if cache is None:
        return None
    meta = cache.load_blob("pdf", key + ".json")
    data = cache.load_blob("pdf", key)
    if meta is None or data is None:
        return None
    try:
        return Laid.from_meta(data, meta)
    except (ValueError, KeyError, TypeError):
        return None


def _save(cache, key: str, laid: Laid) -> None:
    if cache is not None:
        cache.store_blob("pdf", key, laid.pdf)
        cache.store_blob("pdf", key + ".json", laid.meta())
