"""Faults: killed renders, two renders at once, a full disk, read-only sources."""

from __future__ import annotations

import errno
import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ip5pub.cli import main
from ip5pub.lock import Busy, workspace_lock

from conftest import EPOCH, make_workspace, run_cli

OUTPUTS = ("brief.pdf", "brief.epub", "digest.txt", "brief.html")


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.slow
def test_second_run_waits_then_fails_clearly_and_a_killed_holder_frees_the_lock(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time; from pathlib import Path; from ip5pub.lock import workspace_lock\n"
                               f"with workspace_lock(Path({str(tmp_path)!r})):\n"
                               "    print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(Busy, match=f"pid {holder.pid}"), workspace_lock(tmp_path, wait=0.5):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # The lock file is still there, but the kernel released the lock with the process.
    assert (tmp_path / ".ip5pub.lock").exists()
    with workspace_lock(tmp_path, wait=0):
        pass


def test_full_disk_is_one_clear_error_and_keeps_the_previous_output(runner, workspace, monkeypatch):
    assert runner.invoke(main, ["digest"]).exit_code == 0
    before = Path("build/digest.txt").read_bytes()
    Path("sources/plain-wipo-2020-07-23-pct-filings-wrapped.txt").unlink()

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    result = runner.invoke(main, ["digest"])
    assert result.exit_code == 1
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert Path("build/digest.txt").read_bytes() == before
    assert not [p for p in Path("build").rglob("*.tmp")]


def test_sources_are_never_modified_even_read_only(workspace, runner):
    before = _hashes(Path("sources"))
    for p in Path("sources").iterdir():
        p.chmod(0o444)
    Path("sources").chmod(0o555)
    try:
        result = runner.invoke(main, ["render", "-f", "txt", "-f", "html"])
        assert result.exit_code == 0, result.output
    finally:
        Path("sources").chmod(0o755)
    assert _hashes(Path("sources")) == before


@pytest.mark.slow
def test_sigkill_mid_render_leaves_old_or_new_outputs(tmp_path):
    old_ws = make_workspace(tmp_path / "ws")
    run_cli("render", "-f", "all", cwd=old_ws)
    old = _hashes(old_ws / "build")
    # What the new outputs are, rendered undisturbed elsewhere.
    new_ws = make_workspace(tmp_path / "reference")
    (new_ws / "ip5pub.toml").write_text('title = "Second edition"\n')
    run_cli("render", "-f", "all", cwd=new_ws)
    new = _hashes(new_ws / "build")
    (old_ws / "ip5pub.toml").write_text('title = "Second edition"\n')

    rng = random.Random(7)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-m", "ip5pub", "render", "-f", "all"], cwd=old_ws, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = _hashes(old_ws / "build")
        for name in OUTPUTS:
            assert now[name] in (old[name], new[name]), name
    run_cli("render", "-f", "all", cwd=old_ws)
    final = _hashes(old_ws / "build")
    assert {k: final[k] for k in OUTPUTS} == {k: new[k] for k in OUTPUTS}
