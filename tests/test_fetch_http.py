"""The fetch client against a local server that misbehaves as real ones do:
rate limits, errors, slowness, huge or compressed bodies, redirect games,
robots.txt, wrong content types, undeclared encodings, broken feeds. Each
failure is one line naming the URL, and costs only its own item."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ip5pub.cli import main
from website import Response, Site, configure, page, rss

FETCHED = Path("sources/fetched/127.0.0.1")


def fetch(*args: str):
    return CliRunner().invoke(main, ["fetch", *args], catch_exceptions=False)


def notice(title: str, day: int = 28) -> bytes:
    return page(title, f"{day} June 2021", [f"{title}, the office said on {day} June 2021.",
                                            "Applicants may ask the office for details by e-mail."]).encode()


def feed(site: Site, *paths: str) -> Response:
    """A feed with one item per path, each linking to that path on the site."""
    items = [{"title": f"Notice {n}", "link": site.url + path, "guid": path, "pubDate": "Mon, 28 Jun 2021 09:00:00 GMT",
              "description": f"Notice {n} of the office."} for n, path in enumerate(paths, 1)]
    return Response(rss(items).encode(), content_type="application/rss+xml")


@pytest.fixture
def site():
    with Site() as s:
        yield s


@pytest.fixture
def ws(tmp_path, monkeypatch, site) -> Path:
    root = tmp_path / "ws"
    configure(root, feeds=[(site.url + "/rss.xml", True)])
    monkeypatch.chdir(root)
    return root


def _saved(ws: Path) -> list[str]:
    folder = ws / FETCHED
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.mark.slow
def test_429_with_retry_after_is_waited_for_then_the_page_is_saved(ws, site):
    site["/rss.xml"] = feed(site, "/a.html")
    site["/a.html"] = [Response(b"slow down", 429, "text/plain", headers={"Retry-After": "1"}),
                       Response(notice("Office opens a help desk"))]
    result = fetch()
    assert result.exit_code == 0, result.output
    first, second = site.hits("/a.html")
    assert second.at - first.at >= 1.0
    assert _saved(ws) == ["2021-06-28-office-opens-a-help-desk.html"]


@pytest.mark.slow
def test_500_then_success(ws, site):
    site["/rss.xml"] = feed(site, "/a.html")
    site["/a.html"] = [Response(b"oops", 500, "text/plain"), Response(notice("Office opens a help desk"))]
    result = fetch()
    assert result.exit_code == 0, result.output
    assert len(site.hits("/a.html")) == 2
    assert _saved(ws) == ["2021-06-28-office-opens-a-help-desk.html"]


@pytest.mark.slow
def test_a_server_that_keeps_failing_is_tried_three_times_and_the_rest_is_saved(ws, site):
    site["/rss.xml"] = feed(site, "/down.html", "/a.html", "/later.html")
    site["/down.html"] = Response(b"down", 503, "text/plain")
    site["/later.html"] = Response(b"later", 429, "text/plain", headers={"Retry-After": "3600"})
    site["/a.html"] = Response(notice("Office opens a help desk"))
    result = fetch()
    assert result.exit_code == 1
    assert len(site.hits("/down.html")) == 3
    assert len(site.hits("/later.html")) == 1  # an hour is not waited for
    errors = [line for line in result.stderr.splitlines() if line.startswith("ip5pub: error:")]
    assert errors == [f"ip5pub: error: {site.url}/down.html: HTTP 503 Service Unavailable (3 tries)",
                      f"ip5pub: error: {site.url}/later.html: HTTP 429 Too Many Requests: the site asks to wait "
                      "3600 s, more than 120; tried again next run"]
    assert "1 new, 2 failed" in result.stderr and "could not be fetched; the rest was saved" in result.stderr
    assert _saved(ws) == ["2021-06-28-office-opens-a-help-desk.html"]
    site["/down.html"] = Response(notice("Office reopens its library", 29))
    site["/later.html"] = Response(notice("Office publishes its annual report", 30))
    again = fetch()  # the failed items are asked again; the saved one is not
    assert again.exit_code == 0, again.output
    assert len(site.hits("/a.html")) == 1
    assert len(_saved(ws)) == 3


@pytest.mark.slow
def test_a_slow_server_times_out_and_the_other_pages_are_saved(ws, site):
    site["/rss.xml"] = feed(site, "/slow.html", "/a.html")
    site["/slow.html"] = Response(notice("Never seen"), delay=3)
    site["/a.html"] = Response(notice("Office opens a help desk"))
    start = time.monotonic()
    result = fetch()
    assert time.monotonic() - start < 3
    assert result.exit_code == 1
    assert f"ip5pub: error: {site.url}/slow.html: no answer within 0.5 s (timeout)" in result.stderr
    assert _saved(ws) == ["2021-06-28-office-opens-a-help-desk.html"]


@pytest.mark.slow
def test_a_server_dripping_its_page_is_cut_at_the_time_limit(ws, site):
    def drip():
        while True:
            yield b"<p>x</p>"
            time.sleep(0.1)  # never 0.5 s without a byte: the read timeout alone would wait forever

    site["/rss.xml"] = feed(site, "/drip.html")
    site["/drip.html"] = Response(stream=drip(), length=False)
    result = fetch()
    assert result.exit_code == 1
    assert f"{site.url}/drip.html: the response was still arriving when the time allowed ran out" in result.stderr


def _mib(n: int):
    chunk = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>"
    for _ in range(n):
        yield chunk


def _bomb() -> bytes:
    """200 MiB of one letter, brotli-compressed to under a kilobyte."""
    import brotli

    out = brotli.Compressor(quality=1)
    chunk = b"x" * (1024 * 1024)
    return b"".join(out.process(chunk) for _ in range(200)) + out.finish()


BOMB = _bomb()


def test_a_50_mib_response_is_cut_at_10_mib(ws, site):
    assert len(BOMB) < 1024 * 1024
    site["/rss.xml"] = feed(site, "/declared.html", "/undeclared.html", "/bomb.html")
    site["/declared.html"] = Response(stream=_mib(50), headers={"Content-Length": str(50 * 1024 * 1024)})
    site["/undeclared.html"] = Response(stream=_mib(50), length=False)
    site["/bomb.html"] = Response(BOMB, headers={"Content-Encoding": "br"})
    start = time.monotonic()
    result = fetch()
    assert time.monotonic() - start < 20
    assert result.exit_code == 1
    assert f"{site.url}/declared.html: the response is 50.0 MiB; the limit is 10 MiB: not saved" in result.stderr
    assert f"{site.url}/undeclared.html: the response is over 10 MiB: cut, not saved" in result.stderr
    assert f"{site.url}/bomb.html: the response is over 10 MiB: cut, not saved" in result.stderr
    assert _saved(ws) == []


def test_compressed_pages_are_saved_as_the_page(ws, site):
    site["/rss.xml"] = feed(site, "/gzip.html", "/br.html")
    site["/gzip.html"] = Response(notice("Office opens a help desk"), encoding="gzip")
    site["/br.html"] = Response(notice("Office reopens its library", 29), encoding="br")
    result = fetch()
    assert result.exit_code == 0, result.output
    assert site.hits("/br.html")[0].headers["accept-encoding"] == "gzip, deflate, br"
    saved = (ws / FETCHED / "2021-06-29-office-reopens-its-library.html").read_bytes()
    assert saved.endswith(notice("Office reopens its library", 29))
    assert (ws / FETCHED / "2021-06-28-office-opens-a-help-desk.html").read_bytes().endswith(
        notice("Office opens a help desk"))


def test_redirects_are_followed_five_times_and_a_loop_is_one_line(ws, site):
    site["/rss.xml"] = feed(site, "/moved.html", "/loop-a.html", "/far-0.html")
    site["/moved.html"] = Response(status=301, headers={"Location": "/r1"})
    for n in range(1, 5):
        site[f"/r{n}"] = Response(status=302, headers={"Location": f"/r{n + 1}"})
    site["/r5"] = Response(notice("Office opens a help desk"))  # five redirects: followed
    site["/loop-a.html"] = Response(status=302, headers={"Location": "/loop-b.html"})
    site["/loop-b.html"] = Response(status=307, headers={"Location": f"{site.url}/loop-a.html"})
    for n in range(7):
        site[f"/far-{n}.html"] = Response(status=302, headers={"Location": f"/far-{n + 1}.html"})
    result = fetch()
    assert result.exit_code == 1
    assert f"{site.url}/loop-a.html: redirect loop: {site.url}/loop-b.html leads back to {site.url}/loop-a.html" \
        in result.stderr
    assert f"{site.url}/far-0.html: more than 5 redirects from {site.url}/far-0.html" in result.stderr
    assert not site.hits("/far-6.html")
    assert _saved(ws) == ["2021-06-28-office-opens-a-help-desk.html"]
    saved = (ws / FETCHED / "2021-06-28-office-opens-a-help-desk.html").read_text()
    address = f"{site.url}/r5"
    assert saved.startswith(f"<!-- saved from url=({len(address):04d}){address} -->")  # where the page really is


def test_redirects_to_a_file_or_to_the_metadata_service_are_refused(ws, site):
    site["/rss.xml"] = feed(site, "/passwd.html", "/metadata.html", "/metadata6.html")
    site["/passwd.html"] = Response(status=302, headers={"Location": "file:///etc/passwd"})
    site["/metadata.html"] = Response(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    site["/metadata6.html"] = Response(status=302, headers={"Location": "http://[::ffff:169.254.169.254]/"})
    result = fetch()  # allow_private = true: link-local addresses are refused all the same
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("ip5pub: error:")]
    assert errors == [
        f"ip5pub: error: {site.url}/passwd.html: redirected to a file: address (file:///etc/passwd); "
        "only http(s) is followed",
        f"ip5pub: error: {site.url}/metadata.html: 169.254.169.254 is a link-local address "
        "(where cloud metadata services answer): never fetched",
        f"ip5pub: error: {site.url}/metadata6.html: ::ffff:169.254.169.254 is a link-local "
        "address (where cloud metadata services answer): never fetched"]
    assert _saved(ws) == []


def test_robots_txt_is_honoured(ws, site):
    site["/robots.txt"] = Response(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site["/rss.xml"] = feed(site, "/private/a.html", "/news/b.html")
    site["/private/a.html"] = Response(notice("Never fetched"))
    site["/news/b.html"] = Response(notice("Office opens a help desk"))
    site["/list.html"] = Response(b"<html><body><ul><li><a href='/private/c.html'>C</a></li></ul></body></html>")
    configure(ws, feeds=[(site.url + "/rss.xml", True)], pages=[(site.url + "/list.html", "ul a")])
    result = fetch()
    assert result.exit_code == 0, result.output
    assert not [r for r in site.requests if r.path.startswith("/private/")]
    assert result.stdout.splitlines() == [
        f"new      {FETCHED}/2021-06-28-notice-1.rss (its page is disallowed by robots.txt: the feed item is saved "
        "instead)", f"new      {FETCHED}/2021-06-28-office-opens-a-help-desk.html"]
    assert f"ip5pub: warning: {site.url}/private/c.html: disallowed by its site's robots.txt: not fetched" \
        in result.stderr
    assert len(site.hits("/robots.txt")) == 1  # once per site and run
    again = fetch()
    assert again.exit_code == 0 and again.stdout == "" and "robots" not in again.stderr  # said once


@pytest.mark.slow
def test_robots_txt_for_our_agent_and_an_unreachable_one(ws, site):
    site["/robots.txt"] = Response(b"User-agent: ip5pub-test\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
                                   content_type="text/plain")
    site["/rss.xml"] = feed(site, "/a.html")
    result = fetch()
    assert result.exit_code == 1
    assert f"ip5pub: error: {site.url}/rss.xml: {site.url}/rss.xml is disallowed by its site's robots.txt" \
        in result.stderr
    assert [r.path for r in site.requests] == ["/robots.txt"]
    site["/robots.txt"] = Response(b"", 500, "text/plain")
    site.requests.clear()
    result = fetch()
    assert result.exit_code == 1
    assert f"{site.url}/rss.xml: its robots.txt answered HTTP 500: nothing fetched from {site.url} this run" \
        in result.stderr
    assert {r.path for r in site.requests} == {"/robots.txt"}


@pytest.mark.slow
def test_the_delay_and_a_crawl_delay_space_requests_to_one_host(ws, site):
    site["/rss.xml"] = feed(site, "/a.html", "/b.html")
    site["/a.html"] = Response(notice("Office opens a help desk"))
    site["/b.html"] = Response(notice("Office reopens its library", 29))
    configure(ws, feeds=[(site.url + "/rss.xml", True)], delay=0.3)
    assert fetch().exit_code == 0
    times = [r.at for r in site.requests]
    assert len(times) == 4 and min(b - a for a, b in zip(times, times[1:])) >= 0.3
    site["/robots.txt"] = Response(b"User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")
    site["/rss.xml"] = feed(site, "/c.html", "/d.html")
    site["/c.html"] = Response(notice("Office publishes its annual report", 30))
    site["/d.html"] = Response(notice("Office moves to a new building", 30))
    site.requests.clear()
    assert fetch().exit_code == 0
    pages = site.hits("/c.html") + site.hits("/d.html")
    assert pages[1].at - pages[0].at >= 1.0


def test_wrong_content_types_are_one_line_each(ws, site):
    site["/rss.xml"] = feed(site, "/report.html", "/a.html")
    site["/report.html"] = Response(b"%PDF-1.7", content_type="application/pdf")
    site["/a.html"] = Response(notice("Office opens a help desk"))
    site["/image-feed.xml"] = Response(b"\x89PNG", content_type="image/png")
    configure(ws, feeds=[(site.url + "/rss.xml", True), site.url + "/image-feed.xml"])
    result = fetch()
    assert result.exit_code == 1
    assert f"{site.url}/report.html: expected a web page (HTML), got application/pdf: not saved" in result.stderr
    assert f"{site.url}/image-feed.xml: expected a feed (RSS or Atom), got image/png: not saved" in result.stderr
    assert _saved(ws) == ["2021-06-28-office-opens-a-help-desk.html"]


# Our own notices, in Chinese, as an office's feed might carry them.
GB_ITEMS = [("国家知识产权局发布专利审查指南修改草案", "国家知识产权局就专利审查指南修改草案公开征求意见，截止日期为七月三十日。"),
            ("知识产权局举办专利代理师培训班", "培训班于六月二十九日在北京开班，共有二百名学员参加。")]


def test_a_gb18030_feed_without_a_declaration_is_read(ws, site):
    items = [{"title": t, "link": f"{site.url}/zh/{n}.html", "guid": f"zh-{n}", "pubDate": "Tue, 29 Jun 2021 09:00:00 +0800",
              "description": d} for n, (t, d) in enumerate(GB_ITEMS)]
    body = rss(items, title="知识产权局新闻", declaration='<?xml version="1.0"?>').encode("gb18030")
    site["/zh.xml"] = Response(body, content_type="text/xml")  # no charset anywhere
    configure(ws, feeds=[site.url + "/zh.xml"])
    result = fetch()
    assert result.exit_code == 0, result.output
    saved = sorted((ws / FETCHED).glob("*.rss"))
    assert len(saved) == 2 and all(p.name.startswith("2021-06-29-") for p in saved)
    texts = [p.read_text(encoding="utf-8") for p in saved]  # saved as UTF-8, declared so
    assert all(t.startswith("<?xml version='1.0' encoding='UTF-8'?>") for t in texts)
    listed = CliRunner().invoke(main, ["list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert sorted(n["title"] for n in json.loads(listed.stdout)) == sorted(t for t, _ in GB_ITEMS)


def test_a_malformed_feed_is_one_line_and_the_other_feeds_are_fetched(ws, site):
    site["/broken.xml"] = Response(b"<?xml version='1.0'?><rss><channel><item><title>Cut off", content_type="text/xml")
    site["/html.xml"] = Response(b"<html><body>Not a feed</body></html>", content_type="text/xml")
    site["/rss.xml"] = feed(site, "/a.html")
    site["/a.html"] = Response(notice("Office opens a help desk"))
    configure(ws, feeds=[site.url + "/broken.xml", site.url + "/html.xml", (site.url + "/rss.xml", True)])
    result = fetch()
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("ip5pub: error:")]
    assert len(errors) == 2 and errors[0].startswith(f"ip5pub: error: {site.url}/broken.xml: feed is not well-formed XML")
    assert errors[1] == f"ip5pub: error: {site.url}/html.xml: neither an RSS nor an Atom feed"
    assert _saved(ws) == ["2021-06-28-office-opens-a-help-desk.html"]


def test_a_connection_refused_is_one_line(ws, site):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    configure(ws, feeds=[f"http://127.0.0.1:{port}/rss.xml"])
    result = fetch()
    assert result.exit_code == 1
    assert f"ip5pub: error: http://127.0.0.1:{port}/rss.xml: cannot connect: connection refused" in result.stderr


def test_a_dns_failure_is_one_line():
    from ip5pub.fetch.client import Client, FetchError
    from ip5pub.fetch.config import FetchSettings

    def no_such_host(host: str, port: int):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    settings = FetchSettings(user_agent="ip5pub-test (+https://www.example.org/contact)", timeout=0.5, delay=0)
    with Client(settings, resolve=no_such_host) as client, pytest.raises(FetchError) as caught:
        client.get("https://www.example.invalid/rss.xml", "feed")
    assert str(caught.value) == "cannot find the host www.example.invalid (DNS: Name or service not known)"


@pytest.fixture
def tls_site(tmp_path):
    """An HTTPS server on 127.0.0.1 with a certificate nobody signed."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                           str(cert), "-days", "2", "-subj", "/CN=127.0.0.1"], capture_output=True)
    if made.returncode != 0:
        pytest.skip("openssl cannot make a certificate here")
    site = Site()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    site.server.socket = context.wrap_socket(site.server.socket, server_side=True)
    thread = threading.Thread(target=site.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


def test_a_tls_error_is_one_line(ws, tls_site):
    url = f"https://127.0.0.1:{tls_site.port}/rss.xml"
    configure(ws, feeds=[url])
    result = fetch()
    assert result.exit_code == 1
    assert f"ip5pub: error: {url}: TLS error: certificate verify failed: self-signed certificate" in result.stderr


def test_retry_after_in_seconds_or_as_a_date():
    from ip5pub.fetch.client import retry_after

    now = 1_800_000_000.0  # 2027-01-15 08:00:00 UTC
    assert retry_after("120", now) == 120
    assert retry_after("Fri, 15 Jan 2027 08:00:30 GMT", now) == 30
    assert retry_after("Fri, 15 Jan 2027 07:00:00 GMT", now) == 0  # already past: at once
    assert retry_after("soon", now) is None and retry_after(None, now) is None


def test_links_no_request_can_be_made_of_and_an_unasked_304_are_one_line_each(ws, site):
    items = [{"title": "Broken link", "link": "http://[::1/x.html", "guid": "a", "pubDate": "Mon, 28 Jun 2021 09:00:00 GMT",
              "description": "A link that is no address: the item is saved alone."},
             {"title": "Bad name", "link": "http://xn--zz.org/x.html", "guid": "b",
              "pubDate": "Mon, 28 Jun 2021 09:00:00 GMT", "description": "A host name no request can be made to."},
             {"title": "Not modified", "link": site.url + "/304.html", "guid": "c",
              "pubDate": "Mon, 28 Jun 2021 09:00:00 GMT", "description": "A page that claims nothing changed."}]
    site["/rss.xml"] = Response(rss(items).encode(), content_type="application/rss+xml")
    site["/304.html"] = Response(b"", 304, None)
    result = fetch()
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("ip5pub: error:")]
    assert errors == ["ip5pub: error: http://xn--zz.org/x.html: not an address a request can be made to "
                      "(Invalid A-label)",
                      f"ip5pub: error: {site.url}/304.html: HTTP 304 Not Modified, to a request that had nothing to "
                      "compare with"]
    assert _saved(ws) == ["2021-06-28-broken-link.rss"]
