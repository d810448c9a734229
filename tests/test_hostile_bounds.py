"""Resource bounds for every source shape, measured: small hostile inputs inside
the stated limits cost seconds and hundreds of MiB, not minutes and gigabytes."""

from __future__ import annotations

import os
import stat

import pytest

from bounds import heavy_docx, lying_docx, measured, same_day_feed, short_paragraph_page, text_page
from conftest import SOURCES, seed_workspace

DOCX = SOURCES / "docx-wipo-2023-02-28-pct-filings-2022.docx"


def _one_error(proc, name: str) -> str:
    errors = [line for line in proc.stderr.splitlines() if line.startswith("ip5pub: error:")]
    assert len(errors) == 1 and errors[0].startswith(f"ip5pub: error: sources/{name}: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return errors[0]


@pytest.fixture(scope="module")
def heavy() -> bytes:
    return heavy_docx()


@pytest.mark.slow
def test_a_zip_that_under_declares_its_sizes_is_refused_before_pandoc(tmp_path):
    ws = seed_workspace(tmp_path, lying_docx=lying_docx())
    proc, seconds, rss = measured(["normalize", "sources", "-o", "out"], ws)
    line = _one_error(proc, "lying-docx")
    assert "not a readable .docx (Bad CRC-32" in line
    assert seconds < 20 and rss < 300, (seconds, rss)
    assert len(list((ws / "out").iterdir())) == 1


@pytest.mark.slow
def test_an_honest_docx_that_needs_gigabytes_in_pandoc_is_stopped_at_its_memory_bound(tmp_path, heavy):
    """Inside both stated limits (under 10 MiB, under 50 MiB inflated, about 9:1): pandoc alone took 8 GB."""
    assert len(heavy) < 10 * 1024 * 1024
    ws = seed_workspace(tmp_path, heavy_docx=heavy)
    (ws / "sources/heavy-docx").rename(ws / "sources/heavy.docx")
    proc, seconds, rss = measured(["normalize", "sources", "-o", "out"], ws)
    line = _one_error(proc, "heavy.docx")
    assert line.endswith("pandoc needs more than 512 MiB of memory for the .docx: stopped")
    assert seconds < 60 and rss < 1100, (seconds, rss)
    assert len(list((ws / "out").iterdir())) == 1


@pytest.mark.slow
@pytest.mark.parametrize("bound, reason", [
    ("PANDOC_CPU_SECONDS", "pandoc took more than 1 s of CPU on the .docx: stopped"),
    ("PANDOC_TIMEOUT", "pandoc took more than 1 s on the .docx: stopped"),
])
def test_pandoc_past_its_time_is_stopped_and_reported(monkeypatch, heavy, bound, reason):
    """The same Word file with the time bounds lowered to a second (the real pandoc, really stopped)."""
    from ip5pub.model import SourceError
    from ip5pub.readers import docx

    monkeypatch.setattr(docx, bound, 1)
    monkeypatch.setattr(docx, "PANDOC_HEAP_MIB", 4096)
    monkeypatch.setattr(docx, "PANDOC_ADDRESS_SPACE", 8 * 1024**3)
    with pytest.raises(SourceError) as err:
        docx.to_markdown(heavy)
    assert err.value.reason == reason


def test_pandoc_is_the_bundled_binary_whatever_is_on_path(tmp_path):
    canary = tmp_path / "planted-pandoc-ran"
    planted = tmp_path / "bin" / "pandoc"
    planted.parent.mkdir()
    planted.write_text(f"#!/bin/sh\ntouch {canary}\nexit 1\n")
    planted.chmod(planted.stat().st_mode | stat.S_IEXEC)
    ws = seed_workspace(tmp_path, **{"wipo.docx": DOCX.read_bytes()})
    env = {**os.environ, "PATH": f"{planted.parent}{os.pathsep}{os.environ['PATH']}"}
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "ip5pub", "normalize", "sources", "-o", "out"], cwd=ws, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert not canary.exists()
    assert len(list((ws / "out").iterdir())) == 2
    from ip5pub.readers.docx import pandoc_path

    assert pandoc_path().is_absolute() and "pypandoc" in pandoc_path().parts


# Duplicate detection ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("items, offices, seconds", [(10_000, False, 60), (1_000, True, 20)])
def test_a_feed_of_same_day_items_is_normalized_in_bounded_time_and_memory(tmp_path, items, offices, seconds):
    """Every pair in the date window was compared: 5,000 items took 22 s and 2.3 GB, 10,000 100 s and 9.3 GB."""
    ws = seed_workspace(tmp_path, **{"feed.xml": same_day_feed(items, name_offices=offices)})
    proc, took, rss = measured(["normalize", "sources", "-o", "out"], ws)
    assert proc.returncode == 0, proc.stderr
    assert len(list((ws / "out").iterdir())) == items + 1
    assert took < seconds and rss < 1024, (took, rss)


@pytest.mark.slow
def test_candidate_pairs_grow_with_the_notices_not_their_square():
    """3,000 notices of one day that share their offices, anchors and most words: each keeps a bounded list."""
    import datetime as dt
    import time

    from ip5pub.dedup import MAX_PARTNERS, candidate_pairs, link_duplicates
    from ip5pub.model import Notice, SourceRef

    notices = [Notice(id=f"n{i:05d}", title="t", date=dt.date(2021, 6, 29), office="EPO", publisher="EPO",
                      language="en", summary="", source=SourceRef(f"s{i}", "", "text"),
                      body=f"The EPO and the JPO reported 275,900 PCT filings and {i} requests in IP5 offices.\n",
                      offices=("EPO", "JPO")) for i in range(3000)]
    started = time.perf_counter()
    pairs = candidate_pairs(notices)
    assert len(pairs) <= len(notices) * MAX_PARTNERS
    link_duplicates(notices)
    assert time.perf_counter() - started < 20


# Pages, titles --------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_page_of_ten_megabytes_of_text_is_refused_before_extraction(tmp_path):
    """9.9 MB of short paragraphs took 238 s of extraction before its article was found too long."""
    ws = seed_workspace(tmp_path, **{"long.html": text_page()})
    proc, took, rss = measured(["normalize", "sources", "-o", "out"], ws)
    line = _one_error(proc, "long.html")
    assert "characters of text; an article is at most 1,000,000" in line
    assert took < 15 and rss < 600, (took, rss)


@pytest.mark.slow
def test_sixteen_thousand_short_paragraphs_are_read_in_bounded_time(tmp_path):
    """Paragraph recovery compared every paragraph with every other: 20-27 s for this page."""
    ws = seed_workspace(tmp_path, **{"page.html": short_paragraph_page(16_000)})
    proc, took, rss = measured(["normalize", "sources", "-o", "out"], ws)
    assert proc.returncode == 0, proc.stderr
    notice = next(p for p in (ws / "out").iterdir() if "many-paragraphs" in p.name).read_text()
    assert "Exchange priority" in notice or notice.count("\n\n") > 15_000
    assert took < 30 and rss < 600, (took, rss)


TITLE_10K = " ".join(f"w{i % 10}" for i in range(10_000))  # 40 KB: inside the front matter's 64 KiB


def test_titles_and_one_line_fields_are_capped():
    from ip5pub.model import Draft, SourceRef
    from ip5pub.normalize import build_notice
    from ip5pub.validate import NAME_MAX, TITLE_MAX

    notice = build_notice(Draft(body="The office opened a help desk.\n", source=SourceRef("x.md", "0", "markdown"),
                                hints={"title": TITLE_10K, "date": "2021-06-30", "publisher": "P " * 5000,
                                       "summary": "S " * 5000, "acronyms": {"HD": "Help " * 1000, "X" * 41: "y"}}))
    assert len(notice.title) <= TITLE_MAX and notice.title.endswith("…") and notice.title.startswith("w0 w1 w2")
    assert len(notice.publisher) <= NAME_MAX and len(notice.summary) <= 400
    assert list(notice.acronyms) == ["HD"] and len(notice.acronyms["HD"]) <= NAME_MAX


@pytest.mark.slow
def test_a_ten_thousand_word_title_is_laid_out_in_seconds(tmp_path):
    """It took 32 s to lay out; 2 MB of title did not finish in 10 minutes."""
    ws = seed_workspace(tmp_path, **{"long-title.md": f"---\ntitle: {TITLE_10K}\ndate: 2021-06-30\n---\n\nBody.\n".encode()})
    proc, took, rss = measured(["render", "-f", "pdf"], ws)
    assert proc.returncode == 0, proc.stderr
    assert took < 30, took
