"""Elements emptied in a layout resumed from a page (ip5pub.render.weasy.inert):
which may be, and that the pages laid out are the same bytes without them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ip5pub.render.chunked import splice, tree
from ip5pub.render.chunked.worker import Job, Laid, Resume, layout
from ip5pub.render.weasy import inert

PLAIN, QUIET = inert.PLAIN, inert.QUIET


def test_the_numbering_is_document_order_with_parents_and_last_descendants():
    root = tree.parse("<!DOCTYPE html><html><head><title>t</title></head>"
                      "<body><ol><li>a <b>b</b> c</li><!-- note --><li>d</li></ol><p>e</p></body></html>")
    numbering = inert.number(root)
    _, ends = splice.elements(root)
    assert len(numbering) == len(list(root.iter())) == 10
    assert numbering.ends == ends
    #                          html head title body ol li b  #  li p
    assert numbering.parents == [-1, 0, 1, 0, 3, 4, 5, 4, 4, 3]
    assert numbering.comments == [False] * 7 + [True] + [False] * 2


def test_an_emptied_copy_keeps_the_elements_and_the_text_after_them():
    root = tree.parse("<!DOCTYPE html><html><body><div id='a'>one <b>two</b> three</div> after"
                      "<div>four<p>five</p></div></body></html>")
    numbering = inert.number(root)
    before = ET.tostring(root)
    copy, places = inert.emptied(root, numbering, {3})  # html head body div#a ...: the first div
    assert ET.tostring(root) == before  # the original is left alone
    body = copy.find("body")
    first, second = list(body)
    assert first.get("id") == "a" and first.text is None and len(first) == 0 and first.tail == " after"
    assert second.text == "four" and second.find("p").text == "five"
    originals = list(root.iter())
    assert {places[id(e)] for e in copy.iter()} == {0, 1, 2, 3, 5, 6}
    assert all(originals[places[id(e)]].tag == e.tag for e in copy.iter())


@pytest.mark.parametrize("css,allowed", [
    ("p { color: red }", True),
    ("li:empty { display: none }", False),
    ("div:has(> img) { float: left }", False),
    ("a::after { content: target-text(attr(href)) }", False),
    ("p:blank { margin: 0 }", False),
    ("@import \"more.css\";", False),
])
def test_styles_that_could_see_an_emptied_element_forbid_emptying(css, allowed):
    root = tree.parse(f"<!DOCTYPE html><html><head><style>{css}</style></head><body><p>x</p></body></html>")
    assert inert.allowed(root, "") is allowed
    plain = tree.parse("<!DOCTYPE html><html><body><p>x</p></body></html>")
    assert inert.allowed(plain, css) is allowed  # the page's stylesheet too
    linked = tree.parse('<!DOCTYPE html><html><head><link rel="stylesheet" href="x.css"></head><body></body></html>')
    assert not inert.allowed(linked, "")


def test_the_outermost_plain_elements_with_quiet_contents_that_end_before_the_page_are_emptied():
    #        0 body  1 div   2 p    3 div  4 p     5 div  6 li   7 p    8 p
    status = [QUIET, PLAIN | QUIET, QUIET, PLAIN | QUIET, 0, PLAIN | QUIET, PLAIN, QUIET, QUIET]
    ends = [8, 2, 2, 4, 4, 7, 7, 7, 8]
    firsts = [0, 0, 0, 1, 1, 2, 3, 3, 5]
    # From page 6: div 1 (its <p> quiet) and the list item 6 (it acts, but is kept with its count: only
    # what is in it goes); not div 3, whose <p> acts (say, increments a counter), nor div 5 (its list item).
    assert inert.emptiable(status, firsts, ends, 6) == (1, 6)
    assert inert.emptiable(status, firsts, ends, 5) == (1,)  # the list item may go on to page 5 (<p> 8 starts there)
    assert inert.emptiable(status, firsts, ends, 1) == ()  # the next element (div 3) starts on page 1
    unknown = list(status)
    unknown[2] = -1  # its <p> on no page: not known quiet
    assert inert.emptiable(unknown, firsts, ends, 6) == (6,)
    assert inert.emptiable(status[:-1], firsts, ends, 6) == ()  # another document's statuses


def test_a_join_keeps_what_each_layout_saw_of_an_element():
    last = Laid(b"", 6, states=[{"t": []}] * 7, firsts=[0, 0, 1, 2, 3, 5, 4],
                statuses=[QUIET, PLAIN | QUIET, PLAIN | QUIET, PLAIN | QUIET, PLAIN | QUIET, QUIET, QUIET])
    # From page 2 to page 4: elements 3 and 4 laid out again (4 now acts); element 0 spans both.
    new = Laid(b"", 2, names=["", ""], refs=[[], []], tops=[[], []], states=[{"t": []}] * 7, start=2, resync=4,
               firsts=[0, -1, -1, 0, 1, -1, -1], statuses=[PLAIN | QUIET, -1, -1, QUIET, 0, -1, -1])
    joined = splice.join("old", last, "new", new)
    assert joined.statuses == [QUIET, PLAIN | QUIET, PLAIN | QUIET, QUIET, 0, QUIET, QUIET]


# A document of A6 pages with every kind of element the statuses tell apart,
# then pages whose content reads the counters and quotes the elements before
# them leave behind: section numbers, list item numbers, nested quotes.
DOCUMENT = """<!DOCTYPE html><html lang="en"><head><style>
body {{ font-family: "Noto Sans"; font-size: 9pt; counter-reset: sec; }}
h2 {{ counter-increment: sec; font-size: 10pt; }}
h2::before {{ content: counter(sec) ". "; }}
.row {{ display: flex; gap: 2mm; }}
.side {{ float: right; width: 15mm; }}
.gone {{ display: none; }}
table {{ width: 100%; table-layout: fixed; border-collapse: collapse; }}
td {{ border-bottom: .4pt solid gray; }}
</style></head><body>
{early}
<ol>{items}</ol>
{late}
</body></html>"""

PARAGRAPH = "<p>Patent offices publish notices on fees, tools and procedures {k}; each says what changes and when.</p>"


def _document() -> str:
    blocks = []
    for k in range(3):
        blocks.append(f"<div class='plain'>{PARAGRAPH.format(k=k)}<p>Second <em>paragraph</em> {k}.</p></div>")
        blocks.append(f"<div class='numbered'><h2>Section {k}</h2>{PARAGRAPH.format(k=k)}</div>")
        blocks.append(f"<div class='quoting'><p>They said <q>fees <q>fall</q></q> in {k}.</p></div>")
        blocks.append(f"<div class='table'><table><tr><td>Office {k}</td><td>{k}</td></tr>"
                      f"<tr><td>Other</td><td>{k + 1}</td></tr></table></div>")
        blocks.append(f"<div class='flex'><div class='row'><div>A {k}</div><div>B</div></div></div>")
        blocks.append(f"<div class='floating'><p><span class='side'>side</span>{PARAGRAPH.format(k=k)}</p></div>")
        blocks.append(f"<div class='hidden'><p class='gone'>x</p>{PARAGRAPH.format(k=k)}</div>")
        blocks.append(f"<table class='bare'><caption>Fees {k}</caption><tr><td>Filing</td><td>{k}</td></tr></table>")
    items = "".join(f"<li><a href='#s{k}'>Item {k}</a> <span>{PARAGRAPH.format(k=k)[3:-4]}</span></li>"
                    for k in range(30))
    late = "".join(f"<h2 id='s{k}'>Late {k}</h2><p>See <q>this</q>.</p>{PARAGRAPH.format(k=k)}" for k in range(8))
    return DOCUMENT.format(early="".join(blocks), items=items, late=late)


def _job(root, resume: Resume | None = None) -> Job:
    return Job(root, "file:///nowhere/", "@page { size: A6; margin: 10mm; }", (), resume, firsts=True)


def test_the_statuses_say_which_elements_a_layout_may_empty():
    root = tree.parse(_document())
    laid, _, _ = layout(_job(root))
    status = laid.statuses
    elements = list(root.iter())
    assert len(status) == len(elements)

    def of(cls: str) -> list[int]:
        return [status[k] for k, e in enumerate(elements) if e.get("class") == cls]

    assert of("plain") == [PLAIN | QUIET] * 3
    assert of("bare") == [PLAIN | QUIET] * 3  # a table is a block holding its parts (WeasyPrint's wrapper)
    for cls in ("numbered", "quoting", "table", "flex", "floating", "hidden"):
        assert of(cls) == [PLAIN | QUIET] * 3, cls  # each is a plain block itself ...
    places = {id(e): k for k, e in enumerate(elements)}
    kinds = {e.tag: status[places[id(e)]] for e in elements if e.tag in ("h2", "q", "li", "td", "tr", "span")}
    assert not kinds["h2"] & QUIET and not kinds["q"] & QUIET and not kinds["li"] & QUIET  # ... but not what's in it
    assert kinds["li"] & PLAIN and not kinds["td"] & PLAIN and not kinds["tr"] & PLAIN
    gone = [status[k] for k, e in enumerate(elements) if e.get("class") == "gone"]
    assert gone == [-1] * 3  # no box: not known to be quiet
    sides = [status[k] for k, e in enumerate(elements) if e.get("class") == "side"]
    assert all(not s & QUIET for s in sides)


def _resumed(root, laid: Laid, start: int, empty: tuple[int, ...]) -> Laid:
    count = len(list(root.iter()))
    resume = Resume(start, tuple(laid.states), frozenset(), after=count - 1, elements=count, empty=empty)
    again, _, _ = layout(_job(root, resume))
    return again


def test_a_layout_from_a_page_with_the_elements_before_it_emptied_makes_the_same_pages():
    root = tree.parse(_document())
    laid, _, _ = layout(_job(root))
    assert laid.pages >= 6
    elements = list(root.iter())
    _, ends = splice.elements(root)
    start = laid.firsts[next(k for k, e in enumerate(elements) if e.get("id") == "s0")] - 1
    empty = inert.emptiable(laid.statuses, laid.firsts, ends, start)
    classes = [elements[k].get("class") or elements[k].tag for k in empty]
    assert set(classes) >= {"plain", "table", "bare", "flex"} and classes.count("li") >= 5
    assert not {"numbered", "quoting", "floating", "hidden"} & set(classes)
    whole = _resumed(root, laid, start, ())
    emptied = _resumed(root, laid, start, empty)
    assert emptied.emptied == len(empty) and whole.emptied == 0
    assert whole.pages > 1 and emptied.pdf == whole.pdf
    assert (emptied.states, emptied.firsts, emptied.anchors, emptied.names) == \
        (whole.states, whole.firsts, whole.anchors, whole.names)
    # The test sees a lost count: a section's heading emptied with its div, the later sections number one less.
    numbered = next(k for k, e in enumerate(elements) if e.get("class") == "numbered")
    assert _resumed(root, laid, start, (numbered,)).pdf != whole.pdf
