"""YAML front matter: loaded safely, written canonically.

Loading refuses aliases (a few lines of anchors can expand to gigabytes) and
any tag outside the YAML core schema (`!!python/object/apply:` and friends are
never constructed). Writing goes through yaml.safe_dump, never string
formatting, so a title with quotes or colons round-trips.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ip5pub.extract.dates import iso_fix, readings
from ip5pub.validate import Unusable, plain, plain_mapping

_FENCE = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
MAX_FRONT_MATTER = 64 * 1024


class FrontMatterError(ValueError):
    pass


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise FrontMatterError("YAML anchors and aliases are not allowed in front matter")
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise FrontMatterError("YAML anchors and aliases are not allowed in front matter")
        return super().compose_node(parent, index)


def _refuse_tag(loader, suffix, node):
    raise FrontMatterError(f"YAML tag {node.tag!r} is not allowed")


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _refuse_tag)
_Loader.add_multi_constructor("!", _refuse_tag)


class _ScalarError(FrontMatterError):
    def __init__(self, line: int, problem: str):
        self.line, self.problem = line, problem
        super().__init__(problem)


_KEY = re.compile(r"\s*(?:-\s+)?[\"']?([^:#\"']{1,40})[\"']?\s*:")


def _key_at(source: str, error: _ScalarError, first_line: int) -> FrontMatterError:
    """The error naming the key on its line ('date: … (line 3)')."""
    lines = source.split("\n")
    m = _KEY.match(lines[error.line]) if error.line < len(lines) else None
    key = f"{m.group(1).strip()}: " if m else ""
    return FrontMatterError(f"{key}{error.problem} (line {error.line + first_line})")


def _checked(construct: Any, what: str) -> Any:
    """A scalar constructor whose ValueError (hour 25, an integer of 5,000
    digits) is a one-line reason naming the line, not an internal error."""

    def checked(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):
            value = str(node.value)
            shown = repr(value) if len(value) <= 40 else f"a value of {len(value):,} characters"
            fix = f"; {iso_fix(value)}" if what == "date and time" and readings(value) else ""  # 2026-13-01
            raise _ScalarError(node.start_mark.line, f"{shown} is not a usable {what}{fix}") from None

    return checked


for _tag, _construct, _what in (("timestamp", yaml.SafeLoader.construct_yaml_timestamp, "date and time"),
                                ("int", yaml.SafeLoader.construct_yaml_int, "integer"),
                                ("float", yaml.SafeLoader.construct_yaml_float, "number")):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _checked(_construct, _what))


def has_front_matter(text: str) -> bool:
    return bool(_FENCE.match(text.lstrip("\ufeff")))


def split(text: str) -> tuple[dict[str, Any], str]:
    """(front matter, body). Text without front matter gives ({}, text)."""
    text = text.lstrip("\ufeff")
    m = _FENCE.match(text)
    if not m:
        return {}, text
    return load(m.group("yaml") or "", first_line=2), text[m.end():]  # line 1 is the fence


def load(source: str, numbered_items: bool = False, first_line: int = 1) -> dict[str, Any]:
    """The mapping in `source`, every value plain (see validate.plain).

    `numbered_items`: a sidecar's `items` maps item numbers (integers) to
    corrections; every other key, at any depth, must be text. Errors name
    lines counted from `first_line` (where the YAML starts in its file)."""
    if len(source) > MAX_FRONT_MATTER:
        raise FrontMatterError(f"front matter is larger than {MAX_FRONT_MATTER // 1024} KiB")
    try:
        data = yaml.load(source, Loader=_Loader)
    except _ScalarError as exc:
        raise _key_at(source, exc, first_line) from None
    except FrontMatterError:
        raise
    except RecursionError:
        raise FrontMatterError("front matter is nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + first_line})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(f"front matter is not valid YAML{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError("front matter is not a mapping of keys to values")
    items = data.pop("items", None) if numbered_items else None
    try:
        out = plain_mapping(data, "")
        if isinstance(items, dict):
            for number in items:
                if not isinstance(number, int) or isinstance(number, bool):
                    raise Unusable(f"items: {number!r:.40} is not an item number (1, 2, ...)")
            out["items"] = {n: plain(fix, f"items: {n}") for n, fix in items.items()}
        elif items is not None:
            out["items"] = plain(items, "items")
    except Unusable as exc:
        raise FrontMatterError(str(exc)) from None
    return out


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_dumper(data), sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=10_000)


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class _Plain(yaml.SafeDumper):
    """Never an anchor: an event of one day holds one date object twice, and
    `&id001`/`*id001` is what our own loader refuses (so would a person)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_FAST: type | None = None
if hasattr(yaml, "CSafeDumper"):
    class _FastPlain(yaml.CSafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    _FAST = _FastPlain


def _dumper(data: dict[str, Any]) -> type:
    """libyaml's emitter (5x faster: YAML writing dominated normalizing) when
    it writes the same bytes as PyYAML's: it escapes characters beyond the
    Basic Multilingual Plane, which PyYAML writes as they are."""
    if _FAST is None or any(_ASTRAL.search(text) for text in _strings(data)):
        return _Plain
    return _FAST


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def join(data: dict[str, Any], body: str) -> str:
    return f"---\n{dump(data)}---\n\n{body.strip(chr(10))}\n"
