"""The brief as one HTML document (also the input of the PDF renderer)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from markupsafe import Markup

from ip5pub.model import OFFICES, Brief, Story
from ip5pub.output import atomic_write
from ip5pub.render import RenderContext, template_context
from ip5pub.templates import stylesheet

COMBINED = 12  # briefs of up to this many stories: one contents page, with the at-a-glance summaries


def front(brief: Brief) -> str:
    """How the brief opens (the template's `front`): "cover" (no story: the
    cover is the brief), "masthead" (one story, under a masthead on its first
    page: no cover page, contents or index), "combined" (a cover, then one
    contents page that is also the at-a-glance table) or "separate" (a
    cover, the contents, then at a glance if it is printed)."""
    n = len(brief.stories)
    return "cover" if n == 0 else "masthead" if n == 1 else "combined" if n <= COMBINED else "separate"


# The end of a list keeps together on one page, about a third of one: no
# list ends on a near-empty page (rows of the office index, see `ends`).
END_ROWS = 14
SHORT_OFFICE = 15  # an office of at most this many rows is never split across pages


@dataclass(frozen=True)
class OfficeEntry:
    """One office in the index: the stories it published and those that
    mention it; `cut`: its rows from this one on are in the index's end,
    which keeps together (its length when none is); `keep`: the office stays
    on the page of the one before it (it is in the end, not its first)."""

    code: str
    name: str
    published: tuple[Story, ...]
    mentioned: tuple[Story, ...]
    cut: int = 0
    keep: bool = False

    @property
    def rows(self) -> tuple[tuple[str, Story], ...]:
        return tuple(("published", s) for s in self.published) + tuple(("mentioned", s) for s in self.mentioned)

    @property
    def short(self) -> bool:
        return len(self.rows) <= SHORT_OFFICE


def office_index(brief: Brief) -> list[OfficeEntry]:
    from ip5pub.extract.offices import OFFICIAL_NAMES

    entries = []
    for code in OFFICES:
        published = tuple(s for s in brief.stories if s.notice.office == code)
        mentioned = tuple(s for s in brief.stories if s.notice.office != code
                          and any(code in n.offices for n in s.members))
        if published or mentioned:
            entries.append(OfficeEntry(code, OFFICIAL_NAMES.get(code, code), published, mentioned,
                                       cut=len(published) + len(mentioned)))
    return ends(entries)


def ends(entries: list[OfficeEntry], rows: int = END_ROWS) -> list[OfficeEntry]:
    """The index with its last `rows` rows or so marked to keep together:
    whole offices from the last one back (a short office whole, even past
    `rows`), the last rows of a long one; each office after the first of
    them keeps with the one before."""
    out, left, first = list(entries), rows, len(entries)
    for i in range(len(out) - 1, -1, -1):
        if left <= 0:
            break
        count = len(out[i].rows)
        out[i] = replace(out[i], cut=0 if count <= left or out[i].short else count - left)
        left, first = left - count, i
    return [replace(entry, keep=i > first) for i, entry in enumerate(out)]


def keywords(brief: Brief) -> list[str]:
    """PDF keywords: the offices that publish or are named, in the usual order."""
    named = {code for n in brief.all_notices for code in (n.office, *n.offices) if code}
    return [code for code in OFFICES if code in named]


def w3c_timestamp(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build(brief: Brief, ctx: RenderContext) -> str:
    """The brief's HTML, made once per build: the PDF and brief.html both
    use it (at 500 notices half a second of the template each time)."""
    made = ctx.shared.get(id(brief))  # the brief is kept with it: its id is not reused
    if made is not None and made[0] is brief:
        return str(made[1])
    text = _build(brief, ctx)
    ctx.shared[id(brief)] = (brief, text)
    return text


def _build(brief: Brief, ctx: RenderContext) -> str:
    css = Markup(stylesheet(ctx.workspace, "brief.css").read_text(encoding="utf-8"))
    template = ctx.env.get_template("brief.html")
    return template.render(**template_context(
        brief, ctx, inline_css=css, paper=ctx.config.paper, created=w3c_timestamp(ctx.epoch),
        keywords=keywords(brief), office_index=office_index(brief), front=front(brief)))


def render(brief: Brief, ctx: RenderContext, out: Path) -> Path:
    return atomic_write(out, build(brief, ctx))
