"""Scripts as character classes: the one place the CJK ranges are written.

Each constant is the inside of a regular-expression class (`f"[{HAN}]"`),
so classes combine by concatenation. Ranges, by Unicode block:
  KANA          Hiragana and Katakana (U+3040-U+30FF)
  HAN           CJK Unified Ideographs with Extension A (U+3400-U+9FFF)
  HAN_COMPAT    CJK Compatibility Ideographs (U+F900-U+FAFF)
  HANGUL        Hangul syllables (U+AC00-U+D7AF)
  HANGUL_JAMO   Hangul Jamo (U+1100-U+11FF)
  HANGUL_COMPAT_JAMO  Hangul compatibility Jamo (U+3130-U+318F)
  CJK           kana, Han and Hangul syllables: the characters a CJK text is counted by
  CJK_WIDE      CJK symbols and punctuation through Han (U+3000-U+9FFF), Hangul
                syllables and the full- and halfwidth forms (U+FF00-U+FFEF):
                what joins two lines of a CJK text without a space
"""

from __future__ import annotations

import re

KANA = "\u3040-\u30ff"
HAN = "\u3400-\u9fff"
HAN_COMPAT = "\uf900-\ufaff"
HANGUL = "\uac00-\ud7af"
HANGUL_JAMO = "\u1100-\u11ff"
HANGUL_COMPAT_JAMO = "\u3130-\u318f"
CJK = KANA + HAN + HANGUL
CJK_WIDE = "\u3000-\u9fff" + HANGUL + "\uff00-\uffef"

_CJK_CHAR = re.compile(f"[{CJK}]")
_HANGUL_CHAR = re.compile(f"[{HANGUL}{HANGUL_JAMO}{HANGUL_COMPAT_JAMO}]")


def cjk_count(text: str) -> int:
    """How many kana, Han and Hangul characters `text` holds."""
    return len(_CJK_CHAR.findall(text))


def is_hangul(ch: str) -> bool:
    return _HANGUL_CHAR.match(ch) is not None
