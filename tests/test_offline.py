"""Only `fetch` uses the network: every other command runs with Internet
sockets taken away (a sitecustomize that makes any AF_INET/AF_INET6
connect and any name lookup fail and be recorded, in every Python process
the command starts), over sources that name a local server everywhere a
notice can name an address, and the server hears nothing either."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EPOCH, RecordingServer, make_workspace

GUARD = '''
import os, socket, sys

_LOG = os.environ["IP5PUB_NETWORK_LOG"]
_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def _refuse(what):
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(f"{sys.argv[1:3]} {what}\\n")
    raise OSError("network use refused by test_offline")


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse(f"connect {address!r}")
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse(f"connect {address!r}")
    return _connect_ex(self, address)


socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.getaddrinfo = lambda *a, **k: _refuse(f"getaddrinfo {a[:2]!r}")
socket.gethostbyname = lambda *a, **k: _refuse(f"gethostbyname {a[:1]!r}")
'''


def _hostile_sources(ws: Path, url: str) -> None:
    (ws / "sources" / "links.md").write_text(
        f"---\ntitle: Office links its sources\ndate: 2021-06-28\noffice: EPO\nsource:\n  url: {url}/source\n---\n\n"
        f"The office published its notice with an image ![chart]({url}/chart.png) and a link to [the text]({url}/text).\n",
        encoding="utf-8")
    (ws / "sources" / "page.html").write_text(
        f'<!-- saved from url=(0030){url}/saved-page -->\n<html><head><title>Office opens a help desk</title>'
        f'<link rel="stylesheet" href="{url}/style.css"><link rel="canonical" href="{url}/canonical">'
        f'<script src="{url}/app.js"></script></head><body><article><h1>Office opens a help desk</h1>'
        f'<p>Published: 29 June 2021</p><p>The office opened a help desk <img src="{url}/pixel.gif"> for applicants '
        f'on 29 June 2021.</p><iframe src="{url}/frame"></iframe></article></body></html>\n', encoding="utf-8")
    (ws / "ip5pub.toml").write_text(
        f'[fetch]\nuser_agent = "ip5pub-test (+https://www.example.org/contact)"\nallow_private = true\n'
        f'[[fetch.feeds]]\nurl = "{url}/rss.xml"\npages = true\n', encoding="utf-8")


def _offline(ws: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    guard = tmp_path / "guard"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "IP5PUB_NETWORK_LOG": str(tmp_path / "network.log"),
           "PYTHONPATH": os.pathsep.join([str(guard), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.run([sys.executable, "-m", "ip5pub", *args], cwd=ws, env=env, capture_output=True, text=True)


def _check_offline(tmp_path: Path, server: RecordingServer, commands: list[list[str]]) -> None:
    ws = make_workspace(tmp_path / "ws")
    _hostile_sources(ws, server.url)
    for args in commands:
        proc = _offline(ws, tmp_path, *args)
        assert proc.returncode == 0, f"{args}: {proc.stderr}"
    log = tmp_path / "network.log"
    assert not log.exists(), log.read_text()
    assert server.hits == []


@pytest.mark.slow
def test_the_guard_itself_refuses_and_records(tmp_path):
    """The harness can fail: fetch, which does use the network, is caught by it."""
    with RecordingServer() as server:
        ws = make_workspace(tmp_path / "ws", sources=None)
        _hostile_sources(ws, server.url)
        proc = _offline(ws, tmp_path, "fetch")
    assert proc.returncode == 1
    assert f"['fetch'] getaddrinfo ('127.0.0.1', {server.port})" in (tmp_path / "network.log").read_text()
    assert server.hits == []


@pytest.mark.slow
def test_normalize_digest_and_list_stay_offline(tmp_path):
    with RecordingServer() as server:
        _check_offline(tmp_path, server, [["normalize", "sources"], ["list"], ["digest", "--since", "2021-01-01"]])


@pytest.mark.slow
def test_every_render_and_check_stay_offline(tmp_path):
    with RecordingServer() as server:
        _check_offline(tmp_path, server, [["render", "-f", "all"], ["check"], ["check", "build/brief.epub"]])
