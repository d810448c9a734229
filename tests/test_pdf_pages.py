"""The pages of the shipped sample brief, read back: running heads and how full each page is.

The PDF is read as a reader sees it (pdftotext's word boxes, the named
destinations where each part starts); what each part is comes from the
brief's HTML output. See tests/pdfpages.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import make_workspace, run_cli
from pdfpages import head_problems, read

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
