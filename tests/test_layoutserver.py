"""The languages a build laid out, noted for the next build's layout workers."""

from __future__ import annotations

import subprocess
import sys

from ip5pub import cache, layoutserver


def test_languages_noted_by_one_build_are_read_by_the_next(tmp_path):
    assert layoutserver.remembered_languages(tmp_path) == ["en"]  # no build yet: the house default
    layoutserver.remember_languages(tmp_path, ["en", "de", "ja", "de"])
    assert layoutserver.remembered_languages(tmp_path) == ["de", "en", "ja"]
    assert layoutserver.LANGUAGES_HINT.parts[0] == cache.CACHE_DIR  # kept with the cache: `rm -rf build/.cache` is safe


def test_a_hint_that_is_not_a_list_of_language_tags_is_english(tmp_path):
    hint = tmp_path / layoutserver.LANGUAGES_HINT
    hint.parent.mkdir(parents=True)
    for text, expected in [("not json", ["en"]), ('{"de": 1}', ["en"]), ("[]", ["en"]),
                           ('["de", 3, "../../etc", "x" , "' + "a" * 40 + '", "pt-BR"]', ["de", "x", "pt-BR"]),
                           ('["' + '", "'.join(f"l{k}" for k in range(20)) + '"]', [f"l{k}" for k in range(8)])]:
        hint.write_text(text, encoding="utf-8")
        assert layoutserver.remembered_languages(tmp_path) == expected, text


def test_an_unwritable_output_folder_only_loses_the_hint(tmp_path):
    blocker = tmp_path / "build"
    blocker.write_text("a file where the folder would be", encoding="utf-8")
    layoutserver.remember_languages(blocker, ["de"])  # no exception: a hint only
    assert layoutserver.remembered_languages(blocker) == ["en"]


def test_the_server_imports_what_the_layout_needs_and_no_template_engine():
    # The server's imports run beside the reading of the sources, on the
    # core the build would otherwise have: Jinja (0.03 s of CPU) is the
    # build's own business.
    code = ("import sys, importlib\n"
            f"for name in {layoutserver.PRELOAD!r}: importlib.import_module(name)\n"
            "print(sorted(m for m in ('weasyprint', 'pyphen', 'jinja2', 'markdown_it', 'trafilatura', 'yaml') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['pyphen', 'weasyprint']", out
