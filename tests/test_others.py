"""A large brief's other formats (EPUB, digests, brief.html, build/notices)
are made in a process of their own beside its PDF (ip5pub.render.others):
the same bytes as the build's thread makes, cold and after a correction,
and made in the thread after all when the process cannot run."""

from __future__ import annotations

import contextlib
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from ip5pub.cli import main
from ip5pub.render import others

sys.path.insert(0, str(ROOT / "bench"))
from bench import edit_title, victim
from generate import realistic

EDITION_EPOCH = "1700000000"  # bench/generate.py's edition: its notices are all before it
FILES = ("brief.epub", "digest.txt", "digest.txt.json", "digest.md", "digest.md.json", "brief.html")


def run(ws: Path, *args: str) -> None:
    with contextlib.chdir(ws):
        got = CliRunner().invoke(main, list(args), env={"SOURCE_DATE_EPOCH": EDITION_EPOCH}, prog_name="ip5pub")
    assert got.exit_code == 0, got.output


def workspace(path: Path) -> Path:
    """12 realistic notices and the digest of an earlier edition, one notice gone since."""
    paths = realistic(path / "sources", 12)
    run(path, "digest", "--since", "2000-01-01", "-o", "old/digest.txt")
    paths[3].unlink()
    return path


def build(ws: Path) -> dict[str, bytes]:
    run(ws, "render", "-q", "-f", "all", "--jobs", "2", "--since", "2000-01-01", "--previous", "old/digest.txt.json")
    out = ws / "build"
    return {**{name: (out / name).read_bytes() for name in FILES},
            **{f"notices/{p.name}": p.read_bytes() for p in sorted((out / "notices").iterdir())}}


@pytest.fixture
def started(monkeypatch) -> list[int]:
    """Every brief's other formats apart; how many processes were started."""
    count: list[int] = []
    init = others.Apart.__init__

    def counting(self, *args, **kwargs):
        count.append(1)
        init(self, *args, **kwargs)

    monkeypatch.setattr(others.Apart, "__init__", counting)
    return count


@pytest.mark.slow  # each build lays a PDF out in worker processes
def test_made_apart_the_formats_are_the_ones_the_thread_makes(tmp_path, monkeypatch, started):
    apart, beside = workspace(tmp_path / "apart"), tmp_path / "beside"
    shutil.copytree(apart, beside)

    monkeypatch.setattr(others, "APART_FROM", 1)
    made_apart = build(apart)
    assert len(started) == 1
    monkeypatch.setattr(others, "APART_FROM", 10**6)
    made_beside = build(beside)
    assert len(started) == 1  # the thread
    assert len([name for name in made_apart if name.startswith("notices/")]) == 11
    assert b"No longer in the sources since" in made_apart["digest.txt"]  # the baseline reached the process
    assert made_apart == made_beside

    # A correction: the process writes the changed notice's file again, and
    # takes the stamps of the others from the cache as the thread does.
    for ws in (apart, beside):
        edit_title(victim(ws))
    stale = apart / "build" / "notices" / "stale.md"
    stale.write_text("left by hand\n", encoding="utf-8")
    monkeypatch.setattr(others, "APART_FROM", 1)
    made_apart = build(apart)
    assert len(started) == 2
    monkeypatch.setattr(others, "APART_FROM", 10**6)
    assert made_apart == build(beside)
    assert not stale.exists()


@pytest.mark.slow
def test_a_process_that_cannot_start_leaves_the_formats_to_the_thread(tmp_path, monkeypatch, started):
    failing, beside = workspace(tmp_path / "failing"), tmp_path / "beside"
    shutil.copytree(failing, beside)
    monkeypatch.setattr(others, "APART_FROM", 1)
    fields = others._fields
    monkeypatch.setattr(others, "_fields", lambda ctx: {**fields(ctx), "unpicklable": lambda: None})
    made = build(failing)
    assert len(started) == 1
    monkeypatch.setattr(others, "APART_FROM", 10**6)
    assert made == build(beside)


def test_an_exception_that_would_not_pickle_comes_back_by_name_and_message():
    class Local(Exception):
        pass

    back = others._portable(Local("the reason"))
    assert type(back) is RuntimeError and str(back) == "Local: the reason"
    kept = OSError(28, "No space left on device")
    assert others._portable(kept) is kept


@pytest.mark.slow
def test_a_format_that_fails_in_the_process_is_named_and_the_others_are_written(tmp_path, monkeypatch, started):
    """A workspace's EPUB chapter template that makes broken XML: the build
    names the EPUB and the reason in one line and exits 1, as the thread
    would; the PDF, the digests and the HTML are written."""
    ws = workspace(tmp_path / "ws")
    (ws / "styles" / "epub").mkdir(parents=True)
    (ws / "styles" / "epub" / "chapter.xhtml").write_text("<html><body><p>unclosed\n", encoding="utf-8")
    monkeypatch.setattr(others, "APART_FROM", 1)
    with contextlib.chdir(ws):
        got = CliRunner().invoke(main, ["render", "-q", "-f", "all", "--jobs", "2"],
                                 env={"SOURCE_DATE_EPOCH": EDITION_EPOCH}, prog_name="ip5pub")
    assert len(started) == 1
    assert got.exit_code == 1
    lines = [line for line in got.output.splitlines() if "brief.epub" in line]
    assert len(lines) == 1 and "ValueError" in lines[0] and "is not well-formed XML" in lines[0], got.output
    assert not (ws / "build" / "brief.epub").exists()
    for name in ("brief.pdf", "digest.txt", "digest.md", "brief.html"):
        assert (ws / "build" / name).stat().st_size > 0
