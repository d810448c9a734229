"""Resource bounds for every source shape, measured: small hostile inputs inside
the stated limits cost seconds and hundreds of MiB, not minutes and gigabytes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bounds import heavy_docx, lying_docx, measured
from conftest import SOURCES, run_cli

SEED = SOURCES / "cnipa-2021-06-29-ip5-heads-meeting.txt"
DOCX = SOURCES / "docx-wipo-2023-02-28-pct-filings-2022.docx"


def _workspace(tmp_path: Path, **files: bytes) -> Path:
    ws = tmp_path / "ws"
    (ws / "sources").mkdir(parents=True)
    (ws / "sources" / SEED.name).write_bytes(SEED.read_bytes())
    for name, data in files.items():
        (ws / "sources" / name.replace("_", "-")).write_bytes(data)
    return ws


def _one_error(proc, name: str) -> str:
    errors = [line for line in proc.stderr.splitlines() if line.startswith("ip5pub: error:")]
    assert len(errors) == 1 and errors[0].startswith(f"ip5pub: error: sources/{name}: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return errors[0]


@pytest.fixture(scope="module")
def heavy() -> bytes:
    return heavy_docx()


def test_a_zip_that_under_declares_its_sizes_is_refused_before_pandoc(tmp_path):
    ws = _workspace(tmp_path, lying_docx=lying_docx())
    proc, seconds, rss = measured(["normalize", "sources", "-o", "out"], ws)
    line = _one_error(proc, "lying-docx")
    assert "not a readable .docx (Bad CRC-32" in line
    assert seconds < 20 and rss < 300, (seconds, rss)
    assert len(list((ws / "out").iterdir())) == 1


@pytest.mark.slow
def test_an_honest_docx_that_needs_gigabytes_in_pandoc_is_stopped_at_its_memory_bound(tmp_path, heavy):
    """Inside both stated limits (under 10 MiB, under 50 MiB inflated, about 9:1): pandoc alone took 8 GB."""
    assert len(heavy) < 10 * 1024 * 1024
    ws = _workspace(tmp_path, heavy_docx=heavy)
    (ws / "sources/heavy-docx").rename(ws / "sources/heavy.docx")
    proc, seconds, rss = measured(["normalize", "sources", "-o", "out"], ws)
    line = _one_error(proc, "heavy.docx")
    assert line.endswith("pandoc needs more than 512 MiB of memory for the .docx: stopped")
    assert seconds < 60 and rss < 1100, (seconds, rss)
    assert len(list((ws / "out").iterdir())) == 1


@pytest.mark.slow
@pytest.mark.parametrize("bound, reason", [
    ("PANDOC_CPU_SECONDS", "pandoc took more than 1 s of CPU on the .docx: stopped"),
    ("PANDOC_TIMEOUT", "pandoc took more than 1 s on the .docx: stopped"),
])
def test_pandoc_past_its_time_is_stopped_and_reported(monkeypatch, heavy, bound, reason):
    """The same Word file with the time bounds lowered to a second (the real pandoc, really stopped)."""
    from ip5pub.model import SourceError
    from ip5pub.readers import docx

    monkeypatch.setattr(docx, bound, 1)
    monkeypatch.setattr(docx, "PANDOC_HEAP_MIB", 4096)
    monkeypatch.setattr(docx, "PANDOC_ADDRESS_SPACE", 8 * 1024**3)
    with pytest.raises(SourceError) as err:
        docx.to_markdown(heavy)
    assert err.value.reason == reason


def test_pandoc_is_the_bundled_binary_whatever_is_on_path(tmp_path):
    canary = tmp_path / "planted-pandoc-ran"
    planted = tmp_path / "bin" / "pandoc"
    planted.parent.mkdir()
    planted.write_text(f"#!/bin/sh\ntouch {canary}\nexit 1\n")
    planted.chmod(planted.stat().st_mode | stat.S_IEXEC)
    ws = _workspace(tmp_path, **{"wipo.docx": DOCX.read_bytes()})
    env = {**os.environ, "PATH": f"{planted.parent}{os.pathsep}{os.environ['PATH']}"}
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "ip5pub", "normalize", "sources", "-o", "out"], cwd=ws, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert not canary.exists()
    assert len(list((ws / "out").iterdir())) == 2
    from ip5pub.readers.docx import pandoc_path

    assert pandoc_path().is_absolute() and "pypandoc" in pandoc_path().parts


def test_run_cli_is_used(tmp_path):  # the shared helper still works with these workspaces
    ws = _workspace(tmp_path)
    assert run_cli("list", cwd=ws).returncode == 0
