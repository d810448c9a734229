"""Links a notice may carry: source.url only http(s); a normalized body keeps
only the link targets the renderers would keep, however they are spelt."""

from __future__ import annotations

import pytest

from ip5pub.markdown import drop_unsafe_links, to_html
from ip5pub.model import Draft, SourceError, SourceRef
from ip5pub.normalize import build_notice


def _draft(body: str = "The office opened a help desk.\n", fixed=frozenset({"title", "date"}), found=None, **hints):
    """A draft whose `hints` were declared (front matter); `found`: the url a reader saw."""
    return Draft(body=body, source=SourceRef("x.md", "0", "markdown", url=found),
                 hints={"title": "Help desk", "date": "2021-06-30", **hints}, fixed=frozenset(fixed) | set(hints))


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "ftp://example.org/x",
                                 "http://", "https://exa mple.org/"])
@pytest.mark.parametrize("where", ["url", "source"])
def test_a_declared_url_that_is_not_http_is_one_line(url, where):
    hints = {"url": url} if where == "url" else {"source": {"path": "x.md", "url": url}}
    with pytest.raises(SourceError) as err:
        build_notice(_draft(**hints))
    key = "url" if where == "url" else "source.url"
    assert err.value.reason.startswith(f"{key} must be an http(s) address (got {url!r:.40}")


def test_a_declared_http_url_is_kept():
    assert build_notice(_draft(**{"url": "https://www.epo.org/news"})).source.url == "https://www.epo.org/news"


def test_a_url_a_reader_found_that_is_not_http_is_dropped_silently():
    assert build_notice(_draft(found="javascript:alert(1)")).source.url is None
    page = Draft(body="Text of the page.\n", source=SourceRef("p.html", "0", "html"),
                 hints={"title": "Page", "date": "2021-06-30", "url": "javascript:alert(1)"})
    assert build_notice(page).source.url is None


HOSTILE_BODIES = [
    ("[help](&#106;avascript:alert(1)) desk", "help desk"),
    ("[help](java&#x73;cript:alert(1)) desk", "help desk"),
    ("[help](JaVaScRiPt:alert(1)) desk", "help desk"),
    ("[help](  javascript:alert(document.cookie)  ) desk", "help desk"),
    ("[help][x] desk and [x] and [X][]\n\n[x]: javascript:alert(1)\n", "help desk and x and X\n\n"),
    ("[help][x] desk\n\n[x]: &#x6a;avascript:alert(1) \"title\"\n", "help desk\n\n"),
    ("<java&#x73;cript:alert(1)> desk", " desk"),
    ("[help](data:text/html;base64,PHNjcmlwdD4=) desk", "help desk"),
    ("[help](file:///etc/passwd) desk", "help desk"),
    ("[help](page.html) desk", "help desk"),  # relative: the renderers keep its text only
    ("![alt](javascript:alert(1)) desk", "alt desk"),
]


@pytest.mark.parametrize("body, kept", HOSTILE_BODIES)
def test_a_normalized_body_keeps_no_target_the_renderers_would_drop(body, kept):
    assert drop_unsafe_links(body) == kept
    assert "javascript" not in to_html(kept).lower()


@pytest.mark.parametrize("body", [
    "[EPO](https://www.epo.org/news-events/news) desk",
    "[IPv6](http://[2001:db8::1]/x) and [mail](mailto:press@example.org) and [here](#sec)",
    "[paren](https://en.example.org/wiki/Patent_(law) \"A title\")",
    "<https://www.wipo.int/pct/en/>",
    "[ref][w]\n\n[w]: https://www.wipo.int/",
])
def test_links_the_renderers_keep_are_left_as_written(body):
    assert drop_unsafe_links(body) == body


def test_the_normalized_notice_holds_no_unsafe_target():
    notice = build_notice(_draft(body="[a](&#106;avascript:x) b\n\n[c][r]\n\n[r]: javascript:y\n"))
    assert "javascript" not in notice.body.lower() and "&#106;" not in notice.body
