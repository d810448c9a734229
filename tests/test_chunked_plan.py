"""The chunked layout's planning and stylesheet handling, without laying anything out (fast)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from ip5pub.model import Brief, Notice, SourceRef, Story
from ip5pub.render.chunked import css, plan

STYLES = Path(__file__).resolve().parent.parent / "styles"


def notice(i: int, words: int = 450) -> Notice:
    return Notice(id=f"n-{i:04d}", title=f"Notice {i}", date=dt.date(2021, 6, 1), office="EPO", publisher="EPO",
                  language="en", summary="", source=SourceRef(f"sources/n{i}.txt", "0" * 64, "text"), body="x",
                  words=words)


def brief(n: int, words: int = 450) -> Brief:
    return Brief("T", "S", "", "en", dt.date(2021, 7, 1), tuple(Story(notice(i, words)) for i in range(n)))


IDS = [f"n-{i:04d}" for i in range(500)]


def test_chunks_cover_every_story_in_order_within_their_size_bounds():
    ranges = plan.plan(IDS, 24)
    assert [i for a, b in ranges for i in range(a, b)] == list(range(500))
    sizes = [b - a for a, b in ranges]
    assert all(12 <= s <= 48 for s in sizes[:-1]), sizes
    assert 500 / len(ranges) > 12


def test_a_brief_under_the_threshold_is_one_chunk_and_gets_no_page_break():
    assert plan.plan(IDS[:plan.THRESHOLD - 1], 6) == [(0, plan.THRESHOLD - 1)]
    assert plan.page_breaks_css(brief(plan.THRESHOLD - 1), 6) == ""
    assert plan.plan([], 6) == []


def test_boundaries_are_content_defined_an_insertion_moves_only_its_own():
    before = {IDS[a] for a, _ in plan.plan(IDS, 24)}
    inserted = IDS[:250] + ["n-new"] + IDS[250:]
    after = {inserted[a] for a, _ in plan.plan(inserted, 24)}
    assert len(before ^ after) <= 2  # at most the boundary next to the new notice


def test_every_chunk_but_the_first_starts_a_page_in_any_layout():
    b = brief(100)
    ids = [s.notice.id for s in b.stories]
    starts = [ids[a] for a, _ in plan.plan(ids, 24)]
    rule = plan.page_breaks_css(b, 24)
    assert re.findall(r'id="([^"]+)"', rule) == starts[1:]
    assert "break-before: page" in rule


def test_an_id_is_quoted_as_a_css_string():
    assert 'article.notice[id="a\\"b"]' in plan.start_css(['a"b'])


def test_stand_in_has_as_many_digits_as_the_page_count_will():
    assert plan.stand_in(brief(10)) == 88  # ~10 pages of text + 8
    assert plan.stand_in(brief(500)) == 888  # ~500 pages
    assert plan.stand_in(brief(20, words=100)) == 88


def test_pieces_are_placed_one_after_another_the_first_anchor_winning():
    total, anchors = plan.place([(3, {"a": 0, "b": 2}), (2, {"b": 0, "c": 1}), (1, {})])
    assert total == 6
    assert anchors == {"a": 0, "b": 2, "c": 4}


# Pages 0-8: a and b start on page 2 (a at its top), c on page 4 below the
# rest of b, d at the top of page 7. tops: the ids down each page's first-child
# chain, an article continued from the page before included.
HEAD_IDS = ["a", "b", "c", "d"]
HEAD_ANCHORS = {"a": 2, "b": 2, "c": 4, "d": 7}
HEAD_TOPS = [[], ["contents"], ["a"], ["b"], ["b"], ["c"], ["c"], ["d"], ["d"]]


def test_page_heads_name_the_notice_at_the_top_of_each_page():
    # Page 3 is b's (continued), page 4 too (c starts below b's end), page 5 c's.
    assert plan.page_heads(HEAD_IDS, HEAD_ANCHORS, HEAD_TOPS, 2, 9) == ["a", "b", None, "c", None, "d", None]
    # A range starting where no notice starts: the one continued there.
    assert plan.page_heads(HEAD_IDS, HEAD_ANCHORS, HEAD_TOPS, 5, 9) == ["c", None, "d", None]
    assert plan.page_heads(HEAD_IDS, HEAD_ANCHORS, HEAD_TOPS, 0, 2) == [None, None]


def test_page_heads_with_first_name_the_first_notice_starting_on_each_page():
    # As element(notice-head, first): else the last one started before.
    assert plan.page_heads(HEAD_IDS, HEAD_ANCHORS, HEAD_TOPS, 2, 9, "first") == ["a", "b", "c", None, None, "d", None]


def test_a_notice_continued_at_the_top_is_not_taken_for_one_starting_there():
    tops = [["b"] if page == 4 else ids for page, ids in enumerate(HEAD_TOPS)]
    assert plan.page_heads(HEAD_IDS, {**HEAD_ANCHORS, "c": 3}, tops, 4, 5) == ["c"]


def test_furniture_pages_number_the_references_and_drop_unknown_targets():
    refs = [[{"target": "a"}, {"target": "gone"}], [], [{"target": "c"}]]
    pages = plan.furniture_pages(["a", "c"], {"a": 0, "c": 2}, ["front", "", ""], refs, [["a"], ["a"], ["c"]], 0, 3)
    assert [(p.name, p.head, [(r["target"], n) for r, n in p.refs]) for p in pages] == [
        ("front", "a", [("a", 1)]), ("", None, []), ("", "c", [("c", 3)])]


@pytest.mark.parametrize("n, most, count", [(0, 150, 1), (1, 150, 1), (74, 150, 1), (75, 150, 2), (150, 150, 2),
                                            (151, 150, 2), (300, 150, 2), (301, 150, 3), (509, 150, 4)])
def test_even_cuts_into_few_near_equal_parts_and_two_from_half_of_most(n, most, count):
    parts = plan.even(n, most)
    assert [i for a, b in parts for i in range(a, b)] == list(range(n))
    assert all(b - a <= most for a, b in parts)
    assert len(parts) == count
    assert max(b - a for a, b in parts) - min(b - a for a, b in parts) <= 1


@pytest.mark.parametrize("front, stories, back, chunks, expected", [
    # One chunk: the whole book cut evenly, as before the matter had documents of its own.
    (3, 30, 2, 1, [(0, 17), (17, 35)]),
    # More: the matter in documents of at most MATTER_FURNITURE_PAGES, the stories apart.
    (32, 603, 15, 27, [(0, 4), (4, 8), (8, 12), (12, 16), (16, 20), (20, 24), (24, 28), (28, 32),
                       # the 603 story pages in 31 documents of 19 or 20 (FURNITURE_PAGES)
                       (32, 51), (51, 70), (70, 90), (90, 109), (109, 129), (129, 148), (148, 168), (168, 187),
                       (187, 207), (207, 226), (226, 245), (245, 265), (265, 284), (284, 304), (304, 323), (323, 343),
                       (343, 362), (362, 382), (382, 401), (401, 421), (421, 440), (440, 459), (459, 479), (479, 498),
                       (498, 518), (518, 537), (537, 557), (557, 576), (576, 596), (596, 615), (615, 635),
                       (635, 638), (638, 642), (642, 646), (646, 650)]),
    (3, 50, 0, 2, [(0, 1), (1, 3), (3, 19), (19, 36), (36, 53)]),
])
def test_furniture_groups_keep_the_front_and_back_matter_in_small_documents_of_their_own(front, stories, back, chunks,
                                                                                       expected):
    groups = plan.furniture_groups(front, stories, back, chunks)
    assert groups == expected
    assert [i for a, b in groups for i in range(a, b)] == list(range(front + stories + back))


def test_a_document_key_changes_with_the_style_files():
    assert plan.document_key("k", "<p>", "@page{}", "styles-1") != plan.document_key("k", "<p>", "@page{}", "styles-2")
    assert plan.document_key("k", "<p>", "@page{}", "styles-1") == plan.document_key("k", "<p>", "@page{}", "styles-1")


# ---- the stylesheet -------------------------------------------------------------

HOUSE = (STYLES / "brief.css").read_text(encoding="utf-8")
STAND_IN = f"counter({plan.REF}, {plan.STAND_IN})"


def test_the_house_style_is_one_the_chunked_layout_draws_as_a_single_pass():
    assert css.unsupported(HOUSE) == []


def test_every_page_reference_becomes_the_stand_in_unbroken_and_nothing_else_changes():
    marked = css.mark_references(HOUSE)
    assert "target-counter" not in marked
    # Three in brief.css; the glossary's ", p. 7" is in brief.html's furniture block (in the brief's language).
    assert marked.count(STAND_IN) == HOUSE.count("target-counter(") == 3
    assert marked.count("white-space: nowrap !important;") == 3
    assert marked.replace("white-space: nowrap !important;", "").replace(STAND_IN, "T") == \
        re.sub(r"target-counter\(attr\(href url\), page\)", "T", HOUSE)


def test_braces_and_references_inside_strings_and_comments_are_left_alone():
    text = ('a::after { content: "{" target-counter(attr(href), page) "}"; }\n'
            '/* b::after { content: target-counter(attr(href), page) } */\n'
            'c::before { content: "target-counter(attr(href), page)"; }\n')
    marked = css.mark_references(text)
    assert marked.splitlines()[0] == 'a::after {white-space: nowrap !important; content: "{" ' + STAND_IN + ' "}"; }'
    assert marked.splitlines()[1:] == text.splitlines()[1:]


def test_the_page_total_is_written_in_where_counter_pages_was():
    text = '@page { @bottom-right { content: "Page " counter(page) " of " counter(pages); } }'
    assert css.page_total(text, 126) == '@page { @bottom-right { content: "Page " counter(page) " of " "126"; } }'


def test_the_house_style_takes_the_head_of_the_notice_at_the_top_and_the_furniture_shows_its_own():
    assert css.head_keyword(HOUSE) == "start"
    assert css.head_keyword(HOUSE.replace("notice-head, start", "notice-head, first")) == "first"
    assert css.head_keyword("p { color: red }") == "start"
    furniture = css.heads_first(HOUSE)
    assert "content: element(notice-head, start)" not in furniture
    assert "content: element(notice-head, first)" in furniture
    assert css.heads_first("a::after { content: element(other, start); }") == \
        "a::after { content: element(other, start); }"


@pytest.mark.parametrize("rule", [".notice header { string-set: notice-head \"\"; }",
                                  ".notice h1 { string-set: notice-head content(); }"])
def test_a_string_named_as_the_running_head_may_mark_where_a_notice_starts(rule):
    assert css.unsupported(HOUSE + "\n" + rule) == []


def test_both_ways_of_picking_the_head_in_one_style_are_named():
    found = css.unsupported(HOUSE + "\n@page front { @top-right { content: element(notice-head, first); } }")
    assert any("start) and element(notice-head, first) in one style" in f for f in found), found


@pytest.mark.parametrize("rule, reason", [
    ('.see::after { content: " (p. " target-counter(attr(href), page) ", " counter(x) ")"; }',
     "beside generated content other than strings"),
    (".see::after { content: target-text(attr(href)); }", "target-text()"),
    (".see::after { content: target-counters(attr(href), list-item, '.'); }", "target-counters()"),
    (".see::after { content: target-counter(attr(href), chapter); }", "other than target-counter(attr(href), page)"),
    (".see::after { content: target-counter(attr(href), page, lower-roman); }", "other than"),
    (".see { string-set: ref target-counter(attr(href), page); }", "outside the content of a ::before or ::after"),
    ("h2 { counter-increment: story; }", "counter-increment: story"),
    ("h2::before { content: counter(page); }", "counter(page) outside @page"),
    ("@page { @top-center { content: counter(chapter); } }", "counter(chapter) in a page margin"),
    ("@page { @bottom-center { content: counter(pages, lower-roman); } }", "other than decimal"),
    ("@page { @top-center { content: element(notice-head, last); } }", "only element(notice-head, start) or (…, first)"),
    (".notice-title { position: running(title); }", "running(title)"),
    (".notice-title { string-set: story content(); }", "string-set on another element"),
    (".notice-title { string-set: notice-head content(), story content(); }", "string-set on another element"),
    (".aside { float: footnote; }", "a footnote other than .link-note"),
    ("@page :left { margin-left: 30mm; }", "depends on the page's place"),
    ("@media print { h2 { counter-increment: story; } }", "counter-increment: story"),
])
def test_what_the_chunked_layout_cannot_draw_is_named_with_its_rule(rule, reason):
    found = css.unsupported(HOUSE + "\n" + rule)
    assert found and all(f.endswith(f"in `{rule.split('{')[0].strip()}`") or "@" in rule for f in found), found
    assert any(reason in f for f in found), found


def test_the_css_of_a_document_includes_linked_and_imported_sheets_from_the_styles_only(tmp_path):
    from ip5pub.render.chunked import tree

    styles, outside = tmp_path / "styles", tmp_path / "elsewhere"
    styles.mkdir()
    outside.mkdir()
    (styles / "extra.css").write_text('@import "more.css"; @import url("../elsewhere/secret.css"); a { color: red }')
    (styles / "more.css").write_text("h2 { counter-increment: story; }")
    (outside / "secret.css").write_text("h3 { counter-increment: hidden; }")
    root = tree.parse('<html><head><style>p { margin: 0 }</style><link rel="stylesheet" href="extra.css">'
                      '</head><body></body></html>')
    text = css.document_css(root, styles.as_uri() + "/", [styles.resolve()], "@page { size: A4 }")
    assert "p { margin: 0 }" in text and "color: red" in text and "counter-increment: story" in text
    assert "hidden" not in text
    assert "@page { size: A4 }" in text
