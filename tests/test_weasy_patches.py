"""What ip5pub.render.weasy changes in WeasyPrint's work changes no byte of the PDF.

A brief (Chinese, Japanese and Korean notices among the others, link notes
as footnotes, running heads, page references) is laid out by WeasyPrint in
two processes, one with the patches and one without: the PDFs must be the
same bytes, and the patched one must have laid out fewer pages (each page
with a new running head was laid out twice, each with page references three
times) and read fewer bytes of fonts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import realistic

EPOCH = "1700000000"
LAY_OUT = """
import json, logging, sys
from pathlib import Path
from ip5pub import system
from ip5pub.render import weasy
system.import_weasyprint()
from ip5pub.render.weasy import glyphruns, leaders
runs = [0]
_run = glyphruns._run
def run(*args):  # counts the runs whose glyphs were read in bulk (not found written before)
    runs[0] += 1
    return _run(*args)
glyphruns._run = run
repeated = [0]
_splice = leaders._splice
def splice(stream, written):  # counts the dots drawn by repeating another's operators
    repeated[0] += 1
    _splice(stream, written)
leaders._splice = splice
from weasyprint import css
pseudo = [0]
page_styles = [0]
element_styles = [0]
before_after = [0]
_compute = css.StyleFor.set_computed_styles
def compute(self, element, parent, root=None, pseudo_type=None, base_url=None, target_collector=None):
    pseudo[0] += pseudo_type in ("marker", "footnote-call", "note-call")  # counts the styles computed
    page_styles[0] += pseudo_type is None and type(element).__name__ == "PageType"
    element_styles[0] += pseudo_type is None and type(element).__name__ != "PageType"
    before_after[0] += pseudo_type in ("before", "after")
    _compute(self, element, parent, root, pseudo_type, base_url, target_collector)
css.StyleFor.set_computed_styles = compute
if sys.argv[1] == "patched":
    weasy.defer_font_programs()
    weasy.lay_out_running_elements_once()
    weasy.page_references_in_two_layouts()
    weasy.page_references_set_ahead()
    weasy.subset_fonts_in_threads()
    weasy.subset_in_one_pass()
    weasy.draw_leaders_once()
    weasy.glyphs_read_in_bulk()
    weasy.equal_styles_shared()
    weasy.pseudo_styles_when_asked()
    weasy.page_styles_by_kind()
    weasy.stylesheets_parsed_once()
layouts = []
class Count(logging.Handler):
    def emit(self, record):
        message = record.getMessage()
        if "Creating layout - Page" in message and "up-to-date" not in message:
            layouts.append(message)
notdef = []
class Notdef(logging.Handler):
    def emit(self, record):
        if str(record.msg).startswith(".notdef"):
            notdef.append(record.args[1])
logging.getLogger("weasyprint").addHandler(Notdef())
logging.getLogger("weasyprint").setLevel(logging.WARNING)
progress = logging.getLogger("weasyprint.progress")
progress.addHandler(Count())
progress.setLevel(logging.INFO)
from weasyprint import HTML
options = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
Path(sys.argv[3]).write_bytes(HTML(filename=sys.argv[2]).write_pdf(**options))
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across execve, so a child
# started from a large pytest process would report the parent's peak.
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
most = max(layouts.count(m) for m in layouts)  # "... Page N": the layouts of the page laid out most
last = layouts.count(max(layouts, key=lambda m: int(m.rsplit(" ", 1)[1])))  # the index's last page
print(json.dumps({"layouts": len(layouts), "most": most, "last": last, "rss": hwm, "leaders": leaders.draw_leaders_once.installed,
                  "bulk": glyphruns.glyphs_read_in_bulk.installed, "runs": runs[0], "notdef": notdef,
                  "repeated": repeated[0], "pseudo": pseudo[0], "page_styles": page_styles[0],
                  "element_styles": element_styles[0], "before_after": before_after[0]}))
"""


def lay_out(html: Path, out: Path, mode: str, options: dict | None = None) -> dict:
    proc = subprocess.run([sys.executable, "-c", LAY_OUT, mode, str(html), str(out), json.dumps(options or {})],
                          capture_output=True, text=True,
                          env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, cwd=out.parent, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.mark.slow
def test_patched_layout_is_byte_identical_and_cheaper(tmp_path):
    paths = realistic(tmp_path / "sources", 30)  # three of them Chinese, Japanese and Korean
    md = next(p for p in paths if p.suffix == ".md")
    md.write_text(md.read_text(encoding="utf-8").rstrip() + "\n\nDetails: [the notice](https://example.org/n1).\n\n"
                  "- the first change\n- the second change\n\n1. an ordered step\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "ip5pub", "render", "-f", "html", "-q"], cwd=tmp_path,
                          env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    html = tmp_path / "build" / "brief.html"
    assert "link-note" in html.read_text(encoding="utf-8")
    original = lay_out(html, tmp_path / "original.pdf", "original")
    patched = lay_out(html, tmp_path / "patched.pdf", "patched")
    assert (tmp_path / "original.pdf").read_bytes() == (tmp_path / "patched.pdf").read_bytes()
    pages = len(PdfReader(tmp_path / "patched.pdf").pages)
    assert patched["layouts"] < original["layouts"]
    assert patched["layouts"] <= pages * 3 // 2, (patched, pages)
    # The contents and at a glance (forward page references): three layouts
    # each, two now; the index, which refers back: three, one now.
    assert (original["most"], patched["most"]) == (3, 2)
    assert (original["last"], patched["last"]) == (3, 1)
    assert patched["rss"] < original["rss"] - 50_000  # kB: the CJK font files are not copied whole
    assert patched["leaders"] is True and original["leaders"] is None
    assert patched["bulk"] is True and original["bulk"] is None and patched["runs"] > 1000, patched
    # Every element's marker, footnote call and note call styles, computed
    # during the cascade; now only those a box shows (the list's markers, the
    # link notes' calls).
    assert 0 < patched["pseudo"] < original["pseudo"] // 20, (patched, original)
    # A page style for every layout of every page; now one for each kind of
    # page (cover, front matter, story pages, back matter; right and left).
    assert original["page_styles"] == original["layouts"]
    assert 0 < patched["page_styles"] <= 8, patched
    # Every title in the contents and the at-a-glance table carries its
    # notice's language, every story is an article with an id and a
    # language, and each had styles of its own, as had everything inside
    # them and every leader and page reference; now shared.
    assert patched["element_styles"] < original["element_styles"] - 100, (patched, original)
    assert patched["before_after"] < original["before_after"] // 2, (patched, original)


SHARED = """<!doctype html><html lang="en"><head><style>
@page { size: A6; margin: 10mm; }
body { font: 9pt serif; hyphens: auto; text-align: justify; }
ol { counter-reset: item; margin: 0; list-style: none; }
li { counter-increment: item; }
li::before { content: counter(item) ". " attr(data-mark) " "; color: #a33; }
.warm { color: #a50; } .warm li::before { color: #05a; }
a::after { content: " (p. " target-counter(attr(href url), page) ")"; }
[lang=de] { font-style: italic; }
:lang(fr) a::after { content: " [" attr(href) "]"; }
.anchored::before { -weasy-anchor: "mark"; content: "\\00A7  "; }
h2 { break-before: page; }
</style></head><body>%s</body></html>"""


@pytest.mark.slow
def test_equal_styles_shared_draw_the_same_bytes(tmp_path):
    """Elements with a language, alone and with a style attribute or an id
    of their own, in lists of other colours, with counters, page references
    and attr() in their ::before and ::after (one setting an anchor): the
    same bytes as when each has its own styles, with fewer styles computed."""
    words = {"en": "hyphenation of the international applications",
             "de": "Donaudampfschifffahrtsgesellschaft und Patentanmeldungen",
             "fr": "les demandes internationales de brevets d'invention"}
    own = ["", ' style="color: #393"', ' style="font-size: 11pt"']
    lists = []
    for cls in ("", "warm"):
        items = []
        for k in range(18):
            lang = list(words)[k % 3]
            marked = ' class="anchored"' if k == 7 else ""
            items.append(f'<li lang="{lang}" data-mark="m{k}"{own[k // 3 % 3]}{marked}>'
                         f'{(words[lang] + " ") * (1 + k % 4)}<span lang="de">Schutzrecht</span> '
                         f'<a href="#s{k % 5}">see</a></li>')
        lists.append(f'<ol class="{cls}">{"".join(items)}</ol>')
    paragraphs = "".join(f'<p lang="{lang}" id="p{k}">{words[lang]} <a href="#s{k}">s{k}</a></p>'
                         for k, lang in enumerate(words))
    stories = "".join(f'<section id="q{k}" lang="{list(words)[k % 3]}"><p>Story {k} <a href="#s{k % 5}">on</a></p>'
                      "</section>" for k in range(6))
    sections = "".join(f'<h2 id="s{k}">Section {k}</h2><p>Text.</p>' for k in range(5))
    html = tmp_path / "shared.html"
    html.write_text(SHARED % ("".join(lists) + paragraphs + stories + sections), encoding="utf-8")
    original = lay_out(html, tmp_path / "original.pdf", "original")
    patched = lay_out(html, tmp_path / "patched.pdf", "patched")
    assert (tmp_path / "original.pdf").read_bytes() == (tmp_path / "patched.pdf").read_bytes()
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "patched.pdf").pages)
    assert "m17" in text and "[#s1]" in text and "(p. 8)" in text and "\u00a7" in text and "Story 5" in text
    # In each list, the six items without a style attribute are two of each
    # language: three of them, with their span and link, take the styles of
    # the other three (18), as do those items' ::before and their links'
    # ::after (12). Each story has an id of its own, but three of them
    # are another's equals: their paragraphs and links take that one's
    # (6), as do their links' ::after (3). Every other element is its own:
    # its style attribute, its id, or a parent of its own.
    assert patched["element_styles"] == original["element_styles"] - 24, (patched, original)
    assert patched["before_after"] == original["before_after"] - 15, (patched, original)


PAGES = """<!doctype html><html lang="en"><head><style>
@page { size: A6; margin: 14mm 12mm; counter-increment: page 2;
  @top-center { content: "Folio " counter(page) " of " counter(pages); font: 8pt sans-serif; }
  @bottom-right { content: string(part); font: 8pt serif; } }
@page :first { @top-center { content: none; } }
@page :left { margin-left: 20mm; @bottom-left { content: "left " counter(page); } }
@page :right { @bottom-left { content: "right"; color: #a33; } }
@page :blank { @top-center { content: "This page is left blank"; } }
@page appendix { counter-reset: page 100; background: #eef;
  @top-left { content: "Appendix " counter(page, upper-roman); } }
%s
h1 { string-set: part content(); break-before: right; }
.appendix { page: appendix; }
body { font: 10pt serif; }
</style></head><body>%s</body></html>"""


@pytest.mark.slow
@pytest.mark.parametrize("nth", ["", "@page :nth(3n+1) { @top-right { content: 'every third'; } }"],
                         ids=["kinds", "nth"])
def test_page_styles_by_kind_draw_the_same_bytes(tmp_path, nth):
    """Pages of every kind (first, left, right, blank, named, with page
    counters changed in @page rules) are drawn as WeasyPrint draws them; an
    :nth() page selector makes every page's styles computed anew."""
    parts = []
    for k in range(5):
        paragraphs = "".join(f"<p>Paragraph {j} of part {k}. " + "Words to fill the page. " * 12 + "</p>"
                             for j in range(3 + 2 * k))
        parts.append(f'<section{" class=appendix" if k == 4 else ""}><h1>Part {k}</h1>{paragraphs}</section>')
    html = tmp_path / "pages.html"
    html.write_text(PAGES % (nth, "".join(parts)), encoding="utf-8")
    original = lay_out(html, tmp_path / "original.pdf", "original")
    patched = lay_out(html, tmp_path / "patched.pdf", "patched")
    assert (tmp_path / "original.pdf").read_bytes() == (tmp_path / "patched.pdf").read_bytes()
    pages = PdfReader(tmp_path / "patched.pdf").pages
    assert len(pages) > 12
    texts = [page.extract_text() for page in pages]
    assert "This page is left blank" in "".join(texts) and "Appendix CI" in "".join(texts)
    assert ("every third" in texts[3]) == bool(nth)
    if nth:
        assert patched["page_styles"] == original["page_styles"] == original["layouts"]
    else:
        assert original["page_styles"] == original["layouts"] >= len(pages)
        assert patched["page_styles"] <= 6, patched  # first; right, left, blank; appendix right and left


LEADERS = """<!doctype html><html lang="en"><head><style>
@page { size: A6; margin: 12mm; }
body { font: 10pt serif; }
a { text-decoration: none; color: #222; }
a::after { content: leader(". ") target-counter(attr(href), page); }
.r { direction: rtl; } .u a::after { text-decoration: underline; color: #a33; } .j { text-align: justify; }
.dash::after { content: leader("-") " " attr(href); }
h2 { break-before: page; }
</style></head><body>%s%s</body></html>"""


@pytest.mark.slow
@pytest.mark.parametrize("options", [{}, {"pdf_variant": "pdf/ua-1"}], ids=["plain", "tagged"])
def test_compact_leaders_draw_the_same_bytes(tmp_path, options):
    """Leaders in many shapes (short and long lines, two leaders in a line,
    right to left, justified, underlined, one character wide, in a tagged
    PDF whose every dot is a span) are drawn as WeasyPrint draws them."""
    entries = []
    for k in range(24):
        title = "Notice " * (1 + k % 9)
        cls = ["", "r", "u", "j"][k % 4]
        entries.append(f'<p class="{cls}"><a href="#s{k}">{title}{k}</a> <a class="dash" href="#s{k}">x</a></p>')
    sections = "".join(f'<h2 id="s{k}">Section {k}</h2><p>Text.</p>' for k in range(24))
    html = tmp_path / "leaders.html"
    html.write_text(LEADERS % ("".join(entries), sections), encoding="utf-8")
    original = lay_out(html, tmp_path / "original.pdf", "original", options)
    patched = lay_out(html, tmp_path / "patched.pdf", "patched", options)
    assert patched["leaders"] is True and original["leaders"] is None
    assert (tmp_path / "original.pdf").read_bytes() == (tmp_path / "patched.pdf").read_bytes()
    text = PdfReader(tmp_path / "patched.pdf").pages[0].extract_text()
    assert ". . . ." in text and "Notice" in text
    # Dots drawn by repeating another's operators (or by the first dots'
    # drawing, a few dozen); none in a tagged PDF, where every dot is a box.
    assert patched["repeated"] > 500 if not options else patched["repeated"] == 0, patched


GLYPHS = """<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
@page { size: A6; margin: 10mm; }
body { font: 9pt serif; } p { margin: 0 0 2mm; }
.j { text-align: justify; hyphens: auto; } .sans { font-family: sans-serif; } .b { font-weight: bold; }
.i { font-style: italic; } .sc { font-variant: small-caps; } .ls { letter-spacing: 0.08em; }
.ws { word-spacing: 0.4em; } .pre { white-space: pre-wrap; } .rtl { direction: rtl; }
.e { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.big { font-size: 14pt; } .tiny { font-size: 5pt; }
</style></head><body>%s</body></html>"""

GLYPH_LINES = [
    ("j", "The office extended the deadline for replies to examination reports filed during the outage, "
          "and applicants who missed a time limit may request further processing without a surcharge. "),
    ("j sans", "Fees paid twice are refunded on request; the affected applications keep their filing dates. "),
    ("b", "Patent Cooperation Treaty: international applications"), ("i", "Official Journal, supplementary issue"),
    ("sc", "Notice of the President on electronic filing"), ("ls", "LETTER-SPACED HEADLINE 2026"),
    ("ws j", "Word spacing set wider than the font's own space, then justified across the line."),
    ("pre", "Fees:\tEUR 100\n\tEUR 250 (late)\nTotal\u00a0EUR 350"),
    ("", "Combining marks: Nguye\u0302\u0303n, Be\u0301la, q\u0303, n\u0303, A\u030a, \u1ec7"),
    ("", "Zero width: pa\u200btent, soft hy\u00adphen, joiner a\u200db, figure\u2007space"),
    ("", "WIPO (\u4e16\u754c\u77e5\u7684\u6240\u6709\u6a29\u6a5f\u95a2) and KIPO "
         "(\ud2b9\ud5c8\uccad) in one line, CNIPA (\u56fd\u5bb6\u77e5\u8bc6\u4ea7\u6743\u5c40) too"),
    ("big", "A larger size: Ångström, Œuvre, fi fl ffi ligatures, 1/2 \u00bd"),
    ("tiny", "A smaller size for footnotes and folios, 12 of 340"),
    ("rtl", "\u05e4\u05d8\u05e0\u05d8 \u05d7\u05d3\u05e9 \u0628\u0631\u0627\u0621\u0629 "
            "\u0627\u0644\u0627\u062e\u062a\u0631\u0627\u0639 2026"),
    ("e", "A line cut with an ellipsis because it is far too long to fit in the width of this small page"),
    ("", "A private-use character \ue000 and an emoji \U0001f52c, drawn in another font if any"),
    ("", "Unassigned characters \u0378 and \U0010fffd have no glyph in any font"),
]


@pytest.mark.slow
@pytest.mark.parametrize("options", [{}, {"pdf_variant": "pdf/ua-1"}], ids=["plain", "tagged"])
def test_glyphs_read_in_bulk_draw_the_same_bytes(tmp_path, options):
    """Lines of every kind the brief draws (justified and hyphenated,
    letter- and word-spaced, small caps, tabs and breaks kept, combining
    marks, zero-width characters, Chinese, Japanese and Korean beside Latin
    in one line, right to left, several sizes) are written as WeasyPrint
    writes them; those it draws on another path (an ellipsis, a missing
    glyph, a raised mark) are drawn by its own function."""
    body = "".join(f'<p class="{cls}">{text}</p>' for cls, text in GLYPH_LINES)
    html = tmp_path / "glyphs.html"
    html.write_text(GLYPHS % (body * 3), encoding="utf-8")  # the same runs again: written from what was found
    original = lay_out(html, tmp_path / "original.pdf", "original", options)
    patched = lay_out(html, tmp_path / "patched.pdf", "patched", options)
    assert patched["bulk"] is True and original["bulk"] is None
    assert (tmp_path / "original.pdf").read_bytes() == (tmp_path / "patched.pdf").read_bytes()
    # Each run met for the first time is read; again, it is not: fewer than
    # a third of the runs of three copies (a justified line's spaces differ).
    assert 100 < patched["runs"] < 400, patched
    assert patched["notdef"] == original["notdef"] != [], patched  # warned about by WeasyPrint's own drawing
    text = PdfReader(tmp_path / "patched.pdf").pages[0].extract_text()
    assert "Patent Cooperation Treaty" in text and "\u4e16\u754c" in text and "\ud2b9\ud5c8" in text, text


SHEETS = """
import hashlib, json, logging, sys
from ip5pub import system
from ip5pub.render import weasy
system.import_weasyprint()
import weasyprint
from weasyprint import HTML
parses = [0]
_preprocess = weasyprint.preprocess_stylesheet  # the name CSS() calls
def preprocess(*args, **kwargs):
    parses[0] += 1
    return _preprocess(*args, **kwargs)
weasyprint.preprocess_stylesheet = preprocess
if sys.argv[1] == "patched":
    weasy.stylesheets_parsed_once()
class Keep(logging.Handler):
    def emit(self, record):
        said.append(record.getMessage())
logging.getLogger("weasyprint").addHandler(Keep(logging.WARNING))
logging.getLogger("weasyprint").setLevel(logging.WARNING)
house = sys.argv[2]
found = []
for k in range(4):
    said = []
    own = f"<style>h1 {{ color: #{k}{k}3; }}</style>" if k % 2 else ""
    html = (f'<!doctype html><html lang="en"><head><style>{house}</style>{own}</head><body>'
            f'<h1>Document {k}</h1><p class="side">Aside</p><p>' + "Words in a paragraph. " * (40 * (k + 1)) +
            "</p></body></html>")
    pdf = HTML(string=html, base_url="file:///nowhere/").write_pdf()
    found.append([hashlib.sha256(pdf).hexdigest(), sorted(said)])
print(json.dumps({"documents": found, "parses": parses[0]}))
"""

HOUSE = """:root { --gap: 4mm; }
@page { size: A6; margin: 14mm 10mm; @bottom-center { content: "Page " counter(page) " of " counter(pages); } }
@page wide { size: A6 landscape; @top-left { content: "Wide"; } }
@media print { h1 { page: wide; margin-bottom: var(--gap); } }
@media screen { h1 { color: red; } }
.side { color: nonsense; float: right; width: 30%; }
body { font: 9pt serif; hyphens: auto; }
"""


@pytest.mark.slow
def test_stylesheets_parsed_once_draw_the_same_bytes(tmp_path):
    """Four documents in one process with the same <style> sheet (@page
    rules, named pages, media rules, a custom property, an invalid
    declaration), two with a sheet of their own: the same bytes and the same
    warnings for each as when every sheet is parsed, with fewer parses."""
    runs = {}
    for mode in ("original", "patched"):
        proc = subprocess.run([sys.executable, "-c", SHEETS, mode, HOUSE], capture_output=True, text=True,
                              env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, cwd=tmp_path, check=False)
        assert proc.returncode == 0, proc.stderr
        runs[mode] = json.loads(proc.stdout.splitlines()[-1])
    assert runs["patched"]["documents"] == runs["original"]["documents"]
    assert len({pdf for pdf, _ in runs["patched"]["documents"]}) == 4
    for _, said in runs["patched"]["documents"]:
        assert any("nonsense" in line for line in said), said  # said for every document, as a parse says it
    assert runs["original"]["parses"] == 6
    assert runs["patched"]["parses"] == 3  # the house sheet once, each document's own sheet


def test_a_change_is_installed_by_the_first_call_only():
    """weasy.installer.Installer: the installer runs once, whatever it
    returns or raises; `installed` says whether it changed WeasyPrint."""
    from ip5pub.render.weasy.installer import Installer

    runs: list[str] = []

    def outcome(result: bool | None) -> Installer:
        def install() -> bool:
            runs.append("run")
            if result is None:
                raise RuntimeError("half made")
            return result

        return Installer(install)

    changed, refused, failed = outcome(True), outcome(False), outcome(None)
    assert changed.installed is None and changed.__name__ == "install"
    changed(), changed(), refused(), refused()
    assert (changed.installed, refused.installed) == (True, False) and len(runs) == 2
    with pytest.raises(RuntimeError):
        failed()
    failed()  # not made twice
    assert failed.installed is False and len(runs) == 3


NAMED = """
import io, json, sys
from ip5pub import system
system.import_weasyprint()
from weasyprint import HTML
from pypdf import PdfReader
from ip5pub.render.weasy import links
links.links_named()
html = HTML(string='<p id="here"><a href="ip5pub-goto:there">elsewhere</a> <a href="#here">here</a> '
                   '<a href="https://example.org/">web</a></p>')
out = {"installed": links.links_named.installed}
for name, named in (("named", True), ("plain", False)):  # plain after the block
    document = html.render()
    buffer = io.BytesIO()
    if named:
        with links.named("ip5pub-goto:"):
            document.write_pdf(buffer)
    else:
        document.write_pdf(buffer)
    annots = [a.get_object() for a in PdfReader(buffer).pages[0]["/Annots"]]
    out[name] = sorted([sorted(a.keys()), str(a.get("/Dest", "")), str(a["/A"]["/URI"]) if "/A" in a else ""]
                       for a in annots)
print(json.dumps(out))
"""


def test_links_to_another_document_s_anchor_are_written_by_its_name_in_the_block_only():
    """weasy/links.py: within `named(prefix)`, a link to prefix + a name is
    written as WeasyPrint writes a link to an anchor of its own document
    (the same keys, /Dest the name); other links as they were; outside the
    block, the prefixed link is a web link as before."""
    run = subprocess.run([sys.executable, "-c", NAMED], capture_output=True, text=True, cwd=ROOT, check=True)
    out = json.loads(run.stdout)
    assert out["installed"] is True
    own = ["/BS", "/Dest", "/Rect", "/Subtype", "/Type"]
    web = ["/A", "/BS", "/Rect", "/Subtype", "/Type"]
    assert out["plain"] == sorted([[own, "here", ""], [web, "", "ip5pub-goto:there"], [web, "", "https://example.org/"]])
    assert out["named"] == sorted([[own, "here", ""], [own, "there", ""], [web, "", "https://example.org/"]])


RESUBSET = """
import json, sys
from ip5pub.render.weasy import resubset
path, index, glyphs = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
ours = {str(missing): resubset.subset(path, index, glyphs, missing) for missing in (False, True)}
out = {"weasyprint_imported": "weasyprint" in sys.modules}
from weasyprint import DEFAULT_OPTIONS
from weasyprint.pdf.fonts import Font
from weasyprint.text.ffi import ffi, harfbuzz
from types import SimpleNamespace
own, hb, _ = resubset._harfbuzz()  # WeasyPrint's FFI cannot open a file: the face handed over by address
face = ffi.cast("hb_face_t *", int(own.cast("uintptr_t", hb.hb_face_create(hb.hb_blob_create_from_file(path.encode()),
                                                                        index))))
out["hinting"] = DEFAULT_OPTIONS["hinting"] == resubset.HINTING
for missing in (False, True):  # WeasyPrint's own subsetting, not patched: two HarfBuzz calls
    font = SimpleNamespace(hb_face=face, missing={0: 0} if missing else {}, family=path, file_content=None)
    Font._harfbuzz_subset(font, dict.fromkeys(glyphs), DEFAULT_OPTIONS["hinting"])
    out[str(missing)] = font.file_content == ours[str(missing)] and len(font.file_content) > 1000
print(json.dumps(out))
"""


@pytest.mark.parametrize("face", ["NotoSansCJK-Regular.ttc", "NotoSerif-Regular.ttf"])
def test_a_face_is_subset_again_as_weasyprint_subsets_it_without_importing_it(face):
    """resubset.subset (the assembly's faces' programs) makes, through an FFI
    of its own, the bytes WeasyPrint's own Font._harfbuzz_subset makes of the
    same face and glyphs, with a .notdef drawn or not; WeasyPrint is not
    imported for it (0.3 s of the build's process)."""
    listing = subprocess.run(["fc-list", "--format", "%{file}\t%{index}\n"], capture_output=True, text=True).stdout
    found = [line.split("\t") for line in listing.splitlines() if line.split("\t")[0].endswith("/" + face)]
    if not found:
        pytest.skip(f"{face} is not installed")
    path, index = sorted(found)[0]
    glyphs = [1, 5, 36, 70, 71, 200, 1200] if "CJK" in face else [3, 36, 68, 69, 70, 500]
    run = subprocess.run([sys.executable, "-c", RESUBSET, path, index, json.dumps(glyphs)],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    assert json.loads(run.stdout) == {"weasyprint_imported": False, "hinting": True, "False": True, "True": True}
