"""Wrapping to display columns: CJK counts two, words and punctuation pairs stay whole."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ip5pub.wrap import clip, width, wrap

# Character classes of JIS X 4051 (as listed in W3C "Requirements for Japanese
# Text Layout", appendix A), written out here rather than read from the code
# under test: the wrapper must honour the standard, not its own tables.
OPENING_BRACKETS = "‘“（〔［｛〈《「『【｟〘〖«〝"  # cl-01: never end a line
CLOSING_BRACKETS = "’”）〕］｝〉》」』】｠〙〗»〟"  # cl-02
HYPHENS = "‐〜゠–"  # cl-03
DIVIDING_PUNCTUATION = "！？‼⁇⁈⁉"  # cl-04
MIDDLE_DOTS = "・：；"  # cl-05
FULL_STOPS = "。．"  # cl-06
COMMAS = "、，"  # cl-07
ITERATION_MARKS = "ヽヾゝゞ々〻"  # cl-09
PROLONGED_SOUND_MARK = "ー"  # cl-10
SMALL_KANA = "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"  # cl-11
NEVER_START = (CLOSING_BRACKETS + HYPHENS + DIVIDING_PUNCTUATION + MIDDLE_DOTS + FULL_STOPS + COMMAS
               + ITERATION_MARKS + PROLONGED_SOUND_MARK + SMALL_KANA)
NEVER_END = OPENING_BRACKETS

ZH = "国家知识产权局于六月三十日公布了专利审查高速路（PPH）项目的最新统计数据。数据显示，申请人通过该项目提交的请求数量比去年同期有所增加。"
JA = "審査官は、外国語の文献を日本語で確認できるようになり、「より早い段階で関連文献を見つけられた」との声が寄せられています。"
KO = "특허청은 6월 25일 심사 품질을 높이기 위해 주요 특허청들과의 협력을 확대한다고 밝혔습니다."


@pytest.mark.parametrize("text, expected", [
    ("abc", 3), ("中文", 4), ("한국어", 6), ("かな", 4), ("（）", 4), ("e\u0301", 1), ("", 0), ("A中", 3),
])
def test_display_width(text, expected):
    assert width(text) == expected


@pytest.mark.parametrize("text", [ZH, JA])
@pytest.mark.parametrize("columns", [10, 21, 30, 72])
def test_cjk_lines_fit_and_obey_kinsoku(text, columns):
    lines = wrap(text, columns)
    assert "".join(lines) == text  # nothing lost, no space invented between CJK characters
    assert all(width(line) <= columns for line in lines)
    assert all(line[0] not in NEVER_START for line in lines), lines
    assert all(line[-1] not in NEVER_END for line in lines), lines


@pytest.mark.parametrize("mark", NEVER_START)
def test_no_line_starts_with_a_jis_x_4051_start_prohibited_character(mark):
    text = ("审查" + mark + "特许") * 6
    for columns in range(4, 24):
        lines = wrap(text, columns)
        assert "".join(lines) == text
        assert not any(line.startswith(mark) for line in lines), (columns, lines)


@pytest.mark.parametrize("mark", NEVER_END)
def test_no_line_ends_with_an_opening_bracket(mark):
    text = ("审查特" + mark + "许庁") * 6
    for columns in range(4, 24):
        lines = wrap(text, columns)
        assert not any(line.endswith(mark) for line in lines), (columns, lines)


def test_cjk_punctuation_pairs_stay_together():
    # 「…」 closing quote followed by a full stop, and doubled ellipses/dashes.
    text = "彼は「はい」。それから……考えた——長い間。"
    for columns in range(6, 30):
        lines = wrap(text, columns)
        joined = "|".join(lines)
        for pair in ("」。", "……", "——"):
            assert pair in joined, (columns, lines)


@pytest.mark.parametrize("columns", [12, 20, 31, 50])
def test_korean_breaks_only_between_words(columns):
    lines = wrap(KO, columns)
    assert " ".join(lines) == KO
    words = set(KO.split())
    assert all(set(line.split()) <= words for line in lines)
    assert all(width(line) <= columns for line in lines)


def test_indents_and_widths():
    lines = wrap("one two three four five six seven eight nine ten", 16, indent="   ", first_indent="")
    assert lines == ["one two three", "   four five six", "   seven eight", "   nine ten"]
    assert all(width(line) <= 16 for line in lines)


def test_a_word_longer_than_the_line_is_never_cut():
    url = "https://example.org/" + "a" * 80
    lines = wrap(f"See {url} today.", 40)
    assert lines == ["See", url, "today."]


def test_mixed_latin_and_cjk():
    lines = wrap("The JPO said 「審査を加速する」。Next steps follow in July.", 20)
    assert all(width(line) <= 20 for line in lines)
    assert not any(line.endswith("「") or line.startswith(("」", "。")) for line in lines)
    assert "July." in lines[-1]


words = st.text(alphabet="abcdefghij", min_size=1, max_size=12)
hangul_words = st.text(alphabet="특허청은심사품질을높이기", min_size=1, max_size=8)
cjk_runs = st.text(alphabet="中文字数据。、「」（）特許庁審査", min_size=1, max_size=10)  # a glued run stays narrower than a line


@given(st.lists(st.one_of(words, cjk_runs, hangul_words), min_size=1, max_size=40), st.integers(min_value=24, max_value=100))
def test_property_no_line_too_wide_nothing_lost(parts, columns):
    text = " ".join(parts)
    lines = wrap(text, columns)
    assert all(width(line) <= columns for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())
    assert all(line == line.strip() and line for line in lines)
    # Latin and Korean words come through whole.
    whole = {p for p in parts if not any("\u4e00" <= c <= "\u9fff" or c in "。、「」（）" for c in p)}
    pieces = {w for line in lines for w in line.split()}
    assert whole <= pieces


def test_no_break_spaces_hold_their_neighbours_together():
    # French quotation marks keep their narrow no-break spaces; an office keeps its count.
    text = "un «\u202frésultat encourageant\u202f» selon WIPO\u00a012 et CNIPA\u00a03"
    assert wrap(text, 12) == ["un", "«\u202frésultat", "encourageant\u202f»", "selon", "WIPO\u00a012 et", "CNIPA\u00a03"]


STRATEGY = ("The United States Patent and Trademark Office (USPTO) today released an artificial intelligence (AI) "
            "strategy that describes how the agency intends to capture the benefits of AI while managing its risks.")
TREATY = ("Delegates met in Riyadh. The U.S. delegation, led by the USPTO, signed the treaty on 22 November 2024, "
          "closing a diplomatic conference that had opened on 11 November and ending two decades of talks.")


@pytest.mark.parametrize("text,limit,expected", [
    # Short enough: untouched, spaces folded.
    ("The EPO opened  a new office.", 170, "The EPO opened a new office."),
    # One long sentence: cut before the clause that opens past half the room, not mid-phrase.
    (STRATEGY, 170, "The United States Patent and Trademark Office (USPTO) today released an artificial "
                    "intelligence (AI) strategy…"),
    # "U.S." ends no sentence; the comma past half the room is the pause.
    (TREATY, 170, "Delegates met in Riyadh. The U.S. delegation, led by the USPTO, signed the treaty on 22 November "
                  "2024, closing a diplomatic conference…"),
    # A first sentence that fills two fifths of the room is enough.
    (TREATY, 60, "Delegates met in Riyadh."),
    # Chinese counts two columns a character and ends at 。
    ("国家知识产权局于六月三十日公布了专利审查高速路（PPH）项目的最新统计数据。数据显示，申请人通过该项目提交的请求数量比去年同期有所增加。",
     100, "国家知识产权局于六月三十日公布了专利审查高速路（PPH）项目的最新统计数据。"),
    # No pause at all: at a word, with an ellipsis.
    ("word " * 40, 50, "word word word word word word word word word word…"),
])
def test_clip_ends_summaries_at_a_pause(text, limit, expected):
    assert clip(text, limit) == expected
    assert width(clip(text, limit)) <= limit + 1  # the ellipsis may take the last column
