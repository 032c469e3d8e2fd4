"""Package attributes imported when first used, so a command loads only what it runs."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["homes", "lazy_getattr"]


def homes(table: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """``{module: names}`` turned around: where each name lives."""
    return {name: module for module, names in table.items() for name in names}


def lazy_getattr(package: str, where: Mapping[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for *package*: a name of *where* is imported from its module
    (relative to the package) on first use and kept in *namespace*, the package's globals."""

    def __getattr__(name: str) -> Any:
        home = where.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home, package), name)
        namespace[name] = value
        return value

    return __getattr__
