"""Stable, filesystem-safe notice ids: <date>-<who>-<title slug>."""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_SLUG = 60
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,119}")
# Ids the templates give their own elements (brief.html, styles/epub/): a
# notice with one of them would break the contents' links and fail EPUBCheck.
# tests/test_hostile_output.py checks every literal id in styles/ is here.
TEMPLATE_IDS = {"contents", "glance", "glossary", "office-index", "toc", "landmarks", "nav", "ncx", "css",
                "cover", "cover-image", "title", "subtitle", "pub-id", "creator", "conformance"}
_TEMPLATE_PATTERN = re.compile(r"nav-\d+|ch\d+")  # numbered ids: navPoints, chapter files


def slug(text: str, limit: int = MAX_SLUG) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "")


def make_id(date: str, who: str, title: str) -> str:
    """'2021-06-29', 'CNIPA', 'The 14th IP5 ...' -> '2021-06-29-cnipa-the-14th-ip5-...'.

    Titles without Latin letters (Chinese, Japanese, Korean) get a short hash
    of the title instead of a slug, so ids stay ASCII and stable.
    """
    title_part = slug(title) if re.search(r"[A-Za-z]{2}", title) else ""
    if not title_part or len(title_part) < 8 and not title.isascii():
        title_part = hashlib.sha256(title.encode()).hexdigest()[:10]
    who_part = slug(who, 24) if who and not who.lower().startswith("unknown") else ""
    if who_part and title_part.startswith(who_part + "-"):
        title_part = title_part[len(who_part) + 1:]  # "uspto-uspto-publishes..." says it twice
    return "-".join(p for p in (date, who_part, title_part) if p)


def is_safe_id(value: str) -> bool:
    """A file name on every system and an HTML id no template uses.

    fullmatch: `$` in re.match also matches before a final newline."""
    return (bool(_SAFE_ID.fullmatch(value)) and value.split(".")[0] not in _RESERVED
            and value not in TEMPLATE_IDS and not _TEMPLATE_PATTERN.fullmatch(value))


def disambiguate(ids: list[str], keys: list[str]) -> list[str]:
    """Make equal ids distinct by a hash of each notice's key (its source), stably."""
    counts: dict[str, int] = {}
    for i in ids:
        counts[i] = counts.get(i, 0) + 1
    return [i if counts[i] == 1 else f"{i[:110]}-{hashlib.sha256(k.encode()).hexdigest()[:8]}" for i, k in zip(ids, keys)]
