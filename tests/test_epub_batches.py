"""The EPUB's Markdown is converted and written in cached batches of stories;
the book is the same, byte for byte, as one pandoc run over the whole."""

from __future__ import annotations

import json
import os
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
    """Batch size 5; returns the list of what each sandboxed pandoc run converts
    (a batch, or the whole book)."""
    calls: list[str] = []
    monkeypatch.setattr(epub, "BATCH", 5)
    for name in ("untrusted_ast", "untrusted_batch"):
        real = getattr(epub, name)
        monkeypatch.setattr(epub, name, lambda source, env=None, real=real: calls.append(source) or real(source, env))
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
    real_fill, filled = epub.fill_chapters, []
    monkeypatch.setattr(epub, "fill_chapters", lambda *a: filled.append(real_fill(*a)) or filled[-1])
    batched = _render(runner)
    batches = len(counted)
    assert batches > 3
    assert len(filled) == 1 and filled[0] is not None  # written in batches, not in one run

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


# ---- chapters written per batch, against the whole book written at once ------

def _write(ast: bytes, tmp_path: Path) -> bytes:
    out = tmp_path / "book.epub"
    epub._pandoc([*epub.WRITER_ARGS, "--metadata", "title=T", "--output", str(out)], ast, dict(os.environ), str(tmp_path))
    return out.read_bytes()


def _chapters_both_ways(batches_md: list[str], tmp_path: Path):
    """(chapter files of the book written in batches or None, those of the book written at once)."""
    results = [json.loads(epub.untrusted_batch(md)) for md in batches_md]
    headings = [r["headings"].encode() for r in results]
    skeleton = _write(epub._concat(headings), tmp_path)
    whole = _write(epub.untrusted_ast("\n\n".join(batches_md)), tmp_path)
    filled = epub.fill_chapters(skeleton, epub.line_up(headings, [r["bodies"] for r in results]))
    if filled is not None:
        filled = {name: filled.get(name, page.encode()) for name, page in epub._chapter_files(skeleton)}
    return filled, dict(epub._chapter_files(whole))


BATCH_ONE = ("# One {#one}\n\nA note[^a] and a link to [two](#two).\n\n[^a]: Note A.\n\n"
             "# Two {#two}\n\nAnother[^b].\n\n[^b]: Note B.\n")


def test_footnotes_and_links_inside_a_batch_come_out_as_in_one_run(tmp_path):
    second = "# Three {#three}\n\nSee [four](#four), and a note[^c].\n\n[^c]: Note C.\n\n# Four {#four}\n\nText.\n"
    filled, expected = _chapters_both_ways([BATCH_ONE, second], tmp_path)
    assert filled is not None and len(expected) == 4
    assert {name: page.encode() for name, page in expected.items()} == filled
    assert 'href="ch004.xhtml#four"' in filled["EPUB/text/ch003.xhtml"].decode()  # renumbered from ch002


def test_a_link_into_another_batch_makes_the_book_in_one_run(tmp_path):
    second = "# Three {#three}\n\nBack to [one](#one).\n"
    filled, expected = _chapters_both_ways([BATCH_ONE, second], tmp_path)
    assert filled is None
    assert 'href="ch001.xhtml#one"' in expected["EPUB/text/ch003.xhtml"]  # what only the whole book knows


def test_text_before_the_first_chapter_is_a_chapter_in_both(tmp_path):
    second = "# Three {#three}\n\nText.\n"
    filled, expected = _chapters_both_ways(["A template's word before the stories.\n\n" + BATCH_ONE, second], tmp_path)
    assert filled is not None and len(expected) == 4
    assert {name: page.encode() for name, page in expected.items()} == filled
