"""Dates a person writes for ip5pub (front matter, sidecars, options) are ISO
only, and windows cannot lie: they end by today, a future-dated notice is
named and kept out of them, and the period shown is the one asked for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import make_workspace, run_cli

BODY = "The European Patent Office said on this day that its new service opens to applicants.\n"
REFUSED = [
    ("05/12/2026", "date '05/12/2026' is not a date written year-month-day; "
                   "write 2026-12-05 (5 December 2026) or 2026-05-12 (12 May 2026)"),
    ("13/11/2026", "date '13/11/2026' is not a date written year-month-day; write 2026-11-13 (13 November 2026)"),
    ("2026-13-01", "'2026-13-01' is not a usable date and time; write 2026-01-13 (13 January 2026)"),
]


@pytest.fixture
def ws(tmp_path) -> Path:
    return make_workspace(tmp_path / "ws", sources=None)


def _notice(ws: Path, name: str, date: str, title: str = "EPO opens a service") -> Path:
    path = ws / "sources" / name
    path.write_text(f"---\ntitle: {title}\ndate: {date}\noffice: EPO\n---\n\n{BODY}", encoding="utf-8")
    return path


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("ip5pub: error: ")]


@pytest.mark.parametrize("written, message", REFUSED)
def test_front_matter_dates_are_iso_only_and_the_fix_is_shown(ws, written, message):
    _notice(ws, "good.md", "2021-06-29", "A good notice")
    _notice(ws, "bad.md", written)
    proc = run_cli("list", cwd=ws, check=False)
    assert proc.returncode == 1
    [error] = _errors(proc.stderr)
    assert error.startswith("ip5pub: error: sources/bad.md: ") and message in error, error
    assert "A good notice" in proc.stdout  # the other source still read


@pytest.mark.parametrize("written, message", REFUSED[:2])
def test_sidecar_dates_are_iso_only_and_the_sidecar_is_named(ws, written, message):
    (ws / "sources/page.txt").write_text(f"EPO opens a service\nUpdated: 6 29,2021\n\n{BODY}", encoding="utf-8")
    (ws / "sources/page.txt.meta.yaml").write_text(f"date: {written}\n", encoding="utf-8")
    proc = run_cli("list", cwd=ws, check=False)
    assert _errors(proc.stderr) == [f"ip5pub: error: sources/page.txt: sidecar page.txt.meta.yaml: {message}"]


def test_iso_dates_are_accepted_in_front_matter_and_sidecars(ws):
    _notice(ws, "a.md", "2021-06-29", "First notice")
    (ws / "sources/page.txt").write_text(f"Second notice\nUpdated: 6 29,2021\n\n{BODY}", encoding="utf-8")
    (ws / "sources/page.txt.meta.yaml").write_text("date: 2021-06-12\n", encoding="utf-8")
    listed = run_cli("list", cwd=ws).stdout
    assert re.search(r"^2021-06-29 .*First notice$", listed, re.M)
    assert re.search(r"^2021-06-12 .*Second notice$", listed, re.M)


def test_an_event_date_in_front_matter_is_iso_only(ws):
    path = _notice(ws, "event.md", "2021-06-29")
    path.write_text(path.read_text().replace("office: EPO\n", "office: EPO\nevent:\n  start: 22/06/2021\n"))
    [error] = _errors(run_cli("list", cwd=ws, check=False).stderr)
    assert "event start '22/06/2021' is not a date written year-month-day; write 2021-06-22 (22 June 2021)" in error


def test_a_future_dated_notice_is_named_and_kept_out_of_windows(ws):
    _notice(ws, "this-week.md", "2021-06-29", "This week's notice")
    _notice(ws, "typo.md", "2062-06-29", "A notice from the future")  # conftest's edition: 1 July 2021
    proc = run_cli("digest", "--since", "7d", "-o", "-", cwd=ws)
    assert "This week’s notice" in proc.stdout and "from the future" not in proc.stdout  # typographic apostrophe
    assert "Notices from 24 June 2021 to 1 July 2021" in proc.stdout  # the window ends today
    [warning] = [line for line in proc.stderr.splitlines() if "typo.md" in line]
    assert warning.startswith('ip5pub: warning: sources/typo.md: "A notice from the future" is dated 2062-06-29, '
                              "after the edition date 2021-07-01 (a typo?)")
    assert "sources/typo.md.meta.yaml" in warning
    # --until in the future is today: the window still ends by the edition date.
    later = run_cli("digest", "--since", "2021-06-01", "--until", "2070-01-01", "-o", "-", cwd=ws).stdout
    assert "from the future" not in later and "Notices from 1 June 2021 to 1 July 2021" in later
    # Without a window every notice is shown, the typo with its warning.
    everything = run_cli("digest", "-o", "-", cwd=ws)
    assert "A notice from the future" in everything.stdout and "typo.md" in everything.stderr


def test_the_cover_shows_the_window_asked_for(ws):
    _notice(ws, "one.md", "2021-06-29")
    run_cli("render", "-f", "html", "--since", "7d", "--until", "1d", cwd=ws)
    html = (ws / "build/brief.html").read_text(encoding="utf-8")
    assert '<p class="cover-period">24\u2009–\u200930 June 2021</p>' in html  # not just the one notice's date
