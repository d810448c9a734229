"""Adversarial sizes: hostile inputs inside the stated limits, timed and measured.

Usage: python bench/adversarial.py [NAME ...]   (default: every case)

Each case writes one hostile source beside the seed notice in a fresh
workspace and runs the real command in a fresh process, reporting the wall
time, the peak RSS of the largest process it started (pandoc and workers
included; getrusage of the children) and the first error line. The inputs
come from tests/bounds.py, the same ones tests/test_hostile_bounds.py holds to
its bounds. Run it by hand on a quiet machine; timings are not tests.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from bounds import heavy_docx, lying_docx, measured, same_day_feed, short_paragraph_page, text_page  # noqa: E402

SEED = ROOT / "sources" / "cnipa-2021-06-29-ip5-heads-meeting.txt"
TITLE = " ".join(f"w{i % 10}" for i in range(10_000))

# name -> (what it is, file name, bytes or a writer, command)
CASES = {
    "feed-1000": ("feed, 1,000 items of one day", "feed.xml", lambda: same_day_feed(1_000), "normalize"),
    "feed-5000": ("feed, 5,000 items of one day", "feed.xml", lambda: same_day_feed(5_000), "normalize"),
    "feed-10000": ("feed, 10,000 items of one day", "feed.xml", lambda: same_day_feed(10_000), "normalize"),
    "feed-offices": ("feed, 1,000 items naming offices", "feed.xml", lambda: same_day_feed(1_000, True), "normalize"),
    "paragraphs": ("page, 16,000 short paragraphs", "page.html", lambda: short_paragraph_page(16_000), "normalize"),
    "text-page": ("page, 9.9 MB of text", "long.html", text_page, "normalize"),
    "docx-lying": (".docx declaring 1,000 B for 200 MiB", "lying.docx", lying_docx, "normalize"),
    "docx-heavy": (".docx, 5 MB inflating 9:1 to 45 MB", "heavy.docx", heavy_docx, "normalize"),
    "title": ("title of 10,000 words", "title.md",
              lambda: f"---\ntitle: {TITLE}\ndate: 2021-06-30\n---\n\nBody.\n".encode(), "render"),
    "folders": ("1,000 nested folders", None, None, "normalize"),
}
COMMANDS = {"normalize": ["normalize", "sources", "-o", "out"], "render": ["render", "-f", "pdf"]}


def _nested(sources: Path, depth: int = 1000) -> None:
    fd = os.open(sources, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        fd, parent = os.open("d", os.O_RDONLY, dir_fd=fd), fd
        os.close(parent)
    with open(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "wb") as fh:
        fh.write(SEED.read_bytes())
    os.close(fd)


def run(name: str) -> str:
    what, file_name, make, command = CASES[name]
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp)
        (ws / "sources").mkdir()
        (ws / "sources" / SEED.name).write_bytes(SEED.read_bytes())
        if file_name is None:
            _nested(ws / "sources")
            size = "-"
        else:
            data = make()
            (ws / "sources" / file_name).write_bytes(data)
            size = f"{len(data) / 1e6:.1f} MB"
        proc, seconds, rss = measured(COMMANDS[command], ws, timeout=3600)
        errors = [line.split(": ", 3)[-1] for line in proc.stderr.splitlines() if line.startswith("ip5pub: error:")]
        outcome = errors[0] if errors else f"exit {proc.returncode}"
        if file_name is None:  # rm -rf takes the deep tree down; TemporaryDirectory would recurse
            subprocess.run(["rm", "-rf", str(ws / "sources" / "d")], check=True)
    return f"| {what} | {size} | `ip5pub {command}` | {seconds:.1f} | {rss:.0f} | {outcome[:90]} |"


def main() -> None:
    names = sys.argv[1:] or list(CASES)
    print(f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    print("| input | size | command | seconds | peak RSS MiB | outcome |")
    print("|---|---|---|---:|---:|---|")
    for name in names:
        print(run(name), flush=True)


if __name__ == "__main__":
    main()
