"""The regression corpus report: every real page round-tripped and validated.

Run from the repository root with the project's environment::

    .venv/bin/python benchmarks/corpus.py [--keep DIR] [--page NAME ...]

Every page of ``../shared/corpus/real-pages`` (``TRANSLATE_FLOW_REAL_PAGES`` names another
folder) and of ``tests/data/corpus`` goes through an identity build (msgstr = msgid) and a
pseudo build into ``ru``, with the checks of ``tests/test_corpus.py``; then the Nu Html
Checker (npm's vnu-jar on Java, installed under ``.cache/vnu`` on first use) validates every
source page and every identity-built page in one run. The report gives, per page and in all:
pages matched by the identity build, pages whose pseudo build changed every text, catalogs
that ``msgfmt -c`` accepts, XHTML pages still well-formed XML, and the validator errors a
built page has that its source has not.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from corpuscheck import (
    Verdict,
    build_page,
    corpus_pages,
    identity,
    identity_differences,
    is_xhtml,
    msgfmt_problem,
    pseudo,
    pseudo_differences,
    validate_pairs,
    xml_problem,
)


@dataclass(frozen=True)
class PageResult:
    """Every check of one page, before the validator."""

    page: Path
    xhtml: bool
    identity: tuple[str, ...]  # differences of the identity build
    pseudo: tuple[str, ...]  # differences of the pseudo build
    msgfmt: tuple[str, ...]  # msgfmt -c complaints
    xml: str  # why the pseudo build is not XML ('' when it is, or the source was not XHTML and XML)
    built: Path | None  # the identity build, for the validator
    failure: str = ""  # why the page could not be built at all


def check_page(page: Path, work: Path) -> PageResult:
    """Identity and pseudo builds of *page* in projects under *work*, with their checks."""
    source = page.read_bytes()
    xhtml = is_xhtml(source) and not xml_problem(source)  # a page declared XHTML and written as XML
    try:
        same = build_page(work / "identity", page, identity)
        changed = build_page(work / "pseudo", page, pseudo)
    except AssertionError as error:
        return PageResult(page, xhtml, (), (), (), "", None, failure=str(error).splitlines()[0][:200])
    complaints = tuple(
        found for path in (same.catalog, same.template, changed.catalog) if (found := msgfmt_problem(path))
    )
    return PageResult(
        page, xhtml, tuple(identity_differences(same)), tuple(pseudo_differences(changed)),
        complaints, xml_problem(changed.built) if xhtml else "", same.output,
    )


def print_report(results: Sequence[PageResult], verdicts: dict[Path, Verdict], seconds: float) -> None:
    """One line per page, the differences found, and the totals."""
    header = f"{'page':<34} {'kind':<6} {'identity':>9} {'pseudo':>7} {'msgfmt':>7} {'xml':>5} {'src err':>8} {'new err':>8}"
    print(header)
    print("-" * len(header))
    for result in results:
        verdict = verdicts.get(result.page)
        if result.failure:
            print(f"{result.page.stem:<34} {'xhtml' if result.xhtml else 'html':<6} not built: {result.failure}")
            continue
        print(
            f"{result.page.stem:<34} {'xhtml' if result.xhtml else 'html':<6}"
            f" {'same' if not result.identity else len(result.identity):>9}"
            f" {'ok' if not result.pseudo else len(result.pseudo):>7}"
            f" {'ok' if not result.msgfmt else 'FAIL':>7}"
            f" {('ok' if not result.xml else 'FAIL') if result.xhtml else '-':>5}"
            f" {(str(verdict.source_errors) + ('!' if verdict.source_gave_up else '')) if verdict else '?':>8}"
            f" {len(verdict.new) if verdict else '?':>8}"
        )
    print("(src err: distinct errors of the source page; '!': the checker gave up on it, so errors")
    print(" past that point are unknown and may show up as new in the built page)")
    print()
    for result in results:
        verdict = verdicts.get(result.page)
        lines = [f"identity: {d}" for d in result.identity[:5]] + [f"pseudo: {d}" for d in result.pseudo[:5]]
        lines += [f"msgfmt: {m}" for m in result.msgfmt] + ([f"xml: {result.xml}"] if result.xml else [])
        lines += [f"new error: {e[:160]}" for e in (verdict.new if verdict else ())]
        if lines:
            print(f"{result.page.name}:")
            for line in lines:
                print(f"    {line}")
    built = [r for r in results if not r.failure]
    xhtml = [r for r in built if r.xhtml]
    checked = [verdicts[r.page] for r in built if r.page in verdicts]
    print()
    print(f"pages: {len(results)} ({sum(r.xhtml for r in results)} XHTML written as XML), built: {len(built)}")
    print(f"identity build gives the page back: {sum(not r.identity for r in built)}/{len(results)}")
    print(f"pseudo build changes every text, keeps the skeleton: {sum(not r.pseudo for r in built)}/{len(results)}")
    print(f"catalogs pass msgfmt -c: {sum(not r.msgfmt for r in built)}/{len(results)}")
    print(f"XHTML pages (XML sources) still well-formed XML after build: {sum(not r.xml for r in xhtml)}/{len(xhtml)}")
    clean = sum(not v.new for v in checked)
    print(
        f"validator: {clean}/{len(checked)} built pages with no new error;"
        f" {sum(len(v.new) for v in checked)} new distinct errors in all"
        f" ({sum(v.source_gave_up for v in checked)} source pages where the checker gave up)"
    )
    print(f"time: {seconds:.0f} s")


def main(argv: Sequence[str] | None = None) -> int:
    """Check every page of the corpus and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build in DIR (new or empty) and keep it")
    parser.add_argument("--page", action="append", default=[], metavar="NAME", help="only this page (repeatable)")
    args = parser.parse_args(argv)
    pages = [p for p in corpus_pages() if not args.page or p.stem in args.page or p.name in args.page]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tf-corpus-") as temporary:
        work = args.keep.resolve() if args.keep else Path(temporary)
        results = [check_page(page, work / page.stem) for page in pages]
        pairs = [(r.page, r.built) for r in results if r.built is not None]
        verdicts = validate_pairs(pairs)
        print_report(results, verdicts, time.perf_counter() - start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
