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
               r"(?:\s*(?:至|到|から|~|～|-|–|—|부터)\s*(?:(?P<m2>\d{1,2})\s*[月월]\s*)?(?P<d2>\d{1,2})\s*[日일])?"),
    # 2021-06-22 (to 2021-06-23)
    re.compile(r"(?P<y>\d{4})-(?P<m1>\d{2})-(?P<d1>\d{2})(?:" + _DASH + r"(?:\d{4}-(?P<m2>\d{2})-)?(?P<d2>\d{2}))?"),
]


def _month(value: str | None) -> int | None:
    if value is None:
        return None
    return int(value) if value.isdigit() else MONTHS[value.lower().rstrip(".")]


def find_event(text: str, year: int) -> Event | None:
    """The first date or date range in `text` (usually the lead sentence).

    A date without a year takes the notice's year.
    """
    best: tuple[int, re.Match[str]] | None = None
    for pattern in _PATTERNS:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), m)
    if best is None:
        return None
    m = best[1]
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
