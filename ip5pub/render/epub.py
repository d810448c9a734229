"""The EPUB 3 bundle, written in-process from the templates in styles/epub/.

Every file of the book is a template rendered through the shared
environment: content.opf, nav.xhtml, toc.ncx (for EPUB 2 readers), the
cover page around the generated cover.svg, one chapter per story and the
glossary. A chapter's body is the notice body as markdown-it renders it for
the PDF (raw HTML off, images as their alt text, links only to the web and
to mail addresses), with its headings renumbered as an outline under the
headline and its links to other notices pointed at their chapter files. Nothing a notice names is read,
fetched or embedded: the zip holds the files written here and the house CSS.

The whole book costs about half a second of CPU at 500 notices, so nothing
is cached per chapter and a correction writes the book again.
"""

from __future__ import annotations

import io
import re
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ip5pub import l10n, markdown, wrap
from ip5pub.model import Brief, Story
from ip5pub.output import atomic_write
from ip5pub.render import RenderContext, template_context
from ip5pub.render.html import keywords, w3c_timestamp
from ip5pub.templates import stylesheet

NAMESPACE = uuid.UUID("6f1b2c1e-6a53-4c55-9d8e-1f0b5c1e7a01")  # ip5pub's own uuid5 namespace

# schema.org accessibility metadata of content.opf; a workspace's
# epub/content.opf can change any of it (see the template).
ACCESSIBILITY = {
    "accessMode": ["textual", "visual"],
    "accessModeSufficient": ["textual"],
    "accessibilityFeature": ["structuralNavigation", "tableOfContents", "readingOrder",
                             "alternativeText", "displayTransformability"],
    "accessibilityHazard": ["none"],
    "accessibilitySummary": l10n.N_("One chapter per notice with a heading, a navigable table of contents and "
                                    "landmarks, reflowable text with the language of each notice marked; the cover "
                                    "repeats the title as text. No hazards."),
}


def accessibility(language: str) -> dict[str, object]:
    """The schema.org metadata, its summary in the book's language."""
    summary = ACCESSIBILITY["accessibilitySummary"]
    return {**ACCESSIBILITY, "accessibilitySummary": l10n.translate(language, str(summary))}


# What the book claims to meet (EPUB Accessibility 1.1's own wording, as
# checkers expect it); DAISY Ace's checks pass on it (tests/test_epub_ace.py).
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


@dataclass(frozen=True)
class Chapter:
    """One file of the book's text, as the contents, the OPF and links see it."""

    id: str  # manifest id, e.g. "ch001"
    file: str  # in EPUB/text/, e.g. "ch001.xhtml"
    anchor: str  # the id of its section: the notice id, or "glossary"
    title: str
    language: str
    story: Story | None  # None for the glossary and the no-notices page


NO_NOTICES = "no-notices"  # the anchor of the one page of an empty brief


def identifier(brief: Brief) -> str:
    """Stable across rebuilds of the same collection.

    Derived from the title (which names the group) and the notices' ids, so a
    rebuild keeps it and each --group-by bundle has its own.
    """
    key = "\n".join([brief.title, *sorted(n.id for n in brief.notices)])
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, key)}"


def chapters(brief: Brief) -> list[Chapter]:
    out = []
    for i, story in enumerate(brief.stories, start=1):
        n = story.notice
        title = markdown.smartquotes(n.title, n.language)
        out.append(Chapter(f"ch{i:03d}", f"ch{i:03d}.xhtml", n.id, title, n.language, story))
    if brief.glossary:
        i = len(out) + 1
        out.append(Chapter(f"ch{i:03d}", f"ch{i:03d}.xhtml", "glossary", l10n.translate(brief.language, "Glossary"),
                           brief.language, None))
    if not out:  # a book needs a page: an empty week says so
        out.append(Chapter("ch001", "ch001.xhtml", NO_NOTICES, l10n.translate(brief.language, "No notices"),
                           brief.language, None))
    return out


def links(book: list[Chapter]) -> dict[str, str]:
    """Where each id a link may name is, as an href from EPUB/text/: a story's
    notices (the copies it does not show lead to the one it shows) and the
    glossary."""
    out: dict[str, str] = {}
    for c in book:
        here = f"{c.file}#{c.anchor}"
        for n in (c.story.members if c.story else ()):
            out.setdefault(n.id, here)
        out.setdefault(c.anchor, here)
    return out


def build_cover(brief: Brief, ctx: RenderContext) -> str:
    """cover.svg with every line wrapped to stay inside the picture (600
    units wide, text from x=48) at the size it is drawn: columns as
    ip5pub.wrap counts them (a CJK character is two), the limits measured with
    Noto Sans and the wider DejaVu Sans (tests/test_epub_a11y.py)."""
    title = wrap.wrap(brief.title, 20)  # the large size takes two lines of 20
    if len(title) > 2:
        title = wrap.wrap(brief.title, 25)
    period = l10n.period(brief.period, brief.language)
    # A long span breaks after its dash: "30 September –" / "31 December 2024" (CLDR's dash, ～ or ~).
    dash = re.search(r"\s*[–～~]\s*", period)
    head, tail = (period[:dash.end()].rstrip(), period[dash.end():]) if dash else (period, "")
    return ctx.env.get_template("cover.svg").render(**template_context(
        brief, ctx, title_lines=title, subtitle_lines=_cut(wrap.wrap(brief.subtitle, 36), 2),
        period_lines=[head, tail] if dash and wrap.width(period) > 28 else [period] if period else [],
        edition_lines=_edition_lines(brief.organisation, l10n.translate(brief.language, "Edition of %(date)s")
                                     % {"date": l10n.longdate(ctx.edition, brief.language)})))


def _edition_lines(organisation: str, edition: str) -> list[str]:
    """The foot of the cover: "Organisation · Edition of …" on one line when
    it fits, else the organisation on (at most) two and the edition below."""
    one = f"{organisation} · {edition}" if organisation else edition
    return [one] if wrap.width(one) <= 44 else [*_cut(wrap.wrap(organisation, 44), 2), edition]


def _cut(lines: list[str], most: int) -> list[str]:
    return lines if len(lines) <= most else [*lines[: most - 1], lines[most - 1] + "…"]


# Characters XML 1.0 cannot hold. A notice may carry them (a control
# character in front matter, "&#12;" in a body, which markdown-it decodes):
# the one place they are removed is here, from every file of the book.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def as_xml(text: str, name: str) -> bytes:
    """One XML file of the book (`name` says which, and from what):
    characters XML cannot hold removed, then parsed, so a template that
    makes broken XML is named here rather than by a reading system."""
    from lxml import etree

    data = _NOT_XML.sub("", text).encode("utf-8")
    try:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"{name} is not well-formed XML: {exc}") from None
    return data


_HEADING = re.compile(r"<(/?)h([1-6])\b")


def heading_levels(body: str, under: int) -> str:
    """A body's headings renumbered as an outline below its page's h`under`:
    a heading is one level below the nearest earlier heading that is higher
    in the source (a body may start at ##, or go from ## to ####; a screen
    reader's outline, and Ace, want no level skipped). Works on markdown-it's
    own output, where a heading tag is always a tag and headings never nest."""
    outline: list[tuple[int, int]] = []  # (level in the source, level written), outermost first

    def renumber(m: re.Match) -> str:
        if m.group(1):  # the closing tag of the heading just opened
            return f"</h{outline[-1][1]}"
        level = int(m.group(2))
        while outline and outline[-1][0] >= level:
            outline.pop()
        outline.append((level, min((outline[-1][1] if outline else under) + 1, 6)))
        return f"<h{outline[-1][1]}"

    return _HEADING.sub(renumber, body)


def build(brief: Brief, ctx: RenderContext) -> bytes:
    book = chapters(brief)
    where = links(book)
    context = template_context(brief, ctx, identifier=identifier(brief), subjects=keywords(brief),
                               modified=w3c_timestamp(ctx.epoch), accessibility=accessibility(brief.language),
                               conforms_to=CONFORMS_TO, chapters=book, links=where)

    def page(template: str, name: str, **extra) -> tuple[str, bytes]:
        text = ctx.env.get_template(template).render(**context, **extra)
        return name, as_xml(text, f"{name} (from {template})")

    files = [
        ("mimetype", b"application/epub+zip"),
        page("epub/container.xml", "META-INF/container.xml"),
        page("epub/content.opf", "EPUB/content.opf"),
        page("epub/nav.xhtml", "EPUB/nav.xhtml", root=""),
        page("epub/toc.ncx", "EPUB/toc.ncx"),
        ("EPUB/styles/epub.css", stylesheet(ctx.workspace, "epub.css").read_bytes()),
        ("EPUB/media/cover.svg", as_xml(build_cover(brief, ctx), "EPUB/media/cover.svg (from cover.svg)")),
        page("epub/cover.xhtml", "EPUB/text/cover.xhtml", root="../", cover="../media/cover.svg"),
    ]
    for c in book:
        name = f"EPUB/text/{c.file}"
        if c.anchor == NO_NOTICES:
            files.append(page("epub/empty.xhtml", name, root="../", chapter=c))
        elif c.story is None:
            files.append(page("epub/glossary.xhtml", name, root="../", chapter=c))
        else:
            n = c.story.notice
            body = Markup(heading_levels(ctx.bodies.html(n.body, n.language, anchor=where.get), under=1))
            files.append(page("epub/chapter.xhtml", name, root="../", chapter=c, story=c.story, notice=n, body=body))
    return pack(files, ctx.epoch)


def pack(files: list[tuple[str, bytes]], epoch: int) -> bytes:
    """The EPUB zip: `mimetype` first and stored, as EPUB requires; every
    timestamp the edition's, so the same inputs give the same bytes."""
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip cannot store dates before 1980
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files:
            member = zipfile.ZipInfo(name, date_time=stamp)
            member.external_attr = 0o644 << 16
            member.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            zf.writestr(member, data)
    return buffer.getvalue()


def render(brief: Brief, ctx: RenderContext, out: Path) -> Path:
    return atomic_write(out, build(brief, ctx))
