"""Header lines: the metadata a notice prints under its title.

"Date: 2019-06-14  Source: KIPO  Views: 1532", "2021-06-24 · Source: EPO",
"来源：国家知识产权局": labelled fields and at most one bare date. The plain
text, Markdown and Word readers take them from under the title; the HTML and
feed readers drop a block made of them (HEADER_FIELD).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ip5pub.extract.dates import ImpossibleDate, parse_date

# Labels of header lines under the title; each maps to a hint key.
_LABELS = {
    "date": r"Updated|Update|Date|Published|Posted|Release\s+Date|Issued|发布时间|发布日期|时间|日期|更新时间|"
            r"掲載日|更新日|公開日|작성일|등록일|게시일|날짜",
    "publisher": r"Source|来源|出典|출처|From",
    "author": r"Author|By|作者|작성자",
    "views": r"Views|Hits|浏览次数|阅读|点击|조회수|閲覧数",
    "other": r"Department|Division|Contact|Writer|담당부서|부서|첨부파일|Attachment|所属|担当|部门|栏目",
}
_FIELD = re.compile(
    r"(?P<label>" + "|".join(f"(?P<{k}>{v})" for k, v in _LABELS.items()) + r")\s*[:：]\s*"
    r"(?P<value>.*?)(?=\s{2,}|\s*[|｜]\s*|\s+(?:" + "|".join(_LABELS.values()) + r")\s*[:：]|$)",
    re.I,
)
_HEADER_LINE = re.compile(r"^(?:" + "|".join(_LABELS.values()) + r")\s*[:：]", re.I)
HEADER_FIELD = _HEADER_LINE  # a line that starts with a metadata label: "Date: …", "来源：…"
RULE = re.compile(r"^[-=_*~—–─━·•]{3,}$")  # a line that only draws a rule

def header_fields(line: str) -> dict[str, str]:
    """'Date: 2019-06-14  Source: KIPO  Views: 1532' -> {'date': ..., 'publisher': ...}."""
    fields: dict[str, str] = {}
    for m in _FIELD.finditer(line):
        key = next(k for k in _LABELS if m.group(k))
        value = m.group("value").strip()
        if value and key not in fields:
            fields[key] = value
    return fields


_SEGMENTS = re.compile(r"\s*(?:[·|｜•]|\s{2,})\s*")


def header_line(line: str) -> dict[str, str] | None:
    """Fields of a header line, or None when the line is not one.

    A header line is made of labelled fields and at most one bare date, in
    segments separated by "·", "|" or wide spaces: "2021-06-24 · Source: EPO".
    A date-shaped value that is no real date is an error, not a miss.
    """
    fields: dict[str, str] = {}
    for segment in filter(None, _SEGMENTS.split(line)):
        if _HEADER_LINE.match(segment):
            for key, value in header_fields(segment).items():
                fields.setdefault(key, value)
            continue
        if len(segment) > 40:
            return None
        try:
            dated = parse_date(segment) is not None
        except ImpossibleDate:  # date-shaped: parse_text says what is wrong with it
            dated = True
        if not dated or "date" in fields:
            return None
        fields["date"] = segment
    return fields or None


def header_block(lines: Sequence[str], start: int = 0, *, clean: Callable[[str], str] = lambda line: line,
                 gaps: bool = False, limit: int | None = None,
                 longest: int | None = None) -> tuple[list[dict[str, str]], int]:
    """The header lines from `start` on: each one's fields, and the index of
    the first line that is not one. With `gaps`, blank and rule lines between
    them are passed over (plain text); without, a blank line ends them.
    `limit`: how many lines to look at; `longest`: a longer line is no
    header line; `clean`: what to take off a line first (Markdown emphasis)."""
    found: list[dict[str, str]] = []
    i = start
    while i < len(lines) and (limit is None or i - start < limit):
        raw = lines[i]
        if gaps and (not raw or RULE.match(raw)):
            i += 1
            continue
        if not gaps and not raw.strip():
            break
        fields = header_line(clean(raw)) if longest is None or len(raw) < longest else None
        if not fields:
            break
        found.append(fields)
        i += 1
    return found, i
