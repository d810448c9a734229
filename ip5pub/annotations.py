"""Problems as GitHub Actions annotations, for the weekly job.

With IP5PUB_ANNOTATIONS=github in the environment, every line ip5pub says
about a source (an error: the notice is left out; a warning: it is kept) is
also printed as a workflow command, which GitHub shows on the run's page
against the file, with the reason and the fix. Values are escaped as the
runner expects, so a title cannot end the command or start another.
"""

from __future__ import annotations

import os

ENV = "IP5PUB_ANNOTATIONS"
FIX = ("fix the file, or set the value in a sidecar {path}.meta.yaml, or remove the file; "
       "the other notices were still published")


def enabled() -> bool:
    return os.environ.get(ENV, "").strip().lower() == "github"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def github(level: str, reason: str, path: str | None = None, fix: str | None = None) -> str:
    """`::error file=sources/x.html,title=ip5pub::reason. Fix: ...` (level: error, warning, notice)."""
    props = ([f"file={_property(path)}"] if path else []) + ["title=ip5pub"]
    message = reason if fix is None else f"{reason.rstrip('.')}. Fix: {fix}"
    return f"::{level} {','.join(props)}::{_data(message)}"


def source_error(path: str, reason: str) -> str:
    """A source left out: its file, why, and what to do about it."""
    return github("error", reason, path, FIX.format(path=path))
