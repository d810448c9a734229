"""Dedup: the shipped corpus's event groups come out exactly; each signal on its own."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import yaml

from ip5pub import normalize
from ip5pub.notices import unique_ids
from ip5pub.dedup import anchors, link_duplicates
from ip5pub.model import Event, Notice, SourceRef
from ip5pub.readers import read_source, source_files

from conftest import ROOT, SOURCES


def _notice(id_, body, *, lang="en", date=dt.date(2021, 6, 24), event=None, offices=("EPO",)):
    return Notice(id=id_, title=id_, date=date, office=None, publisher="P", language=lang, summary="",
                  source=SourceRef(id_, "", "text"), body=body, offices=tuple(offices), event=event)


@pytest.fixture(scope="module")
def corpus():
    expected = {(e["source"], e.get("item")): e["event_key"]
                for e in yaml.safe_load((ROOT / "tests/expected/metadata.yaml").read_text(encoding="utf-8"))}
    keyed = []
    for path in source_files(SOURCES):
        for draft in read_source(path, path.name):
            keyed.append((expected[(path.name, draft.item)], normalize.build_notice(draft)))
    notices = unique_ids([n for _, n in keyed])
    return [(k, n) for (k, _), n in zip(keyed, notices)]


def _groups(pairs):
    return sorted(sorted(n.id for k2, n in pairs if k2 == k) for k in {k for k, _ in pairs})


def test_corpus_groups_match_event_keys_exactly(corpus):
    linked = link_duplicates([n for _, n in corpus])
    key = {n.id: k for k, n in corpus}
    for n in linked:
        assert sorted(n.duplicates) == sorted(o for o, k in key.items() if k == key[n.id] and o != n.id), n.id


def test_grouping_does_not_depend_on_input_order(corpus):
    notices = [n for _, n in corpus]
    first = {n.id: n.duplicates for n in link_duplicates(notices)}
    shuffled = notices[:]
    random.Random(7).shuffle(shuffled)
    assert {n.id: n.duplicates for n in link_duplicates(shuffled)} == first


def test_same_office_same_topic_different_event_is_not_merged(corpus):
    """The KIPO AI announcement of April and the July note are two events."""
    linked = {n.id: n for n in link_duplicates([n for _, n in corpus])}
    april = next(i for i in linked if i.startswith("2021-04-14-kipo"))
    july = next(i for i in linked if i.startswith("2021-07-02-"))
    assert july not in linked[april].duplicates


SIGNALS = [
    # (a, b, linked?) — each row exercises one signal
    (dict(body="one two three four five six seven eight nine ten"), dict(body="one two three four five six seven eight nine ten eleven", date=dt.date(2021, 9, 1)), True),
    (dict(body="abc", event=Event(dt.date(2021, 6, 22), dt.date(2021, 6, 23)), offices=("EPO", "JPO")),
     dict(body="会议举行。", lang="zh", event=Event(dt.date(2021, 6, 22), dt.date(2021, 6, 23)), offices=("JPO",)), True),
    (dict(body="abc", event=Event(dt.date(2021, 6, 22), dt.date(2021, 6, 23)), offices=("EPO",)),
     dict(body="会议举行。", lang="zh", event=Event(dt.date(2021, 6, 22), dt.date(2021, 6, 23)), offices=("KIPO",)), False),
    (dict(body="abc", event=Event(dt.date(2021, 6, 22), dt.date(2021, 6, 23))),
     dict(body="xyz", event=Event(dt.date(2021, 6, 22), dt.date(2021, 6, 23)), date=dt.date(2022, 6, 24)), False),
    (dict(body="PCT filings reached 275,900 in 2020, up 4%; ISA 2,500 and 3,000 in the pilot."),
     dict(body="PCT申请量达到275900件，增长4%，ISA试点2500件和3000件，2020年。", lang="zh"), True),
    (dict(body="PCT filings reached 275,900 in 2020, up 4%; ISA 2,500 and 3,000 in the pilot."),
     dict(body="PCT申请量达到275900件，增长4%，ISA试点2500件和3000件，2020年。", lang="zh", date=dt.date(2021, 9, 1)), False),
]


@pytest.mark.parametrize("a,b,linked", SIGNALS)
def test_signals(a, b, linked):
    x, y = _notice("a", **a), _notice("b", **b)
    out = link_duplicates([x, y])
    assert (out[0].duplicates == ("b",)) is linked


def test_anchors_are_language_independent():
    assert {"275900", "4%", "PCT"} <= anchors("PCT filings reached 275,900, up 4%") & anchors("PCT申请量达到275900件，增长4%")


_MEETING = Event(dt.date(2021, 6, 22), dt.date(2021, 6, 23))
_OFFICE_REPORT = ("The IP5 heads met on 22 and 23 June 2021 (JPO host). They adopted a joint statement on NET and AI, "
                  "reviewed PPH, PHEP and the ICT strategy, the WG1, WG2 and TF-DX work, the PCT and the 2,500 and "
                  "3,000 figures of the CSP, and heard the EPO, KIPO, CNIPA, USPTO and WIPO.")
_FIRM_NOTE = "Last week the IP5 heads adopted a joint statement on NET and AI, and took stock of PPH and PHEP (JPO, EPO)."
_FIVE = ("CNIPA", "EPO", "JPO", "KIPO", "USPTO")

MIXED_EVENT = [
    # (undated report's date, its body, linked?): one report has the meeting's dates, the other says "last week"
    (dt.date(2021, 7, 20), _FIRM_NOTE, True),  # the same period, the same distinctive anchors
    (dt.date(2021, 10, 1), _FIRM_NOTE, False),  # three months later: another meeting's report
    (dt.date(2021, 7, 2), "The IP5 offices (JPO, EPO, KIPO, CNIPA, USPTO) published statistics for 2021.", False),
]


@pytest.mark.parametrize("date,body,linked", MIXED_EVENT)
def test_a_report_without_event_dates_joins_the_dated_report_of_its_meeting(date, body, linked):
    dated = _notice("a", _OFFICE_REPORT, date=dt.date(2021, 8, 30), event=_MEETING, offices=_FIVE)
    undated = _notice("b", body, date=date, offices=("EPO", "JPO"))
    out = link_duplicates([dated, undated])
    assert (out[0].duplicates == ("b",)) is linked


ONE_DAY = Event(dt.date(2024, 4, 1), dt.date(2024, 4, 1))


@pytest.mark.parametrize("other_body,linked", [
    ("特許庁は4月1日から特許料を改定しました。国際出願の調査手数料を引き下げました。", False),  # another rule, same day
    ("The PPH between the JPO and KIPO changes on 1 April: no priority papers needed.", True),  # a shared anchor
])
def test_a_single_day_event_needs_a_shared_anchor(other_body, linked):
    """1 April is the day many unrelated rules take effect: equal one-day event dates are not enough."""
    a = _notice("a", "특허청은 일본 특허청(JPO)과 PPH 요건을 4월 1일부터 완화한다.", lang="ko", event=ONE_DAY, offices=("JPO", "KIPO"))
    b = _notice("b", other_body, lang="ja" if "特許庁" in other_body else "en", event=ONE_DAY, offices=("JPO",))
    assert (link_duplicates([a, b])[0].duplicates == ("b",)) is linked
