"""The plain-text (or Markdown) digest for e-mail and chat."""

from __future__ import annotations

import re
from pathlib import Path

from ip5pub.model import Brief
from ip5pub.output import atomic_write
from ip5pub.render import RenderContext, template_context

SUFFIX = ".txt"


def build(brief: Brief, ctx: RenderContext, *, markdown: bool = False) -> str:
    template = ctx.env.get_template("digest.md" if markdown else "digest.txt")
    text = template.render(**template_context(brief, ctx, width=ctx.config.digest_width))
    # Plain UTF-8, LF, no trailing spaces, one blank line at most between blocks.
    text = "\n".join(line.rstrip() for line in text.splitlines())
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text + "\n"


def render(brief: Brief, ctx: RenderContext, out: Path) -> Path:
    return atomic_write(out, build(brief, ctx, markdown=out.suffix == ".md"))
