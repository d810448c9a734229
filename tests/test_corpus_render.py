"""The whole sample corpus (every shape, language and encoding) through a real render."""

from __future__ import annotations


import pytest
from pypdf import PdfReader

from ip5pub.notices import normalize_sources
from ip5pub.collect import stories
from ip5pub.readers import source_files

from conftest import make_workspace, run_cli, squash

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    ws = make_workspace(tmp_path_factory.mktemp("corpus"), everything=True)
    run_cli("render", "-f", "pdf", "-f", "txt", "-f", "html", cwd=ws)
    notices = normalize_sources(source_files(ws / "sources"), base=ws).notices
    return ws, stories(notices, "en")


def test_every_source_is_normalized(corpus):
    ws, shown = corpus
    written = list((ws / "build/notices").glob("*.md"))
    assert len(written) == sum(1 + len(s.also) for s in shown) >= 30


def test_each_event_once_with_who_else_reported_it(corpus):
    ws, shown = corpus
    digest = " ".join((ws / "build/digest.txt").read_text(encoding="utf-8").split())
    html = (ws / "build/brief.html").read_text(encoding="utf-8")
    pdf = squash("".join(p.extract_text() for p in PdfReader(ws / "build/brief.pdf").pages))
    grouped = [s for s in shown if s.also]
    assert len(grouped) >= 5  # the IP5 meetings, the ISA pilot, the GR/TK treaty, the fee rule
    for story in shown:
        title = " ".join(story.notice.title.split())
        assert digest.count(title) == 1, title
        assert squash(title) in pdf, title
        for other in story.also:
            if other.title != story.notice.title:
                assert " ".join(other.title.split()) not in digest, other.title
        if story.also_reported_by:
            assert "also reported by " + story.also_reported_by[0] in digest
    assert html.count("also reported by") >= len(grouped)
