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


def has_front_matter(text: str) -> bool:
    return bool(_FENCE.match(text.lstrip("\ufeff")))


def split(text: str) -> tuple[dict[str, Any], str]:
    """(front matter, body). Text without front matter gives ({}, text)."""
    text = text.lstrip("\ufeff")
    m = _FENCE.match(text)
    if not m:
        return {}, text
    return load(m.group("yaml") or ""), text[m.end():]


def load(source: str) -> dict[str, Any]:
    if len(source) > MAX_FRONT_MATTER:
        raise FrontMatterError(f"front matter is larger than {MAX_FRONT_MATTER // 1024} KiB")
    try:
        data = yaml.load(source, Loader=_Loader)
    except FrontMatterError:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(f"front matter is not valid YAML{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError("front matter is not a mapping of keys to values")
    return {str(k): v for k, v in data.items()}


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_dumper(data), sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=10_000)


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _dumper(data: dict[str, Any]):
    """libyaml's emitter (5x faster: YAML writing dominated normalizing) when
    it writes the same bytes as PyYAML's: it escapes characters beyond the
    Basic Multilingual Plane, which PyYAML writes as they are."""
    fast = getattr(yaml, "CSafeDumper", None)
    if fast is None or any(_ASTRAL.search(text) for text in _strings(data)):
        return yaml.SafeDumper
    return fast


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
