"""Leaders laid out as one box and drawn by repeating one dot's operators.

WeasyPrint fills a leader (`content: leader(". ")`) with a copy of its text
box per dot: a contents line holds about forty, the contents of 500
notices about 20,000. Each copy is then walked for
backgrounds, anchors and stacking, and drawn on its own (a Pango layout
set up again, its glyphs written out): two fifths of the front matter's
layout. Here a leader keeps its rightmost dot's box, with where the
others sit relative to it; drawing it writes the first dots as WeasyPrint
does, checks that the next one's operators are the one before's with only
the position changed, and writes the rest so. The same bytes
(tests/test_weasy_patches.py): the dots are the same glyphs at the same
places, in the same order, with the same graphics state.

A tagged PDF (PDF/UA) marks every dot as its own span, found again by
walking the page's boxes: there the dots are made boxes again before the
page is drawn.
"""

from __future__ import annotations

from typing import Any

from ip5pub.render.weasy.installer import Installer

_DOTS = "_ip5pub_dots"  # on the kept dot: every dot's x, relative to it, rightmost first


@Installer
def draw_leaders_once() -> bool:
    """Install the compact leaders; once per process. On a WeasyPrint whose
    leaders are laid out or drawn otherwise, nothing is changed."""
    try:
        import inspect

        import pydyf
        from weasyprint import document, draw
        from weasyprint.draw import text
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout import inline, leader
        from weasyprint.matrix import Matrix
        from weasyprint.pdf.stream import Stream

        handle, draw_text, draw_page = inline.handle_leader, draw.draw_text, document.draw_page
        shapes = (list(inspect.signature(handle).parameters), list(inspect.signature(draw_text).parameters),
                  list(inspect.signature(draw_page).parameters))
        Matrix(d=-1, e=0, f=0).values  # noqa: B018 - what the drawing reads
        leader.leader_index  # noqa: B018
        pydyf._to_bytes  # noqa: B018
    except (ImportError, AttributeError, ValueError):
        return False
    if (handle is not leader.handle_leader or draw_text is not text.draw_text or draw_page is not draw.draw_page
            or "_tags" not in inspect.getsource(Stream.__init__)
            or shapes != (["context", "line", "containing_block"],
                          ["stream", "textbox", "offset_x", "text_overflow", "block_ellipsis"],
                          ["page", "stream"])):
        return False

    def handle_leader(context: Any, line: Any, containing_block: Any) -> None:
        handle(context, line, containing_block)
        _, box = leader.leader_index(line)
        dots: Any = getattr(box, "children", ())
        if len(dots) < 2 or not all(type(d) is boxes.TextBox and d.text == dots[0].text and d.style is dots[0].style
                                    for d in dots):
            if dots:
                vars(dots[0]).pop(_DOTS, None)
            return
        kept = dots[0]
        setattr(kept, _DOTS, tuple(d.position_x - kept.position_x for d in dots))
        box.children = (kept,)

    def draw_tagged_page(page: Any, stream: Any) -> None:
        if stream._tags is not None:
            # In the page's own boxes: drawing works on copies of some, the
            # tagging on the page's.
            for box in page.descendants():
                if getattr(box, "is_leader", False):
                    box.children = tuple(dot for kept in box.children for dot in _expanded(kept))
        draw_page(page, stream)

    def draw_leader(stream: Any, textbox: Any, offset_x: float, text_overflow: str = "clip",
                    block_ellipsis: str = "none") -> None:
        offsets = getattr(textbox, _DOTS, None)
        if offsets is None:
            draw_text(stream, textbox, offset_x, text_overflow, block_ellipsis)
            return
        x = textbox.position_x
        try:
            if text_overflow != "clip" or block_ellipsis != "none":
                for k, dx in enumerate(offsets):  # as WeasyPrint: the leftmost dot is its box's last child
                    textbox.position_x = x + dx
                    draw_text(stream, textbox, offset_x + dx, text_overflow,
                              block_ellipsis if k == len(offsets) - 1 else "none")
                return
            at_x = _text_matrix(Matrix, textbox.position_y + textbox.baseline)
            textbox.position_x = x + offsets[0]
            draw_text(stream, textbox, offset_x + offsets[0], text_overflow, block_ellipsis)
            model: list[Any] | None = None
            at = -1
            for k in range(1, len(offsets)):
                dx = offsets[k]
                if model is not None:
                    _splice(stream, [*model[:at], at_x(x + dx), *model[at + 1:]])
                    continue
                textbox.position_x = x + dx
                ops = _drawn(stream, lambda dx=dx: draw_text(stream, textbox, offset_x + dx, text_overflow,
                                                             block_ellipsis))
                if k == 1:
                    first, first_at = ops, _find(ops, at_x(x + dx))
                elif k == 2 and first_at >= 0:
                    at = _find(ops, at_x(x + dx))
                    if at == first_at and ops[:at] == first[:at] and ops[at + 1:] == first[at + 1:]:
                        model = ops  # the third dot is the second moved: the rest are too
        finally:
            textbox.position_x = x

    inline.handle_leader = handle_leader
    document.draw_page = draw_tagged_page
    draw.draw_text = draw_leader
    return True


def _expanded(kept: Any) -> list[Any]:
    """The dots of a compact leader as WeasyPrint makes them: a box each."""
    offsets = getattr(kept, _DOTS, None)
    if offsets is None:
        return [kept]
    dots = []
    for dx in offsets:
        dot = kept.copy()
        vars(dot).pop(_DOTS)
        dot.position_x = kept.position_x + dx
        dots.append(dot)
    return dots


def _drawn(stream: Any, draw: Any) -> list[Any]:
    """What `draw()` writes to the stream, from the stream's last operator
    on: drawing text reads, and may take back, only that one (an `ET` that
    the next `BT` cancels)."""
    ops = stream.stream
    stream.stream = ops[-1:]
    try:
        draw()
        written = stream.stream
    finally:
        stream.stream = ops
    _splice(stream, written)
    return written


def _splice(stream: Any, written: list[Any]) -> None:
    """Put in the stream what a dot wrote from its last operator on."""
    ops = stream.stream
    del ops[len(ops) - 1 if ops else 0:]
    ops.extend(written)


def _find(ops: list[Any], op: bytes) -> int:
    found = [k for k, o in enumerate(ops) if o == op]
    return found[0] if len(found) == 1 else -1


def _text_matrix(matrix: Any, y: float) -> Any:
    """The `Tm` operator draw_text writes for a line at (x, y), as a
    function of x (pydyf's own number format: a dot whose operator is not
    found so is drawn as WeasyPrint draws it)."""
    import pydyf

    a, b, c, d, _, f = (pydyf._to_bytes(v) for v in matrix(d=-1, e=0, f=y).values)
    head, tail = b" ".join((a, b, c, d)) + b" ", b" " + f + b" Tm"
    number = pydyf._to_bytes
    return lambda x: head + number(x) + tail
