"""The duplicate check through the build cache: reused when no notice changed,
updated when a few did.

Comparing 500 notices costs most of a second, nearly all of it in finding the
candidate pairs (ip5pub.dedup.candidate_pairs): counting what every pair
shares and ranking each notice's partners. After one correction nearly all of
that is what it was, but not all: a shingle or anchor counts only while at
most COMMON notices hold it, and a notice's candidates are the MAX_PARTNERS
that share most with it, so one changed notice can move the counts of pairs
it is not in and push a pair out of another notice's list. So the last
build's rows are kept (each notice's first MAX_PARTNERS + MARGIN partners, best first, with
what they share; `meta` says what they were computed from) and a build where
few notices changed (body, date, event dates or offices; an added or removed
notice counts as changed) recomputes exactly what those can move:

- the changed notices' own rows, from the postings of their features;
- pairs of unchanged notices that share a feature whose number of holders
  crossed COMMON, or a block of signal 2 a changed notice entered or left:
  their counts move by a known step;
- every other row, merged from what it kept and its new entries, as far as it
  is still known: past its last unchanged entry it is not, and a row left
  with fewer than MAX_PARTNERS known entries, or where a partner it did not
  keep now shares more, is counted again.

The candidates are then candidate_pairs' own (tests compare them after random
edits), and the links are made from them by ip5pub.dedup.link_pairs.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

from ip5pub import dedup
from ip5pub.cache import Cache, digest, in_threads
from ip5pub.dedup import containment, features, link_duplicates, link_pairs, pair_counts, ranked, window_pairs
from ip5pub.model import Notice

# map(fn, items) in worker processes: a ProcessPoolExecutor's map, when the build has one open
Mapper = Callable[..., Iterator[Any]]

MARGIN = 25  # partners kept per row beyond MAX_PARTNERS: after a few changes its first MAX_PARTNERS are still known
MAX_CHANGED = 0.25  # share of changed notices above which all pairs are counted again (as fast, and simpler)

Pair = tuple[int, int]
Entry = tuple[int, int, int]  # (-count, partner's position, shingles shared): sorted, the best first
Features = tuple[frozenset[str], frozenset[str]]


@dataclass
class Rows:
    """Each notice's first partners, best first, and whether they are all its partners."""
    entries: list[list[Entry]]
    complete: list[bool]


def link_duplicates_cached(notices: list[Notice], cache: Cache | None, pool_map: Mapper | None = None) -> list[Notice]:
    """`link_duplicates`: taken from the cache when no notice changed, updated
    from the last build's candidates when few did. `pool_map` parses new
    bodies in the build's worker processes."""
    if cache is None:
        return link_duplicates(notices)
    fkeys = [digest("dedup-features", n.body) for n in notices]
    key = _result_key(notices, fkeys)
    found = _load_result(cache, key, notices)
    if found is not None:
        cache.prune("dedup")
        return found
    sig, anc = _features(notices, fkeys, cache, pool_map)
    out = link_pairs(notices, sig, anc, _candidates(notices, fkeys, sig, anc, cache))
    cache.prune("dedup-sig")  # after _candidates, which read the changed bodies' old features
    cache.store_blob("dedup", key, json.dumps({n.id: list(n.duplicates) for n in out}, sort_keys=True).encode())
    cache.prune("dedup")
    return out


def _meta(n: Notice, fkey: str) -> list[Any]:
    """What candidate_pairs reads of a notice (its body through `fkey`, its features' key)."""
    event = None if n.event is None else [n.event.start.isoformat(), n.event.end.isoformat()]
    return [n.id, fkey, n.date.isoformat(), event, list(n.offices)]


def _result_key(notices: list[Notice], fkeys: list[str]) -> str:
    """What link_duplicates reads of the notices, in order: candidate_pairs' fields and the signals'."""
    return digest("dedup", json.dumps([_meta(n, k) + [n.language, n.office, list(n.duplicates), list(n.not_duplicates)]
                                       for n, k in zip(notices, fkeys)], ensure_ascii=False))


def _load_result(cache: Cache, key: str, notices: list[Notice]) -> list[Notice] | None:
    raw = cache.load_blob("dedup", key)
    if raw is None:
        return None
    try:
        found = json.loads(raw)
        well_typed = isinstance(found, dict) and all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in found.values())
        if well_typed and set(found) == {n.id for n in notices}:
            return [n if tuple(found[n.id]) == n.duplicates else replace(n, duplicates=tuple(found[n.id]))
                    for n in notices]
    except (ValueError, TypeError):
        pass  # damaged: compare again
    return None


def _decode_features(raw: bytes | None) -> Features | None:
    try:
        sig, anc = json.loads(raw)  # type: ignore[arg-type]  # None: TypeError
        return frozenset(sig), frozenset(anc)
    except (ValueError, TypeError):
        return None  # not cached, or damaged: parse again


def _features(notices: list[Notice], keys: list[str], cache: Cache,
              pool_map: Mapper | None) -> tuple[list[frozenset[str]], list[frozenset[str]]]:
    """Each body's signature and anchors, through the cache: after one
    correction, only that notice's body is parsed again (parsing all 500 was
    most of the comparison's time). Their own kind, pruned only by a build
    that compares: one that reuses the dedup result reads none of them, and
    must not drop them."""
    out = [_decode_features(cache.load_blob("dedup-sig", key)) for key in keys]
    todo = [i for i, found in enumerate(out) if found is None]
    bodies = [notices[i].body for i in todo]
    made: Iterable[Features] = \
        pool_map(features, bodies, chunksize=max(1, len(todo) // 16)) \
        if pool_map is not None and len(todo) >= 16 else map(features, bodies)
    fresh = list(zip(todo, made))
    for i, found in fresh:
        out[i] = found
    in_threads(lambda item: cache.store_blob("dedup-sig", keys[item[0]], json.dumps(
        [sorted(item[1][0]), sorted(item[1][1])], ensure_ascii=False).encode()), fresh)
    done = [found for found in out if found is not None]
    return [sig for sig, _ in done], [anc for _, anc in done]


def _peek_features(cache: Cache, key: str) -> Features | None:
    """A body's features read without keeping them: this build's prune still drops them."""
    used = set(cache.used)
    found = _decode_features(cache.load_blob("dedup-sig", key))
    cache.used = used
    return found


# The candidates, counted or updated --------------------------------------------


def _state_key() -> str:
    return digest("dedup-rows")  # one entry, made again by a new version of the code


def _candidates(notices: list[Notice], fkeys: list[str], sig: list[frozenset[str]], anc: list[frozenset[str]],
                cache: Cache) -> dict[Pair, float]:
    """candidate_pairs' result, updated from the last build's rows when few notices changed."""
    meta = [_meta(n, k) for n, k in zip(notices, fkeys)]
    # An office named twice puts a notice twice in one block (a pair with itself): count all
    # again, and keep no rows (the last kept ones still describe their own notices exactly).
    plain = all(len(set(n.offices)) == len(n.offices) for n in notices)
    rows = None
    if plain:
        try:
            raw = cache.load_blob("dedup-rows", _state_key())
            rows = None if raw is None else update(json.loads(raw), meta, sig, anc,
                                                   lambda key: _peek_features(cache, key))
        except (ValueError, TypeError, KeyError, IndexError):
            rows = None  # not what this version writes: count again
    if rows is None:
        rows = cold_rows(notices, sig, anc)
    if plain:
        flat = [[done, [x for entry in entries for x in entry]] for done, entries in zip(rows.complete, rows.entries)]
        cache.store_blob("dedup-rows", _state_key(), json.dumps({"meta": meta, "rows": flat}, ensure_ascii=False,
                                                                separators=(",", ":")).encode())
        cache.prune("dedup-rows")
    return pairs_of(rows, sig)


def cold_rows(notices: list[Notice], sig: list[frozenset[str]], anc: list[frozenset[str]]) -> Rows:
    """Every notice's first partners, counted as candidate_pairs counts them."""
    shared, counts = pair_counts(notices, sig, anc)
    partners = ranked(counts)
    rows = Rows([], [])
    for i in range(len(notices)):
        found = sorted(partners.get(i, ()))
        entries, complete = _trim(found)
        rows.entries.append([(c, j, shared.get((min(i, j), max(i, j)), 0)) for c, j in entries])
        rows.complete.append(complete)
    return rows


def _trim(ranking: list[Any], complete: bool = True) -> tuple[list[Any], bool]:
    """The first entries of a row worth keeping, and whether they are all of it."""
    keep = dedup.MAX_PARTNERS + MARGIN
    return ranking[:keep], complete and len(ranking) <= keep


def pairs_of(rows: Rows, sig: list[frozenset[str]]) -> dict[Pair, float]:
    """candidate_pairs' result: each notice's first MAX_PARTNERS, with their containment."""
    shared = {(min(i, j), max(i, j)): s for i, entries in enumerate(rows.entries) for _, j, s in entries[:dedup.MAX_PARTNERS]}
    return containment(shared, shared.__getitem__, sig)


def update(state: dict[str, Any], meta: list[list[Any]], sig: list[frozenset[str]], anc: list[frozenset[str]],
           old_features: Callable[[str], Features | None]) -> Rows | None:
    """The rows of the notices `meta` describes, from `state` (the rows and meta of
    another build); None when it is simpler to count all again."""
    old_meta, old_rows = state["meta"], state["rows"]
    where = {m[0]: q for q, m in enumerate(old_meta)}
    moved_to: dict[int, int] = {}  # old position -> new, of the notices that did not change
    changed = []
    for p, m in enumerate(meta):
        q = where.get(m[0])
        if q is not None and old_meta[q] == m:
            moved_to[q] = p
        else:
            changed.append(p)
    gone = [q for q in range(len(old_meta)) if q not in moved_to]
    kept = sorted(moved_to)
    if len(where) != len(old_meta) or len(old_rows) != len(old_meta) or len({m[0] for m in meta}) != len(meta) or \
            len(changed) + len(gone) > MAX_CHANGED * len(meta) or \
            any(moved_to[a] > moved_to[b] for a, b in zip(kept, kept[1:])):
        return None  # ties are broken by position: the unchanged must keep their order
    olds = [old_features(old_meta[q][1]) for q in gone]
    if any(found is None for found in olds):
        return None
    same = [False] * len(meta)
    for p in moved_to.values():
        same[p] = True
    old_sig = [found[0] for found in olds if found is not None]
    old_anc = [found[1] for found in olds if found is not None]
    post_s = _postings(set().union(*(sig[p] for p in changed), *old_sig), sig)
    post_a = _postings(set().union(*(anc[p] for p in changed), *old_anc), anc)
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
        merged = _merge(old_rows[q], moved_to, steps.get(p, {}), news.get(p, {}))
        if merged is None:
            again.append(p)
        else:
            rows.entries[p], rows.complete[p] = merged
    if again:  # counted again in full, from the postings of all their features
        post_s.update(_postings(set().union(*(sig[p] for p in again)) - post_s.keys(), sig))
        post_a.update(_postings(set().union(*(anc[p] for p in again)) - post_a.keys(), anc))
        near = _adjacent(_block_counts(meta, _block_keys(meta[p] for p in again)))
        fresh.update((p, _row(p, sig, anc, post_s, post_a, near)) for p in again)
    for x in changed + again:
        full = sorted((-c, j, s) for j, (c, s) in fresh[x].items())
        rows.entries[x], rows.complete[x] = _trim(full)
    return rows


def _postings(wanted: set[str], feats: list[frozenset[str]]) -> dict[str, list[int]]:
    """feature -> positions of the notices that hold it, for the `wanted` features."""
    out: dict[str, list[int]] = defaultdict(list)
    for p, held in enumerate(feats):
        for f in held & wanted:
            out[f].append(p)
    return out


def _crossed(post: dict[str, list[int]], olds: list[frozenset[str]], same: list[bool], n_changed: int,
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


def _row(x: int, sig: list[frozenset[str]], anc: list[frozenset[str]], post_s: dict[str, list[int]],
         post_a: dict[str, list[int]], near: dict[int, Counter[int]]) -> dict[int, tuple[int, int]]:
    """partner -> (count, shingles shared) of notice `x`, all of them: `post_s`, `post_a` hold
    the postings of its features, `near` its block partners."""
    shingles: Counter[int] = Counter()
    for f in sig[x]:
        if len(post_s[f]) <= dedup.COMMON:
            shingles.update(post_s[f])
    found = Counter(shingles)
    for f in anc[x]:
        if len(post_a[f]) <= dedup.COMMON:
            found.update(post_a[f])
    found.update(near.get(x, {}))
    found.pop(x, None)
    return {j: (c, shingles[j]) for j, c in found.items()}


def _merge(old: list[Any], moved_to: dict[int, int], steps: dict[int, list[int]],
           news: dict[int, tuple[int, int]]) -> tuple[list[Entry], bool] | None:
    """An unchanged notice's new row from its old one, the steps of its unchanged partners'
    counts and its changed partners' counts; None when it cannot be known."""
    complete, flat = old
    known: list[Entry] = []
    cut: tuple[int, int] | None = None  # the last unchanged entry: past it, other unchanged ones may lie
    seen = set()
    for k in range(0, len(flat), 3):
        c, j, s = flat[k], moved_to.get(flat[k + 1]), flat[k + 2]
        if j is None:
            continue  # a changed partner: its entry is in `news`, or gone
        seen.add(j)
        d = steps.get(j)
        if d is None:
            known.append((c, j, s))
            cut = (c, j)
        else:
            known.append((c - d[0], j, s + d[1]))
    for j, d in steps.items():
        if j not in seen:
            if complete and d[0] > 0:
                known.append((-d[0], j, d[1]))  # shared nothing counted before
            elif complete or d[0] > 0:
                return None  # not kept, and may now be among the first
    known.extend((-c, x, s) for x, (c, s) in news.items())
    known = sorted(entry for entry in known if entry[0] < 0)
    if not complete:
        if cut is None:
            return None
        known = [entry for entry in known if entry[:2] <= cut]
        if len(known) < dedup.MAX_PARTNERS:
            return None
    return _trim(known, complete)
