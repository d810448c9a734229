"""PDF/A-3b attachments and PDF/UA-1 tagging, read back as the checkers do.

The structure tree is walked with pikepdf and every page's marked content
read with pypdf: each piece of text must lead into the tree or be an
artifact, page furniture must be an artifact, languages, link texts and
table header scopes must be there. veraPDF is not to be had here; the
PyPI checkers `pdfua` and `outloud` run when installed, and qpdf (the
command) must find every attachment by name.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from ip5pub.render import pdf_archive

from conftest import make_workspace, run_cli

DATA_PDF = Path(__file__).parent / "data" / "pdf"

# ---- reading the structure tree ----------------------------------------------------


def marked_text(page) -> tuple[dict[int, str], list[str], list[str]]:
    """A page's text by marked-content id, its artifact text, and text in neither."""
    stack: list[object] = []
    by_mcid: dict[int, str] = defaultdict(str)
    artifacts: list[str] = []
    untagged: list[str] = []

    def before(op, args, cm, tm):
        if op == b"BDC":
            props = args[1] if len(args) > 1 else None
            stack.append("artifact" if args[0] == "/Artifact" else props.get("/MCID") if hasattr(props, "get") else None)
        elif op == b"BMC":
            stack.append("artifact" if args[0] == "/Artifact" else None)
        elif op == b"EMC" and stack:
            stack.pop()

    def text(t, cm, tm, font, size):
        if not t.strip():
            return
        if "artifact" in stack:
            artifacts.append(t)
            return
        mcid = next((m for m in reversed(stack) if isinstance(m, int)), None)
        if mcid is None:
            untagged.append(t)
        else:
            by_mcid[mcid] += t

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return by_mcid, artifacts, untagged


class Tree:
    """The structure tree of a tagged PDF: elements, their text and language."""

    def __init__(self, path: Path):
        self.pdf = pikepdf.open(path)
        reader = PdfReader(path)
        self.pages = [marked_text(p) for p in reader.pages]
        self.page_index = {p.objgen: i for i, p in enumerate(self.pdf.pages)}
        self.lang = str(self.pdf.Root.Lang)
        self.elements: list[tuple[pikepdf.Dictionary, str]] = []  # (element, effective language)
        self.parent_of: dict[tuple[int, int], pikepdf.Dictionary] = {}
        self.mcids: set[tuple[int, int]] = set()  # (page, mcid) reached from the root
        self._walk(self.pdf.Root.StructTreeRoot.K, None, self.lang)

    def _walk(self, node, page, lang):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                self._walk(kid, page, lang)
        elif isinstance(node, int):
            self.mcids.add((page, int(node)))
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/Type") == "/MCR":
                self.mcids.add((self.page_index[node.Pg.objgen], int(node.MCID)))
            elif "/S" in node:
                lang = str(node.Lang) if "/Lang" in node else lang
                if "/Pg" in node:
                    page = self.page_index[node.Pg.objgen]
                self.elements.append((node, lang))
                kids = node.get("/K")
                for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
                    if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                        self.parent_of[kid.objgen] = node
                self._walk(kids, page, lang)

    def text(self, element) -> str:
        """The element's text: its marked content and its kids', in order."""
        out = []
        page = self.page_index[element.Pg.objgen] if "/Pg" in element else None
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            if isinstance(kid, int):
                out.append(self.pages[page][0].get(int(kid), ""))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                out.append(self.text(kid))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                out.append(self.pages[self.page_index[kid.Pg.objgen]][0].get(int(kid.MCID), ""))
        return "".join(out)

    def of_type(self, tag: str):
        return [(e, lang) for e, lang in self.elements if e.get("/S") == tag]

    def annotations(self):
        for i, page in enumerate(self.pdf.pages):
            for annot in page.obj.get("/Annots", ()):
                yield i, annot


def squash(text: str) -> str:
    return re.sub(r"[\s\u00ad\u2010-]+", "", text)


def tool(name: str) -> str | None:
    """A command on PATH or beside this Python (a checker installed in .venv)."""
    beside = Path(sys.executable).parent / name
    return shutil.which(name) or (str(beside) if beside.exists() else None)


def stories_of(ws: Path) -> list[dict]:
    """id, title and language of each notice shown, from the normalized notices."""
    import yaml

    out = []
    for md in sorted((ws / "build/notices").glob("*.md")):
        front = yaml.safe_load(md.read_text(encoding="utf-8").split("---")[1])
        out.append({"id": front["id"], "title": front["title"], "language": front["language"]})
    return out


# ---- fixtures ------------------------------------------------------------------


@pytest.fixture(scope="module")
def ua(tmp_path_factory):
    """The shipped samples and the CJK notices as PDF/UA-1."""
    ws = make_workspace(tmp_path_factory.mktemp("ua"), everything=True)
    for src in DATA_PDF.iterdir():
        shutil.copy(src, ws / "sources" / src.name)
    run_cli("render", "-f", "pdf", "--pdf-variant", "pdf/ua-1", cwd=ws)
    return ws, Tree(ws / "build/brief.pdf")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The shipped samples as PDF/A-3b."""
    ws = make_workspace(tmp_path_factory.mktemp("pdfa"), everything=True)
    run_cli("render", "-f", "pdf", "--pdf-variant", "pdf/a-3b", cwd=ws)
    return ws


# ---- attachments ------------------------------------------------------------------


def unsorted_pdf(count: int) -> bytes:
    """A PDF with `count` attachments named in reverse order, each twice in /AF
    (the two faults of WeasyPrint's PDF/A-3 output)."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    names = pikepdf.Array()
    specs = []
    for i in reversed(range(count)):
        name = f"2021-06-{i:03d}-notice.md"
        spec = pikepdf.AttachedFileSpec(pdf, f"notice {i}\n".encode(), filename=name).obj
        spec = pdf.make_indirect(spec)
        names.extend([pikepdf.String(name), spec])
        specs.append(spec)
    pdf.Root.Names = pikepdf.Dictionary(EmbeddedFiles=pdf.make_indirect(pikepdf.Dictionary(Names=names)))
    pdf.Root.AF = pikepdf.Array(specs + specs)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def leaves(node, limits=None):
    """Every (name, filespec) of a name tree, checking each node's /Limits."""
    out = []
    if "/Kids" in node:
        for kid in node.Kids:
            out += leaves(kid, kid.get("/Limits"))
    else:
        out = [(str(node.Names[i]), node.Names[i + 1]) for i in range(0, len(node.Names), 2)]
    if limits is not None:
        assert [str(limits[0]), str(limits[1])] == [out[0][0], out[-1][0]]
    return out


@pytest.mark.parametrize("count", [3, 150])
def test_attachments_sorted_split_and_listed_once(count, tmp_path):
    finished = pdf_archive.finish(unsorted_pdf(count), "pdf/a-3b")
    with pikepdf.open(io.BytesIO(finished)) as pdf:
        tree = pdf.Root.Names.EmbeddedFiles
        found = leaves(tree)
        names = [name for name, _ in found]
        assert names == sorted(names) and len(names) == count
        assert ("/Kids" in tree) == (count > 32)  # large trees are split
        assert len(pdf.Root.AF) == count and len({spec.objgen for spec in pdf.Root.AF}) == count
        assert dict(pdf.attachments) and pdf.attachments[names[-1]].get_file().read_bytes() == f"notice {count - 1}\n".encode()
    assert pdf_archive.finish(unsorted_pdf(count), "pdf/a-3b") == finished  # deterministic
    if shutil.which("qpdf"):
        path = tmp_path / "a.pdf"
        path.write_bytes(finished)
        for name in (names[0], names[count // 2], names[-1]):
            shown = subprocess.run(["qpdf", f"--show-attachment={name}", str(path)], capture_output=True, check=False)
            assert shown.returncode == 0 and shown.stdout == f"notice {int(name[8:11])}\n".encode(), shown.stderr


def with_identifier(data: bytes, first: bytes) -> bytes:
    """The same PDF under another writer's /ID (pikepdf and qpdf take its first
    half from the clock: two writes a second apart differ only there)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.trailer.ID = pikepdf.Array([pikepdf.String(first), pikepdf.String(first)])
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def test_the_finished_file_depends_on_the_content_not_on_the_writers_identifier():
    data = unsorted_pdf(3)
    one, two = with_identifier(data, b"\x01" * 16), with_identifier(data, b"\x02" * 16)
    assert one != two
    finished = pdf_archive.finish(one, "pdf/a-3b")
    assert finished == pdf_archive.finish(two, "pdf/a-3b")
    with pikepdf.open(io.BytesIO(finished)) as pdf:
        assert b"\x01" * 16 not in {bytes(part) for part in pdf.trailer.ID}


@pytest.mark.slow
def test_tagging_on_a_weasyprint_not_checked_is_left_out_with_one_warning():
    """The tagging additions share the adapter's version check (render/weasy)."""
    code = ("import logging, ip5pub.render.weasy as w; logging.basicConfig(format='%(message)s');"
            "w.VERIFIED = ('0.',); from ip5pub.render import pdf_tags;"
            "print(pdf_tags.install(), pdf_tags.install())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["False", "False"]
    assert proc.stderr.count("PDF/UA output lacks languages, link texts and table scopes") == 1, proc.stderr
    assert "is not one ip5pub was checked against (0.x)" in proc.stderr, proc.stderr


def test_no_variant_is_left_as_written():
    data = unsorted_pdf(3)
    assert pdf_archive.finish(data, None) is data


@pytest.mark.slow
def test_qpdf_finds_every_attached_notice_by_name(archive):
    if not shutil.which("qpdf"):
        pytest.skip("qpdf (Debian package qpdf) is not installed; `make system-deps` installs it")
    pdf = archive / "build/brief.pdf"
    notices = sorted((archive / "build/notices").glob("*.md"))
    listed = subprocess.run(["qpdf", "--list-attachments", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert [line.split(" -> ")[0] for line in listed.splitlines()] == [n.name for n in notices]
    for notice in notices:
        shown = subprocess.run(["qpdf", f"--show-attachment={notice.name}", str(pdf)], capture_output=True, check=False)
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout == notice.read_bytes()
    with pikepdf.open(pdf) as opened:
        assert len(opened.Root.AF) == len(notices) == len({spec.objgen for spec in opened.Root.AF})
        assert all(spec.AFRelationship == "/Source" for spec in opened.Root.AF)


# ---- PDF/UA-1: the structure tree ----------------------------------------------------------


@pytest.mark.slow
def test_every_text_leads_into_the_tree_or_is_an_artifact(ua):
    _, tree = ua
    for i, (by_mcid, _, untagged) in enumerate(tree.pages):
        assert not untagged, (i + 1, untagged[:3])
        lost = [by_mcid[m] for m in by_mcid if (i, m) not in tree.mcids]
        assert not lost, (i + 1, lost[:3])
    # the tree's marked content is the pages' own (not inside a form XObject,
    # where a page's ids do not reach: WeasyPrint draws `opacity` that way)
    for i, page in enumerate(tree.pdf.pages):
        own = {int(ops[1].MCID) for ops, op in pikepdf.parse_content_stream(page)
               if str(op) == "BDC" and len(ops) > 1 and isinstance(ops[1], pikepdf.Dictionary) and "/MCID" in ops[1]}
        assert own == {m for p, m in tree.mcids if p == i}, i + 1
    # nothing in the parent tree points outside the tree
    reachable = {e.objgen for e, _ in tree.elements}
    for _, elements in pikepdf.NumberTree(tree.pdf.Root.StructTreeRoot.ParentTree).items():
        for element in elements if isinstance(elements, pikepdf.Array) else [elements]:
            assert not isinstance(element, pikepdf.Dictionary) or element.objgen in reachable


@pytest.mark.slow
def test_cover_lines_are_in_the_tree(ua):
    _, tree = ua
    cover = squash("".join(tree.pages[0][0].values()))
    document = squash(tree.text(tree.elements[0][0]))
    for line in ("News from the world's patent offices", "notices by office", "Edition of 1 July 2021"):
        assert squash(line).lower() in cover.lower(), line
        assert squash(line).lower() in document.lower(), line


@pytest.mark.slow
def test_running_heads_and_page_numbers_are_pagination_artifacts(ua):
    _, tree = ua
    total = len(tree.pages)
    for i, (by_mcid, artifacts, _) in enumerate(tree.pages[1:], start=1):
        furniture = " ".join(artifacts)
        assert f"Page {i + 1} of {total}" in furniture and "IP5 Briefing" in furniture, (i + 1, furniture)
        assert not any(re.search(rf"Page \d+ of {total}\b", text) for text in by_mcid.values())
    page = tree.pdf.pages[3]
    kinds = {(str(ops[1].get("/Type")), str(ops[1].get("/Subtype")))
             for ops, op in pikepdf.parse_content_stream(page)
             if str(op) == "BDC" and ops[0] == "/Artifact" and isinstance(ops[1], pikepdf.Dictionary)}
    assert kinds == {("/Pagination", "/Header"), ("/Pagination", "/Footer")}


@pytest.mark.slow
def test_each_story_is_voiced_in_its_language(ua):
    ws, tree = ua
    assert tree.lang == "en"
    headings = {squash(tree.text(e)): lang for e, lang in tree.of_type("/H1")}
    shown = [s for s in stories_of(ws) if squash(s["title"]) in headings]
    assert {s["language"] for s in shown} >= {"en", "zh", "ja", "ko"}
    for story in shown:
        assert headings[squash(story["title"])] == story["language"], story
    # the English meta line inside a Korean story is English again
    paragraphs = [(tree.text(e), lang) for e, lang in tree.of_type("/P")]
    meta = [lang for text, lang in paragraphs if text.startswith("KIPO ·") and "Korean" in text]
    assert meta and set(meta) == {"en"}
    # Lang is written only where it changes
    for element, lang in tree.elements:
        parent = tree.parent_of.get(element.objgen)
        if "/Lang" in element and parent is not None:
            outer = next(lg for e, lg in tree.elements if e.objgen == parent.objgen)
            assert outer != lang


@pytest.mark.slow
def test_links_say_where_they_go_and_print(ua):
    ws, tree = ua
    titles = {s["id"]: s["title"] for s in stories_of(ws)}
    parents = dict(pikepdf.NumberTree(tree.pdf.Root.StructTreeRoot.ParentTree).items())
    links = [annot for _, annot in tree.annotations() if annot.Subtype == "/Link"]
    assert len(links) > len(titles)
    # what each target's links print, all pieces together (a link broken over
    # two lines is two annotations, each described by the whole link)
    printed: dict[str, str] = defaultdict(str)
    for annot in links:
        printed[str(annot.get("/Dest", ""))] += squash(tree.text(parents[int(annot.StructParent)]))
    for annot in links:
        assert int(annot.get("/F", 0)) & 4, "Print flag"
        contents = str(annot.get("/Contents", ""))
        dest = str(annot.get("/Dest", ""))
        assert contents and contents != dest and not contents.isdigit()
        if dest in titles:  # the printed text (less what CSS adds), or the notice's title for a page number
            assert contents == titles[dest] or squash(contents) in printed[dest], (dest, contents)
        else:  # a section of the brief, or the web: the printed text
            assert squash(contents) in printed[dest], (dest, contents)


@pytest.mark.slow
def test_table_headers_have_scope_and_every_table_has_them(ua):
    _, tree = ua
    ths = tree.of_type("/TH")
    assert ths
    for th, _ in ths:
        assert th.A.Scope in ("/Row", "/Column"), tree.text(th)
    rows = {tree.text(th) for th, _ in ths if th.A.Scope == "/Row"}
    assert "EPO" in rows  # the cover's counts by office
    tables = [t for t, _ in tree.of_type("/Table")]
    headed = set()
    for th, _ in ths:
        node = th
        while node is not None and node.S != "/Table":
            node = tree.parent_of.get(node.objgen)
        if node is not None:
            headed.add(node.objgen)
    assert len(tables) > 3 and all(t.objgen in headed for t in tables)


# ---- third-party checkers -------------------------------------------------------------


@pytest.mark.slow
def test_pdfua_checker_finds_nothing(ua):
    ws, _ = ua
    pdfua = tool("pdfua")
    if not pdfua:
        pytest.skip("the PyPI checker `pdfua` is not installed (`make checkers`, or pip install pdfua)")
    proc = subprocess.run([pdfua, "check", str(ws / "build/brief.pdf")], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout


@pytest.mark.slow
def test_outloud_finds_nothing_but_running_heads(ua):
    """outloud's TAG-002 takes an artifact line of eight words or more that no
    three pages repeat for prose: here the running head of a one-page story.
    PDF/UA wants running heads as artifacts, so lines in the top margin are
    the only findings allowed, warnings included: every address printed is a
    link (LNK-010 warned of the source lines' URLs before they were)."""
    ws, _ = ua
    outloud = tool("outloud")
    if not outloud:
        pytest.skip("the PyPI checker `outloud` is not installed (`make checkers`, or pip install outloud)")
    proc = subprocess.run([outloud, "--json", "-", str(ws / "build/brief.pdf")], capture_output=True, text=True,
                          check=False)
    report = json.loads(proc.stdout)
    findings = [f for doc in report["results"] for f in doc["findings"]]
    top_margin = 841.89 - 24 / 25.4 * 72  # A4, brief.css's top margin: where running heads are
    heads = [f for f in findings if f["rule"] == "TAG-002" and all(b["y0"] > top_margin for b in f["boxes"])]
    assert findings == heads, findings


@pytest.mark.slow
def test_pdf_ua1_is_byte_identical_across_builds(ua, tmp_path):
    ws, _ = ua
    again = make_workspace(tmp_path / "again", ws / "sources")
    run_cli("render", "-f", "pdf", "--pdf-variant", "pdf/ua-1", cwd=again)
    assert (again / "build/brief.pdf").read_bytes() == (ws / "build/brief.pdf").read_bytes()
