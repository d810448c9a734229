"""The HTML reader's rules, each on small pages written for it (table-driven where it fits)."""

from __future__ import annotations

from pathlib import Path

from ip5pub import markdown, normalize
from ip5pub.readers import read_source

LEAD = "The Japan Patent Office (JPO) will open its new online filing service to all applicants on 1 April 2024."
SECOND = "Applicants who file through the new service pay the same fees as before and receive a receipt at once."
THIRD = "The office will hold two online briefings in March for patent attorneys and their staff."


def _notice(tmp_path: Path, page: str, name: str = "page.html"):
    path = tmp_path / name
    path.write_text(page, encoding="utf-8")
    [draft] = read_source(path, name)
    return normalize.build_notice(draft)


def _paragraphs(notice) -> list[str]:
    return markdown.to_plain(notice.body).split("\n\n")


def test_an_article_laid_out_in_a_table_is_read_as_paragraphs(tmp_path):
    """Old CMS pages put the whole article in one layout cell: headline, date, paragraphs."""
    page = ("<html><head><title>New online filing service | Example IP News</title></head><body>"
            "<table width='100%'><tr><td class='menu'><a href='/'>Home</a><br><a href='/news'>News</a></td>"
            "<td><h1>New online filing service</h1><p>March 4, 2024</p>"
            f"<p>{LEAD}</p><p>{SECOND}</p><p>{THIRD}</p></td><td></td></tr></table></body></html>")
    n = _notice(tmp_path, page)
    assert n.title == "New online filing service"
    assert _paragraphs(n) == [LEAD, SECOND, THIRD]


def test_a_data_table_in_an_article_stays_a_table(tmp_path):
    page = ("<html><head><title>Fees for 2024 | Example IP News</title>"
            "<meta property='article:published_time' content='2024-03-04'></head><body>"
            f"<article><h1>Fees for 2024</h1><p>{LEAD}</p><table><tr><th>Fee</th><th>Yen</th></tr>"
            "<tr><td>Filing</td><td>14,000</td></tr><tr><td>Request for examination</td><td>138,000</td></tr></table>"
            f"<p>{SECOND}</p></article></body></html>")
    n = _notice(tmp_path, page)
    assert "| Filing | 14,000 |" in n.body and _paragraphs(n)[0] == LEAD


def test_a_refusal_says_which_line_fixes_it(tmp_path):
    """A page with a headline and text but no date anywhere: one line, with the sidecar line to add."""
    import pytest

    from ip5pub.model import SourceError

    page = f"<html><head><title>New online filing service | Example IP News</title></head><body><h1>New online filing service</h1><p>{LEAD}</p></body></html>"
    with pytest.raises(SourceError) as caught:
        _notice(tmp_path, page, "undated.html")
    assert str(caught.value) == ('undated.html: no publication date found; add "date: YYYY-MM-DD" to '
                                 "undated.html.meta.yaml")
    (tmp_path / "undated.html.meta.yaml").write_text("date: 2024-03-04\n", encoding="utf-8")
    assert _notice(tmp_path, page, "undated.html").date.isoformat() == "2024-03-04"


def test_a_hover_card_inside_a_sentence_is_not_text_but_the_name_it_hangs_on_is(tmp_path):
    page = ("<html><head><title>Fees | Example IP News</title>"
            "<meta property='article:published_time' content='2024-03-04'></head><body><article><h1>Fees</h1>"
            "<p>The <span class='rollover-people'><a href='#'>Japan Patent Office</a><span class='rollover-people-block'>"
            "<a href='#'>JPO opens a new office</a> <a href='#'>JPO cuts fees</a></span></span> (JPO) will open its new "
            "online filing service to all applicants on 1 April 2024, it said.</p>"
            "<p>The <span class='tooltip'>PCT<span class='tooltiptext'>Patent Cooperation Treaty</span></span> "
            f"fees stay as they are for applicants from every country.</p><p>{SECOND}</p></article></body></html>")
    assert _paragraphs(_notice(tmp_path, page)) == [
        "The Japan Patent Office (JPO) will open its new online filing service to all applicants on 1 April 2024, it said.",
        "The PCT fees stay as they are for applicants from every country.", SECOND]


def test_text_after_a_heading_without_a_paragraph_is_kept(tmp_path):
    """trafilatura keeps such text as the heading's tail: it is a paragraph of the article."""
    page = ("<html><head><title>Fees | Example IP News</title>"
            "<meta property='article:published_time' content='2024-03-04'></head><body><article><h1>Fees</h1>"
            f"<p>{LEAD}</p><h2>Background</h2>The fees were last changed in 2019, when the office cut the annual fees "
            f"for small firms.<p>{SECOND}</p></article></body></html>")
    assert _paragraphs(_notice(tmp_path, page)) == [
        LEAD, "Background", "The fees were last changed in 2019, when the office cut the annual fees for small firms.",
        SECOND]


def test_feed_titles_are_decoded_exactly_once(tmp_path):
    """RSS titles are escaped HTML: 'R&amp;amp;D' in the XML prints 'R&D'; an Atom text title keeps '&amp;'."""
    from ip5pub.readers import read_source

    rss = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Example IP News</title><link>https://example.org</link>'
           "<item><title>Fees for R&amp;amp;D</title><link>https://example.org/a</link>"
           "<pubDate>Mon, 02 May 2022 09:00:00 +0000</pubDate><description>&lt;p&gt;The JPO cut fees for research "
           "and development by small firms from 1 May 2022.&lt;/p&gt;</description></item></channel></rss>")
    atom = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Example</title>'
            '<entry><title type="text">What &amp;amp; means in HTML</title><link href="https://example.org/b"/>'
            "<updated>2022-05-02T09:00:00Z</updated><content type=\"html\">&lt;p&gt;An entity is written with an "
            "ampersand and a name in every page.&lt;/p&gt;</content></entry></feed>")
    (tmp_path / "f.rss").write_text(rss, encoding="utf-8")
    (tmp_path / "f.atom").write_text(atom, encoding="utf-8")
    assert [d.hints["title"] for d in read_source(tmp_path / "f.rss")] == ["Fees for R&D"]
    assert [d.hints["title"] for d in read_source(tmp_path / "f.atom")] == ["What &amp; means in HTML"]
