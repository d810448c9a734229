"""Broken and hostile notices: one clear line each, nothing fetched, nothing escapes."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import EPOCH, SEED, RecordingServer, normalize_cli

HOSTILE = Path(__file__).parent / "hostile"


@pytest.mark.parametrize("name, reason", [
    ("empty.txt", "empty file"),
    ("whitespace-only.txt", "empty file"),
    ("nbsp-and-ideographic-spaces.txt", "empty file"),
    ("binary-with-text-extension.txt", "binary"),
    ("impossible-date.txt", "not a real date"),
    ("no-title.md", "no title"),
    ("front-matter-wrong-types.md", "date 'yesterday' is not a date written year-month-day"),
    ("front-matter-unknown-office.md", "'XYZPO' is not one of"),
    ("yaml-python-tag.md", "not allowed"),
    ("yaml-alias-bomb.md", "aliases are not allowed"),
])
def test_bad_input_is_one_line_and_the_rest_is_written(tmp_path, name, reason):
    proc = normalize_cli(HOSTILE / name, SEED, cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 2, proc.stderr  # the failing file, then the count
    assert name in lines[0] and reason in lines[0], lines[0]
    assert "Traceback" not in proc.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == [
        "2021-06-29-cnipa-the-14th-ip5-heads-of-offices-meeting-held.md"]


def test_wrong_types_name_every_bad_key(tmp_path):
    proc = normalize_cli(HOSTILE / "front-matter-wrong-types.md", cwd=tmp_path)
    assert "date 'yesterday' is not a date" in proc.stderr and "office must be" in proc.stderr


def test_yaml_tags_are_never_executed(tmp_path):
    normalize_cli(HOSTILE / "yaml-python-tag.md", cwd=tmp_path)
    assert not (tmp_path / "ip5pub-canary-executed").exists()


def test_alias_bomb_is_refused_quickly(tmp_path):
    start = time.monotonic()
    normalize_cli(HOSTILE / "yaml-alias-bomb.md", cwd=tmp_path)
    assert time.monotonic() - start < 10


@pytest.mark.parametrize("title", [
    "../../../../tmp/ip5pub-escape", "a\x00b", "slashes/in/the/title", "CON", ".hidden", "x" * 500,
    "国家知识产权局召开新闻发布会",
])
def test_titles_make_safe_ids(title):
    from ip5pub.extract.ids import is_safe_id, make_id

    notice_id = make_id("2021-06-29", "CNIPA", title)
    assert is_safe_id(notice_id) and "/" not in notice_id and len(notice_id) <= 120


def test_same_title_twice_gives_distinct_stable_ids(tmp_path):
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text("---\ntitle: Same title\ndate: 2021-06-29\n---\n\nBody of " + name + ".\n")
    first = normalize_cli(tmp_path / "a.md", tmp_path / "b.md", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    ids = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(ids) == 2 and ids[0] != ids[1]
    shutil.rmtree(tmp_path / "out")
    normalize_cli(tmp_path / "a.md", tmp_path / "b.md", cwd=tmp_path)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ids


# Front matter and raw HTML in Markdown; a saved page with scripts, handlers and
# resources; a feed with external entities and a hostile item.
HOSTILE_SOURCES = ("hostile-body.md", "hostile-page.html", "hostile-feed.rss")
HOSTILE_TITLES = ("EPO and JPO extend their hostile-page pilot", "KIPO opens a hostile-feed help desk")


@pytest.fixture(scope="module")
def hostile_render(tmp_path_factory):
    """A workspace with the seed and a hostile notice, rendered in every format."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    server = RecordingServer(b"body { color: red }", "text/css")
    canary = tmp_path / "canary.txt"
    canary.write_text("CANARY-7f3a9c-SECRET")
    ws = tmp_path / "ws"
    (ws / "sources").mkdir(parents=True)
    shutil.copy(SEED, ws / "sources")
    for name in HOSTILE_SOURCES:
        text = (HOSTILE / name).read_text()
        text = text.replace("CANARY_PATH", str(canary).lstrip("/")).replace("HTTP_PORT", str(server.port))
        (ws / "sources" / name).write_text(text)
    with server:
        proc = subprocess.run([sys.executable, "-m", "ip5pub", "render", "-f", "all"], cwd=ws,
                              capture_output=True, text=True, timeout=300,
                              env={**__import__("os").environ, "SOURCE_DATE_EPOCH": EPOCH})
    return ws, proc, canary, server


@pytest.mark.slow
def test_hostile_notice_fetches_nothing_runs_nothing_and_stays_inside(hostile_render):
    ws, proc, canary, server = hostile_render
    assert proc.returncode == 0, proc.stderr
    assert server.hits == []
    assert not list(Path("/tmp").glob("ip5pub-escape*"))
    built = {p.relative_to(ws).as_posix() for p in (ws / "build").rglob("*") if p.is_file()}
    assert all(name.startswith("build/") for name in built)

    html = (ws / "build/brief.html").read_text()
    from pypdf import PdfReader

    pdf = "".join(p.extract_text() for p in PdfReader(ws / "build/brief.pdf").pages)
    for output in (html, pdf, (ws / "build/digest.txt").read_text()):
        assert "CANARY-7f3a9c-SECRET" not in output
        assert "javascript:" not in output
    assert "<script" not in html and "<iframe" not in html and "<object" not in html
    assert all(title in html and title in pdf for title in HOSTILE_TITLES)
    # Jinja in notice text is shown as text, never evaluated.
    assert "{{ config }}" in html and "49" not in html.split("hostile markup")[1][:40]


@pytest.mark.slow
def test_hostile_page_and_feed_normalize_to_their_prose_only(hostile_render):
    ws, proc, _, _ = hostile_render
    notices = {p.name: p.read_text() for p in (ws / "build/notices").glob("*.md")}
    page = notices["2021-06-30-epo-and-jpo-extend-their-hostile-page-pilot.md"]
    feed = notices["2021-06-30-hostile-ip-news-kipo-opens-a-hostile-feed-help-desk.md"]
    assert "agreed on 30 June to extend their pilot" in page and "first half of next year" in page
    assert "opened a help desk for applicants on 30 June" in feed and "title: KIPO opens a hostile-feed help desk\n" in feed
    for text in (page, feed):
        body = text.split("\n---\n", 1)[1]
        for bad in ("<", "script", "onclick", "onerror", "javascript", "127.0.0.1", "file:", "CANARY", "iframe",
                    "object", "@import", "url(", "&canary", "&web"):
            assert bad not in body, bad


@pytest.mark.slow
def test_hostile_notice_leaves_no_markup_in_the_epub(hostile_render):
    ws, _, _, _ = hostile_render
    with zipfile.ZipFile(ws / "build/brief.epub") as z:
        epub = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert "CANARY-7f3a9c-SECRET" not in epub and "javascript:" not in epub
    assert "<script" not in epub and "<iframe" not in epub and "<object" not in epub


def test_the_pdf_fetcher_loads_only_styles_and_data(tmp_path):
    """The one gate WeasyPrint loads through: what a notice could name is refused."""
    from ip5pub.render.url_fetcher import MAX_RESOURCE, StylesOnlyFetcher
    from ip5pub.workspace import Config, Workspace, packaged_styles

    (tmp_path / "styles").mkdir()
    (tmp_path / "styles/extra.css").write_text("p { color: red }")
    (tmp_path / "secret.txt").write_text("CANARY-fetch")
    (tmp_path / "styles/link.css").symlink_to(tmp_path / "secret.txt")  # a style that points outside
    with open(tmp_path / "styles/huge.css", "wb") as fh:
        fh.truncate(MAX_RESOURCE + 1)
    fetcher = StylesOnlyFetcher(Workspace(tmp_path, Config()))
    assert fetcher.fetch((packaged_styles() / "brief.css").as_uri()).read()
    assert fetcher.fetch((tmp_path / "styles/extra.css").as_uri()).read() == b"p { color: red }"
    assert fetcher.fetch("data:text/css,p%7Bcolor:red%7D").read() == b"p{color:red}"
    refused = ["file:///etc/passwd", (tmp_path / "secret.txt").as_uri(), (tmp_path / "styles/link.css").as_uri(),
               (tmp_path / "styles/../secret.txt").as_uri(), (tmp_path / "styles/huge.css").as_uri(),
               "http://127.0.0.1:9/x.css", "https://169.254.169.254/latest/meta-data/", "ftp://example.com/x",
               "javascript:alert(1)"]
    for url in refused:
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert fetcher.refused == refused
