"""The duplicate check after a few changes: updated from the last build, and
exactly what link_duplicates finds on the whole list, whatever the history."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pytest

from ip5pub import dedup, dedup_cache, dedup_rows
from ip5pub.cache import Cache
from ip5pub.dedup import candidate_pairs, link_duplicates
from ip5pub.model import OFFICES, Event, Notice, SourceRef

EVENTS = [Event(dt.date(2024, 3, 4), dt.date(2024, 3, 6)), Event(dt.date(2024, 4, 1), dt.date(2024, 4, 1)),
          Event(dt.date(2024, 5, 20), dt.date(2024, 5, 22))]
WORDS = ("office fee filing search examination grant renewal priority claim drawing applicant agent "
         "deadline hearing appeal opposition translation register portal form payment notice rule").split()


def _phrases(rng: random.Random, n: int) -> list[str]:
    """Short phrases that several notices share: their shingles are held by a handful of notices each."""
    return [" ".join(rng.choice(WORDS) for _ in range(6)) + f" {rng.choice(['PCT', 'PPH', 'ISA', '2,500', '3,000', '275,900'])}."
            for _ in range(n)]


class World:
    """A list of notices, edited at random the ways a workspace is: bodies, dates, events, offices,
    notices added and removed, a person's not_duplicates, a copy of another notice."""

    def __init__(self, seed: int, size: int, phrases: int):
        self.rng = random.Random(seed)
        self.phrases = _phrases(self.rng, phrases)
        self.made = 0
        self.notices = [self._new() for _ in range(size)]

    def _body(self) -> str:
        return " ".join(self.rng.sample(self.phrases, 5)) + f" Reference {self.rng.randrange(10_000):04d}."

    def _new(self) -> Notice:
        self.made += 1
        id_ = f"n{self.made:04d}-{self.rng.randrange(1000):03d}"  # ids not in list order
        return Notice(id=id_, title=id_, date=dt.date(2024, 3, 1) + dt.timedelta(days=self.rng.randrange(90)),
                      office=self.rng.choice([None, "EPO", "JPO"]), publisher="P", language="en", summary="",
                      source=SourceRef(id_, "", "text"), body=self._body(),
                      offices=tuple(sorted(self.rng.sample(OFFICES[:5], 2))),
                      event=self.rng.choice([None, *EVENTS]))

    def edit(self) -> str:
        rng, ns = self.rng, self.notices
        i = rng.randrange(len(ns))
        kind = rng.choice(["append", "body", "copy", "date", "event", "offices", "add", "remove", "apart", "swap",
                           "many", "language", "office"])
        if kind == "append":
            ns[i] = replace(ns[i], body=ns[i].body + " " + rng.choice(self.phrases))
        elif kind == "body":
            ns[i] = replace(ns[i], body=self._body())
        elif kind == "copy":  # a republication: the same text, another date
            ns[i] = replace(ns[i], body=rng.choice(ns).body + " Republished.")
        elif kind == "date":
            ns[i] = replace(ns[i], date=ns[i].date + dt.timedelta(days=rng.choice([-3, 0, 2, 40])))
        elif kind == "event":
            ns[i] = replace(ns[i], event=rng.choice([None, *EVENTS]))
        elif kind == "offices":
            ns[i] = replace(ns[i], offices=tuple(sorted(rng.sample(OFFICES[:5], rng.randrange(1, 4)))))
        elif kind == "language":  # what the signals read, not the candidates
            ns[i] = replace(ns[i], language=rng.choice(["en", "de"]))
        elif kind == "office":
            ns[i] = replace(ns[i], office=rng.choice([None, "EPO", "JPO", "KIPO"]))
        elif kind == "add":
            ns.insert(i, self._new())
        elif kind == "remove" and len(ns) > 2:
            ns.pop(i)
        elif kind == "apart":  # a person's correction: kept apart from another notice
            ns[i] = replace(ns[i], not_duplicates=(*ns[i].not_duplicates, rng.choice(ns).id))
        elif kind == "swap":  # two notices change places: positions break ties
            j = rng.randrange(len(ns))
            ns[i], ns[j] = ns[j], ns[i]
        elif kind == "many":  # most of the list is new
            ns[:] = [self._new() if rng.random() < 0.5 else n for n in ns]
        return kind


@pytest.fixture
def spied(monkeypatch):
    """How many times all pairs were counted (pair_counts), how many rows were counted one by
    one, how many candidate pairs were judged: the real functions, called through."""
    seen = {"all": 0, "rows": 0, "judged": 0}

    def pair_counts(*args):
        seen["all"] += 1
        return dedup.pair_counts(*args)

    def row(*args):
        seen["rows"] += 1
        return real_row(*args)

    def same_event(*args):
        seen["judged"] += 1
        return dedup.same_event(*args)

    real_row = dedup_rows._row
    monkeypatch.setattr(dedup_cache, "same_event", same_event)
    monkeypatch.setattr(dedup_rows, "pair_counts", pair_counts)
    monkeypatch.setattr(dedup_rows, "_row", row)
    return seen


def _check(notices: list[Notice], cache: Cache, spied: dict) -> None:
    """The result is link_duplicates'; the rows kept for the next build give candidate_pairs'
    candidates, and every verdict they keep is same_event's."""
    out = dedup_cache.link_duplicates_cached(notices, cache)
    assert [n.duplicates for n in out] == [n.duplicates for n in link_duplicates(notices)]
    assert [replace(n, duplicates=()) for n in out] == [replace(n, duplicates=()) for n in notices]
    state = dedup_cache._load_state(cache)
    assert state is not None
    width = dedup_rows.WIDTH
    rows = dedup_rows.Rows([[tuple(flat[k:k + width]) for k in range(0, len(flat), width)]
                            for flat in map(state.row, range(len(notices)))], state.rows.complete)
    candidates = candidate_pairs(notices)
    assert dedup_rows.pairs_of(rows, [len(c) for c in state.codes]) == candidates
    anc = [dedup.features(n.body)[1] for n in notices]
    for i, entries in enumerate(rows.entries):
        for _, j, _, verdict in entries[:dedup.MAX_PARTNERS]:
            a, b = min(i, j), max(i, j)
            if verdict != dedup_rows.UNJUDGED:
                assert verdict == dedup.same_event(notices[a], notices[b], candidates[(a, b)], anc[a], anc[b])


@pytest.mark.parametrize("seed", [s if s < 2 else pytest.param(s, marks=pytest.mark.slow) for s in range(40)])
def test_random_edits_give_what_the_whole_list_gives(tmp_path, monkeypatch, spied, seed):
    """Small bounds (a feature is common past 4 holders, 3 partners per notice, 2 kept
    beyond) so that 40 notices cross them all the time: counts crossing COMMON, rows
    running out of known partners, blocks of signal 2 longer than a window."""
    monkeypatch.setattr(dedup, "COMMON", 4)
    monkeypatch.setattr(dedup, "MAX_PARTNERS", 3)
    monkeypatch.setattr(dedup_rows, "MARGIN", 2)
    world = World(seed, 40, 45)
    cache = Cache(tmp_path)
    _check(world.notices, cache, spied)
    assert spied["all"] == 1
    updated = 0
    for _ in range(30):
        kind = world.edit()
        before = spied["all"]
        _check(world.notices, cache, spied)
        updated += spied["all"] == before
        assert kind not in ("append", "apart") or spied["all"] == before  # one change: never all pairs again
    assert updated >= 15


@pytest.mark.slow
def test_history_of_other_lists_and_damage_is_harmless(tmp_path, spied):
    """The rows kept are those of whatever build ran last; a damaged entry is counted again."""
    a, b = World(1, 60, 80), World(2, 60, 80)
    cache = Cache(tmp_path)
    _check(a.notices, cache, spied)
    _check(b.notices, cache, spied)
    a.edit()
    _check(a.notices, cache, spied)
    for entry in (tmp_path / ".cache" / "dedup-rows").rglob("*"):
        if entry.is_file():
            entry.write_bytes(entry.read_bytes()[:-3] + b"]]}")
    b.edit()
    _check(b.notices, cache, spied)
    assert spied["all"] == 4


def _big(seed: int) -> World:
    """160 notices, each with more than MAX_PARTNERS partners, built from phrases that a few dozen
    notices share, some of them by about COMMON notices."""
    world = World(seed, 160, 16)
    assert max(len(row) for row in dedup.ranked(dedup.pair_counts(
        world.notices, *zip(*[dedup.features(n.body) for n in world.notices]))[1]).values()) > dedup.MAX_PARTNERS
    return world


@pytest.mark.parametrize("edit", ["append", "remove", *(pytest.param(e, marks=pytest.mark.slow) for e in ("body", "add"))])
def test_one_change_counts_one_row_at_the_real_bounds(tmp_path, spied, edit):
    """With the shipped bounds: after one notice changed, only its own row is counted
    (others are merged from what they kept), never all pairs, and the result is exact."""
    world = _big(3)
    cache = Cache(tmp_path)
    _check(world.notices, cache, spied)
    ns = world.notices
    if edit == "append":
        ns[7] = replace(ns[7], body=ns[7].body + " The office added one more sentence today.")
    elif edit == "body":
        ns[7] = replace(ns[7], body=world._body())
    elif edit == "add":
        ns.insert(7, world._new())
    else:
        ns.pop(7)
    spied["rows"] = spied["judged"] = 0
    _check(ns, cache, spied)
    assert spied["all"] == 1
    assert spied["rows"] <= (0 if edit == "remove" else 1) + 2  # its own, and at most a couple run short
    assert spied["judged"] <= len(ns)  # the pairs with it, not the ~4,000 candidates: the others keep their verdict


@pytest.mark.slow
def test_a_correction_of_not_duplicates_judges_that_notice_again_and_unlinks(tmp_path, spied):
    world = _big(4)
    cache = Cache(tmp_path)
    _check(world.notices, cache, spied)
    linked = link_duplicates(world.notices)
    i = next(k for k, n in enumerate(linked) if n.duplicates)
    ns = world.notices
    ns[i] = replace(ns[i], not_duplicates=linked[i].duplicates[:1])
    spied["rows"] = 0
    _check(ns, cache, spied)
    assert spied["all"] == 1 and spied["rows"] == 1
    assert linked[i].duplicates[0] not in dedup_cache.link_duplicates_cached(ns, cache)[i].duplicates


@pytest.mark.slow
def test_the_vocabulary_of_shingles_is_made_again_when_half_of_it_is_gone(tmp_path, spied):
    """Bodies rewritten in new words, one build at a time: the numbers kept for the shingles
    stay right after the vocabulary is made again, and it does not grow without end."""
    world = World(5, 40, 45)
    cache = Cache(tmp_path)
    _check(world.notices, cache, spied)
    rng = random.Random(9)
    sizes = []
    for k in range(40):
        i = rng.randrange(len(world.notices))
        words = " ".join(f"{rng.choice(WORDS)}{k}x{rng.randrange(50)}" for _ in range(60))
        world.notices[i] = replace(world.notices[i], body=words + " " + world._body())
        _check(world.notices, cache, spied)
        state = dedup_cache._load_state(cache)
        assert state is not None
        sizes.append(len(state.vocab))
        held = set().union(*state.codes)
        assert max(held) < len(state.vocab) <= 2 * state.live
    assert spied["all"] == 1  # never counted all again
    assert any(b < a for a, b in zip(sizes, sizes[1:]))  # made again at least once


def test_an_update_keeps_the_unchanged_bodies_features_and_drops_the_old_ones(tmp_path, spied):
    world = World(6, 40, 45)
    cache = Cache(tmp_path)
    _check(world.notices, cache, spied)
    folder = tmp_path / ".cache" / "dedup-sig"
    before = {p.name for p in folder.rglob("*") if p.is_file()}
    assert len(before) == len({n.body for n in world.notices})
    world.notices[3] = replace(world.notices[3], body=world._body())
    _check(world.notices, Cache(tmp_path), spied)  # a new build: nothing read is remembered
    assert spied["all"] == 1
    after = {p.name for p in folder.rglob("*") if p.is_file()}
    assert len(after - before) == 1 and len(before - after) == 1


def test_a_proposed_pair_that_is_a_candidate_is_judged_as_one(tmp_path, monkeypatch, spied):
    """Two copies whose shared words are all common (more than COMMON notices hold them) are a
    candidate pair through one rare number, with no shingle counted: a `duplicates` proposal does
    not judge them again on their whole text, in the update as in link_duplicates."""
    monkeypatch.setattr(dedup, "COMMON", 4)
    monkeypatch.setattr(dedup, "MAX_PARTNERS", 3)
    text = "the fee for a late renewal of the register entry is paid through the portal form"
    ns = [_plain(f"c{k}", f"{text} then item {k}{k}{k}{k} follows") for k in range(4)]
    ns += [_plain("a", f"{text} case 4242"), _plain("b", f"{text} 4242 here", duplicates=("a",))]
    ns += [_plain(f"z{k}", f"an unrelated notice on hearing number {k} of the appeal board") for k in range(4)]
    cache = Cache(tmp_path)
    _check(ns, cache, spied)
    candidates = candidate_pairs(ns)
    assert candidates[(4, 5)] == 0 and link_duplicates(ns)[4].duplicates == ()
    ns[0] = replace(ns[0], body=ns[0].body + " and more")
    _check(ns, cache, spied)
    assert spied["all"] == 1


def _plain(id_: str, body: str, duplicates: tuple[str, ...] = ()) -> Notice:
    return Notice(id=id_, title=id_, date=dt.date(2024, 3, 1), office=None, publisher="P", language="en", summary="",
                  source=SourceRef(id_, "", "text"), body=body, offices=("EPO",), duplicates=duplicates)


def test_an_office_named_twice_or_one_id_twice_is_counted_in_full(tmp_path, spied):
    """Such a list puts a notice twice in a block, or makes rows ambiguous: counted as
    link_duplicates counts it, and no rows kept from it."""
    world = World(7, 30, 45)
    cache = Cache(tmp_path)
    _check(world.notices, cache, spied)
    kept = dedup_cache._load_state(cache)
    ns = list(world.notices)
    ns[2] = replace(ns[2], offices=("EPO", "EPO"), event=EVENTS[0])
    ns[3] = replace(ns[3], event=EVENTS[0], offices=("EPO",))
    for odd in (ns, [*world.notices, replace(world.notices[0], body="another text")]):
        out = dedup_cache.link_duplicates_cached(odd, cache)
        assert [n.duplicates for n in out] == [n.duplicates for n in link_duplicates(odd)]
        assert dedup_cache._load_state(cache).meta == kept.meta
    assert spied["all"] == 3
