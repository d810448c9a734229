"""Doubt flags: each raised on a sample written to deserve it, not raised on
the clean corpus, and cleared by its own fix line written into the sidecar."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from ip5pub.notices import expand, normalize_sources
from ip5pub.doubts import navigation
from ip5pub.review import Review, make_review, review
from ip5pub.workspace import Config, Workspace, open_workspace

ROOT = Path(__file__).resolve().parent.parent
EDITION = dt.date(2024, 7, 1)
LEAD = ("<p>The Example Office will reduce its fees for small firms from 1 September 2024, it said in a notice "
        "published this week. Applicants who file online will pay a quarter less than before.</p>")


def page(head: str, body: str) -> str:
    return f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">{head}</head><body>{body}</body></html>"


def _meeting() -> dict[str, str]:
    """Two reports of one meeting that only the weakest signal links (the same period, numbers and acronyms)."""
    return {
        "jpo.md": "---\ntitle: IP5 heads meet\ndate: 2021-08-30\noffice: JPO\nevent: {start: 2021-06-22, end: 2021-06-23}\n"
                  "offices: [CNIPA, EPO, JPO, KIPO, USPTO]\n---\n\nThe IP5 heads met on 22 and 23 June 2021 (JPO host). "
                  "They adopted a joint statement on NET and AI, reviewed PPH, PHEP and the ICT strategy, the WG1, WG2 "
                  "and TF-DX work, the PCT and the 2,500 and 3,000 figures of the CSP, and heard the EPO, KIPO, CNIPA, "
                  "USPTO and WIPO.\n",
        "firm.md": "---\ntitle: What the IP5 heads agreed\ndate: 2021-07-20\npublisher: Example Firm\noffices: [EPO, JPO]\n"
                   "---\n\nLast week the IP5 heads adopted a joint statement on NET and AI, and took stock of PPH and PHEP "
                   "(JPO, EPO).\n"}


# code -> (files, the notice's source file, what fills the fix line's placeholder, the edition)
SAMPLES: dict[str, tuple[dict[str, str], str, str, dt.date]] = {
    "title-is-site-name": ({"page.html": page(
        '<title>Example Patent Office</title><meta property="og:site_name" content="Example Patent Office">'
        '<meta property="article:published_time" content="2024-06-20">', f"<main>{LEAD}</main>")},
        "page.html", "Example Office cuts fees for small firms", EDITION),
    "title-from-title-tag": ({"page.html": page(
        "<title>Example Office cuts fees for small firms from September - Example News</title>"
        '<meta property="og:site_name" content="Example News"><meta property="article:published_time" content="2024-06-20">',
        f"<main>{LEAD}</main>")}, "page.html", "", EDITION),
    "summary-navigation": ({"notice.txt": "Example Office opens a help desk\nDate: 2024-06-20 | Source: EPO\n\n"
                                          "For filing help call 1544-8080 any day of the week\n\n"
                                          "The Example Office opened a help desk for applicants on 20 June 2024.\n"},
                           "notice.txt", "", EDITION),
    "publisher-unknown": ({"notice.md": "---\ntitle: Fee cuts for small firms\ndate: 2024-06-20\n---\n\n"
                                        "Fees for small firms fall by a quarter from 1 September 2024.\n"},
                          "notice.md", "Example Firm", EDITION),
    "date-weak": ({"page.html": page(
        '<title>Example Office cuts fees for small firms | Example News</title><meta property="og:site_name" '
        'content="Example News"><meta property="og:updated_time" content="2024-06-21T10:00:00+02:00">',
        f"<article><h1>Example Office cuts fees for small firms</h1>{LEAD}</article>")}, "page.html", "", EDITION),
    "date-far": ({"page.html": page(
        '<title>Example Office cuts fees for small firms | Example News</title><meta property="og:site_name" '
        'content="Example News"><meta property="article:published_time" content="2023-01-05T09:00:00Z">',
        '<article><h1>Example Office cuts fees for small firms</h1><p class="date">21 June 2024</p>'
        f"{LEAD}</article>")}, "page.html", "", EDITION),
    "title-not-english": ({"notice.txt": "특허청, 중소기업 수수료 감면 확대\n작성일: 2024-06-20 | 출처: 특허청\n\n"
                                         "특허청은 9월 1일부터 중소기업의 특허 수수료를 4분의 1 감면한다고 20일 밝혔다.\n"},
                          "notice.txt", "KIPO widens fee cuts for small firms", EDITION),
    "duplicate-weak-link": (_meeting(), "firm.md", "", dt.date(2021, 9, 1)),
    "furniture-in-body": ({"notice.txt": "Example Office opens a help desk\nDate: 2024-06-20 | Source: EPO\n\n"
                                         "The Example Office opened a help desk for applicants on 20 June 2024.\n\n"
                                         "Share this page: Facebook | Twitter | LinkedIn\n\n"
                                         "The desk answers questions in three languages.\n"}, "notice.txt", "", EDITION),
    "date-after-edition": ({"notice.md": "---\ntitle: Fee cuts for small firms\ndate: 2024-07-05\noffice: EPO\n---\n\n"
                                         "Fees for small firms fall by a quarter from 1 September 2024.\n"},
                           "notice.md", "2024-06-05", EDITION),
}


def _workspace(tmp_path: Path, files: dict[str, str], config: str = "") -> Workspace:
    (tmp_path / "sources").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (tmp_path / "sources" / name).write_text(text, encoding="utf-8")
    if config:
        (tmp_path / "ip5pub.toml").write_text(config, encoding="utf-8")
    return open_workspace(tmp_path)


def _review(ws: Workspace, edition: dt.date) -> Review:
    result, outcome = review(ws, [ws.root / "sources"], edition)
    assert not outcome.errors, outcome.errors
    return result


def _flags(result: Review) -> dict[str, list[str]]:
    return {Path(e.path).name: [f.code for f in e.flags] for e in result.entries if e.flags}


def _apply(ws: Workspace, fix_file: str, line: str) -> None:
    """The fix line, as an analyst adds it to the sidecar."""
    path = ws.root / fix_file
    path.write_text((path.read_text(encoding="utf-8") if path.exists() else "") + line + "\n", encoding="utf-8")


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_each_flag_is_raised_on_its_sample_and_its_fix_line_clears_it(tmp_path, code):
    files, source, filling, edition = SAMPLES[code]
    ws = _workspace(tmp_path, files)
    before = _review(ws, edition)
    [flag] = [f for e in before.entries if Path(e.path).name == source for f in e.flags]
    assert flag.code == code, _flags(before)
    assert flag.fix.file == f"sources/{source}.meta.yaml"
    line = re.sub(r"<[^<>]+>|YYYY-MM-DD", filling, flag.fix.line)  # the analyst writes what the placeholder asks
    assert line == flag.fix.line or filling, f"a placeholder with nothing to fill it: {flag.fix.line}"
    _apply(ws, flag.fix.file, line)
    after = _review(ws, edition)
    assert _flags(after) == {}, f"{line} left {_flags(after)}"


def test_a_title_fix_confirms_or_replaces_the_value_as_it_says(tmp_path):
    files, source, _, edition = SAMPLES["title-from-title-tag"]
    ws = _workspace(tmp_path, files)
    [flag] = _review(ws, edition).entries[0].flags
    assert flag.fix.line == 'title: "Example Office cuts fees for small firms from September"'  # the value, to confirm
    files, source, _, edition = SAMPLES["date-far"]
    ws = _workspace(tmp_path / "far", files)
    [flag] = _review(ws, edition).entries[0].flags
    assert "2023-01-05 (meta article:published_time)" in flag.message and flag.fix.line == "date: 2024-06-21"


def test_the_fix_for_a_navigation_summary_is_the_first_real_sentence(tmp_path):
    files, _, _, edition = SAMPLES["summary-navigation"]
    [flag] = _review(_workspace(tmp_path, files), edition).entries[0].flags
    assert "a telephone number" in flag.message
    assert flag.fix.line == 'summary: "The Example Office opened a help desk for applicants on 20 June 2024."'


def test_an_unknown_publisher_with_an_address_is_offered_its_host(tmp_path):
    files = {"notice.md": "---\ntitle: Fee cuts\ndate: 2024-06-20\nurl: https://news.example.com/fees\n---\n\n"
                          "Fees for small firms fall by a quarter from 1 September 2024.\n"}
    flags = _review(_workspace(tmp_path, files), EDITION).entries[0].flags
    assert [(f.code, f.fix.line) for f in flags] == [("publisher-unknown", 'publisher: "news.example.com"')]


def test_a_feed_item_s_fix_goes_under_its_number(tmp_path):
    feed = ('<rss version="2.0"><channel><title>Example Patent Office</title><link>https://news.example.com/</link>'
            + "".join(f"<item><title>{t}</title><pubDate>Thu, 20 Jun 2024 09:00:00 +0000</pubDate>"
                      f"<description>{d}</description></item>"
                      for t, d in (("Fees fall for small firms", "Fees for small firms fall by a quarter."),
                                   ("Example Patent Office", "The office opened a help desk on 20 June 2024."))) +
            "</channel></rss>")
    result = _review(_workspace(tmp_path, {"news.rss": feed}), EDITION)
    [flag] = [f for e in result.entries for f in e.flags]
    assert flag.code == "title-is-site-name"
    assert str(flag.fix) == 'sources/news.rss.meta.yaml: items: {2: {title: "<the headline as printed>"}}'


def test_a_cjk_title_is_no_doubt_in_a_brief_in_its_own_language(tmp_path):
    files, _, _, edition = SAMPLES["title-not-english"]
    assert _flags(_review(_workspace(tmp_path, files, 'language = "ko"\n'), edition)) == {}


def test_a_copy_merged_by_a_strong_signal_is_no_doubt(tmp_path):
    files = _meeting()
    files["firm.md"] = files["firm.md"].replace("Last week", "On 22 and 23 June 2021").replace(
        "offices: [EPO, JPO]\n", "offices: [EPO, JPO]\nevent: {start: 2021-06-22, end: 2021-06-23}\n")
    result = _review(_workspace(tmp_path, files), dt.date(2021, 9, 1))
    assert _flags(result) == {}
    firm = next(e for e in result.entries if e.notice.publisher == "Example Firm")
    assert firm.merge is not None and firm.merge.signal == "same event dates and offices"


def test_a_weak_merge_confirmed_with_duplicates_is_no_longer_doubted(tmp_path):
    files, source, _, edition = SAMPLES["duplicate-weak-link"]
    ws = _workspace(tmp_path, files)
    [flag] = [f for e in _review(ws, edition).entries for f in e.flags]
    jpo = next(e.notice.id for e in _review(ws, edition).entries if e.shown)
    assert f"`duplicates: [{jpo}]` in the same file" in flag.message
    _apply(ws, flag.fix.file, f"duplicates: [{jpo}]")
    after = _review(ws, edition)
    assert _flags(after) == {}
    firm = next(e for e in after.entries if Path(e.path).name == source)
    assert firm.merge is not None and firm.merge.shown == jpo  # still one event, now confirmed


def test_an_about_us_paragraph_is_furniture_only_at_the_end_of_the_text(tmp_path):
    text = ("Example Office opens a help desk\nDate: 2024-06-20 | Source: EPO\n\n"
            "The Example Office opened a help desk for applicants on 20 June 2024.\n\n"
            "Mediation is a practice that lets two applicants settle a dispute without a hearing.\n\n"
            "The desk answers questions in three languages.\n")
    assert _flags(_review(_workspace(tmp_path / "middle", {"notice.txt": text}), EDITION)) == {}
    ending = text + "\nExample Filing Services is a leading provider of filing tools for small firms.\n"
    assert _flags(_review(_workspace(tmp_path / "end", {"notice.txt": ending}), EDITION)) == {
        "notice.txt": ["furniture-in-body"]}


# Corrections that change nothing -------------------------------------------


def test_a_correction_that_changes_nothing_is_reported(tmp_path):
    files, _, _, edition = SAMPLES["furniture-in-body"]
    ws = _workspace(tmp_path, files)
    (tmp_path / "sources/notice.txt.meta.yaml").write_text(
        'title: "Example Office opens a help desk"\ndate: 2024-06-20\ndrop: ["Share this page", "Not in the text"]\n')
    entry = _review(ws, edition).entries[0]
    assert [(f.code, f.fix.line) for f in entry.flags] == [
        ("correction-unchanged", 'title: "Example Office opens a help desk"'),
        ("correction-unchanged", "date: 2024-06-20"),
        ("correction-unchanged", 'drop: ["Not in the text"]')]
    assert "the line above the date and source lines" in entry.flags[0].message


def test_a_placeholder_left_in_a_correction_is_reported(tmp_path):
    files, _, _, edition = SAMPLES["publisher-unknown"]
    ws = _workspace(tmp_path, files)
    (tmp_path / "sources/notice.md.meta.yaml").write_text('publisher: "<who published it>"\n')
    assert _flags(_review(ws, edition)) == {"notice.md": ["correction-placeholder"]}


def test_not_duplicates_that_names_no_notice_is_reported(tmp_path):
    files, _, _, edition = SAMPLES["publisher-unknown"]
    ws = _workspace(tmp_path, files)
    (tmp_path / "sources/notice.md.meta.yaml").write_text('publisher: Example Firm\nnot_duplicates: ["2020-01-01-x"]\n')
    assert _flags(_review(ws, edition)) == {"notice.md": ["correction-unchanged"]}


# The clean corpus ----------------------------------------------------------


@pytest.mark.parametrize("summary", [
    "Home > News > Press releases", "홈 > 알림마당 > 보도자료", "News / Press / 2024",
    "Customer service 1544-8080", "Call +82 42 481 5008 for help with filing",
    "24 June 2021", "Monday, 24 June 2021", "2024.06.24", "Press release",
])
def test_navigation_is_told_from_a_lead(summary):
    assert navigation(summary) is not None


@pytest.mark.parametrize("lead", [
    "Munich, 12.11.2021. The office opened a help desk for applicants in three languages.",
    "Posted on 25.08.2015 22:30 by the editors: the fee cuts take effect in September.",
    "On 06.05.2018 the office held its first open day for inventors from small firms.",
    "Available until 14.10.2020 · 14:00: the recording of the office's webinar on fees.",
    "The office received 2,500 requests between 2019-2021 and answered them within a month.",
])
def test_a_lead_with_numeric_dates_is_no_telephone_number(lead):
    assert navigation(lead) is None


def _corpus(folder: Path) -> dict[str, list[str]]:
    outcome = normalize_sources(expand([folder]), base=ROOT)
    result = make_review(outcome.notices, Config(), dt.date(2026, 12, 7))
    assert len(result.entries) == len(outcome.notices)
    for e in result.entries:  # no lead in the corpus reads as navigation
        assert navigation(e.notice.summary) is None, e.notice.summary
    return {f"{Path(e.path).name}{'#' + str(e.item) if e.item else ''}": [f.code for f in e.flags]
            for e in result.entries if e.flags}


@pytest.mark.slow
def test_the_shipped_samples_are_clean_but_for_their_real_doubt():
    flagged = _corpus(ROOT / "sources")
    # The one real doubt: a Korean notice alone in an English brief has no English title.
    assert flagged == {"txt-kipo-2023-06-22-cnipa-heads-talks-ko.txt": ["title-not-english"]}
    total = len(normalize_sources(expand([ROOT / "sources"]), base=ROOT).notices)
    assert 1 - len(flagged) / total >= 0.9


def test_the_extraction_pages_carry_only_the_doubts_they_were_written_for():
    assert _corpus(ROOT / "tests/pages") == {
        # a blog whose name is only in <title>, run into the headline without a separator
        "date-blog-engine-2024-05-16.html": ["publisher-unknown"],
        # the only real date is the update time (the publication date is a placeholder)
        "date-placeholder-meta-2024-02-21.html": ["date-weak"],
        # notices in Chinese, Japanese and Korean without an English copy, in an English brief
        **{name: ["title-not-english"] for name in (
            "cnipa-cms-2024-05-28-ai-guidelines-zh.html", "date-cnipa-cms-zh-2024-06-24.html",
            "date-jpo-reiwa-ja-2024-03-29.html", "date-kipo-board-ko-2024-04-14.html",
            "jpo-2024-04-01-fee-revision-ja.html", "kipo-board-2024-03-12-pph-ko.html",
            "lawfirm-newsletter-2024-09-10-jpo-ai-ja.html", "portal-2024-06-20-cnipa-pph-zh.html",
            "portal-2024-11-05-kipo-design-ko.html")},
    }
