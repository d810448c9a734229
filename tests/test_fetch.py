"""`ip5pub fetch` end to end against a site the test serves on 127.0.0.1:
a feed whose items link to pages, a news list page, a second run that asks
only what changed, a revision that the next digest marks revised, a
person's edit kept, and the brief made from what was fetched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ip5pub.cli import main
from website import Response, Site, configure, page, rss

FETCHED = Path("sources/fetched/127.0.0.1")
LAST_MODIFIED = "Wed, 30 Jun 2021 08:00:00 GMT"

SEARCH = ("EPO opens a search service for small applicants", "28 June 2021", [
    "The European Patent Office opened a search service for small applicants on 28 June 2021.",
    "Applicants with fewer than ten employees receive a search report within a month, free of charge."])
FEES = ("JPO halves fees for first-time applicants", "29 June 2021", [
    "The Japan Patent Office halved its examination fees for first-time applicants from 29 June 2021.",
    "The reduction applies to requests for examination filed by individuals and small companies."])
PPH = ("KIPO and CNIPA extend their PPH pilot", "25 June 2021", [
    "The Korean Intellectual Property Office and CNIPA extended their Patent Prosecution Highway pilot by two years.",
    "Applicants may request accelerated examination on the basis of allowed claims from either office."])
TRAINING = ("USPTO announces examiner training on AI inventions", "24 June 2021", [
    "The USPTO announced a training programme for its examiners on inventions made with artificial intelligence.",
    "The first sessions start in September 2021 and cover claim drafting and disclosure."])


def _html(notice: tuple[str, str, list[str]]) -> bytes:
    return page(*notice).encode()


def _item(site: Site, notice: tuple[str, str, list[str]], path: str, guid: str, pub: str) -> dict[str, str]:
    return {"title": notice[0], "link": site.url + path, "guid": guid, "pubDate": pub, "description": notice[2][0]}


@pytest.fixture
def site():
    with Site() as s:
        s["/news/rss.xml"] = Response(rss([
            _item(s, SEARCH, "/news/search-service.html", "n-1", "Mon, 28 Jun 2021 09:00:00 GMT"),
            _item(s, FEES, "/news/fees.html", "n-2", "Tue, 29 Jun 2021 09:00:00 GMT"),
        ]).encode(), content_type="application/rss+xml", etag='"feed-1"')
        s["/news/search-service.html"] = Response(_html(SEARCH), etag='"search-1"')
        s["/news/fees.html"] = Response(_html(FEES))
        s["/press/"] = Response(
            b"<html><head><title>Press releases</title></head><body><nav><a href='/'>Home</a></nav>"
            b"<ul class='news-list'><li><a href='/press/2021/pph.html'>KIPO and CNIPA extend their PPH pilot</a></li>"
            b"<li><a href='2021/training.html#top'>USPTO announces examiner training on AI inventions</a></li></ul>"
            b"<a href='/press/archive.html'>Archive</a></body></html>", last_modified=LAST_MODIFIED)
        s["/press/2021/pph.html"] = Response(_html(PPH))
        s["/press/2021/training.html"] = Response(_html(TRAINING))
        yield s


@pytest.fixture
def ws(tmp_path, monkeypatch, site) -> Path:
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    configure(root, feeds=[(site.url + "/news/rss.xml", True)], pages=[(site.url + "/press/", "ul.news-list a")])
    monkeypatch.chdir(root)
    return root


def fetch(*args: str):
    return CliRunner().invoke(main, ["fetch", *args], catch_exceptions=False)


def _files(ws: Path) -> dict[str, bytes]:
    return {p.relative_to(ws).as_posix(): p.read_bytes() for p in sorted((ws / "sources").rglob("*")) if p.is_file()}


NAMES = [f"{FETCHED}/2021-06-28-epo-opens-a-search-service-for-small-applicants.html",
         f"{FETCHED}/2021-06-29-jpo-halves-fees-for-first-time-applicants.html",
         f"{FETCHED}/2021-06-25-kipo-and-cnipa-extend-their-pph-pilot.html",
         f"{FETCHED}/2021-06-24-uspto-announces-examiner-training-on-ai-inventions.html"]


def test_a_feed_and_a_list_page_give_their_notices_under_dated_names(ws, site):
    result = fetch()
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"new      {name}" for name in NAMES]
    assert "ip5pub: 4 new" in result.stderr
    saved = (ws / NAMES[0]).read_bytes()
    # As served, after the line a browser writes when it saves a page: the page's address.
    assert saved == f"<!-- saved from url=(0047){site.url}/news/search-service.html -->\n".encode() + _html(SEARCH)
    assert [r.path for r in site.requests if r.path != "/robots.txt"] == [
        "/news/rss.xml", "/news/search-service.html", "/news/fees.html", "/press/", "/press/2021/pph.html",
        "/press/2021/training.html"]  # not the archive link outside the selector, nor the navigation
    assert all(r.headers["user-agent"] == "ip5pub-test (+https://www.example.org/contact)" for r in site.requests)
    assert "gzip" in site.requests[0].headers["accept-encoding"]


def test_a_second_run_asks_only_whether_anything_changed_and_fetches_nothing(ws, site):
    assert fetch().exit_code == 0
    before = _files(ws)
    site.requests.clear()
    result = fetch("-v")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "ip5pub: nothing new" in result.stderr
    assert f"unchanged: {site.url}/news/rss.xml (not modified since the last run)" in result.stderr
    feed, = site.hits("/news/rss.xml")
    assert feed.headers["if-none-match"] == '"feed-1"'
    listing, = site.hits("/press/")
    assert listing.headers["if-modified-since"] == LAST_MODIFIED
    assert {r.path for r in site.requests} == {"/robots.txt", "/news/rss.xml", "/press/"}  # 304s: no page asked again
    assert _files(ws) == before


def test_a_feed_that_changed_brings_only_its_new_item(ws, site):
    assert fetch().exit_code == 0
    site["/news/rss.xml"] = Response(rss([
        _item(site, PPH, "/press/2021/pph.html", "n-3", "Wed, 30 Jun 2021 09:00:00 GMT"),  # linked from the list too
        _item(site, SEARCH, "/news/search-service.html", "n-1", "Mon, 28 Jun 2021 09:00:00 GMT"),
        _item(site, FEES, "/news/fees.html", "n-2", "Tue, 29 Jun 2021 09:00:00 GMT"),
    ]).encode(), content_type="application/rss+xml", etag='"feed-2"')
    site["/news/new.html"] = Response(_html(TRAINING))
    site.requests.clear()
    result = fetch("-v")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # the one new item's page was saved already, from the list page
    assert [r.path for r in site.requests if r.path.endswith(".html")] == ["/press/2021/pph.html"]
    assert site.hits("/press/2021/pph.html")[0].headers.get("if-none-match") is None  # it had no validators


def test_a_changed_notice_is_a_revision_under_its_name_and_the_digest_marks_it_revised(ws, site):
    assert fetch().exit_code == 0
    first = CliRunner().invoke(main, ["digest", "--since", "14d", "-o", "build/week1.txt"])
    assert first.exit_code == 0, first.output
    revised = ("EPO opens a search service for small applicants and inventors", "28 June 2021",
               [*SEARCH[2], "Since 30 June 2021 the service also answers independent inventors."])
    site["/news/rss.xml"] = Response(rss([
        {**_item(site, revised, "/news/search-service.html", "n-1", "Mon, 28 Jun 2021 09:00:00 GMT")},
        _item(site, FEES, "/news/fees.html", "n-2", "Tue, 29 Jun 2021 09:00:00 GMT"),
    ]).encode(), content_type="application/rss+xml", etag='"feed-2"')
    site["/news/search-service.html"] = Response(_html(revised), etag='"search-2"')
    site.requests.clear()
    result = fetch()
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"revised  {NAMES[0]}"]  # the same file: a revision, not a new notice
    assert site.hits("/news/search-service.html")[0].headers["if-none-match"] == '"search-1"'
    assert b"independent inventors" in (ws / NAMES[0]).read_bytes()
    assert not site.hits("/news/fees.html")  # its item did not change
    state = json.loads((ws / "sources/fetched/.ip5pub-fetch.json").read_text())
    assert state["items"][f"{site.url}/news/search-service.html"]["etag"] == '"search-2"'
    second = CliRunner().invoke(main, ["digest", "--since", "14d", "-o", "build/week2.txt",
                                       "--previous", "build/week1.txt.json", "--today", "2021-07-02"])
    assert second.exit_code == 0, second.output
    digest = " ".join((ws / "build/week2.txt").read_text(encoding="utf-8").split())
    # The new title gives the notice a new id; its address says it is the same notice.
    assert "0 new, 1 revised, 0 no longer in the sources" in digest, digest
    assert "[revised] EPO opens a search service for small applicants and inventors" in digest


def test_a_file_a_person_edited_is_never_overwritten(ws, site):
    assert fetch().exit_code == 0
    edited = (ws / NAMES[1]).read_bytes().replace(b"halved", b"cut by half")
    (ws / NAMES[1]).write_bytes(edited)
    changed = ("JPO halves fees for first-time applicants", "29 June 2021", [*FEES[2], "A form is now online."])
    site["/news/rss.xml"] = Response(rss([
        _item(site, SEARCH, "/news/search-service.html", "n-1", "Mon, 28 Jun 2021 09:00:00 GMT"),
        _item(site, changed, "/news/fees.html", "n-2", "Tue, 29 Jun 2021 10:00:00 GMT"),
    ]).encode(), content_type="application/rss+xml", etag='"feed-2"')
    site["/news/fees.html"] = Response(_html(changed))
    result = fetch()
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert (f"ip5pub: warning: {NAMES[1]}: edited by hand, so the new version of {site.url}/news/fees.html "
            "is not saved over it") in result.stderr
    assert (ws / NAMES[1]).read_bytes() == edited
    assert fetch().stdout == ""  # and not on the next run either
    assert (ws / NAMES[1]).read_bytes() == edited


def test_a_file_a_person_removed_is_not_brought_back(ws, site):
    assert fetch().exit_code == 0
    (ws / NAMES[2]).unlink()
    site["/press/"] = Response(site.routes["/press/"].body.replace(b"</ul>", b"<li><a href='x.html'>X</a></li></ul>"),
                               last_modified="Thu, 01 Jul 2021 08:00:00 GMT")
    site["/press/x.html"] = Response(b"", 404, "text/plain")
    result = fetch()
    assert not (ws / NAMES[2]).exists()
    assert f"{site.url}/press/x.html: HTTP 404 Not Found" in result.stderr
    assert result.exit_code == 1


def test_dry_run_asks_the_sources_and_saves_nothing(ws, site):
    result = fetch("--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"would fetch {site.url}/news/search-service.html", f"would fetch {site.url}/news/fees.html",
        f"would fetch {site.url}/press/2021/pph.html", f"would fetch {site.url}/press/2021/training.html"]
    assert {r.path for r in site.requests} == {"/robots.txt", "/news/rss.xml", "/press/"}
    assert not (ws / "sources/fetched").exists()


def test_since_and_max_age_leave_old_items_out(ws, site):
    configure(ws, feeds=[(site.url + "/news/rss.xml", True)], pages=[(site.url + "/press/", "ul.news-list a")],
              extra='max_age = "3d"')  # from 2021-06-28: the list page's notices are older
    result = fetch("-v")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"new      {name} <- {site.url}/news/{url}"
                                          for name, url in zip(NAMES[:2], ("search-service.html", "fees.html"))]
    assert f"skipped: {site.url}/press/2021/pph.html (dated 2021-06-25, before 2021-06-28)" in result.stderr
    site.requests.clear()
    result = fetch("--since", "2021-06-29", "-v")
    assert "skipped" not in result.stderr  # seen already: not fetched, not said again
    assert not [r for r in site.requests if r.path.endswith(".html")]


def test_feed_items_saved_alone_are_one_item_feeds_the_reader_reads(tmp_path, monkeypatch, site):
    ws = tmp_path / "ws"
    configure(ws, feeds=[site.url + "/news/rss.xml"])
    monkeypatch.chdir(ws)
    result = fetch()
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"new      {FETCHED}/2021-06-28-epo-opens-a-search-service-for-small-applicants.rss",
        f"new      {FETCHED}/2021-06-29-jpo-halves-fees-for-first-time-applicants.rss"]
    assert not [r for r in site.requests if r.path.endswith(".html")]  # pages = false: the items only
    saved = (ws / FETCHED / "2021-06-28-epo-opens-a-search-service-for-small-applicants.rss").read_text()
    assert saved.count("<item>") == 1 and "<title>Example Office news</title>" in saved
    listed = CliRunner().invoke(main, ["list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [(n["date"], n["title"]) for n in json.loads(listed.stdout)] == [
        ("2021-06-28", SEARCH[0]), ("2021-06-29", FEES[0])]


def test_the_brief_and_digest_made_from_the_fetched_workspace(ws, site):
    assert fetch().exit_code == 0
    result = CliRunner().invoke(main, ["digest", "--since", "7d", "-o", "-"])
    assert result.exit_code == 0, result.output
    digest = result.stdout
    order = [digest.index(title) for title in (FEES[0], SEARCH[0], PPH[0], TRAINING[0])]
    assert order == sorted(order), digest  # newest first, under their own dates
    assert "4 notices" in digest
    for day in ("29 June 2021", "28 June 2021", "25 June 2021", "24 June 2021"):
        assert f"\n{day}\n" in digest
    assert f"{site.url}/press/2021/pph.html (Example Office)" in digest  # each notice's address, from the save line
    assert "Home" not in digest and "Example Street" not in digest  # the pages' furniture is not text
    assert "The reduction applies to requests" not in digest  # a digest shows the lead only


@pytest.mark.slow
def test_at_most_a_hundred_new_items_from_one_source_in_one_run(tmp_path, monkeypatch, site):
    items = [{"title": f"Office notice {n:03d}", "guid": f"g{n}", "pubDate": "Mon, 28 Jun 2021 09:00:00 GMT",
              "description": f"The office published notice {n}."} for n in range(105)]
    site["/many.xml"] = Response(rss(items).encode(), content_type="application/rss+xml", etag='"many"')
    ws = tmp_path / "ws"
    configure(ws, feeds=[site.url + "/many.xml"])
    monkeypatch.chdir(ws)
    result = fetch()
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 100
    assert (f"ip5pub: warning: {site.url}/many.xml: 5 more new items are left for the next run (at most 100 from one "
            "source in one run)") in result.stderr
    result = fetch()  # the feed's validators were not kept: it is read again in full, and the rest comes
    assert len(result.stdout.splitlines()) == 5
    assert "if-none-match" not in site.hits("/many.xml")[1].headers
    assert fetch().stdout == "" and site.hits("/many.xml")[2].headers["if-none-match"] == '"many"'


def test_a_fetched_page_without_an_address_of_its_own_gets_its_site_profile(ws, site):
    """The saved-from line is the page's address for the readers: its site profile applies."""
    body = page("Press release", "27 June 2021", [
        "<span class='headline'>WIPO publishes its PCT yearly review</span>",
        "The World Intellectual Property Organization published its PCT yearly review on 27 June 2021."])
    site["/news/rss.xml"] = Response(rss([_item(site, SEARCH, "/news/review.html", "n-9", "Sun, 27 Jun 2021 09:00:00 GMT")])
                                     .encode(), content_type="application/rss+xml")
    site["/news/review.html"] = Response(body.encode())
    configure(ws, feeds=[(site.url + "/news/rss.xml", True)],
              extra='[sites."127.0.0.1"]\ntitle = "span.headline"')
    assert fetch().exit_code == 0
    listed = CliRunner().invoke(main, ["list", "--json"])
    notice, = json.loads(listed.stdout)
    assert notice["title"] == "WIPO publishes its PCT yearly review"
    assert notice["source"]["url"] == f"{site.url}/news/review.html"
    assert notice["source"]["path"] == f"{FETCHED}/2021-06-27-wipo-publishes-its-pct-yearly-review.html"


@pytest.mark.parametrize("text, url", [
    ("<!-- saved from url=(0027)https://www.example.org/a -->\n<html>", "https://www.example.org/a"),
    ("\n  <!-- saved from url=(0027)https://www.example.org/a -->", "https://www.example.org/a"),
    ("<html><!-- saved from url=(0027)https://www.example.org/a -->", None),  # only as a browser writes it: first
    ("<!-- saved from url=(0014)about:internet -->", None),
    ("<!-- saved from url=(0027)javascript:alert(1)//a -->", None),
])
def test_the_saved_from_line_is_read_only_where_browsers_write_it(text, url):
    from ip5pub.readers.html import saved_from

    assert saved_from(text) == url


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Example Office news</title><link href="https://www.example.org/news/"/><id>urn:example:news</id>
  <updated>2021-06-29T09:00:00Z</updated>
  <entry><title>EPO opens a search service for small applicants</title><link href="/news/search-service.html"/>
    <id>urn:example:n-1</id><published>2021-06-28T09:00:00Z</published>
    <content type="html">&lt;p&gt;The European Patent Office opened a search service for small applicants on 28 June 2021.&lt;/p&gt;</content>
  </entry>
  <entry><title>JPO halves fees for first-time applicants</title><link href="/news/fees.html"/>
    <id>urn:example:n-2</id><published>2021-06-29T09:00:00Z</published>
    <content type="html">&lt;p&gt;The Japan Patent Office halved its fees for first-time applicants.&lt;/p&gt;</content>
  </entry>
</feed>
"""


def test_an_atom_feed_s_entries_are_saved_alone_and_read(tmp_path, monkeypatch, site):
    site["/atom.xml"] = Response(ATOM.encode(), content_type="application/atom+xml")
    ws = tmp_path / "ws"
    configure(ws, feeds=[site.url + "/atom.xml"])
    monkeypatch.chdir(ws)
    result = fetch()
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"new      {FETCHED}/2021-06-28-epo-opens-a-search-service-for-small-applicants.atom",
        f"new      {FETCHED}/2021-06-29-jpo-halves-fees-for-first-time-applicants.atom"]
    listed = json.loads(CliRunner().invoke(main, ["list", "--json"]).stdout)
    assert [(n["title"], n["source"]["url"]) for n in listed] == [
        (SEARCH[0], f"{site.url}/news/search-service.html"), (FEES[0], f"{site.url}/news/fees.html")]


@pytest.mark.slow
def test_the_pdf_and_epub_made_from_the_fetched_workspace(ws, site):
    import subprocess

    assert fetch().exit_code == 0
    rendered = CliRunner().invoke(main, ["render", "-f", "pdf", "-f", "epub", "--since", "7d"])
    assert rendered.exit_code == 0, rendered.output
    text = subprocess.run(["pdftotext", "-layout", "build/brief.pdf", "-"], capture_output=True, text=True,
                          check=True).stdout
    for title in (SEARCH[0], FEES[0], PPH[0], TRAINING[0]):
        assert " ".join(title.split()[:4]) in " ".join(text.split())
    assert "Example Street" not in text and "Home News" not in text  # the pages' furniture stayed out
    checked = CliRunner().invoke(main, ["check", "build/brief.epub"])
    assert checked.exit_code == 0 and "0 error(s), 0 warning(s)" in checked.stdout, checked.output
