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


BODIES = [
    ("The KIPO fee schedule changes on 1 July.\n\n## Fees\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", "en"),
    ("Voir [l'avis](https://www.inpi.fr/avis) et \"la note\".", "fr"),
    ("Siehe [die Mitteilung](#2024-05-02-dpma-gebuehren) und ![Logo](logo.png).", "de"),
    ("見る [通知](#2024-05-02-jpo-fees) と [web](https://www.jpo.go.jp/).", "ja"),
    ("`href=\"#x\"` in code, and [nothing](#nowhere).", None),
    ("", None),
]


@pytest.mark.parametrize("body, language", BODIES)
def test_bodies_give_what_to_html_gives(body, language):
    where = {"2024-05-02-dpma-gebuehren": "ch002.xhtml#top", "2024-05-02-jpo-fees": "ch003.xhtml#top"}.get
    bodies = markdown.Bodies()
    assert bodies.html(body, language) == markdown.to_html(body, language=language)
    # Asked again with links to ids mapped (the EPUB), then without.
    assert bodies.html(body, language, anchor=where) == markdown.to_html(body, anchor=where, language=language)
    assert bodies.html(body, language) == markdown.to_html(body, language=language)


def test_bodies_render_each_body_once_and_take_known_ones_as_given(monkeypatch):
    rendered = []
    real = markdown.to_html
    monkeypatch.setattr(markdown, "to_html", lambda body, *a, **k: rendered.append(body) or real(body, *a, **k))
    first = markdown.Bodies()
    for body, language in BODIES[:3] * 2:
        first.html(body, language)
    assert rendered == [body for body, _ in BODIES[:3]]
    assert first.changed()

    # The next build is given the first one's bodies: only a new one is rendered.
    rendered.clear()
    second = markdown.Bodies(first.used())
    for body, language in BODIES[:2]:
        assert second.html(body, language) == real(body, language=language)
    assert rendered == []
    assert second.changed()  # the third is no longer asked for
    second.html("A corrected body.", "en")
    assert rendered == ["A corrected body."]
    assert set(second.used()) == {markdown.Bodies.key(b, lang) for b, lang in BODIES[:2]} | {
        markdown.Bodies.key("A corrected body.", "en")}
    again = markdown.Bodies(second.used())
    for body, language in [*BODIES[:2], ("A corrected body.", "en")]:
        again.html(body, language)
    assert not again.changed()


def test_a_body_is_known_by_its_language_too():
    assert markdown.Bodies.key("It's here.", "en") != markdown.Bodies.key("It's here.", "fr")
    bodies = markdown.Bodies()
    assert bodies.html("It's \"here\".", "en") != bodies.html("It's \"here\".", "fr")
