"""Translate Toolkit side of ``roundtrip.py``: html2po or po2html over a corpus.

Run by the Python of the benchmark's own environment (``benchmarks/.env``), which has
Translate Toolkit installed; the project's environment does not need it. Usage::

    python roundtrip_ttk.py extract CORPUS PO_DIR          # every page -> PO_DIR/<name>.po
    python roundtrip_ttk.py build CORPUS PO_DIR HTML_DIR   # catalogs + pages -> HTML_DIR
    python roundtrip_ttk.py versions

Each phase calls the same functions as the ``html2po`` and ``po2html`` commands for every
page, in one process, and prints ``{"seconds": ...}``: the time of the conversions alone,
without interpreter start-up or imports.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

from translate.convert import html2po, po2html


def extract(corpus: Path, po_dir: Path) -> float:
    """html2po for every page of *corpus*; return the seconds it took."""
    pages = sorted(corpus.glob("*.html"))
    po_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for page in pages:
        with page.open("rb") as source, (po_dir / f"{page.stem}.po").open("wb") as out:
            html2po.converthtml(source, out, None)
    return time.perf_counter() - start


def build(corpus: Path, po_dir: Path, html_dir: Path) -> float:
    """po2html for every page of *corpus* with its catalog; return the seconds it took."""
    pages = sorted(corpus.glob("*.html"))
    html_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for page in pages:
        catalog_path = po_dir / f"{page.stem}.po"
        with catalog_path.open("rb") as catalog, page.open("rb") as template:
            with (html_dir / page.name).open("wb") as out:
                po2html.converthtml(catalog, out, template)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    """Run one phase and print its result as JSON."""
    if argv[:1] == ["extract"] and len(argv) == 3:
        result: dict[str, object] = {"seconds": extract(Path(argv[1]), Path(argv[2]))}
    elif argv[:1] == ["build"] and len(argv) == 4:
        result = {"seconds": build(Path(argv[1]), Path(argv[2]), Path(argv[3]))}
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
