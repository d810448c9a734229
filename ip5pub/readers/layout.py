"""Where the article sits in a saved page, and what around it is furniture.

Navigation, footers and side boxes are told by their tag (`nav`, `footer`,
`aside`, a page `header`) or by words in their class, id or role (`menu`,
`breadcrumb`, `share`, `related`, ...). The test walks up from an element
but stops at the page's wrappers: the article's own container and the
elements around it, and any element that holds most of the page's text.
A class on `<body>` or on a page-wide `<div>` (`has-sidebar`, `nav-open`,
`menu-fixed`, `wp-custom-logo`) describes the page, not the element, so it
must not turn the whole page into furniture. BEM modifiers
(`content-header--social-icons`) describe a variant, not what the element
is, and are not read.
"""

from __future__ import annotations

import re

from ip5pub.extract.boilerplate import FURNITURE_WORDS_ELSEWHERE
from ip5pub.readers.base import Element

_FURNITURE = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|footer|sidebar|side|share|social|related|"
                        r"links|copyright|gnb|lnb|util|skip|location|position|crumb|pagination|prev|next|"
                        r"most-?read|popular|recommend|comment|logo|" + FURNITURE_WORDS_ELSEWHERE + r")(?:$|[\s_-])", re.I)
_MOST = 0.6  # an element holding this share of the page's text is a wrapper, whatever its class


def _tag(el: Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def marks(el: Element) -> str:
    """Class (without BEM modifiers), id and role of an element, as one string."""
    classes = " ".join(re.sub(r"--.*$", "", c) for c in (el.get("class") or "").split())
    return " ".join(filter(None, (classes, el.get("id"), el.get("role"))))


def _majority_chain(tree: Element) -> list[Element]:
    """From <body> down, the elements that each hold most of the page's text.

    Sizes are summed bottom-up in one pass; the element list keeps lxml's
    proxies alive, so their ids stay valid as keys."""
    elements = list(tree.iter())
    size: dict[int, int] = {}
    for el in reversed(elements):
        own = 0 if _tag(el) in ("script", "style", "noscript", "template") else len((el.text or "").strip())
        size[id(el)] = own + sum(size[id(c)] + len((c.tail or "").strip()) for c in el)
    body = tree.find("body")
    node = body if body is not None else tree
    total = size.get(id(node), 0)
    chain = [node]
    while total:
        child = max(node, key=lambda c: size.get(id(c), 0), default=None)
        if child is None or size.get(id(child), 0) < _MOST * total:
            break
        chain.append(child)
        node = child
    return chain


class Layout:
    """The article's container (None when unknown) and the page's wrappers."""

    def __init__(self, tree: Element, container: Element | None = None) -> None:
        self.tree = tree
        self.container = container
        # Kept as a list: lxml's element proxies must stay alive for their ids to mean them.
        self._keep = [*tree.iter("html", "body"), *_majority_chain(tree)]
        if container is not None:
            self._keep += [container, *container.iterancestors()]
        self._wrappers = {id(x) for x in self._keep}

    def is_furniture(self, el: Element) -> bool:
        """Navigation, footers, side boxes: by tag, or by class/id/role words, up to the wrappers."""
        for node in [el, *el.iterancestors()]:
            if id(node) in self._wrappers:
                return False
            tag = _tag(node)
            if tag in ("nav", "footer", "aside"):
                return True
            if tag == "header" and not any(_tag(a) in ("article", "main") for a in node.iterancestors()):
                return True
            found = marks(node)
            if found and _FURNITURE.search(found):
                return True
        return False
