"""The regression corpus: real pages nobody here wrote, round-tripped and validated.

Every page of ``../shared/corpus/real-pages`` and ``tests/data/corpus`` goes through an
identity build (msgstr = msgid: the same document comes back) and a pseudo build (same
skeleton, every translatable text changed); every catalog passes ``msgfmt -c``; every
XHTML page is still XML after build. A fixed, varied subset is checked with the Nu Html
Checker in one JVM run: a built page may have no error its source page did not have.
``benchmarks/corpus.py`` validates every page and prints the report.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpuscheck import (
    OWN_PAGES,
    REAL_PAGES,
    Built,
    CorpusMissing,
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

try:
    PAGES = corpus_pages()
    MISSING = ""
except CorpusMissing as error:  # test_real_pages_are_present fails with this message
    PAGES, MISSING = sorted(OWN_PAGES.glob("*.html")), str(error)

XHTML = frozenset(page.stem for page in PAGES if is_xhtml(page.read_bytes()))

# Defects of the tool that real pages still show, each marked until its fix lands.
KNOWN: dict[tuple[str, str], str] = {}

# Validated in the test suite (the JVM is slow): news, blog, wiki, CJK, right-to-left,
# media, SVG and MathJax pages, and the XHTML of AsciiDoc, DocBook and Publican.
VALIDATED = (
    "lemonde-1", "wikipedia-3", "hukumusume", "rtl-1", "embedded-videos", "svg-parsing", "mathjax",
    "asciidoc-git-mv", "publican-cron-atd", "publican-pureos",
)  # each source page is checked to its end: the checker gives up on none of them


def _params(kind: str, pages: list[Path]) -> list[object]:
    """*pages* as parameters, with the expected failures of *kind*."""
    params: list[object] = []
    for page in pages:
        reason = KNOWN.get((kind, page.stem)) or KNOWN.get(("extract", page.stem))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(page, id=page.stem, marks=marks))
    return params


def test_real_pages_are_present() -> None:
    assert not MISSING, MISSING
    assert {p.stem for p in PAGES} >= set(VALIDATED)
    assert len([p for p in PAGES if p.parent == REAL_PAGES]) >= 49
    assert len(XHTML) >= 5, sorted(XHTML)


@pytest.mark.parametrize("page", _params("identity", PAGES))
def test_identity_build_gives_back_the_page(tmp_path: Path, page: Path) -> None:
    built = build_page(tmp_path, page, identity)
    for catalog in (built.catalog, built.template):
        assert not msgfmt_problem(catalog)
    assert identity_differences(built) == []


@pytest.mark.parametrize("page", _params("pseudo", PAGES))
def test_pseudo_build_changes_every_text_and_keeps_the_skeleton(tmp_path: Path, page: Path) -> None:
    built = build_page(tmp_path, page, pseudo)
    assert not msgfmt_problem(built.catalog)
    assert pseudo_differences(built) == []


_PROLOG = re.compile(rb"^\s*<\?xml[^>]*\?>")
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>]*>", re.IGNORECASE)
_CONTENT_TYPE = re.compile(
    rb"<meta\s[^>]*http-equiv=[\"']?content-type[^>]*?content=[\"']([^\"']*)|"
    rb"<meta\s[^>]*content=[\"']([^\"']*)[\"'][^>]*http-equiv=[\"']?content-type",
    re.IGNORECASE,
)


def _declarations(page: bytes) -> tuple[bytes | None, bytes | None, bytes | None]:
    """The XML prolog, the doctype and the media type a page declares (a built page is
    UTF-8 whatever its source was, and its charset says so)."""
    prolog, doctype, meta = _PROLOG.search(page), _DOCTYPE.search(page), _CONTENT_TYPE.search(page)
    return (
        prolog.group(0).strip() if prolog else None,
        b" ".join(doctype.group(0).split()) if doctype else None,
        (meta.group(1) or meta.group(2)).split(b";")[0].strip().lower() if meta else None,
    )


@pytest.mark.parametrize("page", _params("xhtml", [p for p in PAGES if p.stem in XHTML]))
def test_an_xhtml_page_stays_xhtml(tmp_path: Path, page: Path) -> None:
    built = build_page(tmp_path, page, pseudo)
    prolog, doctype, content_type = _declarations(built.source)
    assert _declarations(built.built) == (prolog, doctype, content_type)
    if not xml_problem(built.source):  # a page that was XML stays XML
        assert xml_problem(built.built) == ""


@pytest.fixture(scope="session")
def validated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    """New validator errors of each identity-built page of VALIDATED, in one checker run."""
    chosen = [page for page in PAGES if page.stem in VALIDATED]
    root = tmp_path_factory.mktemp("validated")
    built: dict[Path, Built] = {page: build_page(root / page.stem, page, identity) for page in chosen}
    verdicts = validate_pairs([(page, result.output) for page, result in built.items()])
    return {page.stem: verdict for page, verdict in verdicts.items()}


@pytest.mark.parametrize("page", _params("validator", [p for p in PAGES if p.stem in VALIDATED]))
def test_a_built_page_has_no_new_validator_error(validated: dict[str, Verdict], page: Path) -> None:
    verdict = validated[page.stem]
    assert not verdict.source_gave_up, "the checker gave up on the source page: choose another"
    assert verdict.new == (), "new validator errors:\n" + "\n".join(verdict.new)
