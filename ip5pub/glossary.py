"""The brief's glossary: each acronym its notices define, the expansion to
print, and the story that defines it first.

Notices often define one acronym in different cases: "artificial
intelligence (AI)" in one, "Artificial Intelligence (AI)" in another, "New
emerging technologies (NET)" at the start of a sentence. The glossary
prints an expansion as the notices write the term, capitals for proper
names only: a term some notice writes in lower case (as a definition, or in
its text, each part of a compound such as "Artificial
Intelligence/Machine Learning") is a common term and printed in lower case;
one that no notice writes in lower case keeps its capitals ("Patent
Cooperation Treaty", "Research & Development"). Words in capitals ("IP")
and CJK terms stay as written.

The expansion is in a language the brief's reader reads: the brief's own
when a notice in it defines the acronym, else English, else the language it
is defined in. "First defined in" is the earliest story by date among those
that define it in that language (in brief order on the same day): where a
reader meets it first in time, not the newest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ip5pub.model import GlossaryEntry, Story

# A capitalized word ("Machine", "Medium-Sized"); not one in capitals ("IP")
# or in mixed case ("eBay").
_CAPITALIZED = re.compile(r"(?<![\w-])[A-Z][a-z]+(?:-[A-Za-z][a-z]*)*(?![\w-])")


@dataclass(frozen=True)
class _Definition:
    story: Story
    order: int  # the story's place in the brief
    expansion: str


def lower_words(text: str) -> str:
    """Capitalized words in lower case; words in capitals and mixed case kept."""
    return _CAPITALIZED.sub(lambda m: m.group(0).lower(), text)


def _written(term: str, texts: str) -> bool:
    # The substring test first: most terms are not in the texts at all, and
    # it is far cheaper than the search through every body.
    return term in texts and re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", texts) is not None


def is_common(expansion: str, definitions: list[str], texts: str) -> bool:
    """Does the collection write a capitalized expansion in lower case: as
    another definition of the acronym, as a phrase of its text, or (for a
    compound of terms joined by "/") each term of it?"""
    lowered = lower_words(expansion)
    if lowered == expansion or lowered in definitions or _written(lowered, texts):
        return True
    parts = [p.strip() for p in expansion.split("/")]
    # Each part a phrase of two words or more: single words prove nothing.
    return len(parts) > 1 and all(len(p.split()) > 1 and _written(lower_words(p), texts) for p in parts)


def _preference(notice_language: str, language: str | None) -> int:
    """0 for the brief's language, 1 for English, 2 for any other: a term a
    reader of the brief can read. English is the language the offices'
    notices share, and a French or Chinese brief would otherwise explain
    "AI" in Korean when an English notice defines it too."""
    base = notice_language.split("-")[0].lower()
    if language is None or base == language:
        return 0
    return 1 if base == "en" else 2


def glossary(stories: list[Story], language: str | None = None) -> tuple[GlossaryEntry, ...]:
    """Every acronym defined in the collection: its expansion in the brief's
    language when a notice in it defines one ("PPH: Patent Prosecution
    Highway", not the Korean name, in an English brief), else in English,
    else as defined; in the case the notices write the term, with the
    earliest story that defines it in that language."""
    found: dict[str, list[tuple[int, _Definition]]] = {}
    for order, story in enumerate(stories):
        for n in story.members:
            rank = _preference(n.language, language)
            for acronym, expansion in n.acronyms.items():
                found.setdefault(acronym, []).append((rank, _Definition(story, order, expansion)))
    # Only the definitions in the most readable language count.
    chosen = {a: [d for r, d in ds if r == min(r for r, _ in ds)] for a, ds in found.items()}
    # What the collection writes: its bodies (an English term is written in
    # English ones, whatever the brief's language) and its definitions.
    texts = "\n".join([*(n.body for s in stories for n in s.members), *(d.expansion for ds in chosen.values() for d in ds)])
    entries = []
    for acronym, definitions in chosen.items():
        first = min(definitions, key=lambda d: (d.story.notice.date, d.order))
        expansion = first.expansion
        if is_common(expansion, [d.expansion for d in definitions], texts):
            expansion = lower_words(expansion)
        entries.append(GlossaryEntry(acronym, expansion, first.story.notice))
    return tuple(sorted(entries, key=lambda e: (re.sub(r"[^A-Z0-9]", "", e.acronym.upper()), e.acronym)))
