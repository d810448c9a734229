"""Plain text as copied from an office site: title, a date line, paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

from ip5pub import markdown
from ip5pub.extract.dates import AmbiguousDate, ImpossibleDate, parse_date
from ip5pub.extract.scripts import CJK_WIDE
from ip5pub.extract.text import clean_line
from ip5pub.model import Draft, SourceError, SourceRef
from ip5pub.provenance import Origin, Provenance
from ip5pub.readers.base import FormatReader, ReadError, ReadResult
from ip5pub.readers.context import NO_SITES, ReadContext
from ip5pub.readers.decode import decode
from ip5pub.readers.headerlines import RULE, header_block, header_line

_CJK_END = re.compile(f"[{CJK_WIDE}]$")
_CJK_START = re.compile(f"^[{CJK_WIDE}]")
_DEFINITION = re.compile(r"^[A-Z][A-Za-z0-9/&]{1,11}\s*[:：=]\s+\S")  # "NET: New Emerging Technologies"
_LIST_ITEM = re.compile(r"^(?:[-*•·●▪]|\d{1,3}[.)、]|[（(]\d{1,2}[)）])\s*")


def _join(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        glue = "" if _CJK_END.search(out) and _CJK_START.search(line) else " "
        out = out.rstrip("-") + line if out.endswith("-") and not out.endswith(" -") and line[:1].islower() else out + glue + line
    return out


def paragraphs(lines: list[str]) -> list[str]:
    """Blocks separated by blank lines; hard-wrapped lines are joined back."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    out: list[str] = []
    for block in filter(None, blocks):
        wrapped = len(block) > 1 and max(len(x) for x in block[:-1]) <= 90
        if not wrapped or all(_DEFINITION.match(x) for x in block):
            out.extend(block)
            continue
        # A list inside a wrapped block keeps one item per line.
        current: list[str] = []
        for line in block:
            if _LIST_ITEM.match(line) and current:
                out.append(_join(current))
                current = []
            current.append(line)
        out.append(_join(current))
    return out


def to_markdown(paras: list[str]) -> str:
    blocks: list[str] = []
    for para in paras:
        item = _LIST_ITEM.match(para)
        if item and re.match(r"[-*•·●▪]", para):
            blocks.append("- " + markdown.escape(para[item.end():]))
        else:
            blocks.append(markdown.escape(para))
    # Consecutive list items form one list: no blank line between them.
    text = ""
    for i, block in enumerate(blocks):
        if i:
            text += "\n" if block.startswith("- ") and blocks[i - 1].startswith("- ") else "\n\n"
        text += block
    return text + "\n"


_CRUMBS = re.compile(r"\s+(?:>|›|»|/|→)\s+")
_SENT_BY = re.compile(r"(?:on behalf of|sent by|published by|Copyright|©)\s*[:：]?\s*(?:\d{4}\s*)?(?P<name>[^-–|,.;]{3,80})",
                      re.I)
_TRAILING = re.compile(r"^(?:Prev(?:ious)?|Next|이전글|다음글|上一篇|下一篇)\b|^\[[^\]]{1,12}\](?:\s*\[[^\]]{1,12}\])*$", re.I)


def _title_index(lines: list[str], start: int) -> tuple[int, str]:
    """The title is the line right above the first header line near the top
    (a masthead or breadcrumb may come first); else the first line that is
    not a breadcrumb or a masthead underlined by a rule. (index, how it was found)"""
    seen = 0
    for i in range(start, len(lines)):
        if not lines[i] or RULE.match(lines[i]):
            continue
        seen += 1
        if seen > 6:
            break
        try:
            header = header_line(lines[i]) if i > start else None
        except SourceError:
            header = {"date": "?"}
        if header:
            prev = next((j for j in range(i - 1, start - 1, -1) if lines[j] and not RULE.match(lines[j])), None)
            if prev is not None:
                return prev, "the line above the date and source lines"
    for i in range(start, min(len(lines), start + 12)):
        line = lines[i]
        if not line or RULE.match(line) or len(_CRUMBS.split(line)) >= 3:
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if RULE.match(nxt) and any(lines[i + 2:i + 6]):  # a masthead over a rule, the title below
            continue
        return i, "the first line" if i == start else "the first line under the masthead"
    return start, "the first line"


def _footer(lines: list[str]) -> tuple[list[str], list[str]]:
    """(body lines, footer lines): a short tail after the last rule line is a
    footer (newsletter unsubscribe blocks, mailing-service notices); trailing
    prev/next/list lines and furniture go too."""
    from ip5pub.extract.boilerplate import is_furniture

    rules = [i for i, x in enumerate(lines) if RULE.match(x)]
    footer: list[str] = []
    if rules and len([x for x in lines[rules[-1] + 1:] if x]) <= 8 and rules[-1] > len(lines) // 2:
        footer = lines[rules[-1] + 1:]
        lines = lines[:rules[-1]]
    while lines and (not lines[-1] or RULE.match(lines[-1]) or is_furniture(lines[-1]) or _TRAILING.match(lines[-1])):
        footer.insert(0, lines.pop())
    return lines, footer


def parse_text(text: str) -> tuple[dict[str, object], list[str]]:
    """(hints, body paragraphs) of a plain-text notice."""
    hints, paras, _ = read_text(text)
    return hints, paras


def read_text(text: str) -> tuple[dict[str, object], list[str], Provenance]:
    """(hints, body paragraphs, where each hint came from) of a plain-text notice."""
    from ip5pub.extract.offices import office_named_by_site

    lines = [clean_line(x) for x in text.split("\n")]
    start = next((i for i, x in enumerate(lines) if x and not RULE.match(x)), None)
    if start is None:
        raise ReadError("empty file: no text")
    title_at, how = _title_index(lines, start)
    hints: dict[str, object] = {"title": lines[title_at]}
    origins = Provenance().set("title", Origin(how))
    above = [x for x in lines[start:title_at] if x and not RULE.match(x)]
    for line in above:
        crumbs = _CRUMBS.split(line)
        if len(crumbs) >= 3 and office_named_by_site(crumbs[0]):
            hints["office"] = office_named_by_site(crumbs[0])  # "国家知识产权局 > 新闻 > 工作动态"
            origins = origins.set("office", Origin("the breadcrumb above the title names the office"))
        elif len(crumbs) < 3 and "publisher" not in hints:
            hints["publisher"] = re.split(r"\s+[—–-]\s+|\s*[|:]\s+", line)[0]  # a masthead
            origins = origins.set("publisher", Origin("the masthead above the title"))
    # Header lines directly under the title: labelled fields or a bare date.
    block, i = header_block(lines, title_at + 1, gaps=True, limit=8)
    for fields in block:
        for key, value in fields.items():
            if key == "publisher":
                hints[key] = value  # a Source line beats a masthead
                origins = origins.set(key, Origin("the source line under the title"))
            else:
                hints.setdefault(key if key != "date" else "date_line", value)
    if "date_line" in hints:
        line = str(hints.pop("date_line"))
        try:
            date = parse_date(line)
        except AmbiguousDate as exc:  # normalize says so unless a sidecar gives the date
            hints["_date_problem"] = f"date {exc}"
        except ImpossibleDate as exc:
            hints["_date_problem"] = f"date line {line!r} is not a real date ({exc})"
        else:
            if date is None:
                hints["_date_problem"] = f"date line {line!r} is not a real date"
            else:
                hints["date"] = date
                origins = origins.set("date", Origin(f"the date line under the title ({line[:40]})"))
    hints.pop("views", None)
    hints.pop("other", None)
    body, footer = _footer(lines[i:])
    dropped = len([x for x in footer if x and not RULE.match(x)])
    footer_said = f", without {dropped} footer line(s)" if dropped else ""
    origins = origins.set("body", Origin(f"the lines under the title{footer_said}"))
    if "publisher" not in hints and "office" not in hints:
        m = _SENT_BY.search(" ".join(footer))
        if m:
            hints["publisher"] = m.group("name").strip()
            origins = origins.set("publisher", Origin("the mail footer's sender line"))
    return hints, paragraphs(body), origins


def read(path: Path, data: bytes, ref: SourceRef, context: ReadContext = NO_SITES) -> ReadResult:
    hints, paras, origins = read_text(decode(data))
    if not paras:
        raise ReadError("no body text under the title")
    return ReadResult([Draft(body=to_markdown(paras), source=ref, hints=hints, origins=origins)])


def _sniff(head: bytes) -> bool:
    return False  # plain text is the fallback, never claimed by content


READER = FormatReader("text", (".txt", ".text", ""), _sniff, read)
