"""Styles WeasyPrint computes that no box asks for.

WeasyPrint 70's own stylesheet has universal rules for six pseudo-elements
(`::marker`, `::footnote-call`, `::footnote-marker`, `::note-call`,
`::note-marker`, `::note-callback`), so its cascade gives every element six
pseudo-element styles and computes each of them, though only a list item
draws a marker and only a footnote or a note its calls: 19,000 styles for
the 3,169 elements of a 500-notice brief's back matter. This patch changes
when they are computed, never what (tests/test_weasy_patches.py compares
the bytes).
"""

from __future__ import annotations

from typing import Any

from ip5pub.render.weasy.installer import Installer

# The pseudo-elements the user-agent stylesheet gives every element.
ON_REQUEST = frozenset(("marker", "footnote-call", "footnote-marker", "note-call", "note-marker", "note-callback"))
_WAITING = "_ip5pub_waiting"  # on a StyleFor: (element, pseudo) -> what computes it
_CASCADING = "_ip5pub_cascading"  # on a StyleFor while its cascade runs


@Installer
def pseudo_styles_when_asked() -> bool:
    """Each element's marker, footnote and note styles are computed the first
    time a box asks for them, from the values the cascade gave them.

    A computed style reads its element's style and its cascaded values only
    when one of its properties is first read, and WeasyPrint reads the six
    only to build the boxes that show them; its cascade computed each one to
    note whether it sets an anchor. One that does is still computed during
    the cascade. Once per process; on a WeasyPrint whose cascade is made
    otherwise, nothing is changed.
    """
    try:
        import inspect

        from weasyprint import css

        style_for = css.StyleFor
        make, compute, get = style_for.__init__, style_for.set_computed_styles, style_for.__call__
        params = [list(inspect.signature(f).parameters) for f in (compute, get)]
        known = css.PSEUDO_ELEMENTS
    except (ImportError, AttributeError, ValueError):
        return False
    if params != [["self", "element", "parent", "root", "pseudo_type", "base_url", "target_collector"],
                  ["self", "element", "pseudo_type"]] or not ON_REQUEST.issubset(known):
        return False

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        setattr(self, _WAITING, {})
        setattr(self, _CASCADING, True)
        try:
            make(self, *args, **kwargs)
        finally:
            setattr(self, _CASCADING, False)

    def set_computed_styles(self: Any, element: Any, parent: Any, root: Any = None, pseudo_type: str | None = None,
                            base_url: str | None = None, target_collector: Any = None) -> None:
        if pseudo_type in ON_REQUEST and self.__dict__.get(_CASCADING):
            cascaded = self._cascaded_styles.get((element, pseudo_type), {})
            if "anchor" not in cascaded:
                # The cascade empties its table when it ends: keep this entry.
                self.__dict__[_WAITING][element, pseudo_type] = (parent, root, base_url, cascaded)
                return
        compute(self, element, parent, root, pseudo_type, base_url, target_collector)

    def call(self: Any, element: Any, pseudo_type: str | None = None) -> Any:
        if pseudo_type in ON_REQUEST:
            waiting = self.__dict__.get(_WAITING)
            found = waiting.pop((element, pseudo_type), None) if waiting else None
            if found is not None:
                parent, root, base_url, cascaded = found
                table = self._cascaded_styles
                table[element, pseudo_type] = cascaded
                try:
                    compute(self, element, parent, root, pseudo_type, base_url, None)
                finally:
                    del table[element, pseudo_type]
        return get(self, element, pseudo_type)

    style_for.__init__ = init
    style_for.set_computed_styles = set_computed_styles
    style_for.__call__ = call
    return True
