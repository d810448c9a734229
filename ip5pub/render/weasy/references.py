"""Page references taken out of a laid-out page, for the chunked layout to
draw again with their real numbers (WeasyPrint internals: see the package)."""

from __future__ import annotations

from typing import Any

from ip5pub.render.weasy import InternalsChanged, css_string

# Text properties a page reference is redrawn with, as WeasyPrint computed them.
_REF_PROPERTIES = ("font_family", "font_size", "font_style", "font_weight", "font_stretch", "font_kerning",
                   "font_variant_ligatures", "font_variant_numeric", "font_variant_caps", "font_feature_settings",
                   "letter_spacing", "word_spacing", "line_height", "color", "text_decoration_line",
                   "text_decoration_style", "text_decoration_color")


def take_references(page: Any, counter: tuple[str, str], goto: str) -> tuple[list[dict], list[str]]:
    """The page references on a laid-out page: boxes whose computed content
    shows `counter(name, style)` (the stand-in), each taken out of the
    drawing (its stand-in number and the text run it is in) and described
    as what the furniture needs to draw it in place: the run's position and
    width relative to the page's content box (where absolutely positioned
    boxes start), alignment, text (its strings, None for the number) and
    style (CSS), and the leader just before it, if any, with where its dots
    stop. Second: what could not be taken out (its stand-in would print)."""
    try:
        from weasyprint.formatting_structure import boxes

        page_box = page._page_box
        origin_x, origin_y = page_box.content_box_x(), page_box.content_box_y()
        found: list[dict] = []
        stuck: list[str] = []

        def walk(box: Any, line: Any, last: bool) -> None:
            if _counts(getattr(box, "style", None) and box.style["content"], counter):
                ref = _take(box, line, last, counter, goto, boxes, origin_x, origin_y)
                if ref is None:
                    stuck.append(getattr(box, "element_tag", None) or type(box).__name__)
                else:
                    found.append(ref)
                return
            children = getattr(box, "children", ())
            lines = [c for c in children if isinstance(c, boxes.LineBox)]
            for child in children:
                if isinstance(child, boxes.LineBox):
                    walk(child, child, child is lines[-1])
                else:
                    walk(child, line, last)

        walk(page_box, None, False)
        return found, stuck
    except (AttributeError, KeyError, ImportError, TypeError, IndexError) as exc:
        raise InternalsChanged(f"page references could not be read from the layout ({type(exc).__name__}: {exc})") \
            from exc


def _take(box: Any, line: Any, last: bool, counter: tuple[str, str], goto: str, boxes: Any,
          origin_x: float, origin_y: float) -> dict | None:
    tag = getattr(box, "element_tag", None) or ""
    if not isinstance(box, boxes.InlineBox) or not tag.endswith(("::before", "::after")) or line is None:
        return None
    href = (box.element.get("href") or "") if box.element is not None else ""
    if not href.startswith(goto):
        return None  # not a link of ours
    runs = _runs(box.style["content"])
    text_runs = [k for k, run in enumerate(runs) if not _is_leader(run)]
    texts = [c for c in box.children if isinstance(c, boxes.TextBox)]  # one per text run, in order
    mine = next(k for k, run in enumerate(runs) if _counts(run, counter))
    if len(texts) != len(text_runs):
        return None  # laid out in a way we cannot redraw
    gone = texts[text_runs.index(mine)]
    parts = _run_parts(runs[mine], box.element, counter)
    if parts is None:
        return None
    ref = {"target": href[len(goto):], "left": gone.position_x - origin_x, "top": gone.position_y - origin_y,
           "width": gone.width, "align": _alignment(line, last), "parts": parts,
           "style": _style_css(gone.style), "lang": gone.style["lang"] or "", "leader": None}
    if mine > 0 and _is_leader(runs[mine - 1]) and runs[mine - 1][0][1][0] == "string":
        # A narrower number leaves a gap in the dots: the leader is drawn
        # again from where this one's dots stop (a hair before: its dots
        # sit on the same grid, counted from the right).
        leader = box.children[box.children.index(gone) - 1]
        dots = [d.position_x + d.width for d in getattr(leader, "children", ())]
        ref["leader"] = runs[mine - 1][0][1][1]
        ref["leader_left"] = (max(dots) if dots else leader.position_x) - 0.01 - origin_x
    box.children = [c for c in box.children if c is not gone]
    return ref


def _is_leader(run: list) -> bool:
    return len(run) == 1 and run[0][0] == "leader()"


def _runs(content: Any) -> list[list]:
    """A computed `content` cut into leaders and runs of text between them
    (WeasyPrint draws each run as one text box)."""
    runs: list[list] = [[]]
    for item in content:
        if item[0] == "leader()":
            runs.append([item])
            runs.append([])
        else:
            runs[-1].append(item)
    return [run for run in runs if run]


def _counts(content: Any, counter: tuple[str, str]) -> bool:
    return isinstance(content, (list, tuple)) and any(
        isinstance(item, tuple) and len(item) == 2 and item[0] == "counter()" and tuple(item[1]) == counter
        for item in content)


def _run_parts(run: list, element: Any, counter: tuple[str, str]) -> list[str | None] | None:
    """A text run of computed `content` as its strings, None for the page
    number, attr() values resolved (None: something the furniture cannot
    draw again)."""
    out: list[str | None] = []
    for kind, value in run:
        if kind == "string":
            out.append(value)
        elif kind == "counter()" and tuple(value) == counter:
            out.append(None)
        elif kind == "attr()" and element is not None:
            out.append(element.get(value[0]) or "")
        else:
            return None
    return out


def _alignment(line: Any, last: bool) -> str:
    style = line.style
    align = style["text_align_all"]
    if last and style["text_align_last"] != "auto":
        align = style["text_align_last"]
    rtl = style["direction"] == "rtl"
    return {"start": "right" if rtl else "left", "end": "left" if rtl else "right", "justify": "left"}.get(align, align)


def _style_css(style: Any) -> str:
    """The text style of a page reference, from computed values (an unusual
    value is left out: the reference then inherits the furniture's)."""
    out = []
    for name in _REF_PROPERTIES:
        css = _value_css(name, style[name])
        if css is not None:
            out.append(f"{name.replace('_', '-')}: {css}")
    return "; ".join(out)


_GENERIC = ("serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui")


def _value_css(name: str, value: Any) -> str | None:
    if name == "font_family":
        return ", ".join(f if f in _GENERIC else css_string(f) for f in value)
    if name in ("font_size", "letter_spacing", "word_spacing") and isinstance(value, (int, float)):
        return f"{value!r}px"
    if name == "line_height":
        if isinstance(value, (int, float)):
            return repr(value)
        if hasattr(value, "unit") and value.unit == "px":
            return f"{value.value!r}px"
    if name == "color" or (name == "text_decoration_color" and value != "currentcolor"):
        return str(value) if hasattr(value, "to") else None
    if name == "font_feature_settings" and isinstance(value, (list, tuple)):
        return ", ".join(f'"{tag}" {number}' for tag, number in value)
    if name == "text_decoration_line" and isinstance(value, (set, frozenset)):
        return " ".join(sorted(value)) or "none"
    if name in ("font_variant_ligatures", "font_variant_numeric") and isinstance(value, (list, tuple)):
        return " ".join(value)
    if isinstance(value, str) and value and all(c.islower() or c == "-" for c in value) and value.isascii():
        return value
    if name == "font_weight" and isinstance(value, int):
        return str(value)
    return None
