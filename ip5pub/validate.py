"""Untrusted values made safe before the pipeline touches them.

Readers hand over text decoded from files anyone may have written. Control
characters are removed here, once, so that no output (digest, Markdown,
HTML, EPUB, the normalized notice) carries them: they would ring, recolour
or rewrite a terminal showing the digest, and XML forbids most of them.
"""

from __future__ import annotations

import re

# Controls that separate words become spaces; the rest go. Newline and tab stay.
_SPACING = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def clean_text(text: str) -> str:
    """`text` without C0/C1 control characters other than newline and tab."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _SPACING.sub(" ", text))


def clean_value(value: object) -> object:
    """`value` with clean_text applied to every string in it, keys included."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    return value
