"""An incremental build gives the bytes of a cold one.

Sources S built cold in one workspace; in another, S is built, then changed
(a body corrected, a headline made longer so the contents move, a notice
removed, one added) and built, which must give the bytes of the changed
sources built cold in a third, then put back to S and built again: every
output must then be byte for byte the cold build's. The brief is laid out in
chunks, with workers, so the chunk cache, the furniture and the assembly
are all exercised, as are the notice cache, the duplicate links and the
output stamps.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import realistic

N = 48
EPOCH = "1700000000"  # the bench's edition date: every generated notice is dated before it


def build(ws: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "ip5pub", "render", "-f", "all", "-q", "--jobs", "2",
                           "--pdf-layout", "chunked", "--pdf-chunk-size", "8"],
                          cwd=ws, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr


def outputs(ws: Path) -> dict[str, bytes]:
    build_dir = ws / "build"
    return {p.relative_to(build_dir).as_posix(): p.read_bytes() for p in sorted(build_dir.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(build_dir).parts and not p.name.startswith(".")}


@pytest.mark.slow
def test_changed_and_restored_sources_rebuild_to_the_cold_bytes(tmp_path):
    cold = tmp_path / "cold"
    paths = realistic(cold / "sources", N)
    warm = tmp_path / "warm"
    shutil.copytree(cold / "sources", warm / "sources")
    build(cold)
    expected = outputs(cold)
    assert "brief.pdf" in expected and "brief.epub" in expected
    assert sum(name.startswith("notices/") for name in expected) == N

    build(warm)
    assert outputs(warm) == expected  # a cold build in another folder: the same bytes

    # S': one body corrected, one headline longer, one source removed, one added.
    sources = warm / "sources"
    mds = sorted(sources.glob("*.md"))
    body, title = mds[len(mds) // 3], mds[2 * len(mds) // 3]
    gone = sorted(sources.glob("*.txt"))[0]
    saved = {p: p.read_bytes() for p in (body, title, gone)}
    body.write_text(body.read_text(encoding="utf-8").rstrip() + " A correction followed.\n", encoding="utf-8")
    title.write_text(re.sub(r'^title: "(.*)"$', r'title: "\1, now with a much longer headline for the contents"',
                            title.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")
    gone.unlink()
    added = sources / "added-notice.txt"
    added.write_text(paths[0].read_text(encoding="utf-8") if paths[0].suffix == ".txt" else
                     "USPTO opens a helpdesk for design applicants in Denver\nDate: 2022-03-08  Source: USPTO\n\n"
                     "On March 7, 2022, the United States Patent and Trademark Office opened a helpdesk in Denver "
                     "where design applicants can book calls with 14 examiners.\n", encoding="utf-8")
    build(warm)
    changed = outputs(warm)
    assert changed["brief.pdf"] != expected["brief.pdf"]
    assert changed["digest.txt"] != expected["digest.txt"]
    fresh = tmp_path / "fresh"  # S' built cold: what the incremental build of S' must equal
    shutil.copytree(sources, fresh / "sources")
    build(fresh)
    cold_changed = outputs(fresh)
    assert sorted(changed) == sorted(cold_changed)
    for name in cold_changed:
        assert changed[name] == cold_changed[name], f"{name} of S' differs from its cold build's"

    # Back to S, incrementally.
    added.unlink()
    for path, data in saved.items():
        path.write_bytes(data)
    build(warm)
    got = outputs(warm)
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], f"{name} differs from the cold build's"


@pytest.mark.slow
def test_a_build_dated_by_the_clock_lays_out_only_what_changed(tmp_path):
    """Without SOURCE_DATE_EPOCH the brief is dated to the second: the date
    goes into the assembled PDF, not into every document it is laid out
    from, or each build would lay out every chunk again."""
    ws = tmp_path / "ws"
    realistic(ws / "sources", N)
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    command = [sys.executable, "-m", "ip5pub", "render", "-f", "pdf", "-f", "html", "-v", "--jobs", "2", "--pdf-layout", "chunked",
               "--pdf-chunk-size", "8"]

    def dated_build() -> tuple[str, str]:
        proc = subprocess.run(command, cwd=ws, env=env, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        created = re.search(r'name="dcterms.created" content="([^"]+)"',
                            (ws / "build" / "brief.html").read_text(encoding="utf-8"))
        assert created is not None
        return proc.stderr, created.group(1)

    first, first_date = dated_build()
    assert re.search(r"laid out (\d+) of \1 chunks", first), first
    time.sleep(1.1)  # the next build's date is another second
    md = sorted((ws / "sources").glob("*.md"))[0]
    md.write_text(md.read_text(encoding="utf-8").rstrip() + " A correction followed.\n", encoding="utf-8")
    second, second_date = dated_build()
    assert second_date != first_date
    assert re.search(r"laid out 1 of \d+ chunks", second), second
    info = PdfReader(ws / "build" / "brief.pdf").metadata
    expected = "D:" + re.sub(r"\D", "", second_date) + "Z"  # 2026-12-06T22:53:56Z -> D:20261206225356Z
    assert (info["/CreationDate"], info["/ModDate"]) == (expected, expected)
