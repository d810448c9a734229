"""Front matter is written with libyaml when it gives PyYAML's bytes exactly."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from ip5pub import frontmatter

from conftest import ROOT

TRICKY = [
    {"title": "a: b # c 'q' \"d\" \u2028 \u0085 \ufeff x", "lead": "  space", "trail": "space ", "null": "null",
     "yes": "yes", "empty": "", "lines": "multi\nline\n", "tab": "\t tab", "date": dt.date(2021, 6, 29),
     "list": [1, "2", None, True, 1.5], "nested": {"start": dt.date(2021, 6, 22), "k": ["x: y"]}},
    {"title": "中文标题 — 特許庁 — 특허청 ☃ “quoted” ‘single’ «guillemets»"},
    {"title": "Astral 𝔘 \U000f0000 in a title", "acronyms": {"𝔘": "math"}},
    {"title": "- starts with a dash", "office": "? question", "x": "@at", "y": "%percent", "z": "!bang"},
]


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def _pure(data):
    return yaml.dump(data, Dumper=_NoAliases, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=10_000)


def test_one_date_object_twice_is_written_twice_not_as_an_alias():
    day = dt.date(2023, 6, 1)
    text = frontmatter.dump({"date": day, "event": {"start": day, "end": day}})
    assert "&" not in text and "*" not in text
    assert frontmatter.load(text) == {"date": day, "event": {"start": day, "end": day}}


@pytest.mark.parametrize("data", TRICKY)
def test_dump_equals_pyyaml(data):
    assert frontmatter.dump(data) == _pure(data)
    assert frontmatter.load(frontmatter.dump(data)) == data


@pytest.mark.slow
def test_dump_equals_pyyaml_for_every_shipped_notice():
    from ip5pub.codec import front_matter
    from ip5pub.pipeline import normalize

    outcome = normalize([ROOT / "sources"])
    assert len(outcome.notices) > 20
    for notice in outcome.notices:
        data = front_matter(notice)
        assert frontmatter.dump(data) == _pure(data), notice.id
