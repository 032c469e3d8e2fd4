"""What the checks report, and which checks a project runs at which severity.

This module knows the checks by name only (:data:`DEFAULT_SEVERITY`), not their code, so
the configuration reads a ``[checks]`` table without importing the checks themselves;
:mod:`translate_flow.check` holds the functions and refuses to load when its registry
and this table disagree.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, Protocol

from .errors import ConfigError

__all__ = [
    "DEFAULT_SEVERITY",
    "SEVERITIES",
    "CheckSettings",
    "Finding",
    "Rated",
    "Severity",
    "minor",
]

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
_MINOR: Mapping[Severity, Severity] = {"error": "warning", "warning": "info", "info": "info"}

# Every check's stable name and default severity, in the order the checks run.
DEFAULT_SEVERITY: Mapping[str, Severity] = MappingProxyType({
    "tags": "error",
    "markup": "error",
    "numbers": "error",
    "urls": "error",
    "untranslated": "warning",
    "wrong-script": "error",
    "repetition": "warning",
    "length-ratio": "warning",
    "whitespace": "warning",
    "end-punctuation": "warning",
    "doubled-words": "warning",
    "term-missing": "warning",
    "forbidden-variant": "error",
    "name-altered": "error",
    "spelling": "info",
})


def minor(severity: Severity) -> Severity:
    """The severity one step below *severity* (info stays info): a minor problem's."""
    return _MINOR[severity]


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a translation: which check found it, how bad it is, and a
    one-line message that quotes the offending text and says what to do about it."""

    check: str
    severity: Severity
    message: str


class Rated(Protocol):
    """A check as settings see it: its name and its default severity."""

    @property
    def name(self) -> str: ...

    @property
    def default_severity(self) -> Severity: ...


@dataclass(frozen=True)
class CheckSettings:
    """A project's choices: which checks run and at what severity. A check not mentioned
    runs at its default severity."""

    enabled: Mapping[str, bool] = field(default_factory=dict)
    severity: Mapping[str, Severity] = field(default_factory=dict)

    def is_enabled(self, name: str) -> bool:
        """Whether the check *name* runs."""
        return self.enabled.get(name, True)

    def severity_of(self, check: Rated) -> Severity:
        """The severity of *check*'s findings (minor ones are one step below)."""
        return self.severity.get(check.name, check.default_severity)

    @classmethod
    def from_table(
        cls, table: Mapping[str, object], known: Mapping[str, Severity] = DEFAULT_SEVERITY
    ) -> CheckSettings:
        """Read a ``[checks]`` table: each key a check name of *known*, each value ``true``
        / ``false``, a severity (``"error"``, ``"warning"``, ``"info"``, which also turns
        the check on) or a table with ``enabled`` and ``severity``. Raise
        :class:`ConfigError` with a one-line message for an unknown check name or a bad
        value."""
        names = list(known)
        enabled: dict[str, bool] = {}
        severity: dict[str, Severity] = {}
        for name, value in table.items():
            if name not in known:
                close = difflib.get_close_matches(str(name), names, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ConfigError(f"[checks] unknown check {name!r}{hint}; known checks: {', '.join(names)}")
            if isinstance(value, bool):
                enabled[name] = value
            elif isinstance(value, str):
                enabled[name] = True
                severity[name] = _severity(name, value)
            elif isinstance(value, Mapping):
                for key, item in value.items():
                    if key == "enabled":
                        if not isinstance(item, bool):
                            raise ConfigError(f"[checks.{name}] enabled must be true or false, not {item!r}")
                        enabled[name] = item
                    elif key == "severity":
                        severity[name] = _severity(name, item)
                    else:
                        raise ConfigError(f"[checks.{name}] unknown key {key!r}; use enabled and severity")
            else:
                raise ConfigError(
                    f"[checks] {name} must be true, false, a severity ({', '.join(SEVERITIES)}) "
                    f"or a table with enabled and severity, not {value!r}")
        return cls(MappingProxyType(enabled), MappingProxyType(severity))


def _severity(name: str, value: object) -> Severity:
    for severity in SEVERITIES:
        if value == severity:
            return severity
    raise ConfigError(f"[checks] severity of {name} must be one of {', '.join(SEVERITIES)}, not {value!r}")
