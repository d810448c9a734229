"""The brief's HTML parsed as WeasyPrint parses it, fast (ip5pub.render.chunked.tree)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import tinyhtml5
from tinyhtml5 import inputstream

from ip5pub.render.chunked import tree

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


def test_each_pattern_is_compiled_once():
    tree.parse(PAGE)
    patterns = dict(inputstream.characters_until_regex)
    tree.parse(PAGE * 5)
    # The cache was hit: no pattern was made again for the same characters.
    assert dict(inputstream.characters_until_regex) == patterns
    assert all(not isinstance(key[0], type(patterns[key])) for key in patterns)
