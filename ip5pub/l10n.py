"""The brief's language: the words around the notices and the form of dates.

The words (labels, headings, page furniture, the digest's lines) come from
gettext catalogs, ip5pub/locale/<language>/LC_MESSAGES/ip5pub.po, which
Babel reads and compiles in memory: the wheel ships the .po files as they
are and nothing is compiled at build time. English is the language the
templates and the code write their words in, so it has no catalog. Dates,
spans of dates, lists and language names come from CLDR through Babel.

Templates translate with `_()` and `ngettext()` (ip5pub.templates); code
with `translate()` and `translate_plural()`. `make messages` gathers the
messages of both into the catalogs (tests/test_l10n.py checks that every
one is translated).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

LANGUAGES = ("en", "zh", "ja", "ko", "fr", "de")  # the ones with words for every label
SOURCE_LANGUAGE = "en"  # the language the templates and the code write their words in
DOMAIN = "ip5pub"
CATALOGS = Path(__file__).resolve().parent / "locale"
# CLDR locale of each language: English dates as the house style writes them
# ("29 June 2021", day first), the others as their language does.
_LOCALES = {"en": "en_GB", "zh": "zh_Hans", "ja": "ja", "ko": "ko", "fr": "fr", "de": "de"}


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is data, not a call; it is
    translated where it is used."""
    return message


# Messages that are data elsewhere: the default title and subtitle
# (workspace.Config) and the offices' names (extract.offices.OFFICIAL_NAMES).
DATA_MESSAGES = (
    N_("IP5 Briefing"), N_("News from the world's patent offices"),
    N_("China National Intellectual Property Administration"), N_("European Patent Office"),
    N_("Japan Patent Office"), N_("Korean Intellectual Property Office"),
    N_("United States Patent and Trademark Office"), N_("World Intellectual Property Organization"),
)


def locale(language: str) -> Locale:
    from babel import Locale

    return Locale.parse(_LOCALES.get(language, _LOCALES[SOURCE_LANGUAGE]))


@cache
def translations(language: str) -> NullTranslations:
    """The language's catalog, compiled in memory; English, and a language
    without a catalog, translate every message to itself."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    path = CATALOGS / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == SOURCE_LANGUAGE or not path.is_file():
        return NullTranslations()
    with path.open("rb") as f:
        catalog = read_po(f, locale=_LOCALES[language], domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def translate(language: str, message: str) -> str:
    return translations(language).gettext(message)


def translate_plural(language: str, singular: str, plural: str, n: int) -> str:
    return translations(language).ngettext(singular, plural, n)


# ---- dates ---------------------------------------------------------------------

def longdate(value: dt.date | None, language: str = SOURCE_LANGUAGE) -> str:
    """29 June 2021, 29 juin 2021, 29. Juni 2021, 2021年6月29日, 2021년 6월 29일."""
    from babel.dates import parse_pattern

    if not value:
        return ""
    loc = locale(language)
    return parse_pattern(_first_of_month(loc.date_formats["long"].pattern, value, language)).apply(value, loc)


def period(dates: tuple[dt.date, dt.date] | None, language: str = SOURCE_LANGUAGE) -> str:
    """Two dates as one span, by the language's CLDR interval patterns:
    "24 – 30 June 2021", "24–30 juin 2021", "2021年6月24日 – 30日"."""
    from babel.dates import parse_pattern

    if not dates:
        return ""
    first, last = dates
    if first == last:
        return longdate(first, language)
    loc = locale(language)
    field = "y" if first.year != last.year else "M" if first.month != last.month else "d"
    # CLDR writes spans with the month abbreviated (yMMMd); a language whose
    # long dates spell the month out (MMMM) spells it out in spans too, so a
    # span reads like the dates around it ("24 June – 1 July", not "24 Jun – 1 Jul").
    parts = list(loc.interval_formats["yMMMd"][field])
    if "MMMM" in loc.date_formats["long"].pattern:
        parts = [_wide_months(p) for p in parts]
    return "".join(parse_pattern(_first_of_month(p, d, language)).apply(d, loc) for p, d in zip(parts, (first, last)))


# French writes the first of the month as an ordinal ("1er juillet"); CLDR's
# date patterns have no field for it, so the day gets the suffix as a literal.
_FIRST_OF_MONTH = {"fr": "er"}


def _first_of_month(pattern: str, value: dt.date, language: str) -> str:
    """The pattern with the day as "1er" on the first of the month (French)."""
    suffix = _FIRST_OF_MONTH.get(language)
    if suffix is None or value.day != 1:
        return pattern
    pieces = pattern.split("'")
    return "'".join(re.sub(r"(?<!d)d(?!d)", f"d'{suffix}'", p) if i % 2 == 0 else p for i, p in enumerate(pieces))


def _wide_months(pattern: str) -> str:
    """MMM -> MMMM outside the quoted literals of a CLDR date pattern."""
    pieces = pattern.split("'")
    return "'".join(re.sub(r"(?<!M)MMM(?!M)", "MMMM", p) if i % 2 == 0 else p for i, p in enumerate(pieces))


# ---- names and lists --------------------------------------------------------------

def language_name(code: str | None, language: str = SOURCE_LANGUAGE) -> str:
    """A notice's language named in the brief's: Chinese, chinois, Chinesisch, 中文."""
    from babel import Locale, UnknownLocaleError

    if not code:
        return ""
    try:
        return Locale.parse(code, sep="-").get_display_name(locale(language)) or code
    except (ValueError, TypeError, UnknownLocaleError):
        return code


def join(items: list[str], language: str = SOURCE_LANGUAGE) -> str:
    """'A, B and C', 'A、B和C', 'A, B et C' (CLDR's list patterns)."""
    from babel.lists import format_list

    return format_list(items, locale=locale(language)) if items else ""
