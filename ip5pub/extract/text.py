"""Plain-text helpers shared by the extraction rules: sentences, words."""

from __future__ import annotations

import re
import unicodedata
from ip5pub.extract.scripts import CJK, HAN_COMPAT

_CJK_CHAR = re.compile(f"[{CJK}{HAN_COMPAT}]")
_WORD = re.compile(rf"[^\s{CJK}{HAN_COMPAT}]+")
# Abbreviations after which a full stop does not end a sentence.
_ABBREV = {"mr", "mrs", "ms", "dr", "no", "nos", "vs", "st", "jr", "inc", "ltd", "co", "corp",
           "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
           "u.s", "e.g", "i.e", "etc", "art", "para", "fig", "dept", "prof", "gen"}


def word_count(text: str) -> int:
    """Words in Latin text plus characters in CJK text (the usual CJK measure).

    Hangul is written with spaces between words, but office statistics count
    Korean by character too, so all three scripts are counted the same way.
    """
    cjk = len(_CJK_CHAR.findall(text))
    words = [w for w in _WORD.findall(text) if any(c.isalnum() for c in w)]
    return cjk + len(words)


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences without cutting "U.S." or "No. 5"."""
    text = " ".join(text.split())
    out: list[str] = []
    start = 0
    ends = r"[.!?](?:[\"'”’)\]]*)(?=\s+[\"'“‘(\[]?[A-Z0-9\u3040-\u9fff\uac00-\ud7af])|[。！？](?:[”’」』）]*)"
    for m in re.finditer(ends, text):
        end = m.end()
        before = text[start:m.start() + 1]
        last = re.search(r"([A-Za-z.]+)\.$", before)
        if last and (last.group(1).lower() in _ABBREV or re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", last.group(1))):
            continue
        sentence = text[start:end].strip()
        if sentence:
            out.append(sentence)
        start = end
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


def clean_line(line: str) -> str:
    """NFC, no control characters, spaces folded (incl. NBSP and ideographic)."""
    line = unicodedata.normalize("NFC", line)
    line = "".join(ch for ch in line if ch in "\t" or unicodedata.category(ch)[0] != "C" or ch == "\u200d")
    return re.sub(r"[ \t\u00a0\u2000-\u200b\u3000\u202f]+", " ", line).strip()
