"""The brief as one HTML document (also the input of the PDF renderer)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ip5pub.model import OFFICES, Brief, Story
from ip5pub.output import atomic_write
from ip5pub.render import RenderContext, template_context
from ip5pub.templates import stylesheet



@dataclass(frozen=True)
class OfficeEntry:
    """One office in the index: the stories it published and those that mention it."""

    code: str
    name: str
    published: tuple[Story, ...]
    mentioned: tuple[Story, ...]


def office_index(brief: Brief) -> list[OfficeEntry]:
    from ip5pub.extract.offices import OFFICIAL_NAMES

    entries = []
    for code in OFFICES:
        published = tuple(s for s in brief.stories if s.notice.office == code)
        mentioned = tuple(s for s in brief.stories if s.notice.office != code
                          and any(code in n.offices for n in s.members))
        if published or mentioned:
            entries.append(OfficeEntry(code, OFFICIAL_NAMES.get(code, code), published, mentioned))
    return entries


def keywords(brief: Brief) -> list[str]:
    """PDF keywords: the offices that publish or are named, in the usual order."""
    named = {code for n in brief.all_notices for code in (n.office, *n.offices) if code}
    return [code for code in OFFICES if code in named]


def w3c_timestamp(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build(brief: Brief, ctx: RenderContext) -> str:
    css = Markup(stylesheet(ctx.workspace, "brief.css").read_text(encoding="utf-8"))
    template = ctx.env.get_template("brief.html")
    return template.render(**template_context(
        brief, ctx, inline_css=css, paper=ctx.config.paper, created=w3c_timestamp(ctx.epoch),
        keywords=keywords(brief), office_index=office_index(brief)))


def render(brief: Brief, ctx: RenderContext, out: Path) -> Path:
    return atomic_write(out, build(brief, ctx))
