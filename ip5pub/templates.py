"""The one Jinja environment every renderer uses.

Templates load from the workspace's styles/ first, then the packaged styles,
so a file of the same name overrides the packaged one; `packaged/NAME` always
reaches the original, so an override can extend what it replaces.
HTML, XHTML, XML, SVG and the EPUB's .opf and .ncx templates autoescape;
text and Markdown templates do not, and use the `md` filter where they emit
notice text into Markdown.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ip5pub import markdown, wrap
from ip5pub.extract.language import NAMES as LANGUAGE_NAMES
from ip5pub.extract.offices import OFFICIAL_NAMES
from ip5pub.render.contract import CLASSES
from ip5pub.workspace import Workspace, packaged_styles


def longdate(value: dt.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def period(dates: tuple[dt.date, dt.date] | None) -> str:
    if not dates:
        return ""
    first, last = dates
    if first == last:
        return longdate(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%B %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%B} – {longdate(last)}"
    return f"{longdate(first)} – {longdate(last)}"


_LINK = re.compile(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', re.S)


def link_notes(body_html: str) -> Markup:
    """Follow each link in a notice body with a footnote holding its URL.

    Print has no hover: the URL must be on paper, and a link on screen (a
    printed address with no link over it is one a reader cannot follow).
    Works on markdown-it's own output (raw HTML is off), so the pattern is
    exact. A link whose text is already the URL, or that points inside the
    brief, gets no note.
    """

    def note(m: re.Match) -> str:
        href, text = m.group(1), m.group(3)
        if href.startswith("#"):  # a link inside the brief needs no URL on paper
            return m.group(0)
        if htmllib.unescape(re.sub(r"<[^>]+>", "", text)).strip() == htmllib.unescape(href).strip():
            return m.group(0)
        return f'{m.group(0)}<span class="{CLASSES.link_note}"><a href="{href}">{href}</a></span>'

    return Markup(_LINK.sub(note, str(body_html)))


def make_env(workspace: Workspace | None = None) -> Environment:
    packaged = packaged_styles()
    loaders = [FileSystemLoader(str(packaged))]
    if workspace is not None and workspace.styles.is_dir():
        loaders.insert(0, FileSystemLoader(str(workspace.styles)))
    # Sandboxed: templates are trusted, but the sandbox makes sure a notice's
    # data can never reach Python internals through attribute access.
    env = SandboxedEnvironment(
        loader=ChoiceLoader([PrefixLoader({"packaged": FileSystemLoader(str(packaged))}), *loaders]),
        autoescape=select_autoescape(["html", "xhtml", "xml", "svg", "opf", "ncx"], default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        link_notes=link_notes,
        longdate=longdate,
        period=period,
        md=markdown.escape_inline,
        # A notice's own language sets its quotation marks ("…", « … », „…“).
        quotes=lambda text, language=None: markdown.smartquotes(text, language),
        body_html=lambda body, language=None: Markup(markdown.to_html(body, language=language)),
        language_name=lambda code: LANGUAGE_NAMES.get(code or "", code or ""),
        office_name=lambda code: OFFICIAL_NAMES.get(code or "", code or ""),
        width=wrap.width,
        fill=lambda text, columns, indent='', first=None: wrap.fill(text, columns, indent, first),
    )
    env.tests["web_url"] = lambda value: isinstance(value, str) and markdown.is_web_url(value)
    env.globals["partial"] = lambda name, **ctx: _partial(env, name, ctx)
    return env


def _partial(env: Environment, name: str, ctx: dict) -> str:
    """Render a plain-text partial and return a plain str.

    Returning str (not Markup) means an HTML template escapes it like any
    other value, so one partial serves HTML, Markdown and text alike.
    """
    return env.get_template(f"partials/{name}.txt").render(**ctx).strip()


def stylesheet(workspace: Workspace | None, name: str) -> Path:
    """The stylesheet to use: the workspace's copy if it has one."""
    if workspace is not None and (workspace.styles / name).is_file():
        return workspace.styles / name
    return packaged_styles() / name


