"""An empty week is a normal week: every output is valid and says so.

A window with no notice in it, and a sources folder with no notice at all,
give a valid EPUB with one page saying so, a one-page PDF (the cover, with
the window), and a digest that says so; an empty sources folder is worth a
warning, an empty window is not.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from ip5pub.checks import epubcheck

from conftest import make_workspace, run_cli

WEEK = ("--since", "2021-06-24", "--until", "2021-06-30")  # the conftest's edition is 1 July 2021
# CLDR's span: an en dash between thin spaces, which the PDF's text and the
# plain-text digest give as plain spaces.
SPAN = "24\u2009–\u200930 June 2021"
SAYS = f"There were no notices in the period {SPAN}."
PLAIN = SAYS.replace("\u2009", " ")


@pytest.fixture(scope="module")
def empty_window(tmp_path_factory) -> tuple[Path, str]:
    """The shipped samples, none of them in the week asked for (the office filter empties it)."""
    ws = make_workspace(tmp_path_factory.mktemp("empty-window"))
    proc = run_cli("render", "-f", "all", *WEEK, "--office", "WIPO", cwd=ws)
    return ws, proc.stderr


@pytest.fixture(scope="module")
def no_sources(tmp_path_factory) -> tuple[Path, str]:
    ws = make_workspace(tmp_path_factory.mktemp("no-sources"), sources=None)
    proc = run_cli("render", "-f", "all", cwd=ws)
    return ws, proc.stderr


def _pages(pdf: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages]


@pytest.mark.slow
def test_an_empty_window_gives_a_one_page_pdf_with_the_window(empty_window):
    ws, stderr = empty_window
    pages = _pages(ws / "build/brief.pdf")
    assert len(pages) == 1
    assert "24 – 30 June 2021" in pages[0] and PLAIN in pages[0] and "Edition of 1 July 2021" in pages[0]
    assert "Contents" not in pages[0] and "Index of offices" not in pages[0]
    assert "no notices in this folder" not in stderr  # an empty week is not a problem


@pytest.mark.slow
@pytest.mark.parametrize("case", ["empty_window", "no_sources"])
def test_the_epub_of_an_empty_brief_passes_epubcheck_with_one_page_saying_so(case, request):
    ws, _ = request.getfixturevalue(case)
    result = epubcheck(ws / "build/brief.epub")
    assert (result.errors, result.warnings) == (0, 0), result.messages
    with zipfile.ZipFile(ws / "build/brief.epub") as book:
        chapters = [n for n in book.namelist() if n.startswith("EPUB/text/ch")]
        assert chapters == ["EPUB/text/ch001.xhtml"]
        page = book.read(chapters[0]).decode()
        nav = book.read("EPUB/nav.xhtml").decode()
    said = SAYS if case == "empty_window" else "There were no notices in the sources."
    assert said in page and ">No notices</a>" in nav


@pytest.mark.slow
def test_an_empty_sources_folder_warns_and_still_writes_everything(no_sources):
    ws, stderr = no_sources
    assert stderr.splitlines() == ["ip5pub: warning: sources/: no notices in this folder; the outputs say there were none"]
    pages = _pages(ws / "build/brief.pdf")
    assert len(pages) == 1 and "There were no notices in the sources." in pages[0]
    digest = (ws / "build/digest.txt").read_text(encoding="utf-8")
    assert "There were no notices in the sources." in digest
    assert (ws / "build/brief.html").is_file() and (ws / "build/digest.txt.json").is_file()


def test_the_digest_of_an_empty_window_names_the_window(tmp_path):
    ws = make_workspace(tmp_path / "ws")
    text = run_cli("digest", *WEEK, "--office", "WIPO", "-o", "-", cwd=ws).stdout
    assert PLAIN in text and "Notices from 24 June 2021 to 30 June 2021" in text
