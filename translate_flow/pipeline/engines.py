"""Which engine translates a language pair, each model loaded once.

:func:`translate <translate_flow.pipeline.translate>` and :func:`run
<translate_flow.pipeline.run>` take an :class:`EngineFactory`, as an HTTP client takes a
transport: :class:`ModelEngines` finds the configured or installed model for each pair;
a test or a benchmark passes its own (a warm model, a recorder) without patching anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from .. import models
from ..config import Config
from ..errors import ModelNotFound
from ..languages import Language, argos_code
from ..languages import language as language_of
from ..translate import DecodeOptions, Engine, ModelSpec, PivotEngine, PseudoEngine, Translator

__all__ = ["EngineFactory", "Loader", "ModelEngines"]

Loader = Callable[[ModelSpec, DecodeOptions], Engine]


class EngineFactory(Protocol):
    """Gives the engine that translates the project's source language into a target."""

    def get(self, language: Language) -> Engine:
        """The engine for source -> *language*; :class:`ModelNotFound` says what to do."""


class ModelEngines:
    """Engines by language pair from the configuration and the installed packages.

    *engine* chooses among ``auto`` (a configured pair model, else an Argos package),
    ``argos``, ``ct2`` and ``pseudo``; *load* turns a model on disk into an engine (a
    loaded :class:`Translator` by default). Each model is loaded once.
    """

    def __init__(
        self, config: Config, decode: DecodeOptions, *, engine: str | None = None, load: Loader = Translator
    ) -> None:
        self.config = config
        self.decode = decode
        self.choice = engine or config.translate.engine
        self.load = load
        self.loaded: dict[ModelSpec, Engine] = {}

    def get(self, language: Language) -> Engine:
        """The engine for source -> *language*; :class:`ModelNotFound` says what to do."""
        if self.choice == "pseudo":
            return PseudoEngine(language.tag, self.config.source.tag)
        source = self.config.source
        spec = self._spec(source, language)
        if spec is not None:
            return self._load(spec)
        pivot_tag = self.config.models.pivot
        if pivot_tag and pivot_tag not in (source.tag, language.tag) and self.choice != "ct2":
            pivot = language_of(pivot_tag)
            first, second = self._spec(source, pivot), self._spec(pivot, language)
            if first is not None and second is not None:
                return PivotEngine(self._load(first), self._load(second), pivot.tag)
        sources = models.PackageSources.of(self.config.models)
        raise ModelNotFound(models.missing_model(
            source.tag, language.tag, installed=sources.installed()[0], index=sources.known_index(),
            index_name=sources.index_name, packages_dir=sources.packages_dir, pivot=sources.pivot,
            argos=self.choice != "ct2",
        ))

    def _spec(self, source: Language, target: Language) -> ModelSpec | None:
        pairs = self.config.models.pairs
        configured = pairs.get(f"{source.tag}-{target.tag}") or pairs.get(f"{source.primary}-{target.primary}")
        if configured is not None and self.choice in ("auto", "ct2"):
            return ModelSpec(
                name=configured.name,
                version=configured.version,
                engine="ct2",
                model_dir=configured.path,
                source_sentencepiece=configured.sentencepiece,
                target_sentencepiece=configured.target_sentencepiece,
                source_prefix=tuple(t for t in (configured.source_token, configured.source_prefix) if t),
                target_prefix=(configured.target_token,) if configured.target_token else (),
                add_end_token=configured.add_end_token,
                max_input_tokens=configured.max_input_tokens or self.config.translate.max_input_tokens,
            )
        if self.choice not in ("auto", "argos"):
            return None
        packages_dir = models.default_packages_dir(self.config.models.packages_dir)
        package = models.find_installed(packages_dir, argos_code(source), argos_code(target))
        if package is None or package.path is None:
            return None
        return ModelSpec(
            name=f"translate-{package.from_code}_{package.to_code}",
            version=package.package_version,
            engine="argos",
            model_dir=package.path / "model",
            source_sentencepiece=package.path / "sentencepiece.model",
            target_sentencepiece=package.path / "sentencepiece.model",
            max_input_tokens=self.config.translate.max_input_tokens,
        )

    def _load(self, spec: ModelSpec) -> Engine:
        if spec not in self.loaded:
            self.loaded[spec] = self.load(spec, self.decode)
        return self.loaded[spec]
