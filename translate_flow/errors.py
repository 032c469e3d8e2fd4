"""The exception tree of translate-flow, and the one problem type the command line reports.

Every error the library raises on purpose derives from :class:`TranslateFlowError`, so
callers (and the command line) can catch one class. Each message is one line that says
what is wrong and, where it can, what to do about it. Where the error is in a file, the
file and line travel as attributes (:attr:`TranslateFlowError.path`,
:attr:`TranslateFlowError.line`), and ``str()`` shows them the way editors and compilers
do: ``path:line: message``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
    "Problem",
    "ProblemKind",
    "ProjectLocked",
    "TranslateFlowError",
    "UsageError",
]


class TranslateFlowError(Exception):
    """Base class of every error translate-flow raises deliberately.

    *message* says what is wrong without naming the file; *path* (as shown to the user)
    and *line* (1-based, 0 when unknown) say where, when the error is in a file.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross process boundaries (extract and build fork workers): keep the location.
        return (_rebuild, (type(self), self.message, self.path, self.line))


def _rebuild(kind: type[TranslateFlowError], message: str, path: str | None, line: int) -> TranslateFlowError:
    return kind(message, path=path, line=line)


class UsageError(TranslateFlowError):
    """The command line was used in a way that cannot work (exit code 2)."""


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


ProblemKind = Literal["input", "finding"]


@dataclass(frozen=True)
class Problem:
    """Something that stopped one article, catalog or language while the others went on.

    ``kind`` is ``"input"`` when a file or model could not be used, ``"finding"`` when a
    result needs a person's look (a translation the build rejected).
    """

    path: str
    message: str
    line: int = 0
    kind: ProblemKind = "input"

    @classmethod
    def of(cls, error: TranslateFlowError, path: str) -> Problem:
        """The problem *error* means for the file *path*; the error's own location wins."""
        return cls(error.path or path, error.message, error.line)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"
