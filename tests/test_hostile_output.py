"""Control characters from sources never reach a terminal, a log or an output;
ids are safe file names that no template element uses."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SEED, run_cli

# What a terminal would obey: ESC and CSI (colours, cursor), OSC 8 (hyperlinks), BEL, NUL, C1 CSI.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
OSC8 = "\x1b]8;;http://127.0.0.1:9/\x07"


@pytest.mark.parametrize("text, shown", [
    ("plain title", "plain title"),
    ("a\x1b[31mred", "a\\x1b[31mred"),
    ("two\nlines", "two\\nlines"),
    ("bell\x07 nul\x00 del\x7f c1\x9b", "bell\\x07 nul\\x00 del\\x7f c1\\x9b"),
    ("tab\there", "tab\\there"),
    ("right-to-left \u202eoverride", "right-to-left \\u202eoverride"),
    ("caf\udce9.txt", "caf\\xe9.txt"),  # a Latin-1 file name as Python decodes it
    ("國家知識產權局 – ok", "國家知識產權局 – ok"),
])
def test_printable_escapes_every_control_and_keeps_the_rest(text, shown):
    from ip5pub.terminal import printable

    assert printable(text) == shown


@pytest.mark.parametrize("text, clean", [
    ("ESC\x1b[2Jgone", "ESC[2Jgone"),
    ("bell\x07, nul\x00 and C1\x9b removed", "bell, nul and C1 removed"),
    ("form\x0cfeed and\x1eseparators", "form feed and separators"),
    ("line\r\nends\rkept\n\ttab", "line\nends\nkept\n\ttab"),
])
def test_clean_text_removes_controls_but_newline_and_tab(text, clean):
    from ip5pub.validate import clean_text

    assert clean_text(text) == clean


def _hostile_workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / "sources").mkdir(parents=True)
    (ws / "sources" / SEED.name).write_bytes(SEED.read_bytes())
    # YAML escapes put any control into a title; a plain-text body carries them raw.
    (ws / "sources" / "controls.md").write_text(
        '---\ntitle: "EPO \\e[2J\\e]0;pwned\\a notice \\x9b31m with \\0 controls"\ndate: 2021-06-30\n'
        'office: EPO\nsummary: "Summary \\e[5m blinking"\n---\n\n'
        f"The EPO opened a {OSC8}help desk\x1b]8;;\x07 for applicants\x07 on 30 June 2021.\x08\n\n"
        "A second paragraph with a C1 \x9b31m sequence and a backspace \x08 in it.\n", encoding="utf-8")
    # (a NUL in the text itself makes it binary data, refused as such)
    # A file name with a newline (forges a second error line) and an escape sequence; broken on purpose.
    (ws / "sources" / "forged\nip5pub: error: \x1b[31mfake.md").write_text("no front matter, no heading\n")
    return ws


def test_controls_reach_no_output_and_no_terminal(tmp_path):
    ws = _hostile_workspace(tmp_path)
    proc = run_cli("render", "-f", "txt", "-f", "html", "-f", "epub", cwd=ws, check=False)
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("ip5pub: error:")]
    assert len(errors) == 1, proc.stderr  # the forged name is one line, escaped
    assert "forged\\nip5pub: error: \\x1b[31mfake.md" in errors[0]
    assert not CONTROLS.search(proc.stdout + proc.stderr)
    outputs = {p: p.read_text(encoding="utf-8") for p in (ws / "build").glob("*.*") if p.suffix in (".txt", ".html")}
    outputs.update({p: p.read_text(encoding="utf-8") for p in (ws / "build/notices").glob("*.md")})
    with zipfile.ZipFile(ws / "build/brief.epub") as book:
        outputs.update({Path(n): book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xhtml")})
    md = run_cli("digest", "--since", "2021-06-01", "--format", "md", "-o", "-", cwd=ws, check=False)
    outputs[Path("digest.md")] = md.stdout
    assert len(outputs) >= 6
    for path, text in outputs.items():
        found = CONTROLS.search(text)
        assert found is None, f"{path.name} holds {found.group()!r}"
    notice = outputs[ws / "build/notices/2021-06-30-epo-2j-0-pwned-notice-31m-with-controls.md"]
    assert "title: EPO [2J]0;pwned notice 31m with controls\n" in notice  # the controls alone removed
    assert "opened a ]8;;http://127.0.0.1:9/help desk]8;; for applicants on 30 June 2021." in notice
    listed = run_cli("list", cwd=ws, check=False)
    assert not CONTROLS.search(listed.stdout + listed.stderr)
    assert len([line for line in listed.stderr.splitlines() if line.startswith("ip5pub: error:")]) == 1


def test_list_and_errors_escape_what_a_source_says(tmp_path):
    ws = _hostile_workspace(tmp_path)
    # A title that keeps a bidirectional override (not a C0/C1 control, so normalize keeps it).
    (ws / "sources" / "rtl.md").write_text("---\ntitle: \"Reversed \u202etxt.exe\"\ndate: 2021-06-30\n---\n\nBody.\n")
    proc = run_cli("list", cwd=ws, check=False)
    assert proc.returncode == 1
    assert "Reversed \\u202etxt.exe" in proc.stdout
    assert "\u202e" not in proc.stdout and not CONTROLS.search(proc.stdout + proc.stderr)
    assert len(proc.stdout.splitlines()) == 3 and len(proc.stderr.splitlines()) == 2, proc.stdout + proc.stderr
    as_json = run_cli("list", "--json", cwd=ws, check=False)
    assert "\u202e" not in as_json.stdout and "Reversed \\u202etxt.exe" in as_json.stdout
    assert "Reversed \u202etxt.exe" in [n["title"] for n in json.loads(as_json.stdout)]  # still the same JSON


@pytest.mark.parametrize("given", ["my-notice\n", "contents", "glossary", "office-index", "toc", "nav-3", "ch001",
                                   "cover", "con", "-leading-dash", "UPPER"])
def test_unsafe_or_reserved_ids_are_never_given_to_a_notice(given):
    from ip5pub.model import Draft, SourceRef
    from ip5pub.normalize import build_notice

    draft = Draft(body="The office opened a help desk.\n", source=SourceRef("x.md", "0", "markdown"),
                  hints={"id": given, "title": "Help desk opens", "date": "2021-06-30", "office": "EPO"},
                  fixed=frozenset({"id", "title", "date", "office"}))
    assert build_notice(draft).id == "2021-06-30-epo-help-desk-opens"


def test_a_safe_id_is_kept():
    from ip5pub.extract.ids import is_safe_id

    assert is_safe_id("2021-06-30-epo-help-desk-opens") and is_safe_id("contents-2021")


def test_every_literal_id_in_the_templates_is_reserved():
    from ip5pub.extract.ids import is_safe_id

    found = set()
    for path in (ROOT / "styles").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xhtml", ".opf", ".ncx"):
            found |= set(re.findall(r'\bid="([^"{]+)"', path.read_text(encoding="utf-8")))
            found |= {m + "1" for m in re.findall(r'\bid="([a-z]+-)\{\{', path.read_text(encoding="utf-8"))}
    assert {"contents", "glossary", "office-index"} <= found
    assert [i for i in sorted(found) if is_safe_id(i)] == []


def test_review_prints_and_writes_no_control_character(tmp_path):
    """`ip5pub review` shows every value a source gave: on the terminal, as JSON and as a page."""
    ws = _hostile_workspace(tmp_path)
    (ws / "sources" / "rtl.md").write_text("---\ntitle: \"Reversed \u202etxt.exe\"\ndate: 2021-06-30\n---\n\nBody.\n")
    for args in (("review",), ("review", "--json"), ("review", "--html", "review.html")):
        proc = run_cli(*args, cwd=ws, check=False)
        assert proc.returncode == 1, proc.stderr  # the forged file name fails, one line
        assert len([line for line in proc.stderr.splitlines() if line.startswith("ip5pub: error:")]) == 1
        assert not CONTROLS.search(proc.stdout + proc.stderr), args
        assert "\u202e" not in proc.stdout, args
        if args[1:] == ("--json",):
            titles = [n["fields"]["title"]["value"] for n in json.loads(proc.stdout)["notices"]]
            assert "Reversed \u202etxt.exe" in titles  # escaped as JSON escapes it, the same value
    assert not CONTROLS.search((ws / "review.html").read_text(encoding="utf-8"))
