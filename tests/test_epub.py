"""The EPUB bundle read back as a reading system would: content.opf, nav, chapters.

Each collection is built once per module with the real pandoc; EPUBCheck runs
once on all of them side by side (one JVM per file, a few seconds each).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, make_workspace, run_cli

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data" / "epub"
SECRET = "ip5pub-secret-7f3a9c"  # must never leave the file it is in

HOSTILE = """\
---
title: Hostile notice for the EPUB writer
date: 2021-06-20
office: EPO
language: en
---

The European Patent Office published a notice whose body tries every trick a web page can carry.

<script>alert("owned")</script>

An inline <img src="/etc/hostname"> tag, an image ![x](/etc/hostname), a local one ![y]({secret}) and a [link](javascript:alert(1)).

<iframe src="file://{secret}"></iframe>

`<b>raw</b>`{{=html}}

---
css: {secret}
cover-image: {secret}
---

# A heading inside a body

The last paragraph is plain text.
"""


def _unzip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _opf(files: dict[str, bytes]) -> str:
    return files["EPUB/content.opf"].decode()


def _chapters(files: dict[str, bytes]) -> dict[str, str]:
    return {n: files[n].decode() for n in sorted(files) if re.fullmatch(r"EPUB/text/ch\d+\.xhtml", n)}


@pytest.fixture(scope="module")
def cjk(tmp_path_factory) -> Path:
    """CJK notices and one hostile notice, rendered to build/brief.epub."""
    ws = make_workspace(tmp_path_factory.mktemp("cjk"), DATA)
    secret = ws / "secret.txt"
    secret.write_text(SECRET + "\n")
    (ws / "sources/hostile.md").write_text(HOSTILE.format(secret=secret))
    run_cli("render", "-f", "epub", cwd=ws)
    return ws


@pytest.fixture(scope="module")
def grouped(tmp_path_factory) -> Path:
    ws = make_workspace(tmp_path_factory.mktemp("grouped"))
    run_cli("render", "-f", "epub", "--group-by", "year", cwd=ws)
    return ws


@pytest.fixture(scope="module")
def checked(rendered, cjk, grouped) -> subprocess.CompletedProcess:
    """`ip5pub check` on every EPUB the tests build, in one run."""
    epubs = [rendered / "build/brief.epub", cjk / "build/brief.epub", *sorted((grouped / "build").glob("*.epub"))]
    return run_cli("check", *map(str, epubs), cwd=ROOT, check=False)


def test_epubcheck_reports_nothing_on_every_collection(checked):
    summaries = [line for line in checked.stdout.splitlines() if "EPUBCheck" in line]
    assert len(summaries) == 4, checked.stdout + checked.stderr
    assert all(line.endswith("EPUBCheck 5.3.0: 0 error(s), 0 warning(s)") for line in summaries), checked.stdout
    assert checked.returncode == 0 and checked.stderr == ""


def test_metadata_in_content_opf(rendered):
    from ip5pub.collect import make_brief
    from ip5pub.build import normalize_sources
    from ip5pub.readers import source_files
    from ip5pub.render.epub import identifier
    from ip5pub.workspace import Config
    import datetime as dt

    opf = _opf(_unzip(rendered / "build/brief.epub"))
    notices = normalize_sources(source_files(rendered / "sources"), base=rendered).notices
    expected_id = identifier(make_brief(notices, Config(), dt.date(2021, 7, 1)))
    assert re.search(rf'<dc:identifier id="epub-id-1">{expected_id}</dc:identifier>', opf)
    assert expected_id.startswith("urn:uuid:")
    assert '<dc:title id="epub-title-1">IP5 Briefing</dc:title>' in opf
    assert "<dc:language>en</dc:language>" in opf
    assert "<dc:publisher>ip5pub</dc:publisher>" in opf
    assert '<meta property="dcterms:modified">2021-07-01T00:00:00Z</meta>' in opf  # SOURCE_DATE_EPOCH
    subjects = re.findall(r"<dc:subject[^>]*>([^<]+)</dc:subject>", opf)
    assert "European Patent Office" in subjects and "World Intellectual Property Organization" in subjects
    for prop in ("accessMode", "accessModeSufficient", "accessibilityFeature", "accessibilityHazard",
                 "accessibilitySummary"):
        assert f'<meta property="schema:{prop}">' in opf, prop
    assert '<meta property="schema:accessibilityHazard">none</meta>' in opf


def test_nav_has_contents_and_landmarks(rendered):
    files = _unzip(rendered / "build/brief.epub")
    nav = files["EPUB/nav.xhtml"].decode()
    chapters = _chapters(files)
    landmarks = nav[nav.index('epub:type="landmarks"'):]
    for kind in ("toc", "bodymatter", "cover"):
        assert f'epub:type="{kind}"' in landmarks, kind
    toc_links = re.findall(r'<a href="(text/ch\d+\.xhtml)#', nav)
    assert toc_links == [c.removeprefix("EPUB/") for c in chapters]
    assert '<itemref idref="nav" />' in _opf(files)  # the contents page is readable in order


def test_chapter_titles_are_headlines(rendered):
    for name, page in _chapters(_unzip(rendered / "build/brief.epub")).items():
        title = re.search(r"<title[^>]*>([^<]*)</title>", page).group(1)
        h1 = re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1))
        assert title == h1 and "xhtml" not in title, name


def test_cover_is_generated_svg_with_title_and_period(rendered):
    files = _unzip(rendered / "build/brief.epub")
    opf = _opf(files)
    cover_href = re.search(r'properties="cover-image" id="[^"]+" href="([^"]+)" media-type="image/svg\+xml"', opf)
    assert cover_href, opf
    svg = files["EPUB/" + cover_href.group(1)].decode()
    assert "IP5 Briefing" in svg and "23 July 2020 – 2 July 2021" in svg
    assert "href" not in svg  # nothing external: no images, no fonts
    assert 'aria-label="Cover: IP5 Briefing"' in files["EPUB/text/cover.xhtml"].decode()


def test_cjk_chapters_carry_their_language(cjk):
    files = _unzip(cjk / "build/brief.epub")
    langs = {}
    for page in _chapters(files).values():
        section = re.search(r"<section [^>]*>", page)
        if section and "lang=" in section.group(0):
            langs[re.search(r' lang="([^"]+)"', section.group(0)).group(1)] = section.group(0)
    assert set(langs) == {"zh", "ja", "ko", "en"}
    for code in ("zh", "ja", "ko"):
        assert f'xml:lang="{code}"' in langs[code]
    text = "".join(_chapters(files).values())
    assert "国家知识产权局于六月三十日" in text and "特許庁は六月二十八日" in text and "특허청은 6월 25일" in text
    assert '<title lang="ja" xml:lang="ja">特許庁、AIを活用した先行技術調査の試行を拡大</title>' in text


def test_hostile_body_cannot_inject_markup_or_read_files(cjk):
    files = _unzip(cjk / "build/brief.epub")
    everything = b"\n".join(files.values())
    hostname = Path("/etc/hostname").read_bytes().strip() if Path("/etc/hostname").is_file() else b""
    assert SECRET.encode() not in everything
    if len(hostname) >= 6:
        assert hostname not in everything
    xhtml = "".join(v.decode() for k, v in files.items() if k.endswith(".xhtml"))
    for element in ("<script", "<img", "<iframe", "<b>", "javascript:"):
        assert element not in xhtml, element
    assert "&lt;script&gt;" in xhtml  # shown as text, not dropped silently
    # Only what ip5pub put in: chapters, nav, the house CSS and the generated cover.
    media = sorted(n for n in files if n.startswith("EPUB/") and not n.endswith((".xhtml", ".opf", ".ncx")))
    assert media == ["EPUB/media/file0.svg", "EPUB/styles/stylesheet1.css"]
    assert files["EPUB/styles/stylesheet1.css"] == (ROOT / "styles/epub.css").read_bytes()
    # The body's heading stays inside its notice instead of starting a chapter.
    assert "<h2>A heading inside a body</h2>" in xhtml or re.search(r"<h2[^>]*>A heading inside a body</h2>", xhtml)


def test_group_by_writes_one_bundle_per_group_with_its_own_identity(grouped):
    books = sorted((grouped / "build").glob("*.epub"))
    assert [b.name for b in books] == ["brief-2020.epub", "brief-2021.epub"]
    opfs = [_opf(_unzip(b)) for b in books]
    titles = [re.search(r"<dc:title[^>]*>([^<]+)<", o).group(1) for o in opfs]
    ids = [re.search(r"<dc:identifier[^>]*>([^<]+)<", o).group(1) for o in opfs]
    assert titles == ["IP5 Briefing — 2020", "IP5 Briefing — 2021"]
    assert len(set(ids)) == 2
    assert "PATENT OFFICE NEWS · 2020" in _unzip(books[0])["EPUB/media/file0.svg"].decode()
    assert "PCT filings held steady" in "".join(_chapters(_unzip(books[0])).values())
    assert "PCT filings held steady" not in "".join(_chapters(_unzip(books[1])).values())


def test_rebuild_is_byte_identical(cjk, tmp_path):
    again = tmp_path / "again"
    shutil.copytree(cjk / "sources", again / "sources")
    shutil.copy(cjk / "secret.txt", again / "secret.txt")
    run_cli("render", "-f", "epub", cwd=again)
    assert (again / "build/brief.epub").read_bytes() == (cjk / "build/brief.epub").read_bytes()


def test_check_says_plainly_when_java_is_missing(rendered, tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # no java on this PATH
    proc = subprocess.run([sys.executable, "-m", "ip5pub", "check", "build/brief.epub"], cwd=rendered, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "not checked: Java is not installed" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("source", [
    "---\ncss: /etc/hostname\ncover-image: /etc/hostname\n---\n\nText.\n",  # pandoc honours YAML only at the start
    "Text <script>x()</script> and <img src='/etc/hostname'> ![a](/etc/hostname) `<i>r</i>`{=html}.\n",
])
def test_untrusted_markdown_yields_only_text(source):
    """The first pandoc stage on its own: no metadata, no raw markup, no images."""
    import json

    from ip5pub.render.epub import untrusted_ast

    ast = json.loads(untrusted_ast(source))
    assert ast["meta"] == {}
    dump = json.dumps(ast["blocks"])
    for kind in ('"RawInline"', '"RawBlock"', '"Image"'):
        assert kind not in dump
