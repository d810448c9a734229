"""The template contract: the class names the PDF layout relies on agree in
the code, the packaged template and the README (fast)."""

from __future__ import annotations

import dataclasses
import re

from ip5pub.cli import main
from ip5pub.render.contract import CLASSES
from ip5pub.templates import link_notes

from conftest import ROOT

FIELDS = [(f.name, getattr(CLASSES, f.name)) for f in dataclasses.fields(CLASSES)]


def test_the_template_writes_every_class_from_the_context_not_as_a_literal():
    template = (ROOT / "styles/brief.html").read_text(encoding="utf-8")
    for name, value in FIELDS:
        if name != "link_note":  # written by the link_notes filter (below)
            assert f"{{{{ classes.{name} }}}}" in template, name
        literal = [c for attr in re.findall(r'class="([^"]*)"', template) for c in attr.split()]
        assert value not in literal, value


def test_the_readme_lists_every_class_in_its_restyling_section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Restyling", 1)[1].split("\n## ", 1)[0]
    for name, value in FIELDS:
        assert f"| `classes.{name}` | `{value}` |" in section, name


def test_link_footnotes_carry_the_contract_class():
    out = link_notes('<a href="https://example.org/a">the page</a>')
    assert out.count(f'class="{CLASSES.link_note}"') == 1


def test_the_rendered_brief_carries_every_class(workspace, runner):
    result = runner.invoke(main, ["render", "-q", "-f", "html"])
    assert result.exit_code == 0, result.output
    html = (workspace / "build/brief.html").read_text(encoding="utf-8")
    for name, value in FIELDS:
        if name != "link_note":  # the sample notices have no link that needs one (see the test above)
            assert f'class="{value}"' in html, value
