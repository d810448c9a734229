"""The commands that look at sources and outputs without making a brief:
`check`, `review` and `list` (registered on the group in ip5pub/cli.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import click

from ip5pub.cli_support import Failed, error, lock, open_workspace_here, read_context, report, say, today_or, window_of


LIST_SOURCE = 22  # columns of the source file in `ip5pub list`: date, office, source and title fit 80


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """The CI gate: every source normalizes, and every EPUB passes EPUBCheck.

    With no PATHS, checks sources/. A source that cannot be read is one line
    naming the file, the reason and the fix, and the exit status is 1.
    EPUBCheck needs Java; without it the EPUB is reported as not checked and
    the exit status is 1. Other outputs (the PDF, digests, the HTML brief)
    are not checked: they are named as such and the exit status is 1. What
    was read from each source, and what looks doubtful: 'ip5pub review'.

    \b
    Examples:
      ip5pub check                       # the sources
      ip5pub check build/brief.epub      # the EPUB, with EPUBCheck
    """
    from ip5pub import pipeline
    from ip5pub.checks import built_kind

    paths = paths or (Path("sources"),)
    failures = 0
    for path in paths:
        kind = built_kind(path) if path.suffix.lower() != ".epub" else None
        if kind:
            error(f"{path}: not checked: {kind}; check checks sources and EPUB files only")
            failures += 1
    paths = tuple(p for p in paths if p.suffix.lower() == ".epub" or not built_kind(p))
    epubs = [p for p in paths if p.suffix.lower() == ".epub"]
    others = [p for p in paths if p.suffix.lower() != ".epub"]
    if others:
        read = pipeline.normalize(others, base=Path("."), context=read_context())
        report(read)
        failures += len(read.errors)
        say(f"{len(read.notices)} notice(s) ok, {len(read.errors)} source(s) failed")
    if epubs:
        from ip5pub.checks import EpubCheckUnavailable, epubcheck_many

        for epub, result in zip(epubs, epubcheck_many(epubs)):
            if isinstance(result, EpubCheckUnavailable):
                error(f"{epub}: not checked: {result}")
                failures += 1
                continue
            for message in result.messages:
                say(f"{epub}: {message}", err=True)
            say(f"{epub}: EPUBCheck {result.version}: {result.errors} error(s), {result.warnings} warning(s)")
            failures += result.errors + result.warnings > 0
    if failures:
        raise Failed("check failed")


@click.command()
@click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="The review as JSON on stdout (the shape is in the README).")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the review as one self-contained HTML page to open in a browser (prints its path).")
@click.option("--only-doubtful", is_flag=True, help="Only the notices with doubts.")
@click.option("--fail-on-doubt", is_flag=True, help="Exit with status 1 when any notice has a doubt (for CI).")
@click.option("--since", help="Only the notices of the brief on or after: a date or a span back from today (7d).")
@click.option("--until", help="Only the notices of the brief on or before this date or span.")
@click.option("--today", help="The edition date (default: SOURCE_DATE_EPOCH, else the clock).")
def review(sources: tuple[Path, ...], as_json: bool, html_file: Path | None, only_doubtful: bool, fail_on_doubt: bool,
           since: str | None, until: str | None, today: str | None) -> None:
    """Before sending: what the brief prints for every notice, where each
    value came from, what looks doubtful, and the sidecar line that fixes it.

    Notices come in the brief's order, each copy merged into another's event
    after it. Exit status 0 even with doubts (it is a report); 1 when a
    source failed, or with --fail-on-doubt when a notice has a doubt.

    \b
    Examples:
      ip5pub review                          # every notice in sources/, on the terminal
      ip5pub review --only-doubtful --since 7d --until 1d
      ip5pub review --html build/review.html # a page to open in a browser
      ip5pub review --json | jq '.notices[] | select(.flags != [])'
    """
    from ip5pub import review as reviews
    from ip5pub.output import OutputError, atomic_write
    from ip5pub.render import review as pages
    from ip5pub.templates import make_env
    from ip5pub.terminal import printable_json

    workspace = open_workspace_here()
    day = today_or(today)
    here = workspace.root / "sources"
    if not sources and not here.is_dir():
        raise click.UsageError("no sources folder sources (run 'ip5pub init' or name the sources to review)")
    if here.is_dir():
        lock(workspace.root / "build")  # the review reads and fills the build's cache
    result, read = reviews.review(workspace, list(sources) or [here], day, window_of(since, until, day, ()))
    result = replace(result, only_doubtful=only_doubtful)
    env = make_env(workspace)
    report(read, stdout_free=not as_json)
    if html_file is not None:
        try:
            atomic_write(html_file, pages.html(result, env, workspace))
        except OutputError as exc:
            raise Failed(str(exc)) from None
    if as_json:
        click.echo(printable_json(json.dumps(result.json(), ensure_ascii=False, indent=2)))
    elif html_file is None:
        for line in pages.text(result, env).splitlines():
            say(line)
    else:
        say(html_file)
    if read.errors:
        raise Failed(f"{len(read.errors)} source(s) failed; see the lines above")
    if fail_on_doubt and result.doubtful:
        raise Failed(f"{len(result.doubtful)} notice(s) with doubts (--fail-on-doubt)")


@click.command(name="list")
@click.option("-s", "--sources", type=click.Path(file_okay=False, path_type=Path), default=Path("sources"), show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per notice, in an array.")
def list_(sources: Path, as_json: bool) -> None:
    """List the notices in sources/: date, office, source file and title, one
    line each in 80 columns (a long title or file name is cut with "…"; every
    field, whole, with --json)."""
    from ip5pub import pipeline
    from ip5pub.codec import front_matter
    from ip5pub.wrap import fit

    result = pipeline.normalize([sources], base=Path("."), context=read_context())
    notices = sorted(result.notices, key=lambda n: (n.date, n.id))
    if as_json:
        rows = [front_matter(n) for n in notices]
        from ip5pub.terminal import printable_json

        click.echo(printable_json(json.dumps(rows, ensure_ascii=False, indent=2, default=str)))
    else:
        folder = f"{sources.as_posix().rstrip('/')}/"
        for n in notices:
            read = n.provenance  # the file read: a normalized notice's `source` names its original
            item = read.item if read.file else n.source.item
            where = (read.file or n.source.path).removeprefix(folder) + (f"#{item}" if item is not None else "")
            head = f"{n.date}  {(n.office or '-'):<5}  {fit(where, LIST_SOURCE, middle=True):<{LIST_SOURCE}}  "
            say(head + fit(n.title, 80 - len(head)))
    report(result)
    if result.errors:
        raise Failed(f"{len(result.errors)} source(s) failed")
