"""Renderers: each module has `render(brief, ctx, out) -> Path`; one whose
work can run elsewhere (the chunked PDF layout, in worker processes) also
has `start(brief, ctx, out) -> Handle`.

`start` is the one scheduling design: the pipeline starts an output, does
this process's own work while it runs, then asks for `result()`. A renderer
without its own `start` renders when its result is asked for.

They share one template environment (ip5pub.templates) and one context;
heavy libraries (WeasyPrint) are imported inside the renderers only.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ip5pub import layoutserver
from ip5pub.cache import Cache
from ip5pub.edition import Baseline
from ip5pub.markdown import Bodies
from ip5pub.model import Brief, Notice
from ip5pub.render.contract import CLASSES
from ip5pub.workspace import Config, Workspace

if TYPE_CHECKING:  # the layout workers' server imports this package, and needs no templates
    from jinja2 import Environment

FORMATS = {"pdf": "pdf", "epub": "epub", "txt": "digest", "md": "digest", "html": "html"}
PDF_VARIANTS = ("pdf/a-3b", "pdf/ua-1")
PDF_LAYOUTS = ("auto", "single", "chunked")


@dataclass(frozen=True)
class PdfOptions:
    """How the PDF is made; every field is part of its cache key."""

    variant: str | None = None  # "pdf/a-3b" (archival, notices attached) or "pdf/ua-1" (accessible)
    layout: str = "auto"  # "single", "chunked" or "auto" (chunked from chunked.SIDE_BY_SIDE stories)
    chunk_size: int | None = None  # stories per chunk (None: the default)

    def __post_init__(self) -> None:
        if self.variant not in (None, *PDF_VARIANTS):
            raise ValueError(f"unsupported PDF variant {self.variant!r}; use one of {', '.join(PDF_VARIANTS)}")
        if self.layout not in PDF_LAYOUTS:
            raise ValueError(f"unsupported PDF layout {self.layout!r}; use one of {', '.join(PDF_LAYOUTS)}")


@dataclass(frozen=True)
class RenderContext:
    env: Environment
    workspace: Workspace
    config: Config
    edition: dt.date
    epoch: int  # seconds since 1970 for the edition, written into metadata
    pdf: PdfOptions = PdfOptions()
    jobs: int = 1  # worker processes for chunked layout
    cache: Cache | None = None  # for laid-out chunks
    # For the digest's edition marks: every notice of the sources (one that
    # left the window is not one that left the sources) and the edition
    # compared with (None: no --previous, no marks).
    notices: tuple[Notice, ...] = ()
    baseline: Baseline | None = None
    # What one build's outputs share, made once: the brief's HTML is both
    # brief.html and the PDF's source (see html.build).
    shared: dict[int, Any] = field(default_factory=dict, compare=False, repr=False)
    # The notices' body HTML, made once (the PDF's HTML, brief.html and the
    # EPUB); the pipeline gives the same to the template environment.
    bodies: Bodies = field(default_factory=Bodies, compare=False, repr=False)


class Handle(Protocol):
    def result(self) -> Path:
        """The written file, once it is; raises what rendering raised."""
        ...


@dataclass
class Later:
    """A handle whose work runs when its result is asked for."""

    finish: Callable[[], Path]

    def result(self) -> Path:
        return self.finish()


def prepare(formats: Sequence[str], jobs: int, sources: Path, output: Path) -> None:
    """What a renderer starts before the sources are read: the PDF's layout
    workers, if the build will likely want them (ip5pub.layoutserver.wanted)."""
    if layoutserver.wanted(formats, jobs, sources, output):
        layoutserver.start(output)  # the server's languages are the last build's (a started server stays)
        importlib.import_module("ip5pub.render.pdf").prepare(jobs)


def release() -> None:
    """Whatever `prepare` started and no renderer took, shut down."""
    if "ip5pub.render.chunked.worker" in sys.modules:
        sys.modules["ip5pub.render.chunked.worker"].release()


def start(fmt: str, brief: Brief, ctx: RenderContext, out: Path) -> Handle:
    module = importlib.import_module(f"ip5pub.render.{FORMATS[fmt]}")
    if hasattr(module, "start"):
        handle: Handle = module.start(brief, ctx, out)
        return handle
    return Later(lambda: module.render(brief, ctx, out))


def render(fmt: str, brief: Brief, ctx: RenderContext, out: Path) -> Path:
    return start(fmt, brief, ctx, out).result()


def template_context(brief: Brief, ctx: RenderContext, **extra: Any) -> dict[str, Any]:
    """What every template receives (documented in the README); `lang`, the
    brief's language, is the one the templates' words and dates are in."""
    return {"brief": brief, "config": ctx.config, "edition": ctx.edition, "classes": CLASSES, "lang": brief.language,
            "glance": 0 < len(brief.stories) <= ctx.config.glance_limit, **extra}
