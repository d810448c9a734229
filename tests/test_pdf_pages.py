"""Briefs read back page by page: running heads, how full each page is, how small briefs open.

The PDF is read as a reader sees it (pdftotext's word boxes, the named
destinations where each part starts); what each part is comes from the
brief's HTML output. See tests/pdfpages.py.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT, make_workspace, run_cli
from pdfpages import head_problems, read, thin_pages

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    ws = make_workspace(tmp_path_factory.mktemp("sample"), everything=True)
    run_cli("render", "-f", "pdf", "-f", "html", cwd=ws)
    return ws


def test_every_running_head_names_the_notice_at_the_top_of_its_page_in_one_line(sample):
    book = read(sample / "build/brief.pdf", sample / "build/brief.html")
    assert head_problems(book, "IP5 Briefing") == []
    # The brief has what makes this hard: pages where a notice continued at
    # the top is not the first to start there, and heads too long for a line.
    continued = [page for page in range(len(book.pages))
                 if (top := book.at_top(page)) is not None and top.notice and top.page < page
                 and any(p.page == page for p in book.parts)]
    assert len(continued) >= 3, continued
    assert any(w.text.endswith("…") for page in range(len(book.pages)) for w in book.head(page, "IP5 Briefing"))


def rendered_brief(ws: Path, *args: str) -> Path:
    run_cli("render", "-f", "pdf", "-f", "html", *args, cwd=ws)
    return ws


@pytest.fixture(scope="module")
def week(tmp_path_factory) -> Path:
    """Seven stories, as a weekly edition has."""
    ws = tmp_path_factory.mktemp("week")
    generate(ws / "sources", 7)
    return rendered_brief(ws)


@pytest.fixture(scope="module")
def forty(tmp_path_factory) -> Path:
    """Forty stories: the front matter spans pages, the layout is chunked."""
    ws = tmp_path_factory.mktemp("forty")
    generate(ws / "sources", 40)
    return rendered_brief(ws)


@pytest.fixture(scope="module")
def cjk(tmp_path_factory) -> Path:
    """The shipped Chinese, Japanese and Korean notices and three more."""
    ws = tmp_path_factory.mktemp("cjk")
    (ws / "sources").mkdir()
    for src in sorted((ROOT / "sources").iterdir()):
        if src.name.split(".")[0].endswith(("-zh", "-ja", "-ko")):
            shutil.copy(src, ws / "sources" / src.name)
    for src in sorted((ROOT / "tests/data/pdf").glob("*-[zjk][hao]-*.md")):
        shutil.copy(src, ws / "sources" / src.name)
    return rendered_brief(ws)


@pytest.mark.parametrize("brief", ["sample", "week", "forty", "cjk"])
def test_no_page_is_less_than_a_third_full_but_where_a_story_or_a_small_part_ends(brief, request):
    ws = request.getfixturevalue(brief)
    book = read(ws / "build/brief.pdf", ws / "build/brief.html")
    assert thin_pages(book) == []
    assert head_problems(book, "IP5 Briefing") == []


def test_the_measure_finds_a_near_empty_page(sample, tmp_path):
    """The contents overflowing by an entry onto a page of their own, as they did."""
    ws = make_workspace(tmp_path / "ws", everything=True)
    (ws / "styles").mkdir()
    (ws / "styles/brief.html").write_text(
        '{% extends "packaged/brief.html" %}\n{% block styles %}{{ super() }}'
        '<style>.toc { break-after: page; } .toc li { margin-bottom: 4.4mm; }</style>{% endblock %}\n', encoding="utf-8")
    rendered_brief(ws)
    problems = thin_pages(read(ws / "build/brief.pdf", ws / "build/brief.html"))
    assert problems and all("contents at its top" in p for p in problems), problems


def test_a_small_brief_has_one_contents_page_with_the_summaries(week):
    book = read(week / "build/brief.pdf", week / "build/brief.html")
    notices = [p for p in book.parts if p.notice]
    assert len(notices) == 7 and notices[0].page == 2  # cover, contents, then the first story
    contents = " ".join(w.text for w in book.pages[1])
    assert "At a glance" not in contents and contents.count("(notice ") == 7
    assert contents.count("On ") == 7  # each summary ("On <date>, the ... office")


def test_a_one_story_brief_is_at_most_two_pages_and_opens_under_a_masthead(tmp_path):
    ws = make_workspace(tmp_path / "ws", everything=True)
    run_cli("render", "-o", "groups", "--group-by", "office", "-f", "pdf", "-f", "html", cwd=ws)
    single = []
    for pdf in sorted((ws / "groups").glob("*.pdf")):
        book = read(pdf, pdf.with_suffix(".html"))
        if sum(p.notice for p in book.parts) == 1:
            single.append(pdf.name)
            assert len(book.pages) <= 2, pdf.name
            assert book.parts[0].notice and book.parts[0].page == 0  # the story starts on page 1
            assert thin_pages(book) == [] and head_problems(book, "IP5 Briefing") == []
    assert single, "no group with one story"
    assert len(PdfReader(ws / "groups" / single[0]).pages) <= 2
