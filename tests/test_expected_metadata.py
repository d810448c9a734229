"""Field checks over the project's own corpora, with pinned floors.

A regression test, not an accuracy measure: the rules were written against
these pages, so the floors are 1.0. How the readers do on pages nobody here
wrote is measured by `bench/extract_eval.py` on public test sets.

Two corpora, each with its expected fields as a careful reader determines them:
`tests/expected/metadata.yaml` for the shipped samples in `sources/`, and
`tests/expected/pages-*.yaml` for the pages in `tests/pages/` (made for the
failure classes seen on real sites; each file covers its own pages).
Raising a floor is fine, lowering one must be an explicit edit here. Run this
file as a script to list every miss:  .venv/bin/python tests/test_expected_metadata.py
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from conftest import SOURCES  # noqa: E402

from ip5pub.extract.offices import OFFICIAL_NAMES  # noqa: E402

EXPECTED = HERE / "expected" / "metadata.yaml"
PAGES = HERE / "pages"


def corpora() -> list[tuple[Path, list[dict]]]:
    """(folder, expected entries) per corpus; the pages' files are merged."""
    out = [(SOURCES, yaml.safe_load(EXPECTED.read_text(encoding="utf-8")))]
    pages: list[dict] = []
    for extra in sorted((HERE / "expected").glob("pages-*.yaml")):
        pages.extend(yaml.safe_load(extra.read_text(encoding="utf-8")) or [])
    if pages or PAGES.is_dir():
        out.append((PAGES, pages))
    return out

# Share of entries right, per field (1.0 = every entry). Raise freely; lowering must be deliberate.
FLOORS = {
    "found": 1.0, "title": 1.0, "date": 1.0, "office": 1.0, "language": 1.0, "translated_from": 1.0,
    "attribution": 1.0, "event": 1.0, "offices": 1.0, "acronyms": 1.0, "url": 1.0,
    "first_sentence": 1.0, "boilerplate": 1.0, "event_key": 1.0, "publisher": 1.0, "summary": 1.0,
}


def _plain_first_sentence(body: str) -> str:
    from ip5pub import markdown
    from ip5pub.extract.text import split_sentences

    for block in markdown.blocks(body):
        sentences = split_sentences(block)
        if sentences:
            return sentences[0]
    return ""


def _date(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def evaluate() -> tuple[dict[str, list[bool]], list[str]]:
    """Per field, one bool per expected entry that has the field; and the misses as lines."""
    scores: dict[str, list[bool]] = defaultdict(list)
    misses: list[str] = []
    for folder, expected in corpora():
        _evaluate(folder, expected, scores, misses)
    return scores, misses


def _evaluate(folder: Path, expected: list[dict], scores: dict[str, list[bool]], misses: list[str]) -> None:
    from ip5pub import markdown
    from ip5pub.readers import source_files

    from ip5pub import normalize
    from ip5pub.notices import unique_ids
    from ip5pub.dedup import link_duplicates
    from ip5pub.model import SourceError
    from ip5pub.readers import read_source

    # Read file by file: a normalized notice's source.path names its original, not the file.
    keyed, errors = [], []
    for path in source_files(folder):
        try:
            for draft in read_source(path, path.name):
                keyed.append(((path.name, draft.item), normalize.build_notice(draft)))
        except SourceError as exc:
            errors.append(exc)
    notices = link_duplicates(unique_ids([n for _, n in keyed]))
    by_key = {key: n for (key, _), n in zip(keyed, notices)}
    misses.extend(f"error: {e}" for e in errors)

    def check(entry, field, got, want):
        ok = got == want
        scores[field].append(ok)
        if not ok:
            misses.append(f"{entry['source']}#{entry.get('item', '')} {field}: got {got!r} want {want!r}")

    id_to_key = {}
    for entry in expected:
        n = by_key.get((entry["source"], entry.get("item")))
        scores["found"].append(n is not None)
        if n is None:
            misses.append(f"{entry['source']}#{entry.get('item', '')}: not normalized")
            continue
        id_to_key[n.id] = entry.get("event_key")
        check(entry, "title", n.title, entry["title"])
        check(entry, "date", n.date.isoformat(), _date(entry["date"]))
        check(entry, "office", n.office, entry.get("office"))
        check(entry, "language", n.language, entry["language"])
        check(entry, "translated_from", n.translated_from, entry.get("translated_from"))
        check(entry, "attribution", n.attribution, entry.get("attribution"))
        ev = entry.get("event")
        check(entry, "event", [n.event.start.isoformat(), n.event.end.isoformat()] if n.event else None,
              [_date(ev["start"]), _date(ev["end"])] if ev else None)
        check(entry, "offices", list(n.offices), entry.get("offices") or [])
        # The table lists what each text defines; office codes a text only uses
        # carry the office's official name on top (see README), not counted here.
        defined = {k: v for k, v in n.acronyms.items()
                   if k in (entry.get("acronyms") or {}) or OFFICIAL_NAMES.get(k) != v}
        check(entry, "acronyms", defined, entry.get("acronyms") or {})
        check(entry, "url", n.source.url, entry.get("url"))
        for field in ("publisher", "summary"):  # checked where an entry gives them (the pages do)
            if field in entry:
                check(entry, field, getattr(n, field), entry[field])
        if "first_sentence" in entry:
            check(entry, "first_sentence", _plain_first_sentence(n.body), entry["first_sentence"])
        if entry.get("boilerplate"):
            plain = markdown.to_plain(n.body)
            left = [b for b in entry["boilerplate"] if b in plain or b in n.body]
            check(entry, "boilerplate", left, [])
    # Dedup: a notice's duplicates are exactly the others with its event_key.
    key_of = {n.id: key for key, n in by_key.items()}
    for nid, n in {n.id: n for n in notices if n.id in id_to_key}.items():
        want = sorted(o for o, k in id_to_key.items() if o != nid and k is not None and k == id_to_key[nid])
        got = sorted(d for d in n.duplicates if d in id_to_key)
        entry = {"source": key_of[nid][0], "item": key_of[nid][1]}
        check(entry, "event_key", got, want)


@pytest.fixture(scope="module")
def results():
    return evaluate()


def _summary(scores) -> str:
    right = sum(sum(v) for v in scores.values())
    total = sum(len(v) for v in scores.values())
    per = ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(scores.items()))
    return f"field accuracy {right}/{total}: {per}"


@pytest.mark.parametrize("folder,expected", corpora(), ids=lambda v: v.name if isinstance(v, Path) else "")
def test_every_expected_notice_is_covered(folder, expected):
    named = {e["source"] for e in expected}
    shipped = {p.name for p in folder.iterdir() if p.is_file() and not p.name.endswith((".meta.yaml", ".meta.yml"))}
    assert shipped <= named, f"{folder.name}: sources without expected metadata: {sorted(shipped - named)}"
    assert named <= shipped, f"{folder.name}: expected entries without a source: {sorted(named - shipped)}"


@pytest.mark.slow
@pytest.mark.parametrize("field", sorted(FLOORS))
def test_field_accuracy_floor(results, field, capsys):
    scores, misses = results
    with capsys.disabled():
        if field == sorted(FLOORS)[0]:
            print("\n" + _summary(scores))
    values = scores.get(field, [])
    assert values, f"no expected entry checks {field}"
    accuracy = sum(values) / len(values)
    relevant = [m for m in misses if f" {field}:" in m or field == "found"]
    assert accuracy >= FLOORS[field], f"{field}: {accuracy:.3f} < {FLOORS[field]}\n" + "\n".join(relevant)


if __name__ == "__main__":
    scores, misses = evaluate()
    print("\n".join(misses))
    print(_summary(scores))
