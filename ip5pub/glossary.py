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

"First defined in" is the earliest story by date among those that define
the acronym (in brief order on the same day): where a reader meets it first
in time, not the newest.
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
    return re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", texts) is not None


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


def glossary(stories: list[Story], language: str | None = None) -> tuple[GlossaryEntry, ...]:
    """Every acronym defined in the collection: its expansion in the brief's
    language when a notice in it defines one ("PPH: Patent Prosecution
    Highway", not the Korean name, in an English brief), in the case the
    notices write the term, with the earliest story that defines it."""
    found: dict[str, list[_Definition]] = {}
    in_language: set[str] = set()  # acronyms defined in the brief's language
    for order, story in enumerate(stories):
        for n in story.members:
            mine = language is None or n.language == language
            for acronym, expansion in n.acronyms.items():
                if mine and acronym not in in_language:
                    in_language.add(acronym)
                    found[acronym] = []  # definitions in other languages give way
                if mine or acronym not in in_language:
                    found.setdefault(acronym, []).append(_Definition(story, order, expansion))
    # What the collection writes: its bodies (an English term is written in
    # English ones, whatever the brief's language) and its definitions.
    texts = "\n".join([*(n.body for s in stories for n in s.members), *(d.expansion for ds in found.values() for d in ds)])
    entries = []
    for acronym, definitions in found.items():
        first = min(definitions, key=lambda d: (d.story.notice.date, d.order))
        expansion = first.expansion
        if is_common(expansion, [d.expansion for d in definitions], texts):
            expansion = lower_words(expansion)
        entries.append(GlossaryEntry(acronym, expansion, first.story.notice))
    return tuple(sorted(entries, key=lambda e: (re.sub(r"[^A-Z0-9]", "", e.acronym.upper()), e.acronym)))
