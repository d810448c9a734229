"""The candidate pairs of the duplicate check, counted in full or updated from another build's.

Comparing 500 notices costs most of a second, nearly all of it in finding the
candidate pairs (ip5pub.dedup.candidate_pairs): counting what every pair
shares and ranking each notice's partners. After one correction nearly all of
that is what it was, but not all: a shingle or anchor counts only while at
most COMMON notices hold it, and a notice's candidates are the MAX_PARTNERS
that share most with it, so one changed notice can move the counts of pairs
it is not in and push a pair out of another notice's list. So one cache entry
keeps what the last build compared (each notice's shingles as numbers into a
vocabulary, its anchors, and its first MAX_PARTNERS + MARGIN partners, best
first, with what they share), and a build where few notices changed (body,
date, event dates or offices; an added or removed notice counts as changed)
reads only the changed bodies' features and recomputes exactly what they can
move:

- the changed notices' own rows, from the postings of their features;
- pairs of unchanged notices that share a feature whose number of holders
  crossed COMMON, or a block of signal 2 a changed notice entered or left:
  their counts move by a known step;
- every other row, merged from what it kept and its new entries, as far as it
  is still known: past its last unchanged entry it is not, and a row left
  with fewer than MAX_PARTNERS known entries, or where a partner it did not
  keep now shares more, is counted again.

The candidates are then candidate_pairs' own (tests compare them after random
edits). Each entry also keeps its pair's verdict (same_event) while neither
notice changes (what same_event reads is part of `meta`) and the shingles they
share do not move, so that only pairs with a changed notice are judged again.
"""

from __future__ import annotations

import bisect
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Any, TypeVar

from ip5pub import dedup
from ip5pub.dedup import containment, pair_counts, ranked, window_pairs
from ip5pub.model import Notice

MARGIN = 25  # partners kept per row beyond MAX_PARTNERS: after a few changes its first MAX_PARTNERS are still known
MAX_CHANGED = 0.25  # share of changed notices above which all pairs are counted again (as fast, and simpler)

Pair = tuple[int, int]
# (-count, partner's position, shingles shared, verdict): sorted, the best first; the verdict
# (same_event: 1 linked, 0 not, UNJUDGED) is kept with the entry while neither notice changes
Entry = tuple[int, int, int, int]
WIDTH = 4  # numbers per entry
UNJUDGED = -1
H = TypeVar("H", int, str)  # a shingle's number, or an anchor


@dataclass
class Rows:
    """Each notice's first partners, best first, and whether they are all its partners."""
    entries: list[list[Entry]]
    complete: list[bool]


@dataclass
class State:
    """What one build compared, in its notices' order: what candidate_pairs read of each
    (`meta`), its anchors, its shingles as numbers into `vocab`, and its row."""
    meta: list[list[Any]]
    anchors: list[frozenset[str]]
    codes: list[array[int]]
    vocab: list[str]
    live: int  # distinct shingles when `vocab` was made: at twice as many it is made again
    rows: Rows
    flat: array[int] = field(default_factory=lambda: array("i"))  # as read: the entries, WIDTH numbers each
    starts: list[int] = field(default_factory=list)  # where each row's entries start in `flat`

    def row(self, q: int) -> list[int]:
        return self.flat[self.starts[q]:self.starts[q + 1]].tolist()


def cold_rows(notices: list[Notice], sig: list[frozenset[str]], anc: list[frozenset[str]]) -> Rows:
    """Every notice's first partners, counted as candidate_pairs counts them."""
    shared, counts = pair_counts(notices, sig, anc)
    partners = ranked(counts)
    rows = Rows([], [])
    for i in range(len(notices)):
        found = sorted(partners.get(i, ()))
        entries, complete = _trim(found)
        rows.entries.append([(c, j, shared.get((min(i, j), max(i, j)), 0), UNJUDGED) for c, j in entries])
        rows.complete.append(complete)
    return rows


def _trim(ranking: list[Any], complete: bool = True) -> tuple[list[Any], bool]:
    """The first entries of a row worth keeping, and whether they are all of it."""
    keep = dedup.MAX_PARTNERS + MARGIN
    return ranking[:keep], complete and len(ranking) <= keep


def judged(rows: Rows, judge: Callable[[int, int, int], bool]) -> dict[Pair, int]:
    """The candidate pairs the signals link, with the shingles they share: `judge(i, j, shared)`
    says (i < j), for each candidate not judged since neither notice changed."""
    found: dict[Pair, int] = {}
    linked = {}
    for i, entries in enumerate(rows.entries):
        for k, (c, j, s, v) in enumerate(entries[:dedup.MAX_PARTNERS]):
            pair = (min(i, j), max(i, j))
            if v == UNJUDGED:
                v = found.get(pair, UNJUDGED)
                if v == UNJUDGED:
                    v = found[pair] = int(judge(*pair, s))
                entries[k] = (c, j, s, v)
            if v:
                linked[pair] = s
    return linked


def kept(rows: Rows, i: int, j: int) -> bool:
    """Is (i, j) a candidate pair?"""
    return any(e[1] == j for e in rows.entries[i][:dedup.MAX_PARTNERS]) or \
        any(e[1] == i for e in rows.entries[j][:dedup.MAX_PARTNERS])


def pairs_of(rows: Rows, sizes: list[int]) -> dict[Pair, float]:
    """candidate_pairs' result: each notice's first MAX_PARTNERS, with their containment."""
    shared = {(min(i, j), max(i, j)): e[2] for i, entries in enumerate(rows.entries) for e in entries[:dedup.MAX_PARTNERS]
              for j in (e[1],)}
    return containment(shared, shared.__getitem__, sizes)


def plan(old: State, meta: list[list[Any]]) -> tuple[dict[int, int], list[int], list[int]] | None:
    """(old position -> new of the unchanged notices, new positions of the changed and added ones,
    old positions of the changed and removed ones); None when it is simpler to count all again."""
    where = {m[0]: q for q, m in enumerate(old.meta)}
    moved_to: dict[int, int] = {}
    changed = []
    for p, m in enumerate(meta):
        q = where.get(m[0])
        if q is not None and old.meta[q] == m:
            moved_to[q] = p
        else:
            changed.append(p)
    gone = [q for q in range(len(old.meta)) if q not in moved_to]
    kept = sorted(moved_to)
    if len(where) != len(old.meta) or len(changed) + len(gone) > MAX_CHANGED * len(meta) or \
            any(moved_to[a] > moved_to[b] for a, b in zip(kept, kept[1:])):
        return None  # ties are broken by position: the unchanged must keep their order
    return moved_to, changed, gone


def update(old: State, meta: list[list[Any]], plan: tuple[dict[int, int], list[int], list[int]],
           sig: list[array[int]], anc: list[frozenset[str]]) -> Rows:
    """The rows of the notices `meta` describes (`sig`: their shingles as numbers into
    `old`'s vocabulary, `anc`: their anchors), from the rows of `old`."""
    old_meta = old.meta
    moved_to, changed, gone = plan
    same = [False] * len(meta)
    for p in moved_to.values():
        same[p] = True
    old_sig = [frozenset(old.codes[q]) for q in gone]
    old_anc = [old.anchors[q] for q in gone]
    post_s = _postings(_union(*(sig[p] for p in changed), *old_sig), sig)
    post_a = _postings(_union(*(anc[p] for p in changed), *old_anc), anc)
    step: dict[Pair, list[int]] = defaultdict(lambda: [0, 0])  # unchanged pairs: count and shingles, moved by
    _crossed(post_s, old_sig, same, len(changed), len(gone), step, shingle=True)
    _crossed(post_a, old_anc, same, len(changed), len(gone), step, shingle=False)
    touched = _block_keys(meta[p] for p in changed) | _block_keys(old_meta[q] for q in gone)
    blocks = _block_counts(meta, touched)
    for (a, b), k in blocks.items():
        if same[a] and same[b]:
            step[(a, b)][0] += k
    for (a, b), k in _block_counts(old_meta, touched).items():
        if a in moved_to and b in moved_to:
            step[(min(moved_to[a], moved_to[b]), max(moved_to[a], moved_to[b]))][0] -= k
    rows = Rows([[] for _ in meta], [True] * len(meta))
    fresh = {x: _row(x, sig, anc, post_s, post_a, _adjacent(blocks)) for x in changed}
    news: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)  # unchanged -> changed partner -> (count, shingles)
    for x, row in fresh.items():
        for j, (c, s) in row.items():
            if same[j]:
                news[j][x] = (c, s)
    steps: dict[int, dict[int, list[int]]] = defaultdict(dict)
    for (a, b), d in step.items():
        if d != [0, 0]:
            steps[a][b] = steps[b][a] = d
    again = []
    for q, p in moved_to.items():
        merged = _merge(old.rows.complete[q], old.row(q), moved_to, steps.get(p, {}), news.get(p, {}))
        if merged is None:
            again.append(p)
        else:
            rows.entries[p], rows.complete[p] = merged
    if again:  # counted again in full, from the postings of all their features
        post_s.update(_postings(_union(*(sig[p] for p in again)) - post_s.keys(), sig))
        post_a.update(_postings(_union(*(anc[p] for p in again)) - post_a.keys(), anc))
        near = _adjacent(_block_counts(meta, _block_keys(meta[p] for p in again)))
        fresh.update((p, _row(p, sig, anc, post_s, post_a, near)) for p in again)
    for x in changed + again:
        full = sorted((-c, j, s, UNJUDGED) for j, (c, s) in fresh[x].items())
        rows.entries[x], rows.complete[x] = _trim(full)
    return rows


def _union(*sets: Iterable[H]) -> set[H]:
    out: set[H] = set()
    out.update(*sets)
    return out


def _postings(wanted: set[H], feats: Sequence[Iterable[H]]) -> dict[H, list[int]]:
    """feature -> positions of the notices that hold it, for the `wanted` features."""
    out: dict[H, list[int]] = defaultdict(list)
    for p, held in enumerate(feats):
        for f in wanted.intersection(held):
            out[f].append(p)
    return out


def _crossed(post: dict[H, list[int]], olds: list[frozenset[H]], same: list[bool], n_changed: int,
             n_gone: int, step: dict[Pair, list[int]], *, shingle: bool) -> None:
    """Step the pairs of unchanged notices that share a feature whose number of holders crossed COMMON."""
    for f, members in post.items():
        if not dedup.COMMON - n_gone < len(members) <= dedup.COMMON + n_changed:
            continue  # the old number of holders is within n_gone below and n_changed above: same side
        unchanged = [p for p in members if same[p]]
        before = len(unchanged) + sum(1 for held in olds if f in held)
        if (before <= dedup.COMMON) == (len(members) <= dedup.COMMON):
            continue
        d = 1 if len(members) <= dedup.COMMON else -1
        for pair in combinations(unchanged, 2):
            step[pair][0] += d
            step[pair][1] += d if shingle else 0


def _block_keys(metas: Iterable[list[Any]]) -> set[tuple[str, str, str]]:
    return {(m[3][0], m[3][1], code) for m in metas if m[3] is not None for code in m[4]}


def _block_counts(meta: list[list[Any]], keys: set[tuple[str, str, str]]) -> Counter[Pair]:
    """The pairs signal 2 compares in the blocks `keys` (event dates and an office), as pair_counts counts them."""
    blocks: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for p, m in enumerate(meta):
        if m[3] is not None:
            for code in m[4]:
                if (m[3][0], m[3][1], code) in keys:
                    blocks[(m[3][0], m[3][1], code)].append(p)
    out: Counter[Pair] = Counter()
    for members in blocks.values():
        members.sort(key=lambda p: meta[p][2])  # ISO dates: in date order, ties in list order
        out.update(window_pairs(members))
    return out


def _adjacent(blocks: Counter[Pair]) -> dict[int, Counter[int]]:
    out: dict[int, Counter[int]] = defaultdict(Counter)
    for (a, b), k in blocks.items():
        out[a][b] += k
        out[b][a] += k
    return out


def _row(x: int, sig: list[array[int]], anc: list[frozenset[str]], post_s: dict[int, list[int]],
         post_a: dict[str, list[int]], near: dict[int, Counter[int]]) -> dict[int, tuple[int, int]]:
    """partner -> (count, shingles shared) of notice `x`, all of them: `post_s`, `post_a` hold
    the postings of its features, `near` its block partners."""
    shingles: Counter[int] = Counter()
    for f in sig[x]:
        if len(post_s[f]) <= dedup.COMMON:
            shingles.update(post_s[f])
    found = Counter(shingles)
    for a in anc[x]:
        if len(post_a[a]) <= dedup.COMMON:
            found.update(post_a[a])
    found.update(near.get(x, {}))
    found.pop(x, None)
    return {j: (c, shingles[j]) for j, c in found.items()}


def _merge(complete: bool, flat: list[int], moved_to: dict[int, int], steps: dict[int, list[int]],
           news: dict[int, tuple[int, int]]) -> tuple[list[Entry], bool] | None:
    """An unchanged notice's new row from its old one (`flat`: its entries, WIDTH numbers each),
    the steps of its unchanged partners' counts and its changed partners' counts; None when it
    cannot be known."""
    if not steps:  # the usual case, in C as far as it goes: only changed partners' entries move
        known = [e for e in zip(flat[0::4], map(moved_to.get, flat[1::4]), flat[2::4], flat[3::4]) if e[1] is not None]
        cut = known[-1][:2] if known else None
        for x, (c, s) in news.items():
            if complete or (cut is not None and (-c, x) <= cut):
                bisect.insort(known, (-c, x, s, UNJUDGED))
        if not complete and (cut is None or len(known) < dedup.MAX_PARTNERS):
            return None
        return _trim(known, complete)
    known = []
    cut = None  # the last unchanged entry: past it, other unchanged ones may lie
    seen = set()
    for k in range(0, len(flat), WIDTH):
        c, j, s, v = flat[k], moved_to.get(flat[k + 1]), flat[k + 2], flat[k + 3]
        if j is None:
            continue  # a changed partner: its entry is in `news`, or gone
        seen.add(j)
        d = steps.get(j)
        if d is None:
            known.append((c, j, s, v))
            cut = (c, j)
        else:
            known.append((c - d[0], j, s + d[1], UNJUDGED))
    for j, d in steps.items():
        if j not in seen:
            if complete and d[0] > 0:
                known.append((-d[0], j, d[1], UNJUDGED))  # shared nothing counted before
            elif complete or d[0] > 0:
                return None  # not kept, and may now be among the first
    known.extend((-c, x, s, UNJUDGED) for x, (c, s) in news.items())
    known = sorted(entry for entry in known if entry[0] < 0)
    if not complete:
        if cut is None:
            return None
        known = [entry for entry in known if entry[:2] <= cut]
        if len(known) < dedup.MAX_PARTNERS:
            return None
    return _trim(known, complete)


# Shingles as numbers -------------------------------------------------------------


def coded(sig: list[frozenset[str]]) -> tuple[list[str], list[array[int]]]:
    """Each notice's shingles as numbers, and the vocabulary they number."""
    ids: dict[str, int] = {}
    codes = [array("i", [ids.setdefault(f, len(ids)) for f in held]) for held in sig]
    return list(ids), codes


def recoded(state: State) -> State:
    """`state` with a vocabulary of only the shingles its notices hold."""
    live = sorted(set().union(*state.codes))
    number = {old: k for k, old in enumerate(live)}
    codes = [array("i", map(number.__getitem__, held)) for held in state.codes]
    return replace(state, codes=codes, vocab=[state.vocab[old] for old in live], live=len(live))
