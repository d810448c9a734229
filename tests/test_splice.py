"""Pure parts of laying a chunk out again from a page (the layouts themselves:
tests/test_pdf_chunks.py)."""

from __future__ import annotations

import pytest

from ip5pub.render.chunked import splice
from ip5pub.render.chunked.worker import Laid
from ip5pub.render.weasy import resume


def test_a_page_state_survives_json_with_its_types():
    import json

    state = ({0: {0: {3: None}}}, {"break": "any", "page": ""}, False,
             ([0], {"page": [4], "footnote": [2]}, [{"page", "footnote"}], [["front", 2, {0: None}]]))
    back = resume.decode(json.loads(json.dumps(resume.encode(state))))
    assert back == state
    assert isinstance(back[3], tuple) and isinstance(back[3][2][0], set) and list(back[0]) == [0]


def test_a_state_holding_an_object_is_not_kept():
    with pytest.raises(resume.Unencodable):
        resume.encode(({0: object()},))


def test_cut_takes_the_pages_of_the_parts_a_range_covers():
    parts = [("a", 0, 3), ("b", 0, 2), ("a", 5, 9)]  # 3 + 2 + 4 pages
    assert splice.cut(parts, 0, 3) == [("a", 0, 3)]
    assert splice.cut(parts, 2, 6) == [("a", 2, 3), ("b", 0, 2), ("a", 5, 6)]
    assert splice.cut(parts, 6, 9) == [("a", 6, 9)]
    assert splice.cut(parts, 9, 9) == []


def _last(notices: list[list[str]], anchors: dict[str, int], tops: list[list[str]]) -> Laid:
    pages = len(tops)
    return Laid(b"", pages, anchors=anchors, tops=tops, states=[{"t": []}] * (pages + 1), notices=notices,
                frame="f")


def test_a_chunk_is_laid_out_from_the_page_its_first_changed_notice_starts_on():
    last = _last([["a", "1"], ["b", "2"], ["c", "3"], ["d", "4"]], {"a": 0, "b": 1, "c": 2, "d": 4},
                 [["a"], [], ["c"], [], []])
    found = [["a", "1"], ["b", "2x"], ["c", "3"], ["d", "4"]]
    got = splice.plan(last, found, "f")
    assert got is not None and got.start == 1 and got.unchanged == frozenset({"c", "d"})
    # "c" starts page 2: page 1 may have tried it at its foot, so from page 1
    got = splice.plan(last, [["a", "1"], ["b", "2"], ["c", "3x"], ["d", "4"]], "f")
    assert got is not None and got.start == 1 and got.unchanged == frozenset({"d"})
    assert splice.plan(last, found, "other frame") is None
    assert splice.plan(last, found[:3], "f") is None  # a notice fewer: laid out whole
    assert splice.plan(last, [["a", "1x"], *found[1:]], "f") is None  # from the first page: no gain


def test_the_elements_are_numbered_in_document_order_each_with_its_last_descendant():
    from ip5pub.render.chunked import tree

    root = tree.parse("<!DOCTYPE html><html><head><title>t</title></head>"
                      "<body><ol><li>a <b>b</b> c</li><li>d</li></ol><p>e</p></body></html>")
    found, ends = splice.elements(root)
    tags = [e.tag for e in root.iter()]
    assert tags == ["html", "head", "title", "body", "ol", "li", "b", "li", "p"]
    assert ends == [8, 2, 2, 8, 7, 6, 6, 7, 8]
    assert len(set(found)) == len(found)
    # Its own text, the text after it and its attributes make an element's digest; not its children's.
    again, _ = splice.elements(tree.parse("<!DOCTYPE html><html><head><title>t</title></head>"
                                          "<body><ol><li>a <b>B</b> c</li><li>d</li></ol><p>e</p></body></html>"))
    assert [k for k, (x, y) in enumerate(zip(found, again)) if x != y] == [6]
    again, _ = splice.elements(tree.parse("<!DOCTYPE html><html><head><title>t</title></head>"
                                          "<body><ol><li>a <b>b</b> C</li><li>d</li></ol><p>e</p></body></html>"))
    assert [k for k, (x, y) in enumerate(zip(found, again)) if x != y] == [6]  # " C" is the tail of <b>


def _matter(firsts: list[int], elements: list[str], pages: int = 6) -> Laid:
    return Laid(b"", pages, states=[{"t": []}] * (pages + 1), firsts=firsts, elements=elements)


def test_the_matter_is_laid_out_from_the_page_before_its_first_changed_element():
    # html head title body ol li b li p: the head on no page, the list from page 0 to page 4
    last = _matter([0, -1, -1, 0, 0, 0, 2, 4, 5], list("htTbolBLp"))
    ends = [8, 2, 2, 8, 7, 6, 6, 7, 8]
    got = splice.plan_elements(last, list("htTbolXLp"), ends)  # <b> changed, on page 2
    assert got is not None and (got.start, got.after, got.elements) == (1, 6, 9)
    got = splice.plan_elements(last, list("htTbolBLq"), ends)  # <p>, on page 5
    assert got is not None and (got.start, got.after) == (4, 8)
    got = splice.plan_elements(last, list("htTbOlBLp"), ends)  # the <ol> itself: past all it holds
    assert got is None  # ... which starts on page 0: no gain
    got = splice.plan_elements(last, list("htTbolBYq"), ends)  # two changes: from the first, past the last
    assert got is not None and (got.start, got.after) == (3, 8)
    assert splice.plan_elements(last, list("hXTbolBLq"), ends) is None  # the head (a style): laid out whole
    assert splice.plan_elements(last, list("htTbolBL"), ends[:8]) is None  # an element fewer
    assert splice.plan_elements(last, list("htTbolBLp"), ends) is None  # nothing changed
    # A page that may not be started from (a footnote carried into it): the one before.
    held = _matter(last.firsts, last.elements)
    held.states = [{"t": []}, {"t": []}, None, {"t": []}, {"t": []}, {"t": []}, {"t": []}]
    got = splice.plan_elements(held, list("htTbolBLq"), ends)
    assert got is not None and got.start == 4
    assert splice.plan_elements(held, list("htTboXBLp"), ends) is None  # the first <li>, on page 0: no gain


def test_a_joined_document_knows_where_each_element_starts():
    last = _matter([0, -1, 0, 1, 2, 3, 5], list("abcdefg"))
    # Laid out from page 2 (three new pages) and caught up: pages 5 and on are the last layout's.
    new = Laid(b"", 3, names=["", "", ""], refs=[[], [], []], tops=[[], [], []], states=[{"t": []}] * 6,
               start=2, resync=5, firsts=[-1, -1, -1, -1, 0, 2, -1])
    joined = splice.join("old", last, "new", new)
    assert joined.parts == [["old", 0, 2], ["new", 0, 3], ["old", 5, 6]]
    assert joined.firsts == [0, -1, 0, 1, 2, 4, 5]


def _pdf(pages: list[bytes], glyphs: list[int], states: tuple[str, ...] = ("GS1",), stand_in: bool = True) -> bytes:
    """A PDF as a layout worker writes one, reduced to what joining reads:
    one font F1 (a stand-in program, a text map of `glyphs`) and graphics
    states shared by every page, whose content streams are `pages`."""
    import io

    import pikepdf

    from ip5pub.render.chunked import faces

    pdf = pikepdf.Pdf.new()
    program = faces._sfnt(b"\0\1\0\0", {b"head": b"h" * 54, b"name": b"n" * 8,
                                        **({faces.STAND_IN: b"ip5pub"} if stand_in else {})})
    cmap = b"1 beginbfchar\n" + b"".join(b"<%04x> <0041>\n" % g for g in glyphs) + b"endbfchar"
    descriptor = pikepdf.Dictionary(FontFile2=pdf.make_stream(program))
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, ToUnicode=pdf.make_stream(cmap),
                              DescendantFonts=[pikepdf.Dictionary(FontDescriptor=descriptor)])
    resources = pdf.make_indirect(pikepdf.Dictionary(
        Font=pikepdf.Dictionary(F1=font), ExtGState=pikepdf.Dictionary({f"/{s}": pikepdf.Dictionary() for s in states})))
    for content in pages:
        page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 100, 100], Resources=resources,
                                  Contents=pdf.make_stream(content))
        pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_what_a_last_layout_holds_is_read_per_page_and_a_join_needs_every_glyph_it_holds_drawn():
    """splice.held reads each page's glyphs and states ahead; joinable: the
    kept pages and the new document must draw every glyph and state the old
    document holds, or its fonts would not be a cold layout's."""
    old = _pdf([b"/GS1 gs BT /F1 10 Tf <00010002> Tj ET", b"BT /F1 10 Tf <0003> Tj ET"], [1, 2, 3])
    held = splice.held(old)
    assert held.plain and held.fonts == {"F1": {1, 2, 3}} and held.states == {"GS1"}
    assert held.pages == [({"F1": {1, 2}}, {"GS1"}), ({"F1": {3}}, set())]
    holds_3 = _pdf([b"BT /F1 10 Tf <0003> Tj ET"], [3])
    holds_4 = _pdf([b"BT /F1 10 Tf <0004> Tj ET"], [4])
    assert splice.joinable([held], [[0]], holds_3)  # page 2 laid out again: its glyph 3 is in the new pages
    assert not splice.joinable([held], [[0]], holds_4)  # glyph 3 drawn by no page of the book now
    assert splice.joinable([held], [[0, 1]], holds_4)
    assert splice.joinable([held], [[1]], _pdf([b""], [1, 2, 3]))  # page 1 laid out again
    assert not splice.joinable([held], [[1]], _pdf([b""], [1, 2, 3], states=()))  # GS1 used by no page now
    assert not splice.held(_pdf([b""], [1], stand_in=False)).plain  # a real subset: not joined
    assert not splice.joinable([held], [[0, 1]], _pdf([b""], [1], stand_in=False))
