"""Where each field of a notice came from, and what it beat.

A reader or an extraction rule that decides a field records an `Origin`:
the element or rule the value came from ("h1 named by the page's title",
"JSON-LD datePublished", "sidecar", "first sentence of the text"), the other
elements that said the same, and the candidates that lost, each with why.
`weak` marks a value that rests on a source a careful reader would check
(a title found only in `<title>`, a date only from an update time).

A `Provenance` travels with a draft and then with its notice, beside the
front matter, never in it: the contract's keys stay as they are. It is kept
in the cache and shown by `ip5pub review`. Plain, frozen and ordered, so a
notice's provenance is the same bytes in every build.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

# The fields a provenance speaks of, in the order review shows them.
FIELDS = ("title", "date", "office", "publisher", "language", "translated_from", "attribution", "summary",
          "event", "offices", "acronyms", "body")
SIDECAR = "sidecar"
FRONT_MATTER = "front matter"
MAX_RIVALS = 6  # losers kept per field: the best few, enough to say what else the page offered


@dataclass(frozen=True)
class Rival:
    """A candidate that lost: its value (as text), where it came from, why it lost."""

    value: str
    origin: str
    why: str


@dataclass(frozen=True)
class Origin:
    """Where one field's value came from. A correction (sidecar) keeps in
    `before` the origin of the value it replaced, so that review can tell a
    correction that changes nothing from one that confirms a doubtful value."""

    source: str
    also: tuple[str, ...] = ()  # other elements that give the same value
    rivals: tuple[Rival, ...] = ()
    weak: bool = False
    before: Origin | None = None

    def beating(self, *rivals: Rival) -> Origin:
        """This origin with more losers (a value already listed is not listed twice)."""
        kept = list(self.rivals)
        for r in rivals:
            if all((r.value, r.origin) != (k.value, k.origin) for k in kept):
                kept.append(r)
        return replace(self, rivals=tuple(kept[:MAX_RIVALS]))


@dataclass(frozen=True)
class Decided:
    """One field and where its value came from."""

    field: str
    origin: Origin


@dataclass(frozen=True)
class Provenance:
    """Where each field came from, in FIELDS order; the file the notice was read
    from (where its sidecar goes: a normalized notice's `source` names its
    original instead), and its item in a feed; `idle` holds sidecar `drop:`
    entries that matched no block of the text (a correction that changed nothing)."""

    fields: tuple[Decided, ...] = ()
    idle: tuple[str, ...] = ()
    file: str = ""
    item: int | None = None

    def get(self, name: str) -> Origin | None:
        return next((d.origin for d in self.fields if d.field == name), None)

    def __contains__(self, name: object) -> bool:
        return any(d.field == name for d in self.fields)

    def set(self, name: str, origin: Origin) -> Provenance:
        found = {d.field: d.origin for d in self.fields}
        found[name] = origin
        order = {k: i for i, k in enumerate(FIELDS)}
        ordered = sorted(found.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
        return replace(self, fields=tuple(Decided(k, o) for k, o in ordered))

    def source(self, name: str) -> str:
        origin = self.get(name)
        return origin.source if origin else ""


def shown(value: Any) -> str:
    """A field's value as text, for a rival or a comparison: dates ISO, lists joined, maps as 'K: V'."""
    if value is None:
        return ""
    if isinstance(value, dict):
        if set(value) == {"start", "end"}:
            return f"{value['start']} to {value['end']}"
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    if hasattr(value, "start") and hasattr(value, "end"):  # an Event
        return f"{value.start} to {value.end}"
    return str(value)
