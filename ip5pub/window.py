"""Time windows for --since/--until: absolute dates or 7d / 2w / 1m / 1y back."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_RELATIVE = re.compile(r"^(?P<n>\d{1,4})\s*(?P<unit>[dwmy])$", re.I)


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, clamped to the month's end (31 Mar - 1m = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def resolve(value: str, today: dt.date) -> dt.date:
    """'2021-06-01' -> that date; '7d' -> today - 7 days; '1m' -> a month back."""
    value = value.strip()
    m = _RELATIVE.match(value)
    if m:
        n, unit = int(m["n"]), m["unit"].lower()
        if unit == "d":
            return today - dt.timedelta(days=n)
        if unit == "w":
            return today - dt.timedelta(weeks=n)
        if unit == "m":
            return months_back(today, n)
        return months_back(today, 12 * n)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is neither a date (YYYY-MM-DD) nor a span like 7d, 2w, 1m, 1y") from None
