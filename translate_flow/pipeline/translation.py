"""``translate``: fill the catalogs' pending entries with proposals, marked fuzzy.

Per language, in four steps: collect the entries that need a translation, consult the
translation memory (reviewed translations are reused before any model is asked), run the
engine once over every distinct remaining text, and write the proposals into the
catalogs. Reviewed and person-edited entries are never touched.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..cache import MachineCache, digest
from ..catalog import (
    MACHINE_PREFIX, MEMORY_PREFIX, Catalog, Key, Message, Proposal, machine_comment, needs_translation, with_proposals,
)
from ..config import Config
from ..errors import ModelError, Problem
from ..glossary import Glossary
from ..languages import Language
from ..memory import TranslationMemory, Unit, parse_tmx, retag, signature
from ..progress import Progress
from ..project import (
    Article, WriteResult, articles, catalog_path, imported_memory_files, load_glossary, memory_index_path,
    open_catalog, shown, state_path, targets, write_catalog,
)
from ..fsio import read_bytes
from ..terms import GlossarySteering, TermMatcher
from ..translate import Advance, DecodeOptions, Engine, Steering, Terms, Translation, output_hash
from .engines import EngineFactory, ModelEngines

__all__ = ["LanguageRun", "TranslateOptions", "TranslateReport", "decode_options", "imported_memories", "translate"]


@dataclass(frozen=True)
class TranslateOptions:
    """Choices for one ``translate`` run, over the configuration's defaults."""

    engine: str | None = None  # "argos", "ct2", "pseudo"; None: the configuration's
    draft: bool = False  # beam size 1: fast first drafts
    device: str | None = None
    retranslate: bool = False  # replace untouched machine output too
    cache: bool = True  # reuse machine output stored under .translate-flow/
    threads: int | None = None  # CPU threads for the model; None: the configuration's


@dataclass(frozen=True)
class LanguageRun:
    """What ``translate`` did for one language."""

    language: str
    engine: str  # provenance of the model used, "" when nothing went to a model
    from_model: int = 0  # entries filled by the model
    from_memory: int = 0  # entries filled from reviewed translations elsewhere
    skipped: int = 0  # entries left alone: reviewed, or edited by a person
    unique: int = 0  # distinct texts the model translated (not found in the machine-output cache)
    unsure_tags: int = 0
    loops: int = 0
    seconds: float = 0.0
    # What the model could not do, one line each: variants it cannot write, texts it failed on.
    notes: tuple[str, ...] = ()
    waiting: int = 0  # entries left untranslated because no engine translates the language

    @property
    def without_engine(self) -> bool:
        """Whether entries of this language needed a model and none was there."""
        return self.waiting > 0


@dataclass(frozen=True)
class TranslateReport:
    """What ``translate`` did."""

    languages: tuple[LanguageRun, ...] = ()
    files: tuple[WriteResult, ...] = ()
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0

    @property
    def from_model(self) -> int:
        """Entries filled by a model, all languages."""
        return sum(run.from_model for run in self.languages)

    @property
    def without_engine(self) -> tuple[str, ...]:
        """The languages whose entries needed a model that is not there."""
        return tuple(run.language for run in self.languages if run.without_engine)

    @property
    def rate(self) -> float:
        """Distinct texts the model translated per second."""
        unique = sum(run.unique for run in self.languages)
        return unique / self.seconds if self.seconds else 0.0


def decode_options(config: Config, options: TranslateOptions) -> DecodeOptions:
    """How the model runs: the configuration's ``[translate]`` under this run's choices."""
    return DecodeOptions.from_settings(config.translate, draft=options.draft, device=options.device,
                                       threads=options.threads)


def translate(
    config: Config,
    *,
    only: Sequence[str] = (),
    languages: Sequence[str] = (),
    options: TranslateOptions = TranslateOptions(),
    progress: Progress | None = None,
    engines: EngineFactory | None = None,
    glossary: Glossary | None = None,
) -> TranslateReport:
    """Fill the catalogs' untranslated entries with machine translations, marked fuzzy.

    Per language, every pending entry of every selected catalog goes to the model in one
    batch (identical texts once); a reviewed translation of the same text in any catalog of
    the language is reused instead. *engines* gives the engine per language (by default
    the configured and installed models); *glossary* is the project's, when the caller has
    loaded it already.
    """
    started = time.perf_counter()
    chosen = articles(config, only)
    everything = articles(config)
    terms = glossary if glossary is not None else load_glossary(config)
    factory = engines if engines is not None else ModelEngines(config, decode_options(config, options),
                                                               engine=options.engine)
    runs: list[LanguageRun] = []
    files: list[WriteResult] = []
    problems: list[Problem] = []
    with ExitStack() as stack:
        cache = stack.enter_context(closing(MachineCache(state_path(config, "machine.sqlite")))) if options.cache else None
        memory = stack.enter_context(TranslationMemory(memory_index_path(config)))
        memory.refresh_tmx(imported_memories(config))
        for language in targets(config, languages):
            begun = time.perf_counter()
            pending = _collect(config, language, chosen, everything, memory, retranslate=options.retranslate)
            problems.extend(pending.problems)
            consulted = _consult_memory(config, language, pending, memory)
            machine = _MachineOutput()
            if consulted.to_model:
                try:
                    engine = factory.get(language)
                except ModelError as exc:
                    # One language without a model does not stop the others.
                    problems.append(Problem.of(exc, language.tag))
                    waiting = sum(len(messages) for messages in pending.entries.values())
                    runs.append(LanguageRun(language.tag, "", skipped=pending.skipped, waiting=waiting))
                    continue
                machine = _run_engine(engine, consulted.to_model, language, terms, config, cache, progress)
                _propose_machine_output(pending, consulted, machine.results)
            for path, proposals in consulted.proposals.items():
                if proposals:
                    files.append(write_catalog(path, with_proposals(pending.catalogs[path], proposals)))
            runs.append(LanguageRun(
                language.tag, machine.engine, consulted.from_model, consulted.from_memory, pending.skipped,
                machine.fresh, machine.unsure, machine.loops, time.perf_counter() - begun, machine.notes,
            ))
    return TranslateReport(tuple(runs), tuple(files), tuple(problems), time.perf_counter() - started)


# --- step 1: collect the entries that need a translation -----------------------------------


@dataclass
class _Pending:
    catalogs: dict[Path, Catalog] = field(default_factory=dict)  # every catalog of the language
    entries: dict[Path, list[Message]] = field(default_factory=dict)  # of the selected catalogs
    skipped: int = 0  # translated entries left alone
    problems: list[Problem] = field(default_factory=list)


def _collect(
    config: Config, language: Language, chosen: Sequence[Article], everything: Sequence[Article],
    memory: TranslationMemory, *, retranslate: bool,
) -> _Pending:
    """Read the language's catalogs, bring the memory up to date with them, and list the
    entries of the selected ones that need a translation."""
    pending = _Pending()
    for article in everything:
        path = catalog_path(config, article, language)
        catalog = open_catalog(config, path)
        if isinstance(catalog, Problem):
            if article in chosen:  # the other catalogs only lend their reviewed entries
                pending.problems.append(catalog)
            continue
        pending.catalogs[path] = catalog
    memory.refresh(language.tag, {
        shown(config, path): (*signature(path), _loaded(catalog)) for path, catalog in pending.catalogs.items()
    })
    for article in chosen:
        path = catalog_path(config, article, language)
        if path not in pending.catalogs:
            continue
        for message in pending.catalogs[path].active():
            if needs_translation(message, retranslate=retranslate, digest=output_hash):
                pending.entries.setdefault(path, []).append(message)
            elif message.msgstr:
                pending.skipped += 1
    return pending


def _loaded(catalog: Catalog) -> Callable[[], Catalog]:
    """A loader for a catalog already read."""
    return lambda: catalog


# --- step 2: consult the translation memory ------------------------------------------------


@dataclass
class _Consulted:
    proposals: dict[Path, dict[Key, Proposal]] = field(default_factory=dict)
    suggestions: dict[str, str] = field(default_factory=dict)  # msgid -> a close match, for a comment
    to_model: list[str] = field(default_factory=list)  # distinct msgids the memory has no answer for
    from_memory: int = 0
    from_model: int = 0


def _consult_memory(config: Config, language: Language, pending: _Pending, memory: TranslationMemory) -> _Consulted:
    """Reviewed translations of the same text, or close enough to start from, before any model."""
    settings = config.translate
    consulted = _Consulted(proposals={path: {} for path in pending.entries})
    to_model: dict[str, None] = {}
    for path, messages in pending.entries.items():
        for message in messages:
            exact = memory.exact(language.tag, message.msgctxt, message.msgid)
            if exact is not None:
                consulted.proposals[path][message.key] = Proposal(
                    exact.target, (f"{MEMORY_PREFIX} reviewed translation in {exact.origin}",))
                consulted.from_memory += 1
                continue
            close = memory.fuzzy(language.tag, message.msgid, threshold=settings.memory_suggest, limit=1)
            retagged = retag(close[0].source, close[0].target, message.msgid) if close else None
            if close and retagged is not None and close[0].score >= settings.memory_accept:
                consulted.proposals[path][message.key] = Proposal(retagged, (
                    f"{MEMORY_PREFIX} {close[0].percent}% match in {close[0].origin}, for "
                    f"\u201c{close[0].source}\u201d; check the differences",))
                consulted.from_memory += 1
                continue
            if close:
                consulted.suggestions[message.msgid] = (
                    f"{MEMORY_PREFIX} {close[0].percent}% match in {close[0].origin}: "
                    f"\u201c{close[0].source}\u201d \u2192 \u201c{close[0].target}\u201d"
                )
            to_model[message.msgid] = None
    consulted.to_model = list(to_model)
    return consulted


# --- step 3: run the engine ----------------------------------------------------------------


@dataclass(frozen=True)
class _MachineOutput:
    results: dict[str, Translation] = field(default_factory=dict)  # by msgid
    engine: str = ""  # provenance of the output
    fresh: int = 0  # texts the model translated now (not found in the cache)
    unsure: int = 0
    loops: int = 0
    notes: tuple[str, ...] = ()


def _run_engine(
    engine: Engine, msgids: Sequence[str], language: Language, glossary: Glossary, config: Config,
    cache: MachineCache | None, progress: Progress | None,
) -> _MachineOutput:
    """Machine output for every msgid: from the cache where the same engine, terms and
    glossary gave it before, from the engine otherwise (stored before any catalog is
    written, so a run stopped halfway resumes with this output)."""
    total = len(msgids)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(language.tag, min(done, total), total)

    if progress is not None:
        progress(language.tag, 0, total)
    steering = GlossarySteering(TermMatcher(glossary, config.source, language), glossary, language)
    protected = glossary.protected(language)
    steering_terms = [(t.source, t.rendering(language)) for t in glossary.terms if t.kind == "term"]
    context = digest(engine.identity, protected, steering.variants, steering_terms)
    results = cache.get(context, msgids) if cache is not None else {}
    fresh = [m for m in msgids if m not in results]
    done = total - len(fresh)  # the bar moves on from what the cache had
    failed: list[Translation] = []
    for part in (_parts(engine, fresh, protected, advance, steering) if fresh else ()):
        if cache is not None:  # a text the model failed on is tried again next run
            cache.put(context, [r for r in part if r.text])
        results.update((r.msgid, r) for r in part if r.text)
        failed.extend(r for r in part if not r.text)
    # A Translator says what its vocabulary could not do for this glossary.
    notes = (*getattr(engine, "limits", ()), *_failures(failed)) if fresh else ()
    if not fresh and progress is not None:
        progress(language.tag, total, total)
    return _MachineOutput(
        results, next(iter(results.values())).engine if results else "", len(fresh),
        sum(1 for r in results.values() if r.unsure_tags), sum(1 for r in results.values() if r.loop), notes,
    )


def _failures(failed: Iterable[Translation]) -> tuple[str, ...]:
    """One note per reason the model gave, with how many texts it left untranslated."""
    reasons: dict[str, int] = {}
    for result in failed:
        for note in result.notes:
            reasons[note] = reasons.get(note, 0) + 1
    return tuple(f"{count} \u00d7 {note}" if count > 1 else note for note, count in reasons.items())


@runtime_checkable
class ShardedEngine(Engine, Protocol):
    """An engine whose output comes in parts (a cluster's shards), each stored as it arrives."""

    def shards(
        self, msgids: Sequence[str], terms: Terms = (), progress: Advance | None = None,
        steering: Steering | None = None,
    ) -> Iterator[Sequence[Translation]]:
        """The translations of *msgids*, a part at a time, in the order the parts finish."""


def _parts(
    engine: Engine, msgids: Sequence[str], terms: Terms, progress: Advance, steering: Steering,
) -> Iterable[Sequence[Translation]]:
    """The engine's output in the parts it comes in: shards for a sharded engine (so that a
    run stopped halfway keeps the shards done), the whole otherwise."""
    if isinstance(engine, ShardedEngine):
        return engine.shards(msgids, terms, progress, steering)
    return (engine.translate(msgids, terms, progress, steering),)


# --- step 4: the proposals -----------------------------------------------------------------


def _propose_machine_output(pending: _Pending, consulted: _Consulted, results: dict[str, Translation]) -> None:
    for path, messages in pending.entries.items():
        for message in messages:
            result = results.get(message.msgid)
            if result is None or message.key in consulted.proposals[path]:
                continue
            hint = (consulted.suggestions[message.msgid],) if message.msgid in consulted.suggestions else ()
            consulted.proposals[path][message.key] = Proposal(result.text, provenance(result) + hint)
            consulted.from_model += 1


def provenance(result: Translation) -> tuple[str, ...]:
    """The extracted comments that say where machine output came from and what to check."""
    via = f" via {result.via}" if result.via else ""
    comments = [machine_comment(f"{result.engine}{via} score={result.score:.2f}", output_hash(result.text))]
    if result.glossary_choice:
        comments.append(
            f"{MACHINE_PREFIX} the glossary chose hypothesis {result.glossary_choice} of {result.hypotheses}"
        )
    if result.unsure_tags:
        tags = ", ".join(f"<{t}>" for t in result.unsure_tags)
        comments.append(f"{MACHINE_PREFIX} check the tags {tags}: placed without a clear alignment")
    if result.loop:
        comments.append(f"{MACHINE_PREFIX} the output repeats itself (\u201c{result.loop}\u201d); check it")
    comments.extend(f"{MACHINE_PREFIX} {note}" for note in result.notes)
    return tuple(comments)


def imported_memories(config: Config) -> dict[str, tuple[int, int, Callable[[], list[Unit]]]]:
    """The TMX files imported into the project, as sources for the memory's index."""
    sources: dict[str, tuple[int, int, Callable[[], list[Unit]]]] = {}
    for path in imported_memory_files(config):
        where = shown(config, path)

        def load(path: Path = path, where: str = where) -> list[Unit]:
            return parse_tmx(read_bytes(path, where), where, source_language=config.source.tag,
                             languages=[t.tag for t in config.targets])

        sources[where] = (*signature(path), load)
    return sources
