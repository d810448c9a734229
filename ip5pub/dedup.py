"""Recognize notices that report the same event.

Three signals, each deterministic and cheap. Pairs are found through inverted
indexes of shingles and anchors, never by comparing every pair in a date
window: a feature found in more than COMMON notices says nothing about any
pair and is skipped, and each notice keeps at most MAX_PARTNERS candidates
(those sharing most), so the cost grows with n times a constant, not with n²
(10,000 items of one day in one feed: seconds, not minutes and gigabytes).

1. Copies (same language): word 4-shingles (Latin, Korean) or character
   4-shingles (Chinese, Japanese) of the body; when the share of the smaller
   notice's shingles found in the other (containment) is >= TEXT_CONTAINMENT
   and they were published within COPY_WINDOW_DAYS, one is a copy or a
   republication of the other.
2. The same event (any language, so translations match): both notices report
   the same event dates, the offices they mention overlap (|A∩B| / min(|A|,|B|)
   >= OFFICE_OVERLAP) and they were published within EVENT_WINDOW_DAYS; for a
   single day (the date many unrelated rules take effect), they also share a
   distinctive anchor.
3. Translations of notices without event dates (statistics, announcements):
   the language-independent anchors — numbers as written in digits and Latin
   acronyms such as PCT or IP5 — overlap by Jaccard >= ANCHOR_JACCARD with at
   least ANCHOR_MIN shared, offices overlap as in 2, and the two were
   published within ANCHOR_WINDOW_DAYS. When only one of the two has event
   dates and the other was published in the same period (within
   ANCHOR_WINDOW_DAYS of the event), a short report of the meeting that names
   fewer things is still the same event: its distinctive anchors (not office
   codes, not years) must be at least ANCHOR_MIN and ANCHOR_JACCARD of them
   found in the other (containment, not Jaccard, as the longer report names
   more).
Two notices whose event dates are both known and differ are never linked by 3,
and two notices of one office in one language are never linked by 2 or 3:
their texts differ, so they are two notices (an announcement and a report).
Links are symmetric and transitive; `duplicates` lists every other member of
the group. A source's own `duplicates` only proposes pairs: a pair is linked
when the signals say so, so a source cannot hide another notice. Its
`not_duplicates` (a person's sidecar correction) keeps it apart from the
notices it names, also through a third notice: it can only show more.
`explain` says which signal links which pair, for `ip5pub review`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from itertools import combinations

from ip5pub import markdown
from ip5pub.model import OFFICES, Notice
from ip5pub.extract.scripts import HAN, HANGUL, KANA

TEXT_CONTAINMENT = 0.5
COPY_WINDOW_DAYS = 365
OFFICE_OVERLAP = 0.5
EVENT_WINDOW_DAYS = 120
ANCHOR_JACCARD = 0.5
ANCHOR_MIN = 4
ANCHOR_WINDOW_DAYS = 30
PERIOD = dt.timedelta(days=ANCHOR_WINDOW_DAYS)
COMMON = 50  # a shingle or anchor found in more notices than this says nothing about any pair
MAX_PARTNERS = 50  # candidates kept per notice: those that share most with it
MAX_EXPLAINED = 40  # notices of one event whose every pair `explain` compares


def shingles(text: str) -> frozenset[str]:
    text = text.lower()
    # Latin and Korean are written with spaces: word 4-shingles. Korean words
    # are short, so character shingles of them would match any Korean notice.
    words = re.findall(f"[a-z0-9]+|[{HANGUL}0-9]+", text)
    out = {" ".join(words[i:i + 4]) for i in range(max(0, len(words) - 3))}
    # Chinese and Japanese have no spaces: character 4-shingles per run, so the
    # end of one sentence and the start of the next do not join.
    for run in re.findall(f"[{KANA}{HAN}]+", text):
        out |= {run[i:i + 4] for i in range(max(0, len(run) - 3))}
    return frozenset(out)


def anchors(text: str) -> frozenset[str]:
    """Numbers ('2,500', '2 500' and '2500' alike; not 1-2 digit day numbers) and Latin acronyms."""
    numbers = re.findall(r"(?<![\d.])\d{1,3}(?:[, ]\d{3})+(?!\d)|\d{3,}(?:\.\d+)?%?|\d+(?:\.\d+)?%", text)
    nums = {re.sub(r"[,\s]", "", m) for m in numbers}
    acros = set(re.findall(r"(?<![A-Za-z])[A-Z][A-Z0-9&/]*[A-Z0-9](?![A-Za-z])", text))
    return frozenset(nums | acros)


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _distinctive(anchor_set: frozenset[str]) -> set[str]:
    """Anchors that say what happened: not an office's code, not a year."""
    return {x for x in anchor_set if x not in OFFICES and not re.fullmatch(r"(?:19|20)\d\d", x)}


def _offices_agree(a: Notice, b: Notice) -> bool:
    return _overlap(set(a.offices), set(b.offices)) >= OFFICE_OVERLAP


# The signals, strongest first: what linked two notices, as review says it.
SAME_TEXT = "same text"
SAME_EVENT = "same event dates and offices"
SAME_ANCHORS = "same numbers and acronyms"
SAME_PERIOD = "same period, numbers and acronyms"
SIGNALS = (SAME_TEXT, SAME_EVENT, SAME_ANCHORS, SAME_PERIOD)
WEAKEST = SAME_PERIOD


def same_event(a: Notice, b: Notice, shared_shingles: float = 0.0,
               xa: frozenset[str] | None = None, xb: frozenset[str] | None = None) -> bool:
    """Signals 2 and 3 (signal 1 is `shared_shingles` >= TEXT_CONTAINMENT, computed by the caller).
    `xa`, `xb`: the notices' anchors, when the caller has them."""
    return link_signal(a, b, shared_shingles, xa, xb) is not None


def link_signal(a: Notice, b: Notice, shared_shingles: float = 0.0,
                xa: frozenset[str] | None = None, xb: frozenset[str] | None = None) -> str | None:
    """The signal (one of SIGNALS) by which `a` and `b` report the same event, or None."""
    if b.id in a.not_duplicates or a.id in b.not_duplicates:
        return None  # a person said they are two events
    days = abs((a.date - b.date).days)
    if a.language == b.language and shared_shingles >= TEXT_CONTAINMENT and days <= COPY_WINDOW_DAYS:
        return SAME_TEXT
    if a.office is not None and a.office == b.office and a.language == b.language:
        return None  # one office's two texts: two notices, whatever they share
    if a.event is not None and a.event == b.event:
        if not (_offices_agree(a, b) and days <= EVENT_WINDOW_DAYS):
            return None
        # One day is often the date many unrelated rules take effect (1 April, 1 January):
        # then the two must also share a distinctive anchor (a programme's acronym, a number).
        linked = a.event.start != a.event.end or bool(_distinctive(anchors(markdown.to_plain(a.body)))
                                                      & _distinctive(anchors(markdown.to_plain(b.body))))
        return SAME_EVENT if linked else None
    if a.event is not None and b.event is not None:
        return None
    if not _offices_agree(a, b):
        return None
    dated, other = (a, b) if a.event is not None else (b, a)
    same_period = dated.event is not None and (
        dated.event.start - PERIOD <= other.date <= dated.event.end + PERIOD)
    if days > ANCHOR_WINDOW_DAYS and not same_period:
        return None
    xa = anchors(markdown.to_plain(a.body)) if xa is None else xa
    xb = anchors(markdown.to_plain(b.body)) if xb is None else xb
    if len(xa & xb) >= ANCHOR_MIN and _jaccard(xa, xb) >= ANCHOR_JACCARD and days <= ANCHOR_WINDOW_DAYS:
        return SAME_ANCHORS
    if not same_period:
        return None
    da, db = _distinctive(xa), _distinctive(xb)
    return SAME_PERIOD if len(da & db) >= ANCHOR_MIN and _overlap(da, db) >= ANCHOR_JACCARD else None


def signature(body: str) -> frozenset[str]:
    """A notice body's shingles, what candidate_pairs compares."""
    return shingles(markdown.to_plain(body))


def _shared(postings: dict[str, list[int]], counts: Counter[tuple[int, int]]) -> None:
    for members in postings.values():
        if len(members) <= COMMON:
            counts.update(combinations(members, 2))  # counted in C: half a million pairs at 500 notices


def window_pairs(members: list[int]) -> Iterator[tuple[int, int]]:
    """The pairs signal 2 compares in one block (same event dates, one office), its
    members in date order: each notice and its next MAX_PARTNERS (linking is transitive)."""
    for pos, i in enumerate(members):
        for j in members[pos + 1:pos + 1 + MAX_PARTNERS]:
            yield (min(i, j), max(i, j))


def pair_counts(notices: list[Notice], sig: list[frozenset[str]],
                anc: list[frozenset[str]]) -> tuple[Counter[tuple[int, int]], Counter[tuple[int, int]]]:
    """(shingles shared, everything shared) by each pair that shares something:
    uncommon shingles and anchors, and a block of signal 2."""
    shingle_index: dict[str, list[int]] = defaultdict(list)
    anchor_index: dict[str, list[int]] = defaultdict(list)
    for i, (s, x) in enumerate(zip(sig, anc)):
        for sh in s:
            shingle_index[sh].append(i)
        for a in x:
            anchor_index[a].append(i)
    shingles_shared: Counter[tuple[int, int]] = Counter()
    _shared(shingle_index, shingles_shared)
    counts = Counter(shingles_shared)
    _shared(anchor_index, counts)
    blocks: dict[tuple[object, str], list[int]] = defaultdict(list)
    for i, n in enumerate(notices):
        if n.event is not None:
            for code in n.offices:
                blocks[(n.event, code)].append(i)
    for members in blocks.values():
        members.sort(key=lambda i: notices[i].date)
        counts.update(window_pairs(members))
    return shingles_shared, counts


def ranked(counts: Counter[tuple[int, int]]) -> dict[int, list[tuple[int, int]]]:
    """Each notice's partners, (-count, index), unsorted: the first MAX_PARTNERS once sorted are its candidates."""
    partners: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (i, j), c in counts.items():
        partners[i].append((-c, j))
        partners[j].append((-c, i))
    return partners


def containment(pairs: Iterable[tuple[int, int]], shared: Callable[[tuple[int, int]], int],
                sizes: list[int]) -> dict[tuple[int, int], float]:
    """pair -> shingles shared / the smaller notice's shingles (`sizes`)."""
    return {p: shared(p) / (min(sizes[p[0]], sizes[p[1]]) or 1) for p in pairs}


def candidate_pairs(notices: list[Notice], signatures: list[frozenset[str]] | None = None,
                    anchor_sets: list[frozenset[str]] | None = None) -> dict[tuple[int, int], float]:
    """Pairs worth comparing, with the shingle containment of each (0 when none shared).

    Signal 1 needs shared shingles, signal 3 shared anchors, signal 2 the same
    event dates and a shared office: only pairs that have one of these are
    candidates, and of those each notice's MAX_PARTNERS that share most.
    `signatures`, `anchor_sets`: each notice's signature() and anchors, if the
    caller has them."""
    sig = signatures if signatures is not None else [signature(n.body) for n in notices]
    anc = anchor_sets if anchor_sets is not None else [anchors(markdown.to_plain(n.body)) for n in notices]
    shingles_shared, counts = pair_counts(notices, sig, anc)
    kept: set[tuple[int, int]] = set()
    for i, found in ranked(counts).items():
        for _, j in sorted(found)[:MAX_PARTNERS]:
            kept.add((min(i, j), max(i, j)))
    return containment(kept, lambda p: shingles_shared.get(p, 0), [len(s) for s in sig])


class Groups:
    """Union-find over ids: which notices belong to one event."""

    def __init__(self, ids: list[str]):
        self.parent = {i: i for i in ids}
        self.sets: dict[str, list[str]] = {}  # root -> members, kept once apart() is asked

    def apart(self, a: str, b: str, kept: dict[str, set[str]]) -> bool:
        """Would joining a's group and b's put two notices a person kept apart (not_duplicates) in one?"""
        if not kept:
            return False
        ga, gb = self._members(self.root(a)), self._members(self.root(b))
        return any(kept.get(x, set()) & set(gb) for x in ga) or any(kept.get(y, set()) & set(ga) for y in gb)

    def _members(self, root: str) -> list[str]:
        if not self.sets:
            for i in self.parent:
                self.sets.setdefault(self.root(i), []).append(i)
        return self.sets.get(root, [root])

    def root(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:  # the smaller id becomes the root: the result does not depend on order
            self.parent[max(ra, rb)] = min(ra, rb)
            if self.sets:
                self.sets.setdefault(min(ra, rb), [min(ra, rb)]).extend(self.sets.pop(max(ra, rb), [max(ra, rb)]))

    def link_recorded(self, notices: list[Notice]) -> None:
        """Join what the notices' `duplicates` say (ids outside the set are ignored):
        for notices whose links link_duplicates made, never for a source's claims."""
        for n in notices:
            for other in n.duplicates:
                if other in self.parent:
                    self.union(n.id, other)

    def members(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for i in self.parent:
            out.setdefault(self.root(i), []).append(i)
        return out


def _proposed(notices: list[Notice], overlap: Callable[[int, int], float],
              pairs: dict[tuple[int, int], float]) -> None:
    """Add the pairs the notices' own `duplicates` name, to be judged like any other."""
    where = {n.id: i for i, n in enumerate(notices)}
    for i, n in enumerate(notices):
        for other in n.duplicates:
            j = where.get(other)
            if j is not None and j != i and (min(i, j), max(i, j)) not in pairs:
                pairs[(min(i, j), max(i, j))] = overlap(i, j)


def _kept_apart(notices: list[Notice]) -> dict[str, set[str]]:
    """id -> ids a person said it must not be merged with (`not_duplicates`), both ways."""
    kept: dict[str, set[str]] = defaultdict(set)
    for n in notices:
        for other in n.not_duplicates:
            kept[n.id].add(other)
            kept[other].add(n.id)
    return dict(kept)


def explain(group: list[Notice]) -> list[tuple[str, str, str]]:
    """(id, id, signal) for every pair of one event's notices that a signal links
    directly (the group itself is joined through these links, transitively).
    At most MAX_EXPLAINED notices are compared with each other; past that, each with the first."""
    sig = [signature(n.body) for n in group]
    anc = [anchors(markdown.to_plain(n.body)) for n in group]
    pairs = combinations(range(len(group)), 2) if len(group) <= MAX_EXPLAINED else \
        ((0, j) for j in range(1, len(group)))
    out = []
    for i, j in pairs:
        shared = len(sig[i] & sig[j]) / (min(len(sig[i]), len(sig[j])) or 1)
        found = link_signal(group[i], group[j], shared, anc[i], anc[j])
        if found:
            out.append((group[i].id, group[j].id, found))
    return out


def link_duplicates(notices: list[Notice], signatures: list[frozenset[str]] | None = None,
                    anchor_sets: list[frozenset[str]] | None = None) -> list[Notice]:
    """Each notice with `duplicates` = the other members of its event group,
    found by the signals alone: what a notice's own `duplicates` said is a
    proposal, linked only if the signals agree, and dropped otherwise.
    `signatures`, `anchor_sets`: each body's signature() and anchors, if the
    caller has them."""
    sig = signatures if signatures is not None else [signature(n.body) for n in notices]
    anc = anchor_sets if anchor_sets is not None else [anchors(markdown.to_plain(n.body)) for n in notices]
    pairs = candidate_pairs(notices, sig, anc)
    _proposed(notices, lambda i, j: len(sig[i] & sig[j]) / (min(len(sig[i]), len(sig[j])) or 1), pairs)
    return link_pairs(notices, anc, pairs)


def link_pairs(notices: list[Notice], anc: list[frozenset[str]], pairs: dict[tuple[int, int], float]) -> list[Notice]:
    """`link_duplicates`, given the pairs to judge (the candidates and the proposed pairs)
    with their containment: those the signals link are joined, in order, unless kept apart."""
    groups = Groups([n.id for n in notices])
    kept = _kept_apart(notices)
    for (i, j), shared in sorted(pairs.items()):
        a, b = notices[i], notices[j]
        if groups.root(a.id) != groups.root(b.id) and same_event(a, b, shared, anc[i], anc[j]) \
                and not groups.apart(a.id, b.id, kept):
            groups.union(a.id, b.id)
    members = groups.members()
    out = []
    for n in notices:
        others = tuple(sorted(set(members[groups.root(n.id)]) - {n.id}))
        out.append(n if others == n.duplicates else replace(n, duplicates=others))
    return out


def features(body: str) -> tuple[frozenset[str], frozenset[str]]:
    """A body's signature() and anchors, from one parse of its Markdown."""
    plain = markdown.to_plain(body)
    return shingles(plain), anchors(plain)
