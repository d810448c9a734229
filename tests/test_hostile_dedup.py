"""Duplicate detection as an attack surface: a source may propose a link, never
impose one, and no notice can hide an office's own notice of another text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ip5pub.collect import stories
from ip5pub.dedup import link_duplicates
from ip5pub.model import Event, Notice, SourceRef

from conftest import SOURCES, run_cli

MEETING = Event(dt.date(2021, 6, 22), dt.date(2021, 6, 23))
OFFICIAL = ("The heads of the five offices met by video link and agreed a joint statement on new technologies "
            "and artificial intelligence, to be published next month.")
HOSTILE = "Patent offices stop examining applications from tomorrow, a spokesperson said, until further notice."


def _notice(id_: str, body: str, *, office: str | None = None, date=dt.date(2021, 6, 24), event=None,
            duplicates: tuple[str, ...] = (), language: str = "en") -> Notice:
    return Notice(id=id_, title=id_, date=date, office=office, publisher=office or "A blog", language=language,
                  summary="", source=SourceRef(id_, "", "text"), body=body, offices=("EPO", "JPO"), event=event,
                  duplicates=duplicates)


def _shown(notices: list[Notice]) -> list[str]:
    return sorted(s.notice.id for s in stories(link_duplicates(notices), "en"))


@pytest.mark.parametrize("office", [None, "EPO"])
def test_a_claimed_duplicate_that_the_signals_deny_hides_nothing(office):
    """The reported attack: `duplicates: [the office's id]` and an earlier date."""
    real = _notice("b-epo-real", OFFICIAL, office="EPO")
    fake = _notice("a-fake", HOSTILE, office=office, date=dt.date(2021, 6, 23), duplicates=("b-epo-real",))
    linked = {n.id: n for n in link_duplicates([real, fake])}
    assert linked["a-fake"].duplicates == () and linked["b-epo-real"].duplicates == ()
    assert _shown([real, fake]) == ["a-fake", "b-epo-real"]


def test_a_claimed_duplicate_that_the_signals_confirm_is_linked():
    copy = OFFICIAL + " Republished with permission."
    real = _notice("b-epo-real", OFFICIAL, office="EPO")
    republished = _notice("a-copy", copy, date=dt.date(2021, 6, 25), duplicates=("b-epo-real",))
    assert [n.duplicates for n in link_duplicates([real, republished])] == [("a-copy",), ("b-epo-real",)]
    assert _shown([real, republished]) == ["b-epo-real"]  # the office's own copy is the one shown


def test_ids_a_source_names_outside_the_set_are_dropped():
    lone = _notice("a", OFFICIAL, duplicates=("2021-06-24-epo-something-else",))
    assert link_duplicates([lone])[0].duplicates == ()


def test_a_third_party_report_of_the_event_never_displaces_the_offices_notice():
    """Linked by the event signal (same dates, offices agree), earlier, other text: shown under the office's."""
    real = _notice("b-epo-real", OFFICIAL, office="EPO", event=MEETING)
    report = _notice("a-blog", HOSTILE, date=dt.date(2021, 6, 23), event=MEETING)
    out = stories(link_duplicates([real, report]), "en")
    assert [(s.notice.id, [n.id for n in s.also]) for s in out] == [("b-epo-real", ["a-blog"])]


def test_one_offices_two_texts_on_one_event_are_two_notices():
    """A notice claiming the office's name, with the event's dates and another text, does not replace its notice."""
    real = _notice("b-epo-real", OFFICIAL, office="EPO", event=MEETING)
    claimed = _notice("a-epo-claimed", HOSTILE, office="EPO", date=dt.date(2021, 6, 23), event=MEETING)
    assert _shown([real, claimed]) == ["a-epo-claimed", "b-epo-real"]
    translated = _notice("c-epo-de", "Die Leiter der fünf Ämter trafen sich.", office="EPO", event=MEETING,
                         language="de")
    assert _shown([real, translated]) == ["b-epo-real"]  # the office's translation is still the same notice


def test_a_front_matter_duplicates_claim_hides_nothing_in_the_outputs(tmp_path):
    seed = SOURCES / "cnipa-2021-06-29-ip5-heads-meeting.txt"
    ws = tmp_path / "ws"
    (ws / "sources").mkdir(parents=True)
    (ws / "sources" / seed.name).write_bytes(seed.read_bytes())
    (ws / "sources" / "aaa.md").write_text(
        "---\ntitle: Offices suspend all examination\ndate: 2021-06-28\noffice: CNIPA\n"
        "duplicates: [2021-06-29-cnipa-the-14th-ip5-heads-of-offices-meeting-held]\n---\n\n" + HOSTILE + "\n")
    run_cli("render", "-f", "txt", cwd=ws)
    digest = " ".join((ws / "build/digest.txt").read_text().split())
    assert "The 14th IP5 Heads of Offices Meeting Held" in digest and "Offices suspend all examination" in digest
    notice = next(Path(ws / "build/notices").glob("*suspend*")).read_text()
    assert "duplicates: []" in notice
