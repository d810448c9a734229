"""The one Notice codec: plain data <-> Notice, generated from the dataclass fields.

Every serialized form of a notice goes through `encode`: the cache (JSON),
the front matter of build/notices/<id>.md (YAML) and the digest's edition
manifest (a few of the same keys). A field added to `Notice` (or to
`SourceRef`, `Event`) is carried by all three without another line here;
a field whose type this codec does not know fails at once, in every test.

Rules, the same at every level:
- a nested dataclass is a mapping of its fields; a tuple is a list; dates
  stay `datetime.date` (the JSON and YAML layers write them their own way);
- a field whose default is None and whose value is None is left out
  (`translated_from`, `event`, `source.url`, ...), so a reader sees only
  what a notice has; a required field is always written, null or not.

`decode` checks every value against the field's type and raises
`CodecError` on anything else: a cache entry that passed its checksum but
holds a string for a date (an older writer, a hand edit) is a miss, never a
traceback on a later run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from functools import cache
from typing import Any, TypeVar

from ip5pub.model import Notice

T = TypeVar("T")
_MISSING = dataclasses.MISSING


class CodecError(ValueError):
    """Data that is not a well-typed encoding of the type asked for."""


@cache
def _fields(cls: type) -> tuple[tuple[str, Any, bool, bool], ...]:
    """(name, type, has a default, default is None) per field of a dataclass."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        has_default = f.default is not _MISSING or f.default_factory is not _MISSING
        out.append((f.name, hints[f.name], has_default, f.default is None))
    return tuple(out)


_LEAVES = frozenset({str, int, float, bool, dt.date})  # kept as they are (exactly these types: not a datetime)


def encode(value: Any) -> Any:
    """A dataclass (Notice, SourceRef, Event) as plain dicts, lists, strings, numbers and dates."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for name, _, _, none_default in _fields(type(value)):
            item = getattr(value, name)
            if item is None:
                if not none_default:
                    out[name] = None
            elif type(item) in _LEAVES:  # most fields: no call (a cache read of 500 notices encoded 50,000 values)
                out[name] = item
            elif type(item) is tuple and all(type(v) is str for v in item):
                out[name] = list(item)
            else:
                out[name] = encode(item)
        return out
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool | dt.date):
        return value
    raise CodecError(f"cannot encode a {type(value).__name__}")


def decode(cls: type[T], data: Any) -> T:
    """The `cls` that `encode` made `data` from; CodecError if any value is not of its field's type."""
    return typing.cast(T, _decoder(typing.cast(Any, cls))(data, cls.__name__))


Decoder = typing.Callable[[Any, str], Any]


@cache
def _decoder(kind: Any) -> Decoder:
    """A function checking and decoding data of type `kind`, made once per
    type: looking the type's shape up for every value was most of a cache
    read (500 notices: 51,000 values)."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is Any:
        return lambda data, where: data  # kept verbatim (Notice.extra's values)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        some = _decoder(inner)
        nullable = type(None) in args
        return lambda data, where: None if data is None and nullable else some(data, where)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass_decoder(kind)
    if origin is tuple:
        item = _decoder(args[0])

        def a_tuple(data: Any, where: str) -> Any:
            if not isinstance(data, list):
                raise CodecError(f"{where} must be a list")
            return tuple(item(v, where) for v in data)
        return a_tuple
    if origin is dict:
        key, value = _decoder(args[0]), _decoder(args[1])

        def a_dict(data: Any, where: str) -> Any:
            if not isinstance(data, dict):
                raise CodecError(f"{where} must be a mapping")
            return {key(k, where): value(v, where) for k, v in data.items()}
        return a_dict
    if kind is dt.date:
        def a_date(data: Any, where: str) -> Any:
            # a datetime is a date too, but not the day a notice is dated
            if isinstance(data, dt.date) and not isinstance(data, dt.datetime):
                return data
            raise CodecError(f"{where} must be a date")
        return a_date
    if kind in (str, int, bool):
        def a_scalar(data: Any, where: str) -> Any:
            if type(data) is kind or (isinstance(data, kind) and not isinstance(data, bool)):
                return data
            raise CodecError(f"{where} must be {kind.__name__}")
        return a_scalar

    def unknown(data: Any, where: str) -> Any:
        raise CodecError(f"{where} must be {getattr(kind, '__name__', kind)}")
    return unknown


def _dataclass_decoder(kind: type) -> Decoder:
    known = {name for name, *_ in _fields(kind)}

    def a_dataclass(data: Any, where: str) -> Any:
        if not isinstance(data, dict):
            raise CodecError(f"{where} must be a mapping")
        if not known.issuperset(data):
            raise CodecError(f"{where} has unknown keys {sorted(set(data) - known)}")
        values = {}
        for name, field, has_default in _field_decoders(kind):
            if name in data:
                values[name] = field(data[name], f"{where}.{name}")
            elif not has_default:
                raise CodecError(f"{where} lacks {name}")
        return kind(**values)
    return a_dataclass


@cache
def _field_decoders(kind: type) -> tuple[tuple[str, Decoder, bool], ...]:
    """(name, decoder, has a default) per field; made on first use, not with
    the dataclass's decoder: a Notice holds a Notice."""
    return tuple((name, _decoder(hint), has_default) for name, hint, has_default, _ in _fields(kind))


# The views of a notice ---------------------------------------------------

# Front matter reads in this order (the body is the document, `extra` its
# unknown keys kept at the top level, after these).
FRONT_MATTER_ORDER = ("id", "title", "date", "office", "publisher", "language", "translated_from", "attribution",
                      "summary", "event", "offices", "acronyms", "words", "duplicates", "not_duplicates", "source")


def front_matter(notice: Notice) -> dict[str, Any]:
    """The notice's front matter: every field but the body, in reading order, then the unknown keys.
    Not the provenance (where each field came from: the cache and `ip5pub review` carry it, the
    contract's keys stay as they are), nor `not_duplicates` when it names none."""
    data = encode(notice)
    data.pop("body")
    data.pop("provenance")
    if not data.get("not_duplicates"):
        data.pop("not_duplicates", None)
    extra = data.pop("extra")
    ordered = {k: data.pop(k) for k in FRONT_MATTER_ORDER if k in data}
    ordered.update(data)  # a field added to Notice and not yet ordered: written, last
    ordered.update(extra)
    return ordered


def summary(notice: Notice, keys: tuple[str, ...]) -> dict[str, Any]:
    """Some of the notice's encoded fields, dates in ISO form (for JSON files
    people read). Only these are encoded: a digest's manifest lists every
    notice of the brief, and encoding each whole (its body, its events) was
    a third of writing the digest."""
    data = {k: encode(getattr(notice, k)) for k in keys}
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}
