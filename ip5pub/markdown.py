"""CommonMark in and out: the one place that knows Markdown syntax.

markdown-it-py renders bodies to HTML for the PDF and the EPUB (its XHTML
output is the EPUB's as it stands) and gives plain text to the extraction
rules; raw HTML in a body is never passed through (html=False), so a notice
cannot inject markup, scripts or resource loads.
"""

from __future__ import annotations

import hashlib
import html
import ipaddress
import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any
from urllib.parse import urlsplit

_WEB = ("http://", "https://")

# Quotation marks by the language of the text (CLDR's delimiters; French with
# the narrow no-break spaces French typography puts inside them). Straight
# quotes and apostrophes become these through markdown-it's typographer; a
# language not listed keeps its quotes as written (Chinese, Japanese and
# Korean text has its own marks).
QUOTES: dict[str, str | list[str]] = {
    "en": "“”‘’",
    "fr": ["«\u202f", "\u202f»", "“", "”"],
    "de": "„“‚‘",
}


def _quotes_of(language: str | None) -> str | None:
    """The QUOTES key for a language tag ("en-GB" -> "en"), or None."""
    base = (language or "").split("-")[0].lower()
    return base if base in QUOTES else None


@cache
def _parser(quotes: str | None = None):
    from markdown_it import MarkdownIt

    options: dict[str, Any] = {"html": False, "linkify": False, "typographer": quotes is not None}
    if quotes is not None:
        options["quotes"] = QUOTES[quotes]
    md = MarkdownIt("commonmark", options)
    md.enable("table")
    if quotes is not None:
        md.enable("smartquotes")  # only the quotes: "--", "(c)" and the like stay as written
    return md


def smartquotes(text: str, language: str | None) -> str:
    """Plain text (a title, a summary) with typographic quotes and apostrophes
    for `language`, by the same rule as bodies: "KIPO's" -> "KIPO’s"."""
    quotes = _quotes_of(language)
    if quotes is None or not text or ("'" not in text and '"' not in text):
        return text
    tokens = _parser(quotes).parseInline(escape(text).replace("&", "\\&"))
    out = []
    for child in tokens[0].children or ():
        if child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        else:
            out.append(child.content)
    return "".join(out)


_MAILTO = re.compile(r"mailto:[^@\s]+@\S+", re.I)
_HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?")  # as urlsplit gives it: lower case, IDN in punycode


def _safe_url(url: str) -> bool:
    """A link to the web or to a mail address that can exist: a host and port
    for the web, an address for mail (an EPUB with `http://a%25zz` or a bare
    `mailto:` fails EPUBCheck)."""
    url = url.strip()
    if url.startswith("#"):
        return True
    if url.lower().startswith("mailto:"):
        return bool(_MAILTO.fullmatch(url))
    if not url.lower().startswith(_WEB):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError when out of range
    except ValueError:
        return False
    if ":" in host:  # an IPv6 literal, written [::1]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    return bool(_HOST.fullmatch(host))


def to_html(body: str, demote: int = 0, anchor: Callable[[str], str | None] | None = None,
            language: str | None = None) -> str:
    """Body HTML. Images become their alt text: a notice may not load files.
    Quotes and apostrophes are typographic for the body's `language`.

    `demote` moves headings down that many levels (at most h6), for a page
    whose own title is the h1. `anchor` maps the id of a link to "#id" to
    the link's new target, or None to keep only its text (a page split in
    files knows where each id went, and which ids do not exist).
    """
    md = _parser(_quotes_of(language))
    tokens = md.parse(body)
    for tok in tokens:
        if demote and tok.type in ("heading_open", "heading_close"):
            tok.tag = f"h{min(int(tok.tag[1]) + demote, 6)}"
        kept = []
        skip_close = 0
        for child in tok.children or ():
            if child.type == "image":
                child.type, child.children = "text", None
            elif child.type == "link_open":
                href = str(child.attrGet("href") or "")
                if anchor is not None and href.startswith("#"):
                    target = anchor(href[1:])
                else:
                    target = href if _safe_url(href) else None
                if target is None:
                    skip_close += 1  # keep the link text, drop the link
                    continue
                child.attrSet("href", target)
            elif child.type == "link_close" and skip_close:
                skip_close -= 1
                continue
            kept.append(child)
        if tok.children is not None:
            tok.children = kept
    return md.renderer.render(tokens, md.options, {})


class Bodies:
    """Bodies' HTML as `to_html` makes it without demotion, made once per body
    and language: the PDF's HTML and the EPUB share it within a build, and the
    pipeline keeps a build's bodies in the cache for the next (`known`, by
    `key`), so that a correction renders one body again, not every one (at
    500 notices about a tenth of a second before the PDF's layout can start).
    Safe to share between threads: a body made twice is made the same."""

    def __init__(self, known: Mapping[str, str] | None = None):
        self._known = dict(known or {})
        self._used: dict[str, str] = {}

    @staticmethod
    def key(body: str, language: str | None) -> str:
        return hashlib.sha256(f"{language or ''}\0{body}".encode()).hexdigest()

    def html(self, body: str, language: str | None = None,
             anchor: Callable[[str], str | None] | None = None) -> str:
        """to_html(body, anchor=anchor, language=language). `anchor` changes
        only links to "#id", and a body without one renders the same without it."""
        key = self.key(body, language)
        made = self._used.get(key)
        if made is None:
            made = self._known.get(key)
            if made is None:
                made = to_html(body, language=language)
            self._used[key] = made
        if anchor is not None and 'href="#' in made:
            return to_html(body, anchor=anchor, language=language)
        return made

    def changed(self) -> bool:
        """Whether the bodies this build asked for differ from the ones it was given."""
        return self._used.keys() != self._known.keys()

    def used(self) -> dict[str, str]:
        """The bodies this build asked for, by key: what the next build is given."""
        return dict(sorted(self._used.items()))

    def known(self) -> Bodies:
        """Every body made or given so far, for another process to start
        from (a copy: another thread may be adding to them)."""
        return Bodies({**self._known, **self._used})


# Inline links (one level of parentheses inside the target), autolinks and
# reference definitions, as written in the source: the target is judged after
# entity decoding, as a renderer reads it ("&#106;avascript:" is "javascript:").
_INLINE_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(((?:[^()\n]|\([^()\n]*\))*)\)")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.&#;-]{1,40}:[^<>\s]*)>")
_REFERENCE = re.compile(r"^ {0,3}\[([^\]\n]+)\]:[ \t]*(<[^>\n]*>|\S+)[^\n]*\n?", re.M)


def is_web_url(url: str) -> bool:
    """An http(s) address with a host that can exist (what source.url may be)."""
    return url.strip().lower().startswith(_WEB) and _safe_url(url)


def _kept(target: str) -> bool:
    """Would the renderers keep a link to `target` (as written in the source)?"""
    dest = html.unescape(target.strip())
    if dest.startswith("<"):
        dest = dest[1:dest.index(">")] if ">" in dest else dest[1:]
    else:
        dest = dest.split()[0] if dest.split() else ""  # a title may follow the target
    return _safe_url(dest)


def drop_unsafe_links(body: str) -> str:
    """Keep the text of links the renderers would not keep (javascript:, data:,
    file:, relative or malformed targets) and drop the target.

    Renderers refuse such links too; doing it in the normalized notice means
    no later consumer of build/notices meets them, whatever its Markdown reader.
    """
    refused = {" ".join(m.group(1).split()).casefold() for m in _REFERENCE.finditer(body) if not _kept(m.group(2))}
    if refused:
        body = _REFERENCE.sub(lambda m: "" if " ".join(m.group(1).split()).casefold() in refused else m.group(0), body)
        # "[text][label]", "[label][]" and "[label]" that used a refused definition: their text alone.
        uses = "|".join(re.escape(label) for label in refused)
        body = re.sub(rf"\[([^\]\n]*)\]\[\s*(?:{uses})\s*\]", r"\1", body, flags=re.I)
        body = re.sub(rf"\[\s*({uses})\s*\](?:\[\])?", r"\1", body, flags=re.I)
    body = _INLINE_LINK.sub(lambda m: m.group(0) if _kept(m.group(3)) else m.group(2), body)
    return _AUTOLINK.sub(lambda m: m.group(0) if _kept(m.group(1)) else "", body)


def blocks(body: str) -> list[str]:
    """The text of each paragraph-level block (paragraph, heading, list item, cell)."""
    out: list[str] = []
    current: list[str] = []
    for tok in _parser().parse(body):
        if tok.type == "inline":
            current.append(_inline_text(tok))
        elif tok.type in ("paragraph_close", "heading_close", "th_close", "td_close"):
            text = " ".join(t for t in current if t).strip()
            if text:
                out.append(text)
            current = []
        elif tok.type in ("fence", "code_block"):
            out.append(tok.content.strip())
    return out


def _inline_text(tok) -> str:
    parts: list[str] = []
    for child in tok.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def to_plain(body: str) -> str:
    return "\n\n".join(blocks(body))


_ESCAPE = re.compile(r"([\\`*_{}\[\]<>#|~])")


def escape(text: str) -> str:
    """Plain text -> Markdown that renders back to the same text."""
    text = _ESCAPE.sub(r"\\\1", text)
    # Line starts that CommonMark would read as a list, heading or quote.
    text = re.sub(r"^(\s*)([-+=>])(\s|$)", r"\1\\\2\3", text, flags=re.M)
    text = re.sub(r"^(\s*\d{1,9})([.)])(\s|$)", r"\1\\\2\3", text, flags=re.M)
    return text


def escape_inline(text: str) -> str:
    """Escape for a single line used inside generated Markdown (titles, labels)."""
    return escape(" ".join(text.split()))
