"""The template contract: class names the PDF layout relies on.

`brief.html` writes them from the template context (`classes.notice_head`,
...), the renderers read them from here, and the README's restyling
section lists them; a workspace template that replaces a block keeps them
(tests/test_contract.py checks all three agree).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Classes:
    notices: str = "notices"  # the element holding the notice articles
    notice: str = "notice"  # each notice's <article>, its id the notice's id
    notice_head: str = "notice-head"  # a notice's running head (a paragraph in the article)
    link_note: str = "link-note"  # a link's print footnote (its URL)
    cover_title: str = "cover-title"  # sets string(brief-title) for the running heads
    cover_edition: str = "cover-edition"  # sets string(edition) for the footers


CLASSES = Classes()
