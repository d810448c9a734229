"""Untrusted values made safe before the pipeline touches them.

Readers hand over text decoded from files anyone may have written. Control
characters are removed here, once, so that no output (digest, Markdown,
HTML, EPUB, the normalized notice) carries them: they would ring, recolour
or rewrite a terminal showing the digest, and XML forbids most of them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from ip5pub.terminal import printable

# Controls that separate words become spaces; the rest go. Newline and tab stay.
_SPACING = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def clean_text(text: str) -> str:
    """`text` without C0/C1 control characters other than newline and tab."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _SPACING.sub(" ", text))


# One-line fields are capped: a title is laid out as a heading, in the
# contents and in running heads, and 10,000 words of it took 32 s to lay out
# (2 MB did not finish). Longer text is cut at a word, with an ellipsis.
TITLE_MAX = 300  # characters; the longest title in the corpus is under 150
NAME_MAX = 200  # publisher, attribution, a glossary expansion
ACRONYM_MAX = 40  # a glossary entry's key; a longer one is no acronym and is dropped


def one_line(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters (cut at a space when one is near)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 3 // 4:
        cut = cut[:space]
    return cut.rstrip() + "…"


def clean_value(value: object) -> object:
    """`value` with clean_text applied to every string in it, keys included."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    return value


# What YAML may give and the contract can hold: text, numbers, dates, lists
# and maps keyed by text. Anything else is refused with the key it sits under.
MAX_DEPTH = 16
_SURROGATE = re.compile("[\ud800-\udfff]")


class Unusable(ValueError):
    """A value no field can hold; the message names its key."""


def plain(value: Any, where: str, depth: int = 0) -> Any:
    """`value` as plain, JSON-safe data, or Unusable naming `where`.

    A set becomes a sorted list; bytes (!!binary), keys that are not text,
    lone surrogates, numbers beyond 64 bits or not finite are refused.
    """
    if depth > MAX_DEPTH:
        raise Unusable(f"{where}: nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, str):
        bad = _SURROGATE.search(value)
        if bad:
            raise Unusable(f"{where}: {printable(bad.group())} (a lone surrogate) is not text")
        return value
    if value is None or isinstance(value, (bool, dt.date)):
        return value
    if isinstance(value, int):
        if abs(value) >= 2**63:
            raise Unusable(f"{where}: {value:.3e} is too large a number")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Unusable(f"{where}: {value} is not a number that can be used")
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v, where, depth + 1) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v, where, depth + 1) for v in value), key=str)
    if isinstance(value, dict):
        return plain_mapping(value, where, depth + 1)
    if isinstance(value, (bytes, bytearray)):
        raise Unusable(f"{where}: binary data (!!binary) is not text")
    raise Unusable(f"{where}: a value of type {type(value).__name__} is not allowed")


def plain_mapping(value: dict[Any, Any], where: str, depth: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            shown = key.isoformat() if isinstance(key, dt.date) else printable(repr(key))[:40]
            raise Unusable(f"{where + ': ' if where else ''}key {shown} is not text; quote it")
        out[key] = plain(item, f"{where}: {printable(key)[:40]}" if where else printable(key)[:40], depth)
    return out
