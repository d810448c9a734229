"""The EPUB's Markdown is converted in cached batches of stories; the book is the same as in one run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ip5pub.cli import main
from ip5pub.render import epub

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

pytestmark = pytest.mark.slow


def _count_runs(monkeypatch) -> list[str]:
    """Batch size 5; returns the list of what each sandboxed pandoc run converts."""
    calls: list[str] = []
    real = epub.untrusted_ast
    monkeypatch.setattr(epub, "BATCH", 5)
    monkeypatch.setattr(epub, "untrusted_ast", lambda source, env=None: calls.append(source) or real(source, env))
    return calls


@pytest.fixture
def counted(monkeypatch):
    return _count_runs(monkeypatch)


def _render(runner) -> bytes:
    result = runner.invoke(main, ["render", "-f", "epub", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return Path("build/brief.epub").read_bytes()


def test_batches_make_the_same_book_and_a_change_costs_one_batch(tmp_path, monkeypatch, runner, counted):
    paths = generate(tmp_path / "sources", 40)
    monkeypatch.chdir(tmp_path)
    batched = _render(runner)
    batches = len(counted)
    assert batches > 3

    # The same book from one pandoc run over the whole Markdown.
    whole = tmp_path / "whole"
    whole.mkdir()
    (whole / "sources").symlink_to(tmp_path / "sources")
    monkeypatch.chdir(whole)
    monkeypatch.setattr(epub, "pieces", lambda source, stories: [source.replace(epub.STORY_MARK, "")])
    counted.clear()
    assert _render(runner) == batched
    assert len(counted) == 1
    monkeypatch.undo()

    # One corrected notice: one batch converted again, the rest from the cache.
    monkeypatch.chdir(tmp_path)
    calls = _count_runs(monkeypatch)
    victim = paths[17]
    victim.write_text(victim.read_text(encoding="utf-8").rstrip() + " Corrected.\n", encoding="utf-8")
    changed = _render(runner)
    assert changed != batched
    assert len(calls) == 1 and "Corrected." in calls[0]


def test_a_notice_that_writes_the_mark_itself_costs_batching_not_correctness():
    mark = epub.STORY_MARK
    source = f"{mark}\n# One\n\ntext\n{mark}\n\n# Two\n\na body that writes the mark\n{mark}\n\nitself\n"
    assert len(epub.pieces(source, 2)) == 1  # three marks for two stories: no cut
    assert epub.STORY_MARK not in epub.pieces(source, 2)[0]
    assert len(epub.pieces(f"intro\n{epub.STORY_MARK}\n# A\n\n{epub.STORY_MARK}\n# B\n", 2)) == 3
