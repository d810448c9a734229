"""Readers: one module per source shape, chosen by content and extension.

Each reader module has READER, a `Reader` (ip5pub.readers.base): `name`,
`extensions`, `sniff(head)` and `read(path, data, ref, context) ->
ReadResult`; `context` is what a reader may know beyond the bytes (the
workspace's site profiles). `read_items` picks the first reader whose sniff
accepts the bytes, falling back to the extension, so a feed saved as .txt or
an HTML page saved as .xml is still read as what it is; it names the source
in every error and applies the sidecar.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from ip5pub.model import Draft, SourceError, SourceRef
from ip5pub.readers.base import Reader, ReadError
from ip5pub.readers.context import NO_SITES, ReadContext
from ip5pub.terminal import printable

MAX_BYTES = 10 * 1024 * 1024  # a saved page carries scripts, styles and inline images; 10 MiB is generous
# A notice is a page or two of prose (the corpus's longest is ~20,000 characters).
# The extraction rules cost a few seconds per million characters, so this bound
# keeps any one source well under a minute and a few hundred MiB.
MAX_TEXT = 1_000_000
# A saved page is measured before extraction, whose cost grows faster than its
# text (9.9 MB of short paragraphs took 238 s before the article was found too
# long). Its visible text, counted a byte per character (so at most 3x over for
# UTF-8), may be a few times an article; past that the page is refused at once.
MAX_PAGE_TEXT = 3 * MAX_TEXT


def _registry() -> list[Reader]:
    from ip5pub.readers import docx, feed, html, markdown, text

    # Most specific first: sniffers of later readers are more permissive.
    return [docx.READER, markdown.READER, feed.READER, html.READER, text.READER]


def preload() -> None:
    """Import every reader and the libraries they load when first used
    (trafilatura: about 0.4 s of CPU; markdown-it, which the process
    imports later anyway: 0.015-0.03 s in each worker), in a process about
    to fork its workers: once, instead of once in every worker."""
    _registry()
    import lxml.html  # noqa: F401
    import markdown_it  # noqa: F401
    import trafilatura  # noqa: F401


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


MAX_DEPTH = 32  # folders inside sources/; deeper ones are reported, not walked
_SIDECARS = (".meta.yaml", ".meta.yml")


def source_files(folder: Path) -> list[Path]:
    """Source files under `folder`, in a stable order, skipping sidecars and dotfiles.

    Walked with a stack, not recursion, and never through a symbolic link:
    links, pipes and devices are listed, so that reading them says why they
    are refused, and so is a folder deeper than MAX_DEPTH.
    """
    found: list[Path] = []
    stack: list[tuple[Path, int]] = [(folder, 0)]
    while stack:
        current, depth = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            found.append(current)  # unreadable: read_items says why
            continue
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name.endswith(_SIDECARS) or name.startswith(("README", "~$")):
                continue
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 < MAX_DEPTH:
                    stack.append((path, depth + 1))
                else:
                    found.append(path)
            else:
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


_NOT_REGULAR = {
    stat.S_IFIFO: "a named pipe", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket",
}


def _not_regular(mode: int) -> str:
    return f"{_NOT_REGULAR.get(stat.S_IFMT(mode), 'not a regular file')}, not a file: only regular files are read"


def read_regular(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of `path` if it is a regular file of at most `limit` bytes.

    Race-free: the name is opened without following a link (O_NOFOLLOW) and
    without waiting on a pipe (O_NONBLOCK), and the type and size checked on
    the open descriptor, so nothing swapped in after a check is read.
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        try:  # only to say why: nothing is read from what lstat sees
            mode = os.lstat(path).st_mode
        except OSError:
            mode = 0
        if exc.errno == errno.ELOOP or stat.S_ISLNK(mode):
            raise ReadError("symbolic links are not read: copy the file into sources/") from None
        if mode and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise ReadError(_not_regular(mode)) from None
        raise ReadError(exc.strerror or str(exc)) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ReadError(f"folder more than {MAX_DEPTH} levels deep in sources/: not read")
        raise ReadError(_not_regular(info.st_mode))
    with os.fdopen(fd, "rb") as fh:
        if info.st_size > limit:
            raise ReadError(f"file is {info.st_size / 1048576:.1f} MiB; the limit is {limit // 1048576} MiB")
        data = fh.read(limit + 1)
    if len(data) > limit:  # grew after the check
        raise ReadError(f"file is over the limit of {limit // 1048576} MiB")
    return data


def read_source(path: Path, display: str | None = None, context: ReadContext = NO_SITES) -> list[Draft]:
    """All drafts in one source file. Raises SourceError with a one-line reason."""
    drafts, skipped = read_items(path, display, context)
    if skipped:
        raise SourceError(display or str(path), skipped[0])
    return drafts


def read_items(path: Path, display: str | None = None,
               context: ReadContext = NO_SITES) -> tuple[list[Draft], list[str]]:
    """Like read_source, but a feed's bad items are reported beside its good
    ones: (drafts, one reason per item that could not be read)."""
    label = display or str(path)
    try:
        data = read_regular(path)
    except SourceError as exc:
        raise SourceError(label, exc.reason) from None
    reader = reader_for(path, data)
    if reader.name == "html" and (shown := page_text(data)) > MAX_PAGE_TEXT:
        raise SourceError(label, f"page holds about {shown:,} characters of text; an article is at most {MAX_TEXT:,}")
    ref = SourceRef(path=label, sha256=hashlib.sha256(data).hexdigest(), format=reader.name)
    try:
        found = reader.read(path, data, ref, context)
    except SourceError as exc:
        raise SourceError(label, exc.reason) from None
    drafts, skipped, total = list(found.drafts), list(found.skipped), found.total
    if not drafts:
        raise SourceError(label, "no notice found")
    for draft in list(drafts):
        if len(draft.body) > MAX_TEXT:
            too_long = f"article text is {len(draft.body):,} characters; the limit is {MAX_TEXT:,}"
            if draft.item is None or len(drafts) == 1:
                raise SourceError(label, too_long)
            skipped.append(f"item {draft.item}: {too_long}")
            drafts.remove(draft)
    drafts, problems = apply_sidecar(path, drafts, label, total)
    return drafts, skipped + problems


def page_text(data: bytes) -> int:
    """Characters of text a page shows (not scripts, styles, comments), one per byte: linear, no extraction."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(data, parser=lxml.html.HTMLParser(remove_comments=True, no_network=True))
    except (etree.ParserError, ValueError):
        return 0  # the reader says what is wrong with it
    etree.strip_elements(root, "script", "style", "template", with_tail=False)
    return sum(len(t) - t.count(" ") for t in map(str, root.itertext()))


def sidecar_bytes(path: Path) -> tuple[str, bytes] | None:
    """The name and bytes of `<source>.meta.yaml` (or .yml), None when there
    is none; a sidecar is read as safely as a source (no link, no pipe)."""
    for suffix in _SIDECARS:
        candidate = path.with_name(path.name + suffix)
        if os.path.lexists(candidate):
            try:
                return candidate.name, read_regular(candidate, limit=1024 * 1024)
            except SourceError as exc:
                raise ReadError(f"sidecar {candidate.name}: {exc.reason}") from None
    return None


def apply_sidecar(path: Path, drafts: list[Draft], label: str,
                  total: int | None = None) -> tuple[list[Draft], list[str]]:
    """Corrections without editing the source: `<source>.meta.yaml` keys win over
    whatever was read or would be extracted (ip5pub.readers.sidecar). `total`:
    how many items the source holds, for a feed. Returns the drafts and one
    reason per feed item that could not be corrected (left out) or item number
    that names no item; a problem with the whole sidecar raises SourceError."""
    from ip5pub import frontmatter
    from ip5pub.readers import sidecar

    try:
        raw = sidecar_bytes(path)
    except SourceError as exc:
        raise SourceError(label, exc.reason) from None
    if raw is None:
        return drafts, []
    name = printable(raw[0])
    try:
        meta = frontmatter.load(raw[1].decode("utf-8"), numbered_items=True)
        drafts, problems = sidecar.apply(drafts, meta, name, total)
    except (UnicodeDecodeError, frontmatter.FrontMatterError, sidecar.SidecarError) as exc:
        raise SourceError(label, f"sidecar {name}: {exc}") from None
    return drafts, [p if p.startswith("item ") else f"sidecar {name}: {p}" for p in problems]
