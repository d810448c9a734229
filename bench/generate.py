"""Deterministic synthetic notices for the benchmark and the scale tests.

`realistic(folder, n)` (what bench/bench.py measures) writes n notices that
are each their own event, in every shape the readers take: plain text with
a date line, Markdown with front matter, saved HTML pages with a site's
furniture (navigation, breadcrumbs, share bar, related links, footer) and
RSS feeds; one in ten is Chinese, Japanese or Korean. Titles, event dates,
numbers and wording differ from notice to notice (bench/vocab.py), so the
duplicate check links none of them; every date is before the bench's
edition date. From a fixed seed: every run measures the same input.

`generate(folder, n)` writes the older, simpler set the tests lay out: n
notices of about 450 words from one filler paragraph, as text or Markdown.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from vocab import CJK, CITIES, NAV, OFFICES as SITES, PARTNERS, PEOPLE, SECTIONS, SHARE, FOOTER
from vocab import ACTIONS, ADJECTIVES, CONNECTIVES, FIELDS, MEASURES, QUOTERS, TITLE_OBJECTS, TITLE_VERBS, UNITS
from vocab import TOPICS as TOPICS_REAL

OFFICES = [
    ("CNIPA", "China National Intellectual Property Administration"),
    ("EPO", "European Patent Office"),
    ("JPO", "Japan Patent Office"),
    ("KIPO", "Korean Intellectual Property Office"),
    ("USPTO", "United States Patent and Trademark Office"),
    ("WIPO", "World Intellectual Property Organization"),
]
TOPICS = [
    ("Patent Prosecution Highway", "PPH"), ("artificial intelligence", "AI"), ("small and medium-sized enterprises", "SMEs"),
    ("Patent Cooperation Treaty", "PCT"), ("standard essential patents", "SEPs"), ("new emerging technologies", "NET"),
    ("Global Dossier", "GD"), ("collaborative search and examination", "CS&E"),
]
VERBS = ["reviewed", "discussed", "agreed on", "published figures on", "launched a consultation on", "extended",
         "updated its guidance on", "held a workshop on", "reported progress on", "signed a memorandum on"]
FILLER = (
    "The office said that applicants would be informed in good time and that the changes aim to make "
    "procedures simpler, faster and more predictable for users in every region. Representatives of "
    "industry welcomed the step and asked for clear transition rules, and the office promised to publish "
    "further details together with examples and answers to frequently asked questions."
).split()


def _paragraph(rng: random.Random, words: int) -> str:
    out = []
    while len(out) < words:
        start = rng.randrange(len(FILLER))
        out.extend(FILLER[start:start + rng.randint(8, 30)])
    text = " ".join(out[:words]).rstrip(",.")
    return text[0].upper() + text[1:] + "."


def generate(folder: Path, n: int, seed: int = 5) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    start = dt.date(2021, 1, 4)
    for i in range(n):
        code, name = OFFICES[i % len(OFFICES)]
        topic, acro = TOPICS[rng.randrange(len(TOPICS))]
        date = start + dt.timedelta(days=rng.randrange(1500))
        title = f"{code} {rng.choice(VERBS)} {topic} (notice {i + 1})"
        lead = (f"On {date:%B} {date.day}, {date.year}, the {name} ({code}) {rng.choice(VERBS)} the "
                f"{topic} ({acro}) with partner offices, notice number {i + 1} in this series.")
        paras = [lead] + [_paragraph(rng, rng.randint(60, 110)) for _ in range(5)]
        if i % 2:
            path = folder / f"bench-{i:04d}.txt"
            path.write_text(f"{title}\nDate: {date.isoformat()}  Source: {code}\n\n" + "\n\n".join(paras) + "\n",
                            encoding="utf-8")
        else:
            path = folder / f"bench-{i:04d}.md"
            path.write_text(f"---\ntitle: \"{title}\"\ndate: {date.isoformat()}\noffice: {code}\n---\n\n"
                            + "\n\n".join(paras) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


# ---- realistic notices ------------------------------------------------------

EDITION = dt.date(2023, 11, 14)  # the bench's SOURCE_DATE_EPOCH, 1700000000
FIRST_DAY = dt.date(2016, 1, 4)  # event dates: one day of their own per notice, before the edition
SENTENCES = [
    "{office} said that {people} in {field} will be able to {action} from {month_name} {year2}.",
    "The {measure} fell to {small} months for {field}, against {small2} months a year earlier.",
    "{count} {unit} were received in {field} in {year2}, {pct} percent more than in the year before.",
    "{quoter} said the {object} would make procedures {adj} for {people} and {people2}.",
    "{connective} {partner} and the office compared {count2} {unit} on {field} at a meeting in {city}.",
    "Users asked for {adj} rules on how to {action}, and the office promised guidance by {month_name}.",
    "The {object} covers {field} and {field2}, where {count} {unit} are pending at the end of {year2}.",
    "{connective} {people} in {city} and {city2} took part in {small} sessions on the {topic}.",
    "Fees for those who {action} change by {pct} percent, and {people} with fewer than {small} staff pay less.",
    "A survey of {count2} {people} found that {pct} percent rate the {measure} as good or very good.",
    "{quoter} thanked {partner} for data on {count} {unit} shared under the {topic}.",
    "The office will report the {measure} for {field} every quarter, starting with the figures of {year2}.",
]


def _fill(rng: random.Random, pattern: str, ctx: dict[str, str]) -> str:
    def pick(name: str) -> str:
        lists = {"people": PEOPLE, "people2": PEOPLE, "field": FIELDS, "field2": FIELDS, "action": ACTIONS,
                 "measure": MEASURES, "unit": UNITS, "quoter": QUOTERS, "adj": ADJECTIVES, "city": CITIES,
                 "city2": CITIES, "partner": PARTNERS, "connective": CONNECTIVES, "object": TITLE_OBJECTS}
        if name in lists:
            return rng.choice(lists[name])
        if name in ("count", "count2"):
            return f"{rng.randrange(1200, 98000):,}"
        if name in ("small", "small2"):
            return str(rng.randrange(3, 40))
        if name == "pct":
            return f"{rng.randrange(2, 60)}.{rng.randrange(10)}"
        if name == "year2":
            return str(rng.randrange(2015, int(ctx["year"]) + 1))
        if name == "month_name":
            return dt.date(2000, rng.randrange(1, 13), 1).strftime("%B")
        return ctx[name]

    text = pattern.format_map({k: pick(k) for k in _slots(pattern)})
    return text[0].upper() + text[1:]


def _slots(pattern: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(pattern) if name]


def _english(rng: random.Random, event: dt.date, office: tuple[str, str, str], topic: tuple[str, str],
             ) -> tuple[str, list[str]]:
    """A title and paragraphs (one may be a list, one a subheading) of about 450 words."""
    code, name, _ = office
    title = (f"{code} {rng.choice(TITLE_VERBS)} {topic[0]} {rng.choice(TITLE_OBJECTS)} "
             f"with {rng.choice(PARTNERS).removeprefix('the ')} in {rng.choice(CITIES)}")
    ctx = {"office": f"the {code}", "topic": topic[0], "year": str(event.year)}
    lead = (f"On {event:%B} {event.day}, {event.year}, the {name} ({code}) and {rng.choice(PARTNERS)} "
            f"met in {rng.choice(CITIES)} on the {topic[0]} ({topic[1]}), with {rng.randrange(20, 400)} "
            f"delegates and {rng.randrange(1200, 98000):,} {rng.choice(UNITS)} on the table.")
    paras, words = [lead], len(lead.split())
    while words < 430:
        if len(paras) == 3 and rng.random() < 0.4:
            para = f"## {rng.choice(SECTIONS)}"
        elif len(paras) == 5 and rng.random() < 0.3:
            para = "\n".join(f"- {_fill(rng, rng.choice(SENTENCES), ctx)}" for _ in range(3))
        else:
            para = " ".join(_fill(rng, rng.choice(SENTENCES), ctx) for _ in range(rng.randint(3, 5)))
        paras.append(para)
        words += len(para.split())
    return title, paras


def _cjk(rng: random.Random, lang: str, event: dt.date, code: str) -> tuple[str, list[str]]:
    """A title and paragraphs of about 700 characters in Chinese, Japanese or Korean."""
    v = CJK[lang]
    office = v["offices"][code]
    topic, obj, verb = rng.choice(v["topics"]), rng.choice(v["objects"]), rng.choice(v["verbs"])
    city = rng.choice(v["cities"])
    title = {"zh": f"{office}在{city}{verb}{topic}{obj}（第{rng.randrange(2, 90)}期）",
             "ja": f"{office}、{city}で{topic}の{obj}を{verb.removesuffix('しました')}（第{rng.randrange(2, 90)}回）",
             "ko": f"{office}, {city}에서 {topic} {obj} {verb.removesuffix('다')}다 (제{rng.randrange(2, 90)}차)"}[lang]

    def clause(pattern: str) -> str:
        values = {"office": office, "topic": topic, "object": obj, "verb": verb, "city": city,
                  "city2": rng.choice(v["cities"]), "people": rng.choice(v["people"]),
                  "field": rng.choice(v["fields"]), "field2": rng.choice(v["fields"]),
                  "adj": rng.choice(v["adjectives"]), "quote": rng.choice(v["quote"]),
                  "year": str(event.year), "month": str(event.month), "day": str(event.day),
                  "count": f"{rng.randrange(120, 98000):,}", "pct": f"{rng.randrange(2, 60)}.{rng.randrange(10)}",
                  "small": str(rng.randrange(3, 40))}
        return pattern.format_map(values)

    first, *rest = v["clauses"]
    paras, chars = [clause(first) + v["end"].strip()], 0
    while chars < 700:
        sentences = []
        for _ in range(rng.randint(2, 4)):
            sentences.append(v["sep"].join(clause(rng.choice(rest)) for _ in range(rng.randint(1, 2))) + v["end"])
        para = v["space"].join(s.strip() for s in sentences)
        paras.append(para)
        chars += len(para)
    return title, paras


def _html_page(rng: random.Random, title: str, paras: list[str], date: dt.date, office: tuple[str, str, str],
               lang: str, others: list[str]) -> str:
    """A saved news page: the site's furniture around the article."""
    import html

    code, name, host = office
    esc = html.escape
    body = []
    for para in paras:
        if para.startswith("## "):
            body.append(f"<h2>{esc(para[3:])}</h2>")
        elif para.startswith("- "):
            body.append("<ul>" + "".join(f"<li>{esc(line[2:])}</li>" for line in para.splitlines()) + "</ul>")
        else:
            body.append(f"<p>{esc(para)}</p>")
    nav = "".join(f'<li><a href="https://{host}/{item.lower().replace(" ", "-")}">{item}</a></li>' for item in NAV)
    share = "".join(f'<a class="share-{k}" href="#">{item}</a>' for k, item in enumerate(SHARE))
    related = "".join(f'<li><a href="https://{host}/news/{k}">{esc(t)}</a></li>' for k, t in enumerate(others))
    footer = "".join(f'<li><a href="https://{host}/{k}">{item}</a></li>' for k, item in enumerate(FOOTER))
    shown = f"{date:%d %B %Y}" if lang == "en" else f"{date.year}-{date.month:02d}-{date.day:02d}"
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{esc(title)} | {esc(name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/site.css"><script src="/assets/site.js"></script></head>
<body class="page-news">
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><a class="logo" href="https://{host}/">{esc(name)}</a>
<nav class="main-nav" aria-label="Main"><ul>{nav}</ul></nav>
<form class="site-search" action="/search"><input name="q" placeholder="Search"><button>Search</button></form></header>
<nav class="breadcrumb" aria-label="Breadcrumb"><a href="https://{host}/">Home</a> &rsaquo;
<a href="https://{host}/news">News</a> &rsaquo; <span>{esc(title[:40])}</span></nav>
<main id="main"><article class="news-article">
<h1 class="news-title">{esc(title)}</h1>
<p class="news-meta"><time datetime="{date.isoformat()}">{shown}</time> | {esc(code)}</p>
<div class="share-bar">{share}</div>
<div class="news-body">
{chr(10).join(body)}
</div>
<p class="tags">Tags: {esc(code)}, patents, cooperation</p>
</article>
<aside class="related"><h2>Related news</h2><ul>{related}</ul></aside></main>
<footer class="site-footer"><ul>{footer}</ul><p>&copy; {date.year} {esc(name)}. All rights reserved.</p></footer>
</body></html>
"""


def _feed(items: list[tuple[str, list[str], dt.date, str]], office: tuple[str, str, str]) -> str:
    import html

    code, name, host = office
    out = []
    for title, paras, date, link in items:
        body = "".join(f"<p>{html.escape(p)}</p>" for p in paras if not p.startswith(("## ", "- ")))
        stamp = dt.datetime(date.year, date.month, date.day, 9, 30, tzinfo=dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
        out.append(f"<item><title>{html.escape(title)}</title><link>{link}</link><guid>{link}</guid>"
                   f"<pubDate>{stamp}</pubDate><description>{html.escape(body)}</description></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{html.escape(name)} news</title>'
            f"<link>https://{host}/news</link><description>News from the {html.escape(name)}</description>\n"
            + "\n".join(out) + "\n</channel></rss>\n")


SHAPES = ["md", "txt", "html", "md", "txt", "html", "feed", "md", "txt"]  # of the English notices, in turn
FEED_ITEMS = 10


def realistic(folder: Path, n: int, seed: int = 20) -> list[Path]:
    """n notices, each its own event, in every shape the readers take; the
    paths written, in name order (a feed holds up to FEED_ITEMS notices)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    span = (EDITION - dt.timedelta(days=10) - FIRST_DAY).days
    days = rng.sample(range(span), n) if n <= span else [i * span // n for i in range(n)]
    titles: set[str] = set()
    feeds: dict[str, list[tuple[str, list[str], dt.date, str]]] = {}
    paths = []
    for i in range(n):
        office = SITES[rng.randrange(len(SITES))]
        event = FIRST_DAY + dt.timedelta(days=days[i])
        date = min(event + dt.timedelta(days=rng.randrange(0, 4)), EDITION - dt.timedelta(days=1))
        lang = ("zh", "ja", "ko")[(i // 10) % 3] if i % 10 == 9 else "en"
        while True:
            if lang == "en":
                title, paras = _english(rng, event, office, TOPICS_REAL[rng.randrange(len(TOPICS_REAL))])
            else:
                title, paras = _cjk(rng, lang, event, office[0])
            if title not in titles:
                break
        titles.add(title)
        shape = SHAPES[i % len(SHAPES)] if lang == "en" else ("md", "html")[(i // 30) % 2]
        stem = f"{date.isoformat()}-{office[0].lower()}-{i:04d}"
        if shape == "feed":
            feeds.setdefault(office[0], []).append((title, paras, date, f"https://{office[2]}/news/{i}"))
            if len(feeds[office[0]]) == FEED_ITEMS:
                paths.append(_write_feed(folder, office, feeds.pop(office[0]), i))
            continue
        if shape == "md":
            path = folder / f"{stem}.md"
            text = (f"---\ntitle: \"{title}\"\ndate: {date.isoformat()}\noffice: {office[0]}\nlanguage: {lang}\n---\n\n"
                    + "\n\n".join(paras) + "\n")
        elif shape == "txt":
            path = folder / f"{stem}.txt"
            text = f"{title}\nDate: {date.isoformat()}  Source: {office[0]}\n\n" + "\n\n".join(paras) + "\n"
        else:
            path = folder / f"{stem}.html"
            others = [rng.choice(TITLE_VERBS).capitalize() + " " + rng.choice(TITLE_OBJECTS) for _ in range(4)]
            text = _html_page(rng, title, paras, date, office, lang, others)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    for code, items in sorted(feeds.items()):
        office = next(o for o in SITES if o[0] == code)
        paths.append(_write_feed(folder, office, items, n))
    return sorted(paths)


def _write_feed(folder: Path, office: tuple[str, str, str], items: list, i: int) -> Path:
    path = folder / f"feed-{office[0].lower()}-{i:04d}.xml"
    path.write_text(_feed(items, office), encoding="utf-8")
    return path


if __name__ == "__main__":
    import sys

    (generate if "--simple" in sys.argv else realistic)(Path(sys.argv[1]), int(sys.argv[2]))
