"""Dates: one table per parsing rule, one per step of a page's date precedence.

The pages here are a few lines each, written for the rule they test; whole
pages modelled on real sites are in tests/pages/ (tests/expected/pages-dates.yaml).
"""

from __future__ import annotations

import datetime as dt

import pytest

from ip5pub.extract.dates import AmbiguousDate, ImpossibleDate, day_first_for, parse_date
from ip5pub.extract.pagedate import candidates, dateline, find_date
from ip5pub.model import Draft, SourceError, SourceRef
from ip5pub.normalize import build_notice
from ip5pub.readers.html import parse_tree
from ip5pub.readers.text import parse_text

D = dt.date

# (text, day_first, expected): every shape a date line takes on the offices' and republishers' pages.
PARSED = [
    # year first: never ambiguous
    ("2021-06-29", None, D(2021, 6, 29)),
    ("2021.04.14", None, D(2021, 4, 14)),
    ("2021/6/29", None, D(2021, 6, 29)),
    ("2021. 6. 29.", None, D(2021, 6, 29)),
    ("2021년 6월 29일", None, D(2021, 6, 29)),
    ("2021年06月24日", None, D(2021, 6, 24)),
    ("令和3年6月29日", None, D(2021, 6, 29)),
    ("令和元年5月1日", None, D(2019, 5, 1)),
    ("平成31年4月30日", None, D(2019, 4, 30)),
    # an ISO timestamp gives the day in its own offset, never converted to UTC
    ("2021-03-16T23:20:00-05:00", None, D(2021, 3, 16)),
    ("2021-03-17T00:30:00+09:00", None, D(2021, 3, 17)),
    ("Tue, 16 Mar 2021 23:20:00 -0500", None, D(2021, 3, 16)),
    # day first with dots or dashes, whatever the language
    ("24.06.2021", None, D(2021, 6, 24)),
    ("05.12.2026", None, D(2026, 12, 5)),
    ("2.10.20", None, D(2020, 10, 2)),
    ("24-06-2021", None, D(2021, 6, 24)),
    ("Stand: 12.5.2020, 14:00 Uhr", None, D(2020, 5, 12)),
    # month names in seven languages, either order
    ("19. Juli 2014", None, D(2014, 7, 19)),
    ("Veröffentlicht am 3. März 2020", None, D(2020, 3, 3)),
    ("15 mai 2019", None, D(2019, 5, 15)),
    ("1er août 2019", None, D(2019, 8, 1)),
    ("3 de marzo de 2020", None, D(2020, 3, 3)),
    ("12 de dezembro de 2022", None, D(2022, 12, 12)),
    ("7 settembre 2021", None, D(2021, 9, 7)),
    ("14 maart 2023", None, D(2023, 3, 14)),
    ("July 02, 2021", None, D(2021, 7, 2)),
    ("Posted Jun. 29 2021 by the team", None, D(2021, 6, 29)),
    ("23-Jul-2020", None, D(2020, 7, 23)),
    ("Updated: 6 29,2021", None, D(2021, 6, 29)),
    # slashes: certain when a part is over 12, else the page's language decides
    ("17/02/2022", None, D(2022, 2, 17)),
    ("06/29/2021", None, D(2021, 6, 29)),
    ("05/12/2026", True, D(2026, 12, 5)),
    ("05/12/2026", False, D(2026, 5, 12)),
    ("05/05/2026", None, D(2026, 5, 5)),
    # not dates
    ("version 1.2.3", None, None),
    ("10.9.3.190", None, None),
    ("no date here", None, None),
]


@pytest.mark.parametrize("text,day_first,expected", PARSED)
def test_parse_date(text, day_first, expected):
    assert parse_date(text, day_first=day_first) == expected


@pytest.mark.parametrize("text", ["05/12/2026", "Published 3/4/2024", "1/2/24"])
def test_an_ambiguous_numeric_date_is_never_guessed(text):
    with pytest.raises(AmbiguousDate) as caught:
        parse_date(text)
    month_first, day_first = caught.value.readings
    assert month_first != day_first
    assert month_first.isoformat() in str(caught.value) and day_first.isoformat() in str(caught.value)


@pytest.mark.parametrize("text", ["31.02.2021", "2021-13-01", "Updated: 13 45,2021", "31 juin 2020"])
def test_a_date_shaped_text_that_names_no_day_is_an_error(text):
    with pytest.raises(ImpossibleDate):
        parse_date(text)


@pytest.mark.parametrize("tag,expected", [
    ("de", True), ("de-CH", True), ("fr_FR", True), ("en-GB", True), ("en-au", True), ("it", True),
    ("en-US", False), ("en", None), ("en-CA", None), ("ja", None), ("zh-CN", None), ("ko", None),
    (None, None), ("", None), ("x-default", None),
])
def test_what_a_language_says_about_day_and_month_order(tag, expected):
    assert day_first_for(tag) == expected


@pytest.mark.parametrize("text,expected", [
    ("Karlsruhe, (12.11.2021). Traditionally the offices", D(2021, 11, 12)),
    ("MUNICH, 3 March 2020 – The office said", D(2020, 3, 3)),
    ("27.1.2022 - On the day of", D(2022, 1, 27)),
    ("(18.01.2018) Farmers fear", D(2018, 1, 18)),
    ("On 5 May 2020, the office announced", None),
    ("The meeting of 22 June 2021 agreed", None),
])
def test_a_press_release_dateline_opens_the_first_paragraph(text, expected):
    assert dateline(text, True) == expected


def _page(body: str, head: str = "", lang: str = "en-GB") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><title>Offices agree a pilot | Example</title>{head}</head>'
            f"<body>{body}</body></html>")


LEAD = "<p>The offices agreed to extend the pilot programme for another two years after a review.</p>"

# (what the page shows, expected date, why): the precedence of pagedate's module docstring, step by step.
PRECEDENCE = [
    (_page(f'<article><h1>Offices agree a pilot</h1><p class="date">24.06.2021</p>{LEAD}</article>',
           '<meta property="article:published_time" content="2021-06-23T22:30:00Z">'),
     D(2021, 6, 24), "the date shown with the headline beats a meta tag a day off (a UTC timestamp)"),
    (_page(f'<h1>Offices agree a pilot</h1><div class="meta">By Jo Li · <time datetime="2021-06-24">24 June</time></div>'
           f'{LEAD}<aside class="related"><p class="date">01.01.2021</p></aside>'),
     D(2021, 6, 24), "a <time> in the byline block"),
    (_page(f'<p class="date">令和3年6月29日</p><h1>Offices agree a pilot</h1>{LEAD}<p class="update">[更新日 2021年7月1日]</p>',
           lang="ja"),
     D(2021, 6, 29), "a date just above the headline beats an update line at the bottom"),
    (_page(f'<h1>Offices agree a pilot</h1><table class="view"><tr><th>작성일</th><td>2021.04.14</td>'
           f'<th>조회수</th><td>1,532</td></tr></table>{LEAD}', lang="ko"),
     D(2021, 4, 14), "a board's metadata table under the headline"),
    (_page(f'<h1>Offices agree a pilot</h1>{LEAD}<p>More text of the article follows here.</p>'
           '<p class="news-meta">Veröffentlicht am 3. März 2020</p>', lang="de"),
     D(2020, 3, 3), "a labelled date line in the post's footer"),
    (_page(f'<h1>Offices agree a pilot</h1>{LEAD}',
           '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", '
           '"name": "Example"}, {"@type": "NewsArticle", "headline": "Offices agree a pilot", "publisher": {"@type": '
           '"Organization", "name": "Example"}, "datePublished": "2021-06-24T18:00:00-04:00", '
           '"dateModified": "2021-07-02T09:00:00-04:00"}]}</script>'),
     D(2021, 6, 24), "JSON-LD datePublished inside @graph, in its own offset, before dateModified"),
    (_page(f'<h1>Offices agree a pilot</h1>{LEAD}',
           '<meta property="article:published_time" content="0001-01-01T00:00:00Z">'
           '<meta name="dc.date" content="1970-01-01"><meta property="og:updated_time" content="2021-07-02T10:00:00+02:00">'),
     D(2021, 7, 2), "placeholder dates are not dates; og:updated_time only when nothing else"),
    (_page(f'<h1>Offices agree a pilot</h1>{LEAD}',
           '<meta property="og:updated_time" content="2021-07-02"><meta name="dcterms.issued" content="2021-06-24">'),
     D(2021, 6, 24), "a publication meta key beats an update key"),
    (_page(f'<h1>Offices agree a pilot</h1><p class="date">04/05/2024</p>{LEAD}',
           '<meta property="article:published_time" content="2024-04-05T09:00:00+02:00">', lang="en"),
     D(2024, 4, 5), "the page's own markup decides the order of an ambiguous visible date"),
    (_page(f'<h1>Offices agree a pilot</h1><p class="date">04/05/2024</p>{LEAD}', lang="en-US"),
     D(2024, 4, 5), "US English writes month first"),
    (_page(f'<h1>Offices agree a pilot</h1><p class="date">04/05/2024</p>{LEAD}', lang="fr"),
     D(2024, 5, 4), "French writes day first"),
    (_page(f'<h1>Offices agree a pilot</h1>{LEAD}', '<meta name="date" content="11/01/2023 12:43:42">', lang="de"),
     None, "a server's slashed meta value is not read in the page's language"),
    (_page('<h1>Offices agree a pilot</h1><p>MUNICH, 12 September 2024 – The offices agreed to extend the pilot '
           'programme for another two years.</p><aside class="sidebar"><p class="date">1 September 2024</p></aside>'),
     D(2024, 9, 12), "a press-release dateline, not a side box's date"),
    (_page(f'<div class="blog"><h2 class="date-header">Thursday, May 16, 2024</h2><div class="post">'
           f'<h3 class="post-title">Offices agree a pilot</h3>{LEAD}</div></div>'
           '<div class="sidebar widget"><ul><li><span class="date">May 2, 2024</span></li></ul></div>', lang="en"),
     D(2024, 5, 16), "a blog engine's date header above the post title"),
    (_page(f'<h1>Offices agree a pilot</h1><p>The meeting was held on 22 June 2021.</p>{LEAD}'
           '<div class="comments"><p class="date">Posted: 25 June 2021</p></div>'),
     None, "a date in the article's prose or a visitor's comment does not date the page"),
    (_page(f'<h1>Offices agree a pilot</h1>{LEAD}<div class="related-news"><ul><li>Older story '
           '<span class="date">2021-05-01</span></li></ul></div>'),
     None, "a related story's date does not date the page"),
    (_page(f'<div class="newsContent"><dl class="newsTitle"><dt>Offices agree a pilot</dt></dl>'
           f'기사입력 :[ 2021-06-24 15:24 ]{LEAD}</div>', lang="ko"),
     D(2021, 6, 24), "a labelled line in the block that holds the headline"),
    (_page('<article class="post"><header class="entry-header"><ul class="entry-meta"><li><time class="updated" '
           'datetime="2021-06-24T08:00:00+00:00">June 24, 2021</time></li></ul></header>'
           f'<div class="entry-content">{LEAD}</div></article>'
           '<footer><p><a href="/">Offices agree a pilot</a></p></footer>', lang="en-US"),
     D(2021, 6, 24), "an <article>'s own header is not furniture, even when the headline found is elsewhere"),
]


@pytest.mark.parametrize("html,expected,why", PRECEDENCE, ids=[p[2] for p in PRECEDENCE])
def test_page_date_precedence(html, expected, why):
    date, _ = find_date(parse_tree(html), "Offices agree a pilot", "The offices agreed t")
    assert date == expected, why


def test_itemprop_date_in_the_article_beats_a_date_line():
    html = _page('<article><h1>Offices agree a pilot</h1><p>Updated 2 July 2021</p>'
                 '<span itemprop="datePublished" content="2021-06-24">24 June 2021</span>' + LEAD + "</article>")
    found, _ = candidates(parse_tree(html), "Offices agree a pilot", "The offices agreed t")
    best = min(found, key=lambda c: (c.step, c.distance))
    assert (best.date, best.step) == (D(2021, 6, 24), 1)


def test_an_ambiguous_date_line_is_refused_with_the_dates_to_write():
    html = _page(f'<h1>Offices agree a pilot</h1><p class="date">05/12/2026</p>{LEAD}', lang="en")
    date, error = find_date(parse_tree(html), "Offices agree a pilot", "The offices agreed t")
    assert date is None and "2026-05-12" in error and "2026-12-05" in error


def _normalize(hints: dict, path: str = "sources/x.html", item: int | None = None) -> None:
    ref = SourceRef(path=path, sha256="0" * 64, format="html", item=item)
    build_notice(Draft(body="The offices agreed to extend the pilot.\n", source=ref, hints=hints, item=item))


def test_no_date_says_which_sidecar_to_write():
    with pytest.raises(SourceError) as caught:
        _normalize({"title": "Offices agree a pilot"})
    assert str(caught.value) == ('sources/x.html: no publication date found; '
                                 'add "date: YYYY-MM-DD" to sources/x.html.meta.yaml')


def test_a_date_problem_is_said_with_the_sidecar_to_write():
    with pytest.raises(SourceError) as caught:
        _normalize({"title": "A pilot", "_date_problem": "date '05/12/2026' could be 2026-05-12 or 2026-12-05"},
                   path="sources/feed.rss", item=3)
    assert str(caught.value).endswith('2026-12-05; add "date: YYYY-MM-DD" under "items: {3: ...}" in sources/feed.rss.meta.yaml')


@pytest.mark.parametrize("line,expected", [
    ("05.12.2026", D(2026, 12, 5)),
    ("Datum: 05.12.2026", D(2026, 12, 5)),
    ("19. Juli 2014", D(2014, 7, 19)),
    ("Publié le 15 mai 2019", D(2019, 5, 15)),
    ("Date: 17/02/2022", D(2022, 2, 17)),
    ("2021-06-24 · Source: EPO", D(2021, 6, 24)),
])
def test_text_sources_read_the_same_date_lines(line, expected):
    hints, _ = parse_text(f"Offices agree a pilot\n{line}\n\nThe offices agreed to extend the pilot.\n")
    assert hints.get("date") == expected


def test_an_ambiguous_date_line_in_a_text_source_is_said_not_guessed():
    hints, _ = parse_text("Offices agree a pilot\n05/12/2026\n\nThe offices agreed to extend the pilot.\n")
    assert "date" not in hints and "2026-05-12" in hints["_date_problem"] and "2026-12-05" in hints["_date_problem"]


def test_a_feed_item_with_an_ambiguous_date_is_said_not_guessed(tmp_path):
    from ip5pub.notices import normalize_one
    from ip5pub.readers import read_items

    feed = tmp_path / "news.rss"
    feed.write_text('<rss version="2.0"><channel><title>Example News</title><link>https://news.example.com/</link>'
                    "<item><title>Offices agree a pilot</title><pubDate>05/12/2026</pubDate>"
                    "<description>The offices agreed to extend the pilot.</description></item>"
                    "<item><title>Second item</title><pubDate>24.06.2021</pubDate>"
                    "<description>The offices met again.</description></item></channel></rss>", encoding="utf-8")
    drafts, skipped = read_items(feed, "news.rss")
    assert [d.hints.get("date") for d in drafts] == [None, D(2021, 6, 24)]  # the first left to its sidecar
    notices, reasons = normalize_one(feed, "news.rss")
    assert [n.date for n in notices] == [D(2021, 6, 24)]
    assert reasons == ["item 1 (Offices agree a pilot): ambiguous date: '05/12/2026' could be 2026-05-12 or 2026-12-05"
                       '; add "date: YYYY-MM-DD" under "items: {1: ...}" in news.rss.meta.yaml']
