"""The command line: parse options, call the library, print paths.

Kept thin and fast to import: WeasyPrint, pandoc and the readers load only
inside the commands that need them, so `ip5pub --help` starts at once.
Exit status: 0 success; 1 some sources or checks failed (everything else
was still written); 2 usage or configuration error.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from dataclasses import replace
from pathlib import Path

import click

from ip5pub import __version__
from ip5pub.cli_inspect import check, list_, review
from ip5pub.cli_support import (Failed, Progress, lock, open_workspace_here, read_context, report, say, timings,
                                today_or, verbosity, window_of)

FORMAT_CHOICES = ("pdf", "epub", "txt", "md", "html", "all")
PREVIOUS_HELP = ("The previous edition, to mark new and revised notices and list those no longer in the sources: "
                 "an earlier digest's manifest (digest.txt.json), or a folder of earlier editions (the newest "
                 "before today's is used). A missing one is said in the digest.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ip5pub")
def main() -> None:
    """Turn patent-office news notices into a PDF briefing, an EPUB bundle
    and a plain-text digest.

    \b
    Typical use, in a workspace made by 'ip5pub init':
      ip5pub render              # build/brief.pdf from sources/
      ip5pub render -f all       # PDF, EPUB, digest and HTML
      ip5pub digest --since 7d   # last week's notices as text

    \b
    Settings live in the workspace's ip5pub.toml (title, paper, ...). A site
    whose pages are read wrong is fixed once with a site profile, CSS
    selectors applied before the generic rules:
      [sites."www.example.org"]
      title = "td.subject"       # also date, body, drop = ["div.share"]
    """
    from ip5pub import messages

    messages.setup(messages.NORMAL)


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("build/notices"),
              show_default=True, help="Folder for the normalized <id>.md files.")
def normalize(sources: tuple[Path, ...], output: Path) -> None:
    """Normalize SOURCES (files or folders) into Markdown with front matter.

    \b
    Example:
      ip5pub normalize sources/notice.txt other.html -o build/notices
    """
    from ip5pub import pipeline
    from ip5pub.notices import write_notices
    from ip5pub.output import OutputError

    result = pipeline.normalize(sources, base=Path("."), context=read_context())
    try:
        for path in write_notices(result.notices, output):
            say(path)
    except OutputError as exc:
        report(result)
        raise Failed(str(exc)) from None
    report(result)
    if result.errors:
        raise Failed(f"{len(result.errors)} of {len(result.errors) + len(result.notices)} sources failed")


@main.command()
@click.option("-s", "--sources", type=click.Path(file_okay=False, path_type=Path), default=Path("sources"), show_default=True)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True)
@click.option("-f", "--format", "formats", type=click.Choice(FORMAT_CHOICES), multiple=True,
              help="Output format; repeat for several. Default: pdf.")
@click.option("--since", help="Only notices on or after: a date (2021-06-01) or a span back from today (7d, 2w, 1m).")
@click.option("--until", help="Only notices on or before this date or span.")
@click.option("--today", help="The date spans count back from (default: SOURCE_DATE_EPOCH, else the clock).")
@click.option("--office", "offices", multiple=True,
              help="Only notices published by this office (repeatable; OTHER for third parties).")
@click.option("--group-by", type=click.Choice(["office", "month", "year"]), help="Write one output per group.")
@click.option("--paper", type=click.Choice(["A4", "Letter"]), help="PDF paper size (default from ip5pub.toml, else A4).")
@click.option("--title", help="Brief title (default from ip5pub.toml).")
@click.option("--jobs", type=click.IntRange(min=1),
              help="Worker processes for normalizing and PDF layout (default: CPU count).")
@click.option("--pdf-variant", type=click.Choice(["pdf/a-3b", "pdf/ua-1"]),
              help="Archival PDF/A-3b (notices attached as Markdown) or accessible PDF/UA-1.")
@click.option("--pdf-layout", type=click.Choice(["auto", "single", "chunked"]), default="auto", show_default=True,
              help="Lay the PDF out in one pass, or in cached chunks in parallel (auto: chunked from 25 stories).")
@click.option("--pdf-chunk-size", type=click.IntRange(min=1),
              help="Notices per PDF chunk (40 stories or more); each chunk starts a page, in either layout.")
@click.option("--previous", type=click.Path(path_type=Path), help=PREVIOUS_HELP)
@verbosity
def render(sources, output, formats, since, until, today, offices, group_by, paper, title, jobs, pdf_variant,
           pdf_layout, pdf_chunk_size, previous, verbose, quiet) -> None:
    """Render the brief from SOURCES into the output folder.

    Unchanged work is reused from build/.cache (keyed by content, styles,
    settings and the ip5pub version), so a rebuild after a small change is quick.

    \b
    Examples:
      ip5pub render                      # build/brief.pdf
      ip5pub render -f epub -f txt       # build/brief.epub, build/digest.txt
      ip5pub render --since 1m --office EPO --group-by month
      ip5pub render -f all --since 7d --until 1d --previous editions/   # the weekly edition
    """
    from ip5pub import layoutserver

    if not sources.exists():
        raise click.UsageError(f"no sources folder {sources} (run 'ip5pub init' or pass -s)")
    chosen = tuple(dict.fromkeys(formats)) or ("pdf",)
    # Before the pipeline is imported: the workers' server imports WeasyPrint meanwhile.
    layoutserver.start_early(("pdf",) if "all" in chosen else chosen, jobs or os.cpu_count() or 1, pdf_variant,
                             sources, output)
    from ip5pub import edition, pipeline

    workspace = open_workspace_here()
    workspace = replace(workspace, config=workspace.config.with_overrides(paper=paper, title=title))
    day = today_or(today)
    options = pipeline.RenderOptions(
        sources=sources, output=output,
        formats=pipeline.FORMATS if "all" in chosen else chosen,
        window=window_of(since, until, day, offices), group_by=group_by, jobs=jobs, previous=previous,
        pdf=pipeline.PdfOptions(variant=pdf_variant, layout=pdf_layout, chunk_size=pdf_chunk_size))
    lock(output)
    with Progress(enabled=not quiet) as progress:
        try:
            result = pipeline.render(workspace, options, day, progress=progress)
        except edition.ManifestError as exc:
            raise click.BadParameter(str(exc), param_hint="--previous") from None
        except OSError as exc:
            raise Failed(str(exc)) from None
    report(result)
    if not quiet:
        for path in sorted(result.written + result.reused):
            say(path)
    if verbose:
        timings(result)
    if result.errors:
        raise Failed(f"{len(result.errors)} problem(s); see the lines above")


@main.command()
@click.option("-s", "--sources", type=click.Path(file_okay=False, path_type=Path), default=Path("sources"), show_default=True)
@click.option("-o", "--output", default="build/digest.txt", show_default=True,
              help="Output file (its manifest goes next to it as <file>.json), or - for stdout.")
@click.option("--since", help="Only notices on or after: a date or a span back from today (7d, 2w, 1m, 1y).")
@click.option("--until", help="Only notices on or before this date or span (--since 7d --until 1d: last week, today excluded).")
@click.option("--today", help="The date spans count back from (default: SOURCE_DATE_EPOCH, else the clock).")
@click.option("--office", "offices", multiple=True, help="Only notices published by this office (repeatable).")
@click.option("--group-by", "group_by", type=click.Choice(["date", "office"]), default="date", show_default=True,
              help="Group notices under their date or their office.")
@click.option("--format", "fmt", type=click.Choice(["txt", "md"]), default=None,
              help="Plain text or Markdown for chat (default: from the -o suffix, else txt).")
@click.option("--width", type=click.IntRange(30, 200), help="Wrap width in display columns (default from ip5pub.toml, else 72).")
@click.option("--previous", type=click.Path(path_type=Path), help=PREVIOUS_HELP)
@click.option("--fail-if-empty", is_flag=True, help="Exit with status 1 when the window holds no notice.")
def digest(sources, output, since, until, today, offices, group_by, fmt, width, previous, fail_if_empty) -> None:
    """Write a digest of the notices in a time window, for e-mail or chat.

    \b
    Examples:
      ip5pub digest --since 7d --until 1d       # last week -> build/digest.txt
      ip5pub digest --since 2021-06-01 -o -     # to stdout
      ip5pub digest --format md -o build/digest.md --previous old/digest.md.json
    """
    from ip5pub import edition, pipeline
    from ip5pub.render.digest import Options

    workspace = open_workspace_here()
    workspace = replace(workspace, config=workspace.config.with_overrides(digest_width=width))
    day = today_or(today)
    if not sources.exists():
        raise click.UsageError(f"no sources folder {sources} (run 'ip5pub init' or pass -s)")
    to_stdout = output == "-"
    notices = Path("build/notices") if to_stdout else Path(output).parent / "notices"
    options = pipeline.DigestOptions(
        sources=sources, notices=notices, output=None if to_stdout else Path(output),
        window=window_of(since, until, day, offices), previous=previous,
        layout=Options(markdown=(fmt or ("md" if output.endswith(".md") else "txt")) == "md", group_by=group_by))
    lock(notices.parent)
    try:
        result = pipeline.digest(workspace, options, day)
    except edition.ManifestError as exc:
        raise click.BadParameter(str(exc), param_hint="--previous") from None
    except OSError as exc:
        from ip5pub.output import OutputError

        raise Failed(str(exc) if isinstance(exc, OutputError) else f"cannot write {notices}: {exc.strerror}") from None
    report(result, stdout_free=not to_stdout)
    if to_stdout:
        click.echo(result.digest.text, nl=False)
    else:
        say(result.digest.path)
    if result.errors:
        raise Failed(f"{len(result.errors)} source(s) failed; see the lines above")
    if fail_if_empty and not result.brief.stories:
        raise Failed("no notices in the window (--fail-if-empty)")


@main.command(name="fetch")
@click.option("--dry-run", is_flag=True, help="Ask the feeds and list pages and say what would be fetched; save nothing.")
@click.option("--since", help="Only items dated on or after: a date or a span back from today (default: max_age "
                              "in ip5pub.toml, else 60d).")
@verbosity
def fetch_(dry_run: bool, since: str | None, verbose: bool, quiet: bool) -> None:
    """Collect new notices from the feeds and news pages named in ip5pub.toml
    into sources/fetched/, politely (robots.txt, one request at a time per
    site, only what changed since the last run). The only command that uses
    the network.

    \b
    In ip5pub.toml:
      [fetch]
      user_agent = "ip5pub (+https://www.example.org/contact)"
      [[fetch.feeds]]
      url = "https://www.example.org/news/rss.xml"
      pages = true                 # save each item's page, not only the item
      [[fetch.pages]]
      url = "https://www.example.org/news/"
      links = "ul.news-list a"     # CSS selector of the links to the notices

    One line per notice saved (new, revised) and per source that failed;
    exit status 1 when something could not be fetched (the rest is saved).
    """
    from ip5pub import annotations
    from ip5pub.fetch.run import FetchRequest, Line, NothingToFetch, fetch
    from ip5pub.fetch.sources import SaveError
    from ip5pub.fetch.state import StateError
    from ip5pub.window import resolve

    workspace = open_workspace_here()
    day = today_or(None)
    try:
        start = resolve(since or workspace.config.fetch.max_age, day, "--since")
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    lock(workspace.root / "build")
    with Progress(enabled=not quiet, minimum=1) as progress:
        def report(line: Line) -> None:
            if line.status == "failed":
                progress.say(f"ip5pub: error: {line.subject}: {line.detail}", err=True)
                if annotations.enabled():
                    progress.say(annotations.github("warning", f"{line.subject}: {line.detail}"))
            elif line.status in ("kept", "refused", "later"):
                progress.say(f"ip5pub: warning: {line.subject}: {line.detail}", err=True)
                if annotations.enabled():
                    path = line.subject if line.status == "kept" else None
                    progress.say(annotations.github("warning", line.detail if path else f"{line.subject}: {line.detail}",
                                                    path))
            elif line.status in ("unchanged", "skipped"):
                if verbose:
                    progress.say(f"ip5pub: {line.status}: {line.subject} ({line.detail})", err=True)
            elif not quiet:
                progress.say(f"{line.status:<8} {line.subject}" + (f" ({line.note})" if line.note else "")
                             + (f" <- {line.detail}" if verbose and line.detail else ""))

        try:
            outcome = fetch(workspace, FetchRequest(since=start, dry_run=dry_run), day, report, progress)
        except NothingToFetch as exc:
            say(f"ip5pub: {exc}", err=True)
            return
        except (StateError, SaveError, OSError) as exc:
            raise Failed(str(exc)) from None
    failed = outcome.count("failed")
    if not quiet:
        counts = ", ".join(f"{outcome.count(s)} {s}" for s in ("new", "revised", "failed") if outcome.count(s))
        say(f"ip5pub: {counts or 'nothing new'} ({outcome.requests} request(s))", err=True)
    if failed:
        raise Failed(f"{failed} feed(s), page(s) or item(s) could not be fetched; the rest was saved")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
def init(directory: Path) -> None:
    """Create a workspace in DIRECTORY: ip5pub.toml, sources/ with a sample, styles/."""
    from ip5pub.scaffold import WorkspaceExists, create

    try:
        sources = create(directory)
    except WorkspaceExists as exc:
        raise click.ClickException(str(exc)) from None
    say(f"workspace ready in {directory}: put notices in {sources} and run 'ip5pub render'")


main.add_command(check)
main.add_command(review)
main.add_command(list_)


def run() -> None:
    """`ip5pub` as a program (the console script, `python -m ip5pub`): main(),
    then out without Python's finalization, which frees every object of the
    build one by one (0.17-0.24 s after the last file is written, more after
    a large build). What Python's exit does before that is done here: the
    exit handlers run and the streams are flushed. Python exits as usual if
    a thread or a child process is still running (only its own exit shuts a
    process pool down: skipped, a PDF variant beside idle warm layout
    workers once waited for them for ever), or if the exit is not a status
    (an exception, a message)."""
    try:
        main()
        status: int | None = 0
    except SystemExit as exc:
        if not (exc.code is None or isinstance(exc.code, int)) or _running():
            raise
        status = exc.code
    if _running():
        return
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status or 0)


def _running() -> bool:
    """Whether a thread or a child process of ours is still at work, or a
    profiler or tracer (python -m cProfile writes its figures after the
    program returns)."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return True
    threads = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    if threads:
        return True
    if "multiprocessing" in sys.modules:
        import multiprocessing

        return bool(multiprocessing.active_children())
    return False


if __name__ == "__main__":  # pragma: no cover
    run()
