"""The EPUB's identifier, against fixed values (fast: no book is made)."""

from __future__ import annotations

def _brief_of(title: str, *ids: str):
    import datetime as dt

    from ip5pub.model import Brief, Notice, SourceRef, Story

    def notice(i: str) -> Notice:
        return Notice(id=i, title=i, date=dt.date(2021, 6, 29), office=None, publisher="P", language="en",
                      summary="", source=SourceRef(f"{i}.md", "0" * 64, "markdown"), body="Text.\n")

    return Brief(title=title, subtitle="", organisation="", language="en", edition=dt.date(2021, 7, 1),
                 stories=tuple(Story(notice(i)) for i in ids))


def test_the_identifier_is_fixed_by_the_title_and_the_notice_ids():
    """Fixed values (RFC 4122 name-based UUIDs under ip5pub's namespace,
    computed once by hand): a rebuild, another order or another machine
    keeps them; another title (a --group-by bundle) or notice changes them."""
    from ip5pub.render.epub import identifier

    same = "urn:uuid:6dc9548b-54ac-5f90-8eee-069934fcd531"
    assert identifier(_brief_of("IP5 Briefing", "2021-06-22-epo-a", "2021-06-29-cnipa-b")) == same
    assert identifier(_brief_of("IP5 Briefing", "2021-06-29-cnipa-b", "2021-06-22-epo-a")) == same
    assert identifier(_brief_of("IP5 Briefing — EPO", "2021-06-22-epo-a", "2021-06-29-cnipa-b")) == \
        "urn:uuid:f28e7feb-d5ce-57e6-956d-94634a123ae2"
    assert identifier(_brief_of("IP5 Briefing", "2021-06-22-epo-a")) != same
