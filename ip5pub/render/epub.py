"""The EPUB 3 bundle: a Markdown book from the templates, built by pandoc.

Notice bodies are untrusted, and pandoc's --sandbox also forbids our own
stylesheet and cover, so pandoc is run in two ways:

1. The stories, under --sandbox, YAML metadata blocks off (a body cannot
   set `css:` or `cover-image:`), with a Lua filter that turns raw HTML into
   text, images into their alt text and unsafe links into text (pandoc
   3.9's commonmark reader ignores `-raw_html`, jgm/pandoc#8305). One run
   per batch of stories (cached, side by side) writes the batch as an EPUB
   of its own and saves its chapter headings as pandoc JSON.
2. The book: the headings -> EPUB with the trusted metadata, house CSS and
   generated cover, in an empty folder; each chapter's body is then taken
   from its batch (see "the book written in batches" below). The safe
   filter ran in step 1, so nothing in the JSON can make the writer read a
   file.

When the batches do not line up, step 1 converts the whole book to JSON
(cached) and step 2 writes all of it.

Then a few touches pandoc has no option for (nav landmarks, chapter titles,
the cover's text alternative), and every zip timestamp fixed to the edition.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import tempfile
import time
import uuid
import zipfile
from html import escape, unescape
from pathlib import Path

from ip5pub import frontmatter, wrap
from ip5pub.model import OFFICES, Brief
from ip5pub.output import atomic_write
from ip5pub.render import RenderContext, template_context
from ip5pub.templates import stylesheet

SUFFIX = ".epub"
NAMESPACE = uuid.UUID("6f1b2c1e-6a53-4c55-9d8e-1f0b5c1e7a01")  # ip5pub's own uuid5 namespace

SAFE_LUA = r"""
-- Untrusted notice text: no raw markup of any format, no images (the EPUB
-- writer embeds whatever path or URL an image names), links only to the web.
local function text(s) return pandoc.Str(s) end
function RawInline(el) return text(el.text) end
function RawBlock(el) return pandoc.Para({text(el.text)}) end
function Image(el)
  if #el.caption > 0 then return pandoc.Span(el.caption) end
  return pandoc.Str('')
end
function Link(el)
  local t = el.target:lower()
  if t:match('^https?://') or t:match('^mailto:') or t:match('^#') then return el end
  return pandoc.Span(el.content)
end
"""

READER = "commonmark_x-yaml_metadata_block-raw_html+attributes"

# Last filter of a batch's run: what the book's skeleton needs from the batch.
HEADINGS_LUA = r"""
-- The chapter headings (level 1), and any blocks before the first, as JSON.
function Pandoc(doc)
  local kept, seen = {}, false
  for _, b in ipairs(doc.blocks) do
    local chapter = b.t == 'Header' and b.level == 1
    seen = seen or chapter
    if chapter or not seen then kept[#kept + 1] = b end
  end
  local f = assert(io.open('headings.json', 'w'))
  f:write(pandoc.write(pandoc.Pandoc(kept), 'json'))
  f:close()
end
"""

# First stage only (running it twice would demote twice).
BODY_LUA = r"""
-- A heading inside a notice body must not start a chapter of its own.
function Div(el)
  if el.classes:includes('notice-body') then
    return pandoc.walk_block(el, {Header = function(h) h.level = math.min(h.level + 1, 6); return h end})
  end
end
"""

ACCESSIBILITY = {
    "accessModes": ["textual", "visual"],
    "accessModeSufficient": ["textual"],
    "accessibilityFeatures": ["structuralNavigation", "tableOfContents", "readingOrder",
                              "alternativeText", "displayTransformability"],
    "accessibilityHazards": ["none"],
    "accessibilitySummary": ("One chapter per notice with a heading, a navigable table of contents and "
                             "landmarks, reflowable text with the language of each notice marked; the cover "
                             "repeats the title as text. No hazards."),
}


def identifier(brief: Brief) -> str:
    """Stable across rebuilds of the same collection (pandoc would pick a random uuid).

    Derived from the title (which names the group) and the notices' ids, so a
    rebuild keeps it and each --group-by bundle has its own.
    """
    key = "\n".join([brief.title, *sorted(n.id for n in brief.notices)])
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, key)}"


def subjects(brief: Brief) -> list[str]:
    """Offices that published or are named in the notices, in IP5 order."""
    found = {code for s in brief.stories for n in (s.notice, *s.also) for code in (n.office, *n.offices) if code}
    order = {code: i for i, code in enumerate(OFFICES)}
    return sorted(found, key=lambda c: (order.get(c, 99), c))


def build_markdown(brief: Brief, ctx: RenderContext) -> tuple[dict, str]:
    """(metadata, Markdown book). The template's front matter is the metadata."""
    text = ctx.env.get_template("brief.epub.md").render(
        **template_context(brief, ctx, identifier=identifier(brief), subjects=subjects(brief)))
    meta, body = frontmatter.split(text)
    meta = {**ACCESSIBILITY, **meta}
    meta["identifier"] = meta.get("identifier") or identifier(brief)
    return meta, body


def build_cover(brief: Brief, ctx: RenderContext) -> str:
    lines = wrap.wrap(brief.title, 24)  # about 24 columns fit the cover at the smaller size
    return ctx.env.get_template("cover.svg").render(**template_context(brief, ctx, title_lines=lines))


def _pandoc(args: list[str], data: bytes, env: dict, cwd: str) -> bytes:
    import pypandoc

    proc = subprocess.run([pypandoc.get_pandoc_path(), *args], input=data, capture_output=True,
                          env=env, cwd=cwd, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"pandoc failed: {proc.stderr.decode(errors='replace').strip()[:500]}")
    return proc.stdout


def untrusted_ast(source: str, env: dict | None = None) -> bytes:
    """Markdown that holds notice text -> pandoc JSON, with nothing honoured
    but Markdown: sandboxed (no file or network reads), no YAML metadata
    block, raw markup turned to text, images dropped."""
    with tempfile.TemporaryDirectory(prefix="ip5pub-ast-") as tmp:
        (Path(tmp) / "safe.lua").write_text(SAFE_LUA, encoding="utf-8")
        (Path(tmp) / "body.lua").write_text(BODY_LUA, encoding="utf-8")
        return _pandoc(["--sandbox", "--from", READER, "--to", "json", "--lua-filter", "body.lua", "--lua-filter", "safe.lua"],
                       source.encode(), env if env is not None else dict(os.environ), tmp)


def untrusted_batch(source: str, env: dict | None = None) -> bytes:
    """A batch of stories -> {"headings": its chapter headings as pandoc JSON,
    "bodies": each chapter's <body> as the EPUB writer writes it}, as JSON.

    One sandboxed run, with untrusted_ast's filters; the last filter saves
    the headings before the EPUB writer runs on the batch alone.
    """
    with tempfile.TemporaryDirectory(prefix="ip5pub-batch-") as tmp:
        for name, code in (("safe.lua", SAFE_LUA), ("body.lua", BODY_LUA), ("headings.lua", HEADINGS_LUA)):
            (Path(tmp) / name).write_text(code, encoding="utf-8")
        _pandoc(["--sandbox", "--from", READER, *EPUB_OPTIONS, "--metadata", "title=batch", "--lua-filter", "body.lua",
                 "--lua-filter", "safe.lua", "--lua-filter", "headings.lua", "--output", "batch.epub"],
                source.encode(), env if env is not None else dict(os.environ), tmp)
        epub = (Path(tmp) / "batch.epub").read_bytes()
        headings = (Path(tmp) / "headings.json").read_text(encoding="utf-8")
    bodies = [_BODY.search(page) for _, page in _chapter_files(epub)]
    return json.dumps({"headings": headings, "bodies": [m.group(0) if m else "" for m in bodies]},
                      ensure_ascii=False).encode()


STORY_MARK = "<!-- ip5pub:story -->"  # brief.epub.md puts it before each story
BATCH = 24  # stories per pandoc run, on average (content-defined, as the PDF's chunks)


def pieces(source: str, stories: int) -> list[str]:
    """The Markdown book cut at the template's story marks, marks removed.

    A template without them, or a notice that writes one itself (the count
    no longer matches), gives one piece: slower, never different.
    """
    parts = re.split(rf"(?m)^[ \t]*{re.escape(STORY_MARK)}[ \t]*$", source)
    if len(parts) != stories + 1:
        return [source.replace(STORY_MARK, "")]
    return parts


def batch_texts(source: str, ids: list[str]) -> list[str]:
    """The book's Markdown in batches of about BATCH stories (one if the template has no marks).

    A story is self-contained Markdown (its heading, meta line, body and
    source line), so the batches' blocks one after another are the book.
    """
    from ip5pub.render.pdf_chunks import plan

    parts = pieces(source, len(ids))
    # Cut where the stories' ids say (not their text), so a correction moves no boundary.
    names = ["", *ids][:len(parts)]
    return ["\n\n".join(parts[a:b]) for a, b in plan(names, BATCH)]


def _cached_map(cache, keys: list[str], make, jobs: int) -> list[bytes]:
    """make(i) for each key not in the cache (kind "epub"), in threads; the blobs in order."""
    from concurrent.futures import ThreadPoolExecutor

    blobs: list[bytes | None] = [cache.load_blob("epub", k) if cache is not None else None for k in keys]
    todo = [i for i, blob in enumerate(blobs) if blob is None]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for i, blob in zip(todo, pool.map(make, todo)):
            blobs[i] = blob
            if cache is not None:
                cache.store_blob("epub", keys[i], blob)
    return [blob for blob in blobs if blob is not None]


_BLOCKS = b',"meta":{},"blocks":['


def _concat(asts: list[bytes]) -> bytes:
    """pandoc JSON documents (no metadata) -> one document with all their blocks."""
    heads, bodies = set(), []
    for ast in asts:
        head, sep, rest = ast.rstrip().partition(_BLOCKS)
        if not sep or not rest.endswith(b"]}"):  # not the layout pandoc writes today: parse it
            doc = json.loads(ast)
            head = json.dumps({"pandoc-api-version": doc["pandoc-api-version"]}, separators=(",", ":")).encode()[:-1]
            rest = json.dumps(doc["blocks"], separators=(",", ":"), ensure_ascii=False).encode()[1:] + b"}"
        heads.add(head)
        if rest != b"]}":
            bodies.append(rest[:-2])
    if len(heads) != 1:
        raise RuntimeError("pandoc JSON pieces of different API versions")
    return heads.pop() + _BLOCKS + b",".join(bodies) + b"]}"


EPUB_OPTIONS = ["--to", "epub3", "--resource-path", ".", "--split-level=1", "--toc", "--toc-depth=1",
                "--epub-title-page=false"]
WRITER_ARGS = ["--from", "json", *EPUB_OPTIONS]


def build(brief: Brief, ctx: RenderContext) -> bytes:
    from ip5pub.cache import digest

    meta, source = build_markdown(brief, ctx)
    css = stylesheet(ctx.workspace, "epub.css").read_bytes()
    cover = build_cover(brief, ctx)
    # SOURCE_DATE_EPOCH fixes dcterms:modified and the zip times in pandoc.
    # GHCRTS: the pandoc wheel's runtime reserves a 64 MB heap up front (-H64m);
    # a batch needs a few MB, and two or three run beside the PDF workers.
    env = {"GHCRTS": "-H1m", **os.environ, "SOURCE_DATE_EPOCH": str(ctx.epoch)}
    texts = batch_texts(source, [s.notice.id for s in brief.stories])
    headings, chapters = [], None
    if len(texts) > 1:
        keys = [digest("epub-batch", t, SAFE_LUA, BODY_LUA, HEADINGS_LUA, *EPUB_OPTIONS) for t in texts]
        results = [json.loads(r) for r in _cached_map(ctx.cache, keys, lambda i: untrusted_batch(texts[i], env), ctx.jobs)]
        headings = [r["headings"].encode() for r in results]
        chapters = line_up(headings, [r["bodies"] for r in results])
    with tempfile.TemporaryDirectory(prefix="ip5pub-epub-") as tmp:
        work = Path(tmp)
        (work / "meta.yaml").write_text(frontmatter.dump(meta), encoding="utf-8")
        (work / "epub.css").write_bytes(css)
        (work / "cover.svg").write_text(cover, encoding="utf-8")

        def write(ast: bytes) -> bytes:
            _pandoc([*WRITER_ARGS, "--metadata-file", "meta.yaml", "--css", "epub.css",
                     "--epub-cover-image", "cover.svg", "--output", "brief.epub"], ast, env, tmp)
            return (work / "brief.epub").read_bytes()

        filled = None
        if chapters is not None:
            epub = write(_concat(headings))
            filled = fill_chapters(epub, chapters)
        if filled is None:  # one run over the whole book
            whole = source.replace(STORY_MARK, "")
            ast = _cached_map(ctx.cache, [digest("epub-ast", whole, SAFE_LUA, BODY_LUA)],
                              lambda _: untrusted_ast(whole, env), 1)[0]
            epub, filled = write(ast), {}
    return finish(epub, meta, ctx.epoch, filled)


# ---- the book written in batches ---------------------------------------------
#
# pandoc's EPUB writer holds the whole book (about 360 MB and 7-8 s at 500
# notices, for every correction). Each chapter's XHTML depends only on its
# own blocks, so each batch is read and written as a small EPUB of its own
# in one sandboxed run (cached), the whole book is written with its chapter
# headings only (which is all the contents, nav and OPF need), and each
# chapter's <body> is then taken from its batch. Links to another chapter
# name its file, which pandoc numbers from 1 in each batch: they are
# renumbered. A link to an id in another batch (pandoc left it as "#id") or
# anything else unexpected, and the whole book is written in one run:
# slower, never different.

_CHAPTER = re.compile(r"EPUB/text/ch(\d+)\.xhtml")
_BODY = re.compile(r"<body\b.*</body>", re.S)
_CHAPTER_HREF = re.compile(r'href="ch(\d+)\.xhtml')


def _chapter_files(epub: bytes) -> list[tuple[str, str]]:
    """(name, XHTML) of the chapter files of an EPUB pandoc wrote, in order."""
    src = zipfile.ZipFile(io.BytesIO(epub))
    names = sorted((n for n in src.namelist() if _CHAPTER.fullmatch(n)), key=lambda n: int(_CHAPTER.fullmatch(n).group(1)))
    return [(n, src.read(n).decode("utf-8")) for n in names]


def line_up(headings: list[bytes], bodies: list[list[str]]) -> list[list[str | None]] | None:
    """The batches' chapter bodies, ready for fill_chapters; None if a batch after
    the first does not start with a chapter heading (its first blocks would be
    a chapter of their own, not the end of the one before)."""
    def starts_a_chapter(ast: bytes) -> bool:
        _, sep, rest = ast.partition(_BLOCKS)
        return bool(sep) and rest.startswith(b'{"t":"Header","c":[1,')

    if not all(starts_a_chapter(h) for h in headings[1:]):
        return None
    out = [list(b) for b in bodies]
    if out and out[0] and not starts_a_chapter(headings[0]):
        out[0][0] = None  # text before the first heading: pandoc heads it with the book's title
    return out


def fill_chapters(skeleton: bytes, batches: list[list[str | None]]) -> dict[str, bytes] | None:
    """The skeleton book's (headings only) chapter files with each body from its batch
    (a body of None: the skeleton's own chapter is the whole of it); None if
    the two do not line up."""
    files = _chapter_files(skeleton)
    bodies: list[str | None] = []
    for batch in batches:
        offset = len(bodies)
        for body in batch:
            if body == "":
                return None
            bodies.append(body if body is None else
                          _CHAPTER_HREF.sub(lambda m: f'href="ch{int(m.group(1)) + offset:03d}.xhtml', body))
    if len(bodies) != len(files):
        return None
    replace = {}
    for (name, page), body in zip(files, bodies):
        if body is None:
            continue
        own = set(re.findall(r'\bid="([^"]+)"', body))
        if any(target not in own for target in re.findall(r'href="#([^"]*)"', body)):
            return None  # a link into another batch: pandoc would have named the chapter file
        new, count = _BODY.subn(lambda _: body, page, count=1)
        if count != 1:
            return None
        replace[name] = new.encode()
    return replace


def render(brief: Brief, ctx: RenderContext, out: Path) -> Path:
    return atomic_write(out, build(brief, ctx))


_TITLE = re.compile(r"<title>[^<]*</title>")
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def finish(epub: bytes, meta: dict, epoch: int, filled: dict[str, bytes] | None = None) -> bytes:
    """What pandoc has no option for, done on its well-known output (`filled`:
    chapter files that replace the ones in `epub`)."""
    src = zipfile.ZipFile(io.BytesIO(epub))
    names = src.namelist()
    chapters = sorted(n for n in names if _CHAPTER.fullmatch(n))
    changed: dict[str, bytes] = dict(filled or {})
    for name in chapters:
        # A reader announces the <title>: the notice's headline, not "ch003.xhtml".
        page = (changed[name] if name in changed else src.read(name)).decode("utf-8")
        h1 = _H1.search(page)
        if h1:
            title = escape(unescape(_TAG.sub("", h1.group(1))).strip(), quote=False)
            lang = re.search(r'<h1\b[^>]* lang="([^"]+)"', page)
            attrs = f' lang="{lang.group(1)}" xml:lang="{lang.group(1)}"' if lang else ""  # a CJK headline says so
            changed[name] = _TITLE.sub(lambda _: f"<title{attrs}>{title}</title>", page, count=1).encode()
    if chapters:
        # Landmarks: pandoc lists only the cover; readers also want the start and the contents.
        nav = src.read("EPUB/nav.xhtml").decode("utf-8")
        start = chapters[0].removeprefix("EPUB/")
        extra = (f'    <li>\n      <a href="nav.xhtml#toc" epub:type="toc">Contents</a>\n    </li>\n'
                 f'    <li>\n      <a href="{start}" epub:type="bodymatter">Start of content</a>\n    </li>\n')
        nav, count = re.subn(r'(<nav epub:type="landmarks"[^>]*>\s*<ol>\n)', lambda m: m.group(1) + extra, nav, count=1)
        if count:
            changed["EPUB/nav.xhtml"] = nav.encode()
    if "EPUB/text/cover.xhtml" in names:
        # The cover is an SVG picture of the title: give it that text as its alternative.
        cover = src.read("EPUB/text/cover.xhtml").decode("utf-8")
        label = escape(f"Cover: {meta.get('title', '')}", quote=True)
        changed["EPUB/text/cover.xhtml"] = cover.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1).encode()
    return repack(epub, changed, epoch)


def repack(epub: bytes, replace: dict[str, bytes], epoch: int) -> bytes:
    """Rewrite the EPUB zip: replace members, fix every timestamp to `epoch`.

    `mimetype` stays first and stored, as EPUB requires.
    """
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip cannot store dates before 1980
    src = zipfile.ZipFile(io.BytesIO(epub))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as dst:
        for info in src.infolist():
            data = replace.get(info.filename, src.read(info.filename))
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.external_attr = 0o644 << 16
            member.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            dst.writestr(member, data)
    return buffer.getvalue()

