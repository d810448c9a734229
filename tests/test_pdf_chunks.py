"""Chunked PDF layout against a single pass, read back with pypdf and pdftotext.

A brief of 57 generated notices and three in Chinese, Japanese and Korean
is laid out in chunks of about 6 notices (several chunks, so page numbers,
contents, outline and links cross chunk boundaries) and in one pass with the
same page breaks; the two must agree page by page, down to the fonts (the
running notice head of a CJK notice uses its language's face). Then one notice changes (a word, then a page's worth of text,
so every later chunk moves) and the incremental build must equal a cold one.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from ip5pub.cli import main
from ip5pub.render.chunked import plan, tree
from ip5pub.render.chunked.assemble import assemble
from ip5pub.render.chunked.furniture import furniture_document
from ip5pub.render.chunked.worker import Job, layout

from conftest import ROOT, run_cli
from pdfpages import head_problems, read, thin_pages

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate

pytestmark = pytest.mark.slow
N = 57  # with the three CJK notices, 60: the most that still get the "At a glance" table
SIZE = 6
LINKED = (4, 18, 40)  # Markdown notices (even numbers) that get a web link: a numbered footnote in print
CJK = ("cnipa-2021-06-30-zh-quality.md", "jpo-2021-06-28-ja-pph.md", "kipo-2021-06-25-ko-design.md")


def page_texts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def outline(reader: PdfReader) -> list[tuple[str, int]]:
    return [(item.title, reader.get_destination_page_number(item) + 1)
            for item in reader.outline if not isinstance(item, list)]


def links(reader: PdfReader) -> list[list[tuple[str, int | str]]]:
    """Per page: each link's target, as a page number (internal) or a URI."""
    named = {str(k): reader.get_destination_page_number(v) + 1 for k, v in reader.named_destinations.items()}
    pages = []
    for page in reader.pages:
        found = []
        for ref in page.get("/Annots", []) or []:
            annot = ref.get_object()
            if "/Dest" in annot:
                found.append(("dest", named[str(annot["/Dest"])]))
            elif "/A" in annot and "/URI" in annot["/A"]:
                found.append(("uri", str(annot["/A"]["/URI"])))
        pages.append(sorted(found, key=str))
    return pages


def fonts_embedded(reader: PdfReader) -> bool:
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if desc is None or not any(k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                return False
    return True


def fonts(reader: PdfReader) -> list[set[str]]:
    """Per page, the fonts its text is drawn in (subset prefixes dropped), form XObjects included.

    Read from the content streams' Tf operators: WeasyPrint gives every page
    the same resource dictionary, so the resources alone say nothing per page."""
    def walk(data: bytes, resources, found):
        resources = resources.get_object() if resources is not None else {}
        font_names = resources.get("/Font") or {}
        for name in re.findall(rb"/([^\s/\[\]<>()]+)\s+[\d.]+\s+Tf", data):
            found.add(str(font_names["/" + name.decode()].get_object()["/BaseFont"]).split("+")[-1])
        xobjects = resources.get("/XObject") or {}
        for name in re.findall(rb"/([^\s/\[\]<>()]+)\s+Do", data):
            xobject = xobjects["/" + name.decode()].get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get_data(), xobject.get("/Resources"), found)
        return found

    return [walk(page.get_contents().get_data(), page.get("/Resources"), set()) for page in reader.pages]


def footers(texts: list[str]) -> list[tuple[int, int] | None]:
    out = []
    for text in texts:
        m = re.search(r"Page (\d+) of (\d+)", text)
        out.append((int(m.group(1)), int(m.group(2))) if m else None)
    return out


def contents_numbers(texts: list[str]) -> dict[int, int]:
    """Contents entries (a leader, then the page): notice number -> printed page number."""
    found = {}
    for text in texts:
        for m in re.finditer(r"\(notice (\d+)\)\s*\.(?:\s*\.)+\s*(\d+)\s*$", text, re.M):
            found.setdefault(int(m.group(1)), int(m.group(2)))
    return found


def render(ws: Path, out: str, *args: str) -> Path:
    run_cli("render", "-o", out, *args, cwd=ws)
    return ws / out / "brief.pdf"


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("chunks")
    paths = generate(ws / "sources", N)
    for i in LINKED:
        with paths[i].open("a", encoding="utf-8") as fh:
            fh.write(f"\nDetails are on [the office's page](https://example.org/notice-{i}).\n")
    for name in CJK:  # after the generated files in name order (the one-change test picks by index)
        shutil.copy(ROOT / "tests/data/pdf" / name, ws / "sources" / f"zz-{name}")
    return ws


@pytest.fixture(scope="module")
def single(ws) -> Path:
    return render(ws, "single", "--pdf-layout", "single", "--pdf-chunk-size", str(SIZE))


@pytest.fixture(scope="module")
def chunked(ws) -> Path:
    return render(ws, "chunked", "--pdf-layout", "chunked", "--pdf-chunk-size", str(SIZE))


def assert_same_layout(chunked: Path, single: Path) -> None:
    a, b = PdfReader(chunked), PdfReader(single)
    assert len(a.pages) == len(b.pages)
    ta, tb = page_texts(chunked), page_texts(single)
    for n, (x, y) in enumerate(zip(ta, tb), start=1):
        assert x == y, f"page {n} differs"
    assert outline(a) == outline(b)
    assert links(a) == links(b)
    assert fonts(a) == fonts(b)
    assert a.metadata == b.metadata
    assert a.trailer["/Root"]["/Lang"] == b.trailer["/Root"]["/Lang"]


def test_the_brief_spans_several_chunks(ws):
    from ip5pub.notices import normalize_sources
    from ip5pub.collect import stories
    from ip5pub.readers import source_files

    shown = stories(normalize_sources(source_files(ws / "sources"), base=ws).notices, "en")
    ranges = plan.plan([s.notice.id for s in shown], SIZE)
    assert len(ranges) >= 5
    assert [i for r in ranges for i in range(*r)] == list(range(len(shown)))


def test_chunked_layout_equals_a_single_pass(chunked, single):
    assert_same_layout(chunked, single)
    texts = page_texts(chunked)
    total = len(texts)
    # Every page but the cover says "Page X of Y", X its place in the file.
    assert footers(texts)[0] is None
    assert footers(texts)[1:] == [(n, total) for n in range(2, total + 1)]
    # Contents numbers are the pages where the notices start (their outline entries).
    reader = PdfReader(chunked)
    marks = dict(outline(reader))
    starts = {int(m.group(1)): page for title, page in marks.items() if (m := re.search(r"\(notice (\d+)\)$", title))}
    assert len(starts) > N * 9 // 10  # a few generated notices are duplicates of others
    assert contents_numbers(texts) == starts
    assert {"Contents", "At a glance", "Glossary", "Index of offices"} <= set(marks)
    # The footnotes of the linked notices keep counting across chunks.
    joined = "\n".join(texts)
    assert [m for m in re.findall(r"^\s*(\d+)\. https://example\.org/notice-", joined, re.M)] == ["1", "2", "3"]
    # Links from the contents lead to the notices' pages; web links stay web links.
    flat = [t for page in links(reader) for t in page]
    assert sum(1 for kind, _ in flat if kind == "dest") >= 3 * N
    assert {t for kind, t in flat if kind == "uri"} >= {f"https://example.org/notice-{i}" for i in LINKED}
    assert fonts_embedded(reader)
    # The CJK notices are set in their own faces (per page, fonts(chunked) == fonts(single) above).
    used = set().union(*fonts(reader))
    assert {"Noto-Sans-CJK-SC", "Noto-Sans-CJK-JP", "Noto-Sans-CJK-KR"} <= used, used


def test_running_heads_name_the_notice_at_the_top_of_each_page_and_no_page_is_near_empty(ws, chunked, single):
    run_cli("render", "-o", "html", "-f", "html", cwd=ws)
    for pdf in (chunked, single):
        book = read(pdf, ws / "html/brief.html")
        assert head_problems(book, "IP5 Briefing") == [], pdf.parent.name
        assert thin_pages(book) == [], pdf.parent.name


def test_pages_look_the_same(chunked, single, tmp_path):
    """The assembled pages, drawn, are the single pass's pixels (heads, footers, contents)."""
    for name, pdf in (("c", chunked), ("s", single)):
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / name)], check=True)
    drawn_c = sorted(tmp_path.glob("c-*.png"))
    drawn_s = sorted(tmp_path.glob("s-*.png"))
    assert len(drawn_c) == len(drawn_s)
    differ = [p.name for p, q in zip(drawn_c, drawn_s) if p.read_bytes() != q.read_bytes()]
    assert differ == []


def test_each_face_is_the_font_program_a_single_pass_embeds(chunked, single):
    """The documents' subsets of a face are joined by subsetting the installed
    face again, with every glyph they drew, as WeasyPrint subsets it: the
    program a single pass embeds, byte for byte, the CJK faces included."""
    def by_face(pdf: Path) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for name, digests in font_programs(pdf).items():
            found.setdefault(name.split("+", 1)[1], set()).update(digests)
        return found

    mine, theirs = by_face(chunked), by_face(single)
    assert {"Noto-Sans-CJK-JP", "Noto-Sans-CJK-KR", "Noto-Sans-CJK-SC"} <= set(mine)
    assert mine == theirs


def test_faces_not_found_installed_are_merged_and_drawn_the_same(ws, single, tmp_path, monkeypatch):
    """Where fontconfig lists no face by a subset's name, the subsets are
    merged glyph by glyph: one program per face still, the pages the same
    pixels as a single pass. One job: the layout runs in this process, so
    that it too finds no face installed (and embeds subsets, not stand-ins)."""
    from ip5pub.render.chunked import faces

    monkeypatch.setattr(faces, "installed", lambda: {})
    merged = render(ws, "merged", "--pdf-layout", "chunked", "--pdf-chunk-size", str(SIZE), "--jobs", "1")
    programs = font_programs(merged)
    names = [name.split("+", 1)[1] for name in programs]
    assert sorted(names) == sorted(set(names)) and "Noto-Sans-CJK-KR" in names
    theirs = {name.split("+", 1)[1]: digests for name, digests in font_programs(single).items()}
    assert any(theirs[name.split("+", 1)[1]] != digests for name, digests in programs.items())  # merged, not made again
    for name, pdf in (("m", merged), ("s", single)):
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / name)], check=True)
    drawn_m, drawn_s = sorted(tmp_path.glob("m-*.png")), sorted(tmp_path.glob("s-*.png"))
    assert len(drawn_m) == len(drawn_s)
    assert [p.name for p, q in zip(drawn_m, drawn_s) if p.read_bytes() != q.read_bytes()] == []


def test_the_documents_embed_stand_ins_for_installed_faces():
    """A layout worker embeds a few-kilobyte stand-in, not a subset, for a
    face installed here; the stand-in names the installed face, from which
    the assembly makes the face's program."""
    import io

    import pikepdf

    from ip5pub.render.chunked import faces

    html = ("<html lang=en><body style='font-family: Noto Sans, Noto Sans CJK KR'>"
            "<p>Filing fees</p><p lang=ko>디자인 심사 기간 단축</p></body></html>")
    laid, _, _ = layout(Job(tree.parse(html), str(ROOT / "styles") + "/", "@page { size: A4; }", ()))
    pdf = pikepdf.open(io.BytesIO(laid.pdf))
    programs = [obj.read_bytes() for obj in pdf.objects
                if isinstance(obj, pikepdf.Stream) and ("/Length1" in obj or obj.get("/Subtype") == "/OpenType")]
    assert len(programs) >= 2  # a Latin face and a Korean one
    assert all(faces.is_stand_in(p) and len(p) < 8192 for p in programs)
    found = [faces.original(p) for p in programs]
    assert all(f is not None and Path(f.path).is_file() for f in found)
    assert any("CJK" in Path(f.path).name for f in found if f is not None)


def test_a_stand_in_whose_face_is_gone_at_assembly_lays_out_in_one_pass(ws, single, tmp_path, monkeypatch, caplog):
    """The workers (other processes) find the faces installed and embed
    stand-ins; here none is found when the book is joined: the build says
    so and lays the brief out in one pass, never a PDF drawn with stand-ins."""
    from ip5pub.render.chunked import faces

    monkeypatch.setattr(faces, "installed", lambda: {})
    with caplog.at_level(logging.WARNING, logger="ip5pub"):
        out = render(ws, "gone", "--pdf-layout", "chunked", "--pdf-chunk-size", str(SIZE), "--jobs", "2")
    assert "could not be made again from its installed file" in caplog.text
    assert "laying it out in one pass" in caplog.text
    programs = font_programs(out)
    assert programs == font_programs(single)


def test_two_chunked_builds_are_identical(ws, chunked):
    again = render(ws, "again", "--pdf-layout", "chunked", "--pdf-chunk-size", str(SIZE), "--jobs", "1")
    assert again.read_bytes() == chunked.read_bytes()


def _copy(ws: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ws"
    shutil.copytree(ws / "sources", copy / "sources")
    return copy


def _chunked_in_process(runner, caplog, ws: Path, monkeypatch, level: int = logging.INFO) -> tuple[int, int]:
    """Render in this process; (chunks laid out, chunks in all) from the log."""
    monkeypatch.chdir(ws)
    caplog.clear()
    with caplog.at_level(level, logger="ip5pub.pdf"):
        result = runner.invoke(main, ["render", "-q", "--pdf-layout", "chunked", "--pdf-chunk-size", str(SIZE)])
    assert result.exit_code == 0, result.output
    m = next(m for r in caplog.records if (m := re.search(r"laid out (\d+) of (\d+) chunks", r.getMessage())))
    return int(m.group(1)), int(m.group(2))


# Every notice starts a page, as a chunk's first notice does: any cut into chunks paginates alike.
EVERY_NOTICE_STARTS_A_PAGE = ('{% extends "packaged/brief.html" %}\n{% block styles %}{{ super() }}<style>'
                              'article.notice { break-before: page; margin-top: 0 !important; padding-top: 0 !important;'
                              ' border-top: none !important; }'
                              '</style>{% endblock %}\n')


def test_the_book_does_not_depend_on_how_its_pages_were_cut_into_documents(tmp_path, monkeypatch):
    """Chunks of 3 and of 5 notices laid out with the same page breaks: the
    same bytes, so a book may be joined from pages laid out in different
    documents. (One chunk draws the same pages, but not the same bytes: two
    of its pages lack an empty rectangle that the chunks draw at their top.)"""
    ws = tmp_path / "ws"
    paths = generate(ws / "sources", 10)
    with paths[4].open("a", encoding="utf-8") as fh:
        fh.write("\nDetails are on [the office's page](https://example.org/notice-4).\n")
    shutil.copy(ROOT / "tests/data/pdf" / CJK[2], ws / "sources" / f"zz-{CJK[2]}")
    (ws / "styles").mkdir()
    (ws / "styles/brief.html").write_text(EVERY_NOTICE_STARTS_A_PAGE, encoding="utf-8")
    monkeypatch.setattr(plan, "THRESHOLD", 2)  # chunked from two stories
    books = {size: render(ws, f"out-{size}", "--pdf-layout", "chunked", "--pdf-chunk-size", str(size)).read_bytes()
             for size in (3, 5)}
    assert len(PdfReader(ws / "out-3/brief.pdf").pages) > 11
    assert books[3] == books[5]


def _again(caplog, what: str = "a chunk") -> list[str]:
    """Where the build laid a changed chunk (or `what`) out again from a page of its last layout."""
    return [m.group(1) for r in caplog.records
            if (m := re.search(f"{what} laid out again from its (page \\d+ to .*),", r.getMessage()))]


@pytest.mark.parametrize("change", ["word", "page", "sentence"])
def test_one_change_relays_out_one_chunk_and_equals_a_cold_build(ws, tmp_path, runner, caplog, monkeypatch, change):
    """The changed chunk is laid out from the page its changed notice starts
    on (to the end of the chunk, or until its pages are the last layout's
    again), and the book is a cold build's, byte for byte."""
    copy = _copy(ws, tmp_path)
    laid, chunks = _chunked_in_process(runner, caplog, copy, monkeypatch)
    assert laid == chunks
    pages_before = len(PdfReader(copy / "build/brief.pdf").pages)
    victim = sorted((copy / "sources").iterdir())[27 if change == "sentence" else 7]
    text = victim.read_text(encoding="utf-8")
    if change == "word":
        assert " in this series." in text
        victim.write_text(text.replace(" in this series.", " of this series.", 1), encoding="utf-8")
    elif change == "page":  # a page and a half more: every later chunk starts later
        victim.write_text(text + "\n" + "\n\n".join([text.split("\n\n")[-1]] * 8), encoding="utf-8")
    else:  # a sentence more: the pages catch up within the chunk
        victim.write_text(text.rstrip() + " A correction followed.\n", encoding="utf-8")
    laid, chunks = _chunked_in_process(runner, caplog, copy, monkeypatch, logging.DEBUG)
    assert laid == 1
    assert _again(caplog) == {"word": ["page 2 to its end"], "page": ["page 2 to its end"],
                              "sentence": ["page 2 to page 3"]}[change]
    # The word is in the notice's first sentence, which the at-a-glance table
    # shows: the front matter, too, from the page before its row's.
    assert [int(where.split()[1]) > 2 for where in _again(caplog, "the front matter")] == \
        ([True] if change == "word" else [])
    incremental = copy / "build/brief.pdf"
    if change == "page":
        assert len(PdfReader(incremental).pages) > pages_before
    cold = render(copy, "cold", "--pdf-layout", "chunked", "--pdf-chunk-size", str(SIZE))
    assert incremental.read_bytes() == cold.read_bytes()
    if change == "page":
        assert_same_layout(incremental, render(copy, "single", "--pdf-layout", "single", "--pdf-chunk-size", str(SIZE)))
    if change == "sentence":  # then a longer headline: from a chunk joined from two layouts, keeping pages of both
        title, rest = text.split("\n", 1)
        victim.write_text(f"{title}, with a longer headline that takes another line\n{rest.rstrip()}"
                          " A correction followed.\n", encoding="utf-8")
        _chunked_in_process(runner, caplog, copy, monkeypatch, logging.DEBUG)
        assert _again(caplog)
        again = render(copy, "cold-2", "--pdf-layout", "chunked", "--pdf-chunk-size", str(SIZE))
        assert incremental.read_bytes() == again.read_bytes()


def test_furniture_made_from_what_the_workers_told_is_made_again_when_the_pages_differ(ws, tmp_path, runner, caplog,
                                                                                     monkeypatch):
    """The furniture is laid out from what the workers tell of the pages
    before they draw them (a chunk laid out from a page: joined with its
    last layout's pages as it will be). Should the pages the build then
    collects differ from what it was told (a join refused: the chunk laid
    out whole), the furniture is laid out again from them, and the book is
    a cold build's. Here what it is told is made wrong on purpose."""
    from ip5pub.render.chunked import build, splice

    copy = _copy(ws, tmp_path)
    _chunked_in_process(runner, caplog, copy, monkeypatch)
    victim = sorted((copy / "sources").iterdir())[7]
    text = victim.read_text(encoding="utf-8")
    victim.write_text(text + "\n" + "\n\n".join([text.split("\n\n")[-1]] * 8), encoding="utf-8")
    join, made = splice.join, build.furniture_document
    told, documents = [], []

    def wrong(last_key, last, partial_key, new):
        laid = join(last_key, last, partial_key, new)
        if not partial_key:  # told before the pages are drawn: no notice heads a page
            told.append(laid.pages)
            laid.tops = [[] for _ in laid.tops]
        return laid

    def furniture_document(*args):
        documents.append(args[1])
        return made(*args)

    monkeypatch.setattr(splice, "join", wrong)
    monkeypatch.setattr(build, "furniture_document", furniture_document)
    assert _chunked_in_process(runner, caplog, copy, monkeypatch, logging.DEBUG)[0] == 1
    assert told and _again(caplog)
    groups = sorted(set(documents))
    assert sorted(documents) == sorted(groups * 2)  # every furniture document made again
    monkeypatch.undo()
    cold = render(copy, "cold", "--pdf-layout", "chunked", "--pdf-chunk-size", str(SIZE))
    assert (copy / "build/brief.pdf").read_bytes() == cold.read_bytes()


def test_a_body_then_a_title_edit_keep_pages_of_both_earlier_layouts_and_equal_a_cold_build(tmp_path, runner, caplog,
                                                                                           monkeypatch):
    """The benchmark's edits on 30 realistic notices (one chunk): a sentence
    added at the end of a notice (its pages laid out again until the
    pagination catches up), then a longer headline for it: the chunk keeps
    pages of the first layout and of the second, and the book is a cold
    build's."""
    from bench import edit_body, edit_title, victim
    from generate import realistic

    ws = tmp_path / "ws"
    realistic(ws / "sources", 30)
    monkeypatch.chdir(ws)

    def build(out: str = "build") -> tuple[Path, list[str]]:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="ip5pub.pdf"):
            result = runner.invoke(main, ["render", "-q", "-f", "pdf", "-o", out, "--pdf-layout", "chunked"])
        assert result.exit_code == 0, result.output
        return ws / out / "brief.pdf", _again(caplog)

    build()
    path = victim(ws)
    edit_body(path)
    pdf, again = build()
    assert again and pdf.read_bytes() == build("cold-1")[0].read_bytes()
    edit_title(path)
    pdf, again = build()
    assert again and pdf.read_bytes() == build("cold-2")[0].read_bytes()


def test_a_longer_headline_lays_the_front_and_back_matter_out_from_its_pages_and_equals_a_cold_build(
        tmp_path, runner, caplog, monkeypatch):
    """The benchmark's title edit on 150 realistic notices, of WIPO notices
    (the index's last office: their rows are on late pages of the back
    matter): the headline's contents entry and index row take another line,
    and the front and back matter are laid out from the page before each
    (not whole), with the elements wholly on earlier pages emptied (the
    contents' entries, the index's offices; weasy.inert). The book is a
    cold build's, after one edit and after a second (the matter then
    joined from pages of three layouts); with the headlines as they were,
    the first build's."""
    from bench import edit_title
    from generate import realistic

    ws = tmp_path / "ws"
    realistic(ws / "sources", 150)
    monkeypatch.chdir(ws)

    emptied: list[dict[str, int]] = []

    def build(out: str = "build") -> tuple[bytes, dict[str, str]]:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="ip5pub.pdf"):
            result = runner.invoke(main, ["render", "-q", "-f", "pdf", "-o", out])
        assert result.exit_code == 0, result.output
        found = [m for r in caplog.records
                 if (m := re.search(r"the (front|back) matter laid out again from its (page \d+ to [^,]*), the rest "
                                    r"kept(?: \((\d+) elements before it emptied\))?", r.getMessage()))]
        emptied.append({m.group(1): int(m.group(3) or 0) for m in found})
        return (ws / out / "brief.pdf").read_bytes(), {m.group(1): m.group(2) for m in found}

    first, _ = build()
    wipo = sorted((ws / "sources").glob("*-wipo-*.md"))
    edited = [wipo[len(wipo) // 2], wipo[len(wipo) // 2 + 2]]
    originals = [path.read_bytes() for path in edited]
    for k, path in enumerate(edited):
        edit_title(path)
        pdf, again = build()
        assert sorted(again) == ["back", "front"]
        assert all(int(where.split()[1]) > 1 for where in again.values())  # not from the first pages
        assert emptied[-1]["front"] >= 20 and emptied[-1]["back"] >= 1, emptied[-1]
        assert pdf == build(f"cold-{k}")[0]
    for path, original in zip(edited, originals):
        path.write_bytes(original)
    pdf, again = build()
    assert sorted(again) == ["back", "front"]  # from the last layout again: the first one's is gone from the cache
    assert pdf == first


REFERENCING = """<!DOCTYPE html><html lang="en"><head><style>
@page {{ size: A5; margin: 20mm; @bottom-right {{ content: "Page " counter(page) " of " counter(pages); }} }}
body {{ font-family: "Noto Sans"; font-size: 11pt; }}
.see::after {{ content: " (p. " target-counter(attr(href), page) ")"; }}
.toc a {{ display: block; }}
.toc a::after {{ content: leader(". ") target-counter(attr(href url), page); }}
</style></head><body>
<nav class="toc"><a href="#far">Far section</a></nav>
<p>See the far section <a class="see" href="#far">there</a>{tail}</p>
<h1 id="far" style="break-before: page">Far</h1>
</body></html>"""


@pytest.mark.parametrize("number", [2, 1234])
def test_a_page_reference_is_taken_out_and_drawn_again_with_its_number(tmp_path, number):
    """Any target-counter in a ::before/::after, not only the packaged ones:
    laid out with the stand-in, which never reaches the page; the furniture
    writes the number (shorter than the stand-in, or longer) in its place,
    a leader's dots up to it."""
    root = tree.parse(REFERENCING.format(tail=""))
    tree.content_document(root, 88)
    styles = (str(ROOT / "styles"),)
    job = Job(root, str(ROOT / "styles") + "/", "", styles)
    laid, _, _ = layout(job)
    assert laid.pages == 2 and laid.anchors["far"] == 1
    refs = laid.refs[0]
    assert [(r["target"], r["parts"], r["leader"]) for r in refs] == [("far", [None], ". "), ("far", [" (p. ", None, ")"], None)]
    (tmp_path / "content.pdf").write_bytes(laid.pdf)
    drawn = subprocess.run(["pdftotext", str(tmp_path / "content.pdf"), "-"], capture_output=True, text=True).stdout
    assert "88" not in drawn and "Page" not in drawn  # no stand-in, no margin box

    parts = tree.Parts(tree.parse(REFERENCING.format(tail='<main class="notices"></main>')))
    pages = [plan.FurniturePage("", None, tuple((r, number) for r in refs)), plan.FurniturePage("", None)]
    furniture = furniture_document(parts, 1, pages, 2, digits=2)
    under, _, _ = layout(Job(furniture, job.base_url, "", styles))
    (tmp_path / "book.pdf").write_bytes(assemble([laid.pdf], [under.pdf]))
    texts = page_texts(tmp_path / "book.pdf")
    assert re.search(rf"Far section \.(?: \.)+\s*{number}\n", texts[0]), texts[0]
    assert f"See the far section there (p. {number})\n" in texts[0]
    assert [footers(texts)] == [[(1, 2), (2, 2)]]


# A custom style that the chunked layout cannot draw as a single pass would:
# it must lay the brief out in one pass (with a warning), never print a
# stand-in or lose a reference. The note and its target come last in the
# back matter; the references in the contents.
STYLES = {
    # "(p. 88, 1)" where a single pass prints "(p. 3, 1)", before the fallback.
    "counter": ('.toc { counter-reset: x 1; }\n'
                '.toc-notices .toc-link::after { content: " (p. " target-counter(attr(href url), page) ", " counter(x) ")"; }',
                "beside generated content other than strings and attr()"),
    # Vanished in the chunked layout, before the fallback.
    "target-text": ('.see::after { content: " [" target-text(attr(href url)) "]"; }', "target-text()"),
    # Not caught by reading the stylesheet: the layout finds it cannot take the stand-in out.
    "block": ('.see::after { display: block; content: "page " target-counter(attr(href url), page); }',
              "page references it cannot draw again"),
}
TEMPLATE = ('{% extends "packaged/brief.html" %}\n{% block styles %}{{ super() }}<style>CSS</style>{% endblock %}\n'
            '{% block office_index %}{{ super() }}<p>Compiled for <a class="see" href="#desk">the team</a>.</p>'
            '<p id="desk">IP desk</p>{% endblock %}\n')


@pytest.mark.parametrize("style", list(STYLES))
def test_a_style_the_chunked_layout_cannot_draw_is_laid_out_in_one_pass_with_a_warning(tmp_path, style):
    css, reason = STYLES[style]
    ws = tmp_path / "ws"
    generate(ws / "sources", 8)
    (ws / "ip5pub.toml").write_text("glance_limit = 0\n")  # the contents as a list (small briefs: a table)
    (ws / "styles").mkdir()
    (ws / "styles/brief.html").write_text(TEMPLATE.replace("CSS", css), encoding="utf-8")
    single = render(ws, "single", "--pdf-layout", "single")
    proc = run_cli("render", "-o", "chunked", "--pdf-layout", "chunked", cwd=ws)
    assert "cannot draw this brief as one pass would" in proc.stderr and reason in proc.stderr, proc.stderr
    assert "one pass" in proc.stderr and "laid out" not in proc.stderr
    chunked = ws / "chunked/brief.pdf"
    assert chunked.read_bytes() == single.read_bytes()
    joined = "\n".join(page_texts(chunked))
    if style == "counter":
        starts = [page for title, page in outline(PdfReader(chunked)) if "(notice" in title]
        shown = [int(n) for n in re.findall(r"\(p\. (\d+), 1\)", joined)]
        assert shown == starts and len(shown) >= 7, (shown, starts)
    elif style == "target-text":
        assert "the team [IP desk]" in joined
    else:
        assert re.search(r"the team\s+page \d+", joined), joined[-300:]


def test_a_changed_style_file_lays_the_chunks_out_again(tmp_path, runner, caplog, monkeypatch):
    ws = tmp_path / "ws"
    generate(ws / "sources", 8)
    (ws / "styles").mkdir()
    (ws / "styles/logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    laid, chunks = _chunked_in_process(runner, caplog, ws, monkeypatch)
    assert laid == chunks == 1
    (ws / "sources/bench-0000.md").touch()  # nothing changed: everything from the cache
    (ws / "build/brief.pdf").unlink()
    assert _chunked_in_process(runner, caplog, ws, monkeypatch) == (0, 1)
    # Another file under styles/ (an image a template might use): laid out again.
    (ws / "styles/logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>')
    assert _chunked_in_process(runner, caplog, ws, monkeypatch) == (1, 1)


# ---- 120 notices: a chunked layout paginates as a single pass and embeds its fonts once ----

@pytest.fixture(scope="module")
def brief_120(tmp_path_factory) -> tuple[Path, Path]:
    ws = tmp_path_factory.mktemp("n120")
    generate(ws / "sources", 120)
    return render(ws, "chunked", "--pdf-layout", "chunked"), render(ws, "single", "--pdf-layout", "single")


def test_120_notices_have_the_same_pages_chunked_and_in_one_pass(brief_120):
    chunked, single = brief_120
    a, b = PdfReader(chunked), PdfReader(single)
    assert len(a.pages) == len(b.pages)
    stories = [(title, page) for title, page in outline(a) if "(notice" in title]
    assert len(stories) > 100
    assert outline(a) == outline(b)  # every story on the same page
    assert footers(page_texts(chunked))[-1] == (len(a.pages), len(a.pages))


def font_programs(pdf: Path) -> dict[str, set[str]]:
    """Subset name (BaseFont) -> the digests of the font programs embedded under it."""
    import hashlib

    import pikepdf

    found: dict[str, set[str]] = {}
    with pikepdf.open(pdf) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                program = obj.get("/FontFile2") or obj.get("/FontFile3") or obj.get("/FontFile")
                digest = hashlib.sha256(program.read_bytes()).hexdigest()
                found.setdefault(str(obj.FontName), set()).add(digest)
    return found


def test_each_face_is_embedded_once_under_a_name_of_its_own(brief_120):
    chunked, single = brief_120
    programs = font_programs(chunked)
    faces = [name.split("+", 1)[1] for name in programs]
    assert {"Noto-Sans", "Noto-Serif"} <= set(faces)
    assert sorted(faces) == sorted(set(faces))  # one subset of each face, no font program twice
    assert all(len(digests) == 1 for digests in programs.values())  # one program per subset name
    assert sorted(faces) == sorted(name.split("+", 1)[1] for name in font_programs(single))
    # The furniture drawn over each page costs some, the fonts no longer.
    assert chunked.stat().st_size < 1.2 * single.stat().st_size


# ---- a brief of SIDE_BY_SIDE to THRESHOLD stories: one chunk, side by side ----

@pytest.fixture(scope="module")
def side_by_side(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("side")
    generate(ws / "sources", plan.SIDE_BY_SIDE + 4)  # a few generated notices are duplicates of others
    return ws


def test_auto_lays_a_brief_from_side_by_side_stories_out_as_one_chunk_with_a_single_pass_s_pages(side_by_side,
                                                                                                   tmp_path):
    ws = side_by_side
    auto = run_cli("render", "-v", "-o", "auto", "--jobs", "2", cwd=ws)
    assert "brief.pdf: laid out 1 of 1 chunks" in auto.stderr, auto.stderr
    single = render(ws, "one", "--pdf-layout", "single")
    stories = [title for title, _ in outline(PdfReader(single)) if "(notice" in title]
    assert plan.SIDE_BY_SIDE <= len(stories) < plan.THRESHOLD
    assert_same_layout(ws / "auto/brief.pdf", single)
    for name, pdf in (("a", ws / "auto/brief.pdf"), ("s", single)):
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / name)], check=True)
    drawn = sorted(tmp_path.glob("a-*.png")), sorted(tmp_path.glob("s-*.png"))
    assert len(drawn[0]) == len(drawn[1]) > len(stories)
    assert [p.name for p, q in zip(*drawn) if p.read_bytes() != q.read_bytes()] == []
    # One job: the same bytes (the layout is not chosen by --jobs).
    assert render(ws, "one-job", "--jobs", "1").read_bytes() == (ws / "auto/brief.pdf").read_bytes()


def test_one_chunk_goes_to_the_workers_before_the_front_and_back_matter_and_two_share_the_furniture(
        side_by_side, tmp_path, monkeypatch):
    """The chunk holding every story is the longest document: sent first, the
    front and back matter are laid out beside it, not before it. The
    furniture of a book of up to 40 pages is two documents, one per worker."""
    from ip5pub.render.chunked import worker

    sent: list[str] = []
    lay = worker.Runner.lay

    def record(self, fn, job):
        sent.append(fn.__name__)
        return lay(self, fn, job)

    monkeypatch.setattr(worker.Runner, "lay", record)
    shutil.copytree(side_by_side / "sources", tmp_path / "sources")
    run_cli("render", "-q", "--jobs", "2", cwd=tmp_path)
    assert sent == ["layout", "layout_matter", "layout_matter", "layout_furniture", "layout_furniture"], sent
    assert 20 <= len(PdfReader(tmp_path / "build/brief.pdf").pages) <= 2 * plan.FURNITURE_PAGES


def test_a_brief_auto_would_lay_out_side_by_side_but_cannot_gets_one_pass_without_a_warning(side_by_side, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(side_by_side / "sources", ws / "sources")
    (ws / "styles").mkdir()
    (ws / "styles/brief.html").write_text(TEMPLATE.replace("CSS", STYLES["target-text"][0]), encoding="utf-8")
    auto = run_cli("render", "-o", "auto", cwd=ws)
    assert "cannot draw" not in auto.stderr and "one pass" not in auto.stderr, auto.stderr
    verbose = run_cli("render", "-v", "-o", "told", cwd=ws)
    assert "cannot draw this brief as one pass would (target-text()" in verbose.stderr, verbose.stderr
    assert (ws / "auto/brief.pdf").read_bytes() == render(ws, "one", "--pdf-layout", "single").read_bytes()
    explicit = run_cli("render", "-o", "asked", "--pdf-layout", "chunked", cwd=ws)
    assert "cannot draw this brief as one pass would" in explicit.stderr  # asked for: a warning, as before
