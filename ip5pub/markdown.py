"""CommonMark in and out: the one place that knows Markdown syntax.

markdown-it-py renders bodies to HTML for the PDF and gives plain text to the
extraction rules; raw HTML in a body is never passed through (html=False),
so a notice cannot inject markup, scripts or resource loads.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SAFE_SCHEMES = ("http://", "https://", "mailto:")


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    return md


def _safe_url(url: str) -> bool:
    return url.strip().lower().startswith(_SAFE_SCHEMES) or url.startswith("#")


def to_html(body: str) -> str:
    """Body HTML. Images become their alt text: a notice may not load files."""
    md = _parser()
    tokens = md.parse(body)
    for tok in tokens:
        kept = []
        skip_close = 0
        for child in tok.children or ():
            if child.type == "image":
                child.type, child.children = "text", None
            elif child.type == "link_open" and not _safe_url(str(child.attrGet("href") or "")):
                skip_close += 1  # keep the link text, drop the link
                continue
            elif child.type == "link_close" and skip_close:
                skip_close -= 1
                continue
            kept.append(child)
        if tok.children is not None:
            tok.children = kept
    return md.renderer.render(tokens, md.options, {})


_UNSAFE_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?(?:javascript|vbscript|data|file):[^)\n]*\)", re.I)
_UNSAFE_AUTOLINK = re.compile(r"<(?:javascript|vbscript|data|file):[^>\s]*>", re.I)


def drop_unsafe_links(body: str) -> str:
    """Keep the text of links to javascript:, data:, file: ... and drop the target.

    Renderers refuse such links too; doing it in the normalized notice means
    no later consumer of build/notices meets them either.
    """
    return _UNSAFE_AUTOLINK.sub("", _UNSAFE_LINK.sub(r"\1", body))


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


def links(body: str) -> list[str]:
    """Link targets in order of appearance (for footnotes and references)."""
    urls: list[str] = []
    for tok in _parser().parse(body):
        for child in tok.children or ():
            if child.type == "link_open":
                href = child.attrGet("href")
                if href and href not in urls:
                    urls.append(str(href))
    return urls


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
