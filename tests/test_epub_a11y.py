"""The EPUB as accessibility checkers and other reading systems take it.

DAISY Ace (npm `@daisy/ace-cli`, run with Debian's chromium) must report no
violation on the shipped sample brief and on a CJK brief; calibre's text
output must not print the hidden navigation; the package metadata names a
creator and the standard the book conforms to; the generated cover keeps
every line inside the picture whatever the counts, measured with the real
fonts' advance widths. Ace and calibre run when installed (CI installs
Ace: `make checkers`) and the tests say what is missing otherwise.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from ip5pub.model import Brief, Notice, SourceRef, Story, Window
from ip5pub.render import RenderContext
from ip5pub.render.epub import build_cover
from ip5pub.templates import make_env
from ip5pub.workspace import Config, Workspace

from conftest import make_workspace, run_cli

SVG = "{http://www.w3.org/2000/svg}"
DATA = Path(__file__).parent / "data"


def unzip(book: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(book) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


# ---- the cover fits ---------------------------------------------------------------


@functools.cache
def advances(family: str, bold: bool):
    """(advance widths by character, units per em) of the font fontconfig gives."""
    from fontTools.ttLib import TTFont

    path = subprocess.run(["fc-match", "-f", "%{file}", family + (":bold" if bold else "")],
                          capture_output=True, text=True, check=True).stdout
    font = TTFont(path, fontNumber=0)
    hmtx, cmap = font["hmtx"], font.getBestCmap()
    return {chr(cp): hmtx[glyph][0] for cp, glyph in cmap.items()}, font["head"].unitsPerEm


def extents(svg: bytes, sans: str, serif: str):
    """Each text line of the SVG: (text, left, right, baseline, size)."""
    for text in etree.fromstring(svg).iter(f"{SVG}text"):
        string = "".join(text.itertext())
        family = serif if text.get("font-family") == "serif" else sans
        widths, upm = advances(family, text.get("font-weight") == "bold")
        size = float(text.get("font-size"))
        width = sum(widths.get(c, upm) for c in string) / upm * size + float(text.get("letter-spacing", 0)) * len(string)
        x = float(text.get("x"))
        left = x - width if text.get("text-anchor") == "end" else x
        yield string, left, left + width, float(text.get("y")), size


def notice(i: int, office: str | None) -> Notice:
    return Notice(id=f"n{i}", title=f"Notice {i}", date=dt.date(2024, 9, 30) + dt.timedelta(days=i % 366),
                  office=office, publisher=office or "A law firm", language="en", summary="",
                  source=SourceRef(path=f"sources/n{i}.txt", sha256="0" * 64, format="text"), body="Text.")


def cover_of(counts: dict[str | None, int], title: str, subtitle: str, organisation: str,
             period: tuple[str, str] | None = None) -> bytes:
    stories = tuple(Story(notice(i, office)) for office, n in counts.items() for i in range(n))
    window = Window(*map(dt.date.fromisoformat, period)) if period else Window()
    brief = Brief(title=title, subtitle=subtitle, organisation=organisation, language="en",
                  edition=dt.date(2025, 9, 30), stories=stories, window=window)
    ws = Workspace(Path("/nonexistent"), Config())
    ctx = RenderContext(env=make_env(), workspace=ws, config=Config(), edition=dt.date(2025, 9, 30), epoch=0)
    return build_cover(brief, ctx).encode()


OFFICES = ("CNIPA", "EPO", "JPO", "KIPO", "USPTO", "WIPO", None)


@pytest.mark.skipif(not shutil.which("fc-match"), reason="fontconfig's fc-match is not installed")
@pytest.mark.parametrize("fonts", [("Noto Sans", "Noto Serif"), ("DejaVu Sans", "DejaVu Serif")])
@pytest.mark.parametrize("counts, title, subtitle, organisation, period", [
    ({"EPO": 2, "KIPO": 3, "USPTO": 5, "WIPO": 3, None: 4}, "IP5 Briefing", "News from the world's patent offices", "",
     ("2019-06-13", "2025-01-14")),
    ({"EPO": 1}, "IP5 Briefing", "News from the world's patent offices", "", ("2024-09-30", "2024-12-31")),
    ({"EPO": 1}, "IP5 Briefing", "News from the world's patent offices", "", ("2024-02-28", "2024-03-01")),
    ({"EPO": 1}, "IP5 Briefing", "News from the world's patent offices", "", ("2024-01-01", "2024-12-31")),
    (dict(zip(OFFICES, (20, 25, 15, 15, 25, 10, 10))), "IP5 Briefing", "News from the world's patent offices", "", None),
    (dict(zip(OFFICES, (1200, 999, 888, 777, 1500, 666, 555))),
     "Weekly Briefing on International Patent Office Cooperation and Procedure",
     "News from the world's patent offices, their partners and the republishers who report them every week",
     "International Association of Patent and Trademark Information Professionals", None),
    ({"JPO": 1}, "特許庁と欧州特許庁の協力に関する週刊ニュースレター", "世界の特許庁からのニュース", "日本知的財産情報協会", None),
])
def test_every_cover_line_fits_inside_the_picture(counts, title, subtitle, organisation, period, fonts):
    svg = cover_of(counts, title, subtitle, organisation, period)
    lines = sorted(extents(svg, *fonts), key=lambda line: line[3])
    assert any(str(sum(counts.values())) in line[0] for line in lines)
    for text, left, right, _, _ in lines:
        assert left >= 24 and right <= 576, (text, round(left), round(right))
    baselines = sorted({(y, size) for _, _, _, y, size in lines})
    for (y0, _), (y1, size) in zip(baselines, baselines[1:]):
        assert y1 - y0 >= size, (y0, y1)  # no line drawn over another
    assert baselines[-1][0] <= 776


# ---- what reading systems read ---------------------------------------------------


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    """The whole shipped sample as an EPUB."""
    ws = make_workspace(tmp_path_factory.mktemp("shipped"), everything=True)
    run_cli("render", "-f", "epub", cwd=ws)
    return ws / "build/brief.epub"


@pytest.fixture(scope="module")
def cjk(tmp_path_factory) -> Path:
    """A brief of Chinese, Japanese and Korean notices (and one English)."""
    ws = make_workspace(tmp_path_factory.mktemp("cjk"), DATA / "pdf")
    run_cli("render", "-f", "epub", cwd=ws)
    return ws / "build/brief.epub"


@pytest.fixture(scope="module")
def empty(tmp_path_factory) -> Path:
    """A week without notices: the one-page book."""
    ws = make_workspace(tmp_path_factory.mktemp("empty"), None)
    run_cli("render", "-f", "epub", cwd=ws)
    return ws / "build/brief.epub"


EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
ROLES = {"chapter": "doc-chapter", "glossary": "doc-glossary", "toc": "doc-toc"}  # DPUB-ARIA for those we use


@pytest.mark.slow
def test_every_epub_type_with_an_aria_role_has_it(shipped, cjk):
    for book in (shipped, cjk):
        files = unzip(book)
        seen = set()
        for name, data in files.items():
            if not name.endswith(".xhtml"):
                continue
            for element in etree.fromstring(data).iter():
                kind = element.get(EPUB_TYPE)
                if kind in ROLES and element.tag.endswith(("section", "nav")):
                    assert element.get("role") == ROLES[kind], (name, kind)
                    seen.add(kind)
        assert seen == set(ROLES), book


@pytest.mark.slow
def test_package_names_creator_and_conformance(cjk, tmp_path):
    opf = unzip(cjk)["EPUB/content.opf"].decode()
    assert '<dc:creator id="creator">IP5 Briefing</dc:creator>' in opf  # no organisation: the brief's title
    assert '<meta property="dcterms:conformsTo" id="conformance">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>' in opf
    assert '<meta property="a11y:certifiedBy" refines="#conformance">ip5pub</meta>' in opf


@pytest.mark.slow
def test_hidden_navigation_is_hidden_to_every_reader(shipped):
    files = unzip(shipped)
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    hidden = [n for n in nav.iter("{*}nav") if n.get("hidden") is not None]
    assert [n.get(EPUB_TYPE) for n in hidden] == ["landmarks"]
    css = files["EPUB/styles/epub.css"].decode()
    assert re.search(r"nav\[hidden\][^{]*\{[^}]*display:\s*none", css)  # for reading systems that ignore the attribute


@pytest.mark.slow
def test_calibre_text_output_has_no_hidden_navigation(shipped, tmp_path):
    convert = shutil.which("ebook-convert")
    if not convert:
        pytest.skip("calibre's ebook-convert is not installed (Debian package calibre; `make checkers` installs it, as CI does)")
    out = tmp_path / "brief.txt"
    subprocess.run([convert, str(shipped), str(out)], capture_output=True, check=True, timeout=600,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    text = out.read_text(encoding="utf-8")
    assert "Contents" in text and "IP5 heads" in text  # the book is there
    assert "Landmarks" not in text and "Start of content" not in text


# ---- DAISY Ace ------------------------------------------------------------------------


def ace_command() -> tuple[list[str], dict[str, str]] | str:
    """The Ace command and its environment, or why it cannot run here."""
    ace = shutil.which("ace-cli") or shutil.which("ace")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not shutil.which("node"):
        return "Node.js is not installed (`make checkers` installs it with Ace and chromium)"
    if not ace:
        return "DAISY Ace is not installed (`make checkers`, or npm i -g @daisy/ace-cli)"
    if not chromium:
        return "chromium is not installed (`make checkers`, or apt-get install chromium)"
    # Ace's puppeteer runner launches the browser with --no-sandbox itself (needed as root).
    return [ace], {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium, "PUPPETEER_SKIP_DOWNLOAD": "1"}


def ace_violations(book: Path, out: Path) -> list[tuple[str, str, str]]:
    found = ace_command()
    if isinstance(found, str):
        pytest.skip(found)
    command, env = found
    proc = subprocess.run([*command, "--silent", "--outdir", str(out), str(book)], capture_output=True, text=True,
                          env=env, timeout=600, check=False)
    report = out / "report.json"
    assert report.exists(), proc.stdout + proc.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    return [(test["earl:test"]["dct:title"], test["earl:test"]["earl:impact"], doc["earl:testSubject"]["url"])
            for doc in data["assertions"] for test in doc["assertions"]
            if test["earl:result"]["earl:outcome"] == "fail"]


@pytest.mark.slow
@pytest.mark.parametrize("which", ["shipped", "cjk", "empty"])
def test_ace_reports_no_violation(which, request, tmp_path):
    book = request.getfixturevalue(which)
    assert ace_violations(book, tmp_path / "ace") == []
