"""A workspace: ip5pub.toml, sources/, styles/ and the build folder."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ip5pub.fetch.config import FetchSettings, parse_fetch
from ip5pub.l10n import LANGUAGES
from ip5pub.readers.context import ReadContext, SiteProfile, parse_sites

CONFIG_NAME = "ip5pub.toml"
PAPERS = ("A4", "Letter")


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Config:
    """Settings a workspace may set in ip5pub.toml; the CLI may override them."""

    title: str = "IP5 Briefing"
    subtitle: str = "News from the world's patent offices"
    organisation: str = ""
    language: str = "en"
    paper: str = "A4"
    digest_width: int = 72
    # The at-a-glance table lists every story; above this many it would run
    # to dozens of pages repeating the contents, so the brief leaves it out.
    glance_limit: int = 60
    # [sites."host"] tables: per-site CSS selectors for title, date, body, drop
    # (ip5pub/readers/context.py).
    sites: tuple[SiteProfile, ...] = ()
    # [fetch] and its [[fetch.feeds]] and [[fetch.pages]] (ip5pub/fetch/config.py).
    # Nothing rendered depends on it, so it stays out of the outputs' cache
    # keys (cache.fields_key): a new feed does not rebuild last week's PDF.
    fetch: FetchSettings = field(default_factory=FetchSettings, repr=False, metadata={"cache_key": False})

    @property
    def read_context(self) -> ReadContext:
        """What the readers get besides each source's bytes."""
        return ReadContext(sites=self.sites)

    def with_overrides(self, **values: Any) -> Config:
        return replace(self, **{k: v for k, v in values.items() if v is not None})


@dataclass(frozen=True)
class Workspace:
    root: Path
    config: Config

    @property
    def styles(self) -> Path:
        return self.root / "styles"


def packaged_styles() -> Path:
    """Styles inside the installed wheel, or the repository's styles/ in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "styles", here.parent / "styles"):
        if (candidate / "brief.html").is_file():
            return candidate
    raise FileNotFoundError("packaged styles are missing from the ip5pub installation")


def style_roots(workspace: Workspace | None) -> list[Path]:
    """The folders the PDF renderer may read files from: the packaged styles and the workspace's."""
    roots = [packaged_styles()]
    if workspace is not None and workspace.styles.is_dir():
        roots.append(workspace.styles)
    return [r.resolve() for r in roots]


def packaged_samples() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "samples", here.parent / "sources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("packaged sample notices are missing from the ip5pub installation")


# The tables of ip5pub.toml, each read by the module that uses it; every
# other key is a setting of the brief (top level, or under [brief]).
_TABLES = {"sites": parse_sites, "fetch": parse_fetch}


def load_config(root: Path) -> Config:
    path = root / CONFIG_NAME
    if not path.is_file():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    tables: dict[str, Any] = {}
    for name, parse in _TABLES.items():
        try:
            tables[name] = parse(data.pop(name, {}))
        except ValueError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    data = data.get("brief", data)  # both a [brief] table and top-level keys work
    known = {f.name: f.type for f in fields(Config) if f.name not in _TABLES}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join([*known, *_TABLES])}")
    for key, value in data.items():
        want = int if known[key] in (int, "int") else str
        if not isinstance(value, want) or isinstance(value, bool):
            raise ConfigError(f"{path}: {key} must be {'an integer' if want is int else 'a string'}")
    config = Config(**data, **tables)
    if config.language not in LANGUAGES:
        raise ConfigError(f"{path}: language {config.language!r} is not one the brief can be written in; "
                          f"use one of {', '.join(LANGUAGES)}")
    if config.paper not in PAPERS:
        raise ConfigError(f"{path}: paper must be one of {', '.join(PAPERS)}")
    if not 30 <= config.digest_width <= 200:
        raise ConfigError(f"{path}: digest_width must be between 30 and 200")
    if config.glance_limit < 0:
        raise ConfigError(f"{path}: glance_limit must be 0 (no at-a-glance table) or more")
    return config


def open_workspace(root: Path | str = ".") -> Workspace:
    root = Path(root)
    return Workspace(root=root, config=load_config(root))
