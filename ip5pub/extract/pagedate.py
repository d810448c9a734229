"""The date a web page states for itself: its publication or update date.

Only the page's own markup and the date lines around its headline count;
never the body text, the URL, the file's mtime or the clock. Every date found
is a Candidate with a step; the lowest step wins, and within a step the one
nearest the headline. The steps, and why each comes where it does:

1. A date the article's markup attaches to its visible date, in or near the
   article: itemprop="datePublished"/"dateCreated", <time pubdate>, a
   microformat "published" element with a machine value. It says in one place
   what the date is and whose it is.
2. A date shown with the headline: under it down to the first paragraph, then
   just above it, then an element marked as a date right after the lead. A
   <time>, an element whose class or id names a date or the post's metadata
   ("date", "posted-on", "view_date", "meta", "byline", a board's info list),
   a labelled line ("Veröffentlicht am 3. März 2020", "작성일 2021.04.14",
   "发布时间：…"), a short line that is mostly a date, or a press-release
   dateline opening the first paragraph ("MUNICH, 12 September 2024 – ").
   This is what a careful reader takes as the date, and where it disagrees
   with the meta tags the meta tags are the ones that are wrong on real
   pages: a UTC timestamp a day off, a CMS's import or template date.
3. The publication date in structured data: JSON-LD datePublished,
   dateCreated (in @graph, nested, in broken JSON too), article:published_time
   and the other CMS, Open Graph and Dublin Core keys. Written for machines
   from the CMS's database, so right on most pages, but nobody sees it, so
   its mistakes survive; it decides when the page shows no date.
4. A date element or labelled line elsewhere in the article's region or close
   to the headline (the post footer's "Posted on"), the nearest first.
5. The same anywhere else outside the page's furniture (navigation, side
   boxes, comments, related stories, a blog engine's archive).
6. The update date in structured data (dateModified, article:modified_time,
   og:updated_time), only when nothing else dates the page.

A date counts from 1990 on: 0001-01-01 and 1970-01-01 are what templates
print for "no date". Dates after the edition are not judged here: a reader
never sees the clock, so the same bytes always give the same date and the
cache stays valid; the build names a notice dated after its edition (a typo)
and keeps it out of windows. A numeric date whose day/month order nothing
decides (05/12/2026 on a page whose language does not fix it, and no meta tag
naming one of its two readings) is never guessed: when nothing else dates the
page, the refusal says so and shows both ISO forms.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ip5pub.extract.boilerplate import FURNITURE_WORDS_ELSEWHERE
from ip5pub.extract.dates import DATE_LABEL, AmbiguousDate, ImpossibleDate, day_first_for, parse_date, search_date
from ip5pub.extract.datemarkup import Candidate, markup_dates, page_language, plausible

# Class or id words of an element that shows a date (or a byline/meta block holding one).
_DATE_MARK = re.compile(r"date|datum|time|zeit|fecha|publi|posted|byline|dateline|stamp|updated|meta|info|"
                        r"subline|submitted|created|author|autor|clock|footer|header", re.I)
_HEADLINE_MARK = re.compile(r"title|subject|headline", re.I)
# Inside the article: the parts that carry visitors' or other stories' dates.
_INSIDE_FURNITURE = re.compile(r"(?:^|[\s_-])(?:comments?|reply|replies|respond|related|recommend\w*|more-?news|"
                               r"nav|navigation|menu|breadcrumbs?|pagination)"
                               r"(?:$|[\s_-])", re.I)
# Class or id words of page furniture that carries other stories' or visitors' dates.
_FURNITURE = re.compile(r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|sidebar|side|aside|widget|related|recommend\w*|"
                        r"popular|most-?read|teaser-?list|comments?|reply|replies|respond|breadcrumbs?|pagination|"
                        r"prev|next|more-?news|latest|archive|calendar|footer|cookie|" + FURNITURE_WORDS_ELSEWHERE +
                        r")(?:$|[\s_-])", re.I)
_WORDS = re.compile(r"[^\W\d_]+")
_SEPARATORS = "|·•–—-/,;:([【［"
_BLOCK = {"p", "div", "li", "tr", "td", "th", "dd", "dt", "span", "h2", "h3", "h4", "h5", "h6", "small", "em",
          "strong", "b", "i", "time", "abbr", "address", "section", "header", "footer", "ul", "dl", "table", "font"}
_SKIP = {"script", "style", "noscript", "template", "head", "title", "meta", "link", "svg", "select", "option"}


def _marks(el) -> str:
    return " ".join(filter(None, (el.get("class"), el.get("id"), el.get("itemprop"))))


def _contains(node, el) -> bool:
    return node is el or any(a is node for a in el.iterancestors())


def _text(el) -> str:
    return " ".join(el.text_content().split())


def _own_text(el) -> str:
    return " ".join(" ".join([el.text or "", *(c.tail or "" for c in el)]).split())


def _elements(root) -> list:
    """The elements of the page in document order, without scripts, styles and forms' options."""
    out: list = []

    def walk(el) -> None:
        for child in el:
            if isinstance(child.tag, str) and child.tag not in _SKIP:
                out.append(child)
                walk(child)

    walk(root)
    return out


def _headline(elements: list, title: str) -> int | None:
    """Index of the headline element: the heading that prints the title, else the first <h1>."""
    want = " ".join(title.split()).casefold()
    best = None
    for i, el in enumerate(elements):
        if want and (el.tag in ("h1", "h2", "h3", "h4") or _HEADLINE_MARK.search(_marks(el))):
            text = _text(el).casefold()
            if text and (text == want or want in text and len(text) < len(want) * 2 or text in want and len(text) > 8):
                if el.tag == "h1":
                    return i
                best = i if best is None else best
    if best is None and want:  # a board's title cell, a <strong> or <font> headline
        best = next((i for i, el in enumerate(elements) if _own_text(el).casefold() == want), None)
    if best is None:
        best = next((i for i, el in enumerate(elements) if el.tag == "h1"), None)
    return best


@dataclass
class Layout:
    """Where the article sits in the page: its headline, first paragraph and region.

    The region is the smallest ancestor of the headline and the first
    paragraph, widened while the wider block holds little more than the
    article (the post's own header and footer lie beside it), so that a page's
    footer or side column is outside it.
    """

    elements: list
    head: int | None
    first: int | None
    core: object  # the closest block holding the headline and the first paragraph
    region: object  # the core widened to the post's own header and footer

    @classmethod
    def of(cls, tree, title: str, first_text: str) -> Layout:
        body = tree.find("body")
        elements = _elements(body if body is not None else tree)
        head = _headline(elements, title)
        first = None
        after = list(enumerate(elements[(head or 0) + 1:], (head or 0) + 1))
        if first_text:
            first = next((i for i, el in after if first_text in _own_text(el)), None)
        if first is None:  # the first paragraph of prose after the headline
            first = next((i for i, el in after if el.tag == "p" and len(_own_text(el)) >= 80), None)
        core = elements[head] if head is not None else None
        if core is not None and first is not None:
            while core is not None and not _contains(core, elements[first]):
                core = core.getparent()
        article = next((a for a in core.iterancestors() if a.tag == "article"), None) if core is not None else None
        if article is not None and core is not None and not _contains(core, article):
            core = article  # the semantic article holds its header, footer and aside
        if core is not None and core.tag in ("body", "html"):
            core = None
        region = core
        if region is not None:
            size = len(_text(region))
            parent = region.getparent()
            while parent is not None and parent.tag not in ("body", "html") and len(_text(parent)) <= size * 1.5 + 600:
                region, parent = parent, parent.getparent()
        return cls(elements, head, first, core, region)

    def in_furniture(self, el) -> bool:
        """Navigation, side boxes, comments, related stories: dates of other things.

        Only what lies between the element and the article is looked at: a
        wrapper that holds the article too ("has-sidebar" on <body>, a blog
        engine's "widget Blog" around its posts) says nothing about its
        content. Inside the article's region, a <header>, <footer> or <aside>
        is the post's own.
        """
        inside = self.region is not None and _contains(self.region, el) or \
            any(a.tag == "article" for a in el.iterancestors())  # an <article>'s header is its own
        for node in [el, *el.iterancestors()]:
            tag = node.tag if isinstance(node.tag, str) else ""
            if tag in ("body", "html") or self.core is not None and _contains(node, self.core):
                return False
            if tag == "nav" or tag in ("aside", "header", "footer") and not inside:
                return True
            marks = _marks(node)
            if marks and (_INSIDE_FURNITURE if inside else _FURNITURE).search(marks):
                return True
        return False


def _value_texts(el, limit: int) -> list[str]:
    """What an element says about its date: machine attributes, then its text if short."""
    values = [el.get(a) for a in ("datetime", "content", "title", "data-date") if el.get(a)]
    text = _text(el)
    if len(text) > limit:  # a long metadata block: its own opening words ("Posted on … in …")
        text = " ".join((el.text or "").split())
    if 0 < len(text) <= limit:
        values.append(text)
    return values


def _labelled(el, own_only: bool = False) -> str | None:
    """The text after a date label that opens a line or a segment of it:
    "Veröffentlicht am 3. März 2020", "Von X | Published: 5 May 2020".
    A label word inside a sentence ("… was released on …") is prose."""
    own = [el.text or "", *(c.tail or "" for c in el)]
    if not any(DATE_LABEL.search(t) for t in own):
        return None
    text = _text(el)
    if len(text) > 200 or own_only:
        text = " ".join(next(t for t in own if DATE_LABEL.search(t)).split())
    for m in DATE_LABEL.finditer(text):
        before = text[:m.start()].rstrip()
        if not before or before[-1] in _SEPARATORS:
            return text[m.end():m.end() + 80]
    return None


def _date_line(text: str) -> bool:
    """A short line that is its date with a few words around it ("Wednesday, March 30, 2011",
    "02.02.2022 10:16 - Sport - Press"), not a sentence that mentions one ("It met on 22 June.")."""
    try:
        found = search_date(text)
    except ImpossibleDate:
        return True  # said to be wrong, not skipped
    if found is None:
        return False
    ending = text.rstrip()[-1:] in ".。!?！？"
    if ending and (re.search(r"[^\W\d_][.。!?！？]$", text.rstrip()) or len(_WORDS.findall(text[:found[1]])) >= 4):
        return False  # a sentence: "It was held on 22 June 2021."
    return found[1] <= 25 or len(text) - (found[2] - found[1]) <= 30


def clean_value(text: str) -> str:
    return " ".join(text.split())[:60]


def _is_prop(el) -> bool:
    prop = (el.get("itemprop") or "").lower()
    classes = (el.get("class") or "").lower().split()
    microformat = bool({"published", "dt-published", "date-published"} & set(classes))
    return (prop in ("datepublished", "datecreated") or el.tag == "time" and el.get("pubdate") is not None
            or microformat and bool(el.get("title") or el.get("datetime")))


def read_date(text: str, day_first: bool | None, known: frozenset[dt.date] = frozenset()) -> dt.date | None:
    """The date a visible text states. The order of 05/12/2026 is decided by
    the page's own structured data when it names one of the two readings,
    else by the page's language; otherwise AmbiguousDate is raised."""
    try:
        return parse_date(text, day_first=None)
    except AmbiguousDate as exc:
        fits = [d for d in exc.readings if d in known]
        if len(fits) == 1:
            return fits[0]
        if day_first is None:
            raise
        return parse_date(text, day_first=day_first)


def _values(el, zoned: bool) -> tuple[str, list[str]]:
    """(kind, texts) of an element that may state a date; kind "" when it does not."""
    if _is_prop(el):
        return "prop", _value_texts(el, 250)
    parent = el.getparent()
    if el.tag == "time" or _DATE_MARK.search(_marks(el)) or _DATE_MARK.search(_marks(parent)):
        return "marked", _value_texts(el, 250)
    label = _labelled(el)
    if label is not None:
        return "label", [label]
    if zoned and el.tag in _BLOCK and len(_text(el)) <= 60 and _date_line(_text(el)):
        return "line", [_text(el)]
    return "", []


def visible_dates(tree, title: str, first_text: str, day_first: bool | None,
                  known: frozenset[dt.date] = frozenset()) -> tuple[list[Candidate], str | None]:
    """Steps 1, 2, 4 and 5, and the first impossible or ambiguous date seen near the headline."""
    page = Layout.of(tree, title, first_text)
    elements, head, region = page.elements, page.head, page.region
    start = head if head is not None else 0
    lead = min(page.first if page.first is not None else start + 40, start + 40)
    out: list[Candidate] = []
    error: str | None = None
    # The headline's own words are the story's ("Results, 19.5.2007"), not a date line (a kicker inside it may
    # be); a block holding the headline speaks through its parts and its own labelled lines ("기사입력 : …").
    holders = {*elements[head].iterancestors()} if head is not None else set()
    for i, el in enumerate(elements):
        if head is not None and el is elements[head]:
            continue
        # Zones: 0 under the headline down to the first paragraph, 1 just above
        # the headline, 2 the few lines after the lead; None elsewhere.
        zone = None if head is None else 0 if start < i <= lead else 1 if start - 8 <= i < start else \
            2 if lead < i <= lead + 5 else None
        if el in holders:
            label = _labelled(el, own_only=True)
            kind, values = ("label", [label]) if label is not None else ("", [])
        else:
            kind, values = _values(el, zone is not None)
        if not kind or page.in_furniture(el):
            continue
        for value in values:
            try:
                d = read_date(value, day_first, known)
            except ImpossibleDate as exc:  # AmbiguousDate too
                if zone is not None:
                    said = f"date {exc}" if isinstance(exc, AmbiguousDate) else \
                        f"date line {clean_value(value)!r} is not a real date ({exc})"
                    error = error or said
                continue
            if not plausible(d):
                continue
            gap = i - start if i > start else (start - i) * 3
            close = gap <= 50 or region is not None and _contains(region, el)
            # After the lead, an element marked as a date still goes with the
            # headline; a bare short line there may be anything (a list of events).
            step = 1 if kind == "prop" and close else 2 if zone in (0, 1) or zone == 2 and kind != "line" else \
                4 if close or zone == 2 else 5
            distance = abs(i - start) if zone in (0, 1) else 40 + gap if zone == 2 and step == 2 else gap
            out.append(Candidate(step, distance, d, f"<{el.tag}> {kind}"))  # type: ignore[arg-type]
            break
    line = dateline(_text(elements[page.first]), day_first) if page.first is not None else None
    if line:
        out.append(Candidate(2, 0, line, "dateline"))
    return out, error


_DATELINE_HEAD = re.compile(r"^\s*(?:[^\W\d][^\d,:;()]{0,30},)?\s*\(?$")
_DATELINE_TAIL = re.compile(r"^(?:\)|\s*[-–—:|/.]|\s+[-–—]|\s*$)")


def dateline(text: str, day_first: bool | None) -> dt.date | None:
    """The date a press release opens its first paragraph with: "Karlsruhe, (12.11.2021). …",
    "27.1.2022 - …". A date anywhere else in the paragraph is the story's, not the page's."""
    head = text[:80]
    try:
        found = search_date(head, day_first=day_first)
    except ImpossibleDate:
        return None
    if not found or not plausible(found[0]):
        return None
    d, start, end = found
    return d if _DATELINE_HEAD.match(head[:start]) and _DATELINE_TAIL.match(head[end:]) else None


def candidates(tree, title: str, first_text: str) -> tuple[list[Candidate], str | None]:
    """Every date the page states, and the error of an impossible or ambiguous date line."""
    day_first = day_first_for(page_language(tree))
    markup = markup_dates(tree)
    seen, error = visible_dates(tree, title, first_text, day_first, frozenset(c.date for c in markup))
    return markup + seen, error


def date_in_line(line: str, day_first: bool | None = None) -> dt.date | None:
    """The date a short line states: labelled ("Updated: …", "Veröffentlicht am …") or bare ("令和3年6月29日").
    Raises ImpossibleDate (AmbiguousDate) as parse_date does."""
    m = DATE_LABEL.search(line)
    text = line[m.end():] if m else line
    return parse_date(text, day_first=day_first) if len(text) <= 80 else None


def best(found: list[Candidate]) -> Candidate:
    """The candidate the precedence chooses: the lowest step, then the nearest the headline."""
    return min(found, key=lambda c: (c.step, c.distance))


def find_date(tree, title: str, first_text: str) -> tuple[dt.date | None, str | None]:
    """(date, error): the date by precedence; error when no date and a date line is impossible."""
    found, error = candidates(tree, title, first_text)
    if not found:
        return None, error
    return best(found).date, None
