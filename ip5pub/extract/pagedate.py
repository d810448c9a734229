"""The date a web page states for itself: its publication or update date.

Only the page's own markup and the date lines near its headline count; never
the body text, the URL, the file's mtime or the clock. Precedence:

1. CMS/og/Dublin Core meta and JSON-LD dates;
2. a <time> element outside the page's furniture;
3. a date line under (or just above) the headline, then a labelled date line.
"""

from __future__ import annotations

from collections.abc import Callable

from ip5pub.extract.dates import ImpossibleDate, parse_date
from ip5pub.readers.text import header_fields

DATE_META = ("pubdate", "publishdate", "article:published_time", "og:published_time", "datepublished",
             "dcterms.date", "dcterms.issued", "dc.date", "dc.date.issued", "date", "publication_date",
             "sailthru.date", "parsely-pub-date", "article:modified_time", "dcterms.modified", "lastmodifieddate")


def date_in_line(line: str):
    """The date a short header line states: labelled ('Updated: …') or bare ('令和3年6月29日')."""
    fields = header_fields(line)
    if "date" in fields:
        return parse_date(fields["date"])
    if len(line) <= 60:
        return parse_date(line)
    return None


def find_date(tree, meta: dict[str, str], lines: list[str], title: str, first_text: str,
              is_furniture: Callable[[object], bool] = lambda el: False):
    """(date, error): the first date by precedence; error when the only date line is impossible."""
    for key in DATE_META + ("datepublished",):
        if meta.get(key):
            try:
                d = parse_date(meta[key])
            except ImpossibleDate:
                d = None
            if d:
                return d, None
    for el in tree.iter("time"):
        if is_furniture(el):
            continue
        for value in (el.get("datetime"), el.text_content()):
            try:
                d = parse_date(value or "")
            except ImpossibleDate:
                d = None
            if d:
                return d, None
    start = next((i for i, x in enumerate(lines) if title and (x == title or title in x)), 0)
    end = next((i for i, x in enumerate(lines) if first_text and first_text in x and i > start), len(lines))
    candidates = lines[start + 1:end][:12] + lines[max(0, start - 3):start]
    labelled = [x for x in lines if "date" in header_fields(x)]
    error = None
    for line in [*candidates, *labelled]:
        try:
            d = date_in_line(line)
        except ImpossibleDate as exc:
            error = error or f"date line {line!r} is not a real date ({exc})"
            continue
        if d:
            return d, None
    return None, error
