"""Readers: one module per source shape, chosen by content and extension.

A reader is a module-level object with `name`, `extensions`, `sniff(head)`
and `read(path, data) -> list[Draft]`. `read_source` picks the first reader
whose sniff accepts the bytes, falling back to the extension, so a feed saved
as .txt or an HTML page saved as .xml is still read as what it is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ip5pub.model import Draft, SourceError, SourceRef

MAX_BYTES = 10 * 1024 * 1024  # a saved page carries scripts, styles and inline images; 10 MiB is generous
# A notice is a page or two of prose (the corpus's longest is ~20,000 characters).
# The extraction rules cost a few seconds per million characters, so this bound
# keeps any one source well under a minute and a few hundred MiB.
MAX_TEXT = 1_000_000


@dataclass(frozen=True)
class Reader:
    name: str
    extensions: tuple[str, ...]
    sniff: Callable[[bytes], bool]
    read: Callable[[Path, bytes, SourceRef], list[Draft]]


def _registry() -> list[Reader]:
    from ip5pub.readers import docx, feed, html, markdown, text

    # Most specific first: sniffers of later readers are more permissive.
    return [docx.READER, markdown.READER, feed.READER, html.READER, text.READER]


def reader_for(path: Path, data: bytes) -> Reader:
    readers = _registry()
    head = data[:4096]
    for reader in readers:
        if reader.sniff(head):
            return reader
    suffix = path.suffix.lower()
    for reader in readers:
        if suffix in reader.extensions:
            return reader
    return readers[-1]


def source_files(folder: Path) -> list[Path]:
    """Source files under `folder`, in a stable order, skipping sidecars and dotfiles."""
    files = [
        p for p in folder.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and not p.name.endswith((".meta.yaml", ".meta.yml"))
        and not p.name.startswith(("README", "~$"))
    ]
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix())


class SkippedItems(SourceError):
    """Raised by a reader of several notices (a feed) when some could not be
    read: the drafts that were, and a one-line reason per item that was not."""

    def __init__(self, drafts: list[Draft], skipped: list[str]):
        self.drafts, self.skipped = drafts, skipped
        super().__init__("", skipped[0])


def read_source(path: Path, display: str | None = None) -> list[Draft]:
    """All drafts in one source file. Raises SourceError with a one-line reason."""
    drafts, skipped = read_items(path, display)
    if skipped:
        raise SourceError(display or str(path), skipped[0])
    return drafts


def read_items(path: Path, display: str | None = None) -> tuple[list[Draft], list[str]]:
    """Like read_source, but a feed's bad items are reported beside its good
    ones: (drafts, one reason per item that could not be read)."""
    label = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(label, f"file is {size / 1048576:.1f} MiB; the limit is {MAX_BYTES // 1048576} MiB")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(label, exc.strerror or str(exc)) from None
    reader = reader_for(path, data)
    ref = SourceRef(path=label, sha256=hashlib.sha256(data).hexdigest(), format=reader.name)
    skipped: list[str] = []
    try:
        drafts = reader.read(path, data, ref)
    except SkippedItems as exc:
        drafts, skipped = exc.drafts, list(exc.skipped)
    except SourceError as exc:
        raise SourceError(label, exc.reason) from None
    if not drafts:
        raise SourceError(label, "no notice found")
    for draft in list(drafts):
        if len(draft.body) > MAX_TEXT:
            too_long = f"article text is {len(draft.body):,} characters; the limit is {MAX_TEXT:,}"
            if draft.item is None or len(drafts) == 1:
                raise SourceError(label, too_long)
            skipped.append(f"item {draft.item}: {too_long}")
            drafts.remove(draft)
    return apply_sidecar(path, drafts, label), skipped


def sidecar_for(path: Path) -> Path | None:
    for suffix in (".meta.yaml", ".meta.yml"):
        candidate = path.with_name(path.name + suffix)
        if candidate.is_file():
            return candidate
    return None


def apply_sidecar(path: Path, drafts: list[Draft], label: str) -> list[Draft]:
    """Corrections without editing the source: `<source>.meta.yaml` keys win over
    whatever was read or would be extracted. In a feed, a key `items` maps an
    item's index to its own corrections."""
    from dataclasses import replace

    from ip5pub import frontmatter

    sidecar = sidecar_for(path)
    if sidecar is None:
        return drafts
    try:
        meta = frontmatter.load(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, frontmatter.FrontMatterError) as exc:
        raise SourceError(label, f"sidecar {sidecar.name}: {exc}") from None
    per_item = meta.pop("items", None) or {}
    if not isinstance(per_item, dict):
        raise SourceError(label, f"sidecar {sidecar.name}: 'items' must map item numbers to corrections")
    out = []
    for draft in drafts:
        fix = dict(meta)
        item_fix = per_item.get(draft.item) if draft.item is not None else None
        if isinstance(item_fix, dict):
            fix.update({str(k): v for k, v in item_fix.items()})
        if fix:
            draft = replace(draft, hints={**draft.hints, **fix}, fixed=draft.fixed | frozenset(fix))
        out.append(draft)
    return out
