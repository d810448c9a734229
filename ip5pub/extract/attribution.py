"""Source lines such as "(Translated from CNIPA Website Chinese Version)"."""

from __future__ import annotations

import re

from ip5pub.extract.language import language_from_name
from ip5pub.extract.offices import first_office_in

# A parenthesised or bare line that says where the text comes from; it may be
# glued to the last sentence: "meetings.(Translated from ...)".
_ATTRIBUTION = re.compile(
    r"[(（]?\s*(?P<line>(?:Translated|Translation)\s+from\s+[^()（）\n]{3,120}?|"
    r"(?:Source|Sources|Originally published by|Reprinted from|Republished from)\s*[:：]\s*[^()（）\n]{2,120}?|"
    r"(?:Republished|Reprinted|Reproduced|Adapted|Originally published)\s+"
    r"(?:from|by|in|with permission of)\s+[^()（）\n]{3,120}?|"
    r"(?:来源|来源于|出处|転載元|출처)\s*[:：]\s*[^()（）\n]{2,80}?)\s*[)）]?\s*$",
    re.I,
)


def split_attribution(paragraph: str) -> tuple[str, str | None]:
    """(paragraph without the attribution, attribution or None)."""
    m = _ATTRIBUTION.search(paragraph)
    if not m:
        return paragraph, None
    # Only take it when it is the tail of the paragraph, after a sentence end
    # or as a paragraph of its own.
    head = paragraph[: m.start()].rstrip()
    if head and not re.search(r"[.!?。！？”\"]$", head):
        return paragraph, None
    return head, m.group("line").strip().rstrip(".")


def translated_from(attribution: str | None) -> str | None:
    if not attribution or not re.match(r"translat", attribution, re.I):
        return None
    return language_from_name(attribution)


def publisher_from(attribution: str | None) -> str | None:
    """The office an attribution names as its source website, if any."""
    if not attribution:
        return None
    return first_office_in(attribution)
