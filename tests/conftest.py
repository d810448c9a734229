"""Shared fixtures: real workspaces in tmp folders, real renders, real readers."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

# The fuzz tests' examples: enough to catch a reader that crashes while
# iterating (the fast suite), the full count in CI (--hypothesis-profile=ci).
settings.register_profile("dev", max_examples=60)
settings.register_profile("ci", max_examples=300)
settings.load_profile("dev")

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
SEED = SOURCES / "cnipa-2021-06-29-ip5-heads-meeting.txt"  # the sample every workspace starts from
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


def run_cli(*args: str, cwd: Path, check: bool = True, child: bool = False,
            timeout: float | None = None) -> subprocess.CompletedProcess:
    """The command as a user runs it, in `cwd`: in this process through
    click's runner (starting Python and importing ip5pub again for each
    call was most of the fast suite's time), or with `child` in a child
    process, where a test needs one (the environment, PATH, a time limit,
    what the terminal receives byte for byte)."""
    if child or timeout is not None:
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
        proc = subprocess.run([sys.executable, "-m", "ip5pub", *args], cwd=cwd, env=env,
                              capture_output=True, text=True, check=False, timeout=timeout)
    else:
        from ip5pub.cli import main

        with contextlib.chdir(cwd):
            result = CliRunner().invoke(main, list(args), env={"SOURCE_DATE_EPOCH": EPOCH}, prog_name="ip5pub")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception  # a traceback, as a child process would print it
        proc = subprocess.CompletedProcess(["ip5pub", *args], result.exit_code, result.stdout, result.stderr)
    if check and proc.returncode != 0:
        raise AssertionError(f"ip5pub {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


def seed_workspace(tmp_path: Path, **files: bytes) -> Path:
    """tmp_path/ws with the seed notice in sources/, and `files` beside it (name_x -> name-x)."""
    ws = tmp_path / "ws"
    (ws / "sources").mkdir(parents=True)
    (ws / "sources" / SEED.name).write_bytes(SEED.read_bytes())
    for name, data in files.items():
        (ws / "sources" / name.replace("_", "-")).write_bytes(data)
    return ws


def normalize_cli(*paths: Path, cwd: Path, timeout: float | None = None) -> subprocess.CompletedProcess:
    """`ip5pub normalize PATHS -o out` (in a child process when bounded in time: hostile input may hang a reader)."""
    return run_cli("normalize", *map(str, paths), "-o", "out", cwd=cwd, check=False, timeout=timeout)


def cached_count(output: str) -> int:
    """N in the -v line 'ip5pub: M notice(s), N source(s) from the cache'."""
    line = next(line for line in output.splitlines() if "from the cache" in line)
    return int(line.split(",")[1].split()[0])


def squash(text: str) -> str:
    """Text without white space, soft hyphens or hyphens: what survives any line breaking."""
    return re.sub(r"[\s\u00ad\u2010-]+", "", text)


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
