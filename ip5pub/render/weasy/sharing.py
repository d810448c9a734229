"""Equal computed styles made once, as WeasyPrint's cascade means them to be.

WeasyPrint 70 gives elements that have the same parent style, match the
same rules and carry the same own declarations one computed style. It
reads an element's `lang` attribute as such a declaration, parsed anew
for each element, so no two elements with a `lang` attribute ever
shared one, nor did anything inside them: the contents, the at-a-glance
table and the index of offices mark every title with its notice's
language, and each of their 500 rows had styles of its own. An element's
`::before` and `::after` styles are computed for every element, though
an element of a shared style that matches the same rules has the same
ones: the contents' leaders, the page references. Laid out alone, the
500-notice brief's back matter took 12.1 G instructions, 9.8 G with this
patch; its front matter 11.1 G, 9.6 G; the same bytes
(tests/test_weasy_patches.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_LANG = "-weasy-lang"  # the declaration WeasyPrint makes of a `lang` attribute
_MADE = "_ip5pub_pseudo_styles"  # on a StyleFor while its cascade runs: key -> (style, what keeps the key's ids)

_installed: bool | None = None
_languages: dict[str, tuple[Any, ...]] = {}  # a `lang` attribute -> its declaration, the one object


def equal_styles_shared() -> None:
    """Elements whose only own declaration is their language share it (one
    object per language), so that the cascade's own sharing applies to
    them; an element's pseudo-element style is shared with the elements of
    the same style whose pseudo-element matched the same declarations,
    unless it sets an anchor. A computed style holds nothing of its
    element (`attr()`, counters and targets are read when boxes are
    built), so equal inputs make equal styles. Once per process; on a
    WeasyPrint whose cascade is made otherwise, nothing is changed."""
    global _installed
    if _installed is not None:
        return
    _installed = False
    try:
        import inspect

        from weasyprint import css

        find, style_for = css.find_style_attributes, css.StyleFor
        make, compute = style_for.__init__, style_for.set_computed_styles
        params = [list(inspect.signature(f).parameters) for f in (find, compute)]
        sources = inspect.getsource(find), inspect.getsource(make)
    except (ImportError, AttributeError, ValueError, OSError, TypeError):
        return
    if (params != [["tree", "presentational_hints", "base_url"],
                   ["self", "element", "parent", "root", "pseudo_type", "base_url", "target_collector"]]
            or f"'{_LANG}:\"{{lang}}\"'" not in sources[0]
            or "key = (parent_id, element_declarations, tuple(selectors_keys))" not in sources[1]):
        return

    def find_style_attributes(tree: Any, presentational_hints: bool = False,
                              base_url: str | None = None) -> Iterator[Any]:
        # WeasyPrint yields an element's declarations one after another.
        element: Any = None
        held: list[Any] = []
        for found in find(tree, presentational_hints, base_url):
            if found[1] is not element:
                yield from _language_shared(held)
                element, held = found[1], []
            held.append(found)
        yield from _language_shared(held)

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        setattr(self, _MADE, {})
        try:
            make(self, *args, **kwargs)
        finally:
            delattr(self, _MADE)

    def set_computed_styles(self: Any, element: Any, parent: Any, root: Any = None, pseudo_type: str | None = None,
                            base_url: str | None = None, target_collector: Any = None) -> None:
        made = self.__dict__.get(_MADE)
        cascaded = self._cascaded_styles.get((element, pseudo_type), {}) if made is not None and pseudo_type else None
        if cascaded is None or "anchor" in cascaded:
            compute(self, element, parent, root, pseudo_type, base_url, target_collector)
            return
        # During the cascade: the ids are of objects it keeps until it ends.
        parent_style = self._computed_styles[parent, None]
        key = (id(parent_style), pseudo_type, tuple((name, id(value), weight)
                                                    for name, (value, weight) in cascaded.items()))
        found = made.get(key)
        if found is not None:
            self._computed_styles[element, pseudo_type] = found[0]
            return
        compute(self, element, parent, root, pseudo_type, base_url, target_collector)
        style = self._computed_styles.get((element, pseudo_type))
        if style is not None:  # another patch may compute it later, when asked (styles.py)
            made[key] = (style, parent_style, cascaded)

    css.find_style_attributes = find_style_attributes
    style_for.__init__ = init
    style_for.set_computed_styles = set_computed_styles
    _installed = True


def _language_shared(held: list[Any]) -> list[Any]:
    """An element's (specificity, element, declarations, base URL), its
    language declaration the one object for its language when it is the
    element's only one (with others, the cascade keys the element by the
    last of them, which stays the element's own)."""
    if len(held) == 1:
        specificity, element, declarations, base_url = held[0]
        lang = element.get("lang")
        if (lang is not None and len(declarations) == 1
                and getattr(declarations[0], "lower_name", None) == _LANG):
            return [(specificity, element, _languages.setdefault(lang, tuple(declarations)), base_url)]
    return held
