"""The headline of a saved page, as the page prints it.

Candidates, each with where it came from (kept for review):

1. a printed headline (`<h1>`-`<h4>`, an element whose class names a title,
   a board table's title cell) that the page's own title fields name
   (`<title>`, `og:title`, `twitter:title`, JSON-LD `headline`, ...); the
   longest wins, so a section label or a logo loses to the real headline.
   The meta description names only a real heading (`<h1>`-`<h3>`): a
   standfirst that repeats the description is not the headline;
2. when the title fields carry only the site's name (`<title>특허청</title>`):
   the printed headline itself: the first `<h1>`, else a board table's title
   cell (the cell beside "제목", "Title", "标题", "件名" ...), else the first
   substantial heading;
3. the CMS and og meta titles, then `<title>` without its site suffix;
4. the first substantial heading of the page.

A candidate equal to the site's or publisher's name (`og:site_name`, the
`<title>` suffix, the office that owns the host) is taken only when nothing
else is left. Text split by `<br>` is joined with one space (none between
two Chinese or Japanese characters); entities are decoded once, by the parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ip5pub.extract.scripts import CJK, HAN, HAN_COMPAT, KANA, cjk_count
from ip5pub.extract.text import clean_line
from ip5pub.provenance import Origin, Rival
from ip5pub.readers.base import Element
from ip5pub.readers.layout import Layout

_CJK_CHAR = re.compile(f"[{CJK}]")

TITLE_META = ("articletitle", "og:title", "twitter:title", "dc.title", "dcterms.title", "title", "headline")
SITE_META = ("og:site_name", "sitename", "application-name", "publisher", "dc.publisher", "author")
# Separators between a headline and the site name in <title>: "Headline | Site", "标题_栏目_网站", "제목 < 메뉴 : 사이트".
_TITLE_SEP = re.compile(r"\s+[|\-–—<>‹›»«:·]{1,2}\s+|\s*[_｜|]\s*")
_CELL_LABEL = re.compile(r"^(?:제목|글제목|Title|Subject|Headline|标题|標題|题目|主题|題名|件名|タイトル|表題)\s*[:：]?$", re.I)
_NAMED = re.compile(r"title|subject|headline|heading", re.I)
_HAN_KANA = KANA + HAN + HAN_COMPAT


@dataclass(frozen=True)
class Candidate:
    text: str
    source: str  # where it came from: "h1", "board table title cell", "og:title", ...
    element: Any = None
    origin: Origin | None = None  # set on the chosen one: what confirmed it, what lost and why


def title_segments(title: str) -> list[str]:
    return [s for s in (clean_line(x) for x in _TITLE_SEP.split(title)) if s]


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def _prefixes(field: str) -> list[str]:
    """'A – B | Site' -> ['A', 'A – B', 'A – B | Site']: the field up to each separator, and whole."""
    return [clean_line(field[:m.start()]) for m in _TITLE_SEP.finditer(field)] + [field]


def element_text(el: Element) -> str:
    """An element's text as printed: a line break is one space (none between two Han or kana characters)."""
    parts: list[str] = []

    def walk(node: Element) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in ("script", "style", "noscript", "template"):
            return
        if tag == "br":
            parts.append("\n")
        parts.append(node.text or "" if tag else "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(el)
    text = re.sub(rf"(?<=[{_HAN_KANA}])\s*\n\s*(?=[{_HAN_KANA}])", "", "".join(parts))
    return clean_line(text.replace("\n", " "))


def substantial(text: str, words: int = 4) -> bool:
    """Long enough to be a headline rather than a site or section name."""
    cjk = cjk_count(text)
    return len(text.split()) >= words or cjk >= 8


def _width(text: str) -> int:
    return sum(2 if _CJK_CHAR.match(ch) else 1 for ch in text)


def site_names(tree: Element, meta: dict[str, str], extra: tuple[str, ...] = (), headings: tuple[str, ...] = ()) -> set[str]:
    """Keys of every name the page gives its site or publisher.

    "Headline | Site", "Section | Headline - Site": every part of <title> but
    the headline names the site or a section; the headline is the part the
    page prints as a heading, else the widest."""
    segments = title_segments(clean_line(tree.findtext(".//title") or ""))
    printed = {_key(h) for h in headings}
    widest = max(segments, key=_width) if segments else ""
    head = max((s for s in segments if _key(s) in printed), key=_width, default=widest)
    others = [s for s in segments if s != head] if len(segments) > 1 else []
    names = [meta.get(k, "") for k in SITE_META[:4]] + others + list(extra)
    return {_key(n) for n in names if _key(n)}


def printed_headlines(tree: Element, layout: Layout) -> list[Candidate]:
    """Headings, title-named elements and board title cells outside the page's furniture, in page order."""
    out: list[Candidate] = []
    for el in tree.iter():
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or tag in ("html", "body", "head", "title", "meta", "script", "style"):
            continue
        if re.fullmatch(r"h[1-4]", tag):
            source = tag
        elif tag in ("th", "td", "dt") and _CELL_LABEL.match(clean_line(el.text_content())):
            el = el.getnext()
            if el is None or not isinstance(el.tag, str) or el.tag.lower() not in ("td", "dd"):
                continue
            source = "board table title cell"
        elif _NAMED.search(f"{el.get('class') or ''} {el.get('id') or ''}") and not any(
                isinstance(c.tag, str) and c.tag.lower() in ("div", "table", "ul", "p", "section") for c in el):
            source = "element named title"
        else:
            continue
        if layout.is_furniture(el):
            continue
        text = element_text(el)
        if 2 <= len(text) <= 300:
            out.append(Candidate(text, source, el))
    return out


def find_title(tree: Element, meta: dict[str, str], layout: Layout, owners: tuple[str, ...] = ()) -> Candidate | None:
    """The headline by the precedence in the module's docstring; `owners` are more names of the site.
    The candidate returned carries its Origin: the title fields that name it, and what lost."""
    page_title = clean_line(tree.findtext(".//title") or "")
    headlines = printed_headlines(tree, layout)
    sites = site_names(tree, meta, owners, tuple(c.text for c in headlines))
    every = {k: meta[k] for k in TITLE_META if meta.get(k)}
    if page_title:
        every["<title>"] = page_title
    fields = {k: v for k, v in every.items() if _key(v) not in sites}  # a field that is only the site's name
    printed = [c for c in headlines if _key(c.text) not in sites]
    best = _choose(page_title, fields, printed, sites, meta.get("description", ""))
    if best is None:
        return None
    lost = [Rival(v, k, "only the site's name") for k, v in every.items() if k not in fields]
    lost += [Rival(c.text, c.source, "only the site's name") for c in headlines if c not in printed][:2]
    also = [k for k, v in fields.items() if _key(best.text) and _key(best.text) in _key(v) and k != best.source]
    lost += [Rival(v, k, "a title field that does not name the headline printed")
             for k, v in fields.items() if k not in also and k != best.source and _key(v) != _key(best.text)]
    lost += [Rival(c.text, c.source, "another heading: not named by the page's title fields")
             for c in printed if c.source == "h1" and _key(c.text) != _key(best.text)][:2]
    origin = Origin(best.source, tuple(also), weak=best.source.startswith("<title>")).beating(*lost)
    return Candidate(best.text, best.source, best.element, origin)


def _choose(page_title: str, fields: dict[str, str], printed: list[Candidate], sites: set[str],
            description: str) -> Candidate | None:
    def named(c: Candidate) -> bool:
        # A title field may also be the headline cut short ("… der lange Marsch ins Digitale").
        cut = [p for v in fields.values() for p in _prefixes(v) if substantial(p)]
        by_title = any(c.text in v for v in fields.values()) or (
            c.source in ("h1", "h2", "h3") and any(c.text.startswith(seg) for seg in cut))
        by_description = c.source in ("h1", "h2", "h3") and bool(description) and c.text in description
        return (by_title or by_description) and (substantial(c.text, words=3) or c.text in fields.values())

    visible = [c for c in printed if named(c)]
    if visible:
        best = max(visible, key=lambda c: len(c.text))
        return Candidate(best.text, f"{best.source} named by the page's title", best.element)
    if not fields:  # the title fields carry only the site's name: the headline as printed
        for source in ("h1", "board table title cell"):
            found = next((c for c in printed if c.source == source and substantial(c.text, words=2)), None)
            if found:
                return found
    for key in ("articletitle", "headline", "og:title", "twitter:title", "dc.title"):
        if key in fields:
            segments = title_segments(fields[key])
            text = max(segments, key=len) if len(segments) > 1 else fields[key]
            if _key(text) not in sites:
                return Candidate(text, key)
    longest = max(title_segments(page_title), key=len) if page_title else ""
    if substantial(longest) and _key(longest) not in sites:
        return Candidate(longest, "<title> without its site suffix")
    heading = next((c for c in printed if substantial(c.text, words=3)), None)
    if heading:
        return heading
    if longest:
        return Candidate(longest, "<title> (only the site's name)")
    return None
