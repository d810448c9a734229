"""Reusable pieces of the command line: -q/-v and the progress bar."""

from __future__ import annotations

import sys
from typing import Any

import click


def _levels(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """-q/-v set the one message channel's level as soon as they are parsed."""
    from ip5pub import messages

    if value:
        messages.setup(messages.QUIET if param.name == "quiet" else messages.VERBOSE)
    return value


def verbosity(f: Any) -> Any:
    """-v/-q, shared by the commands that do long work."""
    f = click.option("-q", "--quiet", is_flag=True, callback=_levels, help="Print only errors.")(f)
    return click.option("-v", "--verbose", is_flag=True, callback=_levels,
                        help="Also print what was reused and how long each step took.")(f)


class Progress:
    """A progress bar on stderr for long steps, only when stderr is a terminal."""

    def __init__(self, enabled: bool = True, minimum: int = 20):
        self.enabled = enabled and sys.stderr.isatty()
        self.minimum = minimum  # a step with fewer items is over before a bar would help
        self.bar: Any = None  # click's ProgressBar, entered by hand across calls
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total < self.minimum:
            return
        if stage != self.stage:
            self._close()
            self.stage = stage
            self.bar = click.progressbar(length=total, label=stage, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def say(self, message: str, err: bool = False) -> None:
        """A line printed while a bar may be showing: the bar's line is cleared first (it redraws)."""
        from ip5pub.terminal import printable

        if self.bar is not None:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
        click.echo(printable(message), err=err)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self._close()
