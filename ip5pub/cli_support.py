"""What the commands of ip5pub/cli.py share: printing and the exit status,
the workspace, dates and windows, the workspace lock, -q/-v and the
progress bar. Imports stay light (click only) so `ip5pub --help` is instant."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ip5pub.model import Window
    from ip5pub.readers.context import ReadContext
    from ip5pub.workspace import Workspace


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


class Failed(click.ClickException):
    """Some inputs failed; details were already printed one line each."""

    exit_code = 1

    def show(self, file=None) -> None:
        say(f"ip5pub: {self.message}", err=True)


def say(message: object, err: bool = False) -> None:
    """Print one line; a title or file name from a source cannot steer the terminal."""
    from ip5pub.terminal import printable

    click.echo(printable(message), err=err)


def error(message: str) -> None:
    say(f"ip5pub: error: {message}", err=True)


def report(result: Any, stdout_free: bool = True) -> None:
    """Each problem in one line on stderr, through the one message channel;
    with IP5PUB_ANNOTATIONS=github also as an annotation, on stdout unless
    stdout carries the output (-o -)."""
    from ip5pub import annotations
    from ip5pub.messages import log

    annotate = annotations.enabled()
    for err in result.errors:
        log.error("%s", err)
        if annotate:
            path, reason = getattr(err, "path", None), getattr(err, "reason", str(err))
            line = annotations.source_error(path, reason) if path else annotations.github("error", reason)
            say(line, err=not stdout_free)
    for warning in result.warnings:
        log.warning("%s", warning)
        if annotate:
            say(annotations.github("warning", warning.reason, warning.path), err=not stdout_free)


def open_workspace_here() -> Workspace:
    from ip5pub.workspace import ConfigError, open_workspace

    try:
        return open_workspace(Path("."))
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def read_context() -> ReadContext:
    """The site profiles of the workspace in the current folder, if it has an ip5pub.toml."""
    return open_workspace_here().config.read_context


def today_or(value: str | None) -> dt.date:
    from ip5pub.pipeline import edition_date

    if value:
        from ip5pub.extract.dates import NotIsoDate, iso_date

        try:
            return iso_date(value, "--today")
        except NotIsoDate as exc:
            raise click.BadParameter(str(exc), param_hint="--today") from None
    try:
        return edition_date()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def window_of(since: str | None, until: str | None, today: dt.date, offices: tuple[str, ...]) -> Window:
    from ip5pub.window import window

    try:
        asked = window(since, until, today)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since/--until") from None
    return replace(asked, offices=office_codes(offices))


def office_codes(values: tuple[str, ...]) -> tuple[str, ...]:
    from ip5pub.extract.offices import office_code

    codes = []
    for value in values:
        code = "OTHER" if value.upper() == "OTHER" else office_code(value)
        if code is None:
            raise click.BadParameter(f"{value!r} is not an office code (CNIPA, EPO, JPO, KIPO, USPTO, WIPO, OTHER)",
                                     param_hint="--office")
        codes.append(code)
    return tuple(codes)


def lock(folder: Path) -> None:
    """Hold the workspace lock until the command ends (released by the kernel if killed)."""
    from ip5pub.lock import Busy, workspace_lock

    try:
        click.get_current_context().with_resource(
            workspace_lock(folder, on_wait=lambda msg: say(f"ip5pub: {msg}", err=True)))
    except Busy as exc:
        raise Failed(str(exc)) from None
    except OSError as exc:
        raise Failed(f"cannot use {folder}: {exc.strerror or exc}") from None


def timings(result: Any) -> None:
    """What -v adds: the cache's share and each step's time (through the message channel, at INFO)."""
    from ip5pub.messages import log

    if result.up_to_date:
        log.info("%d notice(s); nothing changed since the last build", result.notice_count)
    else:
        log.info("%d notice(s), %d source(s) from the cache", len(result.notices), result.cached)
    for path in sorted(result.reused):
        log.info("%s is up to date", path)
    for name, seconds in sorted(result.timings.items()):
        log.info("%s: %.2f s", name, seconds)
