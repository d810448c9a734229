"""Furniture that survives main-text extraction, one class per table: the text is
our own, modelled on what news sites, office boards and newsletters print."""

from __future__ import annotations

import pytest

from ip5pub.extract import boilerplate

ADDRESSING_THE_READER = [
    # newsletter sign-up boxes
    ("Thanks for signing up!", True),
    ("There was an error processing your subscription.", True),
    ("Keep an eye on your inbox for the next issue.", True),
    ("Get the week's patent news delivered to your inbox every Friday.", True),
    ("Sign up for our free IP newsletter to get every office notice in one e-mail.", True),
    # author and newsroom contact lines
    ("Email Jane Roe at jroe@example.com or follow her on Twitter.", True),
    ("Write to Ken Sato at k.sato@example.jp", True),
    ("Have a tip? Our reporters may be reached at tips@example.org.", True),
    ("Follow us on LinkedIn and Twitter for the latest news.", True),
    # calls to join, support, download, click
    ("Join our IP Forums to keep talking about patents and the latest rules!", True),
    ("Support Example IP News and make a difference for readers everywhere.", True),
    ("CLICK HERE TO GET THE EXAMPLE NEWS APP", True),
    ("GET EXAMPLE NEWS ON THE GO BY CLICKING HERE", True),
    ("Tell us what you think...", True),
    # lead-ins to other stories
    ("Related: The IP5 offices meet in Seoul", True),
    ("Tags EPO, CNIPA, PCT, pilot", True), ("Tagged JPO, fees, start-ups", True),
    ("Tags are attached to every application, the office said.", False),
    ("SEE MORE: JPO cuts fees for start-ups", True),
    ("Read also: CNIPA publishes its annual report", True),
    ("DON'T MISS", True),  # a box in mid-article: the line goes, the article goes on
    # legal notices of newsletters and wires
    ("This newsletter is provided for general information purposes only and does not constitute legal advice.", True),
    ("The content of this alert is not intended as legal advice and should not be relied upon as such.", True),
    ("This document is subject to copyright. No part may be reproduced without the written permission.", True),
    ("If you no longer wish to receive these updates, reply UNSUBSCRIBE to this e-mail.", True),
    ("To unsubscribe from this list, update your preferences.", True),
    ("本ニュースレターは一般的な情報提供を目的とするものであり、法的助言を構成するものではありません。", True),
    ("配信停止をご希望の方は、本メールにご返信ください。", True),
    ("本简报仅供参考，不构成任何法律意见。", True),
    # hotlines and contact blocks
    ("Customer Service Center: 1544-8080 (weekdays 9:00-18:00)", True),
    ("고객상담센터 1544-8080", True),
    ("咨询电话：010-62356655", True),
    ("Tel: +81-3-3581-1101  Fax: +81-3-3581-0762", True),
    ("For more information, please contact the Multilateral Affairs Division.", True),
    # article sentences that look alike
    ("The office will support applicants who file online from 1 April.", False),
    ("Applicants can join the pilot by filing a request before 30 June.", False),
    ("The EPO said the new rules do not constitute a change of practice.", False),
    ("Users may call the office's hotline for help with the new system, it said.", False),
    ("The JPO will follow the EPO's approach to the examination of AI inventions.", False),
    ("Related applications filed by the same applicant are examined together.", False),
]


@pytest.mark.parametrize("text,expected", ADDRESSING_THE_READER)
def test_furniture_that_addresses_the_reader(text, expected):
    assert boilerplate.is_furniture(text) is expected


TRAILING_LABELS = [
    ("You may also like...", True), ("Top stories", True), ("More from Example IP News", True),
    ("Recommended for you", True), ("Trending now", True), ("猜你喜欢", True), ("추천 기사", True),
    ("Share this information, please?", False), ("Top offices by filings", False), ("More applications than ever", False),
]


@pytest.mark.parametrize("label,expected", TRAILING_LABELS)
def test_labels_that_open_trailing_furniture(label, expected):
    assert boilerplate.opens_trailing_section(label) is expected


COMPANY_BOILERPLATE = [
    ("Example Medical is a global solutions provider focused on hospital software, with 1,200 staff in 17 countries.", True),
    ("Acme IP Partners (AIP) is a leading law firm specialising in patents and trade marks in Asia.", True),
    ("WIPO is the global forum for intellectual property services, policy, information and cooperation.", True),
    ("青葉国際特許事務所は、東京と大阪に拠点を置き、特許出願を専門とする特許事務所です。", True),
    ("特許庁は、審査事例を10件追加したと発表しました。", False),
    ("The new system is a major change for applicants, who can now file at any hour.", False),
    ("This is a first step towards a shared examination practice among the five offices.", False),
]


@pytest.mark.parametrize("text,expected", COMPANY_BOILERPLATE)
def test_company_boilerplate(text, expected):
    assert boilerplate.is_company_boilerplate(text) is expected


PAGE_FURNITURE = [
    ("Home > News > Press releases", True), ("홈 > 알림마당 > 보도자료", True), ("首页 > 新闻 > 工作动态", True),
    ("ホーム ＞ 報道発表 ＞ 2024年", True), ("이 페이지에서 제공하는 정보에 만족하십니까?", False),
    ("Fees rose > 5% for filings > 10 claims > in 2023.", False),
    ("You must log in to post a comment.", True),
    ("김지현 기자 jhkim@example.kr", True), ("저작권자 © 지식재산신문 무단전재 및 재배포 금지", True),
    ("本文未经授权不得转载。", True), ("記者 王小明", True), ("Want more deals? Join the IP Deals Newsletter.", True),
]


@pytest.mark.parametrize("text,expected", PAGE_FURNITURE)
def test_page_furniture_lines(text, expected):
    assert boilerplate.is_furniture(text) is expected


@pytest.mark.parametrize("label", ["Was this page helpful?", "이 페이지에서 제공하는 정보에 만족하십니까?",
                                   "このページの情報は役に立ちましたか？", "本页内容对您是否有帮助？",
                                   "You may also be interested in..."])
def test_surveys_and_teasers_open_trailing_furniture(label):
    assert boilerplate.opens_trailing_section(label)


@pytest.mark.parametrize("label,expected", [("Prev", True), ("Next post", True), ("« Older", True), ("下一篇", True),
                                            ("이전글", True), ("Next steps", False), ("Previously", False)])
def test_previous_next_labels(label, expected):
    assert boilerplate.is_nav_label(label) is expected
