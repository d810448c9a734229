"""Markdown with (optional) YAML front matter: hand-written or normalized."""

from __future__ import annotations

from typing import Any
import re
from pathlib import Path

from ip5pub import frontmatter
from ip5pub.model import Draft, SourceRef
from ip5pub.provenance import FIELDS, FRONT_MATTER, Origin, Provenance
from ip5pub.readers.base import FormatReader, ReadError, ReadResult
from ip5pub.readers.context import NO_SITES, ReadContext
from ip5pub.readers.decode import decode
from ip5pub.readers.headerlines import header_block

_HEADING = re.compile(r"^#\s+(?P<title>.+?)\s*#*\s*$")


def read(path: Path, data: bytes, ref: SourceRef, context: ReadContext = NO_SITES) -> ReadResult:
    try:
        meta, body = frontmatter.split(decode(data))
    except frontmatter.FrontMatterError as exc:
        raise ReadError(str(exc)) from None
    lines = body.strip("\n").split("\n")
    origins = Provenance().set("body", Origin("the text after the front matter" if meta else "the file's text"))
    for key in sorted(set(meta) & set(FIELDS)):
        origins = origins.set(key, Origin(FRONT_MATTER))
    if "title" not in meta:
        # A leading "# Title" is the title, not part of the body.
        first = next((i for i, x in enumerate(lines) if x.strip()), None)
        m = _HEADING.match(lines[first]) if first is not None else None
        if m is None or first is None:
            raise ReadError("no title: no 'title' in front matter and no '# heading' at the top")
        meta["title"] = m.group("title")
        origins = origins.set("title", Origin("the '# heading' at the top"))
        lines = lines[first + 1:]
    declared = frozenset(meta)
    if "date" not in meta:
        lines = _header_lines(lines, meta)
        for key in ("date", "publisher"):
            if key in meta and key not in declared:
                origins = origins.set(key, Origin(f"the {'date' if key == 'date' else 'source'} line under the heading"))
    body = "\n".join(lines).strip("\n")
    if not body.strip():
        raise ReadError("no body text")
    return ReadResult([Draft(body=body + "\n", source=ref, hints=meta, fixed=declared, origins=origins)])


def _header_lines(lines: list[str], meta: dict[str, Any]) -> list[str]:
    """Hand-written Markdown often puts 'Date: … · Source: …' under the heading:
    those lines are metadata (not fixed: they are read, not declared)."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    block, end = header_block(lines, start, clean=lambda line: line.strip().strip("*_").strip())
    for fields in block:
        for key in ("date", "publisher"):
            if key in fields:
                meta.setdefault(key, fields[key])
    return lines[end:] if block else lines


def _sniff(head: bytes) -> bool:
    try:
        return frontmatter.has_front_matter(head.decode("utf-8", "ignore").replace("\r\n", "\n"))
    except ValueError:
        return False


READER = FormatReader("markdown", (".md", ".markdown"), _sniff, read)
