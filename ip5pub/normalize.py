"""Draft -> Notice -> normalized Markdown. Pure functions, no I/O.

Every front-matter key is decided here, by a precedence that is the same for
every shape: a value fixed by front matter wins, then what the reader saw in
the container (meta tags, feed fields), then the rules in `extract/` applied
to the text. Normalizing a normalized notice therefore changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

from ip5pub import frontmatter, markdown
from ip5pub.codec import FRONT_MATTER_ORDER, front_matter
from ip5pub.extract import acronyms as acro
from ip5pub.extract import boilerplate
from ip5pub.extract import attribution as attr
from ip5pub.extract.dates import ImpossibleDate, NotIsoDate, coerce_date, iso_date
from ip5pub.extract.events import find_event
from ip5pub.extract.ids import is_safe_id, make_id
from ip5pub.extract.language import detect_language, normalize_tag
from ip5pub.extract.offices import OFFICIAL_NAMES, office_code, offices_mentioned
from ip5pub.extract.text import split_sentences, word_count
from ip5pub.model import OFFICES, UNKNOWN_PUBLISHER, Draft, Event, Notice, SourceError, SourceRef
from ip5pub.provenance import FRONT_MATTER, SIDECAR, Origin, Rival, shown
from ip5pub.validate import ACRONYM_MAX, NAME_MAX, TITLE_MAX, clean_text, clean_value, one_line
from ip5pub.extract.scripts import cjk_count

SUMMARY_MIN = 60  # characters; a shorter lead sentence takes the next one too
SUMMARY_MAX = 400


class InvalidNotice(ValueError):
    """Front matter or hints that break the schema; message names the keys."""


def _check_types(hints: dict[str, Any]) -> None:
    bad: list[str] = []

    def expect(key: str, ok: bool, what: str) -> None:
        if key in hints and hints[key] is not None and not ok:
            bad.append(f"{key} must be {what} (got {hints[key]!r:.40})")

    h = hints
    for key in ("title", "publisher", "summary", "attribution", "language", "translated_from", "id"):
        expect(key, isinstance(h.get(key), str), "a string")
    expect("date", isinstance(h.get("date"), (dt.date, str)), "an ISO date")
    expect("office", isinstance(h.get("office"), str), "an office code or null")
    def strings(value: Any) -> bool:
        return all(isinstance(x, str) for x in value or ())

    expect("offices", isinstance(h.get("offices"), list) and strings(h.get("offices")), "a list of office codes")
    expect("duplicates", isinstance(h.get("duplicates"), list) and strings(h.get("duplicates")), "a list of ids")
    expect("not_duplicates", isinstance(h.get("not_duplicates"), list) and strings(h.get("not_duplicates")),
           "a list of ids")
    expect("acronyms", isinstance(h.get("acronyms"), dict) and strings((h.get("acronyms") or {}).values()),
           "a map of acronym to expansion")
    expect("event", isinstance(h.get("event"), dict), "a map with start and end")
    expect("source", isinstance(h.get("source"), dict), "a map with path, sha256 and format")
    expect("words", isinstance(h.get("words"), int) and not isinstance(h.get("words"), bool), "an integer")
    if isinstance(h.get("date"), str):
        try:
            if coerce_date(h["date"]) is None:
                bad.append(f"date must be an ISO date (got {h['date']!r:.40})")
        except ImpossibleDate:
            bad.append(f"date {h['date']!r:.40} is not a calendar date")
    if isinstance(h.get("office"), str) and h["office"].upper() not in OFFICES and office_code(h["office"]) is None:
        bad.append(f"office {h['office']!r:.40} is not one of {', '.join(OFFICES)}")
    for code in h["offices"] if isinstance(h.get("offices"), list) else []:  # `offices: true` is reported above
        if isinstance(code, str) and office_code(code) is None:
            bad.append(f"offices lists unknown office {code!r:.40}")
    if bad:
        raise InvalidNotice("; ".join(bad))


def _event(value: Any) -> Event | None:
    if not isinstance(value, dict):
        return None
    if value.get("start") is None:
        raise InvalidNotice("event must have ISO dates in start and end")
    try:  # written by a person (front matter, sidecar) or by normalize: ISO only
        start = iso_date(value["start"], "event start")
        end = iso_date(value.get("end") or value["start"], "event end")
    except NotIsoDate as exc:
        raise InvalidNotice(str(exc)) from None
    return Event(start, end)


def _web(url: Any) -> str | None:
    """An http(s) address, or None: source.url is printed as a link in every output."""
    return url.strip() if isinstance(url, str) and markdown.is_web_url(url) else None


def _declared_urls(hints: dict[str, Any], fixed: frozenset[str]) -> None:
    """A person's url (front matter, sidecar) that is not http(s) is an error; a
    reader's (a page's canonical link) is only dropped."""
    source = hints.get("source")
    for key, value in (("url", hints.get("url")), ("source.url", source.get("url") if isinstance(source, dict) else None)):
        if value and key.split(".")[0] in fixed and _web(value) is None:
            raise InvalidNotice(f"{key} must be an http(s) address (got {value!r:.40})")


def _source(value: Any, fallback: SourceRef) -> SourceRef:
    fallback = fallback if fallback.url is None or _web(fallback.url) else replace(fallback, url=None)
    if not isinstance(value, dict) or not value.get("path"):
        return fallback
    item = value.get("item")
    return SourceRef(path=str(value["path"]), sha256=str(value.get("sha256", "")),
                     format=str(value.get("format", "")), url=_web(value.get("url")) or fallback.url,
                     item=item if isinstance(item, int) and not isinstance(item, bool) else fallback.item)


def _split_attribution(body: str) -> tuple[str, str | None]:
    """Lift a trailing source line out of the body's last paragraph."""
    paras = body.rstrip("\n").split("\n\n")
    head, found = attr.split_attribution(paras[-1])
    if found is None:
        return body, None
    paras[-1] = head
    return "\n\n".join(p for p in paras if p.strip()) + "\n", found


_DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,30}(?:,\s*[A-Z][A-Za-z. ]{1,20})?(?:,\s*\w+\s+\d{1,2}(?:,\s*\d{4})?)?\s*[—–-]{1,2}\s+")


def _skipped(block: str) -> str | None:
    """Why a block is no lead: page furniture, or a label with no sentence in it; None when it may be one."""
    if boilerplate.is_furniture(block):
        return "reads as page furniture"
    return "a label, not a sentence" if _label_line(block) else None


def _summary(plain_blocks: list[str]) -> tuple[str, Origin]:
    """The lead: the first sentence (two if the first is short), minus a
    dateline; and where it came from, with the blocks above it passed over.

    Never a breadcrumb, a hotline, a dateline alone or a label line: the first
    block that reads as text (else the first block at all)."""
    text = [b for b in plain_blocks if _skipped(b) is None]
    for block in text or plain_blocks:
        n = plain_blocks.index(block) + 1
        sentences = split_sentences(_DATELINE.sub("", block))
        if not sentences:
            continue
        summary, how = sentences[0], "the first sentence"
        for extra in sentences[1:2]:
            if len(summary) < SUMMARY_MIN:
                summary += ("" if summary.endswith(("。", "！", "？")) else " ") + extra
                how = "the first two sentences"
        above = [Rival(one_line(b, 100), f"paragraph {k}", _skipped(b) or "no sentence in it")
                 for k, b in enumerate(plain_blocks[:n - 1], start=1)]
        origin = Origin(f"{how} of the text" if n == 1 else f"{how} of paragraph {n}").beating(*above)
        return (summary if len(summary) <= SUMMARY_MAX else summary[: SUMMARY_MAX - 1].rstrip() + "…"), origin
    return "", Origin("no sentence in the text")


def fix_line(draft: Draft, line: str) -> str:
    """'; add "date: YYYY-MM-DD" to sources/x.html.meta.yaml': what a refusal tells the user to do."""
    sidecar = f"{draft.source.path}.meta.yaml"
    if draft.item is not None:  # a feed's item: its own entry under items
        return f'; add "{line}" under "items: {{{draft.item}: ...}}" in {sidecar}'
    return f'; add "{line}" to {sidecar}'


def _label_line(block: str) -> bool:
    """A short line with no sentence in it: "Press release", "Newsletter No. 58", a date."""
    cjk = cjk_count(block)
    return len(block.split()) <= 4 and cjk <= 12 and not re.search(r"[.!?。！？다]\W*$", block)


def _drop_repeated_title(body: str, title: str) -> str:
    paras = body.split("\n\n")
    first = markdown.to_plain(paras[0]).strip() if paras else ""
    if len(paras) > 1 and " ".join(first.lstrip("#").split()).casefold() == " ".join(title.split()).casefold():
        return "\n\n".join(paras[1:])
    return body


class _Origins:
    """Each field's origin, recorded as build_notice decides it (see ip5pub.provenance)."""

    def __init__(self, draft: Draft):
        self.found, self.fixed = draft.origins, draft.fixed

    def given(self, key: str) -> None:
        """The value came from the draft's hints: the reader's origin, else the front matter's."""
        if key not in self.found:
            self.found = self.found.set(key, Origin(FRONT_MATTER if key in self.fixed else "what the reader found"))

    def rule(self, key: str, origin: str | Origin, weak: bool = False) -> None:
        self.found = self.found.set(key, origin if isinstance(origin, Origin) else Origin(origin, weak=weak))

    def corrected(self, key: str) -> bool:
        return self.found.source(key) == SIDECAR

    def beside(self, key: str, value: Any, origin: str | Origin) -> None:
        """What the rules would have found, recorded beside a sidecar's correction of `key`."""
        found = self.found.get(key)
        before = origin if isinstance(origin, Origin) else Origin(origin)
        if found is not None and found.source == SIDECAR and not found.rivals:
            self.found = self.found.set(key, replace(found.beating(Rival(shown(value), before.source, "the sidecar wins")),
                                                     before=before))


def _owner(hints: dict[str, Any], fixed: frozenset[str], attribution: Any, o: _Origins) -> tuple[str | None, str]:
    """(office, publisher) of this copy, from the hints, the attribution line and the office's name."""
    office = office_code(hints.get("office")) if hints.get("office") else None
    if office:
        o.given("office")
    elif "office" not in fixed and not hints.get("publisher") and (office := attr.publisher_from(attribution)):
        o.rule("office", "the source line names the office")
    publisher = hints.get("publisher")
    if publisher:
        o.given("publisher")
        if office is None and "office" not in fixed and (office := office_code(publisher)):
            o.rule("office", "the publisher's name is the office's")
    if office and (not publisher or office_code(publisher) == office and publisher.upper() == office):
        said = f", for '{publisher}' ({o.found.source('publisher')})" if publisher else ""
        publisher = OFFICIAL_NAMES[office]
        o.rule("publisher", f"the office's official name{said}")
    if not publisher:
        o.rule("publisher", "nothing in the source names one", weak=True)
    return office, one_line(str(publisher or UNKNOWN_PUBLISHER), NAME_MAX)


def build_notice(draft: Draft) -> Notice:
    """The Notice for one draft. Raises SourceError naming what is missing or wrong."""
    hints: dict[str, Any] = {clean_text(k): clean_value(v) for k, v in draft.hints.items()}
    fixed = draft.fixed
    bad = []
    if "date" in fixed and isinstance(hints.get("date"), str):
        # Written in front matter or a sidecar: ISO only. A page's own date
        # line may be written as the page writes it.
        try:
            hints["date"] = iso_date(hints["date"], "date")
        except NotIsoDate as exc:
            bad.append(str(exc))
            del hints["date"]
    try:
        _check_types(hints)
        _declared_urls(hints, fixed)
    except InvalidNotice as exc:
        bad.append(str(exc))
    if bad:
        raise SourceError(draft.source.path, "; ".join(bad))

    o = _Origins(draft)
    title = one_line(str(hints.get("title") or ""), TITLE_MAX)
    if not title:
        raise SourceError(draft.source.path, "no title found" + fix_line(draft, 'title: "..."'))
    o.given("title")
    try:
        date = coerce_date(hints.get("date"))
    except ImpossibleDate as exc:
        raise SourceError(draft.source.path, f"impossible date: {exc}") from None
    if date is None:
        problem = hints.get("_date_problem") or "no publication date found"
        raise SourceError(draft.source.path, problem + fix_line(draft, "date: YYYY-MM-DD"))
    o.given("date")

    body = _drop_repeated_title(clean_text(draft.body), title)
    attribution = hints.get("attribution")
    if "attribution" not in fixed:
        body, found = _split_attribution(body)
        if attribution:
            o.given("attribution")
        elif found:
            attribution = found
            o.rule("attribution", "the source line at the end of the text")
    else:
        o.given("attribution")
    body = markdown.drop_unsafe_links(body).strip("\n") + "\n"
    blocks = markdown.blocks(body)
    plain = "\n\n".join(blocks)
    if not plain.strip():
        raise SourceError(draft.source.path, "no article text")

    office, publisher = _owner(hints, fixed, attribution, o)
    attribution = one_line(attribution, NAME_MAX) if isinstance(attribution, str) else attribution
    language, translated_from, summary, event, offices, acronyms = _from_text(hints, o, title, plain, blocks, date,
                                                                              attribution, draft.source.path)

    source = _source(hints.get("source"), draft.source)
    if _web(hints.get("url")) and not source.url:
        source = SourceRef(source.path, source.sha256, source.format, _web(hints["url"]), source.item)
    notice_id = hints.get("id")
    if not (isinstance(notice_id, str) and is_safe_id(notice_id)):
        notice_id = make_id(date.isoformat(), office or publisher, title)
    known = set(FRONT_MATTER_ORDER) | {"url"}
    return Notice(
        id=notice_id, title=title, date=date, office=office, publisher=publisher, language=language,
        summary=summary, source=source, body=body, offices=tuple(offices), acronyms=dict(acronyms),
        words=word_count(plain), duplicates=tuple(sorted(set(hints.get("duplicates") or ()))),
        not_duplicates=tuple(sorted(set(hints.get("not_duplicates") or ()))),
        translated_from=translated_from if translated_from != language else None,
        attribution=attribution, event=event,
        extra={k: v for k, v in hints.items() if k not in known and not k.startswith("_")},
        provenance=replace(o.found, file=draft.source.path, item=draft.item),
    )


def _from_text(hints: dict[str, Any], o: _Origins, title: str, plain: str, blocks: list[str], date: dt.date,
               attribution: Any, path: str) -> tuple[str, str | None, str, Event | None, list[str], dict[str, str]]:
    """language, translated_from, summary, event, offices and acronyms: given, else read from the text.
    Beside a sidecar's correction, what the text gives is recorded (review says when they agree)."""
    language = normalize_tag(hints.get("language"))
    if language:
        o.given("language")
        if o.corrected("language"):
            o.beside("language", detect_language(title + "\n" + plain), "detected from the title and text")
    else:
        language = detect_language(title + "\n" + plain)
        o.rule("language", "detected from the title and text")
    translated_from = normalize_tag(hints.get("translated_from"))
    if translated_from:
        o.given("translated_from")
    elif (translated_from := attr.translated_from(attribution)):
        o.rule("translated_from", "the source line says it is a translation")
    if hints.get("summary"):
        summary = str(hints["summary"])
        o.given("summary")
        if o.corrected("summary"):
            o.beside("summary", *_summary(blocks))
    else:
        summary, how = _summary(blocks)
        o.rule("summary", how)
    summary = one_line(summary, SUMMARY_MAX)
    lead = " ".join(split_sentences(plain)[:2])
    try:
        event = _event(hints["event"]) if "event" in hints else find_event(lead, date.year)
    except InvalidNotice as exc:
        raise SourceError(path, str(exc)) from None
    if "event" in hints:
        o.given("event")
        if o.corrected("event"):
            o.beside("event", find_event(lead, date.year), "the dates the lead's first two sentences report")
    elif event:
        o.rule("event", "the dates the lead's first two sentences report")
    offices = hints.get("offices")
    if offices is not None:
        offices = sorted({c for c in map(office_code, offices) if c}, key=OFFICES.index)
        o.given("offices")
        if o.corrected("offices"):
            o.beside("offices", offices_mentioned(title + "\n" + plain), "offices the title and text name")
    else:
        offices = offices_mentioned(title + "\n" + plain)
        o.rule("offices", "offices the title and text name")
    acronyms = hints.get("acronyms")
    if acronyms is None:
        # What the text defines, plus the official name of an office code the
        # text uses without spelling out (a fact about the office, and what a
        # glossary reader needs: the seed says "CNIPA" and never expands it).
        acronyms = acro.with_office_names(acro.find_acronyms(plain), plain)
        o.rule("acronyms", "definitions in the text, and the names of office codes it uses")
    else:
        o.given("acronyms")
        if o.corrected("acronyms"):
            o.beside("acronyms", acro.with_office_names(acro.find_acronyms(plain), plain), "definitions in the text")
    acronyms = {k: one_line(v, NAME_MAX) for k, v in acronyms.items() if len(k) <= ACRONYM_MAX}
    return language, translated_from, summary, event, offices, acronyms


def to_markdown(notice: Notice) -> str:
    return frontmatter.join(front_matter(notice), notice.body)
