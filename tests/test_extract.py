"""Table-driven tests, one table per extraction rule."""

from __future__ import annotations

import datetime as dt

import pytest

from ip5pub.extract import boilerplate
from ip5pub.extract.acronyms import find_acronyms
from ip5pub.extract.attribution import split_attribution, translated_from
from ip5pub.extract.dates import ImpossibleDate, parse_date
from ip5pub.extract.events import find_event
from ip5pub.extract.language import detect_language
from ip5pub.extract.offices import office_for_host, office_named_by_site, offices_mentioned
from ip5pub.readers.html import title_segments

D = dt.date

DATES = [
    ("Updated: 6 29,2021", D(2021, 6, 29)),
    ("July 02, 2021", D(2021, 7, 2)),
    ("23 July 2020", D(2020, 7, 23)),
    ("2021-06-29", D(2021, 6, 29)),
    ("Date: 2019-06-14", D(2019, 6, 14)),
    ("2021.04.14", D(2021, 4, 14)),
    ("2021年6月24日", D(2021, 6, 24)),
    ("2021年06月24日", D(2021, 6, 24)),
    ("发布时间：2021年06月24日", D(2021, 6, 24)),
    ("时间：2023-06-22", D(2023, 6, 22)),
    ("2021년 6월 29일", D(2021, 6, 29)),
    ("令和3年6月29日", D(2021, 6, 29)),
    ("[更新日 2021年6月29日]", D(2021, 6, 29)),
    ("Fri, 25 Jun 2021 07:30:00 +0800", D(2021, 6, 25)),
    ("Tue, 16 Mar 2021 23:20:00 -0500", D(2021, 3, 16)),  # the day as written, not UTC
    ("2021-06-23T10:00:00+02:00", D(2021, 6, 23)),
    ("Posted July 20, 2021 by Knowledge Team", D(2021, 7, 20)),
    ("no date here", None),
]


@pytest.mark.parametrize("text,expected", DATES)
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["Updated: 13 45,2021", "2021-02-30", "2021年13月1日"])
def test_impossible_dates_raise(text):
    with pytest.raises(ImpossibleDate):
        parse_date(text)


EVENTS = [
    ("From June 22-23, 2021, the meeting was held.", 2021, (D(2021, 6, 22), D(2021, 6, 23))),
    ("met on 22 and 23 June 2021 for their annual meeting", 2021, (D(2021, 6, 22), D(2021, 6, 23))),
    ("hosted the meeting at Songdo, Incheon on June 13, with", 2019, (D(2019, 6, 13), D(2019, 6, 13))),
    ("6月13日，中美欧日韩知识产权五局局长会议在韩国仁川举行。", 2019, (D(2019, 6, 13), D(2019, 6, 13))),
    ("특허청은 6월 22일부터 23일까지 이틀간 화상으로 열린", 2021, (D(2021, 6, 22), D(2021, 6, 23))),
    ("特許庁は、令和3年6月22日（火曜日）及び23日（水曜日）の2日間", 2021, (D(2021, 6, 22), D(2021, 6, 23))),
    ("From 1 December 2020 until 30 November 2022, nationals may", 2020, (D(2020, 12, 1), D(2022, 11, 30))),
    ("starting on December 1, 2020 and ending on November 30, 2022.", 2020, (D(2020, 12, 1), D(2022, 11, 30))),
    ("双方将自2020年12月1日起开展试点项目，试点期至2022年11月30日结束。", 2020, (D(2020, 12, 1), D(2022, 11, 30))),
    ("GENEVA, May 24 — states adopted a treaty. The conference opened on May 13 and", 2024, (D(2024, 5, 13), D(2024, 5, 24))),
    ("adopted the treaty on 22 November 2024, closing a conference that had opened on 11 November", 2024, (D(2024, 11, 11), D(2024, 11, 22))),
    ("The rule was published. Most of the new fees take effect on October 2, 2020.", 2020, (D(2020, 10, 2), D(2020, 10, 2))),
    ("published on November 14, and the fees will apply to papers filed on or after January 19, 2025.", 2024, (D(2025, 1, 19), D(2025, 1, 19))),
    ("KIPO said on 1 July that it will extend its tools.", 2021, None),
    ("Applications rose in December 2020 and again in 2021.", 2021, None),
]


@pytest.mark.parametrize("text,year,expected", EVENTS)
def test_events(text, year, expected):
    event = find_event(text, year)
    assert ((event.start, event.end) if event else None) == expected


ACRONYMS = [
    ("the Patent Prosecution Highway (PPH) network", {"PPH": "Patent Prosecution Highway"}),
    ("on new emerging technologies (NET) and", {"NET": "new emerging technologies"}),
    ("information disclosure statements (IDS) filed", {"IDS": "information disclosure statements"}),
    ("the heads of the IP5(Five IP Offices) met", {"IP5": "Five IP Offices"}),
    ("IP5(Intellectual Property 5) offices", {"IP5": "Intellectual Property 5"}),
    ("PPH (Patent Prosecution Highway) requests", {"PPH": "Patent Prosecution Highway"}),
    ("专利审查高速路（PPH）相关指标", {"PPH": "专利审查高速路"}),
    ("特許審査ハイウェイ（PPH）の指標", {"PPH": "特許審査ハイウェイ"}),
    ("선진5개 특허청(IP5)은 협의체로", {"IP5": "선진5개 특허청"}),
    ("특허청(청장 김용래)은 밝혔다", {}),
    ("NET: New Emerging Technologies", {"NET": "New Emerging Technologies"}),
    ("a roadmap on new emerging technologies and artificial intelligence (NET/AI)",
     {"NET/AI": "new emerging technologies and artificial intelligence"}),
    ("based on Artificial Intelligence/Machine Learning (AI/ML) to", {"AI/ML": "Artificial Intelligence/Machine Learning"}),
    ("further Research & Development (R&D) with", {"R&D": "Research & Development"}),
    ("help small and medium-sized enterprises (SMEs) grow", {"SMEs": "small and medium-sized enterprises"}),
    ("China's National Intellectual Property Administration (CNIPA) sent",
     {"CNIPA": "China's National Intellectual Property Administration"}),
    ("the Standing Committee on the Law of Trademarks, Industrial Designs and Geographical Indications (SCT) of",
     {"SCT": "Standing Committee on the Law of Trademarks, Industrial Designs and Geographical Indications"}),
    ("the America Invents Act (AIA) and the rule (see above)", {"AIA": "America Invents Act"}),
    ("figures rose (by 4%) in 2020 (AI)", {}),
]


@pytest.mark.parametrize("text,expected", ACRONYMS)
def test_acronyms(text, expected):
    assert find_acronyms(text) == expected


OFFICES = [
    ("The JPO and the EPO met.", ["EPO", "JPO"]),
    ("known until 2018 as the State Intellectual Property Office (SIPO)", ["CNIPA"]),
    ("国家知识产权局与欧洲专利局协商一致", ["CNIPA", "EPO"]),
    ("韓国特許庁の金容来庁長", ["KIPO"]),
    ("特許庁は会合を開催しました", ["JPO"]),
    ("일본 특허청이 주관했으며", ["JPO"]),
    ("특허청은 밝혔다", ["KIPO"]),
    ("the European Union Intellectual Property Office (EUIPO) and the Saudi Authority (SAIP)", []),
    ("the World Intellectual Property Organization said", ["WIPO"]),
]


@pytest.mark.parametrize("text,expected", OFFICES)
def test_offices_mentioned(text, expected):
    assert offices_mentioned(text) == expected


@pytest.mark.parametrize("host,expected", [
    ("english.cnipa.gov.cn", "CNIPA"), ("www.epo.org", "EPO"), ("www.jpo.go.jp", "JPO"), ("www.kipo.go.kr", "KIPO"),
    ("www.uspto.gov", "USPTO"), ("www.wipo.int", "WIPO"), ("www.hanlinmoore-ip.com", None), ("epo.org.example.com", None),
    (None, None),
])
def test_office_for_host(host, expected):
    assert office_for_host(host) == expected


@pytest.mark.parametrize("name,expected", [
    ("European Patent Office", "EPO"), ("経済産業省 特許庁", "JPO"), ("KIPO", "KIPO"), ("국가知识产权局", None),
    ("国家知识产权局", "CNIPA"), ("Hanlin & Moore IP Attorneys", None), ("News about the EPO and the JPO today", None),
    ("IP Asia Wire", None),
])
def test_office_named_by_site(name, expected):
    assert office_named_by_site(name) == expected


ATTRIBUTIONS = [
    ("It attended the meetings.(Translated from CNIPA Website Chinese Version)",
     "It attended the meetings.", "Translated from CNIPA Website Chinese Version"),
    ("(Republished from the EPO news release of 23 June 2021)", "", "Republished from the EPO news release of 23 June 2021"),
    ("Source: KIPO", "", "Source: KIPO"),
    ("The source of the data was checked.", "The source of the data was checked.", None),
]


@pytest.mark.parametrize("para,head,found", ATTRIBUTIONS)
def test_attribution(para, head, found):
    assert split_attribution(para) == (head, found)


def test_translated_from_names_the_language():
    assert translated_from("Translated from CNIPA Website Chinese Version") == "zh"
    assert translated_from("Republished from the EPO news release") is None


FURNITURE = [
    ("Keywords: IP5, JPO, EPO", True), ("关键词：专利", True), ("Share this:", True), ("Tags: PCT", True),
    ("Previous: CNIPA Releases Draft Measures", True), ("上一篇：国家知识产权局召开会议", True), ("이전글 특허청", True),
    ("Press Release 19-11", True), ("PR/2024/907", True), ("Copyright © Japan Patent Office", True),
    ("北京 | 上海 | 天津 | 重庆 | 广州 | 深圳 | 南京", True), ("Media contact: Jane Doe", True),
    ("The heads discussed the previous year's results.", False), ("Share of filings rose to 40%.", False),
    ("Keywords are not boilerplate when they open a sentence about keywords.", False),
]


@pytest.mark.parametrize("text,expected", FURNITURE)
def test_furniture(text, expected):
    assert boilerplate.is_furniture(text) is expected


@pytest.mark.parametrize("heading,expected", [
    ("Related news", True), ("Further information", True), ("About WIPO", True), ("相关文章", True),
    ("関連リンク", True), ("Media contacts", True), ("The changes that matter most", False), ("What to do now", False),
])
def test_trailing_sections(heading, expected):
    assert boilerplate.opens_trailing_section(heading) is expected


@pytest.mark.parametrize("title,segments", [
    ("Results of the meeting | Japan Patent Office", ["Results of the meeting", "Japan Patent Office"]),
    ("中欧PCT试点项目启动_政策资讯_江南平台", ["中欧PCT试点项目启动", "政策资讯", "江南平台"]),
    ("제목 < 보도자료 < 알림마당 : 특허청", ["제목", "보도자료", "알림마당", "특허청"]),
    ("Explainer: What the treaty means", ["Explainer: What the treaty means"]),
])
def test_title_segments(title, segments):
    assert title_segments(title) == segments


@pytest.mark.parametrize("text,lang", [
    ("The heads of the offices met.", "en"), ("会议通过了联合声明。", "zh"), ("共同声明を採択しました。", "ja"),
    ("공동성명을 채택했다.", "ko"), ("IP5 会议通过了 PCT 联合声明。", "zh"),
])
def test_language(text, lang):
    assert detect_language(text) == lang


MORE_FURNITURE = [
    ("The post IP5 heads meet appeared first on Example IP News.", True), ("（责任编辑：张三）", True),
    ("Read more »", True), ("[更新日 2021年6月29日]", True), ("Last updated: June 29, 2021", True),
    ("특허청이(가) 창작한 이 저작물은 공공누리 제1유형 조건에 따라 이용할 수 있습니다.", True),
    ("FOR IMMEDIATE RELEASE", True), ("The heads will read more reports next year.", False),
]


@pytest.mark.parametrize("text,expected", MORE_FURNITURE)
def test_more_furniture(text, expected):
    assert boilerplate.is_furniture(text) is expected


@pytest.mark.parametrize("text,expected", [("###", True), ("- 30 -", True), ("-END-", True), ("### Results", False)])
def test_end_marks(text, expected):
    assert boilerplate.ends_article(text) is expected


@pytest.mark.parametrize("text,expected", [
    ("China's National Intellectual Property Administration sent a delegation", ["CNIPA"]),
    ("韩国特许厅与日本特许厅", ["JPO", "KIPO"]),
    ("미국 특허청과 유럽 특허청", ["EPO", "USPTO"]),
    ("国家知識産権局の局長", ["CNIPA"]),
])
def test_more_office_names(text, expected):
    assert offices_mentioned(text) == expected


@pytest.mark.parametrize("text,expected", [
    ('the Patent Prosecution Highway (hereinafter "PPH")', {"PPH": "Patent Prosecution Highway"}),
    ('the Patent Prosecution Highway ("PPH")', {"PPH": "Patent Prosecution Highway"}),
])
def test_quoted_acronyms(text, expected):
    assert find_acronyms(text) == expected


CJK_EXPANSIONS = [
    # the term's own boundary: no clause, verb or particle before it
    ("会议由国家知识产权局（CNIPA）主办。", {"CNIPA": "国家知识产权局"}),
    ("双方签署了专利审查高速路（PPH）协议。", {"PPH": "专利审查高速路"}),
    ("知识产权局积极推进专利审查高速路（PPH）建设。", {"PPH": "专利审查高速路"}),
    ("双方同意继续深化新兴技术（NET）领域合作。", {"NET": "新兴技术"}),
    ("中华人民共和国国家知识产权局（CNIPA）发布公告。", {"CNIPA": "中华人民共和国国家知识产权局"}),
    ("双方签署了关于扩大专利审查高速路（PPH）合作的备忘录。", {"PPH": "专利审查高速路"}),
    ("依据《专利合作条约》（PCT）作出的检索结果。", {"PCT": "专利合作条约"}),
    ("日本国特許庁（JPO）と欧州特許庁（EPO）は協力する。", {"JPO": "日本国特許庁", "EPO": "欧州特許庁"}),
    ("特許制度調和専門家パネル（PHEP）と新興技術及び人工知能（NET/AI）について議論した。",
     {"PHEP": "特許制度調和専門家パネル", "NET/AI": "新興技術及び人工知能"}),
    ("특허청은 일본 특허청(JPO)과 합의했다.", {"JPO": "일본 특허청"}),
    ("유럽연합지식재산청(EUIPO)과 미국 특허상표청(USPTO) 등", {"EUIPO": "유럽연합지식재산청", "USPTO": "미국 특허상표청"}),
    ("特許庁（JPO）は発表した。", {"JPO": "特許庁"}),
    # an acronym defined beside its former or later name
    ("The China National Intellectual Property Administration (CNIPA, formerly SIPO) said filings rose.",
     {"CNIPA": "China National Intellectual Property Administration"}),
    ("The State Intellectual Property Office (SIPO) of China met the JPO.", {"SIPO": "State Intellectual Property Office"}),
    ("The U.S. Patent and Trademark Office (USPTO) said so.", {"USPTO": "U.S. Patent and Trademark Office"}),
    ("The USPTO (US) and the Mexican Institute of Industrial Property (IMPI) said",
     {"IMPI": "Mexican Institute of Industrial Property"}),
]


@pytest.mark.parametrize("text,expected", CJK_EXPANSIONS)
def test_expansion_stops_at_the_terms_own_boundary(text, expected):
    from ip5pub.extract.acronyms import find_acronyms

    assert find_acronyms(text) == expected


SUMMARIES = [
    # (body blocks, summary): the first block that reads as text
    (["Home > News > Press releases", "The JPO revised its fees on 1 April 2024."], "The JPO revised its fees on 1 April 2024."),
    (["Customer Service Center: 1544-8080", "KIPO opened a new center."], "KIPO opened a new center."),
    (["TOKYO, June 3 —", "The JPO opened a new office in Osaka."], "The JPO opened a new office in Osaka."),
    (["Newsletter No. 58", "特許庁は審査事例を追加しました。"], "特許庁は審査事例を追加しました。"),
    (["Fees revised"], "Fees revised"),  # nothing else: the only block
]


@pytest.mark.parametrize("blocks,summary", SUMMARIES)
def test_summary_is_the_first_sentence_of_text(blocks, summary):
    from ip5pub.model import Draft, SourceRef
    from ip5pub.normalize import build_notice

    draft = Draft(body="\n\n".join(blocks) + "\n", source=SourceRef("sources/x.md", "0" * 64, "markdown"),
                  hints={"title": "A notice", "date": "2024-04-01"})
    assert build_notice(draft).summary == summary
