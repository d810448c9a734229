"""Word files (.docx) through pandoc, then read as Markdown.

pandoc runs with --sandbox (no file or network access beyond its input).
Before it runs, the zip's declared sizes are checked: a few kilobytes that
inflate to gigabytes (a zip bomb) are refused, not unpacked.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path

from ip5pub.model import Draft, SourceError, SourceRef
from ip5pub.readers import Reader
from ip5pub.readers.text import HEADER_FIELD, _header_line

MAX_INFLATED = 50 * 1024 * 1024
MAX_RATIO = 200


def check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if "word/document.xml" not in z.namelist():
                raise SourceError("", "zip file is not a Word document (no word/document.xml)")
    except zipfile.BadZipFile as exc:
        raise SourceError("", f"not a readable .docx ({exc})") from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_INFLATED or total / packed > MAX_RATIO and total > 1024 * 1024:
        raise SourceError("", f".docx would inflate to {total} bytes from {packed}: refused as a zip bomb")


def to_markdown(data: bytes) -> str:
    import pypandoc

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.docx"
        src.write_bytes(data)
        try:
            # commonmark_x with --standalone keeps the Title/Date paragraph styles as YAML metadata.
            return pypandoc.convert_file(str(src), "commonmark_x-attributes-bracketed_spans-fenced_divs", format="docx",
                                         extra_args=["--sandbox", "--wrap=none", "--standalone"])
        except (RuntimeError, OSError) as exc:
            raise SourceError("", f"pandoc could not read the .docx ({' '.join(str(exc).split())[:120]})") from None


def read(path: Path, data: bytes, ref: SourceRef) -> list[Draft]:
    from ip5pub import frontmatter

    check_zip(data)
    try:
        meta, text = frontmatter.split(to_markdown(data))
    except frontmatter.FrontMatterError as exc:
        raise SourceError("", f"document properties unreadable: {exc}") from None
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if not paras:
        raise SourceError("", "the Word document has no text")
    # The Title style is the headline; else the first paragraph (a heading).
    # Header lines under it ("Date: …", "2021-06-29 · Source: …") are metadata.
    hints: dict[str, object] = {}
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        hints["title"] = meta["title"].strip()
        rest = paras
    else:
        hints["title"] = re.sub(r"^#+\s*|\s*#+$", "", paras[0]).strip().strip("*").strip()
        rest = paras[1:]
    if meta.get("date"):
        hints["date"] = str(meta["date"])
    while rest:
        fields = _header_line(rest[0].strip("*_ ")) if len(rest[0]) < 200 else None
        if not fields:
            break
        for key, value in fields.items():
            if key in ("date", "publisher"):
                hints.setdefault(key, value)
        rest = rest[1:]
    body = "\n\n".join(p for p in rest if not HEADER_FIELD.match(p))
    if not body.strip():
        raise SourceError("", "the Word document has no body text under the title")
    return [Draft(body=body + "\n", source=ref, hints=hints)]


def _sniff(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04") and b"word/" in head


READER = Reader("docx", (".docx",), _sniff, read)
