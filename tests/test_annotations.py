"""Problems as GitHub annotations (IP5PUB_ANNOTATIONS=github): the file, the
reason and the fix, escaped so that a title cannot forge another command."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ip5pub.annotations import github, source_error

from conftest import EPOCH, make_workspace


def _run(ws, *args: str, annotate: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("IP5PUB_ANNOTATIONS", None)
    if annotate:
        env["IP5PUB_ANNOTATIONS"] = "github"
    return subprocess.run([sys.executable, "-m", "ip5pub", *args], cwd=ws, env=env, capture_output=True, text=True)


def test_values_are_escaped_as_the_runner_expects():
    line = github("warning", "50% done\nnext line", "sources/a,b:c.html")
    assert line == "::warning file=sources/a%2Cb%3Ac.html,title=ip5pub::50%25 done%0Anext line"
    assert source_error("sources/x.html", "no publication date found") == (
        "::error file=sources/x.html,title=ip5pub::no publication date found. Fix: fix the file, or set the value "
        "in a sidecar sources/x.html.meta.yaml, or remove the file; the other notices were still published")


@pytest.mark.slow
def test_a_bad_source_and_a_future_date_become_annotations(tmp_path):
    ws = make_workspace(tmp_path / "ws", sources=None)
    (ws / "sources/good.md").write_text("---\ntitle: Good\ndate: 2021-06-29\noffice: EPO\n---\n\nThe EPO said so.\n")
    (ws / "sources/bad.txt").write_text("A title only\nUpdated: 13 45,2021\n\nBody text here.\n")
    (ws / "sources/typo.md").write_text("---\ntitle: Typo\ndate: 2062-06-29\noffice: EPO\n---\n\nThe EPO said so.\n")
    proc = _run(ws, "render", "-f", "txt", "--since", "7d")
    assert proc.returncode == 1
    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert [a.split("::")[1] for a in annotations] == [
        "error file=sources/bad.txt,title=ip5pub", "warning file=sources/typo.md,title=ip5pub"]
    assert "Fix: fix the file, or set the value in a sidecar sources/bad.txt.meta.yaml" in annotations[0]
    assert "after the edition date 2021-07-01 (a typo?)" in annotations[1]
    # The plain lines stay on stderr; without the variable there are no annotations.
    assert "ip5pub: error: sources/bad.txt:" in proc.stderr
    assert not [line for line in _run(ws, "render", "-f", "txt", annotate=False).stdout.splitlines()
                if line.startswith("::")]


@pytest.mark.slow
def test_annotations_leave_a_digest_on_stdout_alone(tmp_path):
    ws = make_workspace(tmp_path / "ws", sources=None)
    (ws / "sources/bad.txt").write_text("A title only\nUpdated: 13 45,2021\n\nBody text here.\n")
    proc = _run(ws, "digest", "-o", "-")
    assert proc.stdout.startswith("IP5 BRIEFING\n") and "::error" not in proc.stdout
    assert "::error file=sources/bad.txt,title=ip5pub::" in proc.stderr
