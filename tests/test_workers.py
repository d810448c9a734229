"""The layout workers: safe to fork beside, and never outliving their build.

They start in a thread while normalize forks its workers.

A lock that thread holds at the moment of a fork stays held in the child
for ever: a build once hung for 24 minutes at zero CPU, a normalize worker
waiting on tempfile's lock. warm() takes the one-time locks (tempfile's,
the fork server's, the resource tracker's) in the calling thread, before
the thread starts; the thread is left only waiting on the server's socket.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import realistic

CHECK = """
import tempfile
from multiprocessing import forkserver, resource_tracker
from ip5pub.render.chunked import worker

assert tempfile.tempdir is None
worker.warm(2)
# The thread may still be waiting for the server's first worker; all that
# takes a lock has been done here.
print(tempfile.tempdir is not None, forkserver._forkserver._forkserver_pid is not None,
      resource_tracker._resource_tracker._pid is not None)
worker.take(2).close()
"""


@pytest.mark.slow  # starts the fork server, which imports WeasyPrint
def test_warm_takes_the_fork_locks_in_the_calling_thread():
    proc = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "True", "True"]


def _marked(mark: str) -> list[int]:
    """Processes whose environment carries `mark` (the fork server and its workers inherit it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.slow
def test_a_killed_build_leaves_no_worker_behind(tmp_path):
    """SIGKILL (the OOM killer, a CI timeout) leaves no fork server or layout
    worker running: before, both waited for ever, holding their memory."""
    realistic(tmp_path / "sources", 60)
    mark = f"IP5PUB_TEST_MARK={uuid.uuid4().hex}"
    key, value = mark.split("=")
    build = subprocess.Popen([sys.executable, "-m", "ip5pub", "render", "-q", "-f", "pdf"], cwd=tmp_path,
                             env={**os.environ, key: value}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while len(set(_marked(mark)) - {build.pid}) < 3 and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert build.poll() is None, "the build ended before its workers could be seen"
    build.kill()
    build.wait()
    deadline = time.monotonic() + 15
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _marked(mark) == []


@pytest.mark.slow
def test_a_pdf_variant_laid_out_beside_idle_workers_exits(tmp_path):
    """A PDF variant is laid out in the build's own process while the warm
    layout workers stand idle: the program must still end (it once waited
    for them for ever after writing the PDF)."""
    realistic(tmp_path / "sources", 12)
    proc = subprocess.run([sys.executable, "-m", "ip5pub", "render", "-q", "-f", "pdf", "--pdf-variant", "pdf/a-3b"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "build" / "brief.pdf").stat().st_size > 0


FIRST_SERVER_START = """
import os, sys
from multiprocessing import forkserver

def first_start():
    print("started; pipeline imported:", "ip5pub.pipeline" in sys.modules, flush=True)
    os._exit(0)

forkserver.ensure_running = first_start
sys.argv = ["ip5pub", *sys.argv[1:]]
from ip5pub.cli import run
run()
"""


@pytest.mark.parametrize("args, said", [
    (["-f", "all"], "started; pipeline imported: False"),  # before the pipeline is even imported
    (["-f", "pdf", "--pdf-variant", "pdf/a-3b"], "started; pipeline imported: True"),  # laid out in-process
    (["-f", "epub"], ""),  # no PDF, no workers
])
def test_render_starts_the_layout_server_before_it_imports_the_pipeline(tmp_path, args, said):
    """A 10-notice build's single pass waited for the workers' server to
    import WeasyPrint: `ip5pub render` starts it first, when it will lay a
    PDF out in workers."""
    realistic(tmp_path / "sources", 3)
    proc = subprocess.run([sys.executable, "-c", FIRST_SERVER_START, "render", "-q", "--jobs", "2", *args],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == said


@pytest.mark.slow
def test_a_build_leaves_no_warm_worker_running(tmp_path):
    """Workers started before the sources were read, and taken by no layout
    (a PDF variant is laid out in the build's own process), are shut down
    when the build returns: ip5pub leaves without Python's finalization
    only when no child of its own is left."""
    realistic(tmp_path / "sources", 12)
    script = ("import multiprocessing, sys\n"
              "from click.testing import CliRunner\n"
              "from ip5pub.cli import main\n"
              "r = CliRunner().invoke(main, ['render', '-q', '-f', 'pdf', '--pdf-variant', 'pdf/ua-1', '--jobs', '2'])\n"
              "print(r.exit_code, len(multiprocessing.active_children()))\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=180,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["0", "0"]


def test_the_program_keeps_its_exit_status_and_its_output(tmp_path):
    """Out past Python's finalization, the status and everything printed
    still reach the caller: a bad source is exit 1, named on stderr, and
    the good one's notice path is on stdout."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "good.md").write_text("---\ntitle: EPO fee change\ndate: 2024-03-01\n"
                                                   "office: EPO\n---\nThe fees change on 1 April.\n", encoding="utf-8")
    (tmp_path / "sources" / "bad.md").write_bytes(b"---\ntitle: [unclosed\n---\nbody\n")
    proc = subprocess.run([sys.executable, "-m", "ip5pub", "normalize", "sources", "-o", "out"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "bad.md" in proc.stderr
    assert (tmp_path / "out").is_dir() and any((tmp_path / "out").glob("*.md"))
    assert proc.stdout.strip(), "what was written is printed"


@pytest.mark.slow
def test_a_profiled_run_still_writes_its_profile(tmp_path):
    """python -m cProfile writes its figures after the program returns: with
    a profiler on, ip5pub leaves through Python's own exit."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "note.md").write_text("---\ntitle: EPO fee change\ndate: 2024-03-01\noffice: EPO\n---\n"
                                                   "The fees change on 1 April.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "cProfile", "-o", "run.prof", "-m", "ip5pub", "normalize", "sources",
                           "-o", "out"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "run.prof").stat().st_size > 0


ONE_CALL = """
import gc
from ip5pub.render.chunked import worker

runner = worker.Runner(2)
runner.warm()
runner.settle()
frozen = runner.submit(gc.get_freeze_count)()
read = runner.submit(eval, "sorted(map(str, __import__('pyphen').hdcache))")()  # hyphenation patterns read before any layout
print(len(runner.pool._processes), frozen, " ".join(read))  # the pool's own count: no other way to see its idle workers
runner.close()
"""


@pytest.mark.slow  # starts the fork server, which imports WeasyPrint
def test_one_call_after_warming_takes_the_warm_worker():
    # A single pass is one call. Submitted while the warm-up call still waits
    # for the fork server (it imports WeasyPrint first), it made the pool
    # start a second worker for nothing.
    out = subprocess.run([sys.executable, "-c", ONE_CALL], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout.split()
    workers, frozen, read = int(out[0]), int(out[1]), out[2:]
    assert workers == 1
    # The server froze what it imported: its workers' collections leave
    # those pages shared instead of copying them.
    assert frozen > 10_000
    # It read the English hyphenation patterns, which every worker read
    # again otherwise (0.09 s) for its first English line.
    import pyphen

    assert read == [str(pyphen.LANGUAGES[pyphen.language_fallback("en")])]


GERMAN = """---
title: "Europäisches Patentamt senkt Gebühren für Kleinstunternehmen"
date: 2023-11-10
office: EPO
language: de
---

Das Europäische Patentamt hat eine Gebührenermäßigung für Kleinstunternehmen und
gemeinnützige Organisationen angekündigt; sie gilt für Anmeldegebühren und
Jahresgebühren bis zur Erteilung.
"""

SERVER_LANGUAGES = """
import sys
from pathlib import Path
from ip5pub import layoutserver
from ip5pub.render.chunked import worker

layoutserver.start(Path(sys.argv[1]))
runner = worker.Runner(2)
runner.warm()
runner.settle()
print(" ".join(runner.submit(eval, "sorted(map(str, __import__('pyphen').hdcache))")()))
runner.close()
"""


@pytest.mark.slow  # lays a PDF out and starts the fork server
def test_the_server_reads_the_hyphenation_patterns_of_the_last_builds_languages(tmp_path):
    import pyphen

    def patterns(lang: str) -> str:
        return str(pyphen.LANGUAGES[pyphen.language_fallback(lang)])

    def server_read(output: Path) -> list[str]:
        return subprocess.run([sys.executable, "-c", SERVER_LANGUAGES, str(output)], capture_output=True, text=True,
                              check=True, cwd=ROOT).stdout.split()

    # A folder no build has written to: English, the house default.
    assert server_read(tmp_path / "nothing") == [patterns("en")]

    realistic(tmp_path / "sources", 4)
    (tmp_path / "sources" / "epo-gebuehren.md").write_text(GERMAN, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "ip5pub", "render", "-f", "pdf", "-q"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "de" in (tmp_path / "build/.cache/hyphenation.json").read_text(encoding="utf-8")
    # The next build's workers find German read before their first line.
    assert server_read(tmp_path / "build") == sorted([patterns("de"), patterns("en")])


def _collecting() -> bool:
    import gc

    return gc.isenabled()


def test_a_build_runs_without_the_cycle_collector_and_its_workers_with_it(tmp_path, monkeypatch):
    """The build's process makes no cycles worth the collector's passes over
    its objects; a worker forked from it (the normalize pool) collects as usual."""
    import gc
    from concurrent.futures import ProcessPoolExecutor

    from ip5pub import pipeline, system

    seen = []
    normalize = pipeline.normalize_sources

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        with ProcessPoolExecutor(max_workers=1, initializer=system.outlive_not, initargs=(os.getpid(),)) as pool:
            seen.append(pool.submit(_collecting).result())
        return normalize(*args, **kwargs)

    monkeypatch.setattr(pipeline, "normalize_sources", watched)
    ws = tmp_path / "ws"
    realistic(ws / "sources", 3)
    monkeypatch.chdir(ws)
    assert gc.isenabled()
    from ip5pub.cli import main

    with pytest.raises(SystemExit) as done:
        main(["render", "-f", "txt", "-q"])
    assert done.value.code == 0
    assert seen == [False, True]  # off in the build, on in its worker
    assert gc.isenabled()  # and on again after it


TOLD = """
import dataclasses, sys
from ip5pub.render.chunked import tree, worker

html = "<html lang=en><body>" + "".join(f"<h2 id=s{k}>Section {k}</h2>" + "<p>Patent term adjustment. " * 60
                                         for k in range(40)) + "</body></html>"
job = worker.Job(tree.parse(html), "file:///nowhere/", "@page { size: A6 }", ())
for jobs in (2, 1):
    runner = worker.Runner(jobs)
    call = runner.lay(worker.layout, job)
    told = call.pages()
    laid = call.result()[0]
    same = {f.name: getattr(told, f.name) == getattr(laid, f.name) for f in dataclasses.fields(laid)}
    print(jobs, told.pages, len(told.pdf), bool(told.states), len(laid.pdf) > 0, bool(laid.states),
          sorted(k for k, v in same.items() if not v))
    runner.lay(worker.layout, job)  # told, never asked: close() must not wait for it
    print(jobs, "furniture told:", not runner.lay(worker.layout_furniture, job).pages().pdf)
    try:
        runner.lay(worker.layout, dataclasses.replace(job, root=None)).pages()
    except Exception as exc:
        print(jobs, "failed:", type(exc).__name__)
    runner.close()
"""


@pytest.mark.slow  # lays documents out in the fork server's workers
def test_a_worker_tells_what_its_pages_hold_before_it_draws_them():
    """The build lays the furniture out while the content documents' pages
    are drawn (a third of a chunk's time): a worker tells their names,
    anchors and references as soon as they are laid out. What it tells is
    the result without its PDF and page states; a layout that fails says so
    there; one laid out here is its result."""
    proc = subprocess.run([sys.executable, "-c", TOLD], capture_output=True, text=True, timeout=180, check=False,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    pages = int(lines[0].split()[1])
    assert pages > 20, lines  # enough to draw for a while
    assert lines[0] == f"2 {pages} 0 False True True ['pdf', 'states']", lines
    # The furniture's pages are never asked before its result: it does not tell them.
    assert lines[1:3] == ["2 furniture told: False", "2 failed: AttributeError"], lines
    assert lines[3] == f"1 {pages} {lines[3].split()[2]} True True True []", lines
    assert int(lines[3].split()[2]) > 0
    assert lines[4:] == ["1 furniture told: False", "1 failed: AttributeError"], lines
