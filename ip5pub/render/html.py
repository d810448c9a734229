"""The brief as one HTML document (also the input of the PDF renderer)."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from ip5pub.model import Brief
from ip5pub.output import atomic_write
from ip5pub.render import RenderContext, template_context
from ip5pub.templates import stylesheet

SUFFIX = ".html"


def build(brief: Brief, ctx: RenderContext, *, inline_css: bool) -> str:
    css = Markup(stylesheet(ctx.workspace, "brief.css").read_text(encoding="utf-8")) if inline_css else None
    template = ctx.env.get_template("brief.html")
    return template.render(**template_context(brief, ctx, inline_css=css, paper=ctx.config.paper))


def render(brief: Brief, ctx: RenderContext, out: Path) -> Path:
    return atomic_write(out, build(brief, ctx, inline_css=True))
