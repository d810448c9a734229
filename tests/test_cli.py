"""The command line as a user meets it: help, version, exit codes, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ip5pub import __version__
from ip5pub.cli import main


def test_help_lists_every_command(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("normalize", "render", "digest", "check", "list", "init", "fetch"):
        assert command in result.output


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_help_does_not_import_heavy_libraries():
    code = "import sys; from ip5pub.cli import main; main(['--help'], standalone_mode=False); " \
           "print(sorted(m for m in ('weasyprint', 'pypandoc', 'yaml', 'charset_normalizer', 'httpx', 'httpcore') " \
           "if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]"), out


def test_rendering_imports_pikepdf_only_for_what_needs_it():
    # Only a PDF variant's finishing and the chunked assembly use pikepdf;
    # imported with the PDF renderer, it cost every build 6 MB and 30 ms.
    code = "import sys, ip5pub.cli, ip5pub.pipeline, ip5pub.render.pdf; print('pikepdf' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_normalize_writes_one_file_per_notice(runner, workspace):
    result = runner.invoke(main, ["normalize", "sources/cnipa-2021-06-29-ip5-heads-meeting.txt",
                                  "sources/md-kipo-2021-07-02-ai-examination.md", "-o", "out"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in Path("out").iterdir())
    assert names == ["2021-06-29-cnipa-the-14th-ip5-heads-of-offices-meeting-held.md",
                     "2021-07-02-hanlin-moore-llp-kipo-expands-ai-assisted-search-for-patent-examiners.md"]
    assert result.output.splitlines() == [f"out/{n}" for n in names]


@pytest.mark.slow
def test_bad_source_is_one_line_and_others_still_written(workspace):
    Path("sources/broken.txt").write_text("A title only\nUpdated: 13 45,2021\n\nBody text here.\n")
    proc = subprocess.run([sys.executable, "-m", "ip5pub", "normalize", "sources", "-o", "out"],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if "broken.txt" in line]
    assert len(errors) == 1 and "not a real date" in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr
    written = {p.name for p in Path("out").glob("*.md")}
    assert "2021-06-29-cnipa-the-14th-ip5-heads-of-offices-meeting-held.md" in written
    assert len(written) >= 5


def test_render_reports_missing_sources_folder(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["render", "-f", "txt"])
    assert result.exit_code == 2
    assert "no sources folder" in result.output


def test_unknown_office_option_is_a_usage_error(runner, workspace):
    result = runner.invoke(main, ["render", "-f", "txt", "--office", "XYZ"])
    assert result.exit_code == 2 and "not an office code" in result.output


def test_config_errors_name_the_file_and_key(runner, workspace):
    Path("ip5pub.toml").write_text('title = "X"\ncolour = "red"\n')
    result = runner.invoke(main, ["render", "-f", "txt"])
    assert result.exit_code == 2 and "ip5pub.toml" in result.output and "colour" in result.output


def test_list_json(runner, workspace):
    import json

    result = runner.invoke(main, ["list", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert {r["title"] for r in rows} >= {"The 14th IP5 Heads of Offices Meeting Held"}


def test_glance_limit_leaves_the_table_out_of_large_briefs(runner, workspace):
    runner.invoke(main, ["render", "-f", "html"], catch_exceptions=False)
    html = Path("build/brief.html").read_text()
    stories = html.count('<article class="notice"')
    # Up to 12 stories the table is the contents; above, a section of its own.
    assert 'class="glance-table"' in html and ('id="glance"' in html) == (stories > 12)
    Path("ip5pub.toml").write_text(f"glance_limit = {stories - 1}\n")
    result = runner.invoke(main, ["render", "-f", "html"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    html = Path("build/brief.html").read_text()
    assert 'id="glance"' not in html and 'href="#glance"' not in html and 'class="glance-table"' not in html
    assert html.count('<article class="notice"') == stories  # only the table goes
    Path("ip5pub.toml").write_text("glance_limit = -1\n")
    result = runner.invoke(main, ["render", "-f", "html"])
    assert result.exit_code == 2 and "glance_limit" in result.output
