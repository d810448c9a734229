"""Korean lines break between words only, in the PDF too.

Korean separates words with spaces; a line may not break inside one. CSS
says so with `word-break: keep-all` (brief.css and epub.css, for browsers
and reading systems), but WeasyPrint 70 knows no `keep-all`: it drops the
rule with a warning, and Pango breaks between any two Hangul syllables. So
the print HTML gets what keep-all means: each Korean word (a run of letters
and digits with Hangul in it) inside text in Korean is set in a span that
does not wrap, its text unchanged (bookmarks and copied text stay clean).
Inside a link, where WeasyPrint would give each span a link annotation of
its own (outside the link's structure element), the letters of a word are
joined by U+2060 WORD JOINER instead: Pango does not break there and draws
nothing, text extraction leaves it out, and pdf_tags drops it from the
link's description.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

CLASS = "ip5pub-keep"
CSS = f".{CLASS} {{ white-space: nowrap; }}\n"
# A word: letters and digits (\w: Hangul, Hanja, Latin, digits) with at least
# one Hangul letter; punctuation and spaces stay break opportunities. A run
# longer than a narrow column could hold keeps the ordinary breaks.
_WORD = re.compile(r"\w*[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]\w*")
_LONGEST = 24
_SKIP = {"head", "style", "script", "title", "pre", "code"}
JOINER = "\u2060"


def is_korean(lang: str) -> bool:
    return lang.lower().split("-")[0] == "ko"


def apply(root: Any) -> Any:
    """The HTML tree (ElementTree, as tinyhtml5 parses it) with its Korean
    words wrapped, and their rule in its head; changed in place."""
    if _walk(root, root.get("lang") or ""):
        head = root.find("head")
        style = ET.SubElement(head if head is not None else root, "style")
        style.text = CSS
    return root


def _walk(el: Any, lang: str, in_link: bool = False) -> bool:
    if el.tag in _SKIP:
        return False
    lang = el.get("lang") or lang
    korean = is_korean(lang)
    in_link = in_link or (el.tag == "a" and el.get("href") is not None)
    if in_link:
        if korean:
            el.text = _join(el.text)
        for child in el:
            _walk(child, lang, True)
            if korean:
                child.tail = _join(child.tail)
        return False
    found = False
    if korean and el.text:
        el.text, spans = _split(el.text)
        for i, span in enumerate(spans):
            el.insert(i, span)
        found = bool(spans)
    for child in list(el):
        if child.get("class") == CLASS:
            continue
        found = _walk(child, lang) or found
        if korean and child.tail:
            child.tail, spans = _split(child.tail)
            at = list(el).index(child) + 1
            for i, span in enumerate(spans):
                el.insert(at + i, span)
            found = found or bool(spans)
    return found


def _join(text: str | None) -> str | None:
    """Text with U+2060 between the letters of each Korean word."""
    if not text:
        return text
    return _WORD.sub(lambda m: JOINER.join(m.group(0)) if len(m.group(0)) <= _LONGEST else m.group(0), text)


def _split(text: str) -> tuple[str, list[Any]]:
    """The text before the first word, and a span per word (its tail the text after it)."""
    spans: list[Any] = []
    head = []
    last = 0
    for m in _WORD.finditer(text):
        if len(m.group(0)) < 2 or len(m.group(0)) > _LONGEST:
            continue
        between = text[last:m.start()]
        if spans:
            spans[-1].tail = between
        else:
            head.append(between)
        span = ET.Element("span", {"class": CLASS})
        span.text = m.group(0)
        spans.append(span)
        last = m.end()
    if not spans:
        return text, []
    spans[-1].tail = text[last:]
    return "".join(head), spans
