"""What a layout resumed from a page may leave out: the content of elements
laid out wholly on earlier pages.

The front or back matter laid out again from one of its pages (weasy.resume)
still had every element's style computed and every box built before its
first page was made. At 500 notices a longer headline lays the index of
offices out again from its page 13 of 15, which took 1.23-1.78 s of CPU
with its 3,167 elements and 0.73-0.92 s with the offices before that page
emptied; the contents from page 16, 0.71-0.97 s and 0.43-0.65 s with the
cover's table and the 228 entries before it emptied (three runs each).
The pages before the start are the last layout's; what the new pages need
of the elements before is their boxes' places in the tree (the start
state's position is a path of child indexes) and the counter and quote
values they leave behind.

Emptying an element (its text and children taken out, itself and the text
after it kept) changes neither when its box is a plain block in a plain
block, as its parent's is (not a table part, a flex or grid item, in
columns, out of flow: it stays one box at its place whatever it holds, and
nothing beside it shares its pages' height; a table is a block holding its
parts, emptied whole or not at all), and nothing inside it sets,
resets or increments a counter, is a list item, draws a quote, floats, is
positioned or has no box (a style element, something hidden: what it does
is not known). Each layout of the matter records what its boxes say of
each element (`statuses`); a later layout from page p empties the
outermost such elements that end before p (`emptiable`, called by
splice.plan_elements). Where the stylesheets could tell an emptied element
apart (a selector on emptiness or on what an element has, a target's text
or counter), nothing is emptied (`allowed`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

# Stylesheet text that could tell an emptied element from the one it was.
_SEEING = (":empty", ":blank", ":has(", "target-", "@import")


@dataclass(frozen=True)
class Numbering:
    """A tree's elements in document order (as root.iter() gives them,
    comments included): each one's parent's place (-1 for the root) and the
    place of its last descendant, and which are comments."""

    parents: list[int]
    ends: list[int]
    comments: list[bool]

    def __len__(self) -> int:
        return len(self.parents)


def number(root: Any) -> Numbering:
    parents: list[int] = []
    ends: list[int] = []
    comments: list[bool] = []
    todo: list[tuple[Any, int, bool]] = [(root, -1, False)]
    open_: list[int] = []  # the places whose last descendant is not yet known, innermost last
    while todo:
        element, parent, leaving = todo.pop()
        if leaving:
            ends[open_.pop()] = len(parents) - 1
            continue
        k = len(parents)
        parents.append(parent)
        ends.append(k)
        comments.append(not isinstance(element.tag, str))
        open_.append(k)
        todo.append((element, parent, True))
        todo.extend((child, k, False) for child in reversed(element))
    return Numbering(parents, ends, comments)


def allowed(root: Any, page_css: str) -> bool:
    """Whether emptying elements is safe for this document's styles: every
    stylesheet is in it (none linked or imported), and none could tell an
    emptied element apart (a selector on emptiness, `:has()`, a target's
    text or counter)."""
    if any((link.get("rel") or "").lower().split().count("stylesheet") for link in root.iter("link")):
        return False
    texts = [page_css, *(style.text or "" for style in root.iter("style")),
             *(element.get("style") or "" for element in root.iter() if isinstance(element.tag, str))]
    return not any(word in text.lower() for text in texts for word in _SEEING)


def emptied(root: Any, numbering: Numbering, empty: set[int]) -> tuple[Any, dict[int, int]]:
    """A copy of the tree with the elements at the places `empty` emptied (no
    text, no children; their attributes and the text after them kept), and
    each copied element's place in the original (id of the copy -> place)."""
    places: dict[int, int] = {}

    def copy(element: Any) -> Any:
        made: Any = ET.Element(element.tag, dict(element.attrib)) if isinstance(element.tag, str) \
            else ET.Comment(element.text)
        made.tail = element.tail
        return made

    top = copy(root)
    places[id(top)] = 0
    todo: list[tuple[Any, Any, int]] = [(root, top, 0)]
    while todo:
        element, made, k = todo.pop()
        if k in empty:
            continue
        if isinstance(element.tag, str):
            made.text = element.text
        child_k = k + 1
        for child in element:
            child_made = copy(child)
            made.append(child_made)
            places[id(child_made)] = child_k
            todo.append((child, child_made, child_k))
            child_k = numbering.ends[child_k] + 1
    return top, places


QUIET, PLAIN = 1, 2  # an element's status bits (statuses); -1: no box of it seen


def statuses(pages: list[Any], places: dict[int, int], numbering: Numbering) -> list[int]:
    """Per element in document order, from its boxes on these pages: -1 if it
    has none, else QUIET if it changes no counter or quote and stays in the
    flow (a comment always), plus PLAIN if its boxes are plain blocks in its
    parent's plain block, and its parent's are (the root's in the page).
    Empty when the boxes cannot be read (another WeasyPrint)."""
    try:
        from weasyprint.formatting_structure.boxes import BlockBox
    except ImportError:
        return []
    count = len(numbering)
    seen = [False] * count
    own = [False] * count  # a box of its own was seen (not only a pseudo-element's)
    plain = [True] * count
    acts = [False] * count
    for page in pages:
        top = getattr(page, "_page_box", None)
        if top is None:
            return []
        todo: list[tuple[Any, Any]] = [(top, None)]
        while todo:
            box, parent = todo.pop()
            todo.extend((child, box) for child in getattr(box, "children", None) or ())
            k = places.get(id(getattr(box, "element", None)))
            if k is None:
                continue
            seen[k] = True
            if _acts(box.style):
                acts[k] = True
            if "::" in (box.element_tag or "") or (parent is not None and parent.element is box.element):
                continue  # a pseudo-element's box, or an anonymous part of the element's
            own[k] = True
            if not _plain(box, parent, numbering.parents[k], places, BlockBox):
                plain[k] = False
    found = []
    for k in range(count):
        if numbering.comments[k]:
            found.append(QUIET)
            continue
        parent = numbering.parents[k]
        chained = own[k] and plain[k] and (parent < 0 or (found[parent] >= 0 and bool(found[parent] & PLAIN)))
        found.append(-1 if not seen[k] else (0 if acts[k] else QUIET) | (PLAIN if chained else 0))
    return found


def emptiable(status: list[int], firsts: list[int], ends: list[int], start: int) -> tuple[int, ...]:
    """The outermost elements a layout from page `start` may empty: PLAIN,
    everything inside them QUIET, and ended before that page (the next
    element with a box after them starts on an earlier one)."""
    count = len(ends)
    if len(status) != count or len(firsts) != count:
        return ()
    loud = [0] * (count + 1)  # elements not known to be quiet, before each place
    for k in range(count):
        loud[k + 1] = loud[k] + (status[k] < 0 or not status[k] & QUIET)
    following = [start] * (count + 1)  # the first page of the next element with a box, from each place
    for k in reversed(range(count)):
        following[k] = firsts[k] if firsts[k] >= 0 else following[k + 1]
    found = []
    k = 0
    while k < count:
        end = ends[k]
        if (status[k] >= 0 and status[k] & PLAIN and end > k and loud[end + 1] == loud[k + 1]
                and following[end + 1] < start):
            found.append(k)
            k = end + 1
        else:
            k += 1
    return tuple(found)


def _plain(box: Any, parent: Any, parent_place: int, places: dict[int, int], block: type) -> bool:
    """A block box in the flow, in its parent element's block box without
    columns (the root element's: in its page)."""
    style = box.style
    if type(box) is not block or style["float"] != "none" or style["position"] not in ("static", "relative"):
        return False
    return parent_place < 0 or (type(parent) is block and places.get(id(parent.element)) == parent_place
                                and parent.style["column_width"] == "auto" and parent.style["column_count"] == "auto")


def _acts(style: Any) -> bool:
    content = style["content"]
    return bool(style["counter_reset"] or style["counter_set"]
                or style["counter_increment"] not in ("auto", ())
                or "list-item" in style["display"]
                or style["float"] != "none" or style["position"] not in ("static", "relative")
                or (isinstance(content, (list, tuple)) and any(kind == "quote" for kind, _ in content)))
