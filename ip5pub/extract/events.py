"""The dates of what a notice reports: "From June 22-23, 2021, ..."."""

from __future__ import annotations

import datetime as dt
import re

from ip5pub.extract.dates import MONTHS, ImpossibleDate
from ip5pub.model import Event

_M = r"(?P<{n}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DASH = r"\s*(?:-|–|—|to|until|through|and)\s*"
_Y = r"(?:,?\s*(?P<y>\d{4}))?"

_PATTERNS = [
    # June 30 - July 2, 2021 / June 22-23, 2021 / June 22 (2021)
    re.compile(_M.format(n="m1") + r"\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?"
               r"(?:" + _DASH + r"(?:" + _M.format(n="m2") + r"\s+)?(?P<d2>\d{1,2})(?:st|nd|rd|th)?)?" + _Y + r"\b", re.I),
    # 22-23 June 2021 / 30 June - 2 July 2021 / 22 June
    re.compile(r"\b(?P<d1>\d{1,2})(?:st|nd|rd|th)?(?:\s+" + _M.format(n="m1") + r")?" + _DASH +
               r"(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+" + _M.format(n="m2") + _Y, re.I),
    re.compile(r"\b(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+" + _M.format(n="m1") + _Y, re.I),
    # 2021年6月22日至23日 / 6月22日-23日 / 6月22日至7月2日 / 2021년 6월 22일부터 23일까지
    re.compile(r"(?:(?P<y>\d{4})\s*[年년]\s*)?(?P<m1>\d{1,2})\s*[月월]\s*(?P<d1>\d{1,2})\s*[日일]"
               r"(?:(?:\s*[（(][^（）()]{1,8}[)）])?\s*(?:至|到|から|~|～|-|–|—|부터|及び|和|与|及)\s*(?:(?P<m2>\d{1,2})\s*[月월]\s*)?(?P<d2>\d{1,2})\s*[日일])?"),
    # 2021-06-22 (to 2021-06-23)
    re.compile(r"(?P<y>\d{4})-(?P<m1>\d{2})-(?P<d1>\d{2})(?:" + _DASH + r"(?:\d{4}-(?P<m2>\d{2})-)?(?P<d2>\d{2}))?"),
]


def _month(value: str | None) -> int | None:
    if value is None:
        return None
    return int(value) if value.isdigit() else MONTHS[value.lower().rstrip(".")]


def _mention(m: re.Match[str], year: int) -> Event | None:
    groups = m.groupdict()
    y = int(groups.get("y") or year)
    m1 = _month(groups.get("m1")) or _month(groups.get("m2"))
    m2 = _month(groups.get("m2")) or m1
    try:
        start = dt.date(y, m1, int(groups["d1"]))  # type: ignore[arg-type]
        end = dt.date(y, m2, int(groups.get("d2") or groups["d1"]))  # type: ignore[arg-type]
    except (ValueError, TypeError, ImpossibleDate):
        return None
    if end < start:  # "December 30 - January 2" crosses a year
        end = end.replace(year=end.year + 1)
    return Event(start, end)


def mentions(text: str, year: int) -> list[tuple[int, int, Event]]:
    """Every day or day range written in `text`, in order, without overlaps."""
    found: list[tuple[int, int, Event]] = []
    pos = 0
    while True:
        best: re.Match[str] | None = None
        for pattern in _PATTERNS:
            m = pattern.search(text, pos)
            if m and (best is None or m.start() < best.start() or m.start() == best.start() and m.end() > best.end()):
                best = m
        if best is None:
            return found
        event = _mention(best, year)
        if event:
            found.append((best.start(), best.end(), event))
        pos = max(best.end(), best.start() + 1)


# Cues in the words just before a date.
_SAID = re.compile(r"(?:said|announced|reported|stated|told|밝혔|表示|宣布|発表)\w*\s*(?:on\s*)?$", re.I)
_EFFECT = re.compile(r"(?:effect(?:ive)?|in force|apply|applies|applicable|on or after|施行|生效|실시|시행)\b[^.。]{0,30}$", re.I)
_UNTIL = re.compile(r"(?:until|till|through|to|ending on|and ending|end(?:s|ing)? on|至|到|まで|까지|~|～)", re.I)
_OPENED = re.compile(r"(?:opened|began|begun|started|opening|开幕|开始|開幕|개막)\b[^.。]{0,30}$", re.I)


def find_event(text: str, year: int) -> Event | None:
    """What the lead reports happened when (the lead is the first sentences).

    - a date the notice says something takes effect on wins ("take effect on
      October 2, 2020", "apply on or after January 19, 2025");
    - a date linked to the first by "until"/"至"/"ending on" closes a range;
    - a meeting that "opened on May 13" and ended on another date within a
      month spans both;
    - otherwise the first date or range; dates after "said on" are when the
      notice was announced, not an event. A date without a year takes `year`.
    """
    found = [(a, b, e) for a, b, e in mentions(text, year) if not _SAID.search(text[max(0, a - 30):a])]
    if not found:
        return None
    for a, _, event in found:
        if _EFFECT.search(text[max(0, a - 40):a]):
            return event
    first_a, first_b, first = found[0]
    for a, _, event in found[1:]:
        gap = text[first_b:a]
        if len(gap) <= 80 and _UNTIL.search(gap) and event.end > first.start:
            return Event(first.start, event.end)
    opened = [e for a, _, e in found if _OPENED.search(text[max(0, a - 40):a])]
    if opened:
        dates = [d for _, _, e in found for d in (e.start, e.end)]
        start, end = min(dates), max(dates)
        if (end - start).days <= 31:
            return Event(start, end)
    return first
