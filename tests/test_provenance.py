"""Where each field came from: every reader records it, for every source shape
of the corpus (sources/ and tests/pages/), with the candidates that lost and
why; it is kept in the cache and out of the front matter."""

from __future__ import annotations

from pathlib import Path

import pytest

from ip5pub.notices import expand, normalize_sources
from ip5pub.cache import Cache
from ip5pub.model import Notice
from ip5pub.normalize import to_markdown
from ip5pub.provenance import FRONT_MATTER, SIDECAR

ROOT = Path(__file__).resolve().parent.parent
CORPUS = [ROOT / "sources", ROOT / "tests" / "pages"]


@pytest.fixture(scope="module")
def corpus() -> dict[tuple[str, int | None], Notice]:
    outcome = normalize_sources(expand(CORPUS), base=ROOT)
    assert not outcome.errors
    return {(Path(n.provenance.file).name, n.provenance.item): n for n in outcome.notices}


# (source, item, field, where it came from): one row per shape and per way a field is decided.
ORIGINS = [
    # plain text copied from an office site
    ("cnipa-2021-06-29-ip5-heads-meeting.txt", None, "title", "the line above the date and source lines"),
    ("cnipa-2021-06-29-ip5-heads-meeting.txt", None, "date", "the date line under the title (6 29,2021)"),
    ("cnipa-2021-06-29-ip5-heads-meeting.txt", None, "office", "the source line names the office"),
    ("cnipa-2021-06-29-ip5-heads-meeting.txt", None, "attribution", "the source line at the end of the text"),
    ("cnipa-2021-06-29-ip5-heads-meeting.txt", None, "translated_from", "the source line says it is a translation"),
    ("cnipa-2021-06-29-ip5-heads-meeting.txt", None, "summary", "the first sentence of the text"),
    ("cnipa-2021-06-29-ip5-heads-meeting.txt", None, "event", "the dates the lead's first two sentences report"),
    ("txt-newsletter-2024-11-29-riyadh-design-law-treaty.txt", None, "publisher", "the masthead above the title"),
    ("txt-uspto-2020-08-03-fee-rule-fy2020.txt", None, "publisher", "the mail footer's sender line"),
    ("docx-wipo-2023-02-28-pct-filings-2022.docx", None, "publisher",
     "the office's official name, for 'WIPO' (the source line under the title)"),
    ("plain-epo-2021-06-24-ip5-heads-virtual-meeting.txt", None, "office", "the publisher's name is the office's"),
    ("txt-cnipa-2019-06-17-ip5-heads-incheon-zh.txt", None, "office",
     "the breadcrumb above the title names the office"),
    ("txt-kipo-2019-06-14-ip5-heads-incheon.txt", None, "body", "the lines under the title, without 4 footer line(s)"),
    # Markdown: front matter, or a heading and date lines
    ("md-kipo-2021-07-02-ai-examination.md", None, "title", FRONT_MATTER),
    ("md-kipo-2021-07-02-ai-examination.md", None, "publisher", FRONT_MATTER),
    ("md-kipo-2021-07-02-ai-examination.md", None, "language", "detected from the title and text"),
    ("md-kipo-2021-07-02-ai-examination.md", None, "body", "the text after the front matter"),
    # Word
    ("docx-wipo-2023-02-28-pct-filings-2022.docx", None, "title", "the document's first paragraph"),
    ("docx-wipo-2023-02-28-pct-filings-2022.docx", None, "date", "the date line under the title"),
    # feeds: RSS items and Atom entries, numbered from 1
    ("rss-ipasiawire-2021-06-25-office-news.xml", 1, "title", "the item's <title>"),
    ("rss-ipasiawire-2021-06-25-office-news.xml", 1, "date", "the item's <pubDate>"),
    ("rss-ipasiawire-2021-06-25-office-news.xml", 1, "publisher", "the feed's title"),
    ("rss-ipasiawire-2021-06-25-office-news.xml", 3, "body", "the item's <description>"),
    ("atom-uspto-2025-01-14-press-releases.atom", 2, "date", "the entry's <published>"),
    ("atom-uspto-2025-01-14-press-releases.atom", 2, "office", "host of the feed's link (www.uspto.gov)"),
    ("atom-uspto-2025-01-14-press-releases.atom", 2, "body", "the entry's <content>"),
    # saved web pages
    ("html-epo-2021-06-23-ip5-heads-meeting.html", None, "title", "h1 named by the page's title"),
    ("html-epo-2021-06-23-ip5-heads-meeting.html", None, "date", "date element with the headline (<time>)"),
    ("html-epo-2021-06-23-ip5-heads-meeting.html", None, "office", "host of the page's address (www.epo.org)"),
    ("html-epo-2021-06-23-ip5-heads-meeting.html", None, "publisher", "og:site_name"),
    ("html-kipo-2021-06-24-ip5-heads-meeting-ko.html", None, "title", "board table title cell named by the page's title"),
    ("html-kipo-2021-06-24-ip5-heads-meeting-ko.html", None, "office", "<title> suffix names the office"),
    ("html-cnipa-2020-11-24-cnipa-isa-pilot-zh.html", None, "office", "sitename names the office"),
    ("html-lawfirm-2021-07-20-ip5-heads-meeting.html", None, "attribution", "the source line at the end of the text"),
    ("kipo-board-2024-03-12-pph-ko.html", None, "title", "board table title cell"),
    ("kipo-en-2024-06-21-ip5-heads-seoul.html", None, "title", "h4"),
    ("date-wipo-jsonld-graph-2024-07-10.html", None, "date", "JSON-LD datePublished"),
    ("date-epo-dateline-2024-09-12.html", None, "date", "press-release dateline opening the first paragraph"),
    ("date-lawfirm-blog-footer-2024-03-07.html", None, "date", "date marked as datePublished in the article (<time>)"),
    ("date-placeholder-meta-2024-02-21.html", None, "date", "update date: meta og:updated_time"),
    ("date-blog-engine-2024-05-16.html", None, "publisher", "nothing in the source names one"),
]


@pytest.mark.slow
@pytest.mark.parametrize("source,item,field,origin", ORIGINS, ids=lambda v: v if isinstance(v, str) else "")
def test_each_field_says_where_it_came_from(corpus, source, item, field, origin):
    assert corpus[(source, item)].provenance.source(field) == origin


def test_every_corpus_notice_says_where_each_of_its_fields_came_from(corpus):
    for key, n in corpus.items():
        always = ["title", "date", "publisher", "language", "summary", "offices", "acronyms", "body"]
        optional = [f for f in ("office", "event", "attribution", "translated_from") if getattr(n, f)]
        missing = [f for f in always + optional if not n.provenance.source(f)]
        assert not missing, f"{key}: no origin for {missing}"
        assert n.provenance.file.endswith(key[0])  # the file read: where its sidecar goes


LOST = [
    # the title fields that were only the site's name lost to the printed headline
    ("kipo-board-2024-03-12-pph-ko.html", "title", ("특허청", "og:title", "only the site's name")),
    ("epo-2024-06-03-unitary-patent-standfirst.html", "title",
     ("European Patent Office", "<title>", "only the site's name")),
    # the other names of the site lost to the one most trusted
    ("html-epo-2021-06-23-ip5-heads-meeting.html", "publisher", ("Epo.org", "<title> suffix", "og:site_name comes first")),
    # the other dates the page states, each with why it lost
    ("date-wipo-jsonld-graph-2024-07-10.html", "date",
     ("2024-07-15", "update date: JSON-LD dateModified", "the publication date in the page's meta tags comes first")),
    ("date-lawfirm-blog-footer-2024-03-07.html", "date",
     ("2024-03-12", "update date: meta og:updated_time", "the article's date markup comes first")),
]


@pytest.mark.parametrize("source,field,rival", LOST, ids=lambda v: v if isinstance(v, str) else "")
def test_competing_candidates_say_why_they_lost(corpus, source, field, rival):
    origin = corpus[(source, None)].provenance.get(field)
    assert origin is not None and rival in [(r.value, r.origin, r.why) for r in origin.rivals]


def test_what_confirms_a_value_is_kept_beside_it(corpus):
    date = corpus[("html-epo-2021-06-23-ip5-heads-meeting.html", None)].provenance.get("date")
    assert date is not None and "meta article:published_time" in date.also
    title = corpus[("html-epo-2021-06-23-ip5-heads-meeting.html", None)].provenance.get("title")
    assert title is not None and set(title.also) == {"og:title", "<title>"}


def test_a_weak_source_is_marked(corpus):
    weak = {k[0]: f for k, n in corpus.items() for f in ("title", "date") if n.provenance.get(f).weak}  # type: ignore[union-attr]
    assert weak == {"date-placeholder-meta-2024-02-21.html": "date"}


def test_a_sidecar_correction_keeps_what_it_replaced(tmp_path):
    page = tmp_path / "notice.txt"
    page.write_text("EPO opens a help desk\nDate: 2021-06-30\n\nThe EPO opened a help desk for applicants.\n")
    (tmp_path / "notice.txt.meta.yaml").write_text("title: EPO opens a help desk for applicants\noffice: EPO\n")
    (n,) = normalize_sources([page], base=tmp_path).notices
    title = n.provenance.get("title")
    assert title is not None and title.source == SIDECAR
    assert [(r.value, r.origin, r.why) for r in title.rivals] == [
        ("EPO opens a help desk", "the line above the date and source lines", "the sidecar wins")]
    assert title.before is not None and title.before.source == "the line above the date and source lines"
    assert n.provenance.source("office") == SIDECAR and n.provenance.source("date").startswith("the date line")


def test_provenance_is_kept_in_the_cache_and_out_of_the_front_matter(tmp_path):
    source = ROOT / "sources" / "html-epo-2021-06-23-ip5-heads-meeting.html"
    fresh = normalize_sources([source], base=ROOT, cache=Cache(tmp_path))
    cached = normalize_sources([source], base=ROOT, cache=Cache(tmp_path))
    assert cached.cached == 1 and fresh.cached == 0
    assert cached.notices[0].provenance == fresh.notices[0].provenance
    assert fresh.notices[0].provenance.source("title") == "h1 named by the page's title"
    text = to_markdown(fresh.notices[0])
    assert "provenance" not in text and "h1 named" not in text and "og:site_name" not in text


@pytest.mark.slow
def test_provenance_is_the_same_in_every_build(corpus):
    again = normalize_sources(expand(CORPUS), base=ROOT)
    assert {(Path(n.provenance.file).name, n.provenance.item): n.provenance for n in again.notices} == \
        {k: n.provenance for k, n in corpus.items()}


def test_the_summary_says_which_paragraphs_it_passed_over_and_why(tmp_path):
    page = tmp_path / "notice.txt"
    page.write_text("EPO opens a help desk\nDate: 2021-06-30 | Source: EPO\n\nHome > News > Press releases\n\n"
                    "Press release\n\nThe EPO opened a help desk for applicants on 30 June 2021.\n")
    (n,) = normalize_sources([page], base=tmp_path).notices
    summary = n.provenance.get("summary")
    assert n.summary == "The EPO opened a help desk for applicants on 30 June 2021."
    assert summary is not None and summary.source == "the first sentence of paragraph 3"
    assert [(r.value, r.origin, r.why) for r in summary.rivals] == [
        ("Home > News > Press releases", "paragraph 1", "reads as page furniture"),
        ("Press release", "paragraph 2", "a label, not a sentence")]
