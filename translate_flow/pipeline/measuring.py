"""``stats --quality``: how much reviewers changed the machine output, per language and model.

A reviewed entry (translated, not fuzzy) whose extracted comment says it began as machine
output (``#. machine translation: <engine> score=… mt=<hash>``) is compared with that output:
unchanged when the msgstr still has the recorded hash, otherwise with the output the
machine-output cache keeps under ``.translate-flow/`` (found by the same hash). The edits
are measured with sacrebleu, machine output against the reviewed translation as the
reference, as post-editing is measured (HTER): chrF++ (100: nothing changed) and TER (the
edits per reference word, in percent; 0: nothing changed). Both read the text as its reader
sees it, numbered tags removed; "unchanged" is the msgstr as it is, tags and all.
sacrebleu is an optional dependency: ``pip install 'translate-flow[quality]'``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..cache import MachineCache
from ..catalog import MACHINE_PREFIX, Message, count_words
from ..check import plain_text
from ..config import Config
from ..errors import Problem, UsageError
from ..project import articles, catalog_path, open_catalog, state_path, targets
from ..textrules import script_of
from ..translate import output_hash

__all__ = ["MISSING_SACREBLEU", "ModelQuality", "QualityReport", "quality"]

MISSING_SACREBLEU = "measuring reviewers' edits needs sacrebleu: pip install 'translate-flow[quality]'"

# The provenance comment translation.provenance writes: the engine, a pivot, the score, the hash.
_PROVENANCE = re.compile(
    rf"^{re.escape(MACHINE_PREFIX)} (?P<engine>.+?)(?: via \S+)? score=\S+ mt=(?P<hash>[0-9a-f]{{6,64}})$"
)
# Scripts TER must cut into characters, as they have no spaces between words.
_UNSPACED_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan", "Kore"})


@dataclass(frozen=True)
class ModelQuality:
    """What reviewers did to one model's output in one language."""

    language: str
    engine: str  # the provenance the catalogs give: "argos translate-en_ru 1.9"
    reviewed: int  # reviewed entries that began as this model's output
    unchanged: int  # of them, accepted exactly as the model wrote them
    measured: int  # of them, those whose machine output is known (unchanged, or in the cache)
    words: int  # source words of the measured entries
    chrf: float | None  # chrF++ of the machine output against the reviewed text; None: nothing measured
    ter: float | None  # TER in percent: edits per word of the reviewed text

    @property
    def unchanged_share(self) -> float:
        """Percent of the reviewed entries accepted unchanged (0 when there are none)."""
        return 100.0 * self.unchanged / self.reviewed if self.reviewed else 0.0

    @property
    def missing(self) -> int:
        """Reviewed entries whose machine output the cache no longer holds: not measured."""
        return self.reviewed - self.measured


@dataclass(frozen=True)
class QualityReport:
    """Reviewers' edits per language and model, and the catalogs that could not be read."""

    models: tuple[ModelQuality, ...] = ()
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    def by_language(self) -> dict[str, str]:
        """One line per language that has measured edits, for an overview: chrF++, TER and
        the share accepted unchanged, per model where a language had several."""
        lines: dict[str, list[str]] = {}
        for model in self.models:
            if model.chrf is None or model.ter is None:
                continue
            lines.setdefault(model.language, []).append(
                f"{model.engine}: " if sum(m.language == model.language for m in self.models) > 1 else ""
            )
            lines[model.language][-1] += (
                f"chrF++ {model.chrf:.1f}, TER {model.ter:.1f}, {model.unchanged_share:.0f}% unchanged"
            )
        return {language: "; ".join(parts) for language, parts in lines.items()}


@dataclass(frozen=True)
class _Edit:
    engine: str
    msgid: str
    reviewed: str
    recorded: str  # the hash of the machine output
    machine: str | None = None  # the machine output, once found


def quality(config: Config, *, only: Sequence[str] = (), languages: Sequence[str] = ()) -> QualityReport:
    """Measure, per language and engine, how much reviewers changed the machine output of
    the selected catalogs. Raise :class:`UsageError` when sacrebleu is not installed."""
    metrics = _metrics()
    chosen = targets(config, languages)
    edits: dict[str, list[_Edit]] = {}
    problems: list[Problem] = []
    for language in chosen:
        for article in articles(config, only):
            catalog = open_catalog(config, catalog_path(config, article, language))
            if isinstance(catalog, Problem):
                problems.append(catalog)
                continue
            edits.setdefault(language.tag, []).extend(_edits(catalog.active()))
    edits = _recover(config, edits)
    models: list[ModelQuality] = []
    for language in chosen:
        by_engine: dict[str, list[_Edit]] = {}
        for edit in edits.get(language.tag, ()):
            by_engine.setdefault(edit.engine, []).append(edit)
        unspaced = script_of(language.tag) in _UNSPACED_SCRIPTS
        models.extend(_measure(language.tag, engine, found, metrics, unspaced) for engine, found in sorted(by_engine.items()))
    return QualityReport(tuple(models), tuple(problems))


def _edits(messages: Iterable[Message]) -> Iterable[_Edit]:
    """The reviewed entries that began as machine output, with their output when unchanged."""
    for message in messages:
        if not message.reviewed:
            continue
        for comment in message.auto_comments:
            match = _PROVENANCE.match(comment)
            if match:
                recorded = match["hash"]
                same = output_hash(message.msgstr) == recorded
                yield _Edit(match["engine"], message.msgid, message.msgstr, recorded, message.msgstr if same else None)
                break


def _recover(config: Config, edits: Mapping[str, list[_Edit]]) -> dict[str, list[_Edit]]:
    """*edits* with the machine output of those that changed it, from the cache."""
    wanted = list(dict.fromkeys(e.msgid for found in edits.values() for e in found if e.machine is None))
    path = state_path(config, "machine.sqlite")
    if not wanted or not path.is_file():
        return dict(edits)  # no cache: only the unchanged entries are measured (never create one here)
    with MachineCache(path) as cache:
        outputs = cache.outputs(wanted)

    def recovered(edit: _Edit) -> _Edit:
        if edit.machine is not None:
            return edit
        for output in outputs.get(edit.msgid, ()):
            if output_hash(output.text) == edit.recorded:
                return replace(edit, machine=output.text)
        return edit

    return {tag: [recovered(e) for e in found] for tag, found in edits.items()}


def _measure(language: str, engine: str, edits: Sequence[_Edit], metrics: Any, unspaced: bool) -> ModelQuality:
    measured = [e for e in edits if e.machine is not None]
    unchanged = sum(1 for e in edits if e.machine == e.reviewed)
    words = sum(count_words(e.msgid) for e in measured)
    if not measured:
        return ModelQuality(language, engine, len(edits), unchanged, 0, 0, None, None)
    hypotheses = [" ".join(plain_text(e.machine or "").split()) for e in measured]
    references = [[" ".join(plain_text(e.reviewed).split()) for e in measured]]
    chrf = metrics.CHRF(word_order=2).corpus_score(hypotheses, references).score
    ter = metrics.TER(normalized=True, case_sensitive=True, asian_support=unspaced).corpus_score(
        hypotheses, references).score
    return ModelQuality(language, engine, len(edits), unchanged, len(measured), words, round(chrf, 2), round(ter, 2))


def _metrics() -> Any:
    """The sacrebleu.metrics module, or a one-line error saying how to install it."""
    try:
        from sacrebleu import metrics
    except ImportError:
        raise UsageError(MISSING_SACREBLEU) from None
    return metrics
