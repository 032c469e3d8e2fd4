"""translate-flow: offline translation and localisation of HTML articles.

HTML pages are split into sentence segments, stored in gettext catalogs that translators
review, and reassembled as localized pages. The stages are plain functions over frozen
dataclasses; :mod:`translate_flow.pipeline` runs them over a project on disk.
"""

from .errors import (
    CatalogError,
    ConfigError,
    HtmlError,
    InputError,
    LanguageError,
    TranslateFlowError,
)

__version__ = "0.1.0"

__all__ = [
    "CatalogError",
    "ConfigError",
    "HtmlError",
    "InputError",
    "LanguageError",
    "TranslateFlowError",
    "__version__",
]
