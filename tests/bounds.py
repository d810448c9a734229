"""Hostile inputs of a given size, written here (shared by the bound tests and bench/adversarial.py)."""

from __future__ import annotations

import io
import os
import random
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

_CONTENT_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="xml" ContentType="application/xml"/></Types>')
_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/></Relationships>')


def _docx(document: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", document)
    return buf.getvalue()


def heavy_docx(inflated: int = 45_000_000) -> bytes:
    """An honest Word file inside both limits (about 5 MB, inflating about 9:1 to
    `inflated` bytes): paragraphs of made-up words with their run properties."""
    rnd = random.Random(7)
    words = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9))) for _ in range(300)]
    parts = [b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             b"<w:body>"]
    size = 0
    while size < inflated:
        text = " ".join(rnd.choice(words) for _ in range(12))
        para = (f'<w:p><w:pPr><w:pStyle w:val="Normal"/><w:spacing w:after="0"/></w:pPr><w:r><w:rPr><w:b/><w:i/>'
                f'<w:sz w:val="24"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>').encode()
        parts.append(para)
        size += len(para)
    parts.append(b"</w:body></w:document>")
    return _docx(b"".join(parts))


def lying_docx(inflated: int = 200 * 1024 * 1024, declared: int = 1000) -> bytes:
    """A zip bomb whose directory under-declares what its member inflates to."""
    data = bytearray(_docx(b"<w:document>" + b"\0" * inflated))
    name = b"word/document.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[at + size_at:at + size_at + 4] = declared.to_bytes(4, "little")
            at = data.find(signature, at + 4)
    return bytes(data)


def measured(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600):
    """Run `ip5pub ARGS` in a fresh process: (completed process, seconds, peak RSS in MiB of any
    process it started, pandoc and workers included)."""
    probe = ("import resource, subprocess, sys, json, time\n"
             "t = time.perf_counter()\n"
             "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "s = time.perf_counter() - t\n"
             "sys.stdout.write(json.dumps([p.returncode, p.stdout, p.stderr, s,"
             " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))\n")
    out = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "ip5pub", *args], cwd=cwd,
                         capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})
    import json

    code, stdout, stderr, seconds, rss_kib = json.loads(out.stdout)
    return subprocess.CompletedProcess(args, code, stdout, stderr), seconds, rss_kib / 1024


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def elapsed(fn, *args):
    t = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - t


_OFFICES = ["CNIPA", "EPO", "JPO", "KIPO", "USPTO", "WIPO"]
_WORDS = ("applicants office examiners filing fees guidance notice procedure search report patent design trademark "
          "renewal portal system users period request decision appeal opposition hearing translation priority "
          "classification database statistics quarter region programme pilot partner exchange training").split()


def same_day_feed(n: int, name_offices: bool = False, seed: int = 11) -> bytes:
    """An RSS feed of `n` items published the same day, each with its own made-up text
    (about 80 words); with `name_offices`, every body names two offices and a few numbers."""
    rnd = random.Random(seed)
    items = []
    for i in range(n):
        words = [rnd.choice(_WORDS) for _ in range(80)]
        if name_offices:
            a, b = rnd.sample(_OFFICES, 2)
            words[5:5] = ["the", a, "and", "the", b, "reported", str(rnd.randint(1000, 99999)), "requests", "and",
                          f"{rnd.randint(1, 99)}%", "growth"]
        body = " ".join(words).capitalize() + "."
        items.append(f"<item><title>Item {i + 1}: {' '.join(words[:4])}</title><link>https://news.example.org/{i + 1}"
                     f"</link><pubDate>Tue, 29 Jun 2021 08:00:00 GMT</pubDate><description>{body}</description></item>")
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Example IP news</title>'
            "<link>https://news.example.org/</link><description>Daily items</description>"
            + "".join(items) + "</channel></rss>").encode()


def short_paragraph_page(n: int = 16_000, seed: int = 3) -> bytes:
    """A saved page whose article is `n` short paragraphs (what made paragraph recovery quadratic)."""
    rnd = random.Random(seed)
    paras = "".join(f"<p>{' '.join(rnd.choice(_WORDS) for _ in range(6)).capitalize()} {i}.</p>" for i in range(n))
    return ("<!DOCTYPE html><html><head><title>Notice with many paragraphs - Example office</title>"
            '<meta property="article:published_time" content="2021-06-30"></head><body><nav><a href="/">Home</a>'
            f"</nav><article><h1>Notice with many paragraphs</h1><div>{paras}</div></article>"
            "<footer>Contact us</footer></body></html>").encode()


def text_page(size: int = 9_900_000, seed: int = 5) -> bytes:
    """A saved page of `size` bytes that is nearly all text, in short paragraphs."""
    rnd = random.Random(seed)
    out, total = [], 0
    while total < size:
        p = f"<p>{' '.join(rnd.choice(_WORDS) for _ in range(rnd.randint(3, 12))).capitalize()}.</p>"
        out.append(p)
        total += len(p)
    return ("<html><head><title>Long page</title></head><body><article><h1>Long page</h1><p>Published 2021-06-30</p>"
            + "".join(out) + "</article></body></html>").encode()
