"""Site profiles in ip5pub.toml: per-host CSS selectors applied before the generic rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ip5pub import markdown, normalize
from ip5pub.cli import main
from ip5pub.readers import read_source
from ip5pub.readers.context import ReadContext, SiteProfile
from ip5pub.workspace import ConfigError, load_config

# A board page the generic rules read wrong on purpose: its headline is a cell
# with no label or class the rules know, its date sits in a span of its own,
# and a notice box in the article repeats on every page of the site.
BOARD = """<html><head><meta charset="utf-8"><title>Example IP Office</title>
<meta property="og:url" content="https://news.example.org/board/view?id=77"></head><body>
<div class="wrap"><table class="bbs"><tr><td class="c7">Fee changes for design applications</td></tr></table>
<p><span class="wdate">2024.09.02</span></p>
<div class="bbs-text"><p>The Example IP Office will change the fees for design applications on 1 October 2024.</p>
<p>Applicants who file online will pay less than those who file on paper.</p>
<div class="notice-bar"><p>This page is managed by the Design Policy Division of the office in the capital city.</p></div></div>
<p>Applications filed before the change keep the old fee.</p>
</div></body></html>"""

PROFILE = {"title": "td.c7", "date": "span.wdate", "body": "div.bbs-text", "drop": ["div.notice-bar"]}


def _read(tmp_path: Path, context: ReadContext):
    path = tmp_path / "board.html"
    path.write_text(BOARD, encoding="utf-8")
    [draft] = read_source(path, path.name, context)
    return draft, normalize.build_notice(draft)


def test_without_a_profile_the_generic_rules_cannot_know_the_headline_cell(tmp_path):
    _, n = _read(tmp_path, ReadContext())
    assert n.title == "Example IP Office"  # only the site's name is left: the cell has no label


def test_a_profile_fixes_title_date_body_and_furniture(tmp_path):
    profile = SiteProfile(host="example.org", **{k: v for k, v in PROFILE.items() if k != "drop"},
                          drop=tuple(PROFILE["drop"]))
    draft, n = _read(tmp_path, ReadContext(sites=(profile,)))
    assert n.title == "Fee changes for design applications"
    assert n.date.isoformat() == "2024-09-02"
    assert markdown.to_plain(n.body).split("\n\n") == [
        "The Example IP Office will change the fees for design applications on 1 October 2024.",
        "Applicants who file online will pay less than those who file on paper."]
    assert n.provenance.source("title") == f"site profile title ({PROFILE['title']})"
    assert n.provenance.source("date") == f"site profile date ({PROFILE['date']})"
    assert n.provenance.source("body") == f"site profile body ({PROFILE['body']})"


@pytest.mark.parametrize("host,matched", [("news.example.org", "news.example.org"), ("www.example.org", "example.org"),
                                          ("example.org", "example.org"), ("example.org.evil.net", None),
                                          ("badexample.org", None)])
def test_the_most_specific_host_wins(host, matched):
    context = ReadContext(sites=(SiteProfile("example.org", title="h1"), SiteProfile("news.example.org", title="h2")))
    found = context.profile_for(host)
    assert (found.host if found else None) == matched


CONFIGS = [
    ('[sites."www.example.org"]\ntitle = "td.subject"\ndrop = "div.share"\n', None),
    ('[sites."www.example.org"]\ntitel = "td.subject"\n', "unknown key(s) titel"),
    ('[sites."www.example.org"]\ntitle = "td[subject"\n', "is not a CSS selector"),
    ('[sites."www.example.org"]\ndrop = [1, 2]\n', "drop must be a selector or a list"),
    ('sites = "www.example.org"\n', "sites must be tables"),
]


@pytest.mark.parametrize("toml,error", CONFIGS)
def test_profiles_are_checked_when_the_workspace_is_read(tmp_path, toml, error):
    (tmp_path / "ip5pub.toml").write_text(toml, encoding="utf-8")
    if error is None:
        [profile] = load_config(tmp_path).sites
        assert (profile.host, profile.title, profile.drop) == ("www.example.org", "td.subject", ("div.share",))
    else:
        with pytest.raises(ConfigError, match=re.escape(error)):
            load_config(tmp_path)


def test_a_changed_profile_reads_the_page_again(runner, tmp_path, monkeypatch):
    """The notice cache is keyed by the profiles: a corrected selector is not hidden by a cached notice."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "board.html").write_text(BOARD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def listed(toml: str) -> str:
        Path("ip5pub.toml").write_text(toml, encoding="utf-8")
        result = runner.invoke(main, ["render", "-f", "txt"])
        assert result.exit_code == 0, result.output
        return Path("build/digest.txt").read_text(encoding="utf-8")

    profile = '[sites."news.example.org"]\ndate = "span.wdate"\nbody = "div.bbs-text"\n'
    first = listed(profile + 'title = "p"\n')
    second = listed(profile + 'title = "td.c7"\n')
    assert "Fee changes for design applications" not in first
    assert "Fee changes for design applications" in second
