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
4. pypdf assembles the content pages and draws each page's furniture over
   it as a form XObject (no content stream is parsed or rewritten); links
   inside the brief (laid out as `ip5pub-goto:ID` so WeasyPrint keeps their
   rectangles) become GoTo destinations, the outline is rebuilt, metadata
   and /Lang come from the front matter and /ID is a hash of the content.

A page reference whose number has more digits than its stand-in still gets
its real number; only a line that its wider number would have broken
differently can differ from a single pass. Page geometry must not depend on
`:left`/`:right`/`:first` (each document starts on a right-hand first page).
PDF/A-3b and PDF/UA-1 use the single pass: their tag tree, XMP and
attachments belong to one WeasyPrint document and pypdf cannot merge them.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import multiprocessing
import re
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

    return ET.Element(tag, {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()})


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


def chunk_html(parts: Parts, ids: list[str], first_id: str | None, footnotes_before: int, number: int) -> str:
    """The brief's HTML with only these notices in its body, as a content document."""
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


def front_html(full_root, number: int) -> str:
    """Cover, contents and at a glance, as a content document."""
    root = _cut(full_root, "before")
    content_document(root, number)
    return _serialize(root)


def back_html(full_root, number: int) -> str | None:
    """Glossary and office index, as a content document (None: no back matter)."""
    root = _cut(full_root, "after")
    if next((el for el in root.find("body") if el.tag not in ("script", "style")), None) is None:
        return None
    content_document(root, number)
    return _serialize(root)


_STRINGS_CSS = (".ip5pub-strings { visibility: hidden; height: 0; overflow: hidden; margin: 0; padding: 0; }\n"
                ".ip5pub-strings * { bookmark-level: none !important; }\n")
# The furniture is drawn over the content: no background may hide it.
_FURNITURE_CSS = (".ip5pub-page + .ip5pub-page { break-before: page; }\n"
                  "@page { background: none !important; }\n"
                  "html, body { background: none !important; }\n"
                  f".{REF} {{ position: absolute; display: block; margin: 0; padding: 0; border: 0; text-indent: 0;"
                  " white-space: nowrap; visibility: visible; background: none; }\n")


@dataclass(frozen=True)
class FurniturePage:
    name: str  # the content page's page name ("" for none)
    head: str | None  # the notice whose running head it carries (None: the previous page's)
    refs: tuple[tuple[dict, int], ...] = ()  # page references and the page numbers they show


def furniture_html(parts: Parts, first_page: int, pages: list[FurniturePage], total: int) -> str:
    """Blank pages carrying each page's furniture: brief title, notice head,
    edition, page X of Y, and the page's references with their numbers.

    The brief's own cover title and edition elements go first, invisible, so
    `string(brief-title)` and `string(edition)` read what they read in a
    single pass. A reference's style and content go in a rule shared by all
    references alike (few: one per kind of reference), its place and number
    on its own box.
    """
    root = copy.deepcopy(parts.furniture_skeleton)
    body = root.find("body")
    kinds: dict[tuple[str, str, str], int] = {}
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
            kind = kinds.setdefault((ref["style"], ref["align"], ref["content"]), len(kinds))
            span = _element("span", class_=f"{REF} {REF}-{kind}", data_n=str(number),
                            style=f"left: {ref['left']!r}px; top: {ref['top']!r}px; width: {ref['width']!r}px")
            if ref["lang"]:
                span.set("lang", ref["lang"])
            div.append(span)
        body.append(div)
    _edit_styles(root, lambda css: _COUNTER_PAGES.sub(f'"{total}"', css))
    rules = "".join(f".{REF}-{kind} {{ {style}; text-align: {align}; }}\n"
                    f".{REF}-{kind}::after {{ content: {content}; }}\n"
                    for (style, align, content), kind in kinds.items())
    _add_style(root, _STRINGS_CSS + _FURNITURE_CSS + rules + f"@page :first {{ counter-reset: page {first_page}; }}\n")
    return _serialize(root)


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
    html: str
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
    """HTML -> (the laid-out document, characters without a glyph, other warnings)."""
    from weasyprint import CSS, HTML

    from ip5pub.render.pdf import _weasyprint_warnings
    from ip5pub.fetch import StylesOnlyFetcher

    buffer = io.BytesIO()
    with _weasyprint_warnings() as collect:
        fetcher = StylesOnlyFetcher(None)
        fetcher.roots = [Path(p) for p in job.styles]
        document = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher).render(
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
    start), alignment, content and text style (CSS). A leader just before
    the run is redrawn with it, so that the dots fill what the stand-in
    left and the real number does not; the dots before stay drawn here."""
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
        after_leader = mine > 0 and _is_leader(runs[mine - 1])
        css = _content_css((runs[mine - 1] if after_leader else []) + runs[mine], box.element)
        if css is None:
            return
        left, right = gone.position_x, gone.position_x + gone.width
        if after_leader:
            # The redrawn leader starts where this one's dots stop (a hair
            # before: its dots sit on the same grid, counted from the right).
            leader = box.children[box.children.index(gone) - 1]
            dots = [d.position_x + d.width for d in getattr(leader, "children", ())]
            left = (max(dots) if dots else leader.position_x) - 0.01
        box.children = [c for c in box.children if c is not gone]
        found.append({"target": href[len(GOTO):], "left": left - origin_x,
                      "top": gone.position_y - origin_y, "width": right - left, "align": _alignment(line, last),
                      "content": css, "style": _style_css(gone.style), "lang": gone.style["lang"] or ""})

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


def _content_css(content, element) -> str | None:
    """Computed `content` items as CSS, the stand-in replaced by the number
    (the box's data-n) and attr() values resolved (None: something the
    furniture cannot redraw)."""
    out = []
    for kind, value in content:
        if kind == "string":
            out.append(_css_string(value))
        elif kind == "leader()" and value[0] == "string":
            out.append(f"leader({_css_string(value[1])})")
        elif kind == "counter()" and value == (REF, STAND_IN):
            out.append("attr(data-n)")
        elif kind == "attr()" and element is not None:
            out.append(_css_string(element.get(value[0]) or ""))
        else:
            return None
    return " ".join(out)


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

    def lay_out(named: list[tuple[str, str]]) -> dict[str, Laid]:
        """Lay documents out in the workers, through the cache: {key: Laid}."""
        done = {}
        todo = []
        for name, html_text in named:
            hit = _load(cache, name)
            if hit is None:
                todo.append((name, html_text))
            else:
                done[name] = hit
        jobs_ = [Job(h, base_url, page_css, styles) for _, h in todo]
        for (name, _), (laid, m, o) in zip(todo, runner.map(_layout, jobs_)):
            missing.update(dict.fromkeys(m))
            other.update(dict.fromkeys(o))
            _save(cache, name, laid)
            done[name] = laid
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
        number = stand_in(brief)

        # 1. Every content document, side by side: front and back matter first
        # (the longest jobs, so that no worker is left alone with one at the end).
        footnotes = 0
        htmls = []
        for k, (a, b) in enumerate(ranges):
            chunk_ids = ids[a:b]
            htmls.append(chunk_html(parts, chunk_ids, chunk_ids[0] if k else None, footnotes, number))
            footnotes += htmls[-1].count('class="link-note"')
        front = front_html(full_root, number)
        back = back_html(full_root, number)
        step("prepared")
        front_key = key("pdf-front", front)
        back_key = key("pdf-back", back) if back is not None else None
        body_keys = [key("pdf-chunk-body", h) for h in htmls]
        done = lay_out([(front_key, front), *([(back_key, back)] if back is not None else []),
                        *zip(body_keys, htmls)])
        laid_out = sum(1 for k in set(body_keys) if k in fresh)
        pieces = [done[front_key], *(done[k] for k in body_keys), *([done[back_key]] if back_key else [])]
        step(f"front, back and {len(ranges)} chunks")

        # 2. Where everything is in the book.
        offsets, total = [], 0
        for piece in pieces:
            offsets.append(total)
            total += piece.pages
        anchors: dict[str, int] = {}  # id -> page index in the book
        for piece, offset in zip(pieces, offsets):
            for name, page in piece.anchors.items():
                anchors.setdefault(name, offset + page)
        book = [(piece, i) for piece in pieces for i in range(piece.pages)]

        # 3. The furniture of every page, with the page references' numbers.
        furniture = []
        for a, b in _even(total, FURNITURE_PAGES):
            heads = page_heads(ids, anchors, a, b)
            pages = [FurniturePage(piece.names[i], head, tuple((ref, anchors[ref["target"]] + 1)
                                                               for ref in piece.refs[i] if ref["target"] in anchors))
                     for (piece, i), head in zip(book[a:b], heads)]
            furniture.append(furniture_html(parts, a + 1, pages, total))
        furniture_keys = [key("pdf-furniture", f) for f in furniture]
        done = lay_out(list(zip(furniture_keys, furniture)))
        step("furniture")
    finally:
        runner.close()

    # 4. Assemble.
    pdf = assemble([p.pdf for p in pieces], [done[k].pdf for k in furniture_keys])
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
    the first piece, the front matter."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (ArrayObject, ByteStringObject, DecodedStreamObject, DictionaryObject, Fit,
                               FloatObject, NameObject, NumberObject, TextStringObject)

    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(p)) for p in pieces]
    where: dict[tuple[int, int], int] = {}  # (id(reader), page index) -> final index
    for r in readers:
        for i, page in enumerate(r.pages):
            where[(id(r), i)] = len(writer.pages)
            writer.add_page(page)

    # Each page's furniture as a form drawn last: no content stream is
    # parsed or rewritten (pypdf's merge_page would do both, and decompress).
    # A page's content leaves its transformation in place: saved and restored around it.
    save, draw = DecodedStreamObject(), DecodedStreamObject()
    save.set_data(b"q\n")
    draw.set_data(b"Q q /IP5Furniture Do Q\n")
    save_ref, draw_ref = writer._add_object(save), writer._add_object(draw)
    blanks = [blank for f in furniture for blank in PdfReader(io.BytesIO(f)).pages]
    if len(blanks) != len(writer.pages):
        raise RuntimeError(f"{len(blanks)} furniture pages for {len(writer.pages)} pages")
    for page, blank in zip(writer.pages, blanks):
        form = DecodedStreamObject()
        form.set_data(blank.get_contents().get_data())
        form = form.flate_encode()
        form[NameObject("/Type")] = NameObject("/XObject")
        form[NameObject("/Subtype")] = NameObject("/Form")
        form[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in blank.mediabox)
        form[NameObject("/Resources")] = blank["/Resources"].clone(writer)
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
        page[NameObject("/Contents")] = ArrayObject([save_ref, *contents, draw_ref])

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
    for r in readers:
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

    for r in readers:
        copy_outline(r, r.outline, None)

    # Metadata and language as WeasyPrint wrote them for the front matter.
    front = readers[0]
    info = front.trailer["/Info"].get_object()
    writer.add_metadata({NameObject(k): v for k, v in info.items()})
    lang = front.trailer["/Root"].get_object().get("/Lang")
    if lang is not None:
        writer._root_object[NameObject("/Lang")] = TextStringObject(str(lang))
    h = hashlib.sha256()
    for piece in (*pieces, *furniture):
        h.update(hashlib.sha256(piece).digest())
    ident = ByteStringObject(h.digest()[:16])
    writer._ID = ArrayObject([ident, ident])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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
