"""Page references laid out as few times as WeasyPrint's own rules allow.

`target-counter(attr(href url), page)` (the contents, at a glance, the
index) is where WeasyPrint 70 lays a page out more often than its content
changes; these two patches change how often, never what is drawn
(tests/test_weasy_patches.py compares the bytes).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ip5pub.render.weasy.installer import Installer


@Installer
def page_references_in_two_layouts() -> bool:
    """A page with page references is laid out twice, not three times.

    For `target-counter(attr(href url), page)`, WeasyPrint 70's
    `compute_content_list` files the counter it misses under the anchor
    name of the `attr()` token itself, which is None: no target is ever
    matched, and the page that refers to it is not laid out again when the
    target's page becomes known. It gets its numbers by another way: one
    variable holds both the box's own missing counters and the target's,
    so `page` counts as the box's own counter, and the page is laid out
    again each time its own counter values change. They change twice (once
    laid out, once the page count is known): the contents, at a glance and
    the index were laid out three times, the last with the right numbers.
    Here each reference is filed under the anchor its `attr()` names, as
    `lookup_target` resolves it, and a box's own missing counters are those
    its `content` names with `counter()`/`counters()` and lacks: a page
    refers forward is laid out again once its targets are laid out, one
    that refers back once. The same pages, the same bytes. Once per process;
    on a WeasyPrint that files them otherwise, nothing is changed.
    """
    try:
        import inspect

        from weasyprint.css import targets

        collect = targets.TargetCollector.collect_missing_counters
        cache = targets.TargetCollector.cache_target_page_counters
        params = [list(inspect.signature(f).parameters) for f in (collect, cache)]
        resolve = targets.get_url_tuple, targets.anchor_name_from_token
        targets.TargetLookupItem().cached_page_counter_values  # noqa: B018 - what cache reads
    except (ImportError, AttributeError, ValueError):
        return False
    if params != [["self", "parent_box", "css_token", "parse_again_function", "missing_counters",
                   "missing_target_counters"],
                  ["self", "anchor_name", "page_counter_values", "page_maker_index", "page_maker"]]:
        return False

    def collect_missing_counters(self: Any, parent_box: Any, css_token: str, parse_again: Any,
                                 missing_counters: Any, missing_target_counters: Any) -> Any:
        if css_token == "content" and None in missing_target_counters:
            filed = _filed(parent_box, missing_counters, missing_target_counters, *resolve)
            if filed is not None:
                missing_counters, missing_target_counters = filed
        return collect(self, parent_box, css_token, parse_again, missing_counters, missing_target_counters)

    def cache_target_page_counters(self: Any, anchor_name: str, page_counter_values: dict[str, Any],
                                   page_maker_index: int, page_maker: Any) -> Any:
        item = self.target_lookup_items.get(anchor_name)
        if not self.collecting and item is not None and item.state == "up-to-date":
            cached = item.cached_page_counter_values
            if cached != page_counter_values and all(
                    cached.get(name) == page_counter_values.get(name) for lookup in self.counter_lookup_items.values()
                    for name in lookup.missing_target_counters.get(anchor_name, ())):
                # Only counters no reference shows changed (the page count, once known).
                item.page_maker_index = page_maker_index
                item.cached_page_counter_values = copy.deepcopy(page_counter_values)
                return None
        return cache(self, anchor_name, page_counter_values, page_maker_index, page_maker)

    targets.TargetCollector.collect_missing_counters = collect_missing_counters
    targets.TargetCollector.cache_target_page_counters = cache_target_page_counters
    return True


@Installer
def page_references_set_ahead() -> bool:
    """A page that refers back is laid out once, with its numbers.

    When a target is laid out, WeasyPrint marks the references to it on
    pages not laid out yet as pending, and sets their numbers only after
    their page is laid out, which marks that page for another layout (the
    glossary and the index, which refer back to the notices, were laid out
    twice). Here, before each page is laid out, the pending references
    that have never been laid out and show no counter of their own (only
    their targets') get their numbers set: their page is laid out once. A
    reference laid out on the page where its target was just found is
    still set after its layout, as WeasyPrint does. Needs
    `page_references_in_two_layouts` (which files references under their
    anchors); once per process.
    """
    page_references_in_two_layouts()
    if not page_references_in_two_layouts.installed:
        return False
    from weasyprint.css import targets
    from weasyprint.layout import page as paged

    cache, make = targets.TargetCollector.cache_target_page_counters, paged.make_page

    def cache_target_page_counters(self: Any, anchor_name: str, *args: Any) -> Any:
        result = cache(self, anchor_name, *args)
        ahead = vars(self).setdefault("_ip5pub_ahead", [])
        ahead.extend(lookup for (_, token), lookup in self.counter_lookup_items.items()
                     if token == "content" and lookup.pending and lookup.page_maker_index is None
                     and not lookup.missing_counters and anchor_name in lookup.missing_target_counters)
        return result

    def make_page(context: Any, *args: Any, **kwargs: Any) -> Any:
        for lookup in vars(context.target_collector).pop("_ip5pub_ahead", ()):
            if lookup.pending and lookup.page_maker_index is None:
                lookup.parse_again(lookup.cached_page_counter_values)
                lookup.pending = False
        return make(context, *args, **kwargs)

    targets.TargetCollector.cache_target_page_counters = cache_target_page_counters
    paged.make_page = make_page
    return True


def _filed(box: Any, own: list[str], by_target: dict[Any, list[str]], url_tuple: Callable[..., Any],
           anchor_name: Callable[[Any], Any]) -> tuple[list[str], dict[Any, list[str]]] | None:
    """(the box's own missing counters, the targets' by anchor name) as its
    `content` names them, or None to leave WeasyPrint's as they are."""
    try:
        known = box.cached_counter_values or {}
        names, anchors = [], []
        for kind, value in box.style["content"]:
            if kind in ("counter()", "counters()") and value[-1] != "none":
                names.append(value[0])
            elif kind in ("target-counter()", "target-counters()"):
                token = value[0]
                if token[0] == "attr()":
                    attr, type_, fallback = token[1]
                    found = box.element.get(attr, fallback)
                    token = ("url", url_tuple(found, box.style.base_url)) if type_ == "url" else ("string", found)
                anchors.append(anchor_name(token))
    except (AttributeError, KeyError, TypeError, ValueError, IndexError):
        return None  # not the content WeasyPrint 70 computes
    if None in anchors or not anchors:
        return None
    shared = by_target[None]
    if any(own is counters for counters in by_target.values()):
        own = [name for name in dict.fromkeys(names) if name not in known]
    filed = {name: counters for name, counters in by_target.items() if name is not None}
    for name in anchors:
        filed.setdefault(name, list(shared))
    return own, filed
