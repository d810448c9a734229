"""Readers on real bytes: every shape, every encoding, every way a source can be unreadable."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from ip5pub import markdown, normalize
from ip5pub.notices import normalize_sources
from ip5pub.model import SourceError
from ip5pub.readers import read_source, reader_for
from ip5pub.readers.html import page_hints

ARTICLE_ZH = ("2021年6月22日至23日，第十四次五局局长会议以视频会议形式举行。", "会议通过了联合声明。")
ARTICLE_JA = ("特許庁は、令和3年6月22日及び23日の2日間、五庁長官会合を開催しました。", "共同声明を採択しました。")
ARTICLE_KO = ("특허청은 6월 22일부터 23일까지 열린 IP5 청장회의에 참석했다고 밝혔다.", "공동성명을 채택했다.")


def _page(title: str, date_line: str, paras: tuple[str, ...], charset: str | None, lang: str, site: str) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>{title} - {site}</title></head><body>'
            f'<div class="nav"><a href="/">Home</a> | <a href="/news">News</a></div>'
            f'<div class="article"><h1>{title}</h1><div class="info">{date_line}</div>'
            f'<div class="content">{body}</div>'
            f'<div class="share">Share this: Facebook Twitter</div></div>'
            f'<div class="footer">Copyright &copy; {site}. All rights reserved.</div></body></html>')


def _read(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    drafts = read_source(path, name)
    return [normalize.build_notice(d) for d in drafts]


ENCODED_PAGES = [
    # (file name, codec, declared charset, title, date line, paragraphs, date, language)
    ("zh-gb18030.html", "gb18030", "gb2312", "五局局长会议召开", "发布时间：2021年06月24日", ARTICLE_ZH, dt.date(2021, 6, 24), "zh"),
    ("zh-gbk-undeclared.html", "gbk", None, "五局局长会议召开", "时间：2023-06-22", ARTICLE_ZH, dt.date(2023, 6, 22), "zh"),
    ("ja-sjis.html", "shift_jis", "Shift_JIS", "五庁長官会合の結果について", "令和3年6月29日", ARTICLE_JA, dt.date(2021, 6, 29), "ja"),
    ("ja-sjis-undeclared.html", "shift_jis", None, "五庁長官会合の結果について", "[更新日 2021年6月29日]", ARTICLE_JA, dt.date(2021, 6, 29), "ja"),
    ("ko-euckr.html", "euc-kr", "euc-kr", "특허청, IP5 청장회의 참석", "작성일 2021년 6월 29일", ARTICLE_KO, dt.date(2021, 6, 29), "ko"),
    ("ko-euckr-undeclared.html", "euc-kr", None, "특허청, IP5 청장회의 참석", "2021년 6월 29일", ARTICLE_KO, dt.date(2021, 6, 29), "ko"),
]


@pytest.mark.parametrize("name,codec,declared,title,date_line,paras,date,lang", ENCODED_PAGES)
def test_html_in_every_encoding(tmp_path, name, codec, declared, title, date_line, paras, date, lang):
    page = _page(title, date_line, paras, declared, lang, "Example Site")
    [n] = _read(tmp_path, name, page.encode(codec))
    assert (n.title, n.date, n.language) == (title, date, lang)
    plain = markdown.to_plain(n.body)
    for sentence in paras:
        assert sentence in plain
    assert "Share this" not in plain and "Copyright" not in plain and title not in plain


def test_text_with_bom_and_crlf(tmp_path):
    text = "\ufeffUSPTO sets new fees\r\nDate: 2019-06-14\r\n\r\nThe office published a rule.\r\nIt is long.\r\n"
    [n] = _read(tmp_path, "n.txt", text.encode("utf-8"))
    assert n.title == "USPTO sets new fees" and n.date == dt.date(2019, 6, 14)
    assert "\r" not in n.body and "The office published a rule. It is long." in n.body


def test_text_masthead_and_portal_header_fields(tmp_path):
    text = ("IP Weekly — Issue 7\n=================\n\nOffices agree new pilot\n"
            "Date: 2022-03-01  Source: Example Portal  Views: 99\n\nThe offices agreed a pilot.\n")
    [n] = _read(tmp_path, "n.txt", text.encode())
    assert (n.title, n.date, n.publisher, n.office) == ("Offices agree new pilot", dt.date(2022, 3, 1), "Example Portal", None)
    assert "Views" not in n.body and "IP Weekly" not in n.body


def test_content_wins_over_extension(tmp_path):
    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><title>X</title><item><title>A</title>' \
           b'<pubDate>Tue, 29 Jun 2021 08:00:00 GMT</pubDate><description>&lt;p&gt;Body one.&lt;/p&gt;</description></item></channel></rss>'
    assert reader_for(Path("x.txt"), feed).name == "feed"
    page = _page("Headline here", "2021-06-29", ("A sentence of the article.",), "utf-8", "en", "S").encode()
    assert reader_for(Path("x.xml"), page).name == "html"


REJECTED = [
    ("empty.txt", b"", "empty"),
    ("blank.html", b"   \n\n", "empty"),
    ("binary.txt", b"\x00\x01\x02PNG\x00" * 50, "binary"),
    ("impossible.txt", b"A title\nUpdated: 13 45,2021\n\nBody text.\n", "not a real date"),
    ("impossible.html", _page("A headline", "Updated: 13 45,2021", ("Body of the article here.",), "utf-8", "en", "S").encode(), "not a real date"),
    ("notitle.html", b"<html><body><p></p></body></html>", "title"),
    ("nodate.html", _page("A headline", "", ("Body of the article here.",), "utf-8", "en", "S").encode(), "date"),
    ("broken.rss", b"<rss><channel><item><title>x</title></item>", "not well-formed"),
    ("undecodable.txt", bytes(range(0x80, 0x100)) * 20, "decode"),
]


@pytest.mark.parametrize("name,data,reason", REJECTED)
def test_unreadable_sources_are_rejected_with_one_line(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SourceError) as exc:
        for draft in read_source(path, name):
            normalize.build_notice(draft)
    message = str(exc.value)
    assert message.startswith(name) and "\n" not in message
    assert reason in message.lower() or reason in message, message


def test_one_bad_source_does_not_stop_the_others(tmp_path):
    (tmp_path / "good.txt").write_text("Good title\nDate: 2021-01-02\n\nGood body.\n")
    (tmp_path / "bad.txt").write_bytes(b"")
    outcome = normalize_sources([tmp_path / "bad.txt", tmp_path / "good.txt"], base=tmp_path)
    assert [n.title for n in outcome.notices] == ["Good title"]
    assert [e.path for e in outcome.errors] == ["bad.txt"]


def test_feed_items_have_distinct_ids_and_their_index(tmp_path):
    item = ("<item><title>Same title</title><link>https://news.example.com/{i}</link>"
            "<pubDate>Tue, 29 Jun 2021 08:00:00 +0900</pubDate>"
            "<description><![CDATA[<p>Sentence {i} of the item.</p>]]></description></item>")
    feed = f'<rss version="2.0"><channel><title>Example News</title><link>https://news.example.com/</link>' \
           f'{item.format(i=0)}{item.format(i=1)}</channel></rss>'
    path = tmp_path / "f.rss"
    path.write_text(feed)
    outcome = normalize_sources([path], base=tmp_path)
    ids = [n.id for n in outcome.notices]
    assert len(set(ids)) == 2 and [n.source.item for n in outcome.notices] == [1, 2]
    assert all(n.publisher == "Example News" and n.office is None for n in outcome.notices)
    assert outcome.notices[0].source.url == "https://news.example.com/0"


def test_feed_does_not_expand_entities_or_read_files(tmp_path):
    xxe = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">' \
          b'<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' \
          b'<rss version="2.0"><channel><title>T</title><item><title>Item &x;&b;</title>' \
          b'<pubDate>Tue, 29 Jun 2021 08:00:00 GMT</pubDate><description>Body text of the item.</description>' \
          b'</item></channel></rss>'
    path = tmp_path / "x.rss"
    path.write_bytes(xxe)
    [draft] = read_source(path, "x.rss")
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\0"
    assert hostname not in draft.hints["title"] and "aaaaaaaaaa" not in draft.hints["title"]


def test_atom_xhtml_content(tmp_path):
    atom = """<feed xmlns="http://www.w3.org/2005/Atom"><title>USPTO Press Releases</title>
      <link rel="alternate" href="https://www.uspto.gov/news"/>
      <entry><title>Rule published</title><link rel="alternate" href="https://www.uspto.gov/news/1"/>
      <published>2024-11-14T10:00:00-05:00</published>
      <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>The rule takes effect on January 19, 2025.</p></div></content>
      </entry></feed>"""
    [n] = _read(tmp_path, "a.atom", atom.encode())
    assert (n.office, n.date, n.event.start) == ("USPTO", dt.date(2024, 11, 14), dt.date(2025, 1, 19))


def test_sidecar_overrides_what_was_extracted(tmp_path):
    (tmp_path / "n.txt").write_text("Wrong title\nDate: 2021-01-02\n\nThe EPO said something.\n")
    (tmp_path / "n.txt.meta.yaml").write_text("title: Right title\noffice: EPO\ndate: 2021-01-05\n")
    [n] = _read(tmp_path, "n.txt", (tmp_path / "n.txt").read_bytes())
    assert (n.title, n.office, n.date) == ("Right title", "EPO", dt.date(2021, 1, 5))


def test_sidecar_with_bad_yaml_is_named(tmp_path):
    (tmp_path / "n.txt").write_text("Title\nDate: 2021-01-02\n\nBody.\n")
    (tmp_path / "n.txt.meta.yaml").write_text("title: [unclosed\n")
    with pytest.raises(SourceError, match="sidecar n.txt.meta.yaml"):
        read_source(tmp_path / "n.txt", "n.txt")


def _docx(tmp_path: Path, md: str) -> bytes:
    import pypandoc

    out = tmp_path / "made.docx"
    pypandoc.convert_text(md, "docx", format="markdown", outputfile=str(out), extra_args=["--sandbox"])
    return out.read_bytes()


def test_docx_through_pandoc(tmp_path):
    data = _docx(tmp_path, "# KIPO extends AI search\n\nDate: 2021-07-02\n\nThe Korean Intellectual Property "
                           "Office (KIPO) said it will extend its tools.\n\nIt will report to the IP5 partners.\n")
    [n] = _read(tmp_path, "notice.docx", data)
    assert (n.title, n.date) == ("KIPO extends AI search", dt.date(2021, 7, 2))
    assert n.acronyms == {"KIPO": "Korean Intellectual Property Office"}
    assert "It will report to the IP5 partners." in markdown.to_plain(n.body)


def test_docx_zip_bomb_is_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    path = tmp_path / "bomb.docx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(SourceError, match="zip bomb"):
        read_source(path, "bomb.docx")


def test_html_headline_repeated_is_kept_once_and_furniture_dropped(tmp_path):
    page = ("<html><head><title>Offices sign pact | Example Law</title>"
            '<meta property="og:site_name" content="Example Law LLP">'
            '<link rel="canonical" href="https://example-law.com/news/pact"></head><body>'
            "<article><h1>Offices sign pact</h1><p>Posted March 3, 2022</p><h2>Offices sign pact</h2>"
            "<p>The European Patent Office (EPO) and the JPO signed a pact on 2 March 2022 in Munich.</p>"
            "<p>It covers the exchange of search results between the two offices.</p>"
            "<p>Keywords: EPO, JPO, pact</p><p>北京 | 上海 | 天津 | 重庆 | 广州 | 深圳</p></article>"
            "<footer>Copyright 2022 Example Law LLP</footer></body></html>")
    [n] = _read(tmp_path, "p.html", page.encode())
    plain = markdown.to_plain(n.body)
    assert plain.count("Offices sign pact") == 0 and "Keywords" not in plain and "上海" not in plain
    assert "It covers the exchange of search results between the two offices." in plain
    assert (n.office, n.publisher, n.date) == (None, "Example Law LLP", dt.date(2022, 3, 3))
    assert n.source.url == "https://example-law.com/news/pact"


TITLES = [
    # (head, body, expected title)
    ("<title>Press Releases | KIPO</title>", "<h1 class='logo'>KIPO</h1><h2>Press Releases</h2><h3>KIPO opens new center in Daejeon</h3>",
     "KIPO opens new center in Daejeon"),
    ("<title>KIPO</title>", "<div class='article'><h1>Patent fees to change next year</h1>", "Patent fees to change next year"),
    ("<title>Results of the meeting | Japan Patent Office</title>", "<h1>Results of the meeting</h1>", "Results of the meeting"),
    ('<title>Site</title><meta property="og:title" content="Treaty adopted in Geneva">', "<div>x</div>", "Treaty adopted in Geneva"),
    ("<title>第十四次五局局长会议召开 - 国家知识产权局</title>", "<div class='header'><h1>国家知识产权局</h1></div>", "第十四次五局局长会议召开"),
    # <title> cuts the headline short: the printed headline is whole
    ("<title>Die elektronische Patientenakte – der lange Marsch ins | Example Blog</title>",
     "<h1>Die elektronische Patientenakte – der lange Marsch ins digitale Gesundheitswesen</h1><h3>Die elektronische Patientenakte – der lange Marsch ins</h3>",
     "Die elektronische Patientenakte – der lange Marsch ins digitale Gesundheitswesen"),
    # a section before the headline, a site name after it
    ("<title>Opinion | Fees are going up - Example Times</title>", "<h1>Fees are going up</h1>", "Fees are going up"),
    # a Chinese headline shorter in characters than the Latin site name
    ("<title>五局局长会议召开 - Example Intellectual Property News</title>", "<h2>五局局长会议召开</h2>", "五局局长会议召开"),
    # the description names only a real heading: a standfirst repeating it is no headline
    ('<title>European Patent Office</title><meta name="description" content="More Unitary Patents than expected were registered.">',
     "<h1>Unitary Patent: a strong year</h1><p class='subtitle'>More Unitary Patents than expected were registered.</p>",
     "Unitary Patent: a strong year"),
]


@pytest.mark.parametrize("head,body,expected", TITLES)
def test_html_title_cascade(head, body, expected):
    page = page_hints(f"<html><head>{head}</head><body>{body}<p>Article text here.</p></body></html>")
    assert page.hints["title"] == expected


OWNERS = [
    # (head, footer, (office, publisher))
    ('<link rel="canonical" href="https://www.epo.org/en/news/x">', "", ("EPO", None)),
    ('<meta property="og:site_name" content="IP Asia Wire"><link rel="canonical" href="https://www.ipasiawire.com/x">', "", (None, "IP Asia Wire")),
    ("<title>News item | Epo.org</title>", "", ("EPO", "Epo.org")),
    ('<meta name="SiteName" content="国家知识产权局">', "", ("CNIPA", "国家知识产权局")),
    ("", "<footer>x</footer><p>Copyright © Example Law LLP. All rights reserved.</p>", (None, "Example Law LLP")),
]


@pytest.mark.parametrize("head,footer,expected", OWNERS)
def test_html_owner(head, footer, expected):
    hints = page_hints(f"<html><head>{head}</head><body><h1>Headline of it</h1><p>Text.</p>{footer}</body></html>").hints
    assert (hints.get("office"), hints.get("publisher")) == expected


def test_press_release_end_mark_and_about_section(tmp_path):
    page = ("<html><head><title>USPTO announces pilot | USPTO</title>"
            '<meta property="og:url" content="https://www.uspto.gov/news/pilot"></head><body>'
            "<main><h1>USPTO announces pilot</h1><p>FOR IMMEDIATE RELEASE</p><p><time datetime='2022-05-02'>May 2, 2022</time></p>"
            "<p>Press Release 22-07</p>"
            "<p>WASHINGTON — The USPTO today announced a pilot program for climate technologies that starts on June 7, 2022.</p>"
            "<p>Applicants may request accelerated examination without a fee.</p><p>###</p>"
            "<p>About the USPTO: the office grants patents and registers trademarks.</p></main></body></html>")
    [n] = _read(tmp_path, "p.html", page.encode())
    plain = markdown.to_plain(n.body)
    assert "Applicants may request accelerated examination without a fee." in plain
    assert "###" not in plain and "About the USPTO" not in plain and "Press Release" not in plain and "IMMEDIATE" not in plain
    assert (n.office, n.date, n.event.start) == ("USPTO", dt.date(2022, 5, 2), dt.date(2022, 6, 7))


def test_wordpress_feed_footer_is_dropped(tmp_path):
    feed = ("<rss version='2.0'><channel><title>Example IP Blog</title><link>https://blog.example.com</link><item>"
            "<title>EPO opens a new office</title><link>https://blog.example.com/epo</link>"
            "<pubDate>Mon, 02 May 2022 09:00:00 +0000</pubDate><description><![CDATA[<p>The European Patent Office "
            "(EPO) opened a new office on 1 May 2022.</p><p>The post <a href='#'>EPO opens a new office</a> "
            "appeared first on <a href='#'>Example IP Blog</a>.</p>]]></description></item></channel></rss>")
    [n] = _read(tmp_path, "f.xml", feed.encode())
    assert "appeared first" not in n.body and n.publisher == "Example IP Blog" and n.office is None


def test_lead_in_a_bare_div_is_recovered_but_bylines_and_boxes_are_not(tmp_path):
    page = ("<html><head><title>EPO publishes Patent Index | Epo.org</title>"
            '<meta property="article:published_time" content="2024-03-19"></head><body>'
            "<nav><a>Home</a></nav><main><article><h1>EPO publishes Patent Index</h1>"
            '<div class="lead">Filings grew 2.9% in 2023.</div>'
            '<div class="byline">By the press office of the EPO in Munich.</div>'
            '<div class="body"><p>The European Patent Office received 199 275 applications in 2023.</p>'
            "<p>The index is published every year in March.</p></div>"
            '<div class="share">Share this story with your friends and colleagues today.</div></article>'
            "<aside><h2>Related news</h2><ul><li>Other news item here</li></ul></aside></main></body></html>")
    [n] = _read(tmp_path, "p.html", page.encode())
    plain = markdown.to_plain(n.body).split("\n\n")
    assert plain == ["Filings grew 2.9% in 2023.", "The European Patent Office received 199 275 applications in 2023.",
                     "The index is published every year in March."]


def test_markdown_without_front_matter_reads_the_date_line(tmp_path):
    text = "# EPO and JPO sign pact\n\nDate: 2022-03-03 · Source: European Patent Office\n\nThe EPO and the JPO signed a pact.\n"
    [n] = _read(tmp_path, "n.md", text.encode())
    assert (n.title, n.date, n.office) == ("EPO and JPO sign pact", dt.date(2022, 3, 3), "EPO")
    assert "Date:" not in n.body


def test_docx_title_and_date_styles(tmp_path):
    import pypandoc

    out = tmp_path / "styled.docx"
    pypandoc.convert_text("---\ntitle: JPO revises fees\ndate: 2022-04-01\n---\n\nThe Japan Patent Office (JPO) revised "
                          "its fees on 1 April 2022.\n", "docx", format="markdown", outputfile=str(out),
                          extra_args=["--sandbox"])
    [n] = _read(tmp_path, "notice.docx", out.read_bytes())
    assert (n.title, n.date) == ("JPO revises fees", dt.date(2022, 4, 1))
    assert markdown.to_plain(n.body) == "The Japan Patent Office (JPO) revised its fees on 1 April 2022."


def test_aggregator_feed_linking_to_an_office_page_is_not_the_office(tmp_path):
    feed = ("<rss version='2.0'><channel><title>Patent News Digest</title><link>https://digest.example.org/</link><item>"
            "<title>EPO publishes annual review</title><link>https://www.epo.org/en/news/annual-review</link>"
            "<pubDate>Mon, 02 May 2022 09:00:00 +0000</pubDate><description>The EPO published its review.</description>"
            "</item></channel></rss>")
    [n] = _read(tmp_path, "f.rss", feed.encode())
    assert (n.office, n.publisher, n.source.url) == (None, "Patent News Digest", "https://www.epo.org/en/news/annual-review")


@pytest.mark.slow
def test_paragraph_recovery_is_linear_and_keeps_page_order():
    """Every other paragraph missing from the extraction is put back in place,
    on a page of 16,000 paragraphs, in linear time (each leaf is compared with
    the paragraph of the same text or a few around the last match only)."""
    import time

    from ip5pub.readers.html import parse_tree
    from ip5pub.readers.htmltext import Block
    from ip5pub.readers.layout import Layout
    from ip5pub.readers.recovery import recover_missed

    paras = [f"Paragraph {i} of the notice reports that item {i * 7} was filed in March." for i in range(16_000)]
    page = ("<html><body><nav><p>Home. News. Contact us for more about the office.</p></nav>"
            "<div class='story'><h1>Many paragraphs</h1>" + "".join(f"<p>{p}</p>" for p in paras) + "</div></body></html>")
    kept = [Block("p", p) for p in paras[1::2]]
    started = time.perf_counter()
    tree = parse_tree(page)
    out = recover_missed(tree, kept, "Many paragraphs", Layout(tree).is_furniture)
    seconds = time.perf_counter() - started
    assert [b.text for b in out] == paras
    assert seconds < 10, f"{seconds:.1f} s: the recovery compares more than it should"


@pytest.mark.parametrize("box", ["seitenleiste", "barre-laterale", "col-barra-lateral", "sidebar"])
def test_side_box_named_in_another_language_is_not_article_text(box):
    page = ("<html lang='de'><head><title>Patentamt meldet Rekord | Beispiel Nachrichten</title>"
            "<meta property='article:published_time' content='2024-03-19'></head><body><div class='inhalt'>"
            "<div class='artikel'><h1>Patentamt meldet Rekord</h1>"
            "<p>Das Patentamt hat im vergangenen Jahr mehr Anmeldungen erhalten als je zuvor, teilte die Behörde mit.</p>"
            "<p>Besonders stark stiegen die Anmeldungen aus der Elektromobilität, gefolgt von der Medizintechnik.</p>"
            "<p>Die Präsidentin sprach von einem guten Signal und kündigte weitere Stellen für Prüfer an.</p></div>"
            f"<div class='{box}'><h3>Mehr zum Thema</h3>"
            "<p>Ein Gericht entscheidet über einen seit Jahren geführten Streit um ein Standardpatent für Mobilfunk.</p>"
            "<p>Das Europäische Patentamt veröffentlicht seinen Bericht über die Herkunft der Anmeldungen.</p>"
            "</div></div></body></html>")
    text = " ".join(b.text for b in page_hints(page).blocks)
    assert "Medizintechnik" in text and "Prüfer" in text
    assert "Mobilfunk" not in text and "Herkunft" not in text
