"""The PDF briefing, read back as a reader's tools see it.

Each PDF is rendered once per module by the real command (WeasyPrint, real
fonts) and read with pypdf and pdftotext: page numbers in the contents
against the printed footers, outline targets, metadata, fonts, CJK text.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from ip5pub import markdown
from ip5pub.notices import normalize_sources
from ip5pub.collect import stories
from ip5pub.extract.text import split_sentences
from ip5pub.readers import source_files
from ip5pub.templates import make_env, partial

from conftest import EPOCH, ROOT, RecordingServer, make_workspace, run_cli

DATA = Path(__file__).parent / "data" / "pdf"
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


# ---- helpers ---------------------------------------------------------------

def squash(text: str) -> str:
    """Text without the spaces, line breaks and hyphens that layout adds."""
    return re.sub(r"[\s\u00ad\u2010-]+", "", text)


def page_texts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def first_sentence(body: str) -> str:
    return split_sentences(markdown.blocks(body)[0])[0]


def shown_stories(sources: Path):
    notices = normalize_sources(source_files(sources), base=sources.parent).notices
    return stories(notices, "en")


def meta_line(story) -> str:
    return partial(make_env(), "meta_line", notice=story.notice, story=story)


def start_pages(pages: list[str], shown) -> dict[str, int]:
    """Printed page number where each notice starts: the page with its meta line."""
    found = {}
    for story in shown:
        needle = squash(meta_line(story))
        hits = [i for i, text in enumerate(pages) if needle in squash(text)]
        assert len(hits) == 1, (story.notice.id, hits)
        m = re.search(r"Page (\d+) of (\d+)", pages[hits[0]])
        assert m, pages[hits[0]][-200:]
        found[story.notice.id] = int(m.group(1))
    return found


def contents_numbers(page: str, shown) -> dict[str, int]:
    """The page number the contents give each story: a leader then the number
    after its title, or (a brief of up to 12 stories, whose contents are the
    at-a-glance table) the number closing each row's first line, in story order."""
    rows = [int(x) for x in re.findall(r"^\s*\d{4}-\d\d-\d\d\s.*\s(\d+)\s*$", page, re.M)]
    if re.search(r"DATE\s+OFFICE\s+NOTICE", page):
        assert len(rows) == len(shown), rows
        return {story.notice.id: number for story, number in zip(shown, rows)}
    toc, found = squash(page), {}
    for story in shown:
        m = re.search(re.escape(squash(story.notice.title)) + r"(?:\.)+(\d+)", toc)
        assert m, (story.notice.title, toc[:400])
        found[story.notice.id] = int(m.group(1))
    return found


def outline_pages(reader: PdfReader) -> dict[str, int]:
    return {item.title: reader.get_destination_page_number(item) + 1
            for item in reader.outline if not isinstance(item, list)}


# ---- fixtures: one render per scenario --------------------------------------

@pytest.fixture(scope="module")
def shipped(rendered):
    pdf = rendered / "build/brief.pdf"
    return pdf, PdfReader(pdf), page_texts(pdf), shown_stories(rendered / "sources")


@pytest.fixture(scope="module")
def cjk(tmp_path_factory):
    """Chinese, Japanese, Korean and a long English notice, on US Letter."""
    ws = make_workspace(tmp_path_factory.mktemp("cjk"), DATA)
    proc = run_cli("render", "-f", "pdf", "--paper", "Letter", cwd=ws)
    pdf = ws / "build/brief.pdf"
    return pdf, PdfReader(pdf), page_texts(pdf), shown_stories(ws / "sources"), proc


@pytest.fixture(scope="module")
def archival(tmp_path_factory):
    ws = make_workspace(tmp_path_factory.mktemp("pdfa"))
    run_cli("render", "-f", "pdf", "--pdf-variant", "pdf/a-3b", cwd=ws)
    return ws


# ---- fast tests (no render) ----------------------------------------------------

@pytest.mark.parametrize("char, package", [
    ("中", "fonts-noto-cjk"), ("あ", "fonts-noto-cjk"), ("カ", "fonts-noto-cjk"), ("한", "fonts-noto-cjk"),
    ("、", "fonts-noto-cjk"), ("\U00020000", "fonts-noto-cjk"), ("\U0001F9EA", "fonts-noto-color-emoji"),
    ("\u0D05", "fonts-noto-core (or fonts-noto-extra)"),
])
def test_font_package_for_missing_glyph(char, package):
    from ip5pub.render.pdf import font_package

    assert font_package(char) == package


def test_link_notes_print_the_url_once():
    from ip5pub.templates import link_notes

    html = markdown.to_html("See [the review](https://epo.org/a?b=1&c=2), <https://epo.org/x> and [above](#top).")
    out = str(link_notes(html))
    assert out.count('class="link-note"') == 1  # the bare URL and the anchor need no note
    # The printed URL is a link too: an address on the page that cannot be followed is a dead end on screen.
    assert ('</a><span class="link-note"><a href="https://epo.org/a?b=1&amp;c=2">https://epo.org/a?b=1&amp;c=2</a></span>'
            in out)


# ---- the shipped sources (A4) -----------------------------------------------------


@pytest.mark.slow
def test_contents_page_numbers_are_where_notices_start(shipped):
    pdf, reader, pages, shown = shipped
    starts = start_pages(pages, shown)
    toc = squash(pages[1])
    assert toc.startswith("IP5BriefingContents") or "Contents" in toc
    assert contents_numbers(pages[1], shown) == starts
    for story in shown:
        assert squash(story.notice.title) in squash(reader.pages[1].extract_text())


@pytest.mark.slow
def test_outline_points_at_notice_and_back_matter_pages(shipped):
    pdf, reader, pages, shown = shipped
    starts = start_pages(pages, shown)
    outline = outline_pages(reader)
    for story in shown:
        assert outline[story.notice.title] == starts[story.notice.id]
    # Up to 12 stories, at a glance is the contents.
    for section in ("Contents", *(["At a glance"] if len(shown) > 12 else []), "Glossary", "Index of offices"):
        assert section in outline, section
        assert section in pages[outline[section] - 1]
    assert "IP5 Briefing" not in outline  # the cover title is not a bookmark


@pytest.mark.slow
def test_glance_table_lists_every_notice_with_its_page(shipped):
    pdf, reader, pages, shown = shipped
    starts = start_pages(pages, shown)
    index = next(i for i, p in enumerate(pages) if re.search(r"DATE\s+OFFICE\s+NOTICE", p))
    glance = pages[index]
    flat = squash(reader.pages[index].extract_text())  # cell by cell, where -layout interleaves columns
    for story in shown:
        n = story.notice
        assert n.date.isoformat() in glance
        assert squash(n.title) in flat
        assert squash(n.summary[:60]) in flat
    # Page column, in story order.
    numbers = [int(x) for x in re.findall(r"^\s*\d{4}-\d\d-\d\d\s.*\s(\d+)\s*$", glance, re.M)]
    assert numbers == [starts[s.notice.id] for s in shown]


@pytest.mark.slow
def test_footers_read_page_x_of_y(shipped):
    pdf, reader, pages, shown = shipped
    assert len(pages) == len(reader.pages)
    assert "Page" not in pages[0]  # the cover has no footer or running head
    for number, text in enumerate(pages[1:], start=2):
        assert re.search(rf"Page {number} of {len(pages)}\s*$", text), (number, text[-120:])
        assert "Edition of 1 July 2021" in text


@pytest.mark.slow
def test_metadata_is_set_and_dated_from_source_date_epoch(shipped):
    pdf, reader, pages, shown = shipped
    meta = reader.metadata
    assert meta.title == "IP5 Briefing"
    assert meta.author == "ip5pub"
    assert meta.subject.startswith("News from the world's patent offices, ")
    assert "EPO" in meta.keywords and "USPTO" in meta.keywords
    stamp = dt.datetime.fromtimestamp(int(EPOCH), dt.UTC).strftime("D:%Y%m%d%H%M%SZ")
    assert meta["/CreationDate"] == stamp and meta["/ModDate"] == stamp
    assert reader.trailer["/Root"]["/Lang"] == "en"


def _fonts(reader: PdfReader) -> dict[str, bool]:
    """BaseFont -> embedded, for every font any page uses."""
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            desc = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            fd = desc["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


@pytest.mark.slow
def test_every_font_is_embedded(shipped, cjk):
    for reader in (shipped[1], cjk[1]):
        fonts = _fonts(reader)
        assert fonts and all(fonts.values()), fonts


@pytest.mark.slow
def test_source_line_never_starts_a_page(shipped, cjk):
    for _pdf, _reader, pages, shown, *_ in (shipped, cjk):
        for story in shown:
            n = story.notice
            # The story's source line: its address, or its publisher and date.
            source = partial(make_env(), "source_line", notice=n)
            page = next(p for p in pages if squash(source) in squash(p))
            # Digits dropped: a footnote call may sit in the last sentence.
            last = re.sub(r"\d", "", squash(markdown.blocks(n.body)[-1]))[-12:]
            assert last in re.sub(r"\d", "", squash(page)), n.id


# ---- CJK, Letter, link footnotes ------------------------------------------------------

@pytest.mark.slow
def test_cjk_render_is_clean_and_on_letter(cjk):
    pdf, reader, pages, shown, proc = cjk
    assert proc.stderr == ""  # no missing glyphs, no WeasyPrint warnings
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == LETTER


@pytest.mark.slow
def test_cjk_text_extracts_as_the_original_characters(cjk):
    pdf, reader, pages, shown, proc = cjk
    text = squash("".join(page.extract_text() for page in reader.pages))
    languages = set()
    for story in shown:
        n = story.notice
        languages.add(n.language)
        assert squash(n.title) in text, n.title
        assert squash(first_sentence(n.body)) in text, n.id
    assert languages == {"zh", "ja", "ko", "en"}


@pytest.mark.slow
def test_each_cjk_language_uses_its_own_face(cjk):
    """Chinese must not fall back to the Japanese face (fontconfig's choice for zh)."""
    pdf, reader, pages, shown, proc = cjk
    face = {"zh": "CJK-SC", "ja": "CJK-JP", "ko": "CJK-KR"}
    for story in shown:
        n = story.notice
        if n.language not in face:
            continue
        sentence = squash(first_sentence(n.body))
        runs: list[tuple[str, str]] = []
        for page in reader.pages:
            page.extract_text(visitor_text=lambda t, cm, tm, font, size, runs=runs: runs.append((t, str(font and font.get("/BaseFont")))))
        # Runs within the sentence, or a line that starts with it.
        used = {f for t, f in runs if len(squash(t)) >= 4 and (squash(t) in sentence or squash(t).startswith(sentence))}
        assert used and all(face[n.language] in f for f in used), (n.language, used)


def text_runs(reader: PdfReader) -> list[tuple[str, str]]:
    """(text, BaseFont) of every text run of the PDF."""
    runs: list[tuple[str, str]] = []
    for page in reader.pages:
        page.extract_text(visitor_text=lambda t, cm, tm, font, size: runs.append((t, str(font and font.get("/BaseFont")))))
    return runs


@pytest.mark.slow
def test_cjk_headings_and_cells_are_sans_as_latin_ones_are(cjk):
    """A title is set in the sans face wherever it is printed (the contents, the
    at-a-glance cells, the story's heading, the index), in CJK as in Latin
    text; the body stays serif."""
    pdf, reader, pages, shown, proc = cjk
    runs = text_runs(reader)
    for story in shown:
        n = story.notice
        whole = [f for t, f in runs if squash(t) == squash(n.title)]
        assert len(whole) >= 3 and all("Sans" in f and "Serif" not in f for f in whole), (n.language, whole)
        opening = squash(first_sentence(n.body))[:8]
        body = {f for t, f in runs if opening in squash(t)}
        assert any("Serif" in f for f in body), (n.language, body)  # (the glance cell with the summary is sans)


@pytest.mark.slow
def test_korean_lines_break_between_words_only(cjk):
    """Korean separates words with spaces: every Korean word on a line is whole
    (WeasyPrint has no word-break: keep-all; render/keepall.py gives it)."""
    pdf, reader, pages, shown, proc = cjk
    korean = [s.notice for s in shown if s.notice.language == "ko"]
    words = {w for n in korean for text in (n.title, n.summary, markdown.to_plain(n.body)) for w in text.split()}
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    checked = 0
    for line in lines:
        for token in line.split():
            if re.search(r"[\uac00-\ud7a3]", token) and not token.endswith("…"):  # a cut summary ends mid-word
                assert token in words, (token, line)
                checked += 1
    assert checked > 50


@pytest.mark.slow
def test_links_are_footnotes_with_the_printed_url(cjk):
    pdf, reader, pages, shown, proc = cjk
    url = "https://www.epo.org/law-practice/case-law-appeals.html"
    page = next(p for p in pages if "annual review" in p and "Further reading" in p)
    assert squash(url) in squash(page)  # the footnote sits on the page of its call
    assert "https://www.cnipa.gov.cn/" in "".join(pages)


@pytest.mark.slow
def test_cjk_contents_match_outline(cjk):
    pdf, reader, pages, shown, proc = cjk
    starts = start_pages(pages, shown)
    outline = outline_pages(reader)
    numbers = contents_numbers(pages[1], shown)
    for story in shown:
        n = story.notice
        assert numbers[n.id] == starts[n.id] == outline[n.title], n.title


# ---- variants, determinism, groups ----------------------------------------------------

@pytest.mark.slow
def test_pdf_a3b_attaches_every_notice_as_markdown(archival):
    reader = PdfReader(archival / "build/brief.pdf")
    notices = sorted(p.name for p in (archival / "build/notices").glob("*.md"))
    assert sorted(reader.attachments) == notices
    name = notices[0]
    assert reader.attachments[name][0] == (archival / "build/notices" / name).read_bytes()
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert reader.pdf_header == "%PDF-1.7"


@pytest.mark.slow
def test_pdf_a3b_is_byte_identical_across_builds(archival, tmp_path):
    again = make_workspace(tmp_path / "again")
    run_cli("render", "-f", "pdf", "--pdf-variant", "pdf/a-3b", cwd=again)
    assert (again / "build/brief.pdf").read_bytes() == (archival / "build/brief.pdf").read_bytes()


@pytest.mark.slow
def test_pdf_ua1_is_tagged(tmp_path):
    ws = make_workspace(tmp_path / "ua")
    run_cli("render", "-f", "pdf", "--pdf-variant", "pdf/ua-1", cwd=ws)
    reader = PdfReader(ws / "build/brief.pdf")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert "pdfuaid" in root["/Metadata"].get_object().get_data().decode()
    assert reader.metadata.title == "IP5 Briefing"


@pytest.mark.slow
def test_group_by_office_writes_one_pdf_per_office(tmp_path):
    ws = make_workspace(tmp_path / "groups", None)
    for name in ("jpo-2021-06-28-ja-pph.md", "epo-2021-06-20-en-long.md"):  # two groups are enough
        shutil.copy(DATA / name, ws / "sources" / name)
    run_cli("render", "-f", "pdf", "--group-by", "office", cwd=ws)
    pdfs = sorted(p.name for p in (ws / "build").glob("*.pdf"))
    assert pdfs == ["brief-epo.pdf", "brief-jpo.pdf"]
    reader = PdfReader(ws / "build/brief-jpo.pdf")
    assert reader.metadata.title == "IP5 Briefing — JPO"
    notices = [t for t in outline_pages(reader) if t not in ("Contents", "At a glance", "Glossary", "Index of offices")]
    assert notices == ["特許庁、特許審査ハイウェイの利用状況を公表"]


# ---- warnings and untrusted input -------------------------------------------------------

@pytest.mark.slow
def test_missing_glyphs_give_one_warning_naming_notice_and_package(tmp_path):
    ws = make_workspace(tmp_path / "tofu", None)
    # U+E000 is private use: no installed font draws it, whatever the machine.
    (ws / "sources/odd.md").write_text("---\ntitle: Private glyphs\ndate: 2021-06-01\noffice: EPO\n---\n\n"
                                       "The office used a private symbol \ue000 and \ue001 in this notice.\n")
    proc = run_cli("render", "-f", "pdf", cwd=ws)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "2021-06-01-epo-private-glyphs" in lines[0] and "no glyph" in lines[0]
    assert "U+E000" in lines[0] and "install fonts-noto-core" in lines[0]
    assert ".notdef" not in proc.stderr


@pytest.mark.slow
def test_render_fetches_nothing_a_notice_or_stylesheet_names(tmp_path):
    with RecordingServer(b"body { color: red }", "text/css") as server:
        base = server.url
        ws = make_workspace(tmp_path / "hostile", None)
        (ws / "sources/bad.md").write_text(
            "---\ntitle: Hostile notice\ndate: 2021-06-01\noffice: EPO\n---\n\n"
            f"An image ![x]({base}/img.png) and ![y](file:///etc/passwd) and a [link]({base}/page).\n")
        (ws / "styles").mkdir()
        css = (ROOT / "styles/brief.css").read_text()
        (ws / "styles/brief.css").write_text(f'@import url("{base}/import.css");\n' + css)
        proc = run_cli("render", "-f", "pdf", cwd=ws)
    assert server.hits == []
    assert "refused" in proc.stderr  # the stylesheet's @import was refused, and said so
    text = "".join(page_texts(ws / "build/brief.pdf"))
    assert f"{base}/page" in squash(text)  # a link is printed, never fetched


@pytest.mark.slow
def test_workspace_template_restyles_accent_and_cover(tmp_path):
    """The README's example: extend the packaged template, change the accent and the cover."""
    from PIL import Image

    ws = make_workspace(tmp_path / "restyled")
    (ws / "styles").mkdir()
    (ws / "styles/brief.html").write_text(
        '{% extends "packaged/brief.html" %}\n'
        '{% block styles %}{{ super() }}<style>:root { --accent: #8a1538; }</style>{% endblock %}\n'
        '{% block cover %}<section class="cover">\n'
        '  <h1 class="cover-title">{{ brief.title }}</h1>\n'
        '  <p class="cover-subtitle">For the Director only</p>\n'
        '  <p class="cover-edition">Edition of {{ edition | longdate }}</p>\n'
        '</section>{% endblock %}\n')
    run_cli("render", "-f", "pdf", cwd=ws)
    pdf = ws / "build/brief.pdf"
    pages = page_texts(pdf)
    assert "For the Director only" in pages[0] and "notices by office" not in pages[0].lower()
    assert re.search(r"Page 2 of \d+", pages[1])
    subprocess.run(["pdftoppm", "-png", "-r", "20", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(tmp_path / "cover")], check=True)
    assert Image.open(tmp_path / "cover.png").convert("RGB").getpixel((3, 3)) == (0x8a, 0x15, 0x38)


DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@pytest.mark.slow
@pytest.mark.skipif(not DEJAVU.is_dir(), reason="needs fonts-dejavu-core")
def test_cjk_with_only_dejavu_names_each_notice_and_fonts_noto_cjk(tmp_path, monkeypatch):
    """A machine without fonts-noto-cjk: fontconfig sees DejaVu only."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
                    f'<dir>{DEJAVU}</dir><cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>\n')
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    ws = make_workspace(tmp_path / "dejavu", None)
    for name in ("cnipa-2021-06-30-zh-quality.md", "kipo-2021-06-25-ko-design.md", "epo-2021-06-20-en-long.md"):
        shutil.copy(DATA / name, ws / "sources" / name)
    # In a child process: the layout workers of this one were started, with
    # the fontconfig they found then, by earlier tests' builds.
    proc = run_cli("render", "-f", "pdf", cwd=ws, child=True)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr  # one warning, not one per glyph
    shown = {s.notice.language: s.notice for s in shown_stories(ws / "sources")}
    assert shown["zh"].id in lines[0] and shown["ko"].id in lines[0]
    assert shown["en"].id not in lines[0]
    assert lines[0].endswith("install fonts-noto-cjk")
    assert _fonts(PdfReader(ws / "build/brief.pdf"))  # still a complete PDF
