"""The brief's HTML parsed as WeasyPrint parses it, fast (ip5pub.render.chunked.tree):
the tree tinyhtml5 (WeasyPrint's parser) builds, built by lexbor where its
nodes say everything tinyhtml5's tree holds."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import tinyhtml5
from tinyhtml5 import inputstream

from ip5pub.render.chunked import tree

from conftest import SOURCES, make_workspace, run_cli

# Attributes, character references, unclosed and misnested tags, comments, CJK
# text, raw text: every tokenizer state that asks chars_until for a run.
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T &amp; x</title>
<style>p > a { color: red; } /* </p> */</style><script>if (a < b) {}</script></head>
<body class="b" data-x='1' hidden><p id=one title="a &quot;b&quot;">Café &eacute; &#x41; &#65; 2 &lt; 3
<b><i>misnested</b> text</i><p>unclosed <a href="#x?a=1&b=2">link</a><!-- a comment -->
<article class="notice" lang="zh"><h2>專利審查高速路</h2><table><tr><td>1<td>2</table></article>
<br/><img alt="x" src=y.png><textarea>  raw <b>text</b></textarea></body></html>"""


def _unpatched(text: str) -> bytes:
    """tinyhtml5's own parse, with its own (never hit) cache of patterns."""
    saved = inputstream.characters_until_regex
    inputstream.characters_until_regex = {}
    try:
        return ET.tostring(tinyhtml5.parse(text, namespace_html_elements=False))
    finally:
        inputstream.characters_until_regex = saved


def test_parse_builds_the_tree_tinyhtml5_builds():
    assert ET.tostring(tree.parse(PAGE)) == _unpatched(PAGE)
    assert ET.tostring(tree.parse(PAGE * 3)) == _unpatched(PAGE * 3)


# Where HTML parsers tend to part ways: each, parsed by tree.parse, must give
# tinyhtml5's own tree.
CORNERS = {
    "comments": "<!DOCTYPE html><html><head><!-- a --><title>t</title></head><body><!--b--><p>x<!-- c -->y<!---->"
                "<!-- x -- y --></p></body></html>",
    "references": "<!DOCTYPE html><p>&nbsp;&amp;&#x1F600;&notin &copy x &#0; &#x80; &lt; &amp</p>"
                  "<a href='?a=1&copy=2&amp;b'>x</a>",
    "line ends and controls": "<!DOCTYPE html><p>a\r\nb\rc\x00d\x01e\x0bf\x7fg\x85h\ufffei</p><p title='x\x00y'>z</p>",
    "leading newline": "<!DOCTYPE html><pre>\nfirst</pre><textarea>\nt</textarea><listing>\nl</listing>",
    "foster parenting": "<!DOCTYPE html><table>text<tr><td>a</td>more</tr></table>",
    "implied ends": "<!DOCTYPE html><p>a<div>b</div>c</p><ul><li>a<li>b<ul><li>c</ul></ul><dl><dt>a<dd>b<dt>c</dl>"
                    "<select><option>a<option>b</select><h1><h2>x</h2></h1><button><button>x</button></button>",
    "attributes": "<!DOCTYPE html><P CLASS=a class=b Hidden data-x=\"1>2\" a<b=1 xml:lang=en>x</P><br/></br>",
    "whitespace around the document": "  <!DOCTYPE html>  <html> <head> </head> <body> x </body> </html> tail ",
    "scripts and languages": "<!DOCTYPE html><html lang=ko><body><p dir=rtl>한국어 中文 日本語 עברית</p>"
                             "<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby><p>long<wbr>word&shy;x</p></body></html>",
    "raw text": "<!DOCTYPE html><style>a::after{content:'</sty'}</style><title>a<b></title>"
                "<script>if (a<b) {}</script><xmp><b>x</b></xmp><plaintext><i>y",
    "a second html tag": "<!DOCTYPE html><html a=1><body><html b=2 a=3>x</body></html><meta charset=x>",
    "renamed and misnested": "<!DOCTYPE html><image src=x><p><b>1<i>2</b>3</i>4</p><a href=1>x<a href=2>y</a></a>",
    "no doctype (quirks)": "<p><table><tr><td>x</td></tr></table>",
    "frames and embeds": "<!DOCTYPE html><noscript><p>x</p></noscript><iframe><p>x</p></iframe>"
                         "<noembed><b>z</b></noembed><noframes>q</noframes>",
    "tables": "<!DOCTYPE html><table><caption>c<td>x</table><table><col><tr><td>x</table>",
    "frameset": "<!DOCTYPE html><frameset><frame></frameset>",
    "byte order mark and end of file": "\ufeff<!DOCTYPE html><p>x<!-- open",
    # What lexbor's tree cannot say, parsed by tinyhtml5 (lexbor has no
    # namespaces for SVG and MathML, keeps a template's contents apart and
    # drops a lone surrogate).
    "svg": "<!DOCTYPE html><p>a<svg viewBox='0 0 1 1'><foreignObject><p>x</p></foreignObject></svg>",
    "mathml": "<!DOCTYPE html><math><mi>x</mi></math>",
    "template": "<!DOCTYPE html><template><p>x</p></template>",
    "lone surrogate": "<!DOCTYPE html><p>\ud800x</p>",
}


@pytest.mark.parametrize("name", CORNERS)
def test_corners_of_html_parse_into_tinyhtml5s_tree(name):
    assert ET.tostring(tree.parse(CORNERS[name])) == _unpatched(CORNERS[name])


def test_ordinary_html_is_parsed_by_lexbor(monkeypatch):
    def unused(text: str) -> None:
        raise AssertionError("parsed by tinyhtml5")

    monkeypatch.setattr(tree, "_tinyhtml5", unused)
    assert ET.tostring(tree.parse(PAGE)) == _unpatched(PAGE)
    for name in ("svg", "mathml", "template", "lone surrogate"):
        with pytest.raises(AssertionError, match="tinyhtml5"):
            tree.parse(CORNERS[name])


def test_a_brief_of_every_shape_of_source_parses_into_tinyhtml5s_tree(tmp_path):
    ws = make_workspace(tmp_path / "ws", SOURCES, everything=True)
    run_cli("render", "-f", "html", cwd=ws)
    text = (ws / "build" / "brief.html").read_text(encoding="utf-8")
    assert text.count('<article class="notice"') > 10  # Chinese, Japanese and Korean notices among them
    assert ET.tostring(tree.parse(text)) == _unpatched(text)


def test_each_pattern_is_compiled_once():
    tree._tinyhtml5(PAGE)
    patterns = dict(inputstream.characters_until_regex)
    tree._tinyhtml5(PAGE * 5)
    # The cache was hit: no pattern was made again for the same characters.
    assert dict(inputstream.characters_until_regex) == patterns
    assert all(not isinstance(key[0], type(patterns[key])) for key in patterns)


@pytest.mark.parametrize("text", ["2026-12-06T22:53:56Z", "1999-01-31T00:00:00+05:30", "2024-02-29T23:59:59-08:00",
                                  "2026-12-06T22:53:56-00:00"])
def test_a_date_becomes_the_pdf_date_weasyprint_writes(text):
    from weasyprint.pdf import _w3c_date_to_pdf

    assert tree.pdf_date(text) == _w3c_date_to_pdf(text, "created")


@pytest.mark.parametrize("text", ["2026-12-06", "2026-12", "2026-12-06T22:53Z", "2026-12-06T22:53:56.5Z",
                                  " 2026-12-06T22:53:56Z", "2026-13-06T22:53:56Z", "2026-12-06T22:53:56", "today"])
def test_a_date_in_another_form_is_left_to_weasyprint(text):
    assert tree.pdf_date(text) is None


def test_the_dates_are_taken_out_of_the_head_once_each():
    root = tree.parse('<html><head><meta name="dcterms.created" content="2026-12-06T22:53:56Z">'
                      '<meta name="DCTERMS.modified" content="2026-12-07T01:02:03+01:00"><title>T</title></head>'
                      '<body><p>x</p></body></html>')
    assert tree.take_dates(root) == {"/CreationDate": "D:20261206225356Z", "/ModDate": "D:20261207010203+01'00"}
    assert [el.tag for el in root.find("head")] == ["title"]

    # Given twice, or in another form: left for WeasyPrint, which reads the first.
    root = tree.parse('<html><head><meta name="dcterms.created" content="2026-12-06T22:53:56Z">'
                      '<meta name="dcterms.created" content="2020-01-01T00:00:00Z">'
                      '<meta name="dcterms.modified" content="2026-12-07"></head><body></body></html>')
    assert tree.take_dates(root) == {}
    assert len(root.find("head")) == 3
