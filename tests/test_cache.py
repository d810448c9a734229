"""The build cache reuses exactly what is unchanged and redoes what is not."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from ip5pub import cache as cache_module
from ip5pub.cli import main

from conftest import EPOCH, cached_count, make_workspace, run_cli


def _render(runner, *args):
    result = runner.invoke(main, ["render", "-f", "txt", "-f", "html", "-v", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _reused(output: str) -> set[str]:
    return {line.split()[1].split("/")[-1] for line in output.splitlines() if line.endswith("is up to date")}


def test_no_change_rebuild_reuses_everything(runner, workspace):
    first = _render(runner)
    assert cached_count(first) == 0 and _reused(first) == set()
    before = {p: p.read_bytes() for p in Path("build").glob("*.*") if p.is_file()}
    second = _render(runner)
    assert "nothing changed since the last build" in second  # the build stamp: not a source read
    assert _reused(second) == {"digest.txt", "brief.html"}
    assert {p: p.read_bytes() for p in Path("build").glob("*.*") if p.is_file()} == before


def test_without_the_build_stamp_every_source_and_output_comes_from_the_cache(runner, workspace):
    _render(runner)
    sources = len(list(Path("sources").iterdir()))
    before = {p: p.read_bytes() for p in Path("build").glob("*.*") if p.is_file()}
    Path("build/.cache/builds.json").unlink()
    second = _render(runner)
    assert cached_count(second) == sources
    assert _reused(second) == {"digest.txt", "brief.html"}
    assert {p: p.read_bytes() for p in Path("build").glob("*.*") if p.is_file()} == before


def test_one_changed_source_is_the_only_one_normalized_again(runner, workspace):
    _render(runner)
    sources = len(list(Path("sources").iterdir()))
    path = Path("sources/plain-uspto-2021-06-29-pph-statistics.txt")
    path.write_text(path.read_text().replace("quarterly", "every month"))
    out = _render(runner)
    assert cached_count(out) == sources - 1
    assert _reused(out) == set()
    assert "every month" in Path("build/brief.html").read_text()


def test_style_override_invalidates_the_outputs(runner, workspace):
    _render(runner)
    Path("styles").mkdir()
    Path("styles/digest.txt").write_text("CUSTOM DIGEST {{ brief.stories | length }}\n")
    out = _render(runner)
    assert "digest.txt" not in _reused(out)
    assert Path("build/digest.txt").read_text().startswith("CUSTOM DIGEST")


def test_config_change_invalidates_the_outputs(runner, workspace):
    _render(runner)
    Path("ip5pub.toml").write_text('title = "Another title"\n')
    out = _render(runner)
    assert _reused(out) == set()
    assert "ANOTHER TITLE" in Path("build/digest.txt").read_text()


def test_new_package_version_invalidates_everything(runner, workspace, monkeypatch):
    _render(runner)
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    cache_module.code_fingerprint.cache_clear()
    try:
        out = _render(runner)
    finally:
        cache_module.code_fingerprint.cache_clear()
    assert cached_count(out) == 0 and _reused(out) == set()


def test_the_fingerprint_knows_the_installed_libraries_versions_and_a_new_one(tmp_path, monkeypatch):
    """The versions come from the metadata folders' names on sys.path, as
    importlib.metadata finds them (the first on the path wins); a library
    installed anew changes the fingerprint."""
    from importlib.metadata import version

    found = cache_module._versions()
    assert {name: found[cache_module._normal(name)] for name in ("WeasyPrint", "pikepdf", "lxml", "Jinja2")} == \
        {name: version(name) for name in ("WeasyPrint", "pikepdf", "lxml", "Jinja2")}
    before = cache_module.code_fingerprint()
    (tmp_path / "pikepdf-99.1.dist-info").mkdir()
    (tmp_path / "Charset_Normalizer-9.9.dist-info").mkdir()  # the name as a wheel writes it
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    cache_module.code_fingerprint.cache_clear()
    try:
        assert cache_module._versions()["pikepdf"] == "99.1"
        assert cache_module._versions()["charset-normalizer"] == "9.9"
        assert cache_module.code_fingerprint() != before
    finally:
        cache_module.code_fingerprint.cache_clear()


def test_damaged_cache_and_edited_outputs_are_redone(runner, workspace):
    _render(runner)
    for entry in Path("build/.cache/notices").rglob("*.json"):
        entry.write_text("{not json")
    Path("build/digest.txt").write_text("edited by hand\n")
    out = _render(runner)
    assert cached_count(out) == 0
    assert "digest.txt" not in _reused(out)
    assert Path("build/digest.txt").read_text() != "edited by hand\n"


def test_removed_source_leaves_no_stale_notice_or_cache_entry(runner, workspace):
    _render(runner)
    entries = len(list(Path("build/.cache/notices").rglob("*.json")))
    Path("sources/plain-uspto-2021-06-29-pph-statistics.txt").unlink()
    _render(runner)
    assert not [p for p in Path("build/notices").glob("2021-06-29-uspto-*")]  # that source's notice only
    assert len(list(Path("build/.cache/notices").rglob("*.json"))) == entries - 1


def test_cache_holds_json_only(runner, workspace):
    _render(runner)
    for entry in Path("build/.cache").rglob("*.json"):
        text = entry.read_text()
        if entry.parts[2] == "notices":  # a notice entry: its SHA-256 on the first line, then JSON
            digest, _, text = text.partition("\n")
            assert len(digest) == 64
        json.loads(text)


@pytest.mark.slow
def test_builds_are_identical_whatever_the_time_zone_locale_and_listing(tmp_path):
    a = make_workspace(tmp_path / "a")
    b = make_workspace(tmp_path / "b")
    run_cli("render", "-f", "all", "--jobs", "1", cwd=a)
    env = {**os.environ, "TZ": "Asia/Tokyo", "LC_ALL": "C.UTF-8", "SOURCE_DATE_EPOCH": EPOCH}
    import subprocess
    import sys

    # A different creation order of the source files (directory listing order).
    for p in sorted((b / "sources").iterdir(), reverse=True):
        data = p.read_bytes()
        p.unlink()
        p.write_bytes(data)
    proc = subprocess.run([sys.executable, "-m", "ip5pub", "render", "-f", "all", "--jobs", "2"], cwd=b, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    for name in ("brief.pdf", "brief.epub", "digest.txt", "brief.html"):
        assert (a / "build" / name).read_bytes() == (b / "build" / name).read_bytes(), name
    notices_a = {p.name: p.read_bytes() for p in (a / "build/notices").iterdir()}
    notices_b = {p.name: p.read_bytes() for p in (b / "build/notices").iterdir()}
    assert notices_a == notices_b


@pytest.mark.slow
def test_duplicate_links_are_reused_only_for_the_same_notices(runner, workspace):
    """dedup compares every pair; a no-change build takes its result from the cache."""
    _render(runner)
    entries = list(Path("build/.cache/dedup").rglob("*"))
    entries = [p for p in entries if p.is_file()]
    assert len(entries) == 1
    notices = {p.name: p.read_bytes() for p in Path("build/notices").iterdir()}
    assert any(b"duplicates:\n- " in data for data in notices.values())  # the samples hold one event twice
    entries[0].write_bytes(entries[0].read_bytes()[:-5] + b"XXXXX")  # damaged: compared again
    _render(runner)
    assert {p.name: p.read_bytes() for p in Path("build/notices").iterdir()} == notices
    signatures = _files("build/.cache/dedup-sig")  # one per body, kept for the next change
    assert 0 < len(signatures) <= len(notices)
    path = Path("sources/plain-uspto-2021-06-29-pph-statistics.txt")
    path.write_text(path.read_text().replace("quarterly", "every month"))
    _render(runner)
    assert len([p for p in Path("build/.cache/dedup").rglob("*") if p.is_file()]) == 1  # the old entry is gone
    after = _files("build/.cache/dedup-sig")
    assert len(after - signatures) == 1 and len(signatures - after) == 1  # only the changed body's
    _render(runner)  # nothing changed: the dedup result is reused and reads no signature
    assert _files("build/.cache/dedup-sig") == after  # ... but keeps them


def _files(folder: str) -> set[Path]:
    return {p for p in Path(folder).rglob("*") if p.is_file()}


def test_output_keys_come_from_the_fields_an_output_depends_on():
    """Settings key the outputs field by field: any field that changes an
    output changes the key; the [fetch] settings, which change none, do not
    (a new feed does not rebuild last week's PDF)."""
    from dataclasses import replace

    from ip5pub.cache import fields_key
    from ip5pub.fetch.config import FetchSettings
    from ip5pub.render import PdfOptions
    from ip5pub.workspace import Config

    base = Config()
    assert fields_key(base) == fields_key(Config())
    assert fields_key(replace(base, title="Other")) != fields_key(base)
    assert fields_key(replace(base, glance_limit=5)) != fields_key(base)
    assert fields_key(replace(base, fetch=FetchSettings(user_agent="someone else"))) == fields_key(base)
    assert fields_key(PdfOptions(chunk_size=8)) != fields_key(PdfOptions(chunk_size=9))
    assert fields_key(PdfOptions(variant="pdf/ua-1")) != fields_key(PdfOptions())


def test_a_corrected_body_is_the_only_one_rendered_again(runner, workspace, monkeypatch):
    from ip5pub import markdown

    runner.invoke(main, ["render", "-f", "html", "-f", "epub", "-q"])
    rendered = []
    real = markdown.to_html
    monkeypatch.setattr(markdown, "to_html", lambda body, *a, **k: rendered.append(body) or real(body, *a, **k))
    path = Path("sources/plain-uspto-2021-06-29-pph-statistics.txt")
    path.write_text(path.read_text().replace("quarterly", "every month"))
    result = runner.invoke(main, ["render", "-f", "html", "-f", "epub", "-q"])
    assert result.exit_code == 0, result.output
    assert len(rendered) == 1 and "every month" in rendered[0]  # for brief.html and the EPUB both
    assert "every month" in Path("build/brief.html").read_text()


def test_bodies_entry_of_another_shape_is_rendered_again(runner, workspace):
    runner.invoke(main, ["render", "-f", "html", "-q"])
    expected = Path("build/brief.html").read_bytes()
    entries = list(Path("build/.cache/markdown").glob("*/*"))
    assert len(entries) == 1
    data = json.dumps({key: "<p>not this notice</p>" for key in ("a", "b")}).encode()
    entries[0].write_bytes(cache_module._seal(json.dumps(["a", "list"]).encode()))
    Path("build/brief.html").unlink()
    assert runner.invoke(main, ["render", "-f", "html", "-q"]).exit_code == 0
    assert Path("build/brief.html").read_bytes() == expected
    entries[0].write_bytes(data)  # not sealed: damaged
    Path("build/brief.html").unlink()
    assert runner.invoke(main, ["render", "-f", "html", "-q"]).exit_code == 0
    assert Path("build/brief.html").read_bytes() == expected
