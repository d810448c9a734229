"""The README's "Your first weekly brief", followed as written: its commands
are taken from the README itself and run in a shell, with a notice dropped
in as step 3 says and the fix step 4 shows, so the manual cannot drift from
what the tool does."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
EDITION = "1796601600"  # Monday 7 December 2026, 00:00 UTC


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def _commands(text: str) -> list[str]:
    """The lines of the ```sh blocks, comments removed."""
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [line.split("  #")[0].strip() for block in blocks for line in block.splitlines() if line.strip()]


@pytest.mark.slow
def test_the_first_weekly_brief_as_the_readme_tells_it(tmp_path):
    walk = _section("Your first weekly brief")
    steps = _commands(walk)
    assert steps == ["ip5pub init ~/weekly-brief", "cd ~/weekly-brief", "ip5pub render -f all --since 7d",
                     "ip5pub review --since 7d"]
    home = tmp_path / "home"
    home.mkdir()
    bin_ = tmp_path / "bin"  # what `. .venv/bin/activate` puts on PATH
    bin_.mkdir()
    (bin_ / "ip5pub").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ip5pub "$@"\n')
    (bin_ / "ip5pub").chmod(0o755)
    env = {**os.environ, "HOME": str(home), "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}",
           "SOURCE_DATE_EPOCH": EDITION, "PYTHONPATH": str(ROOT)}

    def shell(*commands: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-c", " && ".join(commands)], cwd=tmp_path, env=env,
                              capture_output=True, text=True)

    made = shell(*steps[:2])
    assert made.returncode == 0, made.stderr
    ws = home / "weekly-brief"
    assert {p.name for p in ws.iterdir()} >= {"ip5pub.toml", "sources", "styles"}
    # Step 3: text copied from a site, headline first; this one without its date line.
    (ws / "sources/notice.txt").write_text(
        "EPO opens a search service for small applicants\n\n"
        "The European Patent Office opened a search service for small applicants this week.\n", encoding="utf-8")
    first = shell(*steps[1:3])
    assert first.returncode == 1
    example = re.search(r"`(ip5pub: error: sources/notice\.txt: [^`]+)`", " ".join(walk.split()))
    assert example and example.group(1) in first.stderr, first.stderr
    # The fix step 4 shows, then the same command again.
    fix = re.search(r"`(date: \d{4}-\d{2}-\d{2})`", walk).group(1)
    (ws / "sources/notice.txt.meta.yaml").write_text(fix + "\n", encoding="utf-8")
    second = shell(*steps[1:3])
    assert second.returncode == 0, second.stderr
    for name in ("brief.pdf", "brief.epub", "digest.txt", "digest.md"):  # step 5 and 6 read and send these
        assert name in second.stdout and (ws / "build" / name).stat().st_size > 0
    digest = (ws / "build/digest.txt").read_text(encoding="utf-8")
    assert "EPO opens a search service for small applicants" in digest
    assert "14th IP5 Heads" not in digest  # the 2021 sample is not last week's
    # Step 5: the review shows the doubt this notice has, and the line that fixes it, as the README says.
    review = shell(steps[1], steps[3])
    assert review.returncode == 0, review.stderr
    told = re.findall(r"`((?:fix, in |publisher: |date  |title  )[^`\n]*)`", walk)
    assert len(told) == 4, told
    for said in told:
        assert said in review.stdout, said
    assert "EPO opens a search service for small applicants" in review.stdout


def test_the_first_screen_says_how_to_run_ip5pub():
    first_screen = "\n".join(README.splitlines()[:40])
    assert "make brief" in first_screen and ". .venv/bin/activate" in first_screen
    assert "make init DIR=" in first_screen and "make render DIR=" in first_screen
