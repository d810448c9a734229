"""Chunked PDF layout: large briefs laid out in parts, in parallel, cached per part.

WeasyPrint lays a brief out in one pass on one core, and the brief's page
furniture (`counter(pages)`, `target-counter()` in the contents, the index
and the glossary) makes it repaginate the whole document several times. A
large brief is therefore laid out in pieces (design notes:
docs/chunked-layout.md):

- plan: where the stories are cut into chunks (content-defined, so a change
  moves only its own chunk), the stand-in number page references are laid
  out with, where everything lands in the book, cache keys; pure.
- css: the stylesheet read and rewritten with tinycss2, and what in it the
  chunked layout cannot reproduce (the renderer then uses one pass).
- tree, furniture: the brief's HTML tree cut into content documents (front
  matter, chunks, back matter; no margin boxes, page references as
  stand-ins) and furniture documents (running heads, footers, the page
  references with their real numbers, on blank pages).
- worker: one document laid out in a worker process, through the WeasyPrint
  adapter (ip5pub.render.weasy, every WeasyPrint internal in one package).
- assemble: pikepdf joins the pages, draws the furniture over them, and
  rebuilds the named destinations, outline, fonts and metadata (the
  workers write a link to another document's anchor by the anchor's name).
- build: the steps in order.

Each chunk starts a page; a single pass of the same brief gets the same
breaks (plan.page_breaks_css), so both paginate alike.
"""

from ip5pub.render.chunked.build import Pending, Result, Unsupported, render, start
from ip5pub.render.chunked.plan import CHUNK_SIZE, SIDE_BY_SIDE, THRESHOLD, page_breaks_css

__all__ = ["CHUNK_SIZE", "SIDE_BY_SIDE", "THRESHOLD", "Pending", "Result", "Unsupported", "page_breaks_css", "render",
           "start"]
