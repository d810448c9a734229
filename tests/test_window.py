"""Time windows: spans back from a day, across month and year ends; where 'today' comes from."""

from __future__ import annotations

import datetime as dt

import pytest

from ip5pub.cli import main
from ip5pub.model import Window
from ip5pub.window import resolve, window

D = dt.date


@pytest.mark.parametrize("value, today, expected", [
    ("7d", D(2021, 7, 1), D(2021, 6, 24)),
    ("7d", D(2021, 3, 3), D(2021, 2, 24)),     # across a short February
    ("7d", D(2024, 3, 3), D(2024, 2, 25)),     # ... and a leap one
    ("7d", D(2021, 1, 3), D(2020, 12, 27)),    # across the year end
    ("2w", D(2021, 1, 10), D(2020, 12, 27)),
    ("1d", D(2021, 1, 1), D(2020, 12, 31)),
    ("0d", D(2021, 1, 1), D(2021, 1, 1)),
    ("1m", D(2021, 7, 1), D(2021, 6, 1)),
    ("1m", D(2021, 1, 15), D(2020, 12, 15)),   # month back across the year end
    ("1m", D(2021, 3, 31), D(2021, 2, 28)),    # clamped to the shorter month
    ("1m", D(2024, 3, 31), D(2024, 2, 29)),
    ("3m", D(2021, 5, 31), D(2021, 2, 28)),
    ("13m", D(2021, 1, 31), D(2019, 12, 31)),
    ("1y", D(2024, 2, 29), D(2023, 2, 28)),
    ("1Y", D(2021, 6, 1), D(2020, 6, 1)),
    ("2021-06-01", D(2030, 1, 1), D(2021, 6, 1)),
    (" 7d ", D(2021, 7, 1), D(2021, 6, 24)),
])
def test_resolve(value, today, expected):
    assert resolve(value, today) == expected


@pytest.mark.parametrize("value", ["", "7", "d7", "1 week", "-7d", "7h"])
def test_resolve_rejects_with_a_useful_message(value):
    with pytest.raises(ValueError, match=r"neither a date written year-month-day \(2021-06-29\) nor a span"):
        resolve(value, D(2021, 7, 1))


@pytest.mark.parametrize("value, message", [
    ("2021-02-30", "--since '2021-02-30' is not a calendar date; write a real day as year-month-day, e.g. 2021-06-29"),
    ("2021/06/01", "--since '2021/06/01' is not a date written year-month-day; write 2021-06-01 (1 June 2021)"),
    ("05/12/2026", "--since '05/12/2026' is not a date written year-month-day; "
                   "write 2026-12-05 (5 December 2026) or 2026-05-12 (12 May 2026)"),
    ("13/11/2026", "--since '13/11/2026' is not a date written year-month-day; write 2026-11-13 (13 November 2026)"),
    ("2026-13-01", "--since '2026-13-01' is not a calendar date; write 2026-01-13 (13 January 2026)"),
])
def test_a_date_in_another_notation_is_refused_with_the_iso_form_to_write(value, message):
    with pytest.raises(ValueError) as caught:
        resolve(value, D(2030, 1, 1), "--since")
    assert str(caught.value) == message


def test_a_window_ends_at_until_else_today_and_never_after_today():
    today = D(2021, 7, 1)
    assert window("7d", None, today) == Window(D(2021, 6, 24), today)
    assert window("7d", "1d", today) == Window(D(2021, 6, 24), D(2021, 6, 30))
    assert window("2021-06-01", "2021-12-31", today) == Window(D(2021, 6, 1), today)
    assert window(None, "2021-06-30", today) == Window(None, D(2021, 6, 30))
    assert window(None, None, today) == Window()
    with pytest.raises(ValueError, match=r"--since 2030-01-01 is after today \(2021-07-01\)"):
        window("2030-01-01", None, today)
    with pytest.raises(ValueError, match="--since 2021-06-30 is after --until 2021-06-24"):
        window("1d", "7d", today)


def test_weekly_windows_tile_without_gap_or_overlap():
    """--since 7d --until 1d run every Monday covers each day exactly once, across year ends."""
    monday = D(2020, 11, 2)
    covered: list[dt.date] = []
    for week in range(12):
        today = monday + dt.timedelta(weeks=week)
        start, end = resolve("7d", today), resolve("1d", today)
        covered.extend(start + dt.timedelta(days=i) for i in range((end - start).days + 1))
    assert covered == [D(2020, 10, 26) + dt.timedelta(days=i) for i in range(84)]
    assert D(2020, 12, 31) in covered and D(2021, 1, 1) in covered


def _header(output: str) -> str:
    return output.splitlines()[2]


def test_today_option_beats_source_date_epoch(runner, workspace):
    # conftest sets SOURCE_DATE_EPOCH to 2021-07-01
    result = runner.invoke(main, ["digest", "--since", "7d", "--today", "2021-06-30", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert _header(result.stdout) == "Notices from 23 June 2021 to 30 June 2021 · edition of 30 June 2021"


def test_source_date_epoch_is_today_without_option(runner, workspace):
    result = runner.invoke(main, ["digest", "--since", "1w", "--until", "1d", "-o", "-"])
    assert _header(result.stdout) == "Notices from 24 June 2021 to 30 June 2021 · edition of 1 July 2021"


def test_clock_is_today_without_either(runner, workspace, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    today = dt.datetime.now(dt.UTC).date()
    result = runner.invoke(main, ["digest", "--since", "0d", "-o", "-"])
    from ip5pub.templates import longdate

    assert _header(result.stdout) == f"Notices of {longdate(today)} · edition of {longdate(today)}"


def test_since_after_until_is_a_usage_error(runner, workspace):
    result = runner.invoke(main, ["digest", "--since", "1d", "--until", "7d", "-o", "-"])
    assert result.exit_code == 2 and "is after --until" in result.output


def test_bad_span_is_a_usage_error(runner, workspace):
    result = runner.invoke(main, ["digest", "--since", "7x", "-o", "-"])
    assert result.exit_code == 2 and "neither a date" in result.output


@pytest.mark.parametrize("option", ["--today", "--since", "--until"])
def test_dates_on_the_command_line_are_iso_only(runner, workspace, option):
    result = runner.invoke(main, ["digest", option, "05/12/2021", "-o", "-"])
    assert result.exit_code == 2
    assert f"{option} '05/12/2021' is not a date written year-month-day; write 2021-12-05 (5 December 2021) " \
           "or 2021-05-12 (12 May 2021)" in " ".join(result.output.split())
