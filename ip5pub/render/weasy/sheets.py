"""A document's `<style>` sheets parsed once per process.

The chunked layout lays out dozens of documents in each worker process
(chunks, front and back matter, furniture), each carrying the house
stylesheet in its head, and WeasyPrint parsed it again for each one: 1.5 s
of the 39 s of CPU the documents of a 500-notice brief took. What a parse
leaves is read-only once made (a selector matcher and the `@page` rules),
so a sheet with the same text, base URL and media is made from the first
parse's. tests/test_weasy_patches.py compares the bytes.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections import OrderedDict
from typing import Any

from ip5pub.render.weasy.installer import Installer

# Rules whose parse does more than fill the sheet's own matcher and the
# document's @page rules (fonts, counter styles, colour profiles, imports,
# layers): such a sheet is parsed every time, as WeasyPrint does.
_EFFECTS = re.compile(r"@(?:import|font-face|counter-style|color-profile|layer)\b|\blayer\(", re.IGNORECASE)
_KEEP = 16  # sheets kept: a build uses a handful
# The keywords weasyprint.css.find_stylesheets passes for a <style> sheet.
_FIND_STYLESHEETS = frozenset(("string", "base_url", "url_fetcher", "media_type", "font_config", "counter_style",
                               "page_rules", "color_profiles", "layers"))


class _Records(logging.Handler):
    """What WeasyPrint logged while it parsed a sheet (invalid declarations),
    said again each time the sheet is used, as a parse would."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@Installer
def stylesheets_parsed_once() -> bool:
    """`<style>` sheets WeasyPrint finds in a document are parsed once per
    process for a given text, base URL and media type.

    A sheet that loads fonts or other sheets, declares counter styles,
    colour profiles or cascade layers is parsed each time. Once per process;
    on a WeasyPrint whose sheets are made otherwise, nothing is changed.
    """
    try:
        from weasyprint import css as found

        original = found.CSS
        params = list(inspect.signature(original.__init__).parameters)
        logger, progress = found.LOGGER, found.PROGRESS_LOGGER
    except (ImportError, AttributeError, ValueError):
        return False
    if params != ["self", "guess", "filename", "url", "file_obj", "string", "encoding", "base_url", "url_fetcher",
                  "_check_mime_type", "media_type", "font_config", "counter_style", "color_profiles", "matcher",
                  "page_rules", "layers", "layer"]:
        return False
    parsed: OrderedDict[tuple[str, Any, str], tuple[Any, Any, list[Any], list[logging.LogRecord]]] = OrderedDict()

    def make(*args: Any, **kwargs: Any) -> Any:
        string, page_rules, layers = kwargs.get("string"), kwargs.get("page_rules"), kwargs.get("layers")
        if (args or set(kwargs) - _FIND_STYLESHEETS or not isinstance(string, str) or page_rules is None
                or layers is None or _EFFECTS.search(string)):
            return original(*args, **kwargs)
        key = (string, kwargs.get("base_url"), kwargs.get("media_type", "print"))
        entry = parsed.get(key)
        if entry is None:
            first, before = len(page_rules), list(layers)
            records = _Records()
            logger.addHandler(records)
            try:
                sheet = original(**kwargs)
            finally:
                logger.removeHandler(records)
            if layers == before:
                parsed[key] = (sheet.base_url, sheet.matcher, page_rules[first:], records.records)
                while len(parsed) > _KEEP:
                    parsed.popitem(last=False)
            return sheet
        parsed.move_to_end(key)
        base_url, matcher, rules, said = entry
        progress.info("Step 2 - Fetching and parsing CSS - %s", "CSS string")
        for record in said:
            if logger.isEnabledFor(record.levelno):
                logger.handle(record)
        sheet = original.__new__(original)
        sheet.base_url, sheet.matcher, sheet.page_rules, sheet.layers = base_url, matcher, page_rules, layers
        page_rules.extend(rules)
        return sheet

    found.CSS = make
    return True

