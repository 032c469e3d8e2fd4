"""The package's layering: each module imports only from its own layer or those below.

docs/architecture.md draws the same layers; a new module gets a row here, and an import
that goes up a layer fails this test instead of tangling the package.
"""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "translate_flow"

LAYERS: dict[str, int] = {
    # foundation: no stage, no file layout
    "__init__": 0, "errors": 0, "lazy": 0,
    "fsio": 1, "languages": 1, "textrules": 1, "policy": 1, "xmlsafe": 1, "progress": 1, "findings": 1,
    "htmldoc": 1, "dates": 1,
    "markup": 2, "config": 2,
    # stages: plain functions over loaded data
    "alignment": 3, "pseudo": 3, "protect": 3, "segment": 3, "slots": 3, "assemble": 3, "catalog": 3, "glossary": 3,
    "terms": 3, "check": 3, "translate": 3, "cache": 3, "memory": 3, "models": 3, "reports": 3,
    # the project on disk, the commands over it, the command line
    "project": 4,
    "pipeline": 5,
    # the review page, over the commands; the command line starts it
    "review": 6,
    "cli": 7, "__main__": 7,
}

# Within a layer a module may use another, but these never may, whatever their layers.
FORBIDDEN = {
    "catalog": {"segment", "htmldoc", "markup", "policy", "assemble"},  # the catalog model knows no HTML
    "config": {"check"},  # configuration knows the checks by name only (findings)
    "findings": {"check"},
}


def _imports(path: Path) -> set[str]:
    """The top-level translate_flow modules *path* imports."""
    relative = path.relative_to(PACKAGE)
    folders = list(relative.parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = folders[: len(folders) - (node.level - 1)]
            target = base + [part for part in (node.module or "").split(".") if part]
            if target:
                found.add(target[0].removesuffix(".py"))
            else:  # "from . import x" at the package's top
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("translate_flow."))
    return {"__init__" if name == "__version__" else name for name in found}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _top(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def test_every_module_has_a_layer() -> None:
    assert {_top(path) for path in _modules()} == set(LAYERS)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_imports_from_a_layer_above_its_own(path: Path) -> None:
    owner = _top(path)
    for imported in _imports(path) - {owner}:
        assert LAYERS[imported] <= LAYERS[owner], f"{owner} (layer {LAYERS[owner]}) imports {imported} (layer {LAYERS[imported]})"
        assert imported not in FORBIDDEN.get(owner, set()), f"{owner} must not import {imported}"


def test_the_layer_check_sees_imports() -> None:
    """The parser above finds relative imports at every depth (a check that sees nothing passes)."""
    found = _imports(PACKAGE / "pipeline" / "translation.py")
    assert {"catalog", "memory", "project", "translate", "pipeline"} <= found
    assert "errors" in _imports(PACKAGE / "catalog" / "reader.py")



# --- what a command loads -----------------------------------------------------------------


LAZY_PACKAGES = ["translate_flow.pipeline", "translate_flow.models", "translate_flow.translate"]


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_every_name_a_lazy_package_offers_is_there(name: str) -> None:
    package = importlib.import_module(name)
    for attribute in package.__all__:
        assert getattr(package, attribute) is not None, attribute
    with pytest.raises(AttributeError, match="has no attribute 'nothing_here'"):
        package.nothing_here  # noqa: B018


def test_extract_and_build_load_no_model_download_cluster_or_review_code(tmp_path: Path) -> None:
    """The command line imports what a command runs: extract and build start fast."""
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.html").write_text("<html><body><p>A cafe opened.</p></body></html>", "utf-8")
    (tmp_path / "translate-flow.toml").write_text(
        '[project]\nname = "p"\nversion = "1"\nsource_language = "en"\ntarget_languages = ["ru"]\n', "utf-8")
    code = (
        "import sys\n"
        "from translate_flow.cli import main\n"
        "for command in ('extract', 'build'):\n"
        "    main(['--quiet', command])\n"
        "heavy = ('ctranslate2', 'sentencepiece', 'http.client', 'starlette', 'ray', 'translate_flow.translate.translator',\n"
        "         'translate_flow.models.fetch', 'translate_flow.pipeline.cluster', 'translate_flow.review',\n"
        "         'translate_flow.terms', 'translate_flow.memory')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(PACKAGE.parent)}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
