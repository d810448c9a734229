"""Every use of WeasyPrint beyond its documented API, in one package.

The single pass and the chunked layout share the warning collector here;
the chunked layout also builds an `HTML` from a tree it has already parsed
(`HTML.__new__`), reads each laid-out page's name (`page._page_box`),
the page each element first has a box on (`first_pages`) and
the boxes at its top, and takes its page references out of the layout
(`references`: box classes, computed `style` values, the computed `content`
tuples); the PDF/UA tagging adds to WeasyPrint's structure tree while it is
built (`tags`: two private functions of `weasyprint.pdf` wrapped); the
chunked layout subsets a face again as WeasyPrint does (`resubset`:
the HarfBuzz calls of `Font._harfbuzz_subset`, on a face opened from its
file, through an FFI of its own), and its parts
embed stand-ins for installed faces (`subsets.stand_ins`) and write a
link to another part's anchor by the anchor's name (`links.named`:
`weasyprint.pdf.resolve_links` wrapped), and it lays a
document (a chunk, the front or back matter) out again from one of its
pages (`resume`: `make_all_pages` replaced,
`context.page_maker` read and set, `remake_page` called). Every layout
reads a font's program only when it is needed, lays a page out again only
when its content may change, subsets each face with one HarfBuzz call
where two give the same bytes, lays a leader out as one box whose
dots are drawn by repeating one dot's operators, reads a line's glyphs
a run at a time and writes a run met before as it wrote it, computes the equal
styles of elements and pseudo-elements once, an element's marker,
footnote and note styles only when a box asks for them, a page's styles
once for all pages of its kind, and a document's style sheet once per
process (`defer_font_programs`, `lay_out_running_elements_once`,
`page_references_in_two_layouts`, `page_references_set_ahead`,
`subset_fonts_in_threads`, `subset_in_one_pass`, `draw_leaders_once`,
`glyphs_read_in_bulk`, `equal_styles_shared`, `pseudo_styles_when_asked`, `page_styles_by_kind`,
`stylesheets_parsed_once`; each an `installer.Installer`: made by its
first call, and only on the internals it was written for, which it checks
first). The house style relies on one behaviour:
`element(name, start)` takes the element assigned first on a page when a
string of the same name is set down the page's first-child chain
(brief.css sets one on each notice's header; tests/test_pdf_pages.py
checks every page's head).

These were checked against WeasyPrint VERIFIED (pyproject.toml bounds the
version to match). On another version, or when one of them is not what it
was, `InternalsChanged` is raised: the PDF renderer then lays the brief
out in one pass, or writes PDF/UA without the tagging additions, with a
warning either way. To allow a new version: run tests/test_pdf_chunks.py
(it compares a chunked layout with a single pass, pixel by pixel),
tests/test_pdf_archive.py and tests/test_pdf_pages.py, and extend VERIFIED.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from tinycss2.serializer import serialize_string_value

from ip5pub.render.weasy.glyphruns import glyphs_read_in_bulk as glyphs_read_in_bulk
from ip5pub.render.weasy.installer import Installer
from ip5pub.render.weasy.leaders import draw_leaders_once as draw_leaders_once
from ip5pub.render.weasy.pagerefs import page_references_in_two_layouts as page_references_in_two_layouts
from ip5pub.render.weasy.pagerefs import page_references_set_ahead as page_references_set_ahead
from ip5pub.render.weasy.pagestyles import page_styles_by_kind as page_styles_by_kind
from ip5pub.render.weasy.sharing import equal_styles_shared as equal_styles_shared
from ip5pub.render.weasy.sheets import stylesheets_parsed_once as stylesheets_parsed_once
from ip5pub.render.weasy.styles import pseudo_styles_when_asked as pseudo_styles_when_asked
from ip5pub.render.weasy.subsets import subset_fonts_in_threads as subset_fonts_in_threads
from ip5pub.render.weasy.subsets import subset_in_one_pass as subset_in_one_pass

VERIFIED = ("70.",)  # version prefixes whose internals this module was checked against


class InternalsChanged(RuntimeError):
    """WeasyPrint is not laid out the way this module expects."""


def check_version() -> None:
    import weasyprint

    if not weasyprint.__version__.startswith(VERIFIED):
        raise InternalsChanged(f"WeasyPrint {weasyprint.__version__} is not one ip5pub was checked against "
                               f"({', '.join(v + 'x' for v in VERIFIED)})")


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


class _Deferred:
    """A font's whole program, read from its HarfBuzz face when first asked for."""

    __slots__ = ("face",)

    def __init__(self, face: Any) -> None:
        self.face = face


@Installer
def defer_font_programs() -> bool:
    """Read a font's whole file into memory only when something needs it.

    WeasyPrint copies every font file it draws with into a bytes object
    (a Chinese, Japanese or Korean face is 20-27 MB, and a notice in one of
    them uses three or four faces), then subsets it from its HarfBuzz face
    without reading that copy: only a variable or colour font, or the
    fontTools fallback, does. Here the copy is made when first read. On a
    WeasyPrint whose fonts are made otherwise nothing is changed: the PDF is
    the same, the memory higher. Once per process.
    """
    try:
        from weasyprint.pdf import fonts

        make, read = fonts.Font.__init__, fonts.get_hb_object_data
    except (ImportError, AttributeError):
        return False
    if "file_content" in vars(fonts.Font):
        return False

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
    return True


# ---- pagination ------------------------------------------------------------------


@Installer
def lay_out_running_elements_once() -> bool:
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
    try:
        import inspect

        from weasyprint.layout import page as paged

        make = paged.make_page
        params = list(inspect.signature(make).parameters)[:5]
    except (ImportError, AttributeError, ValueError):
        return False
    if params != ["context", "root_box", "page_type", "resume_at", "page_number"]:
        return False

    def make_page(context: Any, root_box: Any, page_type: Any, resume_at: Any, page_number: int,
                  *args: Any, **kwargs: Any) -> Any:
        for pages in getattr(context, "running_elements", {}).values():
            if page_number not in pages and not _holds_notes(pages):
                pages[page_number] = []
        return make(context, root_box, page_type, resume_at, page_number, *args, **kwargs)

    paged.make_page = make_page
    return True


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


def first_pages(pages: list[Any], ordinals: dict[int, int], count: int) -> list[int]:
    """The page each of `count` elements first has a box on, by the element's
    place in document order (`ordinals`: id of an element -> its place); -1
    for none. Empty when the pages' boxes cannot be read (another
    WeasyPrint): the document is then never laid out from a page."""
    firsts = [-1] * count
    for i, page in enumerate(pages):
        top = getattr(page, "_page_box", None)
        if top is None:
            return []
        boxes = [top]
        while boxes:
            box = boxes.pop()
            element = getattr(box, "element", None)
            if element is not None:
                k = ordinals.get(id(element))
                if k is not None and firsts[k] < 0:
                    firsts[k] = i
            boxes.extend(getattr(box, "children", None) or ())
    return firsts


def css_string(text: str) -> str:
    """A CSS string token for `text`."""
    return '"' + serialize_string_value(text) + '"'


def install_patches() -> None:
    """Every change ip5pub makes to WeasyPrint's work, before a layout (each
    installs once; none changes a byte of the PDF: tests/test_weasy_patches.py)."""
    defer_font_programs()
    lay_out_running_elements_once()
    page_references_in_two_layouts()
    page_references_set_ahead()
    subset_fonts_in_threads()
    subset_in_one_pass()
    draw_leaders_once()
    glyphs_read_in_bulk()
    # Before the next, which then sees a marker, footnote or note style
    # first: one it leaves for later is not looked up by kind for nothing.
    equal_styles_shared()
    pseudo_styles_when_asked()
    page_styles_by_kind()
    stylesheets_parsed_once()
