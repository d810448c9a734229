"""What looks doubtful in a notice, from its values and their provenance,
and the sidecar line that fixes each doubt.

Each rule is a small function returning flags; none looks at a domain or a
site's markup, only at what the readers recorded (ip5pub.provenance) and at
the values. A value a person wrote (front matter, a sidecar) is not doubted
for where it came from, only for what it says (a date after the edition, a
placeholder left in a correction). A sidecar line that writes what the
source already says is reported as changing nothing, unless the value it
repeats was doubtful: then it is the analyst's confirmation, and clears it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ip5pub import markdown
from ip5pub.extract import boilerplate
from ip5pub.extract.dates import ImpossibleDate, search_date
from ip5pub.extract.offices import ALIASES, OFFICIAL_NAMES
from ip5pub.extract.scripts import CJK
from ip5pub.extract.text import split_sentences
from ip5pub.model import UNKNOWN_PUBLISHER, Notice
from ip5pub.provenance import FRONT_MATTER, SIDECAR, Origin, shown

FAR_DAYS = 30  # a date this far from every other date the page states is worth a look
FEW_WORDS = 5  # a summary shorter than this (Latin words; CJK: twice as many characters) says little
_CJK = re.compile(f"[{CJK}]")
_CJK_NAMES = {"zh": "Chinese", "ja": "Japanese", "ko": "Korean"}
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_PLACEHOLDER = re.compile(r"<[^<>]{2,80}>")  # what a fix line asks the analyst to replace
# A telephone number: digit groups joined by spaces, dots, dashes or brackets, 8 to 15 digits.
_PHONE = re.compile(r"(?<![\w.,])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,5}){1,4}(?![\w,])")
# A date written in digits, day or year first, and a time after it: digit groups that are no telephone number.
_NUMERIC_DATE = re.compile(r"(?<![\d.])(?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d\d|(?:19|20)\d\d[./-]\d{1,2}[./-]\d{1,2})"
                           r"(?:[\s,·∙|-]*\d{1,2}:\d\d(?::\d\d)?)?(?![\d.]\d)")
_CRUMB = re.compile(r"\s(?:>|›|»|→|＞|〉|/)\s")


@dataclass(frozen=True)
class Fix:
    """A line to write in a sidecar: its file and the YAML line."""

    file: str
    line: str

    def __str__(self) -> str:
        return f"{self.file}: {self.line}"


@dataclass(frozen=True)
class Flag:
    code: str
    message: str
    fix: Fix  # the sidecar line that fixes it: 'sources/x.html.meta.yaml: title: "..."'


@dataclass(frozen=True)
class Context:
    """What the rules know beyond the notice: the edition date and the brief's language."""

    edition: dt.date
    language: str = "en"
    shown: bool = True  # printed as a story (not only named in another's "also reported by")


def yaml_value(value: Any) -> str:
    """A value as YAML writes it on one line: dates bare, text quoted (JSON strings are YAML)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"YYYY-MM-DD|\d{4}-\d\d-\d\d", value):
        return value
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def fix_line(notice: Notice, key: str, value: Any) -> Fix:
    """'sources/x.html.meta.yaml: title: "..."'; a feed's item under its number."""
    line = f"{key}: {yaml_value(value)}"
    read = notice.provenance  # the file read, beside which the sidecar goes
    item = read.item if read.file else notice.source.item
    if item is not None:
        line = f"items: {{{item}: {{{line}}}}}"
    return Fix(f"{read.file or notice.source.path}.meta.yaml", line)


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def _person(origin: Origin | None) -> bool:
    return origin is not None and origin.source in (SIDECAR, FRONT_MATTER)


# Title ---------------------------------------------------------------------


def site_names(notice: Notice) -> set[str]:
    """Keys of the names the notice's site and publisher go by: the publisher, the
    office's names, and the title fields the reader found to be only the site's name."""
    names = {notice.publisher, *(ALIASES.get(notice.office or "", ())), OFFICIAL_NAMES.get(notice.office or "", "")}
    origin = notice.provenance.get("title")
    names |= {r.value for r in (origin.rivals if origin else ()) if r.why == "only the site's name"}
    return {_key(n) for n in names if n and _key(n)}


def title_doubts(notice: Notice, title: str, origin: Origin | None, ctx: Context) -> list[Flag]:
    flags = []
    if not _person(origin) and _key(title) in site_names(notice) and notice.publisher != UNKNOWN_PUBLISHER:
        better = next((r.value for r in (origin.rivals if origin else ()) if r.why != "only the site's name"
                       and _key(r.value) not in site_names(notice)), "<the headline as printed>")
        flags.append(Flag("title-is-site-name", f'The title "{title}" is the name of the site or its publisher, '
                                                "not a headline.", fix_line(notice, "title", better)))
    elif origin is not None and origin.weak and not _person(origin):
        flags.append(Flag("title-from-title-tag", f"The title was found only in the page's <title> "
                                                  f"({origin.source}); no printed heading matches it. Check it.",
                          fix_line(notice, "title", title)))
    if ctx.shown and ctx.language == "en" and notice.language in _CJK_NAMES and len(_LATIN_WORD.findall(title)) < 2:
        flags.append(Flag("title-not-english", f"The notice is in {_CJK_NAMES[notice.language]} and has no English "
                                               "title: readers of an English brief cannot tell what it is about.",
                          fix_line(notice, "title", f"{title} (<the headline in English>)")))
    return flags


# Summary -------------------------------------------------------------------


def navigation(summary: str) -> str | None:
    """Why a summary reads as page furniture rather than the notice's lead, or None."""
    text = " ".join(summary.split())
    if boilerplate.is_breadcrumb(text) or len(_CRUMB.findall(text)) >= 2:
        return "breadcrumb separators"
    undated = _NUMERIC_DATE.sub(" date ", text)
    digits = [m for m in _PHONE.finditer(undated) if 8 <= sum(c.isdigit() for c in m.group()) <= 15
              and not re.fullmatch(r"(?:19|20)\d\d[ .-](?:19|20)\d\d", m.group())]
    if digits:
        return "a telephone number"
    try:
        found = search_date(text)
    except ImpossibleDate:
        found = None
    if found and len(_words(text[:found[1]] + text[found[2]:])) < 3:
        return "a date alone"
    if len(_words(text)) < FEW_WORDS:
        return "too few words"
    return None


def _words(text: str) -> list[str]:
    latin = re.findall(r"[^\W\d_]{2,}", _CJK.sub(" ", text))
    return latin + [""] * (len(_CJK.findall(text)) // 2)


def summary_doubts(notice: Notice, summary: str, origin: Origin | None, ctx: Context) -> list[Flag]:
    why = None if _person(origin) else navigation(summary)
    if why is None:
        return []
    better = next((s for block in markdown.blocks(notice.body) for s in split_sentences(block)[:1]
                   if navigation(s) is None), "<the notice's first sentence>")
    return [Flag("summary-navigation", f'The summary "{summary[:80]}" looks like page navigation ({why}), '
                                       "not the notice's lead.", fix_line(notice, "summary", better))]


# Publisher, date -----------------------------------------------------------


def publisher_doubts(notice: Notice, publisher: str, origin: Origin | None, ctx: Context) -> list[Flag]:
    if notice.office is not None or publisher != UNKNOWN_PUBLISHER:
        return []
    host = urlsplit(notice.source.url).hostname if notice.source.url else None
    return [Flag("publisher-unknown", "Nothing names who published this copy, and it is no office's: "
                                      f'the brief prints "{UNKNOWN_PUBLISHER}".',
                 fix_line(notice, "publisher", host or "<who published it>"))]


def _stated(origin: Origin) -> list[tuple[dt.date, str]]:
    """The other publication dates the page states: not update dates, not dates far from the headline."""
    out = []
    for r in origin.rivals:
        if r.origin.startswith("update date") or "elsewhere" in r.origin or r.why == "the sidecar wins":
            continue
        try:
            out.append((dt.date.fromisoformat(r.value), r.origin))
        except ValueError:
            continue
    return out


def date_doubts(notice: Notice, date: dt.date, origin: Origin | None, ctx: Context) -> list[Flag]:
    flags = []
    if date > ctx.edition:
        earlier = next((d for d, _ in _stated(origin) if d <= ctx.edition), None) if origin else None
        flags.append(Flag("date-after-edition", f"Dated {date.isoformat()}, after the edition "
                                                f"({ctx.edition.isoformat()}): a typo?",
                          fix_line(notice, "date", earlier or "YYYY-MM-DD")))
    if origin is None or _person(origin):
        return flags
    if origin.weak:
        flags.append(Flag("date-weak", f"The only date is the page's update time ({origin.source}), "
                                       "not a publication date. Check it.", fix_line(notice, "date", date)))
        return flags
    others = _stated(origin)
    if others and not origin.also and all(abs((d - date).days) > FAR_DAYS for d, _ in others):
        said = "; ".join(f"{d.isoformat()} ({where})" for d, where in others[:2])
        flags.append(Flag("date-far", f"The date {date.isoformat()} ({origin.source}) is far from the other dates "
                                      f"the page states: {said}. Check it.", fix_line(notice, "date", date)))
    return flags


# The text ------------------------------------------------------------------


def furniture(body: str) -> list[str]:
    """Blocks of the text that read as page furniture by boilerplate's rules; a
    publisher's 'About us' only as the last block, where the readers look for it
    ('X is a practice that ...' in the middle is prose)."""
    out = []
    blocks = markdown.blocks(body)
    for i, block in enumerate(blocks):
        text = " ".join(block.split())
        if boilerplate.is_furniture(text) or boilerplate.is_nav_label(text) \
                or i == len(blocks) - 1 and boilerplate.is_company_boilerplate(text):
            out.append(text)
    return out


def _start(text: str, limit: int = 60) -> str:
    """The start of a block that `drop:` matches: whole when short, else cut at a word."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[:cut.rfind(" ")] if cut.rfind(" ") > limit // 2 else cut


def body_doubts(notice: Notice) -> list[Flag]:
    found = furniture(notice.body)
    if not found:
        return []
    shown_lines = "; ".join(f'"{b[:50]}"' for b in found[:3])
    return [Flag("furniture-in-body", f"The text still holds {len(found)} line(s) that read as page furniture: "
                                      f"{shown_lines}.", fix_line(notice, "drop", [_start(b) for b in found]))]


# Corrections ---------------------------------------------------------------

Rule = Callable[[Notice, Any, Origin | None, Context], list[Flag]]
FIELD_RULES: dict[str, Rule] = {"title": title_doubts, "date": date_doubts, "publisher": publisher_doubts,
                                "summary": summary_doubts}


def value_of(notice: Notice, field: str) -> Any:
    return getattr(notice, field, None)


def correction_doubts(notice: Notice, ctx: Context) -> list[Flag]:
    """Sidecar lines that change nothing, or still hold a placeholder."""
    flags = []
    for decided in notice.provenance.fields:
        field, origin = decided.field, decided.origin
        if origin.source != SIDECAR:
            continue
        value = value_of(notice, field)
        if isinstance(value, str) and (_PLACEHOLDER.search(value) or value.strip() in ("...", "…")):
            flags.append(Flag("correction-placeholder", f"The sidecar's {field} is still a placeholder: "
                                                        "write the real value.", fix_line(notice, field, value)))
            continue
        same = next((r for r in origin.rivals if r.why == "the sidecar wins" and r.value == shown(value)), None)
        if same is None:
            continue
        rule = FIELD_RULES.get(field)
        confirms = rule is not None and origin.before is not None and bool(rule(notice, value, origin.before, ctx))
        if not confirms:
            flags.append(Flag("correction-unchanged", f"The sidecar sets {field} to what the source already says "
                                                      f"({same.origin}): this line changes nothing.",
                              fix_line(notice, field, value)))
    for entry in notice.provenance.idle:
        flags.append(Flag("correction-unchanged", f'The sidecar\'s drop entry "{entry[:60]}" matches no line '
                                                  "of the text: it changes nothing.", fix_line(notice, "drop", [entry])))
    return flags


def doubts(notice: Notice, ctx: Context) -> list[Flag]:
    """Every doubt about one notice, in the order review prints its fields."""
    flags: list[Flag] = []
    for field, rule in FIELD_RULES.items():
        flags += rule(notice, value_of(notice, field), notice.provenance.get(field), ctx)
    flags += body_doubts(notice)
    flags += correction_doubts(notice, ctx)
    return flags
