"""Wrapping to display columns: East-Asian wide characters count as two.

Latin and Korean text break at spaces only (a word longer than the line,
in practice a URL, stands alone rather than being cut). Chinese and Japanese
text may break between any two characters except before closing punctuation
or after opening punctuation (kinsoku), so "。" or "」" never starts a line,
"「" never ends one, and pairs such as "」。", "……" or "——" stay together.
"""

from __future__ import annotations

import re
import unicodedata

from ip5pub.extract.scripts import is_hangul

# Line-start and line-end prohibitions of JIS X 4051 (classes as in W3C's
# "Requirements for Japanese Text Layout"), plus their Chinese and Latin
# counterparts: closing brackets, hyphens, dividing punctuation, middle dots,
# full stops, commas, inseparables, iteration marks, the prolonged sound mark
# and small kana never start a line; opening brackets never end one.
_NO_START = set(
    "’”）〕］｝〉》」』】｠〙〗〟»)]}"  # cl-02 closing brackets
    "‐〜゠–~"  # cl-03 hyphens
    "！？‼⁇⁈⁉?!"  # cl-04 dividing punctuation
    "・：；:;"  # cl-05 middle dots
    "。．."  # cl-06 full stops
    "、，,"  # cl-07 commas
    "—―…‥〳〴〵"  # cl-08 inseparables: a pair such as "……" stays whole
    "ヽヾゝゞ々〻"  # cl-09 iteration marks
    "ー"  # cl-10 prolonged sound mark
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"  # cl-11 small kana
    "゛゜%‰"  # sound marks and units that belong to what precedes them
)
_NO_END = set("‘“（〔［｛〈《「『【｟〘〖«〝([{")  # cl-01 opening brackets


# A space a line may break at: any whitespace but the no-break spaces
# ("WIPO\u00a01", "«\u00a0…\u00a0»" stay on one line).
_SPACE = r"[^\S\u00a0\u2007\u202f]"


def char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def width(text: str) -> int:
    if text.isascii():  # no combining or wide character: most words of a digest
        return len(text)
    return sum(char_width(c) for c in text)


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _breaks_anywhere(ch: str) -> bool:
    """Han, kana and CJK punctuation may break between characters; Korean,
    though wide, separates words with spaces like Latin text does."""
    return _is_wide(ch) and not is_hangul(ch)


_RUNS = re.compile(rf"({_SPACE}+)|(?:(?!{_SPACE}).)+")


def _units(text: str) -> list[str]:
    """Unbreakable units: Latin words (with trailing space) or CJK characters
    joined to the punctuation that may not be separated from them."""
    units: list[str] = []
    for run in _RUNS.finditer(text):
        if run.group(1):
            units.append(" ")
        elif run.group().isascii() or not any(map(_breaks_anywhere, run.group())):
            units.append(run.group())  # a word: every character glued to the one before
        else:
            _glue(run.group(), units)
    return units


def _glue(run: str, units: list[str]) -> None:
    """The units of a run without spaces that has characters a line may break between."""
    for tok in run:
        prev = units[-1] if units else ""
        glue = prev and prev != " " and (
            not (_breaks_anywhere(tok) or _breaks_anywhere(prev[-1]))  # inside a Latin or Korean word
            or tok in _NO_START or prev[-1] in _NO_END
        )
        if glue:
            units[-1] += tok
        else:
            units.append(tok)


def wrap(text: str, columns: int, indent: str = "", first_indent: str | None = None) -> list[str]:
    """Lines of at most `columns` display columns (unless one word is wider)."""
    first = indent if first_indent is None else first_indent
    lines: list[str] = []
    line, used = first, width(first)
    pending_space = False
    for unit in _units(re.sub(f"{_SPACE}+", " ", text).strip(" ")):
        if unit == " ":
            pending_space = True
            continue
        need = width(unit) + (1 if pending_space else 0)
        at_start = line.strip() == ""
        if not at_start and used + need > columns:
            lines.append(line.rstrip())
            line, used = indent + unit, width(indent) + width(unit)
        else:
            add = (" " if pending_space and not at_start else "") + unit
            line += add
            used += width(add)
        pending_space = False
    if line.strip():
        lines.append(line.rstrip())
    return lines


def fill(text: str, columns: int, indent: str = "", first_indent: str | None = None) -> str:
    return "\n".join(wrap(text, columns, indent, first_indent))


def fit(text: str, columns: int, middle: bool = False) -> str:
    """`text` in at most `columns` display columns: cut with "…" at the end, or in
    the middle (a file name keeps its start and its ending)."""
    if width(text) <= columns:
        return text
    if not middle:
        out = ""
        for ch in text:
            if width(out) + char_width(ch) > columns - 1:
                break
            out += ch
        return out.rstrip() + "…"
    tail = ""
    for ch in reversed(text):
        if width(tail) + char_width(ch) > (columns - 1) // 2:
            break
        tail = ch + tail
    return fit(text, columns - width(tail), middle=False) + tail


# Where a summary may end: after a sentence (a period after a word of three
# letters or more, or a digit, so "U.S." and "Inc." do not end one), else
# before a clause mark, else before a word that opens a clause in English.
_SENTENCE_END = re.compile(r"(?:(?<=[^\W\d_]{3})\.|(?<=\d)\.|[!?])(?=\s|$)|[。！？](?=.)")
_CLAUSE_MARK = re.compile(r"\s*(?:[,;:]|\s[—–])\s|[、，；：（]")
_CLAUSE_WORD = re.compile(r"\s(?=(?:that|which|who|whom|whose|while|whereas|because|after|before|when|where|"
                          r"although|though|since|unless|until|following|including)\s)")


def clip(text: str, limit: int) -> str:
    """`text` in `limit` display columns (CJK counts two; an ellipsis may add one), ended at a pause.

    Whole sentences if they fill at least two fifths of the room; else up to
    the last clause mark (a comma, a semicolon, a dash) or word opening a
    clause ("that", "while") past half of it, then "…"; else at a word (in
    Chinese and Japanese, at a character), then "…". A cut at a fixed length
    leaves "intends to capture the…" in the at-a-glance table.
    """
    text = " ".join(text.split())
    if width(text) <= limit:
        return text
    room = 0
    while width(text[: room + 1]) <= limit:
        room += 1
    head = text[: room + 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(head) if m.end() <= room]
    if ends and ends[-1] >= room * 2 // 5:
        return text[: ends[-1]]
    pauses = [m.start() for pattern in (_CLAUSE_MARK, _CLAUSE_WORD) for m in pattern.finditer(head)
              if room // 2 <= m.start() < room]
    if pauses:
        return text[: max(pauses)].rstrip() + "…"
    cut = head[:room]
    space = cut.rfind(" ")
    if space >= room // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:—–") + "…"
