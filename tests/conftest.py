"""Shared fixtures: real workspaces in tmp folders, real renders, real readers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
EPOCH = "1625097600"  # 2021-07-01T00:00:00Z


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# The samples the render tests were written against (seed, plain-*, md-*). The
# whole sample corpus in sources/ is checked field by field in
# test_expected_metadata.py and rendered in test_corpus_render.py.
BASE_SAMPLES = ("cnipa-2021-06-29-ip5-heads-meeting.txt", "plain-*", "md-*")


def make_workspace(path: Path, sources: Path | None = SOURCES, everything: bool = False) -> Path:
    (path / "sources").mkdir(parents=True, exist_ok=True)
    if sources is not None:
        for src in sorted(sources.iterdir()):
            base = sources != SOURCES or everything or any(src.match(p) for p in BASE_SAMPLES)
            if src.is_file() and base:
                shutil.copy2(src, path / "sources" / src.name)
    return path


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    ws = make_workspace(tmp_path / "ws")
    monkeypatch.chdir(ws)
    return ws


def run_cli(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    """The real command in a child process, as a user runs it."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    proc = subprocess.run([sys.executable, "-m", "ip5pub", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"ip5pub {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> Path:
    """The shipped sources rendered once in every format (read-only for tests)."""
    ws = make_workspace(tmp_path_factory.mktemp("rendered"))
    run_cli("render", "-f", "all", cwd=ws)
    return ws


class RecordingServer:
    """A local HTTP server (127.0.0.1 only) that records every request it gets.

    Hostile-input tests name it in notices and assert `hits` stays empty.
    """

    def __init__(self, body: bytes = b"", content_type: str = "text/plain"):
        import http.server

        hits: list[str] = []
        self.hits = hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> RecordingServer:
        import threading

        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
