"""Project configuration: ``translate-flow.toml``."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, LanguageError
from .languages import Language, language

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["CONFIG_NAME", "BuildSettings", "Config", "ExtractSettings", "find_config", "load_config"]

CONFIG_NAME = "translate-flow.toml"
DATE_FORMATS = frozenset({"short", "medium", "long", "full"})


@dataclass(frozen=True)
class ExtractSettings:
    """How pages become catalogs."""

    similarity: float = 0.6  # the least similarity for a fuzzy starting point
    skip_foreign: bool = True  # leave parts whose `lang` is not the source language alone


@dataclass(frozen=True)
class BuildSettings:
    """How catalogs become localized pages."""

    use_fuzzy: bool = True
    min_complete: float = 0.0  # percent of source words published as translated
    url_template: str = "../{lang}/{slug}.html"  # hreflang link targets
    source_url: str = "{canonical}"  # the source page: the canonical link by default
    date_format: str = "long"


@dataclass(frozen=True)
class Config:
    """A loaded project configuration; paths are absolute."""

    root: Path
    path: Path
    name: str
    version: str
    source: Language
    targets: tuple[Language, ...]
    articles: Path
    locales: Path
    glossary: Path
    build_dir: Path
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    build: BuildSettings = field(default_factory=BuildSettings)

    @property
    def project_id(self) -> str:
        """The Project-Id-Version header value."""
        return f"{self.name} {self.version}".strip()

    def target(self, tag: str) -> Language:
        """The configured target language for *tag*, or :class:`ConfigError`."""
        wanted = language(tag)
        for target in self.targets:
            if target.tag == wanted.tag:
                return target
        configured = ", ".join(t.tag for t in self.targets)
        raise ConfigError(f"language {tag!r} is not a target of this project (targets: {configured})")


_SCHEMA: Mapping[str, Mapping[str, type | tuple[type, ...]]] = {
    "project": {"name": str, "version": str, "source_language": str, "target_languages": list},
    "paths": {"articles": str, "locales": str, "glossary": str, "build": str},
    "extract": {"similarity": (int, float), "skip_foreign": bool},
    "build": {
        "use_fuzzy": bool,
        "min_complete": (int, float),
        "url_template": str,
        "source_url": str,
        "date_format": str,
    },
}


def find_config(start: Path) -> Path:
    """The nearest ``translate-flow.toml`` in *start* or its parents."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    raise ConfigError(
        f"no {CONFIG_NAME} in {start} or its parents; run in a project folder or pass --config"
    )


def load_config(path: Path) -> Config:
    """Read and validate a configuration file; raise :class:`ConfigError` on any problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    _validate(path, data)
    root = path.resolve().parent
    project = data.get("project", {})
    paths = data.get("paths", {})
    try:
        source = language(project.get("source_language", "en"))
        targets = tuple(language(t) for t in project.get("target_languages", []))
    except LanguageError as exc:
        raise LanguageError(f"{path}: {exc}") from None
    if not targets:
        raise ConfigError(f"{path}: [project] target_languages is empty; list e.g. ['ru', 'kk']")
    if any(t.tag == source.tag for t in targets):
        raise ConfigError(f"{path}: the source language {source.tag!r} is also a target")
    extract = ExtractSettings(**data.get("extract", {}))
    build = BuildSettings(**data.get("build", {}))
    if not 0.0 <= extract.similarity <= 1.0:
        raise ConfigError(f"{path}: [extract] similarity must be between 0 and 1")
    if not 0.0 <= build.min_complete <= 100.0:
        raise ConfigError(f"{path}: [build] min_complete must be a percentage, 0 to 100")
    if build.date_format not in DATE_FORMATS:
        raise ConfigError(f"{path}: [build] date_format must be one of {sorted(DATE_FORMATS)}")
    return Config(
        root=root,
        path=path.resolve(),
        name=project.get("name", root.name),
        version=project.get("version", ""),
        source=source,
        targets=targets,
        articles=root / paths.get("articles", "articles"),
        locales=root / paths.get("locales", "locales"),
        glossary=root / paths.get("glossary", "glossary"),
        build_dir=root / paths.get("build", "build"),
        extract=extract,
        build=build,
    )


def _validate(path: Path, data: Mapping[str, Any]) -> None:
    for table, values in data.items():
        schema = _SCHEMA.get(table)
        if schema is None or not isinstance(values, dict):
            raise ConfigError(f"{path}: unknown table [{table}] (known: {', '.join(_SCHEMA)})")
        for key, value in values.items():
            expected = schema.get(key)
            if expected is None:
                raise ConfigError(f"{path}: unknown setting {key!r} in [{table}]")
            if not isinstance(value, expected) or isinstance(value, bool) and expected is not bool:
                raise ConfigError(f"{path}: [{table}] {key} has the wrong type ({type(value).__name__})")
    targets = data.get("project", {}).get("target_languages", [])
    if not all(isinstance(t, str) for t in targets):
        raise ConfigError(f"{path}: [project] target_languages must be a list of language tags")
