"""The print briefing: the brief's HTML laid out by WeasyPrint."""

from __future__ import annotations

import datetime as dt
import io
import logging
import unicodedata
from pathlib import Path
from typing import Any

from ip5pub import system
from ip5pub.model import Brief, Notice
from ip5pub.output import atomic_write
from ip5pub.render import Handle, Later, RenderContext, chunked, html, keepall, pdf_tags, weasy
from ip5pub.render.chunked import tree, worker
from ip5pub.templates import stylesheet
from ip5pub.workspace import style_roots

PAGE_SIZES = {"A4": "A4", "Letter": "letter"}

log = logging.getLogger("ip5pub.pdf")


def font_package(char: str) -> str:
    """The Debian package whose fonts draw `char` (what to tell the user)."""
    cp = ord(char)
    name = unicodedata.name(char, "")
    if name.startswith(("CJK ", "HANGUL", "HIRAGANA", "KATAKANA", "BOPOMOFO", "IDEOGRAPHIC", "FULLWIDTH",
                        "HALFWIDTH", "KANGXI")) or 0x3000 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7AF \
            or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF:
        return "fonts-noto-cjk"
    if 0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF:
        return "fonts-noto-color-emoji"
    return "fonts-noto-core (or fonts-noto-extra)"


def missing_glyph_warning(chars: list[str], brief: Brief) -> str | None:
    """One line naming the notices with characters no installed font draws."""
    if not chars:
        return None
    notices: list[Notice] = []
    for s in brief.stories:
        n = s.notice
        if any(c in n.title or c in n.body or c in n.summary for c in chars):
            notices.append(n)
    where = ", ".join(f'{n.id} ("{_short(n.title)}")' for n in notices) or "the brief's own text"
    packages = ", ".join(dict.fromkeys(font_package(c) for c in chars))
    sample = " ".join(f"{c} U+{ord(c):04X}" for c in chars[:5])
    return (f"{len(chars)} character(s) have no glyph in the installed fonts and print as empty boxes "
            f"in notice(s) {where} (e.g. {sample}); install {packages}")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def attachments(brief: Brief, ctx: RenderContext, fetcher) -> list:
    """Every notice's normalized Markdown, for PDF/A-3 (an archive keeps its sources)."""
    from weasyprint import Attachment

    from ip5pub.normalize import to_markdown

    # Fixed dates: WeasyPrint would stamp attachments with the clock.
    stamp = dt.datetime.fromtimestamp(ctx.epoch, dt.UTC)
    return [Attachment(string=to_markdown(n), name=f"{n.id}.md", description=n.title, url_fetcher=fetcher,
                       created=stamp, modified=stamp, relationship="Source") for n in brief.all_notices]


def layout_mode(brief: Brief, ctx: RenderContext) -> str:
    """"chunked" or "single": how this brief is laid out (see ip5pub.render.chunked).
    auto: chunked from SIDE_BY_SIDE stories (one chunk under THRESHOLD: the
    same pages as one pass, sooner with two workers)."""
    if ctx.pdf.variant is not None or len(brief.stories) <= 1:
        # Tags, XMP and attachments belong to one document; nothing to cut; a
        # story under a masthead does not start a page as a chunk would.
        return "single"
    if ctx.pdf.layout in ("single", "chunked"):
        return ctx.pdf.layout
    return "chunked" if len(brief.stories) >= chunked.SIDE_BY_SIDE else "single"


def prepare(jobs: int) -> None:
    """Start the layout workers before the sources are read (see worker.warm)."""
    if system.pdf_unavailable() is None:
        worker.warm(jobs)


def start(brief: Brief, ctx: RenderContext, out: Path) -> Handle:
    """A chunked layout starts at once (its documents go to worker
    processes), and so does a single pass without a PDF variant (one worker,
    see worker.whole); a variant's single pass runs in this process when its
    result is asked for."""
    css_path = stylesheet(ctx.workspace, "brief.css")
    page_css = f"@page {{ size: {PAGE_SIZES[ctx.config.paper]}; }}"
    base_url = str(css_path.parent) + "/"
    size = ctx.pdf.chunk_size or chunked.CHUNK_SIZE
    source = html.build(brief, ctx)

    def one_pass() -> Path:
        return atomic_write(out, single_pass(brief, ctx, source, base_url, page_css, size, out))

    if layout_mode(brief, ctx) != "chunked":
        return Later(one_pass) if ctx.pdf.variant else _whole(brief, ctx, source, base_url, page_css, size, out)
    # Under THRESHOLD stories auto chose the chunked layout for speed only: a
    # brief it cannot draw gets the one pass it had always got, said with -v.
    for_speed = ctx.pdf.layout == "auto" and len(brief.stories) < chunked.THRESHOLD
    try:
        pending = chunked.start(brief, source, base_url, page_css, tuple(str(r) for r in style_roots(ctx.workspace)),
                                cache=ctx.cache, jobs=max(1, ctx.jobs), size=size)
    except chunked.Unsupported as exc:
        _fall_back(out, exc, quietly=for_speed)
        return Later(one_pass)

    def finish() -> Path:
        try:
            result = pending.result()
        except chunked.Unsupported as exc:
            _fall_back(out, exc, quietly=for_speed)
            return one_pass()
        log.info("%s: laid out %d of %d chunks (the rest from the cache)", out.name, result.laid_out, result.chunks)
        _warn(out, result.missing, result.other, brief)
        return atomic_write(out, result.pdf)

    return Later(finish)


def render(brief: Brief, ctx: RenderContext, out: Path) -> Path:
    return start(brief, ctx, out).result()


def _fall_back(out: Path, exc: Exception, quietly: bool = False) -> None:
    log.log(logging.INFO if quietly else logging.WARNING,
            "%s: the chunked layout cannot draw this brief as one pass would (%s); "
            "laying it out in one pass (slower)", out.name, exc)


def _whole(brief: Brief, ctx: RenderContext, source: str, base_url: str, page_css: str, size: int,
           out: Path) -> Handle:
    """A single pass without a PDF variant, started in a layout worker (the
    workers' fork server has WeasyPrint loaded, and this process writes the
    other outputs meanwhile); with one job, here when its result is asked for."""
    runner = worker.take(max(1, ctx.jobs))
    try:
        runner.settle()  # one call: the one warm worker takes it
        result = runner.submit(worker.whole, worker.Job(_single_root(brief, source, size), base_url, page_css,
                                                        tuple(str(r) for r in style_roots(ctx.workspace))))
    except BaseException:
        runner.close()
        raise

    def finish() -> Path:
        try:
            data, missing, other = result()
        finally:
            runner.close()
        _warn(out, missing, other, brief)
        return atomic_write(out, data)

    return Later(finish)


def _single_root(brief: Brief, source: str, size: int) -> Any:
    """The brief's tree for a single pass: Korean words kept whole, and the
    chunked layout's page breaks, so that both paginate alike."""
    root = keepall.apply(tree.parse(source))
    breaks = chunked.page_breaks_css(brief, size)
    if breaks:  # in the document: author rules, like the ones they override
        tree.add_style(root, breaks)
    return root


def single_pass(brief: Brief, ctx: RenderContext, source: str, base_url: str, page_css: str, size: int,
                out: Path) -> bytes:
    """The brief laid out in one WeasyPrint pass in this process (a PDF
    variant, or a chunked layout that fell back), as worker.whole does."""
    system.import_weasyprint()  # before anything else here imports it
    from weasyprint import CSS

    from ip5pub.render.url_fetcher import StylesOnlyFetcher

    weasy.install_patches()
    buffer = io.BytesIO()
    with weasy.collect_warnings() as collect:
        # Every load, the stylesheets' included, goes through the fetcher: a
        # CSS object built without one would use WeasyPrint's unrestricted default.
        # brief.css is inline in the HTML (so a template override can add rules
        # after it); its relative url()s resolve next to the file it came from.
        fetcher = StylesOnlyFetcher(ctx.workspace)
        document = weasy.html_from_tree(_single_root(brief, source, size), base_url, fetcher, tree.serialize)
        pdf_tags.install()  # languages, link texts and table scopes in the structure tree
        sheets = [CSS(string=page_css, url_fetcher=fetcher)]
        options: dict[str, Any] = {}
        if ctx.pdf.variant:
            options["pdf_variant"] = ctx.pdf.variant
        if ctx.pdf.variant == "pdf/a-3b":
            options["attachments"] = attachments(brief, ctx, fetcher)
        document.write_pdf(buffer, stylesheets=sheets, **options)
    _warn(out, list(collect.missing), list(collect.other), brief)
    from ip5pub.render import pdf_archive  # pikepdf: only a variant needs it (6 MB, 30 ms to import)

    return pdf_archive.finish(buffer.getvalue(), ctx.pdf.variant)


def _warn(out: Path, missing: list[str], other: list[str], brief: Brief) -> None:
    warning = missing_glyph_warning(missing, brief)
    if warning:
        log.warning("%s: %s", out, warning)
    for message in other:
        log.warning("%s: WeasyPrint: %s", out, message)
