"""`ip5pub digest` as one library call: sources -> notices -> brief -> digest.

The digest itself is made by `ip5pub.render.digest.make`, the path
`ip5pub render -f txt/md` takes too, so both give the same text for the same
window and previous edition; this module only gathers what it needs: the
notices (through the build cache), the window and the previous edition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ip5pub import edition
from ip5pub.build import Outcome, edition_epoch, load_notices
from ip5pub.collect import Selection, make_brief
from ip5pub.model import Brief, SourceError
from ip5pub.render import RenderContext
from ip5pub.render.digest import Digest, Options, make
from ip5pub.templates import make_env
from ip5pub.workspace import Config, Workspace


@dataclass(frozen=True)
class DigestRequest:
    sources: Path
    notices: Path  # where the normalized notices are mirrored (build/notices)
    output: Path | None = None  # the digest file (its manifest beside it); None: the text only
    selection: Selection = Selection()
    options: Options = Options()
    previous: Path | None = None  # a manifest, or a folder of earlier editions


@dataclass(frozen=True)
class DigestResult:
    digest: Digest
    brief: Brief
    outcome: Outcome  # the sources' errors and warnings


def digest(workspace: Workspace, config: Config, request: DigestRequest, today: dt.date) -> DigestResult:
    """The digest of the sources for the request's window and offices.

    Raises edition.ManifestError when `previous` is a file but no manifest,
    OSError when an output cannot be written; a bad source is in the
    result's outcome, never raised.
    """
    baseline = edition.find(request.previous, today) if request.previous else None
    outcome = load_notices(request.sources, request.notices.parent, workspace.root, today=today,
                           context=config.read_context)
    if baseline is not None and baseline.manifest is None:
        outcome.warnings.append(SourceError(baseline.looked_in, edition.NOT_FOUND))
    brief = make_brief(outcome.notices, config, today, request.selection)
    ctx = RenderContext(env=make_env(workspace), workspace=workspace, config=config, edition=today,
                        epoch=edition_epoch(), notices=tuple(outcome.notices), baseline=baseline)
    return DigestResult(make(brief, ctx, request.options, request.output), brief, outcome)
