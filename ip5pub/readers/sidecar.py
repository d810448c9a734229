"""Corrections beside a source, without editing it: `<source>.meta.yaml`.

Its keys are front-matter keys, which win over whatever was read or would be
extracted, and three of its own:

- `items`: a feed's corrections per item, numbered from 1 as every message
  numbers them (`items: {2: {title: ...}}`);
- `drop`: lines of the text to leave out, each given by its start
  (`drop: ["Share this page"]`): furniture the rules kept;
- `not_duplicates`: ids of notices this one must never be merged with.

A correction never goes unnoticed when it is wrong: an unknown key is an
error naming the file and the key, with the known key it is closest to (a
`titel:` changed nothing before); an item number the feed does not have is
an error; `items: {0: ...}` is refused whole, because it is how sidecars
numbered items before, and its other numbers would correct the wrong items.
Every correction is recorded in the draft's provenance with the value it
replaced, so `ip5pub review` can say when one changes nothing.
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from typing import Any

from ip5pub.model import Draft
from ip5pub.provenance import SIDECAR, Origin, Rival, shown
from ip5pub.terminal import printable

CORRECTABLE = ("title", "date", "office", "publisher", "language", "translated_from", "attribution", "summary",
               "event", "offices", "acronyms", "duplicates", "id", "url")
OWN = ("drop", "not_duplicates")
KNOWN = CORRECTABLE + OWN


class SidecarError(ValueError):
    """A correction that cannot be applied; the message names the key."""


def unknown_key(key: str, known: tuple[str, ...]) -> str:
    """"unknown key 'titel'; did you mean 'title'?" (or the known keys when none is close)."""
    close = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
    return f"unknown key {printable(key)!r}; {hint}"


def check(fix: dict[str, Any], known: tuple[str, ...] = KNOWN, where: str = "") -> None:
    for key in fix:
        if key not in known:
            raise SidecarError(f"{where}{unknown_key(key, known)}")
    drop = fix.get("drop")
    if drop is not None and not (isinstance(drop, str) or isinstance(drop, list) and all(isinstance(d, str) for d in drop)):
        raise SidecarError(f"{where}drop must be a line of the text or a list of them")
    apart = fix.get("not_duplicates")
    if apart is not None and not (isinstance(apart, list) and all(isinstance(d, str) for d in apart)):
        raise SidecarError(f"{where}not_duplicates must be a list of notice ids")


def item_numbers(per_item: Any, total: int | None) -> tuple[dict[int, dict[str, Any]], list[str]]:
    """The corrections per item, and one reason per item number that names no item.
    Raises SidecarError when the numbering itself is wrong (item 0; items on a single notice)."""
    if not isinstance(per_item, dict):
        raise SidecarError("'items' must map item numbers (1, 2, ...) to corrections")
    if total is None:
        raise SidecarError("items: only a feed has items; write this source's corrections at the top level")
    if 0 in per_item:
        raise SidecarError("items: 0: items are numbered from 1, as in every message (the first item is 1); "
                           "this sidecar numbers them from 0, as ip5pub did before: add 1 to each item number")
    missing = [f"items: {n}: no such item; the feed has {total} item{'s' if total != 1 else ''} (1 to {total})"
               for n in sorted(per_item) if not 1 <= n <= total]
    fixes = {}
    for n, fix in per_item.items():
        if not isinstance(fix, dict):
            raise SidecarError(f"items: {n}: must be a map of corrections (title: ..., date: ...)")
        fixes[n] = fix
    return fixes, missing


def apply(drafts: list[Draft], meta: dict[str, Any], name: str, total: int | None) -> tuple[list[Draft], list[str]]:
    """The drafts with the sidecar's corrections, and one reason per item that
    could not be corrected (that item is left out) or item number that names none."""
    from ip5pub.extract.dates import NotIsoDate, iso_date

    per_item, problems = item_numbers(meta.pop("items"), total) if "items" in meta else ({}, [])
    check(meta)
    out = []
    for draft in drafts:
        fix = dict(meta)
        try:
            if draft.item is not None and draft.item in per_item:
                check(per_item[draft.item], where=f"items: {draft.item}: ")
                fix.update(per_item[draft.item])
            if isinstance(fix.get("date"), str):  # a person's date: ISO only, and said so here
                try:
                    fix["date"] = iso_date(fix["date"], "date")
                except NotIsoDate as exc:
                    raise SidecarError(str(exc)) from None
        except SidecarError as exc:
            if draft.item is None or len(drafts) == 1:
                raise
            problems.append(f"item {draft.item}: sidecar {name}: {exc}")
            continue
        out.append(corrected(draft, fix) if fix else draft)
    return out, problems


def corrected(draft: Draft, fix: dict[str, Any]) -> Draft:
    """`draft` with `fix` applied, each key recorded as coming from the sidecar with the value it replaced."""
    fix = dict(fix)
    origins = draft.origins
    body = draft.body
    if "drop" in fix:
        drop = fix.pop("drop")
        body, idle = drop_lines(body, [drop] if isinstance(drop, str) else drop)
        origins = replace(origins, idle=tuple(idle))
    for key in fix:
        before = origins.get(key) or (Origin("what the reader found") if key in draft.hints else None)
        lost = Rival(shown(draft.hints[key]), before.source, "the sidecar wins") if before else None
        origins = origins.set(key, Origin(SIDECAR, rivals=(lost,) if lost else (), before=before))
    return replace(draft, body=body, hints={**draft.hints, **fix}, fixed=draft.fixed | frozenset(fix), origins=origins)


def _units(body: str) -> list[list[str]]:
    """The body's paragraphs, a list's items one unit each: [[paragraph], [item, item], ...]."""
    import re

    out = []
    for para in body.strip("\n").split("\n\n"):
        lines = para.split("\n")
        items = all(re.match(r"\s*(?:[-*+]|\d{1,9}[.)])\s", line) for line in lines)
        out.append(lines if items and len(lines) > 1 else [para])
    return out


def drop_lines(body: str, entries: list[str]) -> tuple[str, list[str]]:
    """The body without the paragraphs and list items whose text starts with an
    entry; and the entries that matched nothing."""
    from ip5pub import markdown

    wanted = [" ".join(e.split()) for e in entries if e.strip()]
    used: set[str] = set()
    kept_paras = []
    for unit in _units(body):
        kept = []
        for part in unit:
            text = " ".join(markdown.to_plain(part).split())
            hit = next((e for e in wanted if text.startswith(e)), None)
            if hit is None:
                kept.append(part)
            else:
                used.add(hit)
        if kept:
            kept_paras.append("\n".join(kept))
    return "\n\n".join(kept_paras) + "\n", [e for e in wanted if e not in used]
