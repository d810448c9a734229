"""Deterministic synthetic notices for the benchmark and the scale tests.

`generate(folder, n)` writes n notices of about 450 words in the shapes the
readers handle (plain text with a date line, Markdown with front matter),
from a fixed seed, so every run measures the same input.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

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


if __name__ == "__main__":
    import sys

    generate(Path(sys.argv[1]), int(sys.argv[2]))
