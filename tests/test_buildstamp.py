"""A build with nothing to do: found from its inputs and the files it left,
and never when anything it is made from, or anything it wrote, changed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import make_workspace, run_cli

NOTE = ("---\ntitle: JPO opens a new filing window\ndate: 2021-06-20\noffice: JPO\n---\n"
        "The JPO accepts design filings through its online window from 1 July.\n")
LATER = ("---\ntitle: KIPO hearing calendar\ndate: 2021-09-14\noffice: KIPO\n---\n"
         "KIPO publishes its hearing calendar for the autumn term.\n")  # after the edition date (2021-07-01)


def _build(ws: Path, *args: str, check: bool = True):
    return run_cli("render", "-f", "txt", "-f", "html", "-v", *args, cwd=ws, check=check)


def _nothing_to_do(out) -> bool:
    return "nothing changed since the last build" in out.stderr + out.stdout


def _outputs(ws: Path) -> dict[str, bytes]:
    return {p.relative_to(ws).as_posix(): p.read_bytes() for p in (ws / "build").rglob("*")
            if p.is_file() and ".cache" not in p.parts and not p.name.startswith(".")}


@pytest.fixture
def ws(tmp_path) -> Path:
    ws = make_workspace(tmp_path / "ws", sources=None)
    (ws / "sources" / "note.md").write_text(NOTE, encoding="utf-8")
    (ws / "sources" / "later.md").write_text(LATER, encoding="utf-8")
    return ws


def test_a_second_build_has_nothing_to_do_and_says_its_warnings_again(ws):
    first = _build(ws)
    made = _outputs(ws)
    assert not _nothing_to_do(first) and "after the edition date" in first.stderr
    second = _build(ws)
    assert _nothing_to_do(second)
    assert "2 notice(s)" in second.stderr
    assert "later.md" in second.stderr and "after the edition date" in second.stderr  # said again
    assert "build/digest.txt" in second.stdout and "build/brief.html" in second.stdout
    assert _outputs(ws) == made


@pytest.mark.parametrize("change", ["source edited", "source added", "sidecar added", "settings", "style",
                                    "options", "edition date"])
def test_any_change_to_what_the_build_is_made_from_makes_it_run(ws, change):
    _build(ws)
    args: list[str] = []
    if change == "source edited":
        path = ws / "sources" / "note.md"
        path.write_text(path.read_text(encoding="utf-8").replace("1 July", "2 July"), encoding="utf-8")
    elif change == "source added":
        (ws / "sources" / "third.md").write_text(NOTE.replace("JPO opens", "EPO opens").replace("JPO", "EPO"),
                                                 encoding="utf-8")
    elif change == "sidecar added":
        (ws / "sources" / "note.md.meta.yaml").write_text("date: 2021-06-21\n", encoding="utf-8")
    elif change == "settings":
        (ws / "ip5pub.toml").write_text('title = "Weekly IP notes"\n', encoding="utf-8")
    elif change == "style":
        (ws / "styles").mkdir()
        (ws / "styles" / "brief.css").write_text("body { color: #222; }\n", encoding="utf-8")
    elif change == "options":
        args = ["--office", "JPO"]
    elif change == "edition date":
        args = ["--today", "2021-07-02"]
    assert not _nothing_to_do(_build(ws, *args))


@pytest.mark.slow
def test_another_source_date_epoch_makes_it_run(ws):
    """The epoch is in every output's dates: another one is another build."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1625097600"}
    command = [sys.executable, "-m", "ip5pub", "render", "-f", "txt", "-f", "html", "-v", "--today", "2021-07-01"]
    outs = []
    for epoch in ("1625097600", "1625097600", "1625101200"):
        env["SOURCE_DATE_EPOCH"] = epoch
        outs.append(subprocess.run(command, cwd=ws, env=env, capture_output=True, text=True, check=True, timeout=60))
    assert [_nothing_to_do(o) for o in outs] == [False, True, False]


@pytest.mark.slow
def test_without_a_source_date_epoch_the_time_of_day_makes_no_build_run(ws):
    """Dated by the clock, the outputs show the time they were made; built
    again the same day from the same sources, they are up to date."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    command = [sys.executable, "-m", "ip5pub", "render", "-f", "txt", "-f", "html", "-v", "--today", "2021-07-01"]
    first = subprocess.run(command, cwd=ws, env=env, capture_output=True, text=True, check=True, timeout=60)
    made = _outputs(ws)
    time.sleep(1.1)  # another second on the clock
    second = subprocess.run(command, cwd=ws, env=env, capture_output=True, text=True, check=True, timeout=60)
    assert (_nothing_to_do(first), _nothing_to_do(second)) == (False, True)
    assert _outputs(ws) == made
    path = ws / "sources" / "note.md"
    path.write_text(path.read_text(encoding="utf-8").replace("1 July", "2 July"), encoding="utf-8")
    third = subprocess.run(command, cwd=ws, env=env, capture_output=True, text=True, check=True, timeout=60)
    assert not _nothing_to_do(third)
    assert _outputs(ws)["build/brief.html"] != made["build/brief.html"]


@pytest.mark.parametrize("damage", ["output edited", "output deleted", "notice copy deleted"])
def test_a_file_the_build_wrote_that_changed_is_made_again(ws, damage):
    _build(ws)
    made = _outputs(ws)
    if damage == "output edited":
        (ws / "build" / "digest.txt").write_text("edited by hand\n", encoding="utf-8")
    elif damage == "output deleted":
        (ws / "build" / "brief.html").unlink()
    else:
        next((ws / "build" / "notices").glob("*.md")).unlink()
    out = _build(ws)
    assert not _nothing_to_do(out)
    assert _outputs(ws) == made


@pytest.mark.parametrize("extra, counts", [
    (".cache/pdf/extra.bin", False), (".partial-brief.pdf", False), (".hidden/deep/file.txt", False),
    ("notices/.swap", False), ("extra/new.txt", True), ("notices/extra.md", True)])
def test_files_beside_the_outputs_count_unless_hidden_or_in_the_cache(ws, extra, counts):
    _build(ws)
    path = ws / "build" / extra
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("not the build's\n", encoding="utf-8")
    assert _nothing_to_do(_build(ws)) is not counts


def test_a_build_with_a_bad_source_is_never_taken_as_done(ws):
    (ws / "sources" / "bad.md").write_bytes(b"---\ntitle: [unclosed\n---\nbody\n")
    for _ in range(2):
        out = _build(ws, check=False)
        assert out.returncode == 1 and "bad.md" in out.stderr
        assert not _nothing_to_do(out)


def test_the_number_of_jobs_changes_nothing_and_so_does_not_count(ws):
    _build(ws, "--jobs", "1")
    assert _nothing_to_do(_build(ws, "--jobs", "2"))



def test_a_file_in_the_output_folder_it_cannot_read_makes_it_run_not_fail(ws, monkeypatch):
    """An unreadable file beside the outputs (a permission, a disk error) is
    no stamp trusted or written: the build runs, and exits as it would."""
    _build(ws)
    (ws / "build" / "private.txt").write_text("not ours\n", encoding="utf-8")
    read = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == "private.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return read(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    for _ in range(2):
        out = _build(ws)
        assert out.returncode == 0 and not _nothing_to_do(out)
