"""How `ip5pub review`'s doubts fall on real pages nobody on this project wrote.

Usage: python bench/review_eval.py [--data DIR] [--jobs N] [--today YYYY-MM-DD]

Reads the public test sets in `../shared/evaldata/` (see bench/extract_eval.py):
each page goes through ip5pub's reader and normalize, as a file dropped into
`sources/` would, then through `ip5pub.doubts` as a notice printed in an
English brief. It prints how many pages carry each doubt, and, on the 800
pages with a marked publication date, how the date doubts fall on the dates
ip5pub got right and on those it got wrong: a doubt on a wrong date is one
caught before sending, a doubt on a right date costs the analyst a look.
Nothing is printed from the pages but counts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "evaldata"
DATE_CODES = ("date-weak", "date-far", "date-after-edition")


def _work(task: tuple[str, str, Path, str]) -> dict:
    from ip5pub.doubts import Context, doubts
    from ip5pub.notices import normalize_one

    kind, key, page, today = task
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / f"{key}.html"
        path.write_bytes(gzip.decompress(page.read_bytes()))
        notices, reasons = normalize_one(path, path.name)
    if not notices:
        return {"kind": kind, "id": key, "refused": True, "date": None, "codes": []}
    notice = notices[0]
    codes = [f.code for f in doubts(notice, Context(dt.date.fromisoformat(today)))]
    return {"kind": kind, "id": key, "refused": False, "date": notice.date.isoformat(), "codes": codes}


def measure(data: Path, jobs: int, today: str) -> dict:
    articles = json.loads((data / "articles" / "ground-truth.json").read_text(encoding="utf-8"))
    dates = json.loads((data / "dates" / "expected.json").read_text(encoding="utf-8"))
    tasks = [("article", k, data / "articles" / "html" / f"{k}.html.gz", today) for k in sorted(articles)]
    tasks += [("date", k, data / "dates" / "html" / f"{k}.html.gz", today) for k in sorted(dates)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = [r for r in pool.map(_work, tasks, chunksize=4)]
    read = [r for r in results if not r["refused"]]
    out: dict = {"pages": len(results), "read": len(read),
                 "with_doubt": sum(1 for r in read if r["codes"]),
                 "codes": Counter(c for r in read for c in set(r["codes"]))}
    dated = [r for r in read if r["kind"] == "date"]
    right = [r for r in dated if r["date"] == dates[r["id"]]["date"]]
    wrong = [r for r in dated if r["date"] != dates[r["id"]]["date"]]
    out["dates"] = {"read": len(dated), "right": len(right), "wrong": len(wrong),
                    "right_flagged": sum(1 for r in right if set(r["codes"]) & set(DATE_CODES)),
                    "wrong_flagged": sum(1 for r in wrong if set(r["codes"]) & set(DATE_CODES)),
                    "by_code": {c: (sum(1 for r in right if c in r["codes"]), sum(1 for r in wrong if c in r["codes"]))
                                for c in DATE_CODES}}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--today", default=dt.date.today().isoformat(), help="the edition date (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    if not (args.data / "dates" / "expected.json").is_file():
        print(f"no evaluation data at {args.data}; nothing measured")
        return 0
    m = measure(args.data, args.jobs, args.today)
    print(f"pages: {m['pages']}, read: {m['read']}, with a doubt: {m['with_doubt']} "
          f"({m['with_doubt'] / max(m['read'], 1):.1%})")
    print("| doubt | pages |")
    print("|---|---|")
    for code, n in sorted(m["codes"].items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"| `{code}` | {n} |")
    d = m["dates"]
    print(f"\ndate pages read: {d['read']}; date right: {d['right']}, wrong: {d['wrong']}")
    print(f"a date doubt on a wrong date (caught): {d['wrong_flagged']} of {d['wrong']}; "
          f"on a right date (a look for nothing): {d['right_flagged']} of {d['right']}")
    print("| doubt | on right dates | on wrong dates |")
    print("|---|---|---|")
    for code, (on_right, on_wrong) in d["by_code"].items():
        print(f"| `{code}` | {on_right} | {on_wrong} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
