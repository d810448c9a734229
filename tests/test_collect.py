"""Collecting notices into a brief: representatives, who else reported, glossary, windows."""

from __future__ import annotations

import datetime as dt

from ip5pub.collect import make_brief, stories
from ip5pub.glossary import glossary
from ip5pub.model import UNKNOWN_PUBLISHER, Notice, SourceRef, Story, Window
from ip5pub.workspace import Config


def notice(id_: str, *, office: str | None = "EPO", publisher: str = "European Patent Office", language: str = "en",
           translated_from: str | None = None, date: str = "2021-06-24", duplicates: tuple[str, ...] = (),
           acronyms: dict[str, str] | None = None, body: str = "b\n") -> Notice:
    return Notice(id=id_, title=f"Title {id_}", date=dt.date.fromisoformat(date), office=office, publisher=publisher,
                  language=language, summary="s", source=SourceRef(f"sources/{id_}", "0" * 64, "text"), body=body,
                  duplicates=duplicates, translated_from=translated_from, acronyms=acronyms or {})


def test_representative_prefers_office_original_in_the_brief_language():
    group = ("a", "b", "c", "d")
    lawfirm = notice("a", office=None, publisher="Hanlin & Moore LLP", date="2021-06-20", duplicates=group)
    translation = notice("b", office="CNIPA", publisher="CNIPA", translated_from="zh", date="2021-06-21", duplicates=group)
    chinese = notice("c", office="CNIPA", publisher="CNIPA", language="zh", date="2021-06-22", duplicates=group)
    original = notice("d", office="EPO", date="2021-06-23", duplicates=group)
    [story] = stories([lawfirm, translation, chinese, original], "en")
    assert story.notice.id == "d"
    assert story.also_reported_by == ["CNIPA", "Hanlin & Moore LLP"]


def test_unknown_publishers_are_counted_not_named():
    main = notice("a", duplicates=("b", "c", "d"))
    unknowns = [notice(i, office=None, publisher=UNKNOWN_PUBLISHER, duplicates=("a",)) for i in "bc"]
    story = Story(main, tuple(unknowns) + (notice("d", office="JPO", publisher="JPO"),))
    assert story.also_reported_by == ["JPO"] and story.unnamed_reports == 2
    assert Story(main, (unknowns[0],)).also_reported_by == [] and Story(main, (unknowns[0],)).unnamed_reports == 1


def test_glossary_cites_the_earliest_story_that_defines_each_acronym():
    old = notice("old", date="2020-01-01", acronyms={"PPH": "Patent Prosecution Highway"})
    new = notice("new", date="2021-01-01", acronyms={"PPH": "Patent Prosecution Highway", "AI": "artificial intelligence"})
    brief = stories([new, old], "en")
    assert [s.notice.id for s in brief] == ["new", "old"]  # the brief reads newest first
    entries = glossary(brief)
    assert [(e.acronym, e.first_in.id) for e in entries] == [("AI", "new"), ("PPH", "old")]
    same_day = [notice("b", acronyms={"PPH": "Patent Prosecution Highway"}), notice("a", acronyms={"PPH": "Patent Prosecution Highway"})]
    assert glossary(stories(same_day, "en"))[0].first_in.id == "a"  # on one day: the first in the brief


def test_glossary_writes_common_terms_in_lower_case_and_proper_names_as_written():
    """One case per term, as the notices write it: capitals only for a name."""
    first = notice("first", date="2021-06-20", acronyms={
        "AI": "Artificial Intelligence", "NET": "New emerging technologies", "PCT": "Patent Cooperation Treaty",
        "R&D": "Research & Development", "IP5": "Five IP Offices", "AI/ML": "Artificial Intelligence/Machine Learning"},
        body="The office's machine learning pilot, run with the five IP offices, covers new emerging technologies.\n")
    later = notice("later", date="2021-06-22", acronyms={"AI": "artificial intelligence", "PCT": "Patent Cooperation Treaty"})
    chinese = notice("zh", language="zh", date="2021-06-21", acronyms={"PPH": "专利审查高速路"})
    entries = {e.acronym: e for e in glossary(stories([first, later, chinese], "en"), "en")}
    assert {k: e.expansion for k, e in entries.items()} == {
        "AI": "artificial intelligence",  # another notice writes it in lower case
        "NET": "new emerging technologies",  # a sentence's capital, the text writes it in lower case
        "AI/ML": "artificial intelligence/machine learning",  # each term written in lower case somewhere
        "IP5": "five IP offices",  # "IP" stays in capitals
        "PCT": "Patent Cooperation Treaty",  # no notice writes it in lower case: a name
        "R&D": "Research & Development",  # as written: nothing says otherwise
        "PPH": "专利审查高速路",  # CJK as written
    }
    assert entries["AI"].first_in.id == "first"  # cited from the earliest, in the case the notices agree on


def test_glossary_explains_an_acronym_in_a_language_the_reader_reads():
    """The brief's language first, then English, then the language it is defined in."""
    korean = notice("ko", language="ko", date="2021-06-20", acronyms={"AI": "인공지능", "IP5": "선진5개 특허청"})
    english = notice("en", date="2021-06-25", acronyms={"AI": "artificial intelligence"})
    for language, ai in (("fr", "artificial intelligence"), ("zh", "artificial intelligence"), ("ko", "인공지능")):
        entries = {e.acronym: e for e in glossary(stories([korean, english], language), language)}
        assert entries["AI"].expansion == ai, language
        assert entries["IP5"].expansion == "선진5개 특허청"  # defined in Korean only: as defined
    assert glossary(stories([korean, english], "fr"), "fr")[0].first_in.id == "en"


def test_window_and_office_selection():
    ns = [notice("a", date="2021-06-01"), notice("b", office="JPO", publisher="JPO", date="2021-06-15"),
          notice("c", office=None, publisher="X", date="2021-07-01")]
    brief = make_brief(ns, Config(), dt.date(2021, 7, 1), Window(since=dt.date(2021, 6, 10)))
    assert [s.notice.id for s in brief.stories] == ["c", "b"]
    brief = make_brief(ns, Config(), dt.date(2021, 7, 1), Window(offices=("OTHER", "EPO")))
    assert sorted(s.notice.id for s in brief.stories) == ["a", "c"]
    assert brief.counts_by_office == {"EPO": 1, "Other": 1}


def test_glossary_prefers_an_expansion_in_the_brief_language():
    korean = notice("ko", language="ko", date="2023-06-22", acronyms={"PPH": "특허심사하이웨이"})
    english = notice("en", date="2021-06-29", acronyms={"PPH": "Patent Prosecution Highway"})
    [entry] = glossary(stories([korean, english], "en"), "en")
    assert (entry.expansion, entry.first_in.id) == ("Patent Prosecution Highway", "en")
    [entry] = glossary(stories([korean], "en"), "en")
    assert entry.expansion == "특허심사하이웨이"  # no English definition: the one there is
