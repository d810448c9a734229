"""Assembly: the laid-out documents joined into one PDF with pikepdf (qpdf)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ip5pub.render.chunked.fonts import merge_fonts


def preload() -> None:
    """What the assembly imports and asks of the system first (pikepdf,
    fontconfig's list of installed faces, HarfBuzz's calls declared),
    which the build does while it waits for the layout workers."""
    import pikepdf  # noqa: F401

    from ip5pub.render.chunked import faces
    from ip5pub.render.weasy import resubset

    faces.installed()
    resubset.available()


# The qpdf objects of this process's last assembly: not freed when it
# returns but at the start of the next one, or never (a command ends
# without freeing anything, cli.run). Freeing a 500-notice book's documents
# object by object took 0.05 s after its bytes were made, on the build's
# path; at most one assembly's are held, so a build of several briefs
# holds no more at once than before.
_RETIRED: list[Any] = []


@dataclass(frozen=True)
class Part:
    """Pages [start, end) of a laid-out document (end None: to its last)."""

    pdf: bytes
    start: int = 0
    end: int | None = None


def assemble(pieces: list[bytes | Part], furniture: list[bytes], mapper: Callable[..., Iterable[Any]] = map,
             info: dict[str, str] | None = None) -> bytes:
    """One PDF: the content documents one after another (front, chunks, back),
    each page with its furniture drawn over it; a document may come in parts,
    pages of the last layout and of one that started where it changed.
    Metadata and /Lang come from the first piece, the front matter; `info`
    adds fields to its metadata (the dates, tree.take_dates). qpdf (pikepdf)
    does the copying: about four times faster than pypdf on a 500-page
    brief, and a smaller file. `mapper` merges the font programs (see
    merge_fonts)."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    _RETIRED.clear()
    out = pikepdf.Pdf.new()
    parts = [p if isinstance(p, Part) else Part(p) for p in pieces]
    opened: dict[int, int] = {}  # id of a document's bytes -> its index in sources: a document opened once
    sources: list[Any] = []
    for part in parts:
        if id(part.pdf) not in opened:
            opened[id(part.pdf)] = len(sources)
            sources.append(pikepdf.open(io.BytesIO(part.pdf)))
    where: dict[tuple[int, Any], int] = {}  # (source, page object's (number, generation)) -> final index
    for part in parts:
        k = opened[id(part.pdf)]
        for page in sources[k].pages[part.start:part.end]:
            where[(k, page.objgen)] = len(out.pages)
            out.pages.append(page)

    # Each page's furniture as a form drawn last, under a name of its own in a
    # copy of the page's resources (WeasyPrint shares one among all pages); no
    # content stream is parsed or rewritten. A page's content leaves its
    # transformation in place: it is saved and restored around it.
    layers = [pikepdf.open(io.BytesIO(f)) for f in furniture]
    blanks = [blank for layer in layers for blank in layer.pages]
    if len(blanks) != len(out.pages):
        raise RuntimeError(f"{len(blanks)} furniture pages for {len(out.pages)} pages")
    save, draw = out.make_stream(b"q\n"), out.make_stream(b"Q q /IP5Furniture Do Q\n")
    for page, blank in zip(out.pages, blanks):
        resources = Dictionary(dict(page.Resources.items()))
        xobjects = Dictionary(dict(resources.XObject.items())) if Name.XObject in resources else Dictionary()
        xobjects.IP5Furniture = out.copy_foreign(blank.as_form_xobject())
        resources.XObject = xobjects
        page.Resources = resources
        found = page.obj.get(Name.Contents)
        contents = list(found) if isinstance(found, Array) else [found] if found is not None else []
        page.Contents = Array([save, *contents, draw])

    # Named destinations: the first piece that has a name wins (as in one document).
    dests: dict[str, tuple[int, float, float]] = {}
    for k, src in enumerate(sources):
        names = src.Root.get(Name.Names)
        if names is None or Name.Dests not in names:
            continue
        for name, dest in pikepdf.NameTree(names.Dests).items():
            if (k, dest[0].objgen) in where:  # not on a page left out
                dests.setdefault(str(name), (where[(k, dest[0].objgen)], float(dest[2]), float(dest[3])))
    tree = pikepdf.NameTree.new(out)
    for name in sorted(dests):
        index, left, top = dests[name]
        tree[name] = Array([out.pages[index].obj, Name.XYZ, left, top, 0])
    out.Root.Names = Dictionary(Dests=tree.obj)

    # Outline: the pieces' outlines one after another, in page order.
    def copy_items(k: int, pages: set[Any], items, into) -> None:
        for item in items:
            dest = item.destination
            if dest[0].objgen not in pages:  # on a page of another part
                continue
            new = pikepdf.OutlineItem(str(item.title), where[(k, dest[0].objgen)], "XYZ",
                                      left=float(dest[2]), top=float(dest[3]))
            copy_items(k, pages, item.children, new.children)
            into.append(new)

    with out.open_outline() as outline:
        for part in parts:
            k = opened[id(part.pdf)]
            with sources[k].open_outline() as theirs:
                copy_items(k, {page.objgen for page in sources[k].pages[part.start:part.end]}, theirs.root,
                           outline.root)

    # Metadata and language as WeasyPrint wrote them for the front matter;
    # the /ID is a hash of the content.
    out.docinfo = out.copy_foreign(sources[0].docinfo)  # type: ignore[assignment]  # a Dictionary
    for field, value in (info or {}).items():
        out.docinfo[Name(field)] = String(value)
    if Name.Lang in sources[0].Root:
        out.Root.Lang = sources[0].Root.Lang
    merge_fonts(out, mapper)  # one program per face, as in a single pass
    share_resources(out)
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    _RETIRED.extend([out, *sources, *layers])
    return buffer.getvalue()


# Resource kinds whose names say what they hold, whatever document drew them:
# WeasyPrint names a font by its description's hash, a graphics state by its
# opacity, a colour space by its name (patterns, shadings and images are
# numbered in the order a document first uses them, and stay per document).
SHARED_KINDS = ("/Font", "/ExtGState", "/ColorSpace")


def share_resources(pdf: Any) -> None:
    """Every page and furniture form draws its fonts, graphics states and
    colour spaces from one dictionary of each, the union of the documents',
    as every page of a single pass does: the book's bytes then do not depend
    on how its pages were cut into documents. A kind where one name stands
    for two different things (a face whose subsets could not be merged)
    keeps each document's own dictionary."""
    from pikepdf import Dictionary, Name

    holders = list(_resource_holders(pdf))
    for kind in SHARED_KINDS:
        union: dict[str, Any] = {}
        clash = False
        seen: set[Any] = set()  # the dictionaries read (most holders share a document's)
        for resources in holders:
            found = resources.get(kind)
            if found is None or _identity(found) in seen:
                continue
            seen.add(_identity(found))
            for name, obj in found.items():
                first = union.setdefault(str(name), obj)
                clash = clash or (first is not obj and _identity(first) != _identity(obj))
        if clash or not union:
            continue
        shared = pdf.make_indirect(Dictionary({name: union[name] for name in sorted(union)}))
        for resources in holders:
            resources[Name(kind)] = shared


def _identity(obj: Any) -> Any:
    return ("ref", obj.objgen) if obj.is_indirect else ("value", obj.unparse())


def _resource_holders(pdf: Any) -> Any:
    """The resource dictionaries of the pages and of the forms they draw,
    each once: a page's own (the assembly gave each page one), a form's
    as it is, shared by the forms of one document."""
    from pikepdf import Dictionary, Name

    seen: set[Any] = set()
    for page in pdf.pages:
        resources = page.obj.get(Name.Resources)
        if not isinstance(resources, Dictionary):
            continue
        if resources.is_indirect:
            page.obj.Resources = Dictionary(dict(resources.items()))
            resources = page.obj.Resources
        yield resources
        for xobject in (resources.get(Name.XObject) or {}).values():
            if xobject.objgen in seen or xobject.get(Name.Subtype) != Name.Form:
                continue
            seen.add(xobject.objgen)
            inner = xobject.get(Name.Resources)
            if not isinstance(inner, Dictionary):
                continue
            if not inner.is_indirect:
                xobject.Resources = pdf.make_indirect(Dictionary(dict(inner.items())))
                inner = xobject.Resources
            if inner.objgen not in seen:
                seen.add(inner.objgen)
                yield inner
