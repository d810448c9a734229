"""Where a build's CPU goes: a py-spy raw profile (every process) summed by stage.

py-spy samples only threads that are running, so the share of samples is
the share of CPU time. A stack goes to the first stage whose marker any of
its frames holds; imports count as imports whatever imports them.
"""

from __future__ import annotations

from collections import Counter

# (stage, markers in a frame's "function (file:line)"), in the order tried.
STAGES = [
    ("imports", ("_find_and_load", "_handle_fromlist")),
    ("EPUB", ("render/epub.py",)),
    ("digest", ("render/digest.py",)),
    ("furniture layout (workers)", ("layout_furniture",)),
    ("front and back matter layout (workers)", ("layout_matter",)),
    ("single-pass layout", ("single_pass", "whole (ip5pub/render/chunked/worker.py")),
    ("chunk layout (workers)", ("chunked/worker.py",)),
    ("assembly: fonts", ("chunked/fonts.py", "chunked/glyphs.py", "chunked/faces.py", "weasy/resubset.py")),
    ("assembly: joining pages (pikepdf)", ("chunked/assemble.py",)),
    ("brief HTML (templates)", ("render/html.py", "jinja2")),
    ("cutting the HTML into documents", ("chunked/", "render/keepall.py")),
    ("duplicate check", ("dedup.py",)),
    ("readers and normalizing", ("ip5pub/readers/", "ip5pub/extract/", "ip5pub/normalize.py", "_normalize_one")),
    ("notices and cache", ("ip5pub/cache.py", "ip5pub/codec.py", "write_notices", "frontmatter.py")),
    ("worker and process start", ("multiprocessing/",)),
]


def stage(stack: str) -> str:
    for name, markers in STAGES:
        if any(marker in stack for marker in markers):
            return name
    return "other"


def summarize(raw: str) -> str:
    """A Markdown table: stage, share of the CPU samples, samples."""
    counts: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, n = line.rpartition(" ")
        if stack and n.isdigit():
            counts[stage(stack)] += int(n)
    total = sum(counts.values()) or 1
    rows = ["| stage | share of CPU | samples |", "|---|---|---|"]
    rows += [f"| {name} | {100 * n / total:.1f}% | {n} |" for name, n in counts.most_common()]
    return "\n".join(rows) + f"\n\n{total} samples at 50 per second of CPU"


if __name__ == "__main__":
    import sys

    from pathlib import Path

    print(summarize(Path(sys.argv[1]).read_text(encoding="utf-8")))
