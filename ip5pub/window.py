"""Time windows for --since/--until: ISO dates or 7d / 2w / 1m / 1y back.

A window ends at --until, else today, and never after today: a notice dated
in the future (a typo'd year, most likely) never tops a weekly digest.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from ip5pub.extract.dates import NotIsoDate, iso_date, readings
from ip5pub.model import Window

_RELATIVE = re.compile(r"^(?P<n>\d{1,4})\s*(?P<unit>[dwmy])$", re.I)


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, clamped to the month's end (31 Mar - 1m = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def resolve(value: str, today: dt.date, field: str = "date") -> dt.date:
    """'2021-06-01' -> that date; '7d' -> today - 7 days; '1m' -> a month back.

    Anything else is a ValueError naming `field` and what to write.
    """
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
        return iso_date(value, field)
    except NotIsoDate as exc:
        if readings(value) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):  # a date, badly written: say how to write it
            raise ValueError(str(exc)) from None
        raise ValueError(f"{field} {value!r:.40} is neither a date written year-month-day (2021-06-29) "
                         "nor a span back from today (7d, 2w, 1m, 1y)") from None


def window(since: str | None, until: str | None, today: dt.date) -> Window:
    """The window --since/--until ask for: ending at --until, else today, never after today.

    No --since and no --until is no window (every notice); ValueError for
    a value that is neither a date nor a span, or a start after the end.
    """
    start = resolve(since, today, "--since") if since else None
    end = resolve(until, today, "--until") if until else (today if start else None)
    if end is not None and end > today:
        end = today  # the future holds no notices yet, only typos
    if start and end and start > end:
        after = f"--until {end}" if until and end < today else f"today ({today})"
        raise ValueError(f"--since {start} is after {after}")
    return Window(start, end)
