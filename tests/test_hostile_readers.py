"""Hostile inputs per reader, generated at test time: deep nesting, huge files,
undecodable bytes, XML bombs and external entities, fake Word files, reader bugs.

Each bad source must give exactly one line on stderr naming it and the reason,
no traceback, and must not stop the seed notice next to it from being written.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import SEED, RecordingServer, normalize_cli

SEED_OUT = "2021-06-29-cnipa-the-14th-ip5-heads-of-offices-meeting-held.md"
DATE = "Tue, 29 Jun 2021 08:00:00 GMT"


def _rejected_alone(tmp_path: Path, name: str, data: bytes, reason: str, timeout: float = 60) -> str:
    """Normalize `name` beside the seed: one line naming it, the seed still written."""
    (tmp_path / name).write_bytes(data)
    proc = normalize_cli(tmp_path / name, SEED, cwd=tmp_path, timeout=timeout)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 2, proc.stderr  # the failing file, then the count
    assert name in lines[0] and reason in lines[0], lines[0]
    assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == [SEED_OUT]
    return lines[0]


@pytest.fixture
def server():
    with RecordingServer(b'<!ENTITY leak "LEAKED-OVER-HTTP">') as srv:
        yield srv


# Size -------------------------------------------------------------------------


def test_a_20_mib_notice_is_refused_at_once(tmp_path):
    para = b"The offices agreed to continue their work on the common citation document. " * 10 + b"\n\n"
    data = b"A huge notice\nDate: 2021-06-29\n\n" + para * (20 * 1024 * 1024 // len(para))
    start = time.monotonic()
    _rejected_alone(tmp_path, "huge.txt", data, "the limit is 10 MiB")
    assert time.monotonic() - start < 20


@pytest.mark.slow
def test_article_text_over_the_limit_is_refused_with_its_size(tmp_path):
    from ip5pub.readers import MAX_TEXT

    para = "The offices agreed to continue their work on the common citation document. " * 10 + "\n\n"
    text = "A long notice\nDate: 2021-06-29\n\n" + para * (MAX_TEXT // len(para) + 10)
    _rejected_alone(tmp_path, "long.txt", text.encode(), f"the limit is {MAX_TEXT:,}")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["txt", "html"])
def test_a_notice_just_under_the_limit_takes_under_a_minute_and_a_gib(tmp_path, kind):
    from ip5pub.readers import MAX_TEXT

    para = "the offices agreed to continue their work on the common citation document and on PPH. " * 10
    count = int(MAX_TEXT * 0.95) // (len(para) + 20)
    paras = [f"Paragraph {i}: {para}" for i in range(count)]  # distinct: repeated paragraphs are dropped
    if kind == "txt":
        data = "A long notice\nDate: 2021-06-29\n\n" + "\n\n".join(paras)
    else:
        data = ("<html><head><title>A long page | EPO</title></head><body><article><h1>A long page</h1>"
                "<p>Updated: 2021-06-29</p>" + "".join(f"<p>{p}</p>" for p in paras) + "</article></body></html>")
    (tmp_path / f"long.{kind}").write_text(data)
    start = time.monotonic()
    proc = normalize_cli(tmp_path / f"long.{kind}", cwd=tmp_path, timeout=120)
    elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    assert elapsed < 60, elapsed
    # ru_maxrss of waited-for children, in KiB on Linux.
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1024 * 1024
    [out] = (tmp_path / "out").iterdir()
    text = out.read_text()
    assert all(f"Paragraph {i}:" in text for i in (0, count // 2, count - 1))
    assert text.count("common citation document") >= count * 10  # the summary repeats the lead


# Structure ----------------------------------------------------------------------


@pytest.mark.slow
def test_ten_thousand_nested_html_elements(tmp_path):
    page = ("<html><head><title>Deep page</title></head><body><h1>Deep page</h1><p>Updated: 2021-06-29</p>"
            + "<div>" * 10_000 + "<p>The article sentence is deep inside.</p>" + "</div>" * 10_000 + "</body></html>")
    _rejected_alone(tmp_path, "deep.html", page.encode(), "no article text")


@pytest.mark.slow
def test_ten_thousand_nested_elements_in_a_feed(tmp_path):
    feed = (f"<rss version='2.0'><channel><title>T</title><item><title>Deep</title><pubDate>{DATE}</pubDate>"
            "<description>Text.</description>" + "<x>" * 10_000 + "</x>" * 10_000 + "</item></channel></rss>")
    _rejected_alone(tmp_path, "deep.rss", feed.encode(), "not well-formed")


@pytest.mark.slow
def test_deeply_nested_markdown_is_read_without_recursion_errors(tmp_path):
    md = ("# Deep quote\n\nDate: 2021-06-29\n\n" + "> " * 10_000 + "A quoted sentence.\n\n"
          + "".join("  " * i + "- item\n" for i in range(300)) + "\n" + "[" * 10_000 + "x" + "]" * 10_000
          + "\n\n" + "*" * 20_000 + "em" + "*" * 20_000 + "\n\nLast plain sentence.\n")
    (tmp_path / "deep.md").write_text(md)
    proc = normalize_cli(tmp_path / "deep.md", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    [first] = (tmp_path / "out").iterdir()
    assert "Last plain sentence." in first.read_text()
    # ... and the normalized notice normalizes to itself.
    again = subprocess.run([sys.executable, "-m", "ip5pub", "normalize", str(first), "-o", "again"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again" / first.name).read_bytes() == first.read_bytes()


@pytest.mark.slow
def test_html_cut_off_before_the_article(tmp_path):
    page = (b'<html><head><title>Cut off page | EPO</title></head><body><nav><a href="/">Home</a></nav>'
            b'<h1>Cut off page</h1><p>Updated: 2021-06-29</p><div class="art')
    _rejected_alone(tmp_path, "cut.html", page, "no article text")


# Encodings ------------------------------------------------------------------------


@pytest.mark.slow
def test_bytes_in_no_supported_encoding(tmp_path):
    _rejected_alone(tmp_path, "noise.txt", bytes(range(0x80, 0x100)) * 20, "do not decode")


@pytest.mark.slow
def test_partly_invalid_utf8_is_rejected_with_the_offset(tmp_path):
    head = "Title here\nDate: 2021-06-29\n\nA sentence with café and 知识产权 and ".encode()
    line = _rejected_alone(tmp_path, "broken-utf8.txt", head + b"\xff\xfe bytes.\n", "do not decode")
    assert f"offset {len(head)}" in line


# Feeds: XML bombs and external entities ------------------------------------------------


@pytest.mark.slow
def test_billion_laughs_is_refused_quickly(tmp_path):
    levels = ['<!ENTITY a "lol">'] + [f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)]
    feed = (f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(levels)}]><rss version="2.0"><channel><title>T</title>'
            f'<item><title>Laughs &j;</title><pubDate>{DATE}</pubDate><description>Body &j;.</description>'
            "</item></channel></rss>")
    start = time.monotonic()
    _rejected_alone(tmp_path, "laughs.rss", feed.encode(), "not well-formed")
    assert time.monotonic() - start < 20


def test_external_entities_and_dtds_are_never_loaded(tmp_path, server):
    canary = tmp_path / "canary.txt"
    canary.write_text("CANARY-XXE-5d1e")
    base = server.url
    feed = (f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{base}/external.dtd" ['
            f'<!ENTITY file SYSTEM "file://{canary}"><!ENTITY web SYSTEM "{base}/entity">'
            f'<!ENTITY % remote SYSTEM "{base}/param.dtd"> %remote;]>'
            f'<rss version="2.0"><channel><title>T</title><item><title>Entities &file; &web; &leak;</title>'
            f"<pubDate>{DATE}</pubDate><description>Body text &file; of the item &web;.</description>"
            "</item></channel></rss>")
    (tmp_path / "xxe.rss").write_text(feed)
    proc = normalize_cli(tmp_path / "xxe.rss", cwd=tmp_path)
    time.sleep(0.2)  # a request in flight would have reached the server by now
    assert server.hits == []
    written = "".join(p.read_text() for p in (tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else ""
    assert "CANARY-XXE-5d1e" not in written + proc.stderr + proc.stdout
    assert "LEAKED-OVER-HTTP" not in written
    assert proc.returncode == 0, proc.stderr
    assert "title: Entities\n" in written  # unresolved references are dropped, not shown as "&file;"
    assert "Traceback" not in proc.stderr


# Word files ---------------------------------------------------------------------------------


def test_docx_that_is_not_a_zip(tmp_path):
    _rejected_alone(tmp_path, "fake.docx", b"This is plain text saved with a .docx name.\n", "not a readable .docx")


@pytest.mark.slow
def test_docx_zip_bomb_is_refused_from_declared_sizes_before_inflating(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b"\0" * (200 * 1024 * 1024))
    start = time.monotonic()
    _rejected_alone(tmp_path, "bomb.docx", buf.getvalue(), "zip bomb")
    assert time.monotonic() - start < 20


# A bug in a reader --------------------------------------------------------------------------


def test_an_unexpected_reader_error_is_one_line_and_the_rest_is_written(tmp_path, monkeypatch):
    """Fault injection: whatever a reader raises costs one source, never the run."""
    from ip5pub import readers
    from ip5pub.notices import normalize_sources
    from ip5pub.readers import html

    def broken(path, data, ref, context):
        raise KeyError("surprise")

    monkeypatch.setattr(html, "READER", replace(html.READER, read=broken))
    (tmp_path / "page.html").write_text("<html><body><h1>T</h1><p>x</p></body></html>")
    assert readers.reader_for(tmp_path / "page.html", b"<html>").read is broken
    outcome = normalize_sources([tmp_path / "page.html", SEED], base=tmp_path, jobs=1)
    assert [str(e) for e in outcome.errors] == ["page.html: internal error: KeyError: 'surprise'"]
    assert [n.id for n in outcome.notices] == [SEED_OUT[:-3]]


def test_sources_are_unchanged_by_a_hostile_run(tmp_path):
    import hashlib

    (tmp_path / "src").mkdir()
    (tmp_path / "src/noise.txt").write_bytes(bytes(range(0x80, 0x100)) * 20)
    (tmp_path / "src/fake.docx").write_bytes(b"not a zip")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / "src").iterdir()}
    os.chmod(tmp_path / "src", 0o555)
    try:
        proc = normalize_cli(tmp_path / "src", cwd=tmp_path)
    finally:
        os.chmod(tmp_path / "src", 0o755)
    assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 3
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / "src").iterdir()} == before


# A feed with bad items ------------------------------------------------------------------------


def _feed(*items: str) -> bytes:
    return (f'<rss version="2.0"><channel><title>Example News</title><link>https://news.example.com/</link>'
            f'{"".join(items)}</channel></rss>').encode()


GOOD_ITEM = (f"<item><title>Good item</title><pubDate>{DATE}</pubDate>"
             "<description>The good item has a sentence of text.</description></item>")
BAD_DATE = ("<item><title>Bad date</title><pubDate>Updated: 13 45,2021</pubDate>"
            "<description>Text of the item with a bad date.</description></item>")
NO_TITLE = f"<item><pubDate>{DATE}</pubDate><description>Text of an item without a title.</description></item>"


def test_a_bad_feed_item_costs_that_item_only(tmp_path):
    (tmp_path / "mixed.rss").write_bytes(_feed(BAD_DATE, GOOD_ITEM, NO_TITLE))
    proc = normalize_cli(tmp_path / "mixed.rss", SEED, cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 3 and "Traceback" not in proc.stderr, proc.stderr
    assert lines[0].startswith("ip5pub: error: mixed.rss: item 1 (Bad date): impossible date"), lines[0]
    assert lines[1].startswith("ip5pub: error: mixed.rss: item 3 has no title"), lines[1]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        SEED_OUT, "2021-06-29-example-news-good-item.md"]


@pytest.mark.slow
def test_a_feed_with_only_bad_items_is_one_line(tmp_path):
    line = _rejected_alone(tmp_path, "bad.rss", _feed(BAD_DATE, NO_TITLE), "item 1 (Bad date): impossible date")
    assert "and 1 more bad items" in line


def test_bad_feed_items_are_reported_again_on_a_cached_run(tmp_path):
    from ip5pub.notices import normalize_sources
    from ip5pub.cache import Cache

    (tmp_path / "mixed.rss").write_bytes(_feed(GOOD_ITEM, BAD_DATE))
    for _ in range(2):
        outcome = normalize_sources([tmp_path / "mixed.rss"], base=tmp_path, cache=Cache(tmp_path / "build"))
        assert [n.title for n in outcome.notices] == ["Good item"]
        assert [str(e) for e in outcome.errors] == ["mixed.rss: item 2 (Bad date): impossible date: "
                                                    '2021-13-45 is not a calendar date; add "date: YYYY-MM-DD" '
                                                    'under "items: {2: ...}" in mixed.rss.meta.yaml']
