"""Front matter and sidecar values the YAML safe loader accepts but no field
can hold: each refused in one line naming its key, or converted to plain data,
by every command; every other source still processed and written."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SEED, run_cli


# name -> (YAML line, the reason printed, or None when the value is converted and the source processed)
CASES = {
    "binary": ("title: !!binary SGVsbG8gd29ybGQ=", "title: binary data (!!binary) is not text"),
    "set": ("offices: !!set {EPO, JPO}", None),
    "integer-key": ("2021: the year", "key 2021 is not text; quote it"),
    "mixed-keys": ("acronyms: {PCT: Patent Cooperation Treaty, 5: five}", "acronyms: key 5 is not text; quote it"),
    "date-key": ("acronyms: {2021-06-30: a date}", "acronyms: key 2021-06-30 is not text; quote it"),
    "surrogate": ('summary: "Half a character \\ud83d here"', "summary: \\ud83d (a lone surrogate) is not text"),
    "controls": ('summary: "Bell \\a, escape \\e[31m and C1 \\x9b here"', None),
    "hour-25": ("date: 2021-06-30 25:00:00", "date: '2021-06-30 25:00:00' is not a usable date and time (line 4)"),
    "long-number": ("words: " + "7" * 5000, "words: a value of 5,000 characters is not a usable integer (line 4)"),
    "deep": ("extra: " + "[" * 40 + "]" * 40, "extra: nested more than 16 levels deep"),
}


# Distinct bodies, so that duplicate detection keeps every processed notice apart.
BODIES = ["Examiners in Munich began a pilot on searching with machine translation.",
          "Fees for international applications fall by a tenth from next spring.",
          "A new help desk answers questions on the unitary patent by telephone.",
          "Statistics for the first quarter show filings up in digital communication.",
          "Two offices agreed to exchange search results for plant varieties.",
          "The online filing system will be closed for maintenance over the weekend.",
          "Training for patent attorneys on the new design rules starts in June.",
          "A conference on artificial intelligence and inventorship meets in Geneva.",
          "The office publishes its annual review of opposition decisions today.",
          "Applicants may now pay renewal fees with a card through the portal.",
          "Guidelines on computer-implemented inventions were revised after comments.",
          "A memorandum on green technology applications was signed in Seoul.",
          "Backlogs of examination requests have fallen for the third year running.",
          "Regional seminars explain the accelerated examination programme to firms.",
          "Digital certificates replace smart cards for signing submitted documents.",
          "Judges from five countries discussed remedies for infringement online.",
          "Archive records from the nineteenth century can be searched from now on.",
          "An agreement on prior art sharing was extended for another three years.",
          "Opening hours of the public reading room change from the first of July.",
          "The board of appeal referred a question on double patenting to the plenary."]


def _workspace(tmp_path: Path) -> Path:
    """The seed, and each case twice: in a Markdown file's front matter and in a text file's sidecar."""
    ws = tmp_path / "ws"
    src = ws / "sources"
    src.mkdir(parents=True)
    (src / SEED.name).write_bytes(SEED.read_bytes())
    for i, (name, (line, _)) in enumerate(CASES.items()):
        (src / f"fm-{name}.md").write_text(
            f"---\ntitle: Front matter case {name}\ndate: 2021-06-30\n{line}\noffice: EPO\n---\n\n"
            f"{BODIES[2 * i]}\n", encoding="utf-8")
        (src / f"sc-{name}.txt").write_text(
            f"Sidecar case {name}\n\nDate: 2021-06-30\n\n{BODIES[2 * i + 1]}\n")
        (src / f"sc-{name}.txt.meta.yaml").write_text(f"office: EPO\n\n\n{line}\n", encoding="utf-8")
    return ws


def _expected_errors() -> list[str]:
    lines = []
    for name, (_, reason) in CASES.items():
        if reason is not None:
            lines.append(f"ip5pub: error: sources/fm-{name}.md: {reason}")
            lines.append(f"ip5pub: error: sources/sc-{name}.txt: sidecar sc-{name}.txt.meta.yaml: {reason}")
    return sorted(lines)


PROCESSED = ["The 14th IP5 Heads of Offices Meeting Held"] + [
    f"{kind} case {name}" for name, (_, reason) in CASES.items() if reason is None
    for kind in ("Front matter", "Sidecar")]


COMMANDS = [
    ("normalize", "sources", "-o", "out"),
    ("list",),
    ("check",),
    ("render", "-f", "txt", "-f", "html"),
    ("review",),  # what was read from each source and what looks doubtful: the same cases, the same lines
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_each_unusable_value_is_one_line_and_everything_else_is_written(tmp_path, command):
    ws = _workspace(tmp_path)
    proc = run_cli(*command, cwd=ws, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    errors = sorted(line for line in proc.stderr.splitlines() if line.startswith("ip5pub: error:"))
    assert errors == _expected_errors()
    if command[0] == "normalize":
        written = [p.read_text() for p in (ws / "out").iterdir()]
        assert len(written) == len(PROCESSED)
        shown = "\n".join(written)
    elif command[0] == "render":
        shown = (ws / "build/digest.txt").read_text() + (ws / "build/brief.html").read_text()
    elif command[0] == "check":
        assert proc.stdout.strip() == f"{len(PROCESSED)} notice(s) ok, {len(errors)} source(s) failed"
        return
    else:
        shown = proc.stdout
    for title in PROCESSED:  # list cuts a long title to fit 80 columns
        assert (title[:30] if command[0] == "list" else title) in shown, title


def test_converted_values_are_plain_data(tmp_path):
    ws = _workspace(tmp_path)
    run_cli("normalize", "sources", "-o", "out", cwd=ws, check=False)
    notice = (ws / "out/2021-06-30-epo-front-matter-case-set.md").read_text()
    assert "offices:\n- EPO\n- JPO\n" in notice  # the set, as a list
    notice = (ws / "out/2021-06-30-epo-sidecar-case-controls.md").read_text()
    assert "summary: Bell , escape [31m and C1 here\n" in notice


def test_sidecar_items_are_numbered_and_other_keys_are_text(tmp_path):
    from ip5pub.frontmatter import FrontMatterError, load

    assert load("items: {1: {title: One}, 3: {date: 2021-06-30}}", numbered_items=True)["items"][1] == {"title": "One"}
    with pytest.raises(FrontMatterError, match=r"items: 'one' is not an item number"):
        load("items: {one: {title: One}}", numbered_items=True)
    with pytest.raises(FrontMatterError, match=r"items: 1: key 2 is not text"):
        load("items: {1: {2: x}}", numbered_items=True)
