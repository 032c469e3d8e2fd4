"""Project configuration: ``translate-flow.toml``."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import ConfigError, LanguageError
from .findings import CheckSettings
from .languages import Language, language

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "CONFIG_NAME",
    "BuildSettings",
    "ClusterSettings",
    "Config",
    "ExtractSettings",
    "ModelSettings",
    "PairModel",
    "TranslateSettings",
    "find_config",
    "load_config",
    "misplaced_target",
]

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
    base_url: str = ""  # where build/ is published: alternates become absolute URLs
    alternate_languages: tuple[str, ...] = ()  # editions published elsewhere, linked from every page
    date_format: str = "long"
    # A page with text to translate and none translated is a copy of the source page
    # under another language; it is written only when this says so.
    publish_untranslated: bool = False


@dataclass(frozen=True)
class PairModel:
    """A CTranslate2 model configured for one language pair (NLLB-200, OPUS-MT, ...)."""

    pair: str  # "en-kk"
    path: Path  # the converted CTranslate2 model folder
    sentencepiece: Path  # the source SentencePiece model
    target_sentencepiece: Path  # the target's; the source's when there is one model
    source_token: str = ""  # NLLB: the source language token, "eng_Latn"
    target_token: str = ""  # NLLB: the target language token, "kaz_Cyrl"
    source_prefix: str = ""  # multi-target OPUS-MT: ">>kaz<<"
    add_end_token: bool = True  # converted Hugging Face models expect "</s>" after the source
    name: str = ""
    version: str = ""
    # Longest input for this model, in tokens; None: [translate] max_input_tokens. Either
    # way the model's own position table, when it has one, caps it.
    max_input_tokens: int | None = None


@dataclass(frozen=True)
class ModelSettings:
    """Where models come from."""

    packages_dir: Path | None = None  # None: ARGOS_PACKAGES_DIR or the standard Argos folder
    index_url: str = ""  # "": the Argos package index argostranslate itself uses
    cache_dir: Path | None = None  # None: ~/.cache/translate-flow/packages
    timeout: float = 10.0
    pivot: str = "en"  # translate through this language when no direct model exists; "" never
    pairs: Mapping[str, PairModel] = field(default_factory=dict)


@dataclass(frozen=True)
class TranslateSettings:
    """How the model runs."""

    engine: str = "auto"  # auto: a configured pair model, else an Argos package; or argos, ct2, pseudo
    beam_size: int = 4
    device: str = "auto"
    compute_type: str = "auto"
    threads: int = 0  # CPU threads for the model; 0: every core
    inter_threads: int = 0  # model replicas decoding batches side by side; 0: chosen for throughput
    intra_threads: int = 0  # threads inside each replica; 0: chosen for throughput
    batch_tokens: int = 2048
    batch_examples: int = 0  # sentences per batch; 0: 32 / beam on CPU, 512 / beam on GPU
    max_input_tokens: int = 1024
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    length_ratio: float = 2.0
    max_decoding_length: int = 512
    n_best: int = 4  # hypotheses the glossary chooses from (4 to 8 make sense)
    memory_accept: float = 0.85  # a memory match this close is the starting point instead of the model
    memory_suggest: float = 0.75  # a match this close is shown in a comment next to machine output


@dataclass(frozen=True)
class ClusterSettings:
    """Where ``run --ray`` sends the model work, and in what pieces.

    Model files are read on every node from the paths this configuration gives: they must
    name the same files there (a shared file system, or the same copy on each node).
    """

    address: str = ""  # "": this machine only; "local", "auto", "HOST:PORT" or "ray://HOST:10001"
    timeout: float = 30.0  # seconds to reach the cluster before giving up
    shard_size: int = 64  # distinct segments per piece of work sent to an actor
    actors_per_node: int = 0  # model replicas per node; 0: one per `threads` CPUs of the node
    threads: int = 1  # CPU threads each replica's model runs on
    retries: int = 3  # restarts of a replica, and retries of its shard, after its process dies


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
    models: ModelSettings = field(default_factory=ModelSettings)
    translate: TranslateSettings = field(default_factory=TranslateSettings)
    checks: CheckSettings = field(default_factory=CheckSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)

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
        "base_url": str,
        "alternate_languages": list,
        "date_format": str,
        "publish_untranslated": bool,
    },
    "models": {
        "packages_dir": str, "index_url": str, "cache_dir": str, "timeout": (int, float),
        "pivot": str, "pairs": dict,
    },
    "translate": {
        "engine": str, "beam_size": int, "device": str, "compute_type": str, "threads": int,
        "inter_threads": int, "intra_threads": int,
        "batch_tokens": int, "batch_examples": int, "max_input_tokens": int, "repetition_penalty": (int, float),
        "no_repeat_ngram_size": int, "length_ratio": (int, float), "max_decoding_length": int,
        "n_best": int, "memory_accept": (int, float), "memory_suggest": (int, float),
    },
    "checks": {},  # any check's name: validated by CheckSettings, check by check
    "cluster": {
        "address": str, "timeout": (int, float), "shard_size": int, "actors_per_node": int, "threads": int,
        "retries": int,
    },
}
_PAIR_SCHEMA: Mapping[str, type | tuple[type, ...]] = {
    "path": str, "sentencepiece": str, "target_sentencepiece": str, "source_token": str,
    "target_token": str, "source_prefix": str, "add_end_token": bool, "name": str,
    "version": str, "max_input_tokens": int,
}
ENGINES = frozenset({"auto", "argos", "ct2", "pseudo"})
DEVICES = frozenset({"auto", "cpu", "cuda"})


def misplaced_target(source: Language, targets: Sequence[Language]) -> tuple[Literal["twice", "source"], str] | None:
    """The first target language listed twice, or else one that is the source, and which
    of the two it is; None when every target is a language of its own."""
    for index, target in enumerate(targets):
        if any(target.tag == earlier.tag for earlier in targets[:index]):
            return "twice", target.tag
    for target in targets:
        if target.tag == source.tag:
            return "source", target.tag
    return None


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
        raise ConfigError("configuration file not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read configuration ({exc})", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML ({exc})", path=str(path)) from None
    _validate(path, data)
    root = path.resolve().parent
    project = data.get("project", {})
    paths = data.get("paths", {})
    try:
        source = language(project.get("source_language", "en"))
        targets = tuple(language(t) for t in project.get("target_languages", []))
    except LanguageError as exc:
        raise LanguageError(exc.message, path=str(path)) from None
    if not targets:
        raise ConfigError("[project] target_languages is empty; list e.g. ['ru', 'kk']", path=str(path))
    misplaced = misplaced_target(source, targets)
    if misplaced is not None:
        kind, tag = misplaced
        if kind == "twice":
            raise ConfigError(f"[project] target_languages lists {tag!r} twice; list each language once",
                              path=str(path))
        raise ConfigError(f"the source language {tag!r} is also a target", path=str(path))
    extract = ExtractSettings(**data.get("extract", {}))
    build = _build_settings(path, source, targets, data.get("build", {}))
    if not 0.0 <= extract.similarity <= 1.0:
        raise ConfigError("[extract] similarity must be between 0 and 1", path=str(path))
    if not 0.0 <= build.min_complete <= 100.0:
        raise ConfigError("[build] min_complete must be a percentage, 0 to 100", path=str(path))
    if build.date_format not in DATE_FORMATS:
        raise ConfigError(f"[build] date_format must be one of {sorted(DATE_FORMATS)}", path=str(path))
    _check_template(path, "url_template", build.url_template, ("lang", "slug"))
    _check_template(path, "source_url", build.source_url, ("canonical", "lang", "slug"))
    models = _model_settings(path, root, data.get("models", {}))
    try:
        checks = CheckSettings.from_table(data.get("checks", {}))
    except ConfigError as exc:
        raise ConfigError(exc.message, path=str(path)) from None
    translate = TranslateSettings(**data.get("translate", {}))
    if translate.engine not in ENGINES:
        raise ConfigError(f"[translate] engine must be one of {sorted(ENGINES)}", path=str(path))
    if translate.device not in DEVICES:
        raise ConfigError(f"[translate] device must be one of {sorted(DEVICES)}", path=str(path))
    if not 0.5 <= translate.memory_suggest <= translate.memory_accept <= 1.0:
        raise ConfigError("[translate] needs 0.5 <= memory_suggest <= memory_accept <= 1", path=str(path))
    if not 1 <= translate.n_best <= 16:
        raise ConfigError("[translate] n_best must be between 1 and 16 (4 to 8 is usual)", path=str(path))
    if min(translate.threads, translate.inter_threads, translate.intra_threads) < 0:
        raise ConfigError("[translate] threads, inter_threads and intra_threads must be 0 (automatic) or more",
                          path=str(path))
    if translate.beam_size < 1 or translate.batch_tokens < 16 or translate.max_input_tokens < 16:
        raise ConfigError("[translate] beam_size, batch_tokens and max_input_tokens must be positive", path=str(path))
    cluster = _cluster_settings(path, data.get("cluster", {}))
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
        models=models,
        translate=translate,
        checks=checks,
        cluster=cluster,
    )


def _cluster_settings(path: Path, table: Mapping[str, Any]) -> ClusterSettings:
    cluster = ClusterSettings(**{**table, "timeout": float(table.get("timeout", ClusterSettings.timeout))})
    if cluster.timeout <= 0 or cluster.shard_size < 1 or cluster.threads < 1:
        raise ConfigError("[cluster] timeout, shard_size and threads must be positive", path=str(path))
    if cluster.actors_per_node < 0 or cluster.retries < 0:
        raise ConfigError("[cluster] actors_per_node and retries cannot be negative", path=str(path))
    return cluster


def _model_settings(path: Path, root: Path, table: Mapping[str, Any]) -> ModelSettings:
    def local(value: str) -> Path:
        return (root / Path(value).expanduser()).resolve()

    pairs: dict[str, PairModel] = {}
    for pair, values in table.get("pairs", {}).items():
        where = f'[models.pairs."{pair}"]'
        if not isinstance(values, dict):
            raise ConfigError(f"{where} must be a table", path=str(path))
        parts = pair.split("-", 1) if pair.count("-") >= 1 else []
        if len(parts) != 2:
            raise ConfigError(f"{where}: name pairs SOURCE-TARGET, e.g. \"en-kk\"", path=str(path))
        for key, value in values.items():
            expected = _PAIR_SCHEMA.get(key)
            if expected is None:
                raise ConfigError(f"unknown setting {key!r} in {where}", path=str(path))
            if not isinstance(value, expected):
                raise ConfigError(f"{where} {key} has the wrong type ({type(value).__name__})", path=str(path))
        for required in ("path", "sentencepiece"):
            if not values.get(required, "").strip():
                raise ConfigError(f"{where} needs {required!r}", path=str(path))
        model = local(values["path"])
        source_sp = local(values["sentencepiece"])
        pairs[pair] = PairModel(
            pair=pair,
            path=model,
            sentencepiece=source_sp,
            # Empty or absent: one SentencePiece model for both sides, as for packages_dir = "".
            target_sentencepiece=local(values["target_sentencepiece"]) if values.get("target_sentencepiece", "").strip()
            else source_sp,
            source_token=values.get("source_token", ""),
            target_token=values.get("target_token", ""),
            source_prefix=values.get("source_prefix", ""),
            add_end_token=values.get("add_end_token", True),
            name=values.get("name", model.name),
            version=values.get("version", ""),
            max_input_tokens=values.get("max_input_tokens"),
        )
        if (pairs[pair].max_input_tokens or 16) < 16:
            raise ConfigError(f"{where} max_input_tokens must be at least 16", path=str(path))
    return ModelSettings(
        packages_dir=local(table["packages_dir"]) if table.get("packages_dir") else None,
        index_url=table.get("index_url", ""),
        cache_dir=local(table["cache_dir"]) if table.get("cache_dir") else None,
        timeout=float(table.get("timeout", 10.0)),
        pivot=table.get("pivot", "en"),
        pairs=pairs,
    )


def _build_settings(
    path: Path, source: Language, targets: tuple[Language, ...], table: Mapping[str, Any]
) -> BuildSettings:
    values = dict(table)
    base = values.get("base_url", "")
    if base:
        if not base.startswith(("https://", "http://")):
            raise ConfigError(f"[build] base_url {base!r} must be an absolute http(s) URL", path=str(path))
        values["base_url"] = base if base.endswith("/") else base + "/"
    declared: list[str] = []
    for tag in values.get("alternate_languages", []):
        if not isinstance(tag, str):
            raise ConfigError("[build] alternate_languages must be a list of language tags", path=str(path))
        try:
            chosen = language(tag).tag
        except LanguageError as exc:
            raise LanguageError(exc.message, path=str(path)) from None
        if chosen == source.tag or any(t.tag == chosen for t in targets):
            raise ConfigError(
                f"[build] alternate_languages lists {chosen!r}, which this project builds itself", path=str(path))
        declared.append(chosen)
    values["alternate_languages"] = tuple(declared)
    return BuildSettings(**values)


def _check_template(path: Path, name: str, template: str, fields: tuple[str, ...]) -> None:
    """Fail now, not at build time, when a URL template uses a field that does not exist."""
    try:
        template.format(**dict.fromkeys(fields, "x"))
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
        known = ", ".join("{" + field + "}" for field in fields)
        raise ConfigError(
            f"[build] {name} {template!r} is not a valid template ({type(exc).__name__}: {exc}); "
            f"it may use {known}",
            path=str(path),
        ) from None


def _validate(path: Path, data: Mapping[str, Any]) -> None:
    for table, values in data.items():
        schema = _SCHEMA.get(table)
        if schema is None:
            raise ConfigError(f"unknown table [{table}] (known: {', '.join(_SCHEMA)})", path=str(path))
        if not isinstance(values, dict):
            raise ConfigError(f"{table} must be a table: [{table}]", path=str(path))
        if table == "checks":
            continue
        for key, value in values.items():
            expected = schema.get(key)
            if expected is None:
                raise ConfigError(f"unknown setting {key!r} in [{table}]", path=str(path))
            if not isinstance(value, expected) or isinstance(value, bool) and expected is not bool:
                raise ConfigError(f"[{table}] {key} has the wrong type ({type(value).__name__})", path=str(path))
    targets = data.get("project", {}).get("target_languages", [])
    if not all(isinstance(t, str) for t in targets):
        raise ConfigError("[project] target_languages must be a list of language tags", path=str(path))
