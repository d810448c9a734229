"""The six offices under every name they go by."""

from __future__ import annotations

import re
from functools import lru_cache

from ip5pub.model import OFFICES

OFFICIAL_NAMES = {
    "CNIPA": "China National Intellectual Property Administration",
    "EPO": "European Patent Office",
    "JPO": "Japan Patent Office",
    "KIPO": "Korean Intellectual Property Office",
    "USPTO": "United States Patent and Trademark Office",
    "WIPO": "World Intellectual Property Organization",
}

# Names per office: codes, English names (current and former), native names.
ALIASES: dict[str, tuple[str, ...]] = {
    "CNIPA": (
        "CNIPA", "SIPO",
        "China National Intellectual Property Administration", "National Intellectual Property Administration",
        "National Intellectual Property Administration, PRC",
        "State Intellectual Property Office",
        "国家知识产权局", "中国国家知识产权局", "国家知识产权局", "國家知識產權局",
        "中国知识产权局", "中国国家知識産権局", "国家知識産権局", "중국 국가지식산권국", "중국국가지식산권국",
        "국가지식산권국", "국가지식재산권국", "중국 특허청",
    ),
    "EPO": (
        "EPO", "European Patent Office", "Office européen des brevets",
        "Europäisches Patentamt", "欧洲专利局", "歐洲專利局", "欧州特許庁", "유럽특허청", "유럽 특허청",
    ),
    "JPO": (
        "JPO", "Japan Patent Office", "Japanese Patent Office",
        "日本特许厅", "日本特許庁", "特許庁", "일본특허청", "일본 특허청",
    ),
    "KIPO": (
        "KIPO", "Korean Intellectual Property Office", "Korea Intellectual Property Office",
        "Ministry of Intellectual Property", "韩国知识产权局", "韓国特許庁", "韩国特许厅", "특허청", "한국 특허청", "지식재산처",
    ),
    "USPTO": (
        "USPTO", "United States Patent and Trademark Office", "U.S. Patent and Trademark Office",
        "US Patent and Trademark Office", "美国专利商标局", "米国特許商標庁", "미국특허상표청", "미국 특허청",
        "미국 특허상표청",
    ),
    "WIPO": (
        "WIPO", "World Intellectual Property Organization", "World Intellectual Property Organisation",
        "世界知识产权组织", "世界知的所有権機関", "세계지식재산기구",
    ),
}

_LATIN = re.compile(r"[A-Za-z]")


def _alias_pattern(alias: str) -> str:
    escaped = re.escape(alias).replace(r"\ ", r"\s+")
    # Latin names need word edges; CJK names have none to rely on.
    return rf"(?<![A-Za-z]){escaped}(?![A-Za-z])" if _LATIN.search(alias) else escaped


# "特許庁" is also inside "欧州特許庁"/"米国特許商標庁": match longest names first and
# consume them, so a Japanese text about the EPO does not count the JPO too.
_ALL = sorted(((a, code) for code, names in ALIASES.items() for a in set(names)), key=lambda p: -len(p[0]))
_PATTERN = re.compile("|".join(f"(?P<g{i}>{_alias_pattern(a)})" for i, (a, _) in enumerate(_ALL)))
_CODE_BY_GROUP = {f"g{i}": code for i, (_, code) in enumerate(_ALL)}


# The big alternation costs ~16 ms on a long notice; a name whose first word is
# absent cannot match, so each text gets a pattern of only its candidate names
# (same group numbers and order, hence the same matches).
_FIRST_WORDS = [alias.split()[0] for alias, _ in _ALL]


@lru_cache(maxsize=512)
def _pattern_of(indices: tuple[int, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<g{i}>{_alias_pattern(_ALL[i][0])})" for i in indices))


def _matcher(text: str) -> re.Pattern[str] | None:
    indices = tuple(i for i, word in enumerate(_FIRST_WORDS) if word in text)
    return _pattern_of(indices) if indices else None


def offices_mentioned(text: str) -> list[str]:
    pattern = _matcher(text)
    found = {_CODE_BY_GROUP[m.lastgroup] for m in pattern.finditer(text) if m.lastgroup} if pattern else set()
    return [code for code in OFFICES if code in found]


def office_code(name: str | None) -> str | None:
    """The code for an office name or code, or None if it names no office."""
    if not name:
        return None
    name = " ".join(str(name).split())
    for code, names in ALIASES.items():
        if name.upper() == code or any(name.lower() == n.lower() for n in names):
            return code
    m = _PATTERN.fullmatch(name)
    return _CODE_BY_GROUP[m.lastgroup] if m and m.lastgroup else None


def first_office_in(text: str) -> str | None:
    pattern = _matcher(text or "")
    m = pattern.search(text) if pattern else None
    return _CODE_BY_GROUP[m.lastgroup] if m and m.lastgroup else None


# The offices' own web sites: a copy found on one of these was published by that office.
OFFICE_HOSTS = {
    "cnipa.gov.cn": "CNIPA", "sipo.gov.cn": "CNIPA", "epo.org": "EPO", "jpo.go.jp": "JPO",
    "kipo.go.kr": "KIPO", "moip.go.kr": "KIPO", "uspto.gov": "USPTO", "wipo.int": "WIPO",
}


def office_for_host(host: str | None) -> str | None:
    """'english.cnipa.gov.cn' -> 'CNIPA'; hosts of third parties -> None."""
    host = (host or "").lower().strip(".").split(":")[0]
    for domain, code in OFFICE_HOSTS.items():
        if host == domain or host.endswith("." + domain):
            return code
    return None


_COUNTRY = re.compile(r"(?:,\s*|\s+of\s+(?:the\s+)?)(?:P\.?\s?R\.?\s?(?:C\.?|China)|People'?s Republic of China|"
                      r"Republic of Korea|Korea|Japan|China)\s*$", re.I)


def office_named_by_site(name: str | None) -> str | None:
    """The office a site name stands for: 'Japan Patent Office', '経済産業省 特許庁', 'KIPO'.

    Only short names count: a long site title that merely mentions an office
    ('News about the EPO and CNIPA') is not that office's site.
    """
    if not name:
        return None
    name = " ".join(name.split())
    code = office_code(name) or office_code(_COUNTRY.sub("", name))  # "State Intellectual Property Office of the P.R.C."
    if code:
        return code
    words = name.split()
    if len(words) > 4 or len(name) > 40:
        return None
    m = _PATTERN.search(name)
    if not m or not m.lastgroup:
        return None
    # The office name must be the whole site name or its last part ("经济产业省 特許庁").
    return _CODE_BY_GROUP[m.lastgroup] if name.endswith(m.group(0)) else None
