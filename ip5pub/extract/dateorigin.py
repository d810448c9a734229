"""Where a page's date came from, in words: the chosen candidate of
`ip5pub.extract.pagedate`, the elements that state the same date, and the
other dates the page states with why each lost (for `ip5pub review`)."""

from __future__ import annotations

from ip5pub.extract.datemarkup import Candidate
from ip5pub.extract.pagedate import best
from ip5pub.provenance import Origin, Rival

# What each precedence step of pagedate is, as a reader would say it.
STEPS = {1: "the article's date markup", 2: "a date shown with the headline",
         3: "the publication date in the page's meta tags", 4: "a date line in the article",
         5: "a date elsewhere on the page", 6: "an update date"}
_KINDS = {"prop": "date marked as datePublished", "marked": "date element", "label": "labelled date line",
          "line": "date line"}
_PLACES = {1: "in the article", 2: "with the headline", 4: "elsewhere in the article", 5: "elsewhere on the page"}
UPDATE_STEP = 6


def label(c: Candidate) -> str:
    """'date element with the headline (<time>)', 'JSON-LD datePublished', 'update date only: meta og:updated_time'."""
    if c.where.startswith(("meta ", "JSON-LD ")):
        return f"update date: {c.where}" if c.step == UPDATE_STEP else c.where
    if c.where == "dateline":
        return "press-release dateline opening the first paragraph"
    tag, _, kind = c.where.partition(" ")
    return f"{_KINDS.get(kind, kind or 'date')} {_PLACES.get(c.step, '')} ({tag})".replace("  ", " ")


def date_origin(found: list[Candidate]) -> Origin:
    """The Origin of the date pagedate chose among `found` (not empty)."""
    chosen = best(found)
    ordered = sorted(found, key=lambda c: (c.step, c.distance))
    also: list[str] = []
    lost: list[Rival] = []
    for c in ordered:
        if c is chosen:
            continue
        if c.date == chosen.date:
            if label(c) not in also and label(c) != label(chosen):
                also.append(label(c))
        elif all(r.value != c.date.isoformat() for r in lost):
            why = f"{STEPS[chosen.step]} comes first" if c.step > chosen.step else "farther from the headline"
            lost.append(Rival(c.date.isoformat(), label(c), why))
    return Origin(label(chosen), tuple(also[:4]), weak=chosen.step == UPDATE_STEP).beating(*lost)
