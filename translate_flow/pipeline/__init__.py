"""The pipeline: the commands run over a project on disk, one module per command.

======================  =====================================================================
module                  command
======================  =====================================================================
``extraction``          ``extract``: pages into templates, templates into catalogs
``translation``         ``translate``: memory, then machine translation, into the catalogs
``engines``             which engine translates a pair (pass your own to translate or run)
``checking``            ``check``: quality checks, into the catalogs and reports
``publishing``          ``build``: localized pages from the pages and the catalogs
``statistics``          ``stats``: how far each catalog is
``approval``            ``approve``: an editor's approval of reviewed entries
``measuring``           ``stats --quality``: how much reviewers changed the machine output
``tm``                  ``tm export`` and ``tm import``: the translation memory as TMX
``runner``, ``state``   ``run``: the whole job, incremental and locked
======================  =====================================================================

Where files live, and reading and writing them, is :mod:`translate_flow.project`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import Problem
from ..lazy import lazy_getattr

if TYPE_CHECKING:  # imported when first used: a command loads only the modules it runs
    from ..project import STATE_DIR, Article, WriteResult, articles
    from .approval import Approval, approve
    from .checking import CheckReport, check
    from .engines import EngineFactory, Loader, ModelEngines
    from .extraction import ExtractReport, extract
    from .publishing import BuildReport, BuiltPage, build
    from .measuring import ModelQuality, QualityReport, quality
    from .runner import RunOptions, RunReport, run
    from .state import project_lock
    from .statistics import CatalogStats, stats
    from .tm import export_memory, import_memory
    from .translation import LanguageRun, TranslateOptions, TranslateReport, decode_options, translate

# Where each name lives; a command line that runs `extract` never imports the translator.
__getattr__ = lazy_getattr(__name__, {
    "..project": ("STATE_DIR", "Article", "WriteResult", "articles"),
    ".approval": ("Approval", "approve"),
    ".checking": ("CheckReport", "check"),
    ".engines": ("EngineFactory", "Loader", "ModelEngines"),
    ".extraction": ("ExtractReport", "extract"),
    ".publishing": ("BuildReport", "BuiltPage", "build"),
    ".measuring": ("ModelQuality", "QualityReport", "quality"),
    ".runner": ("RunOptions", "RunReport", "run"),
    ".state": ("project_lock",),
    ".statistics": ("CatalogStats", "stats"),
    ".tm": ("export_memory", "import_memory"),
    ".translation": ("LanguageRun", "TranslateOptions", "TranslateReport", "decode_options", "translate"),
}, globals())

__all__ = [
    "STATE_DIR",
    "Approval",
    "Article",
    "BuildReport",
    "BuiltPage",
    "CatalogStats",
    "CheckReport",
    "EngineFactory",
    "ExtractReport",
    "LanguageRun",
    "Loader",
    "ModelEngines",
    "ModelQuality",
    "Problem",
    "QualityReport",
    "RunOptions",
    "RunReport",
    "TranslateOptions",
    "TranslateReport",
    "WriteResult",
    "approve",
    "articles",
    "build",
    "check",
    "decode_options",
    "export_memory",
    "extract",
    "import_memory",
    "project_lock",
    "quality",
    "run",
    "stats",
    "translate",
]
