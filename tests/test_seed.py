"""The seed notice, field by field, and idempotence over every shipped sample."""

from __future__ import annotations

import datetime as dt

import pytest

from ip5pub import frontmatter, markdown, normalize
from ip5pub.notices import normalize_sources
from ip5pub.readers import read_source, source_files

from conftest import ROOT, SEED, SOURCES



@pytest.fixture(scope="module")
def seed():
    [draft] = read_source(SEED, "sources/" + SEED.name)
    return normalize.build_notice(draft)


def test_seed_is_shipped_verbatim():
    assert SEED.read_bytes() == (ROOT.parent / "shared/seeds/000_2306c2d4d4cd285d.txt").read_bytes() \
        if (ROOT.parent / "shared/seeds").is_dir() else SEED.is_file()


def test_seed_metadata(seed):
    assert seed.title == "The 14th IP5 Heads of Offices Meeting Held"
    assert seed.date == dt.date(2021, 6, 29)
    assert seed.office == "CNIPA"
    assert seed.publisher == "China National Intellectual Property Administration"
    assert seed.language == "en"
    assert seed.translated_from == "zh"
    assert seed.attribution == "Translated from CNIPA Website Chinese Version"
    assert (seed.event.start, seed.event.end) == (dt.date(2021, 6, 22), dt.date(2021, 6, 23))
    assert seed.offices == ("CNIPA", "EPO", "JPO", "KIPO", "USPTO", "WIPO")
    assert seed.summary == ("From June 22-23, 2021, the 14th IP5 Heads of Offices Meeting was held via video "
                            "conference, hosted by the Japan Patent Office (JPO) in rotation.")
    assert seed.source.format == "text" and len(seed.source.sha256) == 64
    assert seed.source.path == "sources/cnipa-2021-06-29-ip5-heads-meeting.txt"


def test_seed_acronyms_as_written(seed):
    assert seed.acronyms["PHEP"] == "Patent Harmonization Experts Panel"
    assert seed.acronyms["PPH"] == "Patent Prosecution Highway"
    assert seed.acronyms["NET"] == "new emerging technologies"
    assert seed.acronyms["USPTO"] == "United States Patent and Trademark Office"
    assert seed.acronyms["WIPO"] == "World Intellectual Property Organization"
    # Used but never spelled out in this notice: the office's official name.
    assert seed.acronyms["CNIPA"] == "China National Intellectual Property Administration"


def test_seed_body_keeps_every_paragraph_and_drops_header_lines(seed):
    source_paras = [p.strip() for p in SEED.read_text().split("\n\n")[1:]]
    body = markdown.to_plain(seed.body)
    for para in source_paras:
        para = para.replace("(Translated from CNIPA Website Chinese Version)", "")
        assert para in body
    assert "Updated:" not in body
    assert "Translated from" not in body
    assert seed.words == len(body.split())


def _normalized_texts(folder_or_files) -> dict[str, str]:
    outcome = normalize_sources(folder_or_files, base=ROOT)
    assert not outcome.errors, outcome.errors
    return {n.id: normalize.to_markdown(n) for n in outcome.notices}


@pytest.mark.slow
def test_normalizing_normalized_notices_changes_nothing(tmp_path):
    first = _normalized_texts(source_files(SOURCES))
    for notice_id, text in first.items():
        (tmp_path / f"{notice_id}.md").write_text(text, encoding="utf-8")
    second = _normalized_texts(source_files(tmp_path))
    assert second == first


def test_front_matter_round_trips_through_yaml(seed):
    text = normalize.to_markdown(seed)
    meta, body = frontmatter.split(text)
    assert meta["date"] == dt.date(2021, 6, 29)
    assert list(meta)[:6] == ["id", "title", "date", "office", "publisher", "language"]
    assert body.strip() == seed.body.strip()


def test_every_shipped_sample_normalizes():
    outcome = normalize_sources(source_files(SOURCES), base=ROOT)
    assert outcome.errors == []
    assert len(outcome.notices) >= 5
    assert len({n.id for n in outcome.notices}) == len(outcome.notices)


def test_markdown_with_partial_front_matter_gets_the_rest_filled_in():
    [draft] = read_source(SOURCES / "md-kipo-2021-07-02-ai-examination.md")
    notice = normalize.build_notice(draft)
    assert notice.title == "KIPO expands AI-assisted search for patent examiners"
    assert notice.date == dt.date(2021, 7, 2)
    assert notice.acronyms["KIPO"] == "Korean Intellectual Property Office"
    assert notice.offices == ("CNIPA", "JPO", "KIPO")
    assert notice.summary.startswith("The Korean Intellectual Property Office (KIPO) said on 1 July")
    assert "**Japan Patent Office**" in notice.body  # Markdown kept as written


@pytest.mark.parametrize("name, date", [
    ("plain-epo-2021-06-24-ip5-heads-virtual-meeting.txt", dt.date(2021, 6, 24)),
    ("plain-uspto-2021-06-29-pph-statistics.txt", dt.date(2021, 6, 29)),
    ("plain-wipo-2020-07-23-pct-filings-wrapped.txt", dt.date(2020, 7, 23)),
])
def test_plain_text_date_styles(name, date):
    [draft] = read_source(SOURCES / name)
    assert normalize.build_notice(draft).date == date


def test_hard_wrapped_text_is_joined_into_paragraphs():
    [draft] = read_source(SOURCES / "plain-wipo-2020-07-23-pct-filings-wrapped.txt")
    notice = normalize.build_notice(draft)
    paras = notice.body.strip().split("\n\n")
    assert len(paras) == 3
    assert "Patent\nCooperation" not in notice.body
