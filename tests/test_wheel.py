"""A non-editable install of the built wheel works from another folder."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import EPOCH, ROOT

pytestmark = pytest.mark.slow


def test_wheel_init_and_render(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(dist), str(ROOT)], check=True, capture_output=True)
    [wheel] = dist.glob("ip5pub-*.whl")
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    work = tmp_path / "elsewhere"
    env = {**os.environ, "PYTHONPATH": str(target), "SOURCE_DATE_EPOCH": EPOCH}
    run = lambda *a: subprocess.run([sys.executable, "-m", "ip5pub", *a], cwd=work, env=env,  # noqa: E731
                                    capture_output=True, text=True)
    work.mkdir()
    assert run("init", ".").returncode == 0
    proc = run("render", "-f", "pdf", "-f", "txt")
    assert proc.returncode == 0, proc.stderr
    assert (work / "build/brief.pdf").stat().st_size > 1000
    assert "14th IP5 Heads of Offices" in (work / "build/digest.txt").read_text()
    # The message catalogs are in the wheel: a Chinese brief's words are Chinese.
    config = work / "ip5pub.toml"
    config.write_text(config.read_text().replace('language = "en"', 'language = "zh"'))
    proc = run("render", "-f", "txt")
    assert proc.returncode == 0, proc.stderr
    assert "由 ip5pub 根据 1 条通知生成。" in (work / "build/digest.txt").read_text(encoding="utf-8")
    # It really ran the installed copy, with packaged styles, not this checkout.
    check = subprocess.run([sys.executable, "-c", "import ip5pub, ip5pub.workspace as w; print(ip5pub.__file__, w.packaged_styles())"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout
    assert str(target) in check and str(ROOT) + "/styles" not in check
