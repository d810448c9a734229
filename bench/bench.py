"""Benchmark: ip5pub render -f all against a plain pandoc + WeasyPrint pipeline.

Usage: python bench/bench.py [N ...] [--repeats=K] [--no-profile] [--profile=N] [--keep]
       (default: 10 30 100 500 2000, 3 repeats; the profile is taken at
       N=500 when 500 is run, or at the N given; --keep leaves the
       workspaces in /tmp)

For each N it generates N realistic notices (bench/generate.py `realistic`,
fixed seed: text, Markdown, saved HTML pages and feeds, one in ten Chinese,
Japanese or Korean, each its own event), checks that the brief has N
stories, then runs, each in a fresh process on the same input:
  cold        ip5pub render -f all with an empty build/
  no-change   the same command again
  body edit   after a sentence is added to one notice's body
  title edit  after that notice's title is made longer (its contents entry
              takes another line, so the contents move)
  plain       pandoc md->html (with a contents list) + WeasyPrint html->pdf,
              pandoc md->epub, pandoc md->plain, one after another, on the
              same notices (their normalized Markdown: the plain pipeline is
              not charged for reading HTML pages and feeds)
Up to N=500 each case runs K times (the cold builds and the plain
pipelines alternated, so that the machine's drift falls on both) and the
table shows the medians, the runs of cold, plain and the edits beside; the
same code's builds spread by 10-30% on a shared machine, and one run of
each made a ratio of the spread. Above 500, once.
Each is timed in wall seconds and in CPU seconds (user + system of the
whole process tree: this process is the subreaper of everything the build
starts, fork server and layout workers included, and reaps it all). Peak
memory (the largest PSS summed over the process tree, sampled every 50 ms;
for the plain pipeline, its largest step) is measured in runs of its own,
as sampling /proc slows the measured build. With N=500 in the list, a
py-spy profile of a cold build (every process) says where its CPU goes.
The package's bytecode is compiled first, as `make install` compiles it.
Run it by hand on an idle machine; timings are not tests.
"""

from __future__ import annotations

import compileall
import ctypes
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import realistic

EPOCH = "1700000000"
ROOT = Path(__file__).resolve().parent.parent
PROFILED = 500
REPEATS = 3


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float = 0.0


def _subreaper() -> None:
    """Orphans of the measured command (the fork server outlives the build
    by a moment) become our children, so their CPU time is counted."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


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


def run(cmd: list[str], cwd: Path, memory: bool = False, env: dict[str, str] | None = None) -> Run:
    """One command: wall seconds, CPU seconds of its whole tree, and with
    `memory` its peak PSS in MB (our own process tree is sampled, so the
    orphans we adopt count too)."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], _tree_pss(os.getpid()) - _pss(os.getpid()))

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    err = proc.stderr.read() if proc.stderr else b""
    status = proc.wait()
    elapsed = time.perf_counter() - start
    while True:  # adopted orphans: wait for them, their time counts
        try:
            os.wait()
        except ChildProcessError:
            break
    done.set()
    if memory:
        sampler.join()
    after = os.times()
    if status != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err.decode(errors='replace')[-2000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return Run(elapsed, cpu, peak[0] / 1024)


PLAIN_PDF = """
import sys
from weasyprint import HTML
HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])
"""


def plain_pipeline(ws: Path, memory: bool = False) -> Run:
    """What a hand-made pipeline does with the same notices: concatenate, pandoc, WeasyPrint."""
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    out = ws / "plain"
    out.mkdir(exist_ok=True)
    parts = []
    for path in sorted((ws / "build" / "notices").glob("*.md")):
        _, meta, body = path.read_text(encoding="utf-8").split("---\n", 2)
        title = next(line.split(":", 1)[1].strip().strip("'\"") for line in meta.splitlines()
                     if line.startswith("title:"))
        parts.append(f"# {title}\n\n{body.strip()}\n")
    (out / "all.md").write_text("\n".join(parts), encoding="utf-8")
    total = Run(0.0, 0.0)
    for cmd in (
        [pandoc, "all.md", "-s", "--toc", "--metadata", "title=Brief", "-o", "all.html"],
        [sys.executable, "-c", PLAIN_PDF, "all.html", "all.pdf"],
        [pandoc, "all.md", "--metadata", "title=Brief", "-o", "all.epub"],
        [pandoc, "all.md", "-t", "plain", "-o", "all.txt"],
    ):
        step = run(cmd, out, memory)
        total = Run(total.wall + step.wall, total.cpu + step.cpu, max(total.peak_mb, step.peak_mb))
    return total


RENDER = [sys.executable, "-m", "ip5pub", "render", "-f", "all", "-q"]


def stories(ws: Path) -> int:
    html = (ws / "build" / "brief.html").read_text(encoding="utf-8")
    return len(re.findall(r'<article class="notice[ "]', html))


def victim(ws: Path) -> Path:
    """The notice edited: a Markdown one in the middle of the sources."""
    mds = sorted((ws / "sources").glob("*.md"))
    return mds[len(mds) // 2]


def edit_body(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip() + " A correction was published later.\n",
                    encoding="utf-8")


def edit_title(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'^title: "(.*)"$', r'title: "\1, with a longer headline that takes another line"',
                           text, count=1, flags=re.M), encoding="utf-8")


def median(runs: list[Run]) -> Run:
    """The median wall time and, on its own, the median CPU time."""
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))


def bench(n: int, root: Path, repeats: int) -> tuple[dict[str, Run], dict[str, list[Run]]]:
    """The medians of each case, and every run of it."""
    ws = root / f"n{n}"
    realistic(ws / "sources", n)
    runs: dict[str, list[Run]] = {key: [] for key in ("cold", "plain", "nochange", "body", "title")}
    for k in range(repeats):
        shutil.rmtree(ws / "build", ignore_errors=True)
        runs["cold"].append(run(RENDER, ws))
        if k == 0 and stories(ws) != n:
            raise SystemExit(f"N={n}: the brief has {stories(ws)} stories, not {n}: the generator made duplicates")
        runs["plain"].append(plain_pipeline(ws))  # on the notices the cold build wrote
    for _ in range(repeats):
        runs["nochange"].append(run(RENDER, ws))
    path = victim(ws)
    original = path.read_bytes()
    for k in range(repeats):
        if k:  # back to the sources' state first (not timed)
            path.write_bytes(original)
            run(RENDER, ws)
        edit_body(path)
        runs["body"].append(run(RENDER, ws))
        edit_title(path)
        runs["title"].append(run(RENDER, ws))
    path.write_bytes(original)
    out = {key: median(found) for key, found in runs.items()}
    # Memory, in runs of its own: a cold build, the plain pipeline.
    shutil.rmtree(ws / "build")
    out["cold"].peak_mb = run(RENDER, ws, memory=True).peak_mb
    out["plain"].peak_mb = plain_pipeline(ws, memory=True).peak_mb
    return out, runs


def profile(n: int, root: Path) -> str:
    """Where a cold build's CPU goes, from a py-spy profile of every process."""
    from profile_summary import summarize

    ws = root / f"n{n}"
    shutil.rmtree(ws / "build", ignore_errors=True)
    raw = root / "profile.txt"
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        return "(py-spy not installed: pip install py-spy for the profile)"
    run([spy, "record", "--subprocesses", "--nonblocking", "--rate", "50", "--format", "raw", "-o", str(raw),
         "--", *RENDER], ws)
    return summarize(raw.read_text(encoding="utf-8"))


def main(argv: list[str]) -> None:
    if {"-h", "--help"} & set(argv):
        print(__doc__)
        return
    sizes = [int(a) for a in argv if a.isdigit()] or [10, 30, 100, 500, 2000]
    _subreaper()
    # The package as installed (make install compiles it): not its modules
    # compiled again in every process of every build, as an editable
    # checkout is where PYTHONDONTWRITEBYTECODE is set.
    compileall.compile_dir(str(ROOT / "ip5pub"), quiet=1)
    root = Path(tempfile.mkdtemp(prefix="ip5pub-bench-"))
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()}; commit {commit}; load average at start {os.getloadavg()[0]:.2f}")
    print("Times are wall seconds, with CPU seconds (user + system, whole process tree) in brackets.\n")
    header = ("N", "cold", "plain", "cold/plain", "no-change/cold", "body edit/cold", "title edit/cold",
              "peak MiB", "plain peak MiB")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    repeats = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--repeats=")), REPEATS)
    every: list[tuple[int, dict[str, list[Run]]]] = []
    try:
        for n in sizes:
            r, runs = bench(n, root, repeats if n <= 500 else 1)
            every.append((n, runs))
            c, p = r["cold"], r["plain"]

            def share(key: str, r: dict[str, Run] = r, c: Run = c) -> str:
                return f"{100 * r[key].wall / c.wall:.1f}% ({100 * r[key].cpu / c.cpu:.1f}%)"

            print(f"| {n} | {c.wall:.2f} ({c.cpu:.2f}) | {p.wall:.2f} ({p.cpu:.2f}) | "
                  f"{c.wall / p.wall:.2f} ({c.cpu / p.cpu:.2f}) | {share('nochange')} | {share('body')} | "
                  f"{share('title')} | {c.peak_mb:.0f} | {p.peak_mb:.0f} |", flush=True)
        print("\nEvery run, wall seconds in the order run:\n")
        print("| N | cold | plain | no-change | body edit | title edit |")
        print("|---|---|---|---|---|---|")
        for n, runs in every:
            print(f"| {n} | " + " | ".join(", ".join(f"{r.wall:.2f}" for r in runs[key])
                                         for key in ("cold", "plain", "nochange", "body", "title")) + " |")
        at = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--profile=")), PROFILED)
        if at in sizes and "--no-profile" not in argv:
            print(f"\nWhere a cold build of {at} notices spends its CPU (py-spy, every process):\n")
            print(profile(at, root))
    finally:
        if "--keep" not in argv:
            shutil.rmtree(root, ignore_errors=True)
    print(f"\nload average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
