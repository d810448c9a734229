"""Word files (.docx) through pandoc, then read as Markdown.

The zip is inflated here first, member by member, with a byte budget: the
sizes its directory declares are never trusted (a zip that under-declares them
fails its CRC check and is refused), so a few kilobytes that inflate to
gigabytes are refused after at most MAX_INFLATED bytes. pandoc is the binary
bundled with pypandoc-binary, run by absolute path (never one found on PATH),
with --sandbox (no file or network access beyond its input), its heap bounded
by the GHC runtime (+RTS -M), its address space and CPU time by setrlimit, and
a wall-clock timeout; a conversion over any bound is killed and reported.
"""

from __future__ import annotations

import io
import re
import resource
import signal
import subprocess
import tempfile
import zipfile
import zlib
from importlib.resources import files
from pathlib import Path

from ip5pub.model import Draft, SourceRef
from ip5pub.provenance import Origin, Provenance
from ip5pub.readers.base import FormatReader, ReadError, ReadResult
from ip5pub.readers.context import NO_SITES, ReadContext
from ip5pub.readers.headerlines import HEADER_FIELD, header_block

MAX_INFLATED = 50 * 1024 * 1024  # bytes of all members together, as inflated
MAX_RATIO = 200  # inflated / packed, for anything over a megabyte
PANDOC_HEAP_MIB = 512  # the GHC heap: pandoc stops with "Heap exhausted" past it
PANDOC_ADDRESS_SPACE = 1024 * 1024 * 1024  # the heap plus the runtime and its code
PANDOC_CPU_SECONDS = 60
PANDOC_TIMEOUT = 90  # wall clock, for a pandoc that waits rather than computes
_CHUNK = 64 * 1024


def check_zip(data: bytes) -> None:
    """Inflate every member, counting the bytes; refuse past the budget."""
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "word/document.xml" not in z.namelist():
                raise ReadError("zip file is not a Word document (no word/document.xml)")
            for info in z.infolist():
                with z.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        total += len(chunk)
                        if total > MAX_INFLATED:
                            raise ReadError(f".docx inflates to more than {MAX_INFLATED // 1048576} MiB "
                                                  f"from {len(data):,} bytes: refused as a zip bomb")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, zlib.error) as exc:
        # A CRC that does not match (sizes that lie), a damaged deflate stream, an unknown method.
        raise ReadError(f"not a readable .docx ({' '.join(str(exc).split())[:120]})") from None
    if total > 1024 * 1024 and total / max(len(data), 1) > MAX_RATIO:
        raise ReadError(f".docx inflates to {total:,} bytes from {len(data):,}: refused as a zip bomb")


def pandoc_path() -> Path:
    """The pandoc that pypandoc-binary ships, by absolute path."""
    path = Path(str(files("pypandoc") / "files" / "pandoc"))
    if not path.is_file():
        raise ReadError("the bundled pandoc is missing: reinstall ip5pub (it needs pypandoc-binary)")
    return path


def _limits() -> None:  # in the child, before pandoc starts
    resource.setrlimit(resource.RLIMIT_AS, (PANDOC_ADDRESS_SPACE, PANDOC_ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CPU, (PANDOC_CPU_SECONDS, PANDOC_CPU_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def to_markdown(data: bytes) -> str:
    # commonmark_x with --standalone keeps the Title/Date paragraph styles as YAML metadata.
    to = "commonmark_x-attributes-bracketed_spans-fenced_divs"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.docx"
        src.write_bytes(data)
        command = [str(pandoc_path()), "+RTS", f"-M{PANDOC_HEAP_MIB}m", "-RTS", "--sandbox", "--from=docx", f"--to={to}",
                   "--wrap=none", "--standalone", str(src)]
        try:
            proc = subprocess.run(command, capture_output=True, timeout=PANDOC_TIMEOUT, preexec_fn=_limits,
                                  stdin=subprocess.DEVNULL, cwd=tmp, env={"LANG": "C.UTF-8"})
        except subprocess.TimeoutExpired:
            raise ReadError(f"pandoc took more than {PANDOC_TIMEOUT} s on the .docx: stopped") from None
        except OSError as exc:
            raise ReadError(f"pandoc could not be run ({exc.strerror or exc})") from None
    if proc.returncode == 0:
        return proc.stdout.decode("utf-8", "replace")
    err = " ".join(proc.stderr.decode("utf-8", "replace").split())
    if "Heap exhausted" in err or "out of memory" in err.lower() or proc.returncode == 251:
        raise ReadError(f"pandoc needs more than {PANDOC_HEAP_MIB} MiB of memory for the .docx: stopped")
    if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):  # past the soft, then the hard CPU limit
        raise ReadError(f"pandoc took more than {PANDOC_CPU_SECONDS} s of CPU on the .docx: stopped")
    if proc.returncode < 0:
        raise ReadError(f"pandoc was stopped by signal {-proc.returncode} converting the .docx")
    raise ReadError(f"pandoc could not read the .docx ({err[:120] or f'exit {proc.returncode}'})")


def read(path: Path, data: bytes, ref: SourceRef, context: ReadContext = NO_SITES) -> ReadResult:
    from ip5pub import frontmatter

    check_zip(data)
    try:
        meta, text = frontmatter.split(to_markdown(data))
    except frontmatter.FrontMatterError as exc:
        raise ReadError(f"document properties unreadable: {exc}") from None
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if not paras:
        raise ReadError("the Word document has no text")
    # The Title style is the headline; else the first paragraph (a heading).
    # Header lines under it ("Date: …", "2021-06-29 · Source: …") are metadata.
    hints: dict[str, object] = {}
    origins = Provenance()
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        hints["title"] = meta["title"].strip()
        origins = origins.set("title", Origin("the document's Title"))
        rest = paras
    else:
        hints["title"] = re.sub(r"^#+\s*|\s*#+$", "", paras[0]).strip().strip("*").strip()
        origins = origins.set("title", Origin("the document's first paragraph"))
        rest = paras[1:]
    if meta.get("date"):
        hints["date"] = str(meta["date"])
        origins = origins.set("date", Origin("the document's Date"))
    block, end = header_block(rest, clean=lambda line: line.strip("*_ "), longest=200)
    for fields in block:
        for key, value in fields.items():
            if key in ("date", "publisher") and key not in hints:
                hints[key] = value
                origins = origins.set(key, Origin(f"the {'date' if key == 'date' else 'source'} line under the title"))
    rest = rest[end:]
    body = "\n\n".join(p for p in rest if not HEADER_FIELD.match(p))
    origins = origins.set("body", Origin("the document's paragraphs under the title (pandoc)"))
    if not body.strip():
        raise ReadError("the Word document has no body text under the title")
    return ReadResult([Draft(body=body + "\n", source=ref, hints=hints, origins=origins)])


def _sniff(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04") and b"word/" in head


READER = FormatReader("docx", (".docx",), _sniff, read)
