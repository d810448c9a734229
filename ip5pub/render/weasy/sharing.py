"""Equal computed styles made once.

WeasyPrint 70 gives elements that have the same parent style, match the
same rules and carry the same own declarations one computed style, but it
reads an element's `lang` and `id` attributes as own declarations, parsed
anew for each element: no element with either shared a style, nor did
anything inside it. The contents, the at-a-glance table and the index of
offices mark every title with its notice's language, and each of their
rows had styles of its own (a brief of 500 notices: 500 in the contents,
500 in the index); every story is an article with an id and a language. It also computes every element's `::before` and `::after`
styles, though elements of one style that match the same rules have the
same ones (the contents' leaders, the page references).

Here a style's kind is its parent's kind and its cascaded declarations
(a language by its value, an anchor left out): elements and
pseudo-elements of one kind get one computed style. An element that sets
an anchor gets its own, as its anchor is its own, but the elements inside
it share the styles of those inside its equals: no property of theirs
reads an anchor. A computed style holds nothing else of its element
(`attr()`, counters and targets are read when boxes are built). Laid out
alone, the 500-notice brief's back matter took 12.1 G instructions, 9.9 G
with this patch; its front matter 11.1 G, 9.6 G; a chunk of 43 story
pages 14.0 G, 13.6 G; the same bytes (tests/test_weasy_patches.py).
"""

from __future__ import annotations

from typing import Any

from ip5pub.render.weasy.installer import Installer

_KINDS = "_ip5pub_kinds"  # on a StyleFor while its cascade runs: (style by kind, kind by key, kind by style id)


@Installer
def equal_styles_shared() -> bool:
    """Styles of one kind computed once per document. Once per process; on
    a WeasyPrint whose cascade is made otherwise, nothing is changed."""
    try:
        import inspect

        from weasyprint import css

        style_for = css.StyleFor
        make, compute = style_for.__init__, style_for.set_computed_styles
        params = list(inspect.signature(compute).parameters)
        source = inspect.getsource(make)
    except (ImportError, AttributeError, ValueError, OSError, TypeError):
        return False
    if (params != ["self", "element", "parent", "root", "pseudo_type", "base_url", "target_collector"]
            or "self._cascaded_styles.clear()" not in source):
        return False

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        setattr(self, _KINDS, ({}, {}, {}))
        try:
            make(self, *args, **kwargs)
        finally:
            delattr(self, _KINDS)

    def set_computed_styles(self: Any, element: Any, parent: Any, root: Any = None, pseudo_type: str | None = None,
                            base_url: str | None = None, target_collector: Any = None) -> None:
        kinds = self.__dict__.get(_KINDS)
        if kinds is None or parent is None:  # after the cascade (page styles), or the root
            compute(self, element, parent, root, pseudo_type, base_url, target_collector)
            return
        # During the cascade, which keeps every object whose id is taken here.
        styles, by_key, by_style = kinds
        cascaded = self._cascaded_styles.get((element, pseudo_type), {})
        parent_style = self._computed_styles[parent, None]
        key = (by_style.get(id(parent_style), ("own", id(parent_style))), pseudo_type,
               tuple((name, _language(value) if name == "lang" else id(value), weight)
                     for name, (value, weight) in cascaded.items() if name != "anchor"))
        kind = by_key.setdefault(key, len(by_key))
        anchored = "anchor" in cascaded
        if not anchored:
            found = styles.get(kind)
            if found is not None:
                self._computed_styles[element, pseudo_type] = found
                return
        compute(self, element, parent, root, pseudo_type, base_url, target_collector)
        style = self._computed_styles.get((element, pseudo_type))
        if style is not None:  # another patch may compute it later, when asked (styles.py)
            by_style[id(style)] = kind
            if not anchored:
                styles[kind] = style

    style_for.__init__ = init
    style_for.set_computed_styles = set_computed_styles
    return True


def _language(value: Any) -> Any:
    """A language's value as part of a key (each element has its own object of it)."""
    try:
        hash(value)
    except TypeError:
        return id(value)
    return value
