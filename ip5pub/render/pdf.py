"""The print briefing: the brief's HTML laid out by WeasyPrint."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from ip5pub.model import Brief
from ip5pub.output import atomic_write
from ip5pub.render import RenderContext, html
from ip5pub.templates import stylesheet

SUFFIX = ".pdf"
PAGE_SIZES = {"A4": "A4", "Letter": "letter"}


def render(brief: Brief, ctx: RenderContext, out: Path) -> Path:
    from weasyprint import CSS, HTML

    from ip5pub.fetch import StylesOnlyFetcher

    fetcher = StylesOnlyFetcher(ctx.workspace)
    css_path = stylesheet(ctx.workspace, "brief.css")
    document = HTML(string=html.build(brief, ctx, inline_css=False), base_url=str(css_path.parent) + "/",
                    url_fetcher=fetcher)
    sheets = [
        CSS(filename=str(css_path), url_fetcher=fetcher),
        CSS(string=f"@page {{ size: {PAGE_SIZES[ctx.config.paper]}; }}"),
    ]
    buffer = io.BytesIO()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document.write_pdf(buffer, stylesheets=sheets)
    return atomic_write(out, buffer.getvalue())
