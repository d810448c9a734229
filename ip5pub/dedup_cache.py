"""The duplicate check through the build cache: reused when no notice changed,
updated when a few did (ip5pub.dedup_rows says how, exactly).

Three kinds of entry: `dedup`, the last result, reused when nothing
link_duplicates reads has changed; `dedup-sig`, each body's features, so that
a changed body is parsed once; `dedup-rows`, what the last build compared (its
notices' shingles as numbers into a vocabulary, their anchors and their rows
of partners with the verdicts), from which a build where few notices changed
reads nothing but the changed bodies' features.
"""

from __future__ import annotations

import json
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from ip5pub import dedup_rows
from ip5pub.cache import Cache, digest, in_threads
from ip5pub.dedup import features, link_duplicates, link_pairs, same_event
from ip5pub.dedup_rows import WIDTH, Rows, State
from ip5pub.model import Notice

# map(fn, items) in worker processes: a ProcessPoolExecutor's map, when the build has one open
Mapper = Callable[..., Iterator[Any]]
Features = tuple[frozenset[str], frozenset[str]]

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
    meta = [_meta(n, k) for n, k in zip(notices, fkeys)]
    # An office named twice puts a notice twice in one block (a pair with itself), and rows are
    # matched by id: then count all again and keep no rows (the last ones still describe their notices).
    plain = all(len(set(n.offices)) == len(n.offices) for n in notices) and len({m[0] for m in meta}) == len(meta)
    old = _load_state(cache) if plain else None
    made = None
    if old is not None:
        try:
            made = _updated(old, meta, notices, fkeys, cache, pool_map)
        except (ValueError, TypeError, KeyError, IndexError):
            made = None  # not what this version writes: count again
    if made is None:
        sig, anc = _features(notices, fkeys, cache, pool_map)
        vocab, codes = dedup_rows.coded(sig)
        made = State(meta, anc, codes, vocab, len(vocab), dedup_rows.cold_rows(notices, sig, anc))
    out = link_pairs(notices, made.anchors, _pairs(notices, made))
    if plain:
        data = _dump(made)
        if data is not None:
            cache.store_blob("dedup-rows", _state_key(), data)
            cache.prune("dedup-rows")
    cache.prune("dedup-sig")
    cache.store_blob("dedup", key, json.dumps({n.id: list(n.duplicates) for n in out}, sort_keys=True).encode())
    cache.prune("dedup")
    return out


def _meta(n: Notice, fkey: str) -> list[Any]:
    """What candidate_pairs and same_event read of a notice (its body through `fkey`, its
    features' key): a notice whose meta is unchanged keeps its row and its verdicts."""
    event = None if n.event is None else [n.event.start.isoformat(), n.event.end.isoformat()]
    return [n.id, fkey, n.date.isoformat(), event, list(n.offices), n.language, n.office, list(n.not_duplicates)]


def _result_key(notices: list[Notice], fkeys: list[str]) -> str:
    """What link_duplicates reads of the notices, in order: the meta and the proposed duplicates."""
    return digest("dedup", json.dumps([_meta(n, k) + [list(n.duplicates)] for n, k in zip(notices, fkeys)],
                                      ensure_ascii=False))


def _pairs(notices: list[Notice], made: State) -> dict[tuple[int, int], float]:
    """The pairs link_duplicates would link or judge as proposed, with their containment: the
    candidate pairs the signals link, and the proposed pairs that are not candidates."""
    codes, anc = made.codes, made.anchors
    sizes = [len(c) for c in codes]

    def ratio(i: int, j: int, shared: int) -> float:
        return shared / (min(sizes[i], sizes[j]) or 1)

    pairs = {(i, j): ratio(i, j, s) for (i, j), s in dedup_rows.judged(made.rows, lambda i, j, s: same_event(
        notices[i], notices[j], ratio(i, j, s), anc[i], anc[j])).items()}
    where = {n.id: i for i, n in enumerate(notices)}
    for i, n in enumerate(notices):
        for other in n.duplicates:
            j = where.get(other)
            if j is not None and j != i and (min(i, j), max(i, j)) not in pairs and \
                    not dedup_rows.kept(made.rows, i, j):
                pairs[(min(i, j), max(i, j))] = ratio(i, j, len(frozenset(codes[i]) & frozenset(codes[j])))
    return pairs


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


def _state_key() -> str:
    return digest("dedup-rows")  # one entry, made again by a new version of the code


def _updated(old: State, meta: list[list[Any]], notices: list[Notice], fkeys: list[str], cache: Cache,
             pool_map: Mapper | None) -> State | None:
    """This build's state from the last one, reading only the changed bodies' features."""
    plan = dedup_rows.plan(old, meta)
    if plan is None:
        return None
    moved_to, changed, gone = plan
    for p in moved_to.values():
        cache.keep("dedup-sig", fkeys[p])  # not read, but the features of a body that may change back
    sig, anc = _features([notices[p] for p in changed], [fkeys[p] for p in changed], cache, pool_map)
    codes: list[array[int]] = [array("i")] * len(meta)
    anchor_sets: list[frozenset[str]] = [frozenset()] * len(meta)
    for q, p in moved_to.items():
        codes[p], anchor_sets[p] = old.codes[q], old.anchors[q]
    vocab = old.vocab
    ids = dict(zip(vocab, range(len(vocab)))) if changed else {}
    for p, held, x in zip(changed, sig, anc):
        for f in held:
            if f not in ids:
                ids[f] = len(vocab)
                vocab.append(f)
        codes[p], anchor_sets[p] = array("i", map(ids.__getitem__, held)), x
    rows = dedup_rows.update(old, meta, plan, codes, anchor_sets)
    made = State(meta, anchor_sets, codes, vocab, old.live, rows)
    return dedup_rows.recoded(made) if len(vocab) > 2 * old.live else made


# The state in the cache ---------------------------------------------------------


def _dump(state: State) -> bytes | None:
    """A JSON line of what is small, then the vocabulary, the shingles' numbers and the rows' entries."""
    text = "\x00".join(state.vocab)
    if text.count("\x00") != max(0, len(state.vocab) - 1):
        return None  # a shingle holding the separator: keep no state
    vocab = text.encode()
    entries = array("i", [x for row in state.rows.entries for entry in row for x in entry])
    head = {"meta": state.meta, "anchors": [sorted(x) for x in state.anchors], "complete": state.rows.complete,
            "rows": [len(row) for row in state.rows.entries], "codes": [len(c) for c in state.codes],
            "vocab": len(state.vocab), "vocab_bytes": len(vocab), "live": state.live,
            "order": sys.byteorder, "itemsize": entries.itemsize}
    return b"".join([json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode(), b"\n", vocab,
                     *(c.tobytes() for c in state.codes), entries.tobytes()])


def _load_state(cache: Cache) -> State | None:
    raw = cache.load_blob("dedup-rows", _state_key())
    if raw is None:
        return None
    try:
        line, _, rest = raw.partition(b"\n")
        head = json.loads(line)
        size = head["vocab_bytes"]
        vocab = rest[:size].decode().split("\x00") if head["vocab"] else []
        numbers = array("i")
        numbers.frombytes(rest[size:])
        if head["order"] != sys.byteorder:
            numbers.byteswap()
        lengths, rows = head["codes"], head["rows"]
        n = len(head["meta"])
        if len(vocab) != head["vocab"] or head["itemsize"] != numbers.itemsize or \
                len(numbers) != sum(lengths) + WIDTH * sum(rows) or not n == len(lengths) == len(rows) == \
                len(head["anchors"]) == len(head["complete"]):
            return None
        codes, at = [], 0
        for k in lengths:
            codes.append(numbers[at:at + k])
            at += k
        starts = [at]
        for k in rows:
            starts.append(starts[-1] + WIDTH * k)
        return State(head["meta"], [frozenset(x) for x in head["anchors"]], codes, vocab, head["live"],
                     Rows([], head["complete"]), numbers, starts)
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None  # not what this version writes: count again
