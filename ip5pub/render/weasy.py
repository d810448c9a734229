"""Every use of WeasyPrint beyond its documented API, in one place.

The single pass and the chunked layout share the warning collector here;
the chunked layout also builds an `HTML` from a tree it has already parsed
(`HTML.__new__`), reads each laid-out page's name (`page._page_box`) and
takes its page references out of the layout (box classes, computed `style`
values, the computed `content` tuples). These were checked against
WeasyPrint VERIFIED (pyproject.toml bounds the version to match). On
another version, or when one of them is not what it was, `InternalsChanged`
is raised and the PDF renderer lays the brief out in one pass, with a
warning. To allow a new version: run tests/test_pdf_chunks.py (it compares
a chunked layout with a single pass, pixel by pixel) and extend VERIFIED.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from tinycss2.serializer import serialize_string_value

VERIFIED = ("70.",)  # version prefixes whose internals this module was checked against


class InternalsChanged(RuntimeError):
    """WeasyPrint is not laid out the way this module expects."""


def check_version() -> None:
    import weasyprint

    if not weasyprint.__version__.startswith(VERIFIED):
        raise InternalsChanged(f"WeasyPrint {weasyprint.__version__} is not one the chunked layout was checked "
                               f"against ({', '.join(v + 'x' for v in VERIFIED)})")


# ---- warnings ----------------------------------------------------------------

class Collect(logging.Handler):
    """Keeps WeasyPrint's warnings: missing glyphs apart, the rest as text."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.missing: dict[str, None] = {}  # ordered set of characters
        self.other: dict[str, None] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, str) and record.msg.startswith(".notdef glyph") and isinstance(record.args, tuple):
            self.missing[str(record.args[0])] = None
        else:
            self.other[record.getMessage()] = None


@contextlib.contextmanager
def collect_warnings() -> Iterator[Collect]:
    """Collect WeasyPrint's log while it parses and draws, instead of printing it.

    It logs a warning per missing-glyph occurrence (at draw time) and an
    error per refused resource (at parse time); we say each thing once.
    """
    weasy = logging.getLogger("weasyprint")
    collect = Collect()
    saved = weasy.level, weasy.propagate
    weasy.setLevel(logging.WARNING)
    weasy.propagate = False
    weasy.addHandler(collect)
    try:
        yield collect
    finally:
        weasy.removeHandler(collect)
        weasy.setLevel(saved[0])
        weasy.propagate = saved[1]


# ---- fonts ---------------------------------------------------------------------

_reading = threading.local()  # set while WeasyPrint's Font is being made
_deferring: bool | None = None


class _Deferred:
    """A font's whole program, read from its HarfBuzz face when first asked for."""

    __slots__ = ("face",)

    def __init__(self, face: Any) -> None:
        self.face = face


def defer_font_programs() -> None:
    """Read a font's whole file into memory only when something needs it.

    WeasyPrint copies every font file it draws with into a bytes object
    (a Chinese, Japanese or Korean face is 20-27 MB, and a notice in one of
    them uses three or four faces), then subsets it from its HarfBuzz face
    without reading that copy: only a variable or colour font, or the
    fontTools fallback, does. Here the copy is made when first read. On a
    WeasyPrint whose fonts are made otherwise nothing is changed: the PDF is
    the same, the memory higher. Once per process.
    """
    global _deferring
    if _deferring is not None:
        return
    _deferring = False
    try:
        from weasyprint.pdf import fonts

        make, read = fonts.Font.__init__, fonts.get_hb_object_data
    except (ImportError, AttributeError):
        return
    if "file_content" in vars(fonts.Font):
        return

    def get_data(obj: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(_reading, "font", False) and not args and not kwargs:
            return _Deferred(obj)
        return read(obj, *args, **kwargs)

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        _reading.font = True
        try:
            make(self, *args, **kwargs)
        finally:
            _reading.font = False

    def program(self: Any) -> Any:
        value = self.__dict__["_ip5pub_program"]
        if isinstance(value, _Deferred):
            value = self.__dict__["_ip5pub_program"] = read(value.face)
        return value

    def set_program(self: Any, value: Any) -> None:
        self.__dict__["_ip5pub_program"] = value

    fonts.get_hb_object_data = get_data
    fonts.Font.__init__ = init
    fonts.Font.file_content = property(program, set_program)
    _deferring = True


# ---- pagination ------------------------------------------------------------------

_once: bool | None = None


def lay_out_running_elements_once() -> None:
    """A page is laid out again only when its content may change.

    WeasyPrint marks every page for a second layout when a running element
    it has seen before (the notice head) appears on it for the first time,
    though a running element is out of the flow and nothing on the page
    depends on it: the margin boxes that show it are made after the whole
    document is paginated. Every story page and every furniture page was
    laid out twice. Here a page's first layout starts as if the page had been
    laid out before without running elements: a page that gains or loses
    them on a later layout (other content moved it) is still marked as
    WeasyPrint marks it. Names holding notes (`position: note()`), whose
    second layout does matter, are left as they are. Once per process; on
    a WeasyPrint paginated otherwise, nothing is changed.
    """
    global _once
    if _once is not None:
        return
    _once = False
    try:
        import inspect

        from weasyprint.layout import page as paged

        make = paged.make_page
        params = list(inspect.signature(make).parameters)[:5]
    except (ImportError, AttributeError, ValueError):
        return
    if params != ["context", "root_box", "page_type", "resume_at", "page_number"]:
        return

    def make_page(context: Any, root_box: Any, page_type: Any, resume_at: Any, page_number: int,
                  *args: Any, **kwargs: Any) -> Any:
        for pages in getattr(context, "running_elements", {}).values():
            if page_number not in pages and not _holds_notes(pages):
                pages[page_number] = []
        return make(context, root_box, page_type, resume_at, page_number, *args, **kwargs)

    paged.make_page = make_page
    _once = True


def _holds_notes(pages: Any) -> bool:
    boxes = next((boxes for boxes in pages.values() if boxes), ())
    return any(getattr(box, "is_note", lambda: False)() for box in boxes)


# ---- documents ---------------------------------------------------------------

_PARSED_ATTRIBUTES = {"base_url", "url_fetcher", "media_type", "wrapper_element", "etree_element"}
_parsed_ok: bool | None = None


def html_from_tree(root: Any, base_url: str, fetcher: Any, serialize: Callable[[Any], str]) -> Any:
    """WeasyPrint's HTML for a tree (ElementTree, as tinyhtml5 parses HTML):
    made as its constructor makes it, without parsing our serialization again
    (tinyhtml5 is pure Python: about 1.5 s of the layout at 500 notices). If
    this WeasyPrint makes its HTML otherwise, the tree is serialized and
    parsed the usual way (slower, same result)."""
    import cssselect2
    from weasyprint import HTML
    from weasyprint.urls import ensure_url

    global _parsed_ok
    if _parsed_ok is None:
        _parsed_ok = set(vars(HTML(string="<p>x</p>"))) == _PARSED_ATTRIBUTES
    if not _parsed_ok or next(iter(root.iter("base")), None) is not None:
        return HTML(string=serialize(root), base_url=base_url, url_fetcher=fetcher)
    html = HTML.__new__(HTML)
    html.base_url, html.url_fetcher, html.media_type = ensure_url(base_url), fetcher, "print"
    html.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    html.etree_element = html.wrapper_element.etree_element
    return html


def page_name(page: Any) -> str:
    """The page's name (`page: front` in CSS), "" for none."""
    try:
        return page._page_box.page_type.name or ""
    except AttributeError as exc:
        raise InternalsChanged(f"a laid-out page has no page type ({exc})") from exc


def top_ids(page: Any) -> list[str]:
    """The ids of the elements at the top of a laid-out page: those down its
    first-child chain, where `element(name, start)` looks for what starts
    the page (an element that began on an earlier page is there too: the
    caller compares with where its anchor is)."""
    try:
        box, found = page._page_box, []
        while box is not None:
            element = getattr(box, "element", None)
            if element is not None and element.get("id") and not (box.element_tag or "").endswith(("::before",
                                                                                                    "::after")):
                found.append(element.get("id"))
            children = getattr(box, "children", None)
            box = children[0] if children else None
        return list(dict.fromkeys(found))
    except (AttributeError, TypeError) as exc:
        raise InternalsChanged(f"the top of a laid-out page could not be read ({exc})") from exc


# ---- page references -----------------------------------------------------------

# Text properties a page reference is redrawn with, as WeasyPrint computed them.
_REF_PROPERTIES = ("font_family", "font_size", "font_style", "font_weight", "font_stretch", "font_kerning",
                   "font_variant_ligatures", "font_variant_numeric", "font_variant_caps", "font_feature_settings",
                   "letter_spacing", "word_spacing", "line_height", "color", "text_decoration_line",
                   "text_decoration_style", "text_decoration_color")


def take_references(page: Any, counter: tuple[str, str], goto: str) -> tuple[list[dict], list[str]]:
    """The page references on a laid-out page: boxes whose computed content
    shows `counter(name, style)` (the stand-in), each taken out of the
    drawing (its stand-in number and the text run it is in) and described
    as what the furniture needs to draw it in place: the run's position and
    width relative to the page's content box (where absolutely positioned
    boxes start), alignment, text (its strings, None for the number) and
    style (CSS), and the leader just before it, if any, with where its dots
    stop. Second: what could not be taken out (its stand-in would print)."""
    try:
        from weasyprint.formatting_structure import boxes

        page_box = page._page_box
        origin_x, origin_y = page_box.content_box_x(), page_box.content_box_y()
        found: list[dict] = []
        stuck: list[str] = []

        def walk(box: Any, line: Any, last: bool) -> None:
            if _counts(getattr(box, "style", None) and box.style["content"], counter):
                ref = _take(box, line, last, counter, goto, boxes, origin_x, origin_y)
                if ref is None:
                    stuck.append(getattr(box, "element_tag", None) or type(box).__name__)
                else:
                    found.append(ref)
                return
            children = getattr(box, "children", ())
            lines = [c for c in children if isinstance(c, boxes.LineBox)]
            for child in children:
                if isinstance(child, boxes.LineBox):
                    walk(child, child, child is lines[-1])
                else:
                    walk(child, line, last)

        walk(page_box, None, False)
        return found, stuck
    except (AttributeError, KeyError, ImportError, TypeError, IndexError) as exc:
        raise InternalsChanged(f"page references could not be read from the layout ({type(exc).__name__}: {exc})") \
            from exc


def _take(box: Any, line: Any, last: bool, counter: tuple[str, str], goto: str, boxes: Any,
          origin_x: float, origin_y: float) -> dict | None:
    tag = getattr(box, "element_tag", None) or ""
    if not isinstance(box, boxes.InlineBox) or not tag.endswith(("::before", "::after")) or line is None:
        return None
    href = (box.element.get("href") or "") if box.element is not None else ""
    if not href.startswith(goto):
        return None  # not a link of ours
    runs = _runs(box.style["content"])
    text_runs = [k for k, run in enumerate(runs) if not _is_leader(run)]
    texts = [c for c in box.children if isinstance(c, boxes.TextBox)]  # one per text run, in order
    mine = next(k for k, run in enumerate(runs) if _counts(run, counter))
    if len(texts) != len(text_runs):
        return None  # laid out in a way we cannot redraw
    gone = texts[text_runs.index(mine)]
    parts = _run_parts(runs[mine], box.element, counter)
    if parts is None:
        return None
    ref = {"target": href[len(goto):], "left": gone.position_x - origin_x, "top": gone.position_y - origin_y,
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
    return ref


def _is_leader(run: list) -> bool:
    return len(run) == 1 and run[0][0] == "leader()"


def _runs(content: Any) -> list[list]:
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


def _counts(content: Any, counter: tuple[str, str]) -> bool:
    return isinstance(content, (list, tuple)) and any(
        isinstance(item, tuple) and len(item) == 2 and item[0] == "counter()" and tuple(item[1]) == counter
        for item in content)


def _run_parts(run: list, element: Any, counter: tuple[str, str]) -> list[str | None] | None:
    """A text run of computed `content` as its strings, None for the page
    number, attr() values resolved (None: something the furniture cannot
    draw again)."""
    out: list[str | None] = []
    for kind, value in run:
        if kind == "string":
            out.append(value)
        elif kind == "counter()" and tuple(value) == counter:
            out.append(None)
        elif kind == "attr()" and element is not None:
            out.append(element.get(value[0]) or "")
        else:
            return None
    return out


def _alignment(line: Any, last: bool) -> str:
    style = line.style
    align = style["text_align_all"]
    if last and style["text_align_last"] != "auto":
        align = style["text_align_last"]
    rtl = style["direction"] == "rtl"
    return {"start": "right" if rtl else "left", "end": "left" if rtl else "right", "justify": "left"}.get(align, align)


def _style_css(style: Any) -> str:
    """The text style of a page reference, from computed values (an unusual
    value is left out: the reference then inherits the furniture's)."""
    out = []
    for name in _REF_PROPERTIES:
        css = _value_css(name, style[name])
        if css is not None:
            out.append(f"{name.replace('_', '-')}: {css}")
    return "; ".join(out)


_GENERIC = ("serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui")


def _value_css(name: str, value: Any) -> str | None:
    if name == "font_family":
        return ", ".join(f if f in _GENERIC else css_string(f) for f in value)
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
    if isinstance(value, str) and value and all(c.islower() or c == "-" for c in value) and value.isascii():
        return value
    if name == "font_weight" and isinstance(value, int):
        return str(value)
    return None


def css_string(text: str) -> str:
    """A CSS string token for `text`."""
    return '"' + serialize_string_value(text) + '"'
