"""Acronyms defined in a text, with their expansion as written.

Patterns handled:
- "Patent Prosecution Highway (PPH)", "new emerging technologies (NET)"
- "PPH (Patent Prosecution Highway)", "IP5(Intellectual Property 5)"
- "专利审查高速路（PPH）", "特許審査ハイウェイ（PPH）"
- definition lines: "NET: New Emerging Technologies", "PPH – Patent Prosecution Highway"
- acronyms with "/" or "&": "Research & Development (R&D)", "AI/ML"
An expansion is accepted only when its initials spell the acronym (allowing
small words such as "of"/"and" to be skipped), or, in CJK text, when it is
the run of CJK characters right before the parenthesis.
"""

from __future__ import annotations

import re

from ip5pub.extract.offices import ALIASES, OFFICIAL_NAMES
from ip5pub.extract.scripts import CJK, HANGUL, KANA

ACRO = r"[A-Z](?:[A-Za-z0-9]*[A-Z0-9])?(?:[/&][A-Z][A-Za-z0-9]*)*s?"
_ACRO_RE = re.compile(rf"^{ACRO}$")
_SMALL = {"of", "and", "the", "for", "on", "in", "to", "de", "des", "du", "la", "le", "a", "an", "&", "und", "für"}
_PAREN = re.compile(r"[(（]\s*(?P<inner>[^()（）]{1,120}?)\s*[)）]")
_DEF_LINE = re.compile(rf"^\s*(?P<acro>{ACRO})\s*(?::|：|–|—|-|=)\s+(?P<exp>[A-Za-z][^.;:\n]{{2,100}})$")
_CJK = CJK
_RENAMED = re.compile(r"\s*[,;，；]\s*(?:formerly|previously|now|then|renamed|(?:formerly )?known as|旧称|原称|原名|前身)\b.*",
                      re.I)


def _letters(acro: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", acro).upper()


def _is_acronym(token: str) -> bool:
    # At least two capitals, not a plain word in caps that happens to be short.
    return bool(_ACRO_RE.match(token)) and sum(c.isupper() for c in token) >= 2


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*|&", text)


def _initials_match(acro: str, words: list[str]) -> bool:
    """Do the words' initials spell the acronym (small words optional)?"""
    target = _letters(acro)
    if target.endswith("S") and len(target) > 2:
        alternatives = [target, target[:-1]]
    else:
        alternatives = [target]

    def match(ws: list[str], t: str) -> bool:
        if not t:
            return all(w.lower() in _SMALL for w in ws)
        if not ws:
            return False
        w, rest = ws[0], ws[1:]
        if w.lower() in _SMALL and match(rest, t):
            return True
        if w.isdigit():
            return t.startswith(w) and match(rest, t[len(w):])
        if w[0].upper() != t[0]:
            return False
        # A word may give one letter, or several when its capitals spell them
        # ("IPRs" style compounds such as "TradeMark").
        caps = "".join(c for c in w if c.isupper() or c.isdigit()).upper()
        if len(caps) > 1 and t.startswith(caps) and match(rest, t[len(caps):]):
            return True
        parts = w.split("-")
        if len(parts) > 1:
            initials = "".join(p[0].upper() for p in parts if p)
            if t.startswith(initials) and match(rest, t[len(initials):]):
                return True
        return match(rest, t[1:])

    return any(match(words, t) for t in alternatives)


def _expansion_before(text_before: str, acro: str) -> str | None:
    """The shortest tail of `text_before` whose words spell `acro`."""
    tail = re.split(r"(?:(?<!\b[A-Z])\.|[;:!?。；：,，、])\s", text_before)[-1]  # "U.S. Patent" is one name
    tokens = list(re.finditer(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*|&", tail))
    n = len(_letters(acro))
    for take in range(1, min(len(tokens), 2 * n + 3) + 1):
        chosen = tokens[-take:]
        words = [t.group(0) for t in chosen]
        if words[0].lower() in _SMALL:
            continue
        if _initials_match(acro, words):
            exp = tail[chosen[0].start():].strip()
            return exp if not exp.endswith(("(", "（")) else exp[:-1].strip()
    return None


# Where a Chinese clause ends and a term begins: function characters and the
# verbs and adverbs that open a noun phrase ("签署了", "由", "积极推进", "继续深化").
# Lookbehinds keep names that contain them whole (共和国, 自由贸易区).
_CLAUSE_ZH = re.compile(
    r".*(?:了|的|(?<!共)和|与|及|(?<!自)由|在|对|向|将|把|被|从|为|是|并|也|已|均|就|等|"
    r"推进|深化|签署|继续|同意|积极|开展|加强|启动|举行|召开|参加|出席|发布|讨论|围绕|关于|通过|利用|"
    r"提供|支持|促进|推动|完善|建立|开通|提交|包括|涉及|针对|基于|依托|借助|加入|设立|制定|发表|宣布|"
    r"表示|指出|介绍|共同|进一步|正式|主办|承办|牵头|扩大|加快|优化|简化|试行|构建|落实|探索|签订|达成)"
)
_KANA_PARTICLES = re.compile(r".*[\u3041-\u309f]+")  # Japanese: a term ends the run after its last particle


def _cjk_before(text_before: str, acro: str = "") -> str | None:
    """The CJK term right before a parenthesis, up to its own start: no clause before it."""
    quoted = re.search(r"[《「『]([^《》「」『』]{2,40})[》」』]$", text_before.rstrip())
    if quoted:  # "《专利合作条约》（PCT）": the title in its marks is the term
        return quoted.group(1)
    m = re.search(rf"([{_CJK}A-Za-z0-9·・\-]{{2,24}})$", text_before.rstrip())
    if not m or not re.search(f"[{_CJK}]", m.group(1)):
        return None
    run = m.group(1)
    # Korean writes spaces between words: a head noun of three syllables or
    # fewer ("특허청") needs the word before it ("선진5개 특허청").
    if re.fullmatch(f"[{HANGUL}]+", run):
        prev = re.search(rf"(?:^|[\s,.])([{HANGUL}0-9]{{2,6}})\s+$", text_before[: m.start()])
        longer = prev.group(1) + " " + run if prev else None
        # The word before belongs to the name when the head noun is short ("일본 특허청")
        # or when only the two are the office's name ("미국 특허상표청", but "국가지식산권국").
        names = ALIASES.get(acro, ())
        if longer and (len(run) <= 3 or longer in names and run not in names):
            return longer
        return run
    # "新興技術及び人工知能（NET/AI）": a pair of terms; only the first may have a clause before it.
    joins = list(re.finditer(r"及び|および|並びに|以及|及|和|与|と|및", run)) if re.search(r"[/&]", acro) else []
    pair = joins[-1] if joins else None
    head, tail = (run[:pair.start()], run[pair.start():]) if pair else (run, "")
    japanese = bool(re.search(f"[{KANA}]", text_before[-40:]))
    rest = (_KANA_PARTICLES if japanese else _CLAUSE_ZH).sub("", head)
    if rest != head and len(rest) >= 2:
        head = rest
    return head + tail or None


_NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                 "eight": "8", "nine": "9", "ten": "10"}


def _letters_cover(acro: str, words: list[str]) -> bool:
    """'IP5(Five IP Offices)': every letter of the acronym is an initial or a
    capital of the expansion, in any order, number words counting as digits."""
    pool: list[str] = []
    for w in words:
        if w.lower() in _SMALL:
            continue
        pool.append(_NUMBER_WORDS.get(w.lower(), w[0].upper()))
        pool.extend(c for c in w[1:] if c.isupper() or c.isdigit())
    need = _letters(acro)
    return len(words) >= 2 and all(pool.count(c) >= need.count(c) for c in set(need))


def _proper_name_before(text_before: str, acro: str) -> str | None:
    """The name of a body spelled in title case, commas included, when its
    initials do not spell the acronym in order: "Intergovernmental Committee on
    Intellectual Property and Genetic Resources, Traditional Knowledge and
    Folklore (IGC)". The run must start with the acronym's first letter and
    contain all its letters as initials."""
    text_before = re.split(r"[()（）]", text_before)[-1]  # a name does not run back over another's parenthesis
    tokens = list(re.finditer(r"[A-Za-z][A-Za-z'-]*|,", text_before.rstrip()))
    start = None
    i = len(tokens) - 1
    while i >= 0:
        t = tokens[i].group(0)
        if t[0].isupper():
            start = i
        else:
            if not (t == "," or t.lower() in _SMALL):
                break
            # Small words ("on the", "and") continue the name only between capitalized words.
            j = i - 1
            while j >= 0 and (tokens[j].group(0) == "," or tokens[j].group(0).lower() in _SMALL):
                j -= 1
            if j < 0 or not tokens[j].group(0)[:1].isupper():
                break
        i -= 1
    if start is None:
        return None
    run = [t.group(0) for t in tokens[start:] if t.group(0) != ","]
    initials = {w[0] for w in run if w[0].isupper()}
    letters = _letters(acro)
    capitals = sorted(w[0] for w in run if w[0].isupper())
    # A name translated from another language keeps its words, not their order:
    # "Mexican Institute of Industrial Property (IMPI)".
    translated = capitals == sorted(letters)
    if not translated and (run[0][0] != letters[0] or not set(letters) <= initials or len(run) < len(letters)):
        return None
    text = text_before.rstrip()
    exp = text[tokens[start].start():].strip()
    return exp if exp.count(",") <= 3 else None


def find_acronyms(text: str) -> dict[str, str]:
    """Acronym -> expansion for every acronym the text defines (first wins)."""
    found: dict[str, str] = {}

    def add(acro: str, exp: str | None) -> None:
        cjk = bool(exp and re.search(f"[{_CJK}]", exp))
        if exp and acro not in found and (len(exp) > len(acro) or cjk and len(exp) >= 2):
            found[acro] = " ".join(exp.split())

    for m in _PAREN.finditer(text):
        # '(hereinafter "PPH")', '("PPH")': the quoted acronym is the definition.
        inner = re.sub(r"^(?:hereinafter|hereafter|the|or|i\.e\.)?\s*[\"'“‘「]?\s*|\s*[\"'”’」]$", "",
                       m.group("inner").strip(), flags=re.I)
        # "(CNIPA, formerly SIPO)": the acronym defined here is the first; the rest names another.
        inner = _RENAMED.split(inner, maxsplit=1)[0]
        before = text[: m.start()]
        if _is_acronym(inner):  # "Patent Prosecution Highway (PPH)"
            exp = _expansion_before(before, inner)
            if exp is None and re.search(f"[{_CJK}》」』]$", before.rstrip()):
                exp = _cjk_before(before, inner)
            if exp is None:
                exp = _proper_name_before(before, inner)
            add(inner, exp)
            continue
        head = re.search(rf"(?<![A-Za-z0-9])({ACRO})\s*$", before)  # "PPH (Patent Prosecution Highway)"
        if head and _is_acronym(head.group(1)):
            words = _words(inner)
            if words and (_initials_match(head.group(1), words) or _letters_cover(head.group(1), words)):
                add(head.group(1), inner)
    for line in text.splitlines():
        d = _DEF_LINE.match(line)
        if d and _initials_match(d.group("acro"), _words(d.group("exp"))):
            add(d.group("acro"), d.group("exp").strip())
    return found


def with_office_names(acronyms: dict[str, str], text: str) -> dict[str, str]:
    """Add official names for office codes used but not spelled out in the text.

    A glossary reader meets "CNIPA" without a definition in many notices; the
    official name is a fact about the office, not a guess about the text.
    """
    out = dict(acronyms)
    for code, name in OFFICIAL_NAMES.items():
        if code not in out and re.search(rf"(?<![A-Za-z]){code}(?![A-Za-z])", text):
            out[code] = name
    return out
