"""The one Notice codec: every field of every corpus notice survives the
cache's JSON and the front matter, and a field added to Notice without the
codec carrying it fails here."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import typing
from pathlib import Path

import pytest

from ip5pub import frontmatter
from ip5pub.notices import expand, normalize_sources
from ip5pub.cache import Cache
from ip5pub.codec import CodecError, decode, encode, front_matter
from ip5pub.model import Event, Notice, SourceRef
from ip5pub.normalize import build_notice, to_markdown
from ip5pub.provenance import SIDECAR, Decided, Origin, Provenance, Rival
from ip5pub.readers import read_items

ROOT = Path(__file__).resolve().parent.parent
CORPUS = [ROOT / "sources", ROOT / "tests" / "pages"]


@pytest.fixture(scope="module")
def corpus() -> list[Notice]:
    outcome = normalize_sources(expand(CORPUS), base=ROOT)
    assert len(outcome.notices) > 40
    return outcome.notices


def _every_field_set() -> Notice:
    """A notice whose every field differs from its default, so a field the codec drops shows."""
    return Notice(id="2024-05-01-epo-x", title="T: a title", date=dt.date(2024, 5, 1), office="EPO",
                  publisher="European Patent Office", language="en", summary="S.",
                  source=SourceRef("sources/x.xml", "ab" * 32, "rss", "https://example.org/x", 3),
                  body="Body text.\n", offices=("EPO", "JPO"), acronyms={"PPH": "Patent Prosecution Highway"},
                  words=2, duplicates=("2024-05-01-jpo-x",), translated_from="ja", attribution="Source: EPO",
                  event=Event(dt.date(2024, 5, 2), dt.date(2024, 5, 3)), extra={"tags": ["a", 1]},
                  not_duplicates=("2024-05-01-kipo-y",), provenance=PROVENANCE)


# Where the fields came from: every kind of Origin, a correction that keeps what it replaced included.
PROVENANCE = Provenance(fields=(
    Decided("title", Origin("h1 named by the page's title", also=("og:title",),
                            rivals=(Rival("Example Office", "og:site_name", "only the site's name"),))),
    Decided("date", Origin(SIDECAR, rivals=(Rival("2024-05-02", "meta og:updated_time", "the sidecar wins"),),
                           before=Origin("update date: meta og:updated_time", weak=True)))),
    idle=("Share this page",))


def _non_default(cls: type) -> set[str]:
    """The fields a test value must set for this test to mean anything."""
    return {f.name for f in dataclasses.fields(cls)}


def test_the_full_notice_sets_every_field_of_notice_sourceref_and_event():
    # A field added to Notice (or SourceRef, Event) must be set here too:
    # otherwise the round trips below would not see it dropped.
    n = _every_field_set()
    for obj in (n, n.source, n.event):
        for f in dataclasses.fields(obj):
            default = f.default if f.default is not dataclasses.MISSING else (
                f.default_factory() if f.default_factory is not dataclasses.MISSING else object())
            assert getattr(obj, f.name) != default, f"{type(obj).__name__}.{f.name} is at its default in the test notice"


def _cache_round_trip(notices: list[Notice], tmp_path: Path) -> list[Notice] | None:
    cache = Cache(tmp_path)
    cache.store_notices("ab" * 32, notices)
    return Cache(tmp_path).load_notices("ab" * 32)


def test_every_field_round_trips_through_the_cache(tmp_path):
    n = _every_field_set()
    loaded = _cache_round_trip([n], tmp_path)
    assert loaded == [n]
    assert loaded[0].provenance == PROVENANCE  # not part of a notice's equality: compared on its own


def test_every_field_round_trips_through_the_front_matter():
    n = _every_field_set()
    data, body = frontmatter.split(to_markdown(n))
    # Where each field came from is not front matter: the contract's keys stay as they are.
    assert set(data) == {f.name for f in dataclasses.fields(Notice)} - {"body", "extra", "provenance"} | set(n.extra)
    assert decode(Notice, {**{k: v for k, v in data.items() if k not in n.extra},
                           "body": n.body, "extra": {k: data[k] for k in n.extra}}) == n


@pytest.mark.slow
def test_every_corpus_notice_round_trips_through_the_cache(corpus, tmp_path):
    loaded = _cache_round_trip(corpus, tmp_path)
    assert loaded == corpus
    assert [n.provenance for n in loaded or ()] == [n.provenance for n in corpus]


def test_every_corpus_notice_reads_back_from_its_front_matter(corpus, tmp_path):
    """Normalizing a normalized notice gives the same notice: the front matter carries every field."""
    for n in corpus:
        path = tmp_path / f"{n.id}.md"
        path.write_text(to_markdown(n), encoding="utf-8")
        drafts, reasons = read_items(path, n.source.path)
        assert not reasons
        (again,) = [build_notice(d) for d in drafts]
        assert again == n, n.id


def test_encode_follows_the_dataclass_fields(corpus):
    for n in corpus[:5]:
        data = encode(n)
        assert set(data) >= {f.name for f in dataclasses.fields(Notice)} - {"translated_from", "attribution", "event"}
        assert decode(Notice, json.loads(json.dumps(data, default=str), object_hook=_dates)) == n
        assert type(data["source"]) is dict  # plain data all the way down
    data = encode(dataclasses.replace(corpus[0], office=None, offices=("EPO", "JPO"), translated_from=None))
    assert "office" in data and data["office"] is None  # a required field is written, null or not
    assert "translated_from" not in data  # None by default: left out
    assert type(data["offices"]) is list and data["offices"] == ["EPO", "JPO"]


def _dates(obj: dict) -> dict:
    return {k: dt.date.fromisoformat(v) if k in ("date", "start", "end") and isinstance(v, str) else v
            for k, v in obj.items()}


@pytest.mark.parametrize("change", [
    {"date": "2024-05-01"},  # a string where a date belongs
    {"date": dt.datetime(2024, 5, 1, 12)},  # a time is not a day
    {"words": True},
    {"words": "2"},
    {"offices": "EPO"},
    {"acronyms": {"PPH": 3}},
    {"office": 7},
    {"source": {"path": "x", "sha256": "y"}},  # format missing
    {"event": {"start": dt.date(2024, 5, 2)}},
    {"surprise": 1},  # a key no field has
])
def test_decode_refuses_anything_not_of_its_fields_type(change):
    data = {**encode(_every_field_set()), **change}
    with pytest.raises(CodecError):
        decode(Notice, data)


def test_front_matter_order_is_reading_order_then_unknown_keys():
    keys = list(front_matter(_every_field_set()))
    assert keys[:4] == ["id", "title", "date", "office"]
    assert keys[-2:] == ["source", "tags"]


def test_a_type_the_codec_does_not_know_fails_loudly():
    @dataclasses.dataclass(frozen=True)
    class Odd:
        value: typing.Any

    with pytest.raises(CodecError):
        encode(Odd(object()))
