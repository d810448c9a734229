"""Benchmark: ip5pub render -f all against a plain pandoc + WeasyPrint pipeline.

Usage: python bench/bench.py [N ...]   (default: 10 100 500)

For each N it generates N synthetic notices (bench/generate.py, fixed seed),
then times, each in a fresh process on the same input:
  cold        ip5pub render -f all with an empty build/
  no-change   the same command again
  one-change  after editing one notice
  plain       pandoc md->html + WeasyPrint html->pdf (one document),
              pandoc md->epub, pandoc md->plain, run one after another
and prints a table with ratios and peak memory (the largest PSS summed over
the process tree, workers and pandoc included, sampled every 50 ms; for the
plain pipeline, whose steps run one after another, its largest step).
Sampling /proc that often costs the measured build about a fifth of its
time, so the timings come from runs without the sampler and the memory from
runs of their own (a cold build, a one-change build, the plain pipeline).
Run it by hand; timings are not tests.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

EPOCH = "1700000000"


def _pss(pid: int) -> int:
    """Proportional set size in kB: pages shared with other processes (the
    fork server's preloaded WeasyPrint in every worker) count once in all."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_pss(root: int) -> int:
    """Memory in kB of a process and all its descendants now (Linux /proc)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss(pid)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


def run(cmd: list[str], cwd: Path, memory: bool = False) -> tuple[float, float]:
    """(seconds, peak memory in MB) of one command. With `memory`, the
    largest PSS summed over its process tree (workers and pandoc included),
    sampled every 50 ms, or the largest single process's RSS from wait4 if
    that is more; without, 0 (and the seconds are not slowed by sampling)."""
    import threading

    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], _tree_pss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    done.set()
    if memory:
        sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode()[-2000:]}")
    return elapsed, (max(peak[0], usage.ru_maxrss) / 1024 if memory else 0.0)


PLAIN_PDF = """
import sys
from weasyprint import HTML
HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])
"""


def plain_pipeline(ws: Path, memory: bool = False) -> tuple[float, float]:
    """What a hand-made pipeline does: concatenate, pandoc, WeasyPrint."""
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    out = ws / "plain"
    out.mkdir(exist_ok=True)
    parts = []
    for path in sorted((ws / "sources").iterdir()):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---"):
            _, meta, body = text.split("---", 2)
            title = next(line.split(":", 1)[1].strip().strip('"') for line in meta.splitlines() if line.startswith("title:"))
        else:
            title, _, body = text.partition("\n")
            body = body.split("\n\n", 1)[1]
        parts.append(f"# {title}\n\n{body.strip()}\n")
    (out / "all.md").write_text("\n".join(parts), encoding="utf-8")
    total, peak = 0.0, 0.0
    for cmd in (
        [pandoc, "all.md", "-s", "--toc", "--metadata", "title=Brief", "-o", "all.html"],
        [sys.executable, "-c", PLAIN_PDF, "all.html", "all.pdf"],
        [pandoc, "all.md", "--metadata", "title=Brief", "-o", "all.epub"],
        [pandoc, "all.md", "-t", "plain", "-o", "all.txt"],
    ):
        seconds, rss = run(cmd, out, memory)
        total += seconds
        peak = max(peak, rss)
    return total, peak


def bench(n: int, root: Path) -> dict[str, float]:
    ws = root / f"n{n}"
    generate(ws / "sources", n)
    cmd = [sys.executable, "-m", "ip5pub", "render", "-f", "all", "-q"]
    victim = sorted((ws / "sources").iterdir())[n // 2]

    def correct() -> None:
        # A correction in the body (not the title or the lead, which the
        # contents and the at-a-glance table show).
        victim.write_text(victim.read_text(encoding="utf-8").rstrip() + " Corrected.\n", encoding="utf-8")

    cold, _ = run(cmd, ws)
    nochange, _ = run(cmd, ws)
    correct()
    onechange, _ = run(cmd, ws)
    plain, _ = plain_pipeline(ws)
    # Memory, in runs of its own.
    shutil.rmtree(ws / "build")
    _, rss_cold = run(cmd, ws, memory=True)
    correct()
    _, rss_one = run(cmd, ws, memory=True)
    _, rss_plain = plain_pipeline(ws, memory=True)
    return {"n": n, "cold": cold, "nochange": nochange, "onechange": onechange, "plain": plain,
            "rss": max(rss_cold, rss_one), "rss_plain": rss_plain}


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [10, 100, 500]
    root = Path(tempfile.mkdtemp(prefix="ip5pub-bench-"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()}; load average at start {os.getloadavg()[0]:.2f}")
    header = ("N", "cold s", "no-change s", "one-change s", "plain s", "cold/plain", "no-change/cold",
              "one-change/cold", "peak MB", "plain peak MB")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    try:
        for n in sizes:
            r = bench(n, root)
            print(f"{r['n']} | {r['cold']:.2f} | {r['nochange']:.2f} | {r['onechange']:.2f} | {r['plain']:.2f} | "
                  f"{r['cold'] / r['plain']:.2f} | {100 * r['nochange'] / r['cold']:.1f}% | "
                  f"{100 * r['onechange'] / r['cold']:.1f}% | {r['rss']:.0f} | {r['rss_plain']:.0f}", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
