"""The one Jinja environment every renderer uses.

Templates load from the workspace's styles/ first, then the packaged styles,
so a file of the same name overrides the packaged one; `packaged/NAME` always
reaches the original, so an override can extend what it replaces.
HTML, XHTML, XML, SVG and the EPUB's .opf and .ncx templates autoescape;
text and Markdown templates do not, and use the `md` filter where they emit
notice text into Markdown.

Words are written in English in the templates and translated through
Jinja's i18n extension (`_()`, `gettext()`, `ngettext()`) into the language
of the template's `lang` variable (the brief's language, ip5pub.l10n); the
date, name and list filters use it too.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup
from tinycss2.serializer import serialize_string_value

from ip5pub import l10n, markdown, wrap
from ip5pub.extract.offices import OFFICIAL_NAMES
from ip5pub.model import UNKNOWN_PUBLISHER, Notice
from ip5pub.render.contract import CLASSES
from ip5pub.workspace import Workspace, packaged_styles


def longdate(value: dt.date | None, language: str = l10n.SOURCE_LANGUAGE) -> str:
    return l10n.longdate(value, language)


def period(dates: tuple[dt.date, dt.date] | None, language: str = l10n.SOURCE_LANGUAGE) -> str:
    return l10n.period(dates, language)


def _lang(context: Context) -> str:
    return str(context.get("lang") or l10n.SOURCE_LANGUAGE)


@pass_context
def _gettext(context: Context, message: str) -> str:
    return l10n.translate(_lang(context), message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return l10n.translate_plural(_lang(context), singular, plural, n)


@pass_context
def css_gettext(context: Context, message: str, **css: str) -> Markup:
    """A message as the value of a CSS `content` property: its words as CSS
    strings, each %(name)s placeholder as the CSS given for it (counters:
    `page="counter(page)"`). For the page furniture, whose numbers CSS draws."""
    parts = re.split(r"%\((\w+)\)s", l10n.translate(_lang(context), message))
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(css[part])
        elif part:
            out.append('"' + serialize_string_value(part).replace("<", "\\3c ") + '"')
    return Markup(" ".join(out) or '""')


@pass_context
def _partial(context: Context, name: str, **ctx: Any) -> str:
    return partial(context.environment, name, _lang(context), **ctx)


def partial(env: Environment, name: str, lang: str = l10n.SOURCE_LANGUAGE, **ctx: Any) -> str:
    """Render a plain-text partial and return a plain str.

    Returning str (not Markup) means an HTML template escapes it like any
    other value, so one partial serves HTML, Markdown and text alike.
    """
    return env.get_template(f"partials/{name}.txt").render(lang=lang, **ctx).strip()


def publisher(notice: Notice, language: str = l10n.SOURCE_LANGUAGE) -> str:
    """Who published a notice, as a reader of the brief's language reads it."""
    if notice.publisher == UNKNOWN_PUBLISHER:
        return l10n.translate(language, "Unknown publisher")  # UNKNOWN_PUBLISHER, written out for the catalogs
    return notice.publisher


def office_name(code: str | None, language: str = l10n.SOURCE_LANGUAGE) -> str:
    name = OFFICIAL_NAMES.get(code or "")
    return l10n.translate(language, name) if name else code or ""


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


def make_env(workspace: Workspace | None = None, bodies: markdown.Bodies | None = None) -> Environment:
    """The one template environment of a build; `bodies` makes the notices'
    body HTML once (markdown.Bodies: the EPUB and the next build share it)."""
    bodies = bodies if bodies is not None else markdown.Bodies()
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
        auto_reload=False,  # one build reads each template once: no stat of its file per use
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
    )
    # newstyle: _("Edition of %(date)s", date=...) formats (and escapes) its values itself.
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    def in_lang(fn: Any) -> Any:
        """A filter that takes the template's language as its last argument."""
        return pass_context(lambda context, value, *args: fn(value, *args, _lang(context)))

    env.filters.update(
        link_notes=link_notes,
        longdate=in_lang(l10n.longdate),
        period=in_lang(l10n.period),
        language_name=in_lang(l10n.language_name),
        office_name=in_lang(office_name),
        publisher=in_lang(publisher),
        # Who reported a notice: its office's code, else its publisher.
        reporter=in_lang(lambda n, language: n.office or publisher(n, language)),
        series=in_lang(l10n.join),
        md=markdown.escape_inline,
        # A notice's own language sets its quotation marks ("…", « … », „…“).
        quotes=lambda text, language=None: markdown.smartquotes(text, language),
        body_html=lambda body, language=None: Markup(bodies.html(body, language)),
        width=wrap.width,
        clip=wrap.clip,
        fill=lambda text, columns, indent='', first=None: wrap.fill(text, columns, indent, first),
    )
    env.tests["web_url"] = lambda value: isinstance(value, str) and markdown.is_web_url(value)
    env.globals.update(partial=_partial, css_gettext=css_gettext)
    return env


def stylesheet(workspace: Workspace | None, name: str) -> Path:
    """The stylesheet to use: the workspace's copy if it has one."""
    if workspace is not None and (workspace.styles / name).is_file():
        return workspace.styles / name
    return packaged_styles() / name
