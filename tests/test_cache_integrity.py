"""Cache entries carry a digest of their content, checked on read: a damaged
entry, or one holding a value of the wrong type, is made again without a word."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ip5pub.cli import main

from conftest import cached_count

WORDS = "five largest"  # in the body of a notice the digest shows


def _render(runner) -> str:
    # Without the build stamp: these builds must read the (damaged) cache
    # entries, which a build with nothing to do would not open.
    Path("build/.cache/builds.json").unlink(missing_ok=True)
    result = runner.invoke(main, ["render", "-f", "txt", "-v"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "error" not in result.output
    return result.output


def _entry_for(word: str) -> Path:
    found = [p for p in Path("build/.cache/notices").glob("*/*.json") if word in p.read_text(encoding="utf-8")]
    assert len(found) == 1, found
    return found[0]


def _sources() -> int:
    return len(list(Path("sources").iterdir()))


def test_a_changed_word_in_a_cached_body_is_not_printed(runner, workspace):
    _render(runner)
    entry = _entry_for(WORDS)
    entry.write_text(entry.read_text(encoding="utf-8").replace(WORDS, "nine largest"), encoding="utf-8")
    out = _render(runner)
    assert cached_count(out) == _sources() - 1  # that entry was a miss
    digest = " ".join(Path("build/digest.txt").read_text().split())
    assert WORDS in digest and "nine largest" not in digest
    assert "nine largest" not in _entry_for(WORDS).read_text(encoding="utf-8")  # written again


def test_a_truncated_entry_is_made_again(runner, workspace):
    _render(runner)
    entry = _entry_for(WORDS)
    entry.write_bytes(entry.read_bytes()[:100])
    assert cached_count(_render(runner)) == _sources() - 1


def test_a_value_of_the_wrong_type_under_a_valid_digest_is_a_miss_not_a_traceback(runner, workspace):
    """The reported case: a cached date that lost its type (a string, with a digest that matches)."""
    _render(runner)
    entry = _entry_for(WORDS)
    data = json.loads(entry.read_bytes().partition(b"\n")[2])
    data[0]["date"] = "2021-06-29"  # the {"__date__": …} wrapper gone
    data[0]["offices"] = "CNIPA"  # a string where a list of codes belongs
    body = json.dumps(data).encode()
    entry.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
    for _ in range(2):  # every later run too
        out = _render(runner)
        assert cached_count(out) == _sources() - 1
        assert WORDS in " ".join(Path("build/digest.txt").read_text().split())
        entry.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def test_damaged_stamp_tables_and_dedup_results_rebuild_the_outputs(runner, workspace):
    _render(runner)
    before = Path("build/digest.txt").read_bytes()
    for table in Path("build/.cache").glob("*.json"):
        table.write_text("[1, 2, 3]")  # JSON, but not a table
    for blob in Path("build/.cache/dedup").glob("*/*"):
        body = json.dumps({"x": "not a list"}).encode()
        blob.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
    out = _render(runner)
    assert "is up to date" not in out
    assert Path("build/digest.txt").read_bytes() == before


class _Payload:
    """What a pickle impostor would run when unpickled: make a folder."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        import os

        return (os.mkdir, (self.marker,))


def test_a_pickle_in_a_cache_entry_is_never_loaded_as_code_and_is_rebuilt(runner, workspace, tmp_path):
    """An entry replaced by a pickle that would run code, under a checksum
    that matches (someone who can write build/.cache can compute one): the
    code never runs, the entry is a miss, made again as JSON, and every
    output is what it was."""
    import pickle

    _render(runner)
    before = Path("build/digest.txt").read_bytes()
    marker = tmp_path / "ran"
    payload = pickle.dumps([_Payload(marker)])
    for entry in (_entry_for(WORDS), *Path("build/.cache/dedup").glob("*/*")):
        entry.write_bytes(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    Path("build/digest.txt").unlink()
    out = _render(runner)
    assert not marker.exists()
    assert cached_count(out) == _sources() - 1
    assert Path("build/digest.txt").read_bytes() == before
    rebuilt = _entry_for(WORDS).read_bytes().partition(b"\n")[2]
    assert isinstance(json.loads(rebuilt), list)
