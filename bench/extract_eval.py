"""Extraction quality on real web pages nobody on this project wrote.

Usage: python bench/extract_eval.py [--data DIR] [--only ip5pub] [--jobs N] [--misses FILE]

Reads the public test sets in `../shared/evaldata/` (or `--data`): 181 news
articles with a marked article body (Zyte's article-extraction benchmark) and
800 pages with a marked publication date (htmldate's evaluation set). Each
page is read by ip5pub's own pipeline (reader, then normalize), exactly as a
file dropped into `sources/` would be. A page ip5pub refuses counts as a
failure: no article output (recall 0) or a wrong date.

Article score (the benchmark's own): `\\w+` tokens, runs of 4 consecutive
tokens with counts; per page tp = shared shingles, fp = extra, fn = missing;
precision is the mean of tp/(tp+fp) over pages with output, recall the mean
of tp/(tp+fn) over all pages, F1 from the two means.

For comparison, the same pages go through trafilatura `extract()` with its
defaults and htmldate `find_date(extensive_search=False, original_date=True)`
(`--only ip5pub` skips them). Nothing is printed from the pages themselves
except their ids: the data is for measuring, not for copying.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "evaldata"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i:i + n]) for i in range(max(0, len(tokens) - n + 1)))


def page_score(output: str | None, truth: str) -> tuple[float | None, float]:
    """(precision or None when there is no output, recall) of one page."""
    if not output:
        return None, 0.0
    got, want = shingles(output), shingles(truth)
    tp = sum((got & want).values())
    fp = sum(got.values()) - tp
    fn = sum(want.values()) - tp
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


def summarize(scores: list[tuple[float | None, float]]) -> tuple[float, float, float]:
    precisions = [p for p, _ in scores if p is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(r for _, r in scores) / len(scores) if scores else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _ip5pub(page: Path, workdir: str) -> tuple[str | None, str | None, str | None]:
    """(body as plain text, ISO date, refusal reason) of one page through ip5pub."""
    from ip5pub import markdown
    from ip5pub.notices import normalize_one

    path = Path(workdir) / (page.name.split(".")[0] + ".html")
    path.write_bytes(gzip.decompress(page.read_bytes()))
    try:
        notices, reasons = normalize_one(path, path.name)
    finally:
        path.unlink()
    if not notices:
        return None, None, reasons[0] if reasons else "no notice"
    notice = notices[0]
    return "\n\n".join(markdown.blocks(notice.body)), notice.date.isoformat(), None


def _trafilatura(page: Path) -> str | None:
    import trafilatura

    return trafilatura.extract(gzip.decompress(page.read_bytes()).decode("utf-8", "replace"))


def _htmldate(page: Path) -> str | None:
    from htmldate import find_date

    html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
    try:
        return find_date(html, extensive_search=False, original_date=True)
    except Exception:
        return None


def _work(task: tuple[str, str, Path, bool]) -> dict:
    kind, key, page, compare = task
    with tempfile.TemporaryDirectory() as workdir:
        started = time.perf_counter()
        body, date, refused = _ip5pub(page, workdir)
        seconds = time.perf_counter() - started
    result = {"kind": kind, "id": key, "body": body, "date": date, "refused": refused, "seconds": seconds}
    if compare:
        if kind == "article":
            result["trafilatura"] = _trafilatura(page)
        else:
            result["htmldate"] = _htmldate(page)
    return result


def measure(data: Path, *, jobs: int, compare: bool, which: str = "all") -> dict:
    """Every figure of the report, and the misses (ids and numbers only)."""
    articles = json.loads((data / "articles" / "ground-truth.json").read_text(encoding="utf-8"))
    dates = json.loads((data / "dates" / "expected.json").read_text(encoding="utf-8"))
    tasks = []
    if which in ("articles", "all"):
        tasks += [("article", k, data / "articles" / "html" / f"{k}.html.gz", compare) for k in sorted(articles)]
    if which in ("dates", "all"):
        tasks += [("date", k, data / "dates" / "html" / f"{k}.html.gz", compare) for k in sorted(dates)]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(_work, tasks, chunksize=4))
    edition = dt.date.today().isoformat()
    out: dict = {"pages": len(results), "wall": time.perf_counter() - started,
                 "cpu": sum(r["seconds"] for r in results), "misses": {"articles": [], "dates": []},
                 "outside": sorted(r["id"] for r in results if r["date"] and not ("1990-01-01" <= r["date"] <= edition))}
    arts = [r for r in results if r["kind"] == "article"]
    if arts:
        ours = [page_score(r["body"], articles[r["id"]]["articleBody"]) for r in arts]
        out["articles"] = {"pages": len(arts), "refused": sum(1 for r in arts if r["refused"]),
                           "ip5pub": summarize(ours)}
        if compare:
            out["articles"]["trafilatura"] = summarize(
                [page_score(r["trafilatura"], articles[r["id"]]["articleBody"]) for r in arts])
            out["articles"]["trafilatura_empty"] = sum(1 for r in arts if not r["trafilatura"])
        for r, (p_, rec) in zip(arts, ours):
            if r["refused"] or rec < 0.9 or (p_ is not None and p_ < 0.9):
                out["misses"]["articles"].append({"id": r["id"], "refused": r["refused"],
                                                  "precision": p_, "recall": rec})
    dats = [r for r in results if r["kind"] == "date"]
    if dats:
        right = sum(1 for r in dats if r["date"] == dates[r["id"]]["date"])
        out["dates"] = {"pages": len(dats), "right": right, "accuracy": right / len(dats),
                        "refused": sum(1 for r in dats if r["refused"])}
        if compare:
            theirs = sum(1 for r in dats if r["htmldate"] == dates[r["id"]]["date"])
            out["dates"]["htmldate"] = (theirs, theirs / len(dats))
        for r in dats:
            if r["date"] != dates[r["id"]]["date"]:
                out["misses"]["dates"].append({"id": r["id"], "got": r["date"], "want": dates[r["id"]]["date"],
                                               "refused": r["refused"], "htmldate": r.get("htmldate")})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", choices=["ip5pub"], help="skip the comparison tools")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--set", choices=["articles", "dates", "all"], default="all")
    parser.add_argument("--misses", type=Path, help="write every miss (ids, reasons, dates; no page text) as JSON")
    args = parser.parse_args(argv)
    if not (args.data / "articles" / "ground-truth.json").is_file():
        print(f"no evaluation data at {args.data}; nothing measured")
        return 0
    m = measure(args.data, jobs=args.jobs, compare=args.only is None, which=args.set)
    rows = []
    if "articles" in m:
        a = m["articles"]
        p, r, f = a["ip5pub"]
        rows.append(("articles", "ip5pub", f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", f"{a['refused']}/{a['pages']} refused"))
        if "trafilatura" in a:
            p, r, f = a["trafilatura"]
            rows.append(("articles", "trafilatura extract()", f"{p:.3f}", f"{r:.3f}", f"{f:.3f}",
                         f"{a['trafilatura_empty']}/{a['pages']} empty"))
    if "dates" in m:
        d = m["dates"]
        rows.append(("dates", "ip5pub", f"{d['right']}/{d['pages']}", f"{d['accuracy']:.3f}", "",
                     f"{d['refused']} refused"))
        if "htmldate" in d:
            right, acc = d["htmldate"]
            rows.append(("dates", "htmldate markup-only", f"{right}/{d['pages']}", f"{acc:.3f}", "", ""))
    print(f"{m['pages']} pages in {m['wall']:.0f} s on {args.jobs} workers (ip5pub {m['cpu']:.0f} s of CPU); "
          f"{len(m['outside'])} pages dated outside 1990..today")
    print()
    print("| set | extractor | precision or right | recall or accuracy | F1 | notes |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if args.misses:
        args.misses.write_text(json.dumps(m["misses"], indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"\nmisses written to {args.misses}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
