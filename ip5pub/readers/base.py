"""What a reader is: the `Reader` protocol, what it returns, and how it fails.

A reader turns one source's bytes into drafts. It returns a `ReadResult`:
the drafts, and for a source of several notices (a feed) one line per item
it could not read, so the other items still count. A source it cannot read
at all raises `ReadError` with a one-line reason; the reader does not know
how the source is named to the user, and `read_items` adds that name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ip5pub.model import Draft, SourceError, SourceRef
from ip5pub.readers.context import ReadContext

# An lxml element or tree: lxml ships no type information, so readers name
# what they pass around by this alias and mypy takes it as Any.
Element = Any


class ReadError(SourceError):
    """A source that cannot be read, for a reason that names no file (the caller names it)."""

    def __init__(self, reason: str):
        super().__init__("", reason)


@dataclass
class ReadResult:
    drafts: list[Draft]
    skipped: list[str] = field(default_factory=list)  # "item 3: no title found", one per item left out
    total: int | None = None  # items the source holds (a feed), for a sidecar's item numbers


class Reader(Protocol):
    """One source shape: its name (`source.format`), the extensions that
    suggest it, a test on the first 4 KiB, and the reading itself."""

    @property
    def name(self) -> str: ...

    @property
    def extensions(self) -> tuple[str, ...]: ...

    @property
    def sniff(self) -> Callable[[bytes], bool]: ...

    @property
    def read(self) -> Callable[[Path, bytes, SourceRef, ReadContext], ReadResult]: ...


@dataclass(frozen=True)
class FormatReader:
    """A `Reader` made of a module's functions (each reader module has one, READER)."""

    name: str
    extensions: tuple[str, ...]
    sniff: Callable[[bytes], bool]
    read: Callable[[Path, bytes, SourceRef, ReadContext], ReadResult]
