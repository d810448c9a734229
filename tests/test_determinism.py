"""Two cold builds of a chunked brief are byte for byte the same.

test_cache.py checks this for a single-pass brief; here the PDF is laid out
in chunks (worker processes, a per-chunk cache, pypdf assembly), so the
outputs must not depend on the time zone, the locale, the order the sources
are listed in, or how many workers lay the chunks out.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EPOCH, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate

N = 60  # over the 40 stories of --pdf-layout auto, so this is the layout large briefs get
SIZE = 8
OUTPUTS = ("brief.pdf", "brief.epub", "digest.txt", "digest.txt.json", "brief.html")

def cold_build(ws: Path, jobs: int, **env: str) -> tuple[int, int]:
    """A chunked `render -f all` in a child process; (chunks laid out, chunks in all)."""
    full_env = {**os.environ, **env, "SOURCE_DATE_EPOCH": EPOCH}
    # -v: the chunked layout says how many chunks it laid out ("laid out N of M chunks")
    proc = subprocess.run([sys.executable, "-m", "ip5pub", "render", "-v", "-f", "all", "--jobs", str(jobs),
                           "--pdf-layout", "chunked", "--pdf-chunk-size", str(SIZE)],
                          cwd=ws, env=full_env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    found = re.findall(r"brief\.pdf: laid out (\d+) of (\d+) chunks", proc.stderr)
    assert len(found) == 1, proc.stderr
    return int(found[0][0]), int(found[0][1])


def outputs(ws: Path) -> dict[str, bytes]:
    build = ws / "build"
    files = {name: (build / name).read_bytes() for name in OUTPUTS}
    files.update({f"notices/{p.name}": p.read_bytes() for p in (build / "notices").iterdir()})
    return files


@pytest.mark.slow
def test_chunked_builds_are_identical_whatever_the_time_zone_locale_listing_and_jobs(tmp_path):
    a = tmp_path / "a"
    paths = generate(a / "sources", N)
    # The same sources, created in the reverse order: another directory listing order.
    b = tmp_path / "b"
    (b / "sources").mkdir(parents=True)
    for path in sorted(paths, reverse=True):
        (b / "sources" / path.name).write_bytes(path.read_bytes())
    assert sorted(os.listdir(a / "sources")) == sorted(os.listdir(b / "sources"))

    laid_a, chunks_a = cold_build(a, jobs=1)
    laid_b, chunks_b = cold_build(b, jobs=2, TZ="Asia/Tokyo", LC_ALL="C.UTF-8", LANG="C.UTF-8")

    # Really chunked, in several chunks, every one laid out (cold builds).
    assert chunks_a > 1
    assert (laid_a, chunks_a) == (laid_b, chunks_b) == (chunks_a, chunks_a)

    got_a, got_b = outputs(a), outputs(b)
    assert sum(name.startswith("notices/") for name in got_a) >= N * 9 // 10  # a few generated notices are duplicates
    assert sorted(got_a) == sorted(got_b)
    differ = [name for name in got_a if got_a[name] != got_b[name]]
    assert differ == []
