"""Translate Toolkit side of ``roundtrip.py``: html2po or po2html over a corpus.

Run by the Python of the benchmark's own environment (``benchmarks/.env``), which has
Translate Toolkit installed; the project's environment does not need it. Usage::

    python roundtrip_ttk.py extract CORPUS PO_DIR          # every page -> PO_DIR/<name>.po
    python roundtrip_ttk.py build CORPUS PO_DIR HTML_DIR   # catalogs + pages -> HTML_DIR
    python roundtrip_ttk.py probe CORPUS WORK               # pages either converter fails on
    python roundtrip_ttk.py versions

Each phase calls the same functions as the ``html2po`` and ``po2html`` commands for every
page, in one process, and prints ``{"seconds": ..., "cpu": ...}``: the wall and CPU time
(user + system) of the conversions alone, without interpreter start-up or imports.
"""

from __future__ import annotations

import json
import platform
import resource
import sys
import time
from importlib import metadata
from pathlib import Path

from translate.convert import html2po, po2html


def _cpu() -> float:
    """CPU seconds (user + system) this process and its children have used so far."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _since(start: tuple[float, float]) -> dict[str, object]:
    """Wall and CPU seconds since *start* (``(time.perf_counter(), _cpu())``); one process."""
    return {"seconds": time.perf_counter() - start[0], "cpu": _cpu() - start[1], "processes": 1}


def probe(corpus: Path, work: Path) -> dict[str, str]:
    """Pages html2po or po2html fails on, each with its error (untimed)."""
    failed: dict[str, str] = {}
    for page in sorted(corpus.glob("*.html")):
        catalog, out = work / f"{page.stem}.po", work / page.name
        try:
            with page.open("rb") as source, catalog.open("wb") as po:
                html2po.converthtml(source, po, None)
            with catalog.open("rb") as po, page.open("rb") as template, out.open("wb") as built:
                po2html.converthtml(po, built, template)
        except Exception as error:  # any failure means the page is not comparable
            failed[page.name] = f"{type(error).__name__}: {error}"[:200]
    return failed


def extract(corpus: Path, po_dir: Path) -> dict[str, object]:
    """html2po for every page of *corpus*; the wall and CPU seconds it took."""
    pages = sorted(corpus.glob("*.html"))
    po_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter(), _cpu()
    for page in pages:
        with page.open("rb") as source, (po_dir / f"{page.stem}.po").open("wb") as out:
            html2po.converthtml(source, out, None)
    return _since(start)


def build(corpus: Path, po_dir: Path, html_dir: Path) -> dict[str, object]:
    """po2html for every page of *corpus* with its catalog; the wall and CPU seconds it took."""
    pages = sorted(corpus.glob("*.html"))
    html_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter(), _cpu()
    for page in pages:
        catalog_path = po_dir / f"{page.stem}.po"
        with catalog_path.open("rb") as catalog, page.open("rb") as template:
            with (html_dir / page.name).open("wb") as out:
                po2html.converthtml(catalog, out, template)
    return _since(start)


def main(argv: list[str]) -> int:
    """Run one phase and print its result as JSON."""
    result: dict[str, object]
    if argv[:1] == ["extract"] and len(argv) == 3:
        result = extract(Path(argv[1]), Path(argv[2]))
    elif argv[:1] == ["build"] and len(argv) == 4:
        result = build(Path(argv[1]), Path(argv[2]), Path(argv[3]))
    elif argv[:1] == ["probe"] and len(argv) == 3:
        Path(argv[2]).mkdir(parents=True, exist_ok=True)
        result = {"failed": probe(Path(argv[1]), Path(argv[2]))}
    elif argv == ["versions"]:
        result = {
            "python": platform.python_version(),
            "lxml": metadata.version("lxml"),
            "translate-toolkit": metadata.version("translate-toolkit"),
        }
    else:
        print(__doc__, file=sys.stderr)
        return 2
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
