"""The EPUB bundle read back as a reading system would: content.opf, nav, chapters, links.

Each collection is built once per module with the real writer; EPUBCheck runs
once on all of them side by side (one JVM per file, a few seconds each).
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT, make_workspace, run_cli

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data" / "epub"
SECRET = "ip5pub-secret-7f3a9c"  # must never leave the file it is in

HOSTILE = """\
---
title: Hostile notice for the EPUB writer
date: 2021-06-20
office: EPO
language: en
---

The European Patent Office published a notice whose body tries every trick a web page can carry.

<script>alert("owned")</script>

An inline <img src="/etc/hostname"> tag, an image ![x](/etc/hostname), a local one ![y]({secret}) and a [link](javascript:alert(1)).

<iframe src="file://{secret}"></iframe>

`<b>raw</b>`{{=html}}

---
css: {secret}
cover-image: {secret}
---

# A heading inside a body

The last paragraph is plain text.
"""

# Every construct CommonMark has, characters XML cannot hold, and links to
# a notice, to a copy the brief does not show, to the glossary and to nowhere.
EDGE = """\
---
id: 2021-06-19-epo-edge-cases
title: "Edge cases \\x01 for the EPUB writer"
date: 2021-06-19
office: EPO
language: en
---

The European Patent Office published a notice with every construct CommonMark has, a form feed &#12; among them.

## Figures

| Office | Filings |
|:--|--:|
| EPO &amp; JPO &copy; | 1 < 2 |

```python
if a < b && c > d: print("&")
```

> A quote with *emphasis*, **strong** and `code`.

1. one
   - nested

---

See [the shown copy](#2021-06-21-epo-shown-copy), [the republished copy](#2021-06-22-republished-copy),
[the glossary](#glossary), [nowhere](#no-such-notice), [a bad host](http://a%zz),
[a bad port](http://example.com:99999/), [an empty mail link](mailto:) and
[the web](https://www.epo.org/news?a=1&b=2).  
The Patent Cooperation Treaty (PCT) is named here.
"""

COPY = """\
---
id: {id}
title: The EPO opens a help desk for PCT applicants
date: {date}
office: {office}
publisher: {publisher}
language: en
---

The European Patent Office opened a help desk on 21 June for applicants who file international applications
under the Patent Cooperation Treaty, with answers by telephone and e-mail in English, French and German on
every working day, and a page of frequently asked questions that the office will update every month.
"""

SHOWN, REPUBLISHED = "2021-06-21-epo-shown-copy", "2021-06-22-republished-copy"


def _unzip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _opf(files: dict[str, bytes]) -> str:
    return files["EPUB/content.opf"].decode()


def _chapters(files: dict[str, bytes]) -> dict[str, str]:
    return {n: files[n].decode() for n in sorted(files) if re.fullmatch(r"EPUB/text/ch\d+\.xhtml", n)}


def _chapter_titled(files: dict[str, bytes], title: str) -> tuple[str, str]:
    [found] = [(name, page) for name, page in _chapters(files).items() if f"<h1>{title}</h1>" in page]
    return found


@pytest.fixture(scope="module")
def cjk(tmp_path_factory) -> Path:
    """CJK notices, a hostile notice, the edge cases and a copy the brief does not show."""
    ws = make_workspace(tmp_path_factory.mktemp("cjk"), DATA)
    secret = ws / "secret.txt"
    secret.write_text(SECRET + "\n")
    (ws / "sources/hostile.md").write_text(HOSTILE.format(secret=secret))
    (ws / "sources/edge.md").write_text(EDGE)
    (ws / "sources/shown.md").write_text(COPY.format(id=SHOWN, date="2021-06-21", office="EPO", publisher="EPO"))
    (ws / "sources/republished.md").write_text(COPY.format(id=REPUBLISHED, date="2021-06-22", office="null",
                                                           publisher="Example Law LLP"))
    run_cli("render", "-f", "epub", cwd=ws)
    return ws


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Every sample source: every shape, language and encoding."""
    ws = make_workspace(tmp_path_factory.mktemp("corpus"), everything=True)
    run_cli("render", "-f", "epub", cwd=ws)
    return ws


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("generated")
    generate(ws / "sources", 60)
    run_cli("render", "-f", "epub", cwd=ws)
    return ws


@pytest.fixture(scope="module")
def grouped(tmp_path_factory) -> Path:
    ws = make_workspace(tmp_path_factory.mktemp("grouped"))
    run_cli("render", "-f", "epub", "--group-by", "year", cwd=ws)
    return ws


@pytest.fixture(scope="module")
def books(cjk, corpus, generated, grouped) -> list[Path]:
    return [cjk / "build/brief.epub", corpus / "build/brief.epub", generated / "build/brief.epub",
            *sorted((grouped / "build").glob("*.epub"))]


@pytest.fixture(scope="module")
def checked(books) -> dict[str, str]:
    """`ip5pub check` on every EPUB the tests build, in one run: file -> its summary line."""
    proc = run_cli("check", *map(str, books), cwd=ROOT, check=False)
    assert proc.returncode == 0 and proc.stderr == "", proc.stdout + proc.stderr
    return dict(line.split(": ", 1) for line in proc.stdout.splitlines())


def test_epubcheck_reports_nothing_on_every_collection(books, checked):
    assert sorted(checked) == sorted(map(str, books))
    assert set(checked.values()) == {"EPUBCheck 5.3.0: 0 error(s), 0 warning(s)"}


# ---- every file parses, every reference resolves ------------------------------

_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def _trees(files: dict[str, bytes]) -> dict[str, etree._Element]:
    return {n: etree.fromstring(data) for n, data in files.items() if n.endswith((".xhtml", ".opf", ".ncx", ".svg", ".xml"))}


def _references(name: str, tree: etree._Element) -> list[str]:
    """Every href/src in a file, as written, plus the rootfile of container.xml."""
    refs = [el.get(attr) for el in tree.iter() for attr in ("href", "src", _XLINK_HREF) if el.get(attr) is not None]
    if name == "META-INF/container.xml":
        refs += ["/" + el.get("full-path") for el in tree.iter("{*}rootfile")]
    return refs


def _resolve_all(files: dict[str, bytes]) -> int:
    """Assert that every internal reference names a file of the zip and, with a
    fragment, an id in that file; every spine item is in the manifest. Returns
    how many references were followed."""
    trees = _trees(files)
    ids = {n: {el.get("id") for el in t.iter() if el.get("id")} for n, t in trees.items()}
    followed = 0
    for name, tree in trees.items():
        for ref in _references(name, tree):
            if re.match(r"(https?|mailto):", ref):
                continue
            path, _, fragment = ref.partition("#")
            target = path[1:] if path.startswith("/") else posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if path else name
            assert target in files, (name, ref)
            assert not fragment or fragment in ids[target], (name, ref)
            followed += 1
    opf = trees["EPUB/content.opf"]
    manifest = {item.get("id") for item in opf.iter("{*}item")}
    assert {ref.get("idref") for ref in opf.iter("{*}itemref")} <= manifest
    return followed


def test_every_file_is_xml_and_every_reference_resolves(books):
    for book in books:
        files = _unzip(book)
        assert _resolve_all(files) > 3 * len(_chapters(files)), book  # nav, ncx, manifest, spine at least


def test_sixty_generated_notices_pass_epubcheck_and_every_nav_entry_resolves(generated, checked):
    book = generated / "build/brief.epub"
    assert checked[str(book)] == "EPUBCheck 5.3.0: 0 error(s), 0 warning(s)"
    files = _unzip(book)
    chapters = _chapters(files)
    assert len(chapters) == 61  # 60 notices and the glossary
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    toc = [a.get("href") for a in nav.iterfind(".//{*}nav[@id='toc']//{*}a")]
    assert ["EPUB/" + href for href in toc] == list(chapters)
    ncx = [c.get("src") for c in etree.fromstring(files["EPUB/toc.ncx"]).iter("{*}content")]
    assert ncx == toc
    _resolve_all(files)


# ---- what the book says about itself ------------------------------------------

def test_metadata_in_content_opf(rendered):
    files = _unzip(rendered / "build/brief.epub")
    opf = _opf(files)
    expected_id = re.search(r'<dc:identifier id="pub-id">(urn:uuid:[0-9a-f-]{36})</dc:identifier>', opf).group(1)
    assert '<package version="3.0" xmlns="http://www.idpf.org/2007/opf" xml:lang="en" unique-identifier="pub-id">' in opf
    assert f'<dc:identifier id="pub-id">{expected_id}</dc:identifier>' in opf
    assert f'<meta name="dtb:uid" content="{expected_id}" />' in files["EPUB/toc.ncx"].decode()
    assert '<dc:title id="title">IP5 Briefing</dc:title>' in opf
    assert '<dc:title id="subtitle">News from the world&#39;s patent offices</dc:title>' in opf
    assert '<meta refines="#subtitle" property="title-type">subtitle</meta>' in opf
    assert "<dc:language>en</dc:language>" in opf
    assert "<dc:publisher>ip5pub</dc:publisher>" in opf
    assert "<dc:date>2021-07-01</dc:date>" in opf
    assert '<meta property="dcterms:modified">2021-07-01T00:00:00Z</meta>' in opf  # SOURCE_DATE_EPOCH
    assert re.search(r"<dc:description>News notices from .+, edition of 1 July 2021\.</dc:description>", opf)
    subjects = re.findall(r"<dc:subject>([^<]+)</dc:subject>", opf)
    assert "European Patent Office" in subjects and "World Intellectual Property Organization" in subjects
    for prop in ("accessMode", "accessModeSufficient", "accessibilityFeature", "accessibilityHazard",
                 "accessibilitySummary"):
        assert f'<meta property="schema:{prop}">' in opf, prop
    assert '<meta property="schema:accessibilityHazard">none</meta>' in opf


def test_organisation_is_creator_and_publisher(tmp_path):
    ws = make_workspace(tmp_path / "ws", DATA)
    (ws / "ip5pub.toml").write_text('organisation = "Example IP Office & Co"\n')
    run_cli("render", "-f", "epub", cwd=ws)
    opf = _opf(_unzip(ws / "build/brief.epub"))
    assert '<dc:creator id="creator">Example IP Office &amp; Co</dc:creator>' in opf
    assert "<dc:publisher>Example IP Office &amp; Co</dc:publisher>" in opf


def test_a_workspace_template_changes_one_accessibility_property(tmp_path):
    ws = make_workspace(tmp_path / "ws", DATA)
    (ws / "styles/epub").mkdir(parents=True)
    (ws / "styles/epub/content.opf").write_text(
        '{% extends "packaged/epub/content.opf" %}\n'
        '{% set accessibility = dict(accessibility, accessibilitySummary="Read aloud on Mondays.") %}\n')
    run_cli("render", "-f", "epub", cwd=ws)
    opf = _opf(_unzip(ws / "build/brief.epub"))
    assert '<meta property="schema:accessibilitySummary">Read aloud on Mondays.</meta>' in opf
    assert '<meta property="schema:accessModeSufficient">textual</meta>' in opf  # the others kept


def test_a_template_that_breaks_the_xml_is_named_and_nothing_is_written(tmp_path):
    ws = make_workspace(tmp_path / "ws", DATA)
    (ws / "styles/epub").mkdir(parents=True)
    (ws / "styles/epub/chapter.xhtml").write_text(
        '{% extends "packaged/epub/chapter.xhtml" %}{% block body %}<p>{{ notice.title }}{% endblock %}\n')
    proc = run_cli("render", "-f", "epub", cwd=ws, check=False)
    assert proc.returncode == 1
    assert "EPUB/text/ch001.xhtml (from epub/chapter.xhtml) is not well-formed XML" in proc.stderr
    assert "Traceback" not in proc.stderr and not (ws / "build/brief.epub").exists()


def test_zip_layout_is_what_readers_expect(cjk):
    with zipfile.ZipFile(cjk / "build/brief.epub") as z:
        infos = z.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert not infos[0].extra  # the bytes "mimetypeapplication/epub+zip" at offset 38
    assert {info.date_time for info in infos} == {(2021, 7, 1, 0, 0, 0)}  # the edition, SOURCE_DATE_EPOCH


def test_nav_has_contents_and_landmarks(rendered):
    files = _unzip(rendered / "build/brief.epub")
    nav = files["EPUB/nav.xhtml"].decode()
    chapters = _chapters(files)
    landmarks = nav[nav.index('epub:type="landmarks"'):]
    for kind in ("toc", "bodymatter", "cover"):
        assert f'epub:type="{kind}"' in landmarks, kind
    toc_links = re.findall(r'<a href="(text/ch\d+\.xhtml)"', nav)
    assert toc_links == [c.removeprefix("EPUB/") for c in chapters]
    assert toc_links[-1] == re.search(r'<a href="([^"]+)">Glossary</a>', nav).group(1)
    assert '<itemref idref="nav" />' in _opf(files)  # the contents page is readable in order


def test_chapter_titles_are_headlines(rendered):
    for name, page in _chapters(_unzip(rendered / "build/brief.epub")).items():
        title = re.search(r"<title[^>]*>([^<]*)</title>", page).group(1)
        [h1] = re.findall(r"<h1[^>]*>(.*?)</h1>", page, re.S)  # the only h1 of the chapter
        assert title == re.sub(r"<[^>]+>", "", h1) and "xhtml" not in title, name


def test_cover_is_generated_svg_with_title_and_period(rendered):
    files = _unzip(rendered / "build/brief.epub")
    opf = _opf(files)
    cover_href = re.search(r'<item id="[^"]+" href="([^"]+)" media-type="image/svg\+xml" properties="cover-image" />', opf)
    assert cover_href, opf
    svg = files["EPUB/" + cover_href.group(1)].decode()
    assert "IP5 Briefing" in svg and "23 July 2020\u2009–\u20092 July 2021" in svg  # CLDR's span
    assert "href" not in svg  # nothing external: no images, no fonts
    cover = files["EPUB/text/cover.xhtml"].decode()
    assert 'role="img" aria-label="Cover: IP5 Briefing"' in cover
    assert 'xlink:href="../media/cover.svg"' in cover


def test_cjk_chapters_carry_their_language(cjk):
    files = _unzip(cjk / "build/brief.epub")
    langs = {}
    for page in _chapters(files).values():
        section = re.search(r"<section [^>]*>", page)
        if section and "lang=" in section.group(0):
            langs[re.search(r' lang="([^"]+)"', section.group(0)).group(1)] = section.group(0)
    assert set(langs) == {"zh", "ja", "ko", "en"}
    for code in ("zh", "ja", "ko"):
        assert f'xml:lang="{code}"' in langs[code]
    text = "".join(_chapters(files).values())
    assert "国家知识产权局于六月三十日" in text and "特許庁は六月二十八日" in text and "특허청은 6월 25일" in text
    assert '<title lang="ja" xml:lang="ja">特許庁、AIを活用した先行技術調査の試行を拡大</title>' in text
    assert '<p class="notice-meta" lang="en" xml:lang="en">JPO · 28 June 2021 · Japanese</p>' in text
    nav = files["EPUB/nav.xhtml"].decode()
    assert 'lang="ja" xml:lang="ja">特許庁、AIを活用した先行技術調査の試行を拡大</a>' in nav


def test_cjk_headings_are_sans_and_korean_keeps_words_whole(cjk, tmp_path):
    """epub.css as a CSS engine applies it (WeasyPrint reads var() and :where()
    as reading systems do): a Chinese chapter's heading is in the CJK sans face
    like a Latin heading, its text in the CJK serif, its meta line in a Latin
    sans; Korean text asks for line breaks between words only."""
    import io

    from pypdf import PdfReader
    from weasyprint import HTML

    files = _unzip(cjk / "build/brief.epub")
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    title = "国家知识产权局发布专利审查高速路最新统计"
    name, page = _chapter_titled(files, title)
    reader = PdfReader(io.BytesIO(HTML(filename=str(tmp_path / name)).write_pdf()))
    runs: list[tuple[str, str]] = []
    for pdf_page in reader.pages:
        pdf_page.extract_text(visitor_text=lambda t, cm, tm, font, size: runs.append((t.strip(), str(font and font.get("/BaseFont")))))
    fonts = {t: f for t, f in runs if t}
    assert "Sans-CJK-SC" in next(f for t, f in fonts.items() if t.startswith(title[:8]))
    assert "Serif-CJK-SC" in next(f for t, f in fonts.items() if t.startswith("国家知识产权局于"))
    meta = next(f for t, f in fonts.items() if t.startswith("CNIPA"))
    assert "Sans" in meta and "CJK" not in meta
    css = files["EPUB/styles/epub.css"].decode()
    assert re.search(r":lang\(ko\)\s*\{[^}]*word-break:\s*keep-all", css)


# ---- untrusted text -------------------------------------------------------------

def test_hostile_body_cannot_inject_markup_or_read_files(cjk):
    files = _unzip(cjk / "build/brief.epub")
    everything = b"\n".join(files.values())
    hostname = Path("/etc/hostname").read_bytes().strip() if Path("/etc/hostname").is_file() else b""
    assert SECRET.encode() not in everything
    if len(hostname) >= 6:
        assert hostname not in everything
    xhtml = "".join(v.decode() for k, v in files.items() if k.endswith(".xhtml"))
    for element in ("<script", "<img", "<iframe", "<b>", "javascript:"):
        assert element not in xhtml, element
    assert "&lt;script&gt;" in xhtml  # shown as text, not dropped silently
    # Only what ip5pub put in: chapters, nav, the house CSS and the generated cover.
    media = sorted(n for n in files if n.startswith("EPUB/") and not n.endswith((".xhtml", ".opf", ".ncx")))
    assert media == ["EPUB/media/cover.svg", "EPUB/styles/epub.css"]
    assert files["EPUB/styles/epub.css"] == (ROOT / "styles/epub.css").read_bytes()
    # The body's heading stays inside its notice instead of starting a chapter.
    _, page = _chapter_titled(files, "Hostile notice for the EPUB writer")
    assert "<h2>A heading inside a body</h2>" in page and page.count("<h1") == 1


# What markdown-it makes of CommonMark, and nothing else: element -> its attributes.
BODY_MARKUP = {
    "p": set(), "em": set(), "strong": set(), "code": {"class"}, "pre": set(), "blockquote": set(), "hr": set(),
    "br": set(), "ul": set(), "ol": {"start"}, "li": set(), "a": {"href", "title"},
    "table": set(), "thead": set(), "tbody": set(), "tr": set(), "th": {"style"}, "td": {"style"},
    **{f"h{level}": set() for level in range(2, 7)},
}


def test_bodies_hold_only_markdown_markup_and_safe_links(cjk, corpus):
    seen = set()
    for ws in (cjk, corpus):
        for name, page in _chapters(_unzip(ws / "build/brief.epub")).items():
            for body in etree.fromstring(page.encode()).iterfind(".//{*}div[@class='notice-body']"):
                for el in body.iterdescendants():
                    tag = etree.QName(el).localname
                    assert tag in BODY_MARKUP and set(el.attrib) <= BODY_MARKUP[tag], (name, tag, dict(el.attrib))
                    if tag == "a":
                        assert re.fullmatch(r"(https?://|mailto:)\S+|ch\d{3}\.xhtml#[\w-]+", el.get("href")), el.get("href")
                    seen.add(tag)
    assert {"a", "table", "pre", "h2", "blockquote", "ol", "ul"} <= seen


def test_links_between_notices_lead_to_their_chapter(cjk):
    files = _unzip(cjk / "build/brief.epub")
    _, page = _chapter_titled(files, "Edge cases for the EPUB writer")  # the control character is gone, its spaces one
    shown = posixpath.basename(_chapter_titled(files, "The EPO opens a help desk for PCT applicants")[0])
    glossary = posixpath.basename(_chapter_titled(files, "Glossary")[0])
    # A copy the brief does not show leads to the story that shows it.
    assert f'<a href="{shown}#{SHOWN}">the shown copy</a>' in page
    assert f'<a href="{shown}#{SHOWN}">the republished copy</a>' in page
    assert f'<a href="{glossary}#glossary">the glossary</a>' in page
    for text in ("nowhere", "a bad host", "a bad port", "an empty mail link"):
        assert f"{text}," in page or f"{text} and" in page, text  # the words, without a link
    assert '<a href="https://www.epo.org/news?a=1&amp;b=2">the web</a>' in page
    # the body's only heading (##) comes right below the chapter's h1, as an outline wants
    assert "<h2>Figures</h2>" in page and "<td style=\"text-align:right\">1 &lt; 2</td>" in page
    assert "EPO &amp; JPO ©" in page and "if a &lt; b &amp;&amp; c &gt; d" in page
    assert b"\x01" not in b"".join(files.values()) and b"\x0c" not in b"".join(files.values())
    assert REPUBLISHED not in "".join(_chapters(files))  # shown once, as the one story


def test_group_by_writes_one_bundle_per_group_with_its_own_identity(grouped):
    books = sorted((grouped / "build").glob("*.epub"))
    assert [b.name for b in books] == ["brief-2020.epub", "brief-2021.epub"]
    opfs = [_opf(_unzip(b)) for b in books]
    titles = [re.search(r"<dc:title[^>]*>([^<]+)<", o).group(1) for o in opfs]
    ids = [re.search(r"<dc:identifier[^>]*>([^<]+)<", o).group(1) for o in opfs]
    assert titles == ["IP5 Briefing — 2020", "IP5 Briefing — 2021"]
    assert len(set(ids)) == 2
    assert "PATENT OFFICE NEWS · 2020" in _unzip(books[0])["EPUB/media/cover.svg"].decode()
    assert "PCT filings held steady" in "".join(_chapters(_unzip(books[0])).values())
    assert "PCT filings held steady" not in "".join(_chapters(_unzip(books[1])).values())


def test_rebuild_is_byte_identical(cjk, tmp_path):
    again = tmp_path / "again"
    shutil.copytree(cjk / "sources", again / "sources")
    shutil.copy(cjk / "secret.txt", again / "secret.txt")
    run_cli("render", "-f", "epub", cwd=again)
    assert (again / "build/brief.epub").read_bytes() == (cjk / "build/brief.epub").read_bytes()


def test_check_says_plainly_when_java_is_missing(rendered, tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # no java on this PATH
    proc = subprocess.run([sys.executable, "-m", "ip5pub", "check", "build/brief.epub"], cwd=rendered, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "not checked: Java is not installed" in proc.stderr
    assert "Traceback" not in proc.stderr
