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
