"""Corrections that talk back: a sidecar's keys are checked, a feed's items are
numbered from 1 as every message numbers them, an item number that does not
exist is an error, and `drop:` and `not_duplicates:` do what they say."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli
from ip5pub.notices import normalize_sources
from ip5pub.readers import read_items

BODY = "The European Patent Office opened a help desk for applicants on 30 June 2021."


def _feed(*titles: str) -> str:
    items = "".join(f"<item><title>{t}</title><link>https://news.example.com/{i}</link>"
                    f"<pubDate>Wed, 30 Jun 2021 09:00:00 +0000</pubDate><description>Text of item {i}: {t}."
                    "</description></item>" for i, t in enumerate(titles, start=1))
    return f'<rss version="2.0"><channel><title>Example News</title><link>https://news.example.com/</link>{items}' \
           "</channel></rss>"


@pytest.fixture
def ws(tmp_path) -> Path:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources/notice.txt").write_text(f"EPO opens a help desk\nDate: 2021-06-30\n\n{BODY}\n")
    (tmp_path / "sources/news.rss").write_text(_feed("First story", "Second story", "Third story"))
    return tmp_path


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("ip5pub: error:")]


@pytest.mark.parametrize("line,said", [
    ("titel: EPO opens a help desk", "unknown key 'titel'; did you mean 'title'?"),
    ("Date: 2021-06-30", "unknown key 'Date'; did you mean 'date'?"),
    ("publsher: EPO", "unknown key 'publsher'; did you mean 'publisher'?"),
    ("drops: [Share this]", "unknown key 'drops'; did you mean 'drop'?"),
    ("colour: blue", "unknown key 'colour'; known keys: title, date, office,"),
])
def test_an_unknown_key_names_the_file_the_key_and_the_nearest_known_one(ws, line, said):
    (ws / "sources/notice.txt.meta.yaml").write_text(line + "\n")
    proc = run_cli("list", cwd=ws, check=False)
    assert proc.returncode == 1
    [error] = _errors(proc.stderr)
    assert error.startswith(f"ip5pub: error: sources/notice.txt: sidecar notice.txt.meta.yaml: {said}"), error
    assert "First story" in proc.stdout  # every other source still read


def test_feed_items_are_numbered_from_1_in_sidecars_as_in_messages(ws):
    (ws / "sources/news.rss.meta.yaml").write_text('items: {1: {title: "The first story, corrected"}}\n')
    drafts, problems = read_items(ws / "sources/news.rss", "sources/news.rss")
    assert not problems
    assert [(d.item, d.hints["title"]) for d in drafts] == [
        (1, "The first story, corrected"), (2, "Second story"), (3, "Third story")]
    listed = run_cli("list", cwd=ws).stdout
    assert "news.rss#1" in listed and "news.rss#3" in listed and "news.rss#0" not in listed


def test_an_item_number_the_feed_does_not_have_is_an_error_and_the_items_are_still_read(ws):
    (ws / "sources/news.rss.meta.yaml").write_text('items: {2: {title: "Second, corrected"}, 4: {title: Nothing}}\n')
    proc = run_cli("list", cwd=ws, check=False)
    assert proc.returncode == 1
    assert _errors(proc.stderr) == ["ip5pub: error: sources/news.rss: sidecar news.rss.meta.yaml: items: 4: no such "
                                    "item; the feed has 3 items (1 to 3)"]
    assert "Second, corrected" in proc.stdout and "First story" in proc.stdout and "Third story" in proc.stdout


def test_an_undated_item_says_the_line_that_dates_it_and_that_line_does(ws):
    feed = _feed("First story", "Second story").replace(
        "<pubDate>Wed, 30 Jun 2021 09:00:00 +0000</pubDate><description>Text of item 2", "<description>Text of item 2")
    (ws / "sources/news.rss").write_text(feed)
    proc = run_cli("list", cwd=ws, check=False)
    assert proc.returncode == 1
    assert _errors(proc.stderr) == ['ip5pub: error: sources/news.rss: item 2 (Second story): no date; add '
                                    '"date: YYYY-MM-DD" under "items: {2: ...}" in sources/news.rss.meta.yaml']
    assert "First story" in proc.stdout
    (ws / "sources/news.rss.meta.yaml").write_text("items: {2: {date: 2021-06-29}}\n")
    listed = run_cli("list", cwd=ws).stdout  # exit 0: the correction is not ignored
    assert "2021-06-29  -      news.rss#2              Second story" in listed


def test_items_numbered_from_0_as_before_are_refused_whole(ws):
    """An older sidecar's `items: {0: …}` means the first item, and its other numbers are one off:
    applying any of them would correct the wrong item."""
    (ws / "sources/news.rss.meta.yaml").write_text("items: {0: {title: First}, 1: {title: Meant for the second}}\n")
    proc = run_cli("list", cwd=ws, check=False)
    [error] = _errors(proc.stderr)
    assert error == ("ip5pub: error: sources/news.rss: sidecar news.rss.meta.yaml: items: 0: items are numbered "
                     "from 1, as in every message (the first item is 1); this sidecar numbers them from 0, as "
                     "ip5pub did before: add 1 to each item number")
    assert "Meant for the second" not in proc.stdout and "EPO opens a help desk" in proc.stdout


def test_a_wrong_key_under_one_item_costs_that_item(ws):
    (ws / "sources/news.rss.meta.yaml").write_text('items: {2: {titel: "Second, corrected"}}\n')
    drafts, problems = read_items(ws / "sources/news.rss", "sources/news.rss")
    assert [d.item for d in drafts] == [1, 3]
    assert problems == ["item 2: sidecar news.rss.meta.yaml: items: 2: unknown key 'titel'; did you mean 'title'?"]


def test_items_on_a_source_of_one_notice_is_an_error(ws):
    (ws / "sources/notice.txt.meta.yaml").write_text("items: {1: {title: One}}\n")
    [error] = _errors(run_cli("list", cwd=ws, check=False).stderr)
    assert "items: only a feed has items; write this source's corrections at the top level" in error


def test_refusals_name_the_item_to_correct_from_1(ws):
    (ws / "sources/news.rss").write_text(_feed("First story", "Second story").replace(
        "<pubDate>Wed, 30 Jun 2021 09:00:00 +0000</pubDate><description>Text of item 2",
        "<pubDate>Wed, 31 Jun 2021 09:00:00 +0000</pubDate><description>Text of item 2"))
    [error] = _errors(run_cli("list", cwd=ws, check=False).stderr)
    assert error.startswith("ip5pub: error: sources/news.rss: item 2 (Second story): impossible date"), error
    assert error.endswith('; add "date: YYYY-MM-DD" under "items: {2: ...}" in sources/news.rss.meta.yaml')


def test_drop_leaves_out_the_lines_it_names(tmp_path):
    src = tmp_path / "n.txt"
    src.write_text(f"EPO opens a help desk\nDate: 2021-06-30\n\n{BODY}\n\nShare this page on your network now\n\n"
                   "The desk answers in three languages.\n")
    (tmp_path / "n.txt.meta.yaml").write_text('drop: ["Share this page", "A line that is not there"]\n')
    (n,) = normalize_sources([src], base=tmp_path).notices
    assert "Share this page" not in n.body and "three languages" in n.body and BODY in n.body
    assert n.provenance.idle == ("A line that is not there",)


def _meeting(ws: Path) -> None:
    """Two reports of one meeting that only the weakest signal links (the same period, numbers and acronyms)."""
    (ws / "sources/jpo.md").write_text(
        "---\ntitle: IP5 heads meet\ndate: 2021-08-30\noffice: JPO\nevent: {start: 2021-06-22, end: 2021-06-23}\n"
        "offices: [CNIPA, EPO, JPO, KIPO, USPTO]\n---\n\nThe IP5 heads met on 22 and 23 June 2021 (JPO host). They "
        "adopted a joint statement on NET and AI, reviewed PPH, PHEP and the ICT strategy, the WG1, WG2 and TF-DX work, "
        "the PCT and the 2,500 and 3,000 figures of the CSP, and heard the EPO, KIPO, CNIPA, USPTO and WIPO.\n")
    (ws / "sources/firm.md").write_text(
        "---\ntitle: What the IP5 heads agreed\ndate: 2021-07-20\npublisher: Example Firm\noffices: [EPO, JPO]\n---\n\n"
        "Last week the IP5 heads adopted a joint statement on NET and AI, and took stock of PPH and PHEP (JPO, EPO).\n")


def test_not_duplicates_keeps_two_notices_apart(tmp_path):
    (tmp_path / "sources").mkdir()
    _meeting(tmp_path)
    linked = normalize_sources(sorted((tmp_path / "sources").glob("*.md")), base=tmp_path).notices
    assert all(n.duplicates for n in linked)
    jpo = next(n for n in linked if n.office == "JPO")
    (tmp_path / "sources/firm.md.meta.yaml").write_text(f"not_duplicates: [{jpo.id}]\n")
    apart = normalize_sources(sorted((tmp_path / "sources").glob("*.md")), base=tmp_path).notices
    assert [n.duplicates for n in apart] == [(), ()]


def test_not_duplicates_holds_through_a_third_copy(tmp_path):
    (tmp_path / "sources").mkdir()
    _meeting(tmp_path)
    firm = (tmp_path / "sources/firm.md").read_text()
    (tmp_path / "sources/copy.md").write_text(firm.replace("Example Firm", "Another Firm"))  # the same text
    notices = normalize_sources(sorted((tmp_path / "sources").glob("*.md")), base=tmp_path).notices
    assert all(len(n.duplicates) == 2 for n in notices)
    jpo = next(n for n in notices if n.office == "JPO")
    (tmp_path / "sources/firm.md.meta.yaml").write_text(f"not_duplicates: [{jpo.id}]\n")
    notices = normalize_sources(sorted((tmp_path / "sources").glob("*.md")), base=tmp_path).notices
    by = {n.publisher: n for n in notices}
    assert jpo.id not in by["Example Firm"].duplicates and jpo.id not in by["Another Firm"].duplicates
    assert by["Another Firm"].id in by["Example Firm"].duplicates  # the copies stay one event
