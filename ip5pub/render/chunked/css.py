"""The brief's CSS as the chunked layout reads and rewrites it (tinycss2).

A content document draws each page reference as a stand-in counter; a
furniture document prints the book's page count. `unsupported` lists what
in a stylesheet the chunked layout cannot reproduce, so that the renderer
lays such a brief out in one pass instead of printing a wrong number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import tinycss2
from tinycss2 import ast

from ip5pub.render.contract import CLASSES
from ip5pub.render.chunked.plan import REF, STAND_IN

Nodes = list[Any]
_NOWRAP = tinycss2.parse_component_value_list("white-space: nowrap !important;")
_STAND_IN = tinycss2.parse_one_component_value(f"counter({REF}, {STAND_IN})")
# Counters a stylesheet may use across stories: the page's and the footnotes'
# (the chunks continue both), and list items' (reset by every list).
_SAFE_COUNTERS = {"page", "pages", "footnote", "list-item", "none"}


def _args(fn: ast.FunctionBlock) -> list[Any]:
    return [t for t in fn.arguments if t.type not in ("whitespace", "comment")]


def _is_page_ref(node: Any) -> bool:
    """target-counter(attr(href), page), `url` optional: the one form drawn again."""
    if getattr(node, "lower_name", None) != "target-counter" or node.type != "function":
        return False
    args = _args(node)
    if len(args) != 3 or args[1] != "," or args[2].type != "ident" or args[2].lower_value != "page":
        return False
    target = args[0]
    inner = [t.lower_value if t.type == "ident" else None for t in _args(target)] if target.type == "function" else []
    return target.lower_name == "attr" and inner in (["href"], ["href", "url"]) if target.type == "function" else False


def _map(nodes: Nodes, fn: Callable[[Any], Any]) -> Nodes:
    """The nodes with `fn` applied to every function (innermost first) and block."""
    out = []
    for node in nodes:
        if node.type == "function":
            node = ast.FunctionBlock(node.source_line, node.source_column, node.name, _map(node.arguments, fn))
        elif node.type in ("{} block", "[] block", "() block"):
            cls = {"{} block": ast.CurlyBracketsBlock, "[] block": ast.SquareBracketsBlock,
                   "() block": ast.ParenthesesBlock}[node.type]
            node = cls(node.source_line, node.source_column, _map(node.content, fn))
        out.append(fn(node))
    return out


@lru_cache(maxsize=16)  # every content document has the same stylesheet (17 ms a parse)
def mark_references(css: str) -> str:
    """Each page reference draws the stand-in instead, unbroken (the
    furniture draws it again as one box; two lines could not be)."""
    def edit(node: Any) -> Any:
        if node.type == "{} block" and any(_is_page_ref(n) for n in _walk(node.content, blocks=False)):
            content = [_replace_refs(n) for n in node.content]
            return ast.CurlyBracketsBlock(node.source_line, node.source_column, [*_NOWRAP, *content])
        return node

    return tinycss2.serialize(_map(tinycss2.parse_component_value_list(css), edit))


def _replace_refs(node: Any) -> Any:
    if _is_page_ref(node):
        return _STAND_IN
    if node.type == "function":
        return ast.FunctionBlock(node.source_line, node.source_column, node.name,
                                 [_replace_refs(n) for n in node.arguments])
    return node


@lru_cache(maxsize=16)
def page_total(css: str, total: int) -> str:
    """counter(pages) written as the book's page count."""
    def edit(node: Any) -> Any:
        if node.type == "function" and node.lower_name == "counter" and \
                [t.lower_value for t in _args(node) if t.type == "ident"] in (["pages"], ["pages", "decimal"]):
            return ast.StringToken(node.source_line, node.source_column, str(total), f'"{total}"')
        return node

    return tinycss2.serialize(_map(tinycss2.parse_component_value_list(css), edit))


def _walk(nodes: Nodes, blocks: bool = True) -> Iterator[Any]:
    """Every node, depth first (into {} blocks only if `blocks`)."""
    for node in nodes:
        yield node
        if node.type == "function":
            yield from _walk(node.arguments, blocks)
        elif node.type in ("[] block", "() block") or (blocks and node.type == "{} block"):
            yield from _walk(node.content, blocks)


# ---- what the chunked layout cannot reproduce -----------------------------------

@dataclass(frozen=True)
class Declaration:
    where: str  # the selector, or @page and its margin box
    name: str
    value: Nodes
    in_page: bool


def declarations(css: str) -> Iterator[Declaration]:
    """Every declaration of a stylesheet, with the rule it is in (nested rules,
    @media and @supports included; @font-face and @counter-style left out)."""
    return iter(_declared(css))


@lru_cache(maxsize=4)  # read by `unsupported`, then `head_keyword`, before the first chunk goes (13 ms a read)
def _declared(css: str) -> tuple[Declaration, ...]:
    return tuple(_in_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), "", False))


def _in_rules(rules: Nodes, outer: str, in_page: bool) -> Iterator[Declaration]:
    for rule in rules:
        if rule.type == "qualified-rule":
            where = (outer + " " + tinycss2.serialize(rule.prelude).strip()).strip()
            yield from _in_block(tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                                skip_whitespace=True), where, in_page)
        elif rule.type == "at-rule" and rule.content is not None:
            name = rule.lower_at_keyword
            if name == "page" or (in_page and name not in ("media", "supports")):
                where = (outer + f" @{name} " + tinycss2.serialize(rule.prelude).strip()).strip()
                yield from _in_block(tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                                    skip_whitespace=True), where, True)
            elif name in ("media", "supports", "layer", "container", "document", "scope"):
                yield from _in_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                              skip_whitespace=True), outer, in_page)


def _in_block(items: Nodes, where: str, in_page: bool) -> Iterator[Declaration]:
    for item in items:
        if item.type == "declaration":
            yield Declaration(where, item.lower_name, item.value, in_page)
        else:
            yield from _in_rules([item], where, in_page)


def unsupported(css: str) -> list[str]:
    """What in this stylesheet a chunked layout would draw otherwise than a
    single pass (each a short phrase naming the rule); empty if nothing."""
    found: dict[str, None] = {}
    keywords = set()
    for decl in declarations(css):
        for reason in _problems(decl):
            found[f"{reason} in `{decl.where}`"] = None
        keywords |= {_running_use(fn) for fn in _walk(decl.value) if fn.type == "function" and fn.lower_name == "element"}
    if {(RUNNING_HEAD, "start"), (RUNNING_HEAD, "first")} <= keywords:
        found[f"element({RUNNING_HEAD}, start) and element({RUNNING_HEAD}, first) in one style"] = None
    return list(found)


def _pseudo(where: str) -> bool:
    """Every selector of the rule is a ::before or ::after."""
    return all(s.strip().endswith(("::before", "::after", ":before", ":after")) for s in where.split(","))


def _problems(decl: Declaration) -> Iterator[str]:
    nodes = list(_walk(decl.value))
    functions = [n for n in nodes if n.type == "function"]
    idents = [n.lower_value for n in decl.value if n.type == "ident"]
    for fn in functions:
        name = fn.lower_name
        counter = [t.lower_value for t in _args(fn) if t.type == "ident"][:1]
        if name in ("target-text", "target-counters"):
            yield f"{name}()"
        elif name == "target-counter" and not _is_page_ref(fn):
            yield "a target-counter() other than target-counter(attr(href), page)"
        elif name == "target-counter" and (decl.name != "content" or decl.in_page or not _pseudo(decl.where)):
            yield "a page reference outside the content of a ::before or ::after"
        elif name in ("counter", "counters") and counter and counter[0] in ("page", "pages") and not decl.in_page:
            yield f"{name}({counter[0]}) outside @page"
        elif name in ("counter", "counters") and decl.in_page and counter and counter[0] not in ("page", "pages"):
            yield f"{name}({counter[0]}) in a page margin"
        elif name == "counter" and counter == ["pages"] and _arg_idents(fn)[1:] not in ([], ["decimal"]):
            yield "counter(pages) in a style other than decimal"
        elif name == "element" and _running_use(fn) not in ((RUNNING_HEAD, "start"), (RUNNING_HEAD, "first")):
            yield f"{tinycss2.serialize([fn])} (only element({RUNNING_HEAD}, start) or (…, first) is drawn)"
        elif name == "running" and (_arg_idents(fn) != [RUNNING_HEAD] or f".{CLASSES.notice_head}" not in decl.where):
            yield f"{tinycss2.serialize([fn])} on another element than .{CLASSES.notice_head}"
    if decl.name == "content" and any(_is_page_ref(n) for n in decl.value):
        allowed = ("string", "whitespace", "comment")
        if any(n.type not in allowed and not _is_page_ref(n) and getattr(n, "lower_name", None) not in ("attr", "leader")
               for n in decl.value):
            yield "a page reference beside generated content other than strings and attr()"
    if decl.name in ("counter-increment", "counter-set") and set(idents) - _SAFE_COUNTERS:
        yield f"{decl.name}: {', '.join(sorted(set(idents) - _SAFE_COUNTERS))} (it would restart in each chunk)"
    if decl.name == "string-set" and not any(f".{c}" in decl.where for c in (CLASSES.cover_title, CLASSES.cover_edition)) \
            and _set_names(decl.value) != {RUNNING_HEAD}:
        # A string named as the running head marks where a notice starts (see head_keyword).
        yield "string-set on another element than the cover's title and edition"
    if decl.name == "float" and "footnote" in idents and f".{CLASSES.link_note}" not in decl.where:
        yield f"a footnote other than .{CLASSES.link_note}"
    if decl.in_page and any(f":{p}" in decl.where for p in ("left", "right", "first", "blank", "nth(")):
        yield "a page selector that depends on the page's place in the book"


RUNNING_HEAD = "notice-head"  # the running element name the furniture draws


def _arg_idents(fn: ast.FunctionBlock) -> list[str]:
    return [t.lower_value for t in _args(fn) if t.type == "ident"]


def _running_use(fn: ast.FunctionBlock) -> tuple[str, str]:
    idents = _arg_idents(fn)
    return (idents[0] if idents else "", idents[1] if len(idents) > 1 else "first")


def _set_names(value: Nodes) -> set[str]:
    """The names a string-set value sets (`a content(), b "x"`: a and b)."""
    names, expect = set(), True
    for node in value:
        if node.type in ("whitespace", "comment"):
            continue
        if expect and node.type == "ident":
            names.add(node.lower_value)
        expect = node == ","
    return names


def head_keyword(css: str) -> str:
    """How the stylesheet picks a page's running head: "start" (the notice
    at the top of the page) or "first" (the first starting on it); "start"
    when it draws none. WeasyPrint finds the notice at the top for `start`
    by a string of the running element's name set down the page's first
    child chain (the packaged style sets one on each notice's header)."""
    used = {_running_use(fn)[1] for decl in declarations(css) for fn in _walk(decl.value)
            if fn.type == "function" and fn.lower_name == "element" and _running_use(fn)[0] == RUNNING_HEAD}
    return "first" if used == {"first"} else "start"


@lru_cache(maxsize=16)  # every furniture document has the same stylesheet
def heads_first(css: str) -> str:
    """element(notice-head, start) as `first`: each furniture page holds the
    head it shows, or none to keep the previous page's."""
    def edit(node: Any) -> Any:
        if node.type == "function" and node.lower_name == "element" and _running_use(node) == (RUNNING_HEAD, "start"):
            return tinycss2.parse_one_component_value(f"element({RUNNING_HEAD}, first)")
        return node

    return tinycss2.serialize(_map(tinycss2.parse_component_value_list(css), edit))


# ---- the stylesheets of a document ----------------------------------------------

def document_css(root: Any, base_url: str, roots: list[Path], extra: str = "") -> str:
    """All the CSS a document uses: its <style> elements, the stylesheets it
    links and what they @import (read from the style folders only, as the
    renderer's fetcher would), and `extra`."""
    texts = [extra]
    for el in root.iter():
        if el.tag == "style" and el.text:
            texts.append(_with_imports(el.text, base_url, roots, set()))
        elif el.tag == "link" and "stylesheet" in (el.get("rel") or "").lower().split() and el.get("href"):
            texts.append(_read(urljoin(base_url, el.get("href")), roots, set()))
    return "\n".join(texts)


def _read(url: str, roots: list[Path], seen: set[str]) -> str:
    if url in seen or urlsplit(url).scheme not in ("", "file"):
        return ""
    seen.add(url)
    path = Path(unquote(urlsplit(url).path)).resolve()
    if not any(path.is_relative_to(r) for r in roots) or not path.is_file():
        return ""
    return _with_imports(path.read_text(encoding="utf-8", errors="replace"), path.as_uri(), roots, seen)


def _with_imports(css: str, base: str, roots: list[Path], seen: set[str]) -> str:
    out = [css]
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            target = next((t for t in rule.prelude if t.type in ("url", "string")), None)
            target = target or next((t for t in rule.prelude if t.type == "function" and t.lower_name == "url"), None)
            if target is not None:
                href = target.value if target.type != "function" else "".join(
                    a.value for a in target.arguments if a.type == "string")
                out.append(_read(urljoin(base, href), roots, seen))
    return "\n".join(out)
