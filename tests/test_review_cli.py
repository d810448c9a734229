"""`ip5pub review` as an analyst runs it before sending: text for an 80-column
terminal, JSON in the shape scripts rely on, a self-contained HTML page
(opened in a real headless Chromium in a slow test); exit status 0 with
doubts, 1 for failed sources or with --fail-on-doubt. And `check` and `list`
as the issue asks: `check` checks sources and EPUBs only; `list` fits 80 columns."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from conftest import RecordingServer, make_workspace, run_cli
from ip5pub.wrap import width

TODAY = "2026-12-07"  # after every notice of the corpus: the corpus's doubts, not the calendar's
KOREAN = "sources/txt-kipo-2023-06-22-cnipa-heads-talks-ko.txt"

FIELD = {"type": "object", "required": ["value", "from", "lost"], "additionalProperties": False,
         "properties": {"value": {}, "from": {"type": ["string", "null"]},
                        "lost": {"type": "array", "items": {
                            "type": "object", "required": ["value", "from", "why"], "additionalProperties": False,
                            "properties": {"value": {"type": "string"}, "from": {"type": "string"},
                                           "why": {"type": "string"}}}}}}
# The shape in issue 16 (and the README): `lost` is each field's competing candidates.
SCHEMA = {
    "type": "object", "required": ["notices"], "additionalProperties": False,
    "properties": {"notices": {"type": "array", "items": {
        "type": "object", "required": ["id", "source", "fields", "flags", "event"], "additionalProperties": False,
        "properties": {
            "id": {"type": "string"},
            "source": {"type": "object", "required": ["path", "item"], "additionalProperties": False,
                       "properties": {"path": {"type": "string"}, "item": {"type": ["integer", "null"], "minimum": 1}}},
            "fields": {"type": "object", "additionalProperties": False,
                       "required": ["title", "date", "office", "publisher", "summary", "language", "event",
                                    "acronyms", "attribution", "translated_from", "offices"],
                       "properties": {k: FIELD for k in ("title", "date", "office", "publisher", "summary", "language",
                                                         "event", "acronyms", "attribution", "translated_from",
                                                         "offices")}},
            "flags": {"type": "array", "items": {
                "type": "object", "required": ["code", "message", "fix"], "additionalProperties": False,
                "properties": {"code": {"type": "string", "pattern": "^[a-z]+(-[a-z]+)+$"},
                               "message": {"type": "string"},
                               "fix": {"type": "string", "pattern": r"^\S.*\.meta\.yaml: [a-z_]+: .+$"}}}},
            "event": {"oneOf": [{"type": "null"}, {
                "type": "object", "required": ["shown", "members", "signal"], "additionalProperties": False,
                "properties": {"shown": {"type": "string"}, "members": {"type": "array", "items": {"type": "string"},
                                                                           "minItems": 2},
                               "signal": {"type": "string"}}}]},
        }}}},
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("review"), everything=True)


def _shown_lines(text: str) -> list[str]:
    """The lines of a text review, but for the fix lines (copied whole, never cut)."""
    lines = text.splitlines()
    return [line for i, line in enumerate(lines) if not (i and lines[i - 1].strip().startswith("fix, in "))
            and not line.strip().startswith("fix, in ")]


@pytest.mark.slow
def test_the_text_review_lists_every_notice_in_80_columns(corpus):
    proc = run_cli("review", "--today", TODAY, cwd=corpus)
    assert proc.returncode == 0, proc.stderr  # a report: doubts are no failure
    listed = run_cli("list", "--json", cwd=corpus)
    notices = json.loads(listed.stdout)
    heads = re.findall(r"^(?:== (\d+) =+|-- (\d+\.\d+) not printed: merged into story (\d+) -+)$", proc.stdout, re.M)
    assert len(heads) == len(notices) == 32
    stories = [int(h[0]) for h in heads if h[0]]
    assert stories == list(range(1, len(stories) + 1))  # in the brief's order
    assert all(h[1].split(".")[0] == h[2] for h in heads if h[1])  # each copy after the story it was merged into
    too_wide = [line for line in _shown_lines(proc.stdout) if width(line) > 80]
    assert not too_wide, too_wide
    assert proc.stdout.splitlines()[:2] == ["ip5pub review of the brief of 7 December 2026",
                                            "32 notices in 17 stories; 1 with doubts."]
    assert f"fix, in {KOREAN}.meta.yaml:\n            title: \"특허청, 중국 국가지식산권국과 청장회담 개최 (<the headline in English>)\"" \
        in proc.stdout
    # what the brief prints, and where each value came from
    assert "EPO · 23 June 2021 · English · also reported by" in proc.stdout
    assert "date        2021-06-23 (date element with the headline (<time>))" in proc.stdout
    assert "publisher   Hanlin & Moore LLP (sidecar)" in proc.stdout  # the sample's correction
    assert "\nattribution Translated from CNIPA Website Chinese Version" in proc.stdout  # a label never runs on
    # A copy says by which signal it is linked to which others, numbered, strongest signal first: one
    # line or two, not a line per copy (the titles are listed under the story printed).
    assert "merged      linked by same text to 14.3; by same event dates and offices to 14,\n            14.1\n" \
        in proc.stdout


def test_only_doubtful_and_fail_on_doubt(corpus):
    proc = run_cli("review", "--today", TODAY, "--only-doubtful", "--fail-on-doubt", cwd=corpus, check=False)
    assert proc.returncode == 1
    assert re.findall(r"^== (\d+) =+$", proc.stdout, re.M) == ["6"]
    assert proc.stderr.strip() == "ip5pub: 1 notice(s) with doubts (--fail-on-doubt)"
    quiet = run_cli("review", "--today", TODAY, "--since", "2024-01-01", "--fail-on-doubt", cwd=corpus)
    assert quiet.returncode == 0 and "0 with doubts" in quiet.stdout


def test_a_failed_source_is_exit_1_and_listed(tmp_path):
    ws = make_workspace(tmp_path / "ws")
    (ws / "sources/broken.txt").write_text("A broken notice\nUpdated: 13 45,2021\n\nText.\n")
    proc = run_cli("review", cwd=ws, check=False)
    assert proc.returncode == 1
    [error] = [line for line in proc.stderr.splitlines() if line.startswith("ip5pub: error:")]
    assert error.startswith("ip5pub: error: sources/broken.txt:")
    assert "Not in the brief: sources that failed" in proc.stdout and "sources/broken.txt:" in proc.stdout
    assert "\n1 source failed and is not in the brief: listed at the end.\n" in proc.stdout


def test_a_field_the_brief_prints_empty_says_none_and_why(tmp_path):
    ws = make_workspace(tmp_path / "ws", sources=None)
    (ws / "sources/plain.md").write_text("---\ntitle: A help desk opens\ndate: 2021-06-30\npublisher: Example Firm\n---\n\n"
                                         "A help desk for applicants opened on 30 June 2021.\n", encoding="utf-8")
    text = run_cli("review", "--today", TODAY, cwd=ws).stdout
    assert "\noffices     none (offices the title and text name)\n" in text


def test_the_json_review_has_the_shape_scripts_rely_on(corpus):
    proc = run_cli("review", "--today", TODAY, "--json", cwd=corpus)
    data = json.loads(proc.stdout)
    jsonschema.validate(data, SCHEMA)
    assert len(data["notices"]) == 32
    korean = next(n for n in data["notices"] if n["source"]["path"] == KOREAN)
    assert korean["flags"] == [{"code": "title-not-english", "message": korean["flags"][0]["message"],
                                "fix": f'{KOREAN}.meta.yaml: title: "특허청, 중국 국가지식산권국과 청장회담 개최 '
                                       '(<the headline in English>)"'}]
    assert korean["fields"]["date"] == {"value": "2023-06-22", "from": "the date line under the title (2023-06-22)",
                                        "lost": []}
    feed = next(n for n in data["notices"] if n["source"] == {"path": "sources/rss-ipasiawire-2021-06-25-office-news.xml",
                                                              "item": 1})
    assert feed["event"]["signal"] in ("same text", "same event dates and offices")
    assert feed["id"] in feed["event"]["members"] and feed["event"]["shown"] in feed["event"]["members"]
    epo = next(n for n in data["notices"] if n["source"]["path"] == "sources/html-epo-2020-11-25-cnipa-isa-pilot.html")
    assert {"value": "Epo.org", "from": "<title> suffix", "why": "og:site_name comes first"} in \
        epo["fields"]["publisher"]["lost"]
    only = json.loads(run_cli("review", "--today", TODAY, "--json", "--only-doubtful", cwd=corpus).stdout)
    assert [n["source"]["path"] for n in only["notices"]] == [KOREAN]


def test_the_html_review_is_one_page_that_loads_nothing(tmp_path):
    ws = make_workspace(tmp_path / "ws")
    (ws / "sources/hostile.md").write_text(
        '---\ntitle: "<script>alert(1)</script> EPO <img src=x onerror=alert(2)> notice"\ndate: 2021-06-30\n'
        'summary: "A summary with <style>body{background:url(http://127.0.0.1:9/s)}</style> in it."\n---\n\n'
        "The EPO opened a help desk for applicants on 30 June 2021.\n", encoding="utf-8")
    proc = run_cli("review", "--html", "out/review.html", cwd=ws)
    assert proc.stdout.strip() == "out/review.html"
    page = (ws / "out/review.html").read_text(encoding="utf-8")
    assert re.search(r'<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; '
                     r"style-src &#39;sha256-[A-Za-z0-9+/=]+&#39;;", page)
    assert "<script" not in page and "<img" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r'\b(?:src|href)="(?!#)', page)  # only links inside the page
    assert page.count("<style>") == 1


def test_check_is_the_ci_gate_and_says_what_it_does_not_check(tmp_path):
    ws = make_workspace(tmp_path / "ws")
    help_text = run_cli("check", "--help", cwd=ws).stdout
    assert "The CI gate" in help_text and "not checked" in help_text
    (ws / "build").mkdir()
    (ws / "build/digest.txt").write_text("IP5 Briefing\n\nThere were no notices in the period.\n")
    (ws / "build/digest.txt.json").write_text('{"edition": "2021-07-01", "notices": []}\n')
    proc = run_cli("check", "build/digest.txt", "build/digest.txt.json", cwd=ws, check=False)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "ip5pub: error: build/digest.txt: not checked: a digest (its manifest is beside it); check checks sources "
        "and EPUB files only",
        "ip5pub: error: build/digest.txt.json: not checked: a digest's manifest; check checks sources and EPUB files "
        "only",
        "ip5pub: check failed"]
    assert "notice(s) ok" not in proc.stdout


@pytest.mark.slow
def test_check_on_the_built_pdf_and_html_says_it_checks_sources_and_epubs_only(rendered):
    proc = run_cli("check", "build/brief.pdf", "build/brief.html", "sources", cwd=rendered, check=False)
    assert proc.returncode == 1
    assert [line for line in proc.stderr.splitlines() if "not checked" in line] == [
        "ip5pub: error: build/brief.pdf: not checked: a PDF; check checks sources and EPUB files only",
        "ip5pub: error: build/brief.html: not checked: an HTML brief made by ip5pub; check checks sources and EPUB "
        "files only"]
    assert "binary data" not in proc.stderr and proc.stdout.startswith("5 notice(s) ok, 0 source(s) failed")


def test_list_shows_the_source_and_fits_80_columns(corpus):
    lines = run_cli("list", cwd=corpus).stdout.splitlines()
    assert len(lines) == 32 and all(width(line) <= 80 for line in lines)
    assert "  rss-ipasiaw…news.xml#1  Five major patent offices map out po…" in "\n".join(lines)
    assert any(line.startswith("2021-06-29  CNIPA  cnipa-2021-…eeting.txt  The 14th IP5 Heads") for line in lines)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _open(page: Path, profile: Path) -> tuple[str, list[str]]:
    """The page's DOM after Chromium loaded it, and the console messages it logged."""
    args = [_chromium() or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000",
            "--dump-dom", page.as_uri()]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(profile)})
    return proc.stdout, [line for line in proc.stderr.splitlines() if "CONSOLE" in line]


@pytest.mark.slow
@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed (apt-get install chromium)")
def test_the_html_review_opens_in_chromium_without_errors_or_requests(tmp_path):
    with RecordingServer() as server:
        ws = make_workspace(tmp_path / "ws")
        (ws / "sources/hostile.md").write_text(
            f'---\ntitle: "EPO notice <img src={server.url}/title.png> <script src={server.url}/t.js></script>"\n'
            f"date: 2021-06-30\noffice: EPO\nurl: {server.url}/notice\n"
            f'summary: "<link rel=stylesheet href={server.url}/s.css> A summary."\n---\n\n'
            f"The EPO opened a [help desk]({server.url}/desk) for applicants on 30 June 2021. "
            f"![logo]({server.url}/logo.png)\n", encoding="utf-8")
        run_cli("review", "--html", "review.html", cwd=ws)
        dom, console = _open(ws / "review.html", tmp_path / "profile")
        # A control: the same browser, a page that does log an error, is heard.
        (tmp_path / "control.html").write_text("<script>console.error('control error')</script>")
        _, control = _open(tmp_path / "control.html", tmp_path / "profile2")
        assert any("control error" in line for line in control), "console messages are not captured"
        assert console == []
        assert server.hits == []
        assert "Review of the brief of 1 July 2021" in dom and "EPO notice &lt;img src=" in dom
        assert "The 14th IP5 Heads of Offices Meeting Held" in dom
