"""A document laid out again from one of its pages, with the state the last
layout had there, until its pages catch up with the last layout's.

WeasyPrint starts each page from a state it keeps in `context.page_maker`:
where the page resumes in the box tree (nested child indexes), the next
page's break and name, its side, and the counters, quotes and page groups
in force. Every layout here keeps those states (plain data, encoded by
`encode`); a document whose first pages are unchanged can then be laid out
from page `start` with the state the last layout had there, and stop at
the first later page whose start state equals the last layout's and whose
position is past every change (`Plan.past`): from there the last layout's
pages are the pages. A page is a place to start or stop only when nothing
was carried into it that the state does not hold (a footnote that did not
fit, an out-of-flow box broken across the page): its state is kept as None.

The document's page count (`pages`) is left out of the states: a resumed
layout counts only its own pages, and the chunked layout refuses styles that
draw it in the content (css.unsupported).
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ip5pub.render.weasy.installer import Installer

_recorded: list[Any] | None = None  # the encoded start states of this process's last layout
_plan: Plan | None = None


@dataclass
class Plan:
    """Lay pages out from `start`, from `states` (the last layout's, decoded;
    None where it may not start or stop); stop where `past(root_box,
    resume_at)` says the position follows every change and the state is the
    last layout's. `stop` is then that page's index."""

    start: int
    states: list[Any]
    past: Callable[[Any, Any], bool]
    stop: int | None = None
    passes: int = 0
    clean: dict[int, bool] = field(default_factory=dict)  # page index -> nothing carried into it


class Unencodable(ValueError):
    pass


def encode(value: Any) -> Any:
    """A state as JSON data, its types kept (tuples, sets, integer keys)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, tuple):
        return {"t": [encode(v) for v in value]}
    if isinstance(value, list):
        return {"l": [encode(v) for v in value]}
    if isinstance(value, (set, frozenset)) and all(isinstance(v, str) for v in value):
        return {"s": sorted(value)}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"m": {k: encode(v) for k, v in value.items()}}
    if isinstance(value, dict) and all(isinstance(k, int) and not isinstance(k, bool) for k in value):
        return {"i": [[k, encode(v)] for k, v in value.items()]}
    raise Unencodable(type(value).__name__)


def decode(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    (tag, inner), = data.items()
    if tag == "t":
        return tuple(decode(v) for v in inner)
    if tag == "l":
        return [decode(v) for v in inner]
    if tag == "s":
        return set(inner)
    if tag == "m":
        return {k: decode(v) for k, v in inner.items()}
    if tag == "i":
        return {int(k): decode(v) for k, v in inner}
    raise Unencodable(tag)


def _state(entry: Any) -> Any:
    """A page_maker entry's start state, without the document's page count."""
    resume_at, next_page, right_page, (quotes, counters, scopes, groups) = copy.deepcopy(entry[:4])
    counters.pop("pages", None)
    return resume_at, next_page, right_page, (quotes, counters, scopes, groups)


def _entry(state: Any) -> tuple[Any, ...]:
    """A page_maker entry for a state, as a first layout pass has it."""
    resume_at, next_page, right_page, (quotes, counters, scopes, groups) = copy.deepcopy(state)
    counters = {"pages": [0], **counters}
    remake = {"content_changed": False, "pages_wanted": False, "anchors": [], "content_lookups": []}
    return resume_at, next_page, right_page, (quotes, counters, scopes, groups), remake


def _carried(context: Any) -> bool:
    return bool(getattr(context, "reported_footnotes", None) or getattr(context, "broken_out_of_flow", None))


@Installer
def page_states_kept() -> bool:
    """Every layout keeps its pages' start states; a Plan lays out from one."""
    import inspect

    try:
        from weasyprint import layout as layouts
        from weasyprint.layout import page as paged

        original, remake = paged.make_all_pages, paged.remake_page
        params = list(inspect.signature(original).parameters)
    except (ImportError, AttributeError, ValueError):
        return False
    if layouts.make_all_pages is not original or params != ["context", "root_box", "html", "pages"]:
        return False

    def make_all_pages(context: Any, root_box: Any, html: Any, pages: Any) -> Iterator[Any]:
        if _plan is None:
            yield from _recording(original(context, root_box, html, pages), context)
        else:
            yield from _resumed(_plan, remake, context, root_box, html, pages)

    paged.make_all_pages = layouts.make_all_pages = make_all_pages
    return True


def _recording(made: Iterator[Any], context: Any) -> Iterator[Any]:
    clean = [True]
    for page in made:
        clean.append(not _carried(context))
        yield page
    _record(context.page_maker, clean)


def _record(entries: list[Any], clean: list[bool]) -> None:
    global _recorded
    states: list[Any] = []
    for entry, ok in zip(entries, clean):
        try:
            states.append(encode(_state(entry)) if ok else None)
        except (Unencodable, ValueError, TypeError):
            states.append(None)
    _recorded = states


def _resumed(plan: Plan, remake: Callable[..., Any], context: Any, root_box: Any, html: Any,
             pages: Any) -> Iterator[Any]:
    """WeasyPrint's make_all_pages from page `plan.start`: the pages before are
    not made, and it stops at the last layout's pages once they are the same."""
    plan.passes += 1
    if plan.passes == 1:
        context.page_maker = [_entry(state) for state in plan.states[:plan.start + 1]]
    context.rendered_notes = []
    i = plan.start
    while True:
        remake_state = context.page_maker[i][-1]
        if len(pages) <= i - plan.start or remake_state["content_changed"] or remake_state["pages_wanted"]:
            remake_state.update(content_changed=False, pages_wanted=False, anchors=[], content_lookups=[])
            page, resume_at = remake(i, context, root_box, html)
            plan.clean[i + 1] = not _carried(context)
            yield page
        else:
            resume_at = context.page_maker[i + 1][0]
            yield pages[i - plan.start]
        i += 1
        if resume_at is None and not context.reported_footnotes:
            context.page_maker = context.page_maker[:i + 1]
            break
        if plan.stop is not None:
            if i == plan.stop:
                break
        elif (plan.clean.get(i, False) and i < len(plan.states) and plan.states[i] is not None
              and _state(context.page_maker[i]) == plan.states[i] and plan.past(root_box, resume_at)):
            plan.stop = i
            break
    clean = [plan.states[k] is not None if k <= plan.start else plan.clean.get(k, False) for k in range(i + 1)]
    _record(context.page_maker[:i + 1], clean)


def recorded() -> list[Any] | None:
    """The encoded start states of the pages of this process's last layout
    (one more than its pages: where a page after the last would start)."""
    return _recorded


@contextlib.contextmanager
def resuming(plan: Plan) -> Iterator[Plan]:
    """Layouts in this block follow `plan` (one document at a time)."""
    global _plan
    page_states_kept()
    _plan = plan
    try:
        yield plan
    finally:
        _plan = None


def _down(root_box: Any, resume_at: Any) -> Iterator[Any]:
    """The boxes down the path `resume_at` (nested child indexes), outermost first."""
    box, path = root_box, resume_at
    while path:
        (index, path), = path.items()
        children = getattr(box, "children", None)
        if children is None or index >= len(children):
            return
        box = children[index]
        yield box


def element_at(root_box: Any, resume_at: Any, tag: str) -> Any:
    """The element of the first box named `tag` down the path `resume_at`
    (None: the path reaches no such box)."""
    return next((box.element for box in _down(root_box, resume_at) if getattr(box, "element_tag", None) == tag),
                None)


def deepest(root_box: Any, resume_at: Any) -> Any:
    """The element of the deepest box down the path `resume_at` (None: the
    path reaches no box with one; an element without children is falsy)."""
    found = None
    for box in _down(root_box, resume_at):
        element = getattr(box, "element", None)
        if element is not None:
            found = element
    return found
