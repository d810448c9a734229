"""Response bodies within a byte budget, decoded (gzip, deflate, br) by us.

httpx's own decoders inflate each received chunk whole: a few kilobytes of
brotli can stand for gigabytes. Here the raw bytes are inflated with an
output bound per call, so a body is cut at the budget however it was
compressed, and no more than the budget (plus one chunk) is ever held.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterable

CHUNK = 64 * 1024


class TooLarge(Exception):
    pass


class BadEncoding(Exception):
    pass


class SlowBody(Exception):
    pass


def accepted() -> str:
    """The Accept-Encoding ip5pub can decode."""
    try:
        import brotli  # noqa: F401
    except ImportError:
        return "gzip, deflate"
    return "gzip, deflate, br"


def _zlib(wbits: int) -> Callable[[bytes], Iterable[bytes]]:
    inflater = zlib.decompressobj(wbits)
    raw_tried = wbits != zlib.MAX_WBITS  # 'deflate' is zlib-wrapped, but some servers send it raw

    def decode(data: bytes) -> Iterable[bytes]:
        nonlocal inflater, raw_tried
        try:
            out = inflater.decompress(data, CHUNK)
        except zlib.error:
            if raw_tried:
                raise
            raw_tried = True
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            out = inflater.decompress(data, CHUNK)
        raw_tried = True
        yield out
        while inflater.unconsumed_tail:
            yield inflater.decompress(inflater.unconsumed_tail, CHUNK)

    return decode


def _brotli() -> Callable[[bytes], Iterable[bytes]]:
    import brotli

    inflater = brotli.Decompressor()

    def decode(data: bytes) -> Iterable[bytes]:
        yield inflater.process(data, output_buffer_limit=CHUNK)
        while not inflater.is_finished() and not inflater.can_accept_more_data():
            yield inflater.process(b"", output_buffer_limit=CHUNK)

    return decode


def _decoder(encoding: str) -> Callable[[bytes], Iterable[bytes]]:
    name = encoding.strip().lower()
    if name in ("", "identity"):
        return lambda data: (data,)
    if name in ("gzip", "x-gzip"):
        return _zlib(zlib.MAX_WBITS | 16)
    if name == "deflate":
        return _zlib(zlib.MAX_WBITS)
    if name == "br" and "br" in accepted():
        return _brotli()
    raise BadEncoding(f"the response is compressed as {encoding!r:.30}, which ip5pub does not read")


def read_body(raw: Iterable[bytes], encoding: str, limit: int, deadline: float,
              clock: Callable[[], float] = time.monotonic) -> bytes:
    """The decoded body from the raw chunks: TooLarge past `limit` bytes,
    SlowBody when it is still arriving at `deadline` (a server dripping a byte
    at a time never trips the read timeout)."""
    if "," in encoding:
        raise BadEncoding(f"the response is compressed twice ({encoding!r:.40}), which ip5pub does not read")
    decode = _decoder(encoding)
    out = bytearray()
    try:
        for chunk in raw:
            for piece in decode(chunk):
                out += piece
                if len(out) > limit:
                    raise TooLarge(f"the response is over {limit // 1048576} MiB: cut, not saved")
            if clock() > deadline:
                raise SlowBody("the response was still arriving when the time allowed ran out: not saved")
    except _damaged() as exc:
        raise BadEncoding(f"the response's {encoding} compression is damaged ({exc})") from None
    return bytes(out)


def _damaged() -> tuple[type[Exception], ...]:
    try:
        import brotli
    except ImportError:
        return (zlib.error,)
    return (zlib.error, brotli.error)
