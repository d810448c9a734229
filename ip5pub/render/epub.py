"""The EPUB 3 bundle: a Markdown book from the templates, built by pandoc."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

from ip5pub.model import Brief
from ip5pub.output import atomic_write
from ip5pub.render import RenderContext, template_context
from ip5pub.templates import stylesheet

SUFFIX = ".epub"


def identifier(brief: Brief) -> str:
    """Stable across rebuilds of the same collection (pandoc would pick a random uuid)."""
    digest = hashlib.sha256("\n".join([brief.title, *sorted(n.id for n in brief.notices)]).encode()).hexdigest()
    return f"urn:ip5pub:{digest[:32]}"


def build_markdown(brief: Brief, ctx: RenderContext) -> str:
    return ctx.env.get_template("brief.epub.md").render(**template_context(brief, ctx, identifier=identifier(brief)))


def render(brief: Brief, ctx: RenderContext, out: Path) -> Path:
    import pypandoc

    source = build_markdown(brief, ctx)
    with tempfile.TemporaryDirectory(prefix="ip5pub-epub-") as tmp:
        target = Path(tmp) / "brief.epub"
        args = [
            pypandoc.get_pandoc_path(), "--sandbox",
            "--from", "commonmark_x-raw_html+attributes",
            "--to", "epub3", "--split-level=1", "--epub-title-page=false",
            "--output", str(target),
        ]
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(ctx.epoch)}
        proc = subprocess.run(args, input=source.encode(), capture_output=True, env=env, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"pandoc failed: {proc.stderr.decode(errors='replace').strip()[:500]}")
        css = stylesheet(ctx.workspace, "epub.css").read_bytes()
        return atomic_write(out, repack(target.read_bytes(), {"EPUB/styles/stylesheet1.css": css}, ctx.epoch))


def repack(epub: bytes, replace: dict[str, bytes], epoch: int) -> bytes:
    """Rewrite the EPUB zip: replace members, fix every timestamp to `epoch`.

    pandoc's --sandbox forbids it from reading our stylesheet, so the house
    CSS goes in here; `mimetype` stays first and stored, as EPUB requires.
    """
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip cannot store dates before 1980
    src = zipfile.ZipFile(io.BytesIO(epub))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as dst:
        for info in src.infolist():
            data = replace.get(info.filename, src.read(info.filename))
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.external_attr = 0o644 << 16
            member.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            dst.writestr(member, data)
    return buffer.getvalue()
