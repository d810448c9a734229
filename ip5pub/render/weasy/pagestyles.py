"""Page styles computed once per kind of page, not once per page.

WeasyPrint 70 gives every page a page type that holds its index, and
computes the page's style and each margin box's style afresh for it: the
`@page` rules matched again, then every property of sixteen margin boxes
read lazily once more as the page is laid out (about a thousand computed
values a page). Only an `:nth()` selector can tell two pages of the same
side, blankness, name and firstness apart; without one, their styles are
the same values. A furniture document (a blank page per book page, all
margin boxes) spent a third of its layout there: 38 pages took 2.06 G
instructions, 1.39 G with this patch, the same bytes
(tests/test_weasy_patches.py).
"""

from __future__ import annotations

from typing import Any

from ip5pub.render.weasy.installer import Installer

_SHARED = "_ip5pub_page_styles"  # on a StyleFor: kind of page -> {pseudo type: computed style}, or None


@Installer
def page_styles_by_kind() -> bool:
    """Pages of one kind share the styles computed for the first of them.

    A kind is what a page selector other than `:nth()` can match: side,
    blank, name, first. A document whose stylesheets have an `:nth()` page
    selector gets WeasyPrint's own computation, page by page. The styles
    are shared objects, as WeasyPrint already shares each element's style
    between the boxes of its fragments: layout copies a style before it
    changes one of its values, and the page's own counter values are
    standardized the same way each time. Once per process; on a WeasyPrint
    whose page styles are made otherwise, nothing is changed.
    """
    try:
        import inspect

        from weasyprint.css import PageSelectorType
        from weasyprint.layout import page as paged

        original = paged.set_page_type_computed_styles
        params = list(inspect.signature(original).parameters)
        fields = paged.PageType._fields
    except (ImportError, AttributeError, ValueError):
        return False
    if (params != ["page_type", "html", "style_for"] or fields != ("side", "blank", "name", "index", "groups")
            or PageSelectorType._fields != ("side", "blank", "first", "index", "name")):
        return False

    def set_page_type_computed_styles(page_type: Any, html: Any, style_for: Any) -> None:
        shared = style_for.__dict__.get(_SHARED, False)
        if shared is False:
            shared = style_for.__dict__[_SHARED] = None if _has_nth(style_for) else {}
        if shared is None:
            original(page_type, html, style_for)
            return
        computed = style_for._computed_styles
        kind = (page_type.side, page_type.blank, page_type.name, page_type.index == 0)
        styles = shared.get(kind)
        if styles is None:
            original(page_type, html, style_for)
            shared[kind] = {pseudo: style for (element, pseudo), style in computed.items() if element == page_type}
            return
        for pseudo, style in styles.items():
            computed[page_type, pseudo] = style

    paged.set_page_type_computed_styles = set_page_type_computed_styles
    return True


def _has_nth(style_for: Any) -> bool:
    """Whether a page rule of the document's stylesheets tells pages apart by
    their index (also when its stylesheets cannot be read as expected)."""
    try:
        return any(selector[2].index is not None
                   for sheet, _origin, _specificity in style_for._sheets
                   for _rule, selectors, _declarations in sheet.page_rules
                   for selector in selectors)
    except (AttributeError, TypeError, IndexError, ValueError):
        return True
