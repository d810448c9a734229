"""Bytes -> text for every encoding the offices publish in."""

from __future__ import annotations

from typing import Any
import codecs
import re

from ip5pub.readers.base import ReadError

_CANDIDATES = ["gb18030", "big5", "shift_jis", "cp932", "euc_jp", "euc_kr", "cp949", "cp1252"]
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS[1:]):
        return False
    return b"\x00" in head


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode `data`; `declared` is a charset named by the document itself.

    Order: BOM, the document's own declaration, strict UTF-8, then
    charset-normalizer's detection among the encodings we expect.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _clean(data.decode(codec))
    if looks_binary(data):
        raise ReadError("binary data, not text")
    if declared:
        try:
            return _clean(data.decode(_canonical(declared)))
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return _clean(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        bad_utf8 = exc.start
    from charset_normalizer import from_bytes

    # Detect on the text, not the markup: ASCII tags dilute the language
    # statistics that tell Shift_JIS from EUC-KR.
    sample = re.sub(rb"<[^<>]{0,2000}>", b" ", data) if data.lstrip()[:1] == b"<" else data
    results = from_bytes(sample, cp_isolation=_CANDIDATES)
    def rank(m: Any) -> tuple[float, float, int]:
        return -m.coherence, m.chaos, _CANDIDATES.index(m.encoding) if m.encoding in _CANDIDATES else 99

    for match in sorted(results, key=rank):
        try:
            return _clean(data.decode(match.encoding))
        except (UnicodeDecodeError, LookupError):
            continue
    # Partly invalid UTF-8 is rejected, not repaired: U+FFFD in a title, an id or
    # a date line would silently differ from the source; re-saving fixes it.
    raise ReadError("bytes do not decode as any supported encoding (UTF-8, GB18030, Big5, Shift_JIS, "
                          f"EUC-JP, EUC-KR); the first byte that is not UTF-8 is at offset {bad_utf8}")


def _canonical(name: str) -> str:
    name = name.strip().lower()
    # Pages that declare gb2312/gbk routinely use characters only GB18030 has.
    supersets = {"gb2312": "gb18030", "gbk": "gb18030", "x-sjis": "shift_jis", "euc-kr": "cp949", "ks_c_5601-1987": "cp949"}
    return supersets.get(name, name)


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
