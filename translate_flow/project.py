"""A project on disk: where every file lives, and reading and writing them.

This module owns the layout of a translate-flow project::

    translate-flow.toml
    articles/<slug>.html                     the source pages (any depth of folders)
    glossary/*.csv, *.tbx                    the termbase
    locales/templates/<slug>.pot             one template per article (gettext layout)
    locales/<locale>/LC_MESSAGES/<slug>.po   one catalog per article and language
    memory/*.tmx                             imported translation memories
    build/<lang>/<slug>.html                 the localized pages
    .translate-flow/                         caches, run state and the lock; never the truth

The stages work on loaded data; the pipeline asks this module for paths and files. Every
file is written through :func:`translate_flow.fsio.atomic_write`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalog import Catalog, read_po, write_po
from .config import Config
from .errors import CatalogError, InputError, Problem, TranslateFlowError
from .fsio import TEMPORARY_NAME, WriteStatus, atomic_write, read_bytes
from .htmldoc import Page, parse_html
from .languages import Language

if TYPE_CHECKING:
    from .glossary import Glossary

__all__ = [
    "HTML_SUFFIXES",
    "MEMORY_INDEX",
    "NO_CATALOG",
    "STATE_DIR",
    "Article",
    "WriteResult",
    "articles",
    "catalog_path",
    "file_digest",
    "forget_segmentation",
    "import_memory_file",
    "imported_memory_files",
    "load_glossary",
    "lock_path",
    "memory_index_path",
    "open_catalog",
    "page_path",
    "read_catalog",
    "read_page",
    "read_segmentation",
    "remove_stale_temporaries",
    "segmentation_path",
    "shown",
    "state_path",
    "stored_name",
    "targets",
    "template_path",
    "write_catalog",
    "write_segmentation",
]

STATE_DIR = ".translate-flow"  # caches, run state and the lock; never the source of truth
MEMORY_DIR = "memory"  # imported TMX files, committed with the project
MEMORY_INDEX = Path(STATE_DIR) / "memory.sqlite"  # the translation memory's index, under the root
SEGMENTATIONS = Path(STATE_DIR) / "segments"  # each article's slots as plain data, by slug
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Article:
    """A source page of the project."""

    slug: str  # path below the articles folder, without suffix: "bilash-free-but-silenced"
    path: Path
    reference: str  # the path catalogs cite, relative to the project root


@dataclass(frozen=True)
class WriteResult:
    """One file the pipeline wrote or left alone."""

    path: Path
    status: WriteStatus


# --- where things are ----------------------------------------------------------------------


def articles(config: Config, only: Sequence[str] = ()) -> list[Article]:
    """The project's source pages, sorted; *only* narrows them to some slugs or files."""
    if not config.articles.is_dir():
        raise InputError("articles folder not found; check [paths] articles", path=str(config.articles))
    found: list[Article] = []
    for path in sorted(config.articles.rglob("*")):
        if path.suffix.lower() in HTML_SUFFIXES and path.is_file():
            slug = path.relative_to(config.articles).with_suffix("").as_posix()
            found.append(Article(slug, path, path.relative_to(config.root).as_posix()))
    if not only:
        return found
    chosen: list[Article] = []
    for name in only:
        matches = [a for a in found if name in (a.slug, a.path.name, a.reference)]
        if not matches:
            raise InputError(f"no such article in {config.articles.relative_to(config.root)}", path=name)
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


def targets(config: Config, languages: Sequence[str] = ()) -> tuple[Language, ...]:
    """The target languages named by *languages*, or all of the project's."""
    return tuple(config.target(tag) for tag in languages) if languages else config.targets


def template_path(config: Config, article: Article) -> Path:
    """Where the article's template lives."""
    return config.locales / "templates" / f"{article.slug}.pot"


def catalog_path(config: Config, article: Article, language: Language) -> Path:
    """Where the article's catalog for *language* lives (gettext layout)."""
    return config.locales / language.locale / "LC_MESSAGES" / f"{article.slug}.po"


def page_path(config: Config, article: Article, language: Language) -> Path:
    """Where the article's localized page goes."""
    return config.build_dir / language.tag / f"{article.slug}.html"


def state_path(config: Config, name: str) -> Path:
    """A file of the state folder: ``state.json``, ``machine.sqlite``, ..."""
    return config.root / STATE_DIR / name


def lock_path(config: Config) -> Path:
    """The file whose lock one run holds at a time."""
    return state_path(config, "lock")


def memory_index_path(config: Config) -> Path:
    """The translation memory's index of reviewed translations."""
    return config.root / MEMORY_INDEX


def segmentation_path(config: Config, article: Article) -> Path:
    """Where the article's page's segmentation is kept between commands."""
    return config.root / SEGMENTATIONS / f"{article.slug}.json"


def shown(config: Config, path: Path) -> str:
    """*path* as the user is shown it: relative to the project root where it is inside."""
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)


def file_digest(path: Path) -> str | None:
    """The SHA-256 of the file at *path*, or None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


# --- reading -------------------------------------------------------------------------------


def read_page(article: Article) -> Page:
    """The article's source page, parsed."""
    return parse_html(read_bytes(article.path, article.reference), article.reference)


def read_catalog(config: Config, path: Path) -> Catalog | None:
    """The catalog at *path*, or None when there is none yet.

    :class:`InputError` (a :class:`CatalogError` for content) says why one cannot be used.
    """
    where = shown(config, path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=where) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"not UTF-8 at byte {exc.start}; save the catalog as UTF-8", path=where) from None
    return read_po(text, where)


NO_CATALOG = "catalog not found; run `translate-flow extract` first"


def open_catalog(config: Config, path: Path, *, missing_ok: bool = False) -> Catalog | Problem:
    """The catalog at *path*, or the :class:`Problem` that says why it cannot be used.

    A missing catalog is a problem too, unless *missing_ok*: then it is an empty catalog.
    """
    try:
        catalog = read_catalog(config, path)
    except TranslateFlowError as exc:
        return Problem.of(exc, shown(config, path))
    if catalog is None:
        return Catalog() if missing_ok else Problem(shown(config, path), NO_CATALOG)
    return catalog


def catalog_loader(config: Config, path: Path) -> Callable[[], Catalog]:
    """A function that reads the catalog at *path* when called (an empty one if absent)."""

    def load() -> Catalog:
        return read_catalog(config, path) or Catalog()

    return load


def read_segmentation(config: Config, article: Article, key: str) -> Any:
    """The segmentation kept for *article* under *key*, as plain data; None when there is
    none, it was kept under another key (another page, code or options), or it is damaged."""
    try:
        kept = json.loads(segmentation_path(config, article).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("key") != key:
        return None
    return kept.get("slots")


def write_segmentation(config: Config, article: Article, key: str, slots: Any) -> None:
    """Keep *article*'s segmentation (plain data) under *key*. Only an optimization: one
    that cannot be written is not kept, and nothing else changes."""
    text = json.dumps({"key": key, "slots": slots}, ensure_ascii=False, separators=(",", ":"))
    try:
        atomic_write(segmentation_path(config, article), text, durable=False)
    except TranslateFlowError:
        pass


def forget_segmentation(config: Config, article: Article) -> None:
    """Drop what was kept of a deleted article's segmentation."""
    try:
        segmentation_path(config, article).unlink(missing_ok=True)
    except OSError:
        pass  # only an optimization's leftover


def write_catalog(path: Path, catalog: Catalog) -> WriteResult:
    """Write *catalog* to *path* unless the file already holds exactly that."""
    return WriteResult(path, atomic_write(path, write_po(catalog)))


def load_glossary(config: Config) -> Glossary:
    """The project's glossary (every CSV and TBX file of its folder); read once per run."""
    from .glossary import read_glossary  # the termbase readers: for the commands that use terms

    return read_glossary(config.glossary, config.source.tag, shown(config, config.glossary))


# --- translation memories ------------------------------------------------------------------


def imported_memory_files(config: Config) -> list[Path]:
    """The TMX files imported into the project, sorted."""
    folder = config.root / MEMORY_DIR
    return sorted(folder.glob("*.tmx")) if folder.is_dir() else []


def stored_name(file_name: str) -> str:
    """Where ``tm import`` keeps a file, relative to the root: ``memory/<name>.tmx``, the
    name made safe for every file system and kept inside the folder."""
    stem = Path(file_name).name
    if stem.lower().endswith(".tmx"):
        stem = stem[: -len(".tmx")]
    stem = _SAFE_NAME.sub("-", stem).strip(".-") or "memory"
    return f"{MEMORY_DIR}/{stem}.tmx"


def import_memory_file(config: Config, name: str, data: bytes) -> Path:
    """Keep a TMX file's *data* in the project's memory folder; return where it went.

    An existing file of that name is replaced.
    """
    folder = config.root / MEMORY_DIR
    if folder.exists() and not folder.is_dir():
        raise InputError(
            "is a file, but imported translation memories go into a folder of that name; "
            "rename or remove the file", path=shown(config, folder),
        )
    target = config.root / stored_name(name)
    atomic_write(target, data)
    return target


# --- housekeeping --------------------------------------------------------------------------


def remove_stale_temporaries(config: Config) -> None:
    """Remove the temporary files of writes a killed process left behind (kill -9, power loss).

    Call it with the project lock held, so no other run is writing; only the folders the
    pipeline writes are searched, and only for names atomic_write gives its temporaries.
    """
    for folder in (config.locales, config.build_dir, config.root / STATE_DIR):
        if folder.is_dir():
            for path in folder.rglob(".*.tmp"):
                if TEMPORARY_NAME.match(path.name) and path.is_file() and not path.is_symlink():
                    path.unlink(missing_ok=True)
