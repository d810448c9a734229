"""Where a fetched notice goes in sources/, and what may be written there.

    sources/fetched/<host>/<date>-<title slug>.html   a notice's page
    sources/fetched/<host>/<date>-<title slug>.rss    a feed item, alone (or .atom)

Names follow the notice ids' rules (ip5pub/extract/ids.py): the date and a
slug of the title, or a short hash for a title without Latin letters; the
host as its ASCII (IDNA) form. A name is given once and kept: a revision
of the notice replaces the file's content under the same name, so the
next digest matches it to its earlier self and marks it revised. A file
whose content is not what fetch saved (a person edited it) is never
overwritten, and one a person removed is not brought back. Files are
written atomically, and only into real folders inside sources/ (never
through a symbolic link).

A page is saved as served, after one line a browser also writes when it
saves a page, naming its address: `<!-- saved from url=(0043)https://... -->`
(the HTML reader takes it as the page's address when the page names none,
for its office and site profile), and the charset the server declared,
when the page declares none itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from ip5pub.extract.ids import is_safe_id, make_id, slug
from ip5pub.fetch.state import Seen, State, write_atomic
from ip5pub.model import SourceError
from ip5pub.readers import read_regular

FETCHED = ("sources", "fetched")
_HOST = re.compile(r"[a-z0-9][a-z0-9.-]{0,252}")
_DECLARES_CHARSET = re.compile(rb"<meta[^>]+charset", re.I)


class SaveError(Exception):
    pass


@dataclass(frozen=True)
class Saved:
    status: str  # new, revised, unchanged, edited (a person's edit kept), removed (by a person: not brought back)
    path: str  # relative to the workspace


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def host_folder(url: str) -> str:
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    return host if _HOST.fullmatch(host) and ".." not in host else f"host-{sha256(host.encode())[:10]}"


def file_stem(date: dt.date, title: str, url: str) -> str:
    """'2026-12-02-epo-opens-a-search-service': the notice's date and title, by the ids' rules."""
    day = date.isoformat()
    stem = make_id(day, "", title) if title.strip() else ""
    if stem in ("", day) or not is_safe_id(stem):
        from_path = slug(unquote(urlsplit(url).path).rsplit(".", 1)[0].replace("/", " "), 40)
        stem = f"{day}-{from_path or sha256(url.encode())[:10]}"
    return stem if is_safe_id(stem) else f"{day}-{sha256(url.encode())[:10]}"


def saved_page(body: bytes, url: str, charset: str | None) -> bytes:
    """The page as served, after its address (and the server's charset when the page declares none)."""
    address = quote(url, safe=":/?&=%#+,;@~!$'()*[]")  # printable ASCII, no '>' or spaces to end the comment
    head = f"<!-- saved from url=({len(address):04d}){address} -->\n"
    if charset and re.fullmatch(r"[A-Za-z0-9_.:\-]{1,40}", charset) and not body.startswith(b"\xef\xbb\xbf") \
            and not _DECLARES_CHARSET.search(body[:4096]):
        head += f'<meta charset="{charset}">\n'
    return head.encode("ascii") + body


def _real_folder(path: Path) -> None:
    """`path` is a folder, not a link to one; created when missing."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        path.mkdir()
        return
    if not stat.S_ISDIR(mode):
        what = "a symbolic link" if stat.S_ISLNK(mode) else "not a folder"
        raise SaveError(f"{path} is {what}: fetch writes only into real folders inside sources/")


def _folder(root: Path, *parts: str) -> Path:
    """root/sources/fetched/<parts>, each folder on the way real (created when missing)."""
    folder = root
    for part in (*FETCHED, *parts):
        folder = folder / part
        _real_folder(folder)
    return folder


def prepare(root: Path) -> None:
    """The fetched folder exists and is real; temporary files a killed run left are removed."""
    folder = _folder(root)
    for leftover in [*folder.glob(".ip5pub-*.tmp"), *folder.glob("*/.ip5pub-*.tmp")]:
        leftover.unlink(missing_ok=True)


class Saver:
    def __init__(self, root: Path, state: State, today: dt.date):
        self.root, self.state, self.today = root, state, today

    def _current(self, relative: str) -> bytes | None:
        try:
            return read_regular(self.root / relative)
        except SourceError:
            return None

    def save(self, key: str, url: str, data: bytes, suffix: str, date: dt.date | None, title: str) -> Saved:
        """Save `data` for the item `key` (its earlier file replaced if nobody edited it)."""
        seen = self.state.items.get(key)
        if seen is not None and seen.path:
            return self._revise(seen, data)
        folder = _folder(self.root, host_folder(url))
        stem = file_stem(date or self.today, title, url)
        claimed = {s.path for k, s in self.state.items.items() if k != key and s.path}
        for candidate in (stem, f"{stem}-{sha256(url.encode())[:8]}", f"{stem}-{sha256(key.encode())[:12]}"):
            path = folder / f"{candidate}{suffix}"
            relative = path.relative_to(self.root).as_posix()
            if relative in claimed:
                continue
            if os.path.lexists(path):
                if self._current(relative) != data:
                    continue  # someone else's file (or a different page under the same title)
            else:
                write_atomic(path, data)
            return Saved("new", relative)  # (a file equal to it was saved by a run killed before its state)
        raise SaveError(f"no free name for {url:.80} in {folder}")

    def _revise(self, seen: Seen, data: bytes) -> Saved:
        assert seen.path is not None
        current = self._current(seen.path)
        if current is None:
            return Saved("removed", seen.path)
        if sha256(current) != seen.sha256:
            return Saved("edited", seen.path)
        if current == data:
            return Saved("unchanged", seen.path)
        # The state's paths were checked on load: sources/fetched/<host>/<file>.
        folder = _folder(self.root, Path(seen.path).parent.name)
        write_atomic(folder / Path(seen.path).name, data)
        return Saved("revised", seen.path)
