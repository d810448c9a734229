"""Language of a text, from its script first and common words second."""

from __future__ import annotations

import re
from ip5pub.extract.scripts import HAN, HANGUL, HANGUL_JAMO, KANA

_KANA = re.compile(f"[{KANA}]")
_HANGUL = re.compile(f"[{HANGUL}{HANGUL_JAMO}]")
_HAN = re.compile(f"[{HAN}]")
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]+")

# A handful of very common words per Latin-script language is enough to tell
# the languages these offices publish in apart from English.
_COMMON = {
    "en": {"the", "and", "of", "to", "in", "was", "with", "for", "on", "is"},
    "fr": {"le", "la", "les", "des", "et", "du", "une", "est", "pour", "dans"},
    "de": {"der", "die", "und", "das", "den", "mit", "von", "ist", "im", "für"},
    "es": {"el", "los", "las", "del", "y", "una", "por", "con", "para", "es"},
}

NAMES = {"en": "English", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
         "fr": "French", "de": "German", "es": "Spanish"}


def detect_language(text: str) -> str:
    kana, hangul, han = (len(p.findall(text)) for p in (_KANA, _HANGUL, _HAN))
    latin_words = _LATIN_WORD.findall(text)
    cjk = kana + hangul + han
    # CJK text counts per character, Latin per word; names in Latin letters
    # inside a Chinese article must not outvote it.
    if cjk and cjk >= len(latin_words):
        if hangul > kana and hangul >= han * 0.2:
            return "ko"
        if kana >= max(5, cjk * 0.05):
            return "ja"
        return "zh"
    lowered = [w.lower() for w in latin_words]
    scores = {lang: sum(w in common for w in lowered) for lang, common in _COMMON.items()}
    best = max(scores, key=lambda k: (scores[k], k == "en"))
    return best if scores[best] > 0 else "en"


def language_from_name(name: str) -> str | None:
    """'Chinese' -> 'zh' (used for "Translated from ... Chinese Version")."""
    lowered = name.lower()
    for code, label in NAMES.items():
        if label.lower() in lowered:
            return code
    for code, words in {"zh": ("中文", "汉语", "中国語"), "ja": ("日本語", "日文"), "ko": ("한국어", "韩文")}.items():
        if any(w in name for w in words):
            return code
    return None


def normalize_tag(tag: str | None) -> str | None:
    """'zh-CN' -> 'zh', 'en_US' -> 'en'; we keep the primary subtag only."""
    if not tag:
        return None
    primary = re.split(r"[-_]", str(tag).strip())[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None
