"""Text for a terminal or a log: nothing read from a source can steer it.

Titles, ids, file names and reasons come from untrusted files. Printed raw,
an ESC or OSC sequence would recolour, retitle or hyperlink the terminal,
and a newline in a file name would forge a second `ip5pub: error:` line.
Every line ip5pub prints goes through `printable` (cli.py's `say`).
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the bidirectional overrides and isolates (they
# reorder what follows them on the line), and lone surrogates (a file name
# that is not UTF-8, decoded by Python with surrogateescape).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    char = m.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the byte the file name had
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """`text` on one line with every control character visible as an escape
    (`\\x1b`, `\\n`); a byte of a non-UTF-8 file name as `\\xe9`."""
    return _UNSAFE.sub(_escape, str(text))


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable_json(text: str) -> str:
    """JSON text (json.dumps already escapes C0) with C1 controls and
    bidirectional overrides escaped too: still valid JSON, safe on a terminal."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
