"""Set-up as a new user meets it: what `make brief` installs, and a missing
system library named by the Debian package to install, in one line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ip5pub import system

from conftest import EPOCH, ROOT, make_workspace

ABSENT = (("libip5pub-absent-1.0.so.0", "libip5pub-absent0"),)


def test_the_pdf_libraries_are_found_here_and_an_absent_one_is_named():
    assert system.missing(system.PDF_LIBRARIES) == []
    assert system.pdf_unavailable() is None
    assert system.missing(ABSENT) == list(ABSENT)
    line = system.pdf_unavailable(ABSENT + system.PDF_LIBRARIES)
    assert line == ("the PDF needs system libraries that are missing (libip5pub-absent-1.0.so.0); "
                    "install them with: sudo apt-get install libip5pub-absent0")


@pytest.mark.slow
def test_render_without_a_system_library_says_which_package_and_writes_the_rest(tmp_path):
    ws = make_workspace(tmp_path / "ws")
    # The command as a user runs it, on a machine where one library the PDF needs is absent.
    code = ("import sys, ip5pub.system as s; s.PDF_LIBRARIES = s.PDF_LIBRARIES + " + repr(ABSENT) + "; "
            "from ip5pub.cli import main; sys.exit(main(['render', '-f', 'pdf', '-f', 'txt']))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ws, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if "brief.pdf" in line]
    assert errors == ["ip5pub: error: build/brief.pdf: not written: the PDF needs system libraries that are "
                      "missing (libip5pub-absent-1.0.so.0); install them with: sudo apt-get install libip5pub-absent0"]
    assert "WeasyPrint" not in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
    assert (ws / "build/digest.txt").is_file() and not (ws / "build/brief.pdf").exists()


def test_make_brief_installs_what_rendering_needs_and_make_test_the_test_tools(tmp_path):
    def dry_run(target: str) -> str:
        return subprocess.run(["make", "-n", "-C", str(ROOT), target, f"VENV={tmp_path}/venv"],
                              capture_output=True, text=True, check=True).stdout

    brief, test = dry_run("brief"), dry_run("test")
    assert "pip install --quiet -e .\n" in brief and "[test]" not in brief
    assert "pip install --quiet -e '.[test]'" in test
    probed = lambda out: [line.split(" in ", 1)[1].split(";")[0].split()  # noqa: E731
                          for line in out.splitlines() if line.startswith("for pkg in ")]
    assert probed(brief) == [["libpango-1.0-0", "libpangoft2-1.0-0", "fontconfig", "fonts-noto-core", "fonts-noto-cjk",
                              "libharfbuzz-subset0", "default-jre-headless"]]
    assert probed(test) == probed(brief) + [["poppler-utils", "qpdf"]]
