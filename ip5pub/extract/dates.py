"""Dates as the offices print them.

Each rule is a regular expression plus a builder; `parse_date` tries them in
order. We do not use dateparser here: it resolves relative words ("yesterday")
against the clock and guesses day/month order, and a briefing must give the
same date for the same bytes on every machine.
"""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}


class ImpossibleDate(ValueError):
    """The text has the shape of a date but names no real day."""


def _ymd(y: str | int, m: str | int, d: str | int) -> dt.date:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError as exc:
        raise ImpossibleDate(f"{y}-{m}-{d} is not a calendar date") from exc


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _era_year(era: str, year: str) -> int:
    return _ERAS[era] + (1 if year == "元" else int(year))


# (pattern, builder) in priority order; every pattern is searched, not matched,
# so a label in front ("Updated:", "发布时间：") does not matter.
RULES: list[tuple[re.Pattern[str], object]] = [
    (  # 2021-06-29, 2021.04.14, 2021/6/29, also the date part of ISO datetimes
        re.compile(r"(?<!\d)(?P<y>\d{4})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?!\d)"),
        lambda m: _ymd(m["y"], m["m"], m["d"]),
    ),
    (  # 2021年6月24日, 2021 年 06 月 24 日
        re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
        lambda m: _ymd(m["y"], m["m"], m["d"]),
    ),
    (  # 令和3年6月29日
        re.compile(r"(?P<era>令和|平成|昭和)\s*(?P<y>元|\d{1,2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
        lambda m: _ymd(_era_year(m["era"], m["y"]), m["m"], m["d"]),
    ),
    (  # 2021년 6월 29일, 2021. 6. 29.
        re.compile(r"(?P<y>\d{4})\s*(?:년|\.)\s*(?P<m>\d{1,2})\s*(?:월|\.)\s*(?P<d>\d{1,2})\s*(?:일|\.)?"),
        lambda m: _ymd(m["y"], m["m"], m["d"]),
    ),
    (  # July 02, 2021 / Jun. 29 2021
        re.compile(r"\b" + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b", re.I),
        lambda m: _ymd(m["y"], _month(m["month"]), m["d"]),
    ),
    (  # 23 July 2020 / Tue, 29 Jun 2021 08:00:00 GMT
        re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<y>\d{4})\b", re.I),
        lambda m: _ymd(m["y"], _month(m["month"]), m["d"]),
    ),
    (  # CNIPA English site: "Updated: 6 29,2021" (month day,year)
        re.compile(r"(?<![\d.])(?P<m>\d{1,2})\s+(?P<d>\d{1,2})\s*,\s*(?P<y>\d{4})\b"),
        lambda m: _ymd(m["y"], m["m"], m["d"]),
    ),
    (  # 06/29/2021 (US order; only with a four-digit year last)
        re.compile(r"(?<!\d)(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})(?!\d)"),
        lambda m: _ymd(m["y"], m["m"], m["d"]),
    ),
]


def parse_date(text: str) -> dt.date | None:
    """The first date written in `text`, or None.

    Raises ImpossibleDate when the first date-shaped text is not a real day
    ("Updated: 13 45,2021"); callers must not fall back to another date.
    """
    text = text.strip()
    if not text:
        return None
    try:  # RFC 822 feed dates first: exact and unambiguous
        if re.match(r"^[A-Za-z]{3},?\s+\d", text):
            return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    best: tuple[int, object, re.Match[str]] | None = None
    for pattern, build in RULES:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), build, m)
    if best is None:
        return None
    return best[1](best[2])  # type: ignore[operator]


def looks_like_date(text: str) -> bool:
    """Loose check used to refuse impossible dates rather than ignore them."""
    return bool(re.search(r"\d{1,4}\s*[-./ ,年월년月]\s*\d{1,2}", text))


def coerce_date(value: object) -> dt.date | None:
    """A date from front matter or a hint (date, datetime or string)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return parse_date(value)
    return None


# Dates a person writes for ip5pub (front matter, sidecars, --today/--since/
# --until) are ISO only: "05/12/2026" is 5 December in Europe and 12 May in
# the United States, so it is refused with the readings to write instead.
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class NotIsoDate(ValueError):
    """A date written by a person that is not YYYY-MM-DD; the message says what to write."""


def iso_date(value: object, field: str) -> dt.date:
    """`value` as a date when it is one or is written YYYY-MM-DD; else NotIsoDate naming `field`."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = _ISO.fullmatch(text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    shown = repr(text) if len(text) <= 40 else f"a value of {len(text):,} characters"
    what = "is not a calendar date" if m else "is not a date written year-month-day"
    raise NotIsoDate(f"{field} {shown} {what}; {iso_fix(text)}")


def readings(text: str) -> list[dt.date]:
    """The calendar dates three numbers with a four-digit year can mean:
    year first is year-month-day (day and month swapped only when that is
    no date); year last is either day-month or month-day."""
    numbers = re.findall(r"\d+", text)
    if len(numbers) != 3 or sum(len(n) == 4 for n in numbers) != 1 or any(len(n) not in (1, 2, 4) for n in numbers):
        return []
    if len(numbers[0]) == 4:
        year, a, b = int(numbers[0]), int(numbers[1]), int(numbers[2])
        orders = [(a, b)] if _valid(year, a, b) else [(b, a)]
    elif len(numbers[2]) == 4:
        year, a, b = int(numbers[2]), int(numbers[0]), int(numbers[1])
        orders = [(b, a), (a, b)]  # day-month first, as most of the world writes it
    else:
        return []
    out: list[dt.date] = []
    for month, day in orders:
        if _valid(year, month, day) and dt.date(year, month, day) not in out:
            out.append(dt.date(year, month, day))
    return out


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def iso_fix(text: str) -> str:
    """What to write instead: the calendar dates `text` can mean, as ISO dates."""
    found = readings(text)
    if not found:
        return "write a real day as year-month-day, e.g. 2021-06-29"
    return "write " + " or ".join(f"{d.isoformat()} ({d.day} {d:%B %Y})" for d in found)
