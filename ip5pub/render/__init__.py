"""Renderers: each module has `SUFFIX` and `render(brief, ctx, out) -> Path`.

They share one template environment (ip5pub.templates) and one context;
heavy libraries (WeasyPrint) are imported inside `render` only.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from ip5pub.edition import Baseline
from ip5pub.model import Brief, Notice
from ip5pub.render.contract import CLASSES
from ip5pub.workspace import Config, Workspace

FORMATS = {"pdf": "pdf", "epub": "epub", "txt": "digest", "md": "digest", "html": "html"}


@dataclass(frozen=True)
class RenderContext:
    env: Environment
    workspace: Workspace
    config: Config
    edition: dt.date
    epoch: int  # seconds since 1970 for the edition, written into metadata
    pdf_variant: str | None = None  # e.g. "pdf/a-3b", "pdf/ua-1"
    pdf_layout: str = "auto"  # "single", "chunked" or "auto" (chunked for large briefs)
    pdf_chunk_size: int | None = None  # stories per chunk (None: the default)
    jobs: int = 1  # worker processes for chunked layout
    cache: object = None  # ip5pub.cache.Cache for laid-out chunks, or None
    # Called by a renderer once its work runs in other processes: the moment
    # for the build to start what it runs in this one beside it.
    busy: Callable[[], None] = lambda: None
    # For the digest's edition marks: every notice of the sources (one that
    # left the window is not one that left the sources) and the edition
    # compared with (None: no --previous, no marks).
    notices: tuple[Notice, ...] = ()
    baseline: Baseline | None = None


def render(fmt: str, brief: Brief, ctx: RenderContext, out: Path) -> Path:
    module = importlib.import_module(f"ip5pub.render.{FORMATS[fmt]}")
    return module.render(brief, ctx, out)


def template_context(brief: Brief, ctx: RenderContext, **extra) -> dict:
    """What every template receives (documented in the README)."""
    return {"brief": brief, "config": ctx.config, "edition": ctx.edition, "classes": CLASSES,
            "glance": 0 < len(brief.stories) <= ctx.config.glance_limit, **extra}
