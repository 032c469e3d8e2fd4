"""The exception tree of translate-flow.

Every error the library raises on purpose derives from :class:`TranslateFlowError`,
so callers (and the command line) can catch one class. Each message is one line that
says what is wrong and, where it can, what to do about it.
"""

from __future__ import annotations

__all__ = [
    "CatalogError",
    "ConfigError",
    "HtmlError",
    "InputError",
    "LanguageError",
    "ModelError",
    "ModelNotFound",
    "NetworkError",
    "PackageError",
    "ProjectLocked",
    "TranslateFlowError",
]


class TranslateFlowError(Exception):
    """Base class of every error translate-flow raises deliberately."""


class InputError(TranslateFlowError):
    """A file the user pointed at is missing, unreadable or of the wrong kind."""


class HtmlError(InputError):
    """A source page is not HTML or cannot be decoded."""


class CatalogError(InputError):
    """A ``.po`` or ``.pot`` file cannot be parsed."""


class ConfigError(TranslateFlowError):
    """The project configuration is missing or invalid."""


class LanguageError(ConfigError):
    """A language code is not a known BCP 47 / CLDR locale."""


class ModelError(TranslateFlowError):
    """A translation model cannot be found, fetched, installed or loaded."""


class ModelNotFound(ModelError):
    """No installed or configured model covers a language pair."""


class PackageError(ModelError):
    """A model package is corrupt, incomplete or unsafe; nothing of it was installed."""


class NetworkError(ModelError):
    """The package index or a download could not be reached in time."""


class ProjectLocked(TranslateFlowError):
    """Another run holds the project's lock."""
