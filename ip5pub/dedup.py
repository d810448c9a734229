"""Recognize notices that report the same event.

Two signals, each cheap and deterministic:
1. Text overlap (same language): word 4-shingles (Latin) or character
   3-shingles (CJK); containment of the smaller set in the larger one
   >= TEXT_CONTAINMENT means one is a copy or republication of the other.
2. Event identity (any language, so translations match): both notices report
   the same event dates, mention mostly the same offices (Jaccard >=
   OFFICE_JACCARD) and were published within EVENT_WINDOW_DAYS of each other.
Links are symmetric; `duplicates` lists every other member of the group.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import combinations

from ip5pub import markdown
from ip5pub.model import Notice

TEXT_CONTAINMENT = 0.5
OFFICE_JACCARD = 0.5
EVENT_WINDOW_DAYS = 120
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def shingles(text: str) -> frozenset[str]:
    text = text.lower()
    cjk = "".join(_CJK.findall(text))
    words = re.findall(r"[a-z0-9]+", text)
    out = {" ".join(words[i:i + 4]) for i in range(max(0, len(words) - 3))}
    out |= {cjk[i:i + 3] for i in range(max(0, len(cjk) - 2))}
    return frozenset(out)


def _containment(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def same_event(a: Notice, b: Notice, sa: frozenset[str], sb: frozenset[str]) -> bool:
    if a.language == b.language and _containment(sa, sb) >= TEXT_CONTAINMENT:
        return True
    return (
        a.event is not None
        and a.event == b.event
        and _jaccard(set(a.offices), set(b.offices)) >= OFFICE_JACCARD
        and abs((a.date - b.date).days) <= EVENT_WINDOW_DAYS
    )


def link_duplicates(notices: list[Notice]) -> list[Notice]:
    """Each notice with `duplicates` = the other members of its event group
    (plus ids a previous normalize recorded that are not in this set)."""
    sig = {n.id: shingles(markdown.to_plain(n.body)) for n in notices}
    parent = {n.id: n.id for n in notices}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for n in notices:
        for other in n.duplicates:
            if other in parent:
                union(n.id, other)
    for a, b in combinations(notices, 2):
        if root(a.id) != root(b.id) and same_event(a, b, sig[a.id], sig[b.id]):
            union(a.id, b.id)
    members: dict[str, set[str]] = {}
    for n in notices:
        members.setdefault(root(n.id), set()).add(n.id)
    out = []
    for n in notices:
        others = tuple(sorted((members[root(n.id)] | set(n.duplicates)) - {n.id}))
        out.append(n if others == n.duplicates else replace(n, duplicates=others))
    return out
