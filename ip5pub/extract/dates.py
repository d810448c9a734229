"""Dates as offices and publishers print them.

Each rule is a regular expression plus a builder; `parse_date` searches them
all and takes the date written first. We do not use dateparser: it resolves
relative words ("yesterday") against the clock and guesses the order of day
and month, and a briefing must give the same date for the same bytes on every
machine. The rules, in short:

- year first (2021-06-29, 2021.04.14, 2021/6/29, 2021年6月24日, 2021년 6월 29일,
  令和3年6月29日): never ambiguous; an ISO timestamp gives the day as written
  in its own offset (a US evening article is not the next day in UTC);
- day first with dots or dashes (24.06.2021, 2.10.20, 24-06-2021): the order
  of Europe and of every date line that uses dots;
- month names in English, German, French, Spanish, Italian, Portuguese and
  Dutch, either order (19. Juli 2014, 15 mai 2019, 3 de marzo de 2020,
  July 2, 2021);
- slashes (05/12/2026): the order is certain when a part is over 12 or when
  the page's language fixes it (`day_first`); otherwise AmbiguousDate, whose
  message shows the ISO forms to write. Never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from email.utils import parsedate_to_datetime

_MONTH_TABLE = [  # per month: its names and abbreviations in en, de, fr, es, it, pt, nl
    "january jan januar jänner jän janvier janv enero ene gennaio gen janeiro januari",
    "february feb februar feber février févr fevrier fevr febrero febbraio fevereiro fev februari",
    "march mar märz maerz mär mrz mars marzo março marco maart mrt",
    "april apr avril avr abril abr aprile",
    "may mai mayo maggio mag maio mei",
    "june jun juni juin junio giugno giu junho",
    "july jul juli juillet juil julio luglio lug julho",
    "august aug août aout agosto ago augustus",
    "september sep sept septembre septiembre setiembre settembre set setembro",
    "october oct oktober okt octobre octubre ottobre ott outubro out",
    "november nov novembre noviembre novembro",
    "december dec dezember dez décembre déc decembre diciembre dic dicembre dezembro",
]
MONTH_NAMES = {name: i for i, names in enumerate(_MONTH_TABLE, start=1) for name in names.split()}
# English names only: the events rule reads English prose.
MONTHS = {name: i for name, i in MONTH_NAMES.items()
          if name in "january jan february feb march mar april apr may june jun july jul august aug "
                     "september sep sept october oct november nov december dec".split()}
_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}

_NAME = r"(?P<month>" + "|".join(sorted(map(re.escape, MONTH_NAMES), key=len, reverse=True)) + r")"
_WORD_START, _WORD_END = r"(?<![^\W\d_])", r"(?![^\W\d_])\.?"
_DAY_NUM = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|º|°)?"


class ImpossibleDate(ValueError):
    """The text has the shape of a date but names no real day."""


class AmbiguousDate(ImpossibleDate):
    """A numeric date whose order of day and month nothing on the page decides."""

    def __init__(self, text: str, month_first: dt.date, day_first: dt.date):
        self.text, self.readings = text, (month_first, day_first)
        super().__init__(f"{text!r} could be {month_first.isoformat()} or {day_first.isoformat()}")


# Words that label a date line, in the languages of the offices and of those who republish them.
DATE_LABEL = re.compile(
    r"(?<![^\W\d_])(?:(?:first |last |date )?(?:published|posted|updated|issued|released|created|modified)(?: on| at)?|"
    r"(?:publication |release |last update |update )?date|"
    r"ver(?:ö|oe)ffentlicht(?: am)?|erstellt(?: am)?|aktualisiert(?: am)?|letzte aktualisierung|zuletzt ge(?:ä|ae)ndert|"
    r"ge(?:ä|ae)ndert(?: am)?|erschienen(?: am)?|publiziert(?: am)?|stand|datum|"
    r"publi(?:é|e)(?:e)?(?: le)?|mis à jour(?: le)?|date de (?:publication|mise à jour)|"
    r"publicado(?: el| em)?|actualizado(?: el)?|atualizado(?: em)?|fecha(?: de publicaci(?:ó|o)n)?|"
    r"pubblicato(?: il)?|aggiornato(?: il)?|data(?: di pubblicazione| de publica(?:ç|c)(?:ã|a)o)?|"
    r"gepubliceerd(?: op)?|geplaatst(?: op)?|bijgewerkt(?: op)?|"
    r"发布时间|发布日期|发表时间|发表于|发布于|发稿时间|更新时间|更新日期|日期|时间|時間|"
    r"発表日|掲載日|更新日|公開日|作成日|登録日|配信日|投稿日|発行日|"
    r"(?:기사)?입력|최종\s?수정|작성일(?:자|시)?|등록일(?:자|시)?|게시일(?:자)?|수정일|발행일|게재일|보도일|날짜)"
    r"(?![^\W\d_])\s*[:：]?",
    re.I,
)


def _ymd(y: str | int, m: str | int, d: str | int) -> dt.date:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError as exc:
        raise ImpossibleDate(f"{y}-{m}-{d} is not a calendar date") from exc


def _year(text: str) -> int:
    """A two-digit year is this century's up to 69, the last century's after:
    a fixed pivot, never the clock."""
    y = int(text)
    return y if len(text) == 4 else (2000 + y if y < 70 else 1900 + y)


def month_number(name: str) -> int:
    return MONTH_NAMES[unicodedata.normalize("NFC", name).lower().rstrip(".")]


def _era_year(era: str, year: str) -> int:
    return _ERAS[era] + (1 if year == "元" else int(year))


def _slashed(m: re.Match[str], day_first: bool | None) -> dt.date:
    a, b, y = int(m["a"]), int(m["b"]), _year(m["y"])
    if a > 12 and b <= 12:
        return _ymd(y, b, a)
    if b > 12 or a == b:
        return _ymd(y, a, b)  # month first, or the same either way
    if day_first is None:
        raise AmbiguousDate(m.group(0), _ymd(y, a, b), _ymd(y, b, a))
    return _ymd(y, b, a) if day_first else _ymd(y, a, b)


Builder = Callable[[re.Match[str], "bool | None"], dt.date]

# (pattern, builder); every pattern is searched, not matched, so a label in
# front ("Updated:", "发布时间：", "Veröffentlicht am") does not matter.
RULES: list[tuple[re.Pattern[str], Builder]] = [
    (  # 2021-06-29, 2021.04.14, 2021/6/29, also the date part of ISO timestamps
        re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d\d)[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?![\d])"),
        lambda m, _: _ymd(m["y"], m["m"], m["d"]),
    ),
    (  # 2021年6月24日, 2021 年 06 月 24 日
        re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
        lambda m, _: _ymd(m["y"], m["m"], m["d"]),
    ),
    (  # 令和3年6月29日
        re.compile(r"(?P<era>令和|平成|昭和)\s*(?P<y>元|\d{1,2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
        lambda m, _: _ymd(_era_year(m["era"], m["y"]), m["m"], m["d"]),
    ),
    (  # 2021년 6월 29일, 2021. 6. 29.
        re.compile(r"(?<!\d)(?P<y>\d{4})\s*(?:년|\.)\s*(?P<m>\d{1,2})\s*(?:월|\.)\s*(?P<d>\d{1,2})(?!\d)\s*(?:일|\.)?"),
        lambda m, _: _ymd(m["y"], m["m"], m["d"]),
    ),
    (  # 24.06.2021, 2.10.20, 24-06-2021: day first (a date line with dots is European)
        re.compile(r"(?<![\d.,-])(?P<d>\d{1,2})\s?(?P<sep>[.-])\s?(?P<m>\d{1,2})(?P=sep)\s?(?P<y>\d{4}|\d{2})(?![\d]|[.,-]\d)"),
        lambda m, _: _ymd(_year(m["y"]), m["m"], m["d"]),
    ),
    (  # 19. Juli 2014, 15 mai 2019, 3 de marzo de 2020, 1er mai 2019, 23-Jul-2020
        re.compile(r"(?<!\d)" + _DAY_NUM + r"\s*[.\-/]?\s*(?:de\s+|of\s+)?" + _WORD_START + _NAME + _WORD_END +
                   r"[\s,\-/]*(?:de\s+|del\s+)?(?P<y>(?:19|20)\d\d)(?!\d)", re.I),
        lambda m, _: _ymd(m["y"], month_number(m["month"]), m["d"]),
    ),
    (  # July 02, 2021 / Jun. 29 2021 / Juli 19, 2014
        re.compile(_WORD_START + _NAME + _WORD_END +
                   r"\s*(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?!\d),?\s+(?P<y>(?:19|20)\d\d)(?!\d)", re.I),
        lambda m, _: _ymd(m["y"], month_number(m["month"]), m["d"]),
    ),
    (  # CNIPA English site: "Updated: 6 29,2021" (month day,year)
        re.compile(r"(?<![\d.])(?P<m>\d{1,2})\s+(?P<d>\d{1,2})\s*,\s*(?P<y>\d{4})\b"),
        lambda m, _: _ymd(m["y"], m["m"], m["d"]),
    ),
    (  # 06/29/2021, 29/06/2021, 5/12/26: the order from a part over 12 or the language
        re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])"),
        _slashed,
    ),
]


def parse_date(text: str, *, day_first: bool | None = None) -> dt.date | None:
    """The first date written in `text`, or None.

    `day_first` is what the page's language says about 05/12/2026 (None: it
    says nothing). Raises ImpossibleDate when the first date-shaped text is not
    a real day ("Updated: 13 45,2021"), AmbiguousDate when its order cannot be
    known; callers must not fall back to another date silently.
    """
    found = search_date(text, day_first=day_first)
    return found[0] if found else None


def search_date(text: str, *, day_first: bool | None = None) -> tuple[dt.date, int, int] | None:
    """Like parse_date, with where the date is written: (date, start, end)."""
    stripped = text.strip()
    if not stripped:
        return None
    try:  # RFC 822 feed dates first: exact and unambiguous
        if re.match(r"^[A-Za-z]{3},?\s+\d", stripped):
            return parsedate_to_datetime(stripped).date(), 0, len(text)
    except (TypeError, ValueError, IndexError):
        pass
    best: tuple[Builder, re.Match[str]] | None = None
    for pattern, build in RULES:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[1].start()):
            best = (build, m)
    if best is None:
        return None
    build, m = best
    return build(m, day_first), m.start(), m.end()


def day_first_for(language: str | None) -> bool | None:
    """Whether the language (a BCP 47 tag) writes 05/12/2026 day first.

    US English writes month first; English without a region is left open (the
    UK, India and Australia write day first); Chinese, Japanese and Korean
    write the year first, so a slashed date there decides nothing either.
    """
    tag = (language or "").strip().lower().replace("_", "-")
    lang, _, region = tag.partition("-")
    if not re.fullmatch(r"[a-z]{2,3}", lang):
        return None
    if lang == "en":
        return {"us": False, "ph": False, "": None, "ca": None}.get(region[:2], True)
    if lang in ("zh", "ja", "ko"):
        return None
    return True


def coerce_date(value: object) -> dt.date | None:
    """A date from front matter or a hint (date, datetime or string)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return parse_date(value)
    return None


# Dates a person writes for ip5pub (front matter, sidecars, --today/--since/
# --until) are ISO only: "05/12/2026" is 5 December in Europe and 12 May in
# the United States, so it is refused with the readings to write instead.
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class NotIsoDate(ValueError):
    """A date written by a person that is not YYYY-MM-DD; the message says what to write."""


def iso_date(value: object, field: str) -> dt.date:
    """`value` as a date when it is one or is written YYYY-MM-DD; else NotIsoDate naming `field`."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = _ISO.fullmatch(text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    shown = repr(text) if len(text) <= 40 else f"a value of {len(text):,} characters"
    what = "is not a calendar date" if m else "is not a date written year-month-day"
    raise NotIsoDate(f"{field} {shown} {what}; {iso_fix(text)}")


def readings(text: str) -> list[dt.date]:
    """The calendar dates three numbers with a four-digit year can mean:
    year first is year-month-day (day and month swapped only when that is
    no date); year last is either day-month or month-day."""
    numbers = re.findall(r"\d+", text)
    if len(numbers) != 3 or sum(len(n) == 4 for n in numbers) != 1 or any(len(n) not in (1, 2, 4) for n in numbers):
        return []
    if len(numbers[0]) == 4:
        year, a, b = int(numbers[0]), int(numbers[1]), int(numbers[2])
        orders = [(a, b)] if _valid(year, a, b) else [(b, a)]
    elif len(numbers[2]) == 4:
        year, a, b = int(numbers[2]), int(numbers[0]), int(numbers[1])
        orders = [(b, a), (a, b)]  # day-month first, as most of the world writes it
    else:
        return []
    out: list[dt.date] = []
    for month, day in orders:
        if _valid(year, month, day) and dt.date(year, month, day) not in out:
            out.append(dt.date(year, month, day))
    return out


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def iso_fix(text: str) -> str:
    """What to write instead: the calendar dates `text` can mean, as ISO dates."""
    found = readings(text)
    if not found:
        return "write a real day as year-month-day, e.g. 2021-06-29"
    return "write " + " or ".join(f"{d.isoformat()} ({d.day} {d:%B %Y})" for d in found)
