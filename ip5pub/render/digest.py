"""The digest for e-mail and chat: plain text (digest.txt) or Markdown (digest.md).

Both templates get the same data: stories grouped by date or office, each
with its reference numbers, the references collected for the end, and the
edition marks (new, revised, no longer in the sources) against the previous
edition when one is asked for. Every digest is written together with its
sidecar manifest (ip5pub.edition). `make` is the one path: `ip5pub digest`
and `render -f txt/md` both come through it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ip5pub import edition, l10n
from ip5pub.model import OFFICES, Brief, Notice, Story
from ip5pub.output import atomic_write
from ip5pub.render import RenderContext, template_context

GROUPINGS = ("date", "office")


@dataclass(frozen=True)
class Item:
    number: int  # 1, 2, ... in reading order
    story: Story
    mark: str | None  # "new", "revised" or None
    refs: tuple[int, ...]  # reference numbers: the notice's own link, then the other reports'


@dataclass(frozen=True)
class Reference:
    number: int
    url: str
    notice: Notice


@dataclass(frozen=True)
class Group:
    key: str  # "2021-06-29" or "EPO"
    label: str  # "29 June 2021" or "EPO — European Patent Office"
    items: tuple[Item, ...]


def _linkable(url: str | None) -> bool:
    """Only plain web addresses become references (a notice's URL is untrusted)."""
    return bool(url) and re.fullmatch(r"https?://[^\s<>\[\]()`\\]+", url) is not None  # type: ignore[arg-type]


def _groups(brief: Brief, by: str, changes: edition.Changes | None) -> tuple[list[Group], list[Reference]]:
    from ip5pub.extract.offices import OFFICIAL_NAMES
    from ip5pub.templates import office_name

    references: list[Reference] = []
    seen: dict[str, int] = {}
    items: list[Item] = []
    office_rank = {c: i for i, c in enumerate(OFFICES)}
    stories = list(brief.stories)  # newest first already
    if by == "office":
        stories.sort(key=lambda s: (office_rank.get(s.notice.office or "", 99), s.notice.office or "",
                                    -s.notice.date.toordinal(), s.notice.id))
    for number, story in enumerate(stories, 1):
        refs = []
        for n in story.members:
            url = n.source.url
            if url and _linkable(url):
                if url not in seen:
                    seen[url] = len(references) + 1
                    references.append(Reference(seen[url], url, n))
                refs.append(seen[url])
        mark = changes.mark(story.notice) if changes else None
        if changes and mark is None and any(changes.mark(n) == "revised" for n in story.also):
            mark = "revised"
        items.append(Item(number, story, mark, tuple(dict.fromkeys(refs))))
    groups: list[Group] = []
    for item in items:
        n = item.story.notice
        if by == "office":
            key = n.office or "Other"
            label = (f"{key} — {office_name(key, brief.language)}" if key in OFFICIAL_NAMES
                     else l10n.translate(brief.language, "Other publishers"))
        else:
            key, label = n.date.isoformat(), l10n.longdate(n.date, brief.language)
        if groups and groups[-1].key == key:
            groups[-1] = Group(key, label, groups[-1].items + (item,))
        else:
            groups.append(Group(key, label, (item,)))
    return groups, references


@dataclass(frozen=True)
class Options:
    """How a digest is laid out; the same for the text and the Markdown template."""

    markdown: bool = False
    group_by: str = "date"  # or "office"


@dataclass(frozen=True)
class Digest:
    text: str
    changes: edition.Changes | None  # None without a baseline to compare with
    path: Path | None = None  # the file written (its manifest beside it), None for text only


def make(brief: Brief, ctx: RenderContext, options: Options = Options(), out: Path | None = None) -> Digest:
    """The one way a digest is made, for `ip5pub digest` and `render -f txt/md`
    alike: the brief's window, the marks against ctx.baseline, the text, and
    with `out` the file and its manifest (the next edition's baseline)."""
    if options.group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPINGS)}")
    changes = edition.changes(ctx.baseline, brief, list(ctx.notices)) if ctx.baseline else None
    groups, references = _groups(brief, options.group_by, changes)
    template = ctx.env.get_template("digest.md" if options.markdown else "digest.txt")
    text = template.render(**template_context(
        brief, ctx, width=ctx.config.digest_width, groups=groups, references=references,
        group_by=options.group_by, window=brief.window, changes=changes))
    # Plain UTF-8, LF, no trailing spaces, one blank line at most between blocks;
    # CLDR's thin spaces (24 – 30 June) as the plain spaces of a fixed-width
    # text, narrow no-break ones (« … ») as no-break spaces.
    text = text.replace("\u2009", " ").replace("\u202f", "\u00a0")
    text = "\n".join(line.rstrip() for line in text.splitlines())
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    if out is None:
        return Digest(text, changes)
    data = edition.manifest(brief, since=brief.window.since, until=brief.window.until, digest_name=out.name)
    atomic_write(edition.sidecar(out), edition.dumps(data))
    return Digest(text, changes, atomic_write(out, text))


def render(brief: Brief, ctx: RenderContext, out: Path) -> Path:
    return make(brief, ctx, Options(markdown=out.suffix == ".md"), out).path or out
