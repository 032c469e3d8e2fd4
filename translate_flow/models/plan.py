"""Planning which Argos packages translate a project's language pairs.

For each pair the plan is a direct package, two packages through a pivot language, or
no Argos route at all, with a message that says how to configure another CTranslate2
model (such as NLLB-200) instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from ..languages import argos_code, language
from .packages import PackageInfo, for_pair, newest

__all__ = ["PairPlan", "missing_model", "plan_pairs"]


# NLLB-200 language tokens, for telling users how to cover a pair Argos lacks.
_NLLB_CODES: Final[dict[str, str]] = {
    "ar": "arb_Arab", "az": "azj_Latn", "be": "bel_Cyrl", "de": "deu_Latn",
    "en": "eng_Latn", "es": "spa_Latn", "fa": "pes_Arab", "fr": "fra_Latn",
    "hy": "hye_Armn", "it": "ita_Latn", "ja": "jpn_Jpan", "ka": "kat_Geor",
    "kk": "kaz_Cyrl", "ko": "kor_Hang", "ky": "kir_Cyrl", "mn": "khk_Cyrl",
    "pl": "pol_Latn", "pt": "por_Latn", "ru": "rus_Cyrl", "tg": "tgk_Cyrl",
    "tk": "tuk_Latn", "tr": "tur_Latn", "tt": "tat_Cyrl", "ug": "uig_Arab",
    "uk": "ukr_Cyrl", "uz": "uzn_Latn", "zh-Hans": "zho_Hans", "zh-Hant": "zho_Hant",
}


@dataclass(frozen=True)
class PairPlan:
    """How one language pair will be translated.

    ``route`` is ``"direct"`` (one package), ``"pivot"`` (source to pivot, pivot to
    target: two packages) or ``"uncovered"`` (no Argos package; ``message`` says how to
    configure another CTranslate2 model). ``packages`` are index entries where they still
    have to be installed and installed packages otherwise.
    """

    source: str  # BCP 47, as configured
    target: str
    from_code: str  # Argos codes
    to_code: str
    route: Literal["direct", "pivot", "uncovered"]
    packages: tuple[PackageInfo, ...]
    message: str
    pivot: str | None = None  # Argos code of the pivot language for route "pivot"

    @property
    def covered(self) -> bool:
        """Whether some Argos package route exists for the pair."""
        return self.route != "uncovered"

    @property
    def to_install(self) -> tuple[PackageInfo, ...]:
        """The packages of the route that are not installed yet."""
        return tuple(package for package in self.packages if not package.installed)

    @property
    def ready(self) -> bool:
        """Whether the pair can be translated with what is installed now."""
        return self.covered and not self.to_install


def plan_pairs(
    source: str,
    targets: Sequence[str],
    available: Sequence[PackageInfo],
    installed: Sequence[PackageInfo],
    pivot: str | None = "en",
) -> list[PairPlan]:
    """Plan how to translate *source* into each of *targets* (BCP 47 tags) with Argos.

    For each target, in order: a direct package (installed first, else the newest in
    *available*), else two packages through *pivot* (an Argos code; None disables
    pivoting), else an uncovered plan whose message says how to configure another
    CTranslate2 model (such as NLLB-200) for the pair in translate-flow.toml. Raises
    :class:`~translate_flow.errors.LanguageError` for a tag that is not a language.
    """
    source_language = language(source)
    from_code = argos_code(source_language)
    plans: list[PairPlan] = []
    for target in targets:
        target_language = language(target)
        to_code = argos_code(target_language)
        plans.append(
            _plan_pair(
                source_language.tag, target_language.tag, from_code, to_code,
                available, installed, pivot,
            )
        )
    return plans


def _plan_pair(
    source: str,
    target: str,
    from_code: str,
    to_code: str,
    available: Sequence[PackageInfo],
    installed: Sequence[PackageInfo],
    pivot: str | None,
) -> PairPlan:
    def best(a: str, b: str) -> PackageInfo | None:
        return newest(for_pair(installed, a, b)) or newest(for_pair(available, a, b))

    label = f"{source} -> {target}"
    if from_code == to_code:
        return PairPlan(
            source, target, from_code, to_code, "uncovered", (),
            f"{label}: both are Argos language {from_code!r}, so no Argos package applies; "
            + _configure_hint(source, target),
        )
    direct = best(from_code, to_code)
    if direct is not None:
        return PairPlan(
            source, target, from_code, to_code, "direct", (direct,),
            f"{label}: {_state(direct)}",
        )
    can_pivot = pivot is not None and pivot not in (from_code, to_code)
    if pivot is not None and can_pivot:
        first, second = best(from_code, pivot), best(pivot, to_code)
        if first is not None and second is not None:
            return PairPlan(
                source, target, from_code, to_code, "pivot", (first, second),
                f"{label}: through {pivot}, {_state(first)} and {_state(second)}",
                pivot=pivot,
            )
    through = f" or through {pivot}" if can_pivot else ""
    return PairPlan(
        source, target, from_code, to_code, "uncovered", (),
        f"{label}: no Argos Translate package covers {from_code} -> {to_code} directly"
        f"{through}; {_configure_hint(source, target)}",
    )


def _state(package: PackageInfo) -> str:
    if package.installed:
        return f"{package.describe()} (installed)"
    return f"{package.describe()} (to install from the package index)"


def missing_model(
    source: str,
    target: str,
    *,
    installed: Sequence[PackageInfo],
    index: Sequence[PackageInfo] | None,
    index_name: str,
    packages_dir: Path,
    pivot: str | None = "en",
    argos: bool = True,
) -> str:
    """One line: why no model translates *source* into *target* (BCP 47) and what to do.

    What it says about Argos packages rests on *index*, the package index as known (None:
    never fetched, so nothing is claimed about it); with *argos* false only a configured
    CTranslate2 model could serve, so only that is suggested.
    """
    lead = f"no model translates {source} to {target}"
    if not argos:
        return f"{lead}: translate-flow.toml configures no CTranslate2 model for it; {_configure_hint(source, target)}"
    plan = plan_pairs(source, [target], index or (), installed, pivot)[0]
    argos_pair = f"{plan.from_code} -> {plan.to_code}"
    if plan.from_code == plan.to_code:
        return f"{lead}: {plan.message.split(': ', 1)[1]}"
    if index is None:
        return (
            f"{lead}: no Argos package for {argos_pair} is installed in {packages_dir}; run "
            "`translate-flow models install --for-project` to install one if the package index has it, "
            f"or {_configure_hint(source, target)}"
        )
    if plan.covered:
        route = " and ".join(_state(package) for package in plan.packages)
        through = f", through {plan.pivot}" if plan.pivot else ""
        return f"{lead} yet: it takes {route}{through}; run `translate-flow models install --for-project`"
    can_pivot = pivot is not None and pivot not in (plan.from_code, plan.to_code)
    through = f", directly or through {pivot}" if can_pivot else ""
    return (
        f"{lead}: the package index ({index_name}) has no Argos package for {argos_pair}{through}; "
        f"{_configure_hint(source, target)}"
    )


def _configure_hint(source_tag: str, target_tag: str) -> str:
    source_token, target_token = _nllb_code(source_tag), _nllb_code(target_tag)
    tokens = (
        f'source_token "{source_token}" and target_token "{target_token}"' if source_token and target_token
        else "its source_token and target_token"
    )
    return (
        "configure another CTranslate2 model, such as an OPUS-MT or NLLB-200 model converted with "
        f'ct2-transformers-converter, in translate-flow.toml under [models.pairs."{source_tag}-{target_tag}"] '
        f"(path and sentencepiece; for NLLB-200 also {tokens})"
    )


def _nllb_code(tag: str) -> str | None:
    return _NLLB_CODES.get(tag) or _NLLB_CODES.get(tag.split("-", 1)[0])
