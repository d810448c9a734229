"""PDF/A-3b and PDF/UA-1 finishing: what WeasyPrint writes, made right for
the readers that check it, as a pikepdf pass over the written file.

- Attachments: WeasyPrint lists the embedded files in the order it wrote
  them; a name tree must be sorted (readers such as qpdf find a name by
  bisection, so an unsorted tree hides most files), and large trees are
  split into /Kids with /Limits. The catalog's /AF names each file once
  (WeasyPrint's PDF/A pass adds every file twice).
- Page furniture: WeasyPrint tags running heads and page numbers with a
  marked-content id whose structure element is outside the tree (margin
  boxes are kept out of it). Such content is rewritten as a pagination
  artifact (/Header or /Footer by where it is drawn), so a screen reader
  skips it and every other marked sequence leads into the tree.
- Link annotations carry the Print flag (print and screen show the same).

The rest of the tagging (languages, link texts, table scopes) is added
while WeasyPrint builds its tree: see pdf_tags. The output is as
deterministic as the input: no clock, a content-derived /ID.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pikepdf

PRINT = 4  # annotation flag bit 3


def finish(data: bytes, variant: str | None) -> bytes:
    """The PDF that WeasyPrint wrote for `variant`, finished; others unchanged."""
    if not variant:
        return data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        sort_attachments(pdf)
        if "/StructTreeRoot" in pdf.Root:
            mark_furniture(pdf)
        print_links(pdf)
        if "/ID" in pdf.trailer:
            del pdf.trailer.ID  # a new one from the content alone (see above)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()


# ---- Attachments -----------------------------------------------------------


def sort_attachments(pdf: pikepdf.Pdf) -> None:
    """/EmbeddedFiles as a sorted (and, when large, split) name tree; /AF once each."""
    names = pdf.Root.get("/Names")
    if names is None or "/EmbeddedFiles" not in names:
        return
    files = list(pikepdf.NameTree(names.EmbeddedFiles).items())
    tree = pikepdf.NameTree.new(pdf)
    for name, filespec in sorted(files):  # the tree keeps them sorted; in order, it fills evenly
        tree[name] = filespec
    names.EmbeddedFiles = tree.obj
    if "/AF" in pdf.Root:
        ordered = [filespec for _, filespec in tree.items()] + list(pdf.Root.AF)
        seen: set[tuple[int, int]] = set()
        unique = []
        for filespec in ordered:
            key = filespec.objgen
            if key == (0, 0) or key not in seen:
                seen.add(key)
                unique.append(filespec)
        pdf.Root.AF = pikepdf.Array(unique)


# ---- Page furniture as artifacts --------------------------------------------


def _reachable(root: Any) -> set[tuple[int, int]]:
    """The indirect structure elements under the structure tree root."""
    seen: set[tuple[int, int]] = set()
    stack = [root.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if node.objgen != (0, 0):
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            stack.append(node.get("/K"))
    return seen


def _multiply(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    """a then b, as PDF matrices [a b c d e f] compose."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _text_heights(instructions: list[Any]) -> Iterator[tuple[int, float | None]]:
    """For each instruction's index: the page height (y, from the bottom)
    where the marked sequence it opens draws its first text, if it is a BDC."""
    ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
    stack: list[tuple[float, ...]] = []
    open_at: list[int] = []  # indexes of BDCs waiting for their first text position
    for i, instruction in enumerate(instructions):
        operands, op = instruction.operands, str(instruction.operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q" and stack:
            ctm = stack.pop()
        elif op == "cm":
            ctm = _multiply(tuple(float(x) for x in operands), ctm)
        elif op == "BDC":
            open_at.append(i)
        elif op == "Tm" and open_at:
            x, y = float(operands[4]), float(operands[5])
            height = x * ctm[1] + y * ctm[3] + ctm[5]
            for j in open_at:
                yield j, height
            open_at.clear()
    for j in open_at:
        yield j, None


def mark_furniture(pdf: pikepdf.Pdf) -> None:
    """Marked content whose structure element is outside the tree becomes
    an /Artifact of /Type /Pagination; the parent tree forgets it."""
    root = pdf.Root.StructTreeRoot
    reachable = _reachable(root)
    parents = pikepdf.NumberTree(root.ParentTree)
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        elements = parents.get(int(key)) if key is not None else None
        if not isinstance(elements, pikepdf.Array):
            continue
        orphans = {mcid for mcid, element in enumerate(elements)
                   if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable}
        if not orphans:
            continue
        instructions = list(pikepdf.parse_content_stream(page))
        middle = float(page.mediabox[1] + page.mediabox[3]) / 2
        heights = dict(_text_heights(instructions))
        for i, instruction in enumerate(instructions):
            operands = instruction.operands
            if str(instruction.operator) != "BDC" or len(operands) < 2 or not isinstance(operands[1], pikepdf.Dictionary):
                continue
            marked = operands[1].get("/MCID")
            if marked is None or int(marked) not in orphans:
                continue
            height = heights.get(i)
            where = "/Footer" if height is not None and height < middle else "/Header"
            properties = pikepdf.Dictionary(Type=pikepdf.Name.Pagination, Subtype=pikepdf.Name(where))
            instructions[i] = pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact, properties], instruction.operator)
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        for mcid in orphans:
            elements[mcid] = None


# ---- Annotations -------------------------------------------------------------


def print_links(pdf: pikepdf.Pdf) -> None:
    """Every link annotation printable (PDF/A sets it for all; PDF/UA asks too)."""
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", ()):
            if annotation.get("/Subtype") == pikepdf.Name.Link:
                annotation.F = int(annotation.get("/F", 0)) | PRINT
