"""Time `ip5pub fetch` against a local site: a feed of N items linking to
their pages, fetched into an empty workspace, then fetched again.

    .venv/bin/python bench/fetch.py [N] [--delay SECONDS]

What it measures is ip5pub's own cost per notice (HTTP on loopback, reading
each page for its name, saving, the state) and what a second run asks:
nothing but whether the feed changed. On the Internet the delay between
requests to one site (1 s by default) dominates.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from website import Response, Site, configure, page, rss  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=50)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    with Site() as site, tempfile.TemporaryDirectory() as tmp:
        items = [{"title": f"Office notice {n} on fees and forms", "link": f"{site.url}/news/{n}.html", "guid": str(n),
                  "pubDate": "Mon, 28 Jun 2021 09:00:00 GMT", "description": f"Notice {n}."} for n in range(args.n)]
        site["/rss.xml"] = Response(rss(items).encode(), content_type="application/rss+xml", etag='"1"')
        for n in range(args.n):
            site[f"/news/{n}.html"] = Response(page(
                f"Office notice {n} on fees and forms", "28 June 2021",
                [f"The office published notice {n} on its fees and forms on 28 June 2021.",
                 "Applicants may ask the office for details by e-mail or by telephone."] * 5).encode(), etag=f'"{n}"')
        ws = Path(tmp)
        configure(ws, feeds=[(site.url + "/rss.xml", True)], delay=args.delay, timeout=10)
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1625097600"}
        for run in ("first", "second"):
            asked = len(site.requests)
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "ip5pub", "fetch", "-q"], cwd=ws, env=env,
                                  capture_output=True, text=True)
            took = time.perf_counter() - start
            saved = len(list((ws / "sources/fetched").rglob("*.html")))
            print(f"{run} run: {took:.2f} s, exit {proc.returncode}, {len(site.requests) - asked} requests, "
                  f"{saved} pages saved")


if __name__ == "__main__":
    main()
