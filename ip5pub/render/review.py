"""The review as text for a terminal (80 columns) and as one self-contained
HTML page, both from templates in styles/ (review.txt, review.html,
review.css) through the shared environment, so a workspace can restyle them.

The HTML page loads nothing: its stylesheet is inline and allowed by its
hash in a Content-Security-Policy that forbids every other load, scripts
included; every value is escaped by the environment's autoescape.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from ip5pub.dedup import SIGNALS
from ip5pub.provenance import shown
from ip5pub.review import Entry, Field, Review
from ip5pub.templates import stylesheet
from ip5pub.workspace import Workspace

WIDTH = 80
LABEL = 12  # columns of the field names in the text page: the longest name and a space
LABELS = {"translated_from": "translated"}  # names shown otherwise than as the field's, to fit LABEL
MAX_LOST = 3  # losers shown per field in the text page (all in HTML and JSON)


@dataclass(frozen=True)
class Row:
    """One field as a page shows it."""

    label: str
    value: str  # "" when the brief prints it elsewhere (the title, in the heading)
    origin: str
    also: tuple[str, ...]
    lost: tuple[tuple[str, str, str], ...]  # (value, from, why)


def value_text(field: Field) -> str:
    value: Any = field.value
    if field.name == "acronyms":
        return ", ".join(value) if value else ""
    return shown(value)


def rows(entry: Entry) -> list[Row]:
    """The entry's fields worth a line: those with a value or an origin."""
    out = []
    for f in entry.fields:
        if f.value in (None, (), {}, "") and f.origin is None:
            continue
        o = f.origin
        out.append(Row(LABELS.get(f.name, f.name), "" if f.name == "title" else value_text(f) or "none",
                       o.source if o else "", o.also if o else (),
                       tuple((r.value, r.origin, r.why) for r in (o.rivals if o else ()))))
    return out


def linked(entry: Entry, by_id: dict[str, Entry]) -> list[tuple[str, list[str]]]:
    """A merged copy's direct links grouped by signal, strongest first, each
    group's numbers in the brief's order: [("same text", ["14.2"]), ...]."""
    if entry.merge is None:
        return []
    order = {i: k for k, i in enumerate(by_id)}
    groups: dict[str, list[str]] = {}
    for other, signal in sorted(entry.merge.links, key=lambda link: (SIGNALS.index(link[1]), order[link[0]])):
        groups.setdefault(signal, []).append(by_id[other].number)
    return list(groups.items())


def links_text(entry: Entry, by_id: dict[str, Entry]) -> str:
    """'linked by same text to 14.2; by same event dates and offices to 14, 14.1'."""
    groups = linked(entry, by_id)
    if not groups:
        return f"linked {entry.merge.signal if entry.merge else ''}".strip()
    return "linked " + "; ".join(f"by {signal} to {', '.join(numbers)}" for signal, numbers in groups)


def count(n: int, one: str, many: str | None = None) -> str:
    """'1 notice', '2 notices', '3 stories'."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def _context(review: Review, env: Environment, **extra: Any) -> dict[str, Any]:
    by_id = {e.notice.id: e for e in review.entries}
    return {"review": review, "rows": rows, "by_id": by_id, "width": WIDTH, "label": LABEL, "max_lost": MAX_LOST,
            "count": count, "linked": lambda e: linked(e, by_id), "links_text": lambda e: links_text(e, by_id), **extra}


def text(review: Review, env: Environment) -> str:
    """The review for a terminal: at most WIDTH columns, but for fix lines (never cut: they are copied)."""
    return env.get_template("review.txt").render(**_context(review, env))


def html(review: Review, env: Environment, workspace: Workspace | None) -> str:
    css = stylesheet(workspace, "review.css").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    policy = (f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; font-src 'none'; "
              "connect-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'")
    return env.get_template("review.html").render(**_context(review, env, css=Markup(css), policy=policy))
