"""Notice bodies as HTML: only Markdown's own elements, links only where they can lead."""

from __future__ import annotations

import html

import pytest

from ip5pub import markdown


@pytest.mark.parametrize("url, kept", [
    ("https://www.epo.org/news?a=1&b=2", True),
    ("HTTP://EXAMPLE.COM", True),
    ("https://exa_mple.com/x", True),
    ("http://192.0.2.1:8080/", True),
    ("http://[2001:db8::1]/", True),
    ("https://例え.jp/パス", True),  # markdown-it writes the host in punycode
    ("mailto:press@epo.org", True),
    ("#2021-06-29-cnipa-meeting", True),
    ("javascript:alert(1)", False),
    ("file:///etc/passwd", False),
    ("data:text/html,x", False),
    ("/etc/hostname", False),
    ("mailto:", False),
    ("http:", False),
    ("http://", False),
    ("http://a%zz", False),  # not a host: EPUBCheck refuses the URL
    ("http://example.com:99999/", False),
    ("http://[zz::1]/", False),
])
def test_links_are_kept_only_when_they_can_lead_somewhere(url, kept):
    html = markdown.to_html(f"See [the notice](<{url}>).")
    assert ("<a href=" in html) is kept, html
    assert "the notice" in html  # the text stays either way


def test_headings_demoted_and_links_to_ids_mapped():
    body = "# One\n\n###### Six\n\nSee [two](#two), [gone](#gone) and [web](https://epo.org).\n"
    html = markdown.to_html(body, demote=1, anchor={"two": "ch002.xhtml#two"}.get)
    assert "<h2>One</h2>" in html and "<h6>Six</h6>" in html
    assert '<a href="ch002.xhtml#two">two</a>' in html
    assert "gone" in html and "#gone" not in html
    assert '<a href="https://epo.org">web</a>' in html
    assert markdown.to_html(body).startswith("<h1>One</h1>")  # the PDF's bodies are unchanged


def test_markup_and_images_become_text():
    html = markdown.to_html('<script>x()</script> <img src="/etc/hostname"> ![alt text](/etc/hostname)')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=" in html and "alt text</p>" in html


@pytest.mark.parametrize("language, body, expected", [
    ("en", 'The office\'s "fast-track" pilot, \'a first look\'.', "The office’s “fast-track” pilot, ‘a first look’."),
    ("fr", 'Il a parlé d\'un "résultat encourageant".', "Il a parlé d’un «\u202frésultat encourageant\u202f»."),
    ("de", 'Ein "wichtiger Schritt" und ein \'kleiner\'.', "Ein „wichtiger Schritt“ und ein ‚kleiner‘."),
    ("en-GB", 'A "quote".', "A “quote”."),
    ("ja", '特許庁は「試行」と"AI"を発表した。', '特許庁は「試行」と"AI"を発表した。'),  # CJK keeps its own marks
    ("zh", '他说"好"。', '他说"好"。'),
    ("es", 'Dijo "hola".', 'Dijo "hola".'),  # a language without its marks listed: as written
])
def test_quotes_and_apostrophes_follow_the_text_language(language, body, expected):
    assert html.unescape(markdown.to_html(body, language=language)) == f"<p>{expected}</p>\n"
    assert markdown.smartquotes(body, language) == expected


def test_quotes_leave_code_urls_and_markup_alone():
    html = markdown.to_html('Use `"x"` at <https://example.org/a"b> and [the "page"](https://example.org/c).', language="en")
    assert "<code>&quot;x&quot;</code>" in html and 'href="https://example.org/c"' in html and "the “page”" in html
    # Plain text keeps every character that is not a quote: Markdown syntax is not read in a title.
    assert markdown.smartquotes('R&D "*not* emphasis" [x](y) <b> \\ #1', "en") == 'R&D “*not* emphasis” [x](y) <b> \\ #1'
