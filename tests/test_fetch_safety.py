"""What fetch may reach and write: only http(s), no loopback or private address
unless allow_private, names by the ids' rules, nothing outside
sources/fetched/ whatever a page, a feed or the state file says, and a state
that survives kill -9 at any moment. And the configuration's checks."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ip5pub.cli import main
from ip5pub.extract.ids import is_safe_id
from ip5pub.fetch.sources import file_stem, host_folder
from ip5pub.fetch.state import SAVED_PATH
from website import Response, Site, configure, page, rss

FETCHED = Path("sources/fetched/127.0.0.1")


def fetch(*args: str):
    return CliRunner().invoke(main, ["fetch", *args], catch_exceptions=False)


def notice(title: str, day: int = 28, head: str = "", extra: str = "") -> bytes:
    return page(title, f"{day} June 2021", [f"{title}, the office said on {day} June 2021.",
                                            f"Applicants may ask the office for details by e-mail.{extra}"],
                head).encode()


@pytest.fixture
def site():
    with Site() as s:
        yield s


@pytest.fixture
def ws(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


def test_without_allow_private_the_loopback_server_itself_is_refused(ws, site):
    site["/rss.xml"] = Response(rss([]).encode(), content_type="application/rss+xml")
    configure(ws, feeds=[site.url + "/rss.xml", f"http://localhost:{site.port}/rss.xml"], allow_private=False)
    result = fetch()
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"ip5pub: error: {site.url}/rss.xml: 127.0.0.1 is a loopback address: refused unless [fetch] allow_private "
        "= true (for intranets and tests)",
        f"ip5pub: error: http://localhost:{site.port}/rss.xml: localhost is 127.0.0.1, a loopback address: refused "
        "unless [fetch] allow_private = true (for intranets and tests)"]
    assert site.requests == []  # refused before connecting, robots.txt included


def test_links_that_are_not_http_are_never_followed(ws, site):
    items = [{"title": "Office opens a help desk", "link": "file:///etc/passwd", "guid": "a",
              "pubDate": "Mon, 28 Jun 2021 09:00:00 GMT", "description": "The office opened a help desk."},
             {"title": "Office reopens its library", "link": "javascript:alert(1)", "guid": "b",
              "pubDate": "Mon, 28 Jun 2021 09:00:00 GMT", "description": "The office reopened its library."}]
    site["/rss.xml"] = Response(rss(items).encode(), content_type="application/rss+xml")
    site["/list.html"] = Response(b"<ul><li><a href='ftp://127.0.0.1/x'>x</a></li><li><a href='mailto:a@b.org'>m</a>"
                                  b"</li><li><a href='data:text/html,hi'>d</a></li></ul>")
    configure(ws, feeds=[(site.url + "/rss.xml", True)], pages=[(site.url + "/list.html", "ul a")])
    result = fetch()
    # The items are saved alone (their links lead nowhere fetch goes); the list offers no link at all.
    assert result.stdout.splitlines() == [f"new      {FETCHED}/2021-06-28-office-opens-a-help-desk.rss",
                                          f"new      {FETCHED}/2021-06-28-office-reopens-its-library.rss"]
    assert f"{site.url}/list.html: its links selector 'ul a' picks no link: has the page changed?" in result.stderr
    assert {r.path for r in site.requests} == {"/robots.txt", "/rss.xml", "/list.html"}


@pytest.mark.parametrize("url, why", [
    ("file:///etc/passwd", "is not an http(s) address; only http and https are fetched"),
    ("ftp://ftp.example.org/news.xml", "is not an http(s) address; only http and https are fetched"),
    ("https://user:secret@www.example.org/rss.xml", "carries a user name or password"),
    ("www.example.org/rss.xml", "is not an http(s) address"),
])
def test_configured_urls_must_be_http(ws, url, why):
    configure(ws, feeds=[url])
    result = fetch()
    assert result.exit_code == 2
    assert "[[fetch.feeds]] #1: url" in result.stderr and why in result.stderr


@pytest.mark.parametrize("toml, message", [
    ('[fetch]\nuser_agent = "x (+https://www.example.org/)"\nproxy = "http://p"\n',
     "[fetch]: unknown key(s) proxy; known: user_agent, max_age, allow_private, delay, timeout, feeds, pages"),
    ('[fetch]\nuser_agent = "x (+https://www.example.org/)"\n[[fetch.feeds]]\nurl = "https://www.example.org/rss"\n'
     'page = true\n', "[[fetch.feeds]] #1: unknown key(s) page; known: url, name, pages"),
    ('[[fetch.feeds]]\nurl = "https://www.example.org/rss"\n', "[fetch] user_agent is required and must name a contact"),
    ('[fetch]\nuser_agent = "ip5pub"\n[[fetch.feeds]]\nurl = "https://www.example.org/rss"\n',
     "[fetch] user_agent is required and must name a contact"),
    ('[fetch]\nuser_agent = "x (+https://www.example.org/)"\n[[fetch.pages]]\nurl = "https://www.example.org/"\n'
     'links = "ul >> a"\n', "[[fetch.pages]] #1: links: 'ul >> a' is not a CSS selector"),
    ('[fetch]\nuser_agent = "x (+https://www.example.org/)"\n[[fetch.pages]]\nurl = "https://www.example.org/"\n',
     "[[fetch.pages]] #1: links is required"),
    ('[fetch]\nuser_agent = "x (+https://www.example.org/)"\nmax_age = "soon"\n', "[fetch] max_age 'soon' must be a span"),
    ('[fetch]\nuser_agent = "x (+https://www.example.org/)"\nallow_private = "yes"\n',
     "[fetch] allow_private must be true or false"),
    ('[fetch]\nuser_agent = "x (+https://www.example.org/)"\ntimeout = 0\n', "[fetch] timeout must be a number of seconds"),
    ('[fetch.feeds]\nurl = "https://www.example.org/rss"\n', "fetch.feeds must be written as [[fetch.feeds]] tables"),
])
def test_configuration_errors_name_the_key_for_every_command(ws, toml, message):
    (ws / "ip5pub.toml").write_text(toml, encoding="utf-8")
    for command in (["fetch"], ["list"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, result.output
        assert message in result.stderr, result.stderr


def test_the_documented_example_configuration_is_valid(ws):
    (ws / "ip5pub.toml").write_text(
        '[[fetch.feeds]]\nurl = "https://www.example-office.org/news/rss.xml"\nname = "Example Office news"\n'
        'pages = true\n[[fetch.pages]]\nurl = "https://www.example-office.org/news/"\nlinks = "ul.news-list a"\n'
        '[fetch]\nuser_agent = "ip5pub/0.1 (+analyst@example.org)"\nmax_age = "60d"\n', encoding="utf-8")
    from ip5pub.workspace import open_workspace

    settings = open_workspace(ws).config.fetch
    assert [f.label for f in settings.feeds] == ["Example Office news"]
    assert settings.pages[0].links == "ul.news-list a" and settings.allow_private is False
    assert "fetch" not in repr(open_workspace(ws).config)  # not a key of the render cache


def test_nothing_configured_is_said_and_is_not_an_error(ws):
    result = fetch()
    assert result.exit_code == 0
    assert result.stderr == "ip5pub: ip5pub.toml names no [[fetch.feeds]] and no [[fetch.pages]]: nothing to fetch\n"
    assert not (ws / "sources/fetched").exists()


@pytest.mark.parametrize("title, url", [
    ("../../../etc/cron.d/evil", "http://www.example.org/a"),
    ("con", "http://www.example.org/b"),
    ("國家知識產權局", "http://www.example.org/c"),
    ("", "http://www.example.org/%2e%2e/%2e%2e/etc/passwd"),
    ("\x1b]8;;http://evil\x07link\n", "http://www.example.org/d"),
    ("x" * 500, "http://www.example.org/e"),
])
def test_saved_names_follow_the_notice_ids_rules(title, url):
    import datetime as dt

    stem = file_stem(dt.date(2021, 6, 28), title, url)
    assert is_safe_id(stem) and stem.startswith("2021-06-28-"), stem
    assert SAVED_PATH.fullmatch(f"sources/fetched/{host_folder(url)}/{stem}.html")


@pytest.mark.parametrize("url, folder", [
    ("https://www.Example.ORG./news", "www.example.org"),
    ("https://例え.jp/news", "xn--r8jz45g.jp"),
    ("http://[::1]:8080/", "host-"),
    ("http://127.0.0.1:8000/", "127.0.0.1"),
])
def test_host_folders_are_plain_ascii_names(url, folder):
    assert host_folder(url).startswith(folder)
    assert "/" not in host_folder(url) and host_folder(url) not in (".", "..")


def test_a_state_file_cannot_make_fetch_write_outside_sources_fetched(ws, site, tmp_path):
    site["/rss.xml"] = Response(rss([{"title": "Office opens a help desk", "link": site.url + "/a.html", "guid": "a",
                                      "pubDate": "Mon, 28 Jun 2021 09:00:00 GMT", "description": "A help desk."}]).encode(),
                                content_type="application/rss+xml")
    site["/a.html"] = Response(notice("Office opens a help desk"))
    configure(ws, feeds=[(site.url + "/rss.xml", True)])
    state = ws / "sources/fetched/.ip5pub-fetch.json"
    state.parent.mkdir(parents=True)
    state.write_text(json.dumps({"kind": "ip5pub-fetch-state", "version": 1, "sources": {}, "items": {
        f"{site.url}/a.html": {"url": f"{site.url}/a.html", "path": "sources/fetched/x/../../../outside.html",
                               "sha256": "0" * 64, "signature": "old"}}}))
    result = fetch()
    assert result.exit_code == 1
    assert "the fetch state is damaged (a saved path outside sources/fetched/" in result.stderr
    assert "remove it to start again" in result.stderr
    assert site.requests == [] and not (tmp_path / "outside.html").exists()


def test_a_linked_folder_is_never_written_through(ws, site, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    site["/rss.xml"] = Response(rss([{"title": "Office opens a help desk", "link": site.url + "/a.html", "guid": "a",
                                      "pubDate": "Mon, 28 Jun 2021 09:00:00 GMT", "description": "A help desk."}]).encode(),
                                content_type="application/rss+xml")
    site["/a.html"] = Response(notice("Office opens a help desk"))
    configure(ws, feeds=[(site.url + "/rss.xml", True)])
    (ws / "sources/fetched").mkdir()
    (ws / "sources/fetched/127.0.0.1").symlink_to(elsewhere)
    result = fetch()
    assert result.exit_code == 1
    assert (f"{site.url}/a.html: cannot save it: sources/fetched/127.0.0.1 is a symbolic link: fetch writes only "
            "into real folders inside sources/") in result.stderr
    (ws / "sources/fetched/127.0.0.1").unlink()
    os.rmdir(ws / "sources/fetched")
    (ws / "sources/fetched").symlink_to(elsewhere)
    result = fetch()
    assert result.exit_code == 1 and "sources/fetched is a symbolic link" in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_a_fetched_page_is_an_untrusted_source_like_any_other(ws, site):
    """Its images, styles and links are not fetched by fetch, nor by the renders that read it."""
    hostile = (f'<link rel="stylesheet" href="{site.url}/canary.css"><base href="{site.url}/canary/">'
               f'<script src="{site.url}/canary.js"></script>')
    body = notice("Office opens a help desk", head=hostile,
                  extra=f' <img src="{site.url}/canary.png"> <a href="{site.url}/canary-link">more</a>')
    site["/rss.xml"] = Response(rss([{"title": "Office opens a help desk", "link": site.url + "/a.html", "guid": "a",
                                      "pubDate": "Mon, 28 Jun 2021 09:00:00 GMT", "description": "A help desk."}]).encode(),
                                content_type="application/rss+xml")
    site["/a.html"] = Response(body)
    configure(ws, feeds=[(site.url + "/rss.xml", True)])
    assert fetch().exit_code == 0
    rendered = CliRunner().invoke(main, ["render", "-f", "html", "-f", "txt"])
    assert rendered.exit_code == 0, rendered.output
    assert not [r.path for r in site.requests if "canary" in r.path]


# Kill -9 at random moments while pages arrive: the state is always whole, every
# file it names is there as it says, and the next run finishes the job.
@pytest.mark.slow
def test_kill_9_during_fetch_leaves_the_state_whole_and_the_next_run_resumes(ws, site):
    titles = [f"Office notice number {n} on fees" for n in range(8)]
    site["/rss.xml"] = Response(rss([{"title": t, "link": f"{site.url}/p{n}.html", "guid": f"g{n}",
                                      "pubDate": "Mon, 28 Jun 2021 09:00:00 GMT", "description": t}
                                     for n, t in enumerate(titles)]).encode(), content_type="application/rss+xml")
    for n, t in enumerate(titles):
        site[f"/p{n}.html"] = Response(notice(t), delay=0.2)
    configure(ws, feeds=[(site.url + "/rss.xml", True)], timeout=5)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1625097600"}
    state_path = ws / "sources/fetched/.ip5pub-fetch.json"
    rng = random.Random(19)
    kills = 0
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, "-m", "ip5pub", "fetch"], cwd=ws, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        asked = len([r for r in site.requests if r.path.startswith("/p")]) + 1
        deadline = time.monotonic() + 30
        while len([r for r in site.requests if r.path.startswith("/p")]) < asked and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.4))  # somewhere while a page arrives, is read, saved or recorded
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        if state_path.exists():
            state = json.loads(state_path.read_text())  # whole, never a part
            for seen in state["items"].values():
                assert hashlib.sha256((ws / seen["path"]).read_bytes()).hexdigest() == seen["sha256"]
    assert kills == 3
    final = subprocess.run([sys.executable, "-m", "ip5pub", "fetch"], cwd=ws, env=env, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    saved = sorted(p.name for p in (ws / FETCHED).iterdir())
    assert saved == sorted(f"2021-06-28-office-notice-number-{n}-on-fees.html" for n in range(8))  # each once
    assert len(json.loads(state_path.read_text())["items"]) == 8
    assert not list((ws / "sources/fetched").rglob(".ip5pub-*.tmp"))
    again = subprocess.run([sys.executable, "-m", "ip5pub", "fetch"], cwd=ws, env=env, capture_output=True, text=True)
    assert again.returncode == 0 and again.stdout == ""
