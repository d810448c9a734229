"""The digest as a reader of e-mail or chat gets it: width, wrapping, grouping,
references, windows, stdout, Markdown, editions and reproducibility."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from ip5pub.cli import main
from ip5pub.wrap import width
from test_wrap import NEVER_START  # JIS X 4051 classes, written out there

from conftest import make_workspace, run_cli

DATA = Path(__file__).parent / "data" / "epub"


@pytest.fixture
def ws(workspace) -> Path:
    """The shipped sources plus Chinese, Japanese and Korean notices."""
    for src in DATA.glob("*.md"):
        shutil.copy(src, workspace / "sources" / src.name)
    return workspace


def digest(runner, *args: str, code: int = 0) -> str:
    result = runner.invoke(main, ["digest", *args])
    assert result.exit_code == code, result.output
    return result.stdout


def _is_long_url(line: str) -> bool:
    return re.fullmatch(r"\[\d+\] https?://\S+", line) is not None


def check_plain(text: str, columns: int) -> None:
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\r" not in text and "\t" not in text
    for line in text.splitlines():
        assert line == line.rstrip(), repr(line)
        # A URL is never cut, so a reference line may be longer; nothing else may.
        assert width(line) <= columns or _is_long_url(line), line


@pytest.mark.parametrize("columns", [72, 40])
def test_every_line_fits_the_width_counting_cjk_as_two(runner, ws, columns):
    text = digest(runner, "--width", str(columns), "-o", "-")
    check_plain(text, columns)
    body_lines = [line for line in text.splitlines() if re.search(r"[\u3000-\u9fff\uac00-\ud7af]", line)]
    assert any(width(line) > len(line) for line in body_lines)  # CJK really is in there
    for line in body_lines:
        assert line.strip()[0] not in NEVER_START, line
    # The Korean summary breaks between words only.
    korean = " ".join(line.strip() for line in text.splitlines() if re.search(r"[\uac00-\ud7af]", line))
    assert "특허청은 6월 25일 심사 품질을 높이기 위해" in korean


def test_header_groups_items_and_references(runner, ws):
    text = digest(runner, "-o", "-")
    lines = text.splitlines()
    assert lines[:4] == ["IP5 BRIEFING", "News from the world's patent offices",
                         "Notices of 23 July 2020 – 2 July 2021 · edition of 1 July 2021",
                         "7 notices: CNIPA\u00a01, EPO\u00a01, JPO\u00a01, KIPO\u00a01, USPTO\u00a01, WIPO\u00a01 and Other\u00a01"]
    # Grouped by date, newest first, each group a heading with an underline.
    dates = [lines[i] for i in range(len(lines) - 1) if re.fullmatch(r"-+", lines[i + 1]) and lines[i][:1].isdigit()]
    assert dates[:3] == ["2 July 2021", "30 June 2021", "29 June 2021"]
    flat = " ".join(text.split())
    assert "EPO · 24 June 2021 · English · also reported by CNIPA" in flat
    # Numbered references collected at the end, cited by number in each item.
    refs = dict(re.findall(r"^\[(\d+)\] (\S+)", text, re.M))
    assert refs == {"1": "https://example.cn/news/2021/pph-statistics", "2": "https://example.jp/news/2021/ai-search",
                    "3": "https://example.kr/news/2021/quality"}
    zh = text.index("国家知识产权局发布专利审查高速路最新统计")
    assert text.index("Links: [1]", zh) < text.index("29 June 2021", zh)
    assert text.index("References") > text.index("Links: [3]")


def test_group_by_office(runner, ws):
    text = digest(runner, "--group-by", "office", "-o", "-")
    heads = re.findall(r"^(\S+) — .*\n-+$", text, re.M)
    assert heads == ["CNIPA", "EPO", "JPO", "KIPO", "USPTO", "WIPO"]
    assert text.index("Other publishers") > text.index("WIPO — ")


def test_window_and_file_output_with_manifest(runner, ws):
    out = digest(runner, "--since", "2021-06-28", "--until", "2021-06-30")
    assert out.strip() == "build/digest.txt"
    text = Path("build/digest.txt").read_text(encoding="utf-8")
    titles = re.findall(r"^\d+\. (.+)$", text, re.M)
    assert titles == ["国家知识产权局发布专利审查高速路最新统计", "The 14th IP5 Heads of Offices Meeting Held",
                      "USPTO publishes updated Patent Prosecution Highway statistics",
                      "特許庁、AIを活用した先行技術調査の試行を拡大"]
    manifest = json.loads(Path("build/digest.txt.json").read_text())
    assert manifest["window"] == {"since": "2021-06-28", "until": "2021-06-30"}
    assert sorted(n["title"] for n in manifest["notices"]) == sorted(titles)


def test_stdout_is_the_same_digest_and_writes_no_digest_file(runner, ws):
    to_stdout = digest(runner, "--since", "1m", "-o", "-")
    assert not Path("build/digest.txt").exists()
    digest(runner, "--since", "1m", "-o", "build/digest.txt")
    assert Path("build/digest.txt").read_text(encoding="utf-8") == to_stdout


def test_empty_window_says_so_and_exits_0(runner, ws):
    text = digest(runner, "--since", "2021-06-01", "--office", "WIPO", "-o", "-")
    assert "There were no notices in the period 1 June – 1 July 2021." in text
    assert not re.search(r"^\d+\. ", text, re.M) and "References" not in text
    check_plain(text, 72)


def test_fail_if_empty_exits_1_but_still_writes(runner, ws):
    result = runner.invoke(main, ["digest", "--since", "2021-06-01", "--office", "WIPO", "--fail-if-empty"])
    assert result.exit_code == 1 and "no notices in the window" in result.stderr
    assert "There were no notices" in Path("build/digest.txt").read_text()
    digest(runner, "--since", "2021-01-01", "--fail-if-empty", "-o", "-")  # not empty: 0


def test_markdown_digest(runner, ws):
    text = digest(runner, "--format", "md", "--since", "2021-06-28", "--today", "2021-07-02", "-o", "-")
    assert text.startswith("# IP5 Briefing\n")
    assert "## 30 June 2021\n" in text
    assert "### 1. KIPO expands AI-assisted search for patent examiners\n" in text
    assert "Links: [\\[1\\]](https://example.cn/news/2021/pph-statistics)" in text
    assert "1. <https://example.cn/news/2021/pph-statistics> (CNIPA)" in text
    assert all(line == line.rstrip() for line in text.splitlines())
    # -o NAME.md picks Markdown by itself and writes its own manifest
    digest(runner, "-o", "build/digest.md")
    assert Path("build/digest.md").read_text().startswith("# IP5 Briefing")
    assert json.loads(Path("build/digest.md.json").read_text())["digest"] == "digest.md"


def test_markdown_escapes_notice_text(runner, ws):
    Path("sources/evil.md").write_text(
        "---\ntitle: \"Click [here](javascript:alert(1)) *now*\"\ndate: 2021-06-27\noffice: EPO\n---\n\n"
        "The EPO said <b>nothing</b> and [linked](javascript:alert(2)) it.\n", encoding="utf-8")
    text = digest(runner, "--format", "md", "-o", "-")
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": True}).render(text)  # as a chat client would
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith("https://") for h in hrefs), hrefs
    assert "<b>" not in html and "<em>now</em>" not in html
    assert "Click [here](javascript:alert(1)) *now*" in html


def test_render_txt_writes_the_same_digest_and_manifest(ws):
    run_cli("render", "-f", "txt", cwd=ws)
    assert Path("build/digest.txt.json").is_file()
    assert Path("build/digest.txt").read_text() == run_cli("digest", "-o", "-", cwd=ws).stdout


@pytest.mark.slow
def test_render_and_digest_are_one_path_with_window_and_previous_edition(ws):
    """render -f txt -f md gives the digests `ip5pub digest` gives: same window, same marks."""
    run_cli("digest", "--since", "2021-06-01", "-o", "old/digest.txt", cwd=ws)
    Path("sources/jpo-2021-06-28-ja.md").unlink()
    week = ("--since", "2021-06-26", "--until", "1d", "--previous", "old/digest.txt.json")
    run_cli("render", "-f", "txt", "-f", "md", *week, cwd=ws)
    text = Path("build/digest.txt").read_text(encoding="utf-8")
    assert text == run_cli("digest", *week, "-o", "-", cwd=ws).stdout
    assert Path("build/digest.md").read_text(encoding="utf-8") == \
        run_cli("digest", *week, "--format", "md", "-o", "-", cwd=ws).stdout
    assert "Notices from 26 June 2021 to 30 June 2021" in text
    assert "0 new, 0 revised, 1 no longer in the sources" in " ".join(text.split())
    window = json.loads(Path("build/digest.txt.json").read_text())["window"]
    assert window == {"since": "2021-06-26", "until": "2021-06-30"}


@pytest.mark.slow
def test_two_builds_are_byte_identical(tmp_path):
    outputs = []
    for name in ("one", "two"):
        ws = make_workspace(tmp_path / name)
        for src in DATA.glob("*.md"):
            shutil.copy(src, ws / "sources" / src.name)
        run_cli("digest", "--since", "1y", cwd=ws)
        run_cli("digest", "--format", "md", "-o", "build/digest.md", cwd=ws)
        outputs.append([(ws / "build" / f).read_bytes()
                        for f in ("digest.txt", "digest.txt.json", "digest.md", "digest.md.json")])
    assert outputs[0] == outputs[1]


class TestEditions:
    """--previous: new and revised notices marked, those no longer in the sources listed."""

    def test_first_edition_then_changes(self, runner, ws):
        digest(runner, "--since", "2021-06-01", "-o", "old/digest.txt")
        previous = Path("old/digest.txt.json")
        assert previous.is_file()
        # Between editions: one notice revised, one file removed from the sources, one added.
        zh = Path("sources/cnipa-2021-06-30-zh.md")
        zh.write_text(zh.read_text(encoding="utf-8").replace("最快。", "最快，韩国特许厅次之。"), encoding="utf-8")
        Path("sources/jpo-2021-06-28-ja.md").unlink()
        Path("sources/new-epo.md").write_text(
            "---\ntitle: EPO opens a new search service\ndate: 2021-06-29\noffice: EPO\n---\n\n"
            "The European Patent Office opened a new search service for applicants.\n", encoding="utf-8")
        text = digest(runner, "--since", "2021-06-01", "--previous", str(previous), "-o", "-")
        assert "Since the edition of 1 July 2021: 1 new, 1 revised, 1 no longer in the sources" in " ".join(text.split())
        assert re.search(r"^\d+\. \[revised\] 国家知识产权局", text, re.M)
        assert re.search(r"^\d+\. \[new\] EPO opens a new search service", text, re.M)
        assert not re.search(r"\[(new|revised)\] KIPO expands", text)  # unchanged: no mark
        gone = text[text.index("No longer in the sources since the edition of 1 July 2021"):]
        assert "特許庁、AIを活用した先行技術調査の試行を拡大 (JPO, 28 June 2021)" in gone
        assert "withdrawn" not in text.lower()  # a file leaving sources/ says nothing of the office
        md = digest(runner, "--format", "md", "--since", "2021-06-01", "--previous", str(previous), "-o", "-")
        assert "**revised** 国家知识产权局" in md and "## No longer in the sources since the edition of 1 July 2021" in md

    def test_a_notice_outside_the_window_is_not_gone(self, runner, ws):
        digest(runner, "--since", "2020-01-01", "-o", "old/digest.txt")
        text = digest(runner, "--since", "2021-06-01", "--previous", "old/digest.txt.json", "-o", "-")
        assert "0 new, 0 revised, 0 no longer in the sources" in " ".join(text.split())
        assert "No longer in the sources since" not in text
        assert "[new]" not in text

    def test_a_retitled_notice_is_revised_not_new(self, runner, ws):
        digest(runner, "-o", "old/digest.txt")
        ko = Path("sources/kipo-2021-06-25-ko.md")
        ko.write_text(ko.read_text(encoding="utf-8").replace("국제 협력 강화", "국제 협력 확대"), encoding="utf-8")
        text = digest(runner, "--previous", "old/digest.txt.json", "-o", "-")
        assert "0 new, 1 revised, 0 no longer in the sources" in " ".join(text.split())
        assert "[revised] 특허청, 심사 품질 향상을 위한 국제 협력 확대" in text

    def test_a_folder_of_editions_gives_the_newest_before_this_one(self, runner, ws):
        """The weekly job keeps every edition; a re-run compares with the one before it, not itself."""
        digest(runner, "--since", "2021-06-01", "--today", "2021-06-24", "-o", "editions/2021-06-24/digest.txt")
        Path("sources/new-epo.md").write_text(
            "---\ntitle: EPO opens a new search service\ndate: 2021-06-29\noffice: EPO\n---\n\n"
            "The European Patent Office opened a new search service for applicants.\n", encoding="utf-8")
        digest(runner, "--since", "2021-06-01", "-o", "editions/2021-07-01/digest.txt")  # this edition, kept
        text = digest(runner, "--since", "2021-06-01", "--previous", "editions", "-o", "-")
        assert "Since the edition of 24 June 2021:" in text  # not 1 July: that is this edition itself
        assert re.search(r"^\d+\. \[new\] EPO opens a new search service", text, re.M)
        Path("editions/notes.json").write_text("{}")  # other files in the folder are not editions
        assert digest(runner, "--since", "2021-06-01", "--previous", "editions", "-o", "-") == text

    def test_no_earlier_edition_is_said_in_one_line(self, runner, ws):
        result = runner.invoke(main, ["digest", "--previous", "editions", "-o", "-"])
        assert result.exit_code == 0
        assert "No earlier edition to compare with: nothing is marked new or revised." in result.stdout
        assert "[new]" not in result.stdout
        assert "ip5pub: warning: editions: no earlier edition here (a first run?)" in result.stderr

    def test_bad_manifest_is_a_usage_error(self, runner, ws):
        Path("bad.json").write_text('{"kind": "something else"}')
        result = runner.invoke(main, ["digest", "--previous", "bad.json", "-o", "-"])
        assert result.exit_code == 2 and "not an ip5pub digest manifest" in result.output


GOLDEN = Path(__file__).parent / "data" / "digest"
# Eleven notices with explicit front matter: the CJK ones, the PDF test notices
# and the English, French and German ones of the localization tests.
MORE = [Path(__file__).parent / "data" / name for name in ("pdf", "l10n")]


def many_notices(path: Path) -> Path:
    ws = make_workspace(path, DATA)
    for folder in MORE:
        for src in folder.glob("*.md"):
            shutil.copy(src, ws / "sources" / src.name)
    return ws


@pytest.mark.parametrize("name, args", [
    ("golden-60.txt", ["--width", "60", "--since", "2021-06-26"]),
    ("golden.md", ["--format", "md", "--group-by", "office"]),
    ("golden-many.txt", ["--width", "60"]),
])
def test_golden_digest(runner, tmp_path, monkeypatch, name, args):
    """The whole layout, pinned, on test notices only (their front matter is
    explicit, so changes to extraction elsewhere do not move it).
    After an intended change: IP5PUB_REGEN_GOLDEN=1 make test, then review the git diff."""
    import os

    if name == "golden-many.txt":
        monkeypatch.chdir(many_notices(tmp_path / "golden"))
    else:
        monkeypatch.chdir(make_workspace(tmp_path / "golden", DATA))
    text = digest(runner, *args, "-o", "-")
    golden = GOLDEN / name
    if os.environ.get("IP5PUB_REGEN_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_items_numbered_10_and_up_keep_their_lines_in_one_column(runner, tmp_path, monkeypatch):
    """With ten items or more, numbers are right-aligned ("  9." above " 10."):
    every line of every item starts in the column of its title."""
    monkeypatch.chdir(many_notices(tmp_path / "many"))
    text = digest(runner, "--width", "60", "-o", "-")
    numbers = re.findall(r"^( *)(\d+)\. ", text, re.M)
    assert len(numbers) >= 10 and {len(lead) + len(n) for lead, n in numbers} == {2}
    inside = False
    checked = 0
    for line in text.splitlines():
        if re.match(r" *\d+\. ", line):
            inside = True
        elif not line.startswith(" ") and line:  # a group's label, its rule, the references
            inside = False
        elif inside and line:
            assert re.match(r" {4}\S", line), line
            checked += 1
    assert checked > 30
