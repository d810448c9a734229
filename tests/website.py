"""A small web site on 127.0.0.1 for the fetch tests: pages and feeds of our own,
every request recorded with its headers.

Each path serves a Response, or a list of them served in turn (the last one
repeats): "500, then the page". A response with an etag or last_modified
answers 304 to a request that sends them back.
"""

from __future__ import annotations

import gzip
import http.server
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Response:
    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before the status line
    length: bool = True  # send Content-Length
    encoding: str | None = None  # "gzip" or "br", when the request accepts it
    stream: Iterator[bytes] | None = None  # a body written chunk by chunk (e.g. 50 MiB that never sits in memory)


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float = 0.0  # time.monotonic() when it arrived


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Response | list[Response]] = {}
        self.requests: list[Request] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()))
                site._serve(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"

    def __setitem__(self, path: str, response: Response | list[Response]) -> None:
        self.routes[path] = response

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def _response(self, path: str) -> Response:
        route = self.routes.get(path)
        if route is None:
            return Response(b"not here", 404, "text/plain")
        if isinstance(route, list):
            return route.pop(0) if len(route) > 1 else route[0]
        return route

    def _serve(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        r = self._response(handler.path)
        time.sleep(r.delay)
        if (r.etag and handler.headers.get("If-None-Match") == r.etag) or \
                (r.last_modified and handler.headers.get("If-Modified-Since") == r.last_modified):
            handler.send_response(304)
            handler.end_headers()
            return
        body = r.body
        headers = dict(r.headers)
        if r.encoding and r.encoding in (handler.headers.get("Accept-Encoding") or ""):
            if r.encoding == "gzip":
                body = gzip.compress(body)
            else:
                import brotli

                body = brotli.compress(body)
            headers["Content-Encoding"] = r.encoding
        try:
            handler.send_response(r.status)
            if r.content_type:
                handler.send_header("Content-Type", r.content_type)
            for key, value in (("ETag", r.etag), ("Last-Modified", r.last_modified), *headers.items()):
                if value:
                    handler.send_header(key, value)
            if r.length and r.stream is None:
                handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if r.stream is not None:
                for chunk in r.stream:
                    handler.wfile.write(chunk)
            else:
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading (a body cut at its limit)

    def __enter__(self) -> Site:
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def rss(items: list[dict[str, str]], title: str = "Example Office news", link: str = "https://www.example.org/news/",
        declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    """An RSS 2.0 feed; each item a dict of its elements (title, link, guid, pubDate, description)."""
    def element(name: str, value: str) -> str:
        escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f"<{name}>{escaped}</{name}>"

    body = "".join("<item>" + "".join(element(k, v) for k, v in item.items()) + "</item>" for item in items)
    return (f"{declaration}\n<rss version=\"2.0\"><channel>{element('title', title)}{element('link', link)}"
            f"<description>News</description>{body}</channel></rss>\n")


def page(title: str, date: str, paragraphs: list[str], extra_head: str = "") -> str:
    """A notice page as an office's CMS might serve it: furniture, a headline, a date line, the text."""
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} | Example Office</title>"
            f"{extra_head}</head><body><nav><a href=\"/\">Home</a> <a href=\"/news/\">News</a></nav>"
            f"<main><article><h1>{title}</h1><p class=\"date\">Published: {date}</p>{text}</article></main>"
            f"<footer>Example Office, 1 Example Street</footer></body></html>\n")


UA = "ip5pub-test (+https://www.example.org/contact)"


def configure(ws: Path, feeds: Sequence[str | tuple[str, bool]] = (), pages: Sequence[tuple[str, str]] = (),
              allow_private: bool = True, timeout: float = 0.5, delay: float = 0, extra: str = "") -> None:
    """ws/ip5pub.toml naming these feeds (url, or (url, pages)) and list pages (url, links selector)."""
    lines = ["[fetch]", f'user_agent = "{UA}"', f"allow_private = {str(allow_private).lower()}", f"delay = {delay}",
             f"timeout = {timeout}", extra]
    for feed in feeds:
        url, with_pages = (feed, False) if isinstance(feed, str) else feed
        lines += ["[[fetch.feeds]]", f'url = "{url}"', f"pages = {str(with_pages).lower()}"]
    for url, links in pages:
        lines += ["[[fetch.pages]]", f'url = "{url}"', f'links = "{links}"']
    ws.mkdir(parents=True, exist_ok=True)
    (ws / "ip5pub.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
