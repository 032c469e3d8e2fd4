"""The project on disk: its layout, reading it, and the pipeline's use of it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE_ARTICLE, MakeProject

from translate_flow import glossary, pipeline, project
from translate_flow.errors import CatalogError, InputError, TranslateFlowError
from translate_flow.languages import Language
from translate_flow.translate import Engine, PseudoEngine, Translation

DATA = Path(__file__).parent / "data"
PAGE = "<!DOCTYPE html><html lang='en'><head><title>T</title></head><body><p>One line.</p></body></html>"


def test_the_layout_is_gettexts(make_project: MakeProject) -> None:
    config = make_project([("cafe.html", PAGE)])
    (config.articles / "2015").mkdir()
    (config.articles / "2015" / "news.htm").write_text(PAGE, encoding="utf-8")
    found = project.articles(config)
    assert [(a.slug, a.reference) for a in found] == [
        ("2015/news", "articles/2015/news.htm"), ("cafe", "articles/cafe.html")]
    news, _ = found
    ru = config.target("ru")
    assert project.template_path(config, news) == config.root / "locales/templates/2015/news.pot"
    assert project.catalog_path(config, news, ru) == config.root / "locales/ru/LC_MESSAGES/2015/news.po"
    assert project.page_path(config, news, ru) == config.root / "build/ru/2015/news.html"
    assert project.memory_index_path(config) == config.root / ".translate-flow/memory.sqlite"
    assert project.shown(config, project.catalog_path(config, news, ru)) == "locales/ru/LC_MESSAGES/2015/news.po"


@pytest.mark.parametrize("name", ["cafe", "cafe.html", "articles/cafe.html"], ids=["slug", "file", "reference"])
def test_articles_are_chosen_by_slug_file_or_reference(make_project: MakeProject, name: str) -> None:
    config = make_project([("cafe.html", PAGE), ("other.html", PAGE)])
    assert [a.slug for a in project.articles(config, [name])] == ["cafe"]


def test_an_unknown_article_is_an_error_located_at_its_name(make_project: MakeProject) -> None:
    config = make_project([("cafe.html", PAGE)])
    with pytest.raises(InputError) as caught:
        project.articles(config, ["nope"])
    assert caught.value.path == "nope" and str(caught.value) == "nope: no such article in articles"


@pytest.mark.parametrize(
    ("content", "error", "line"),
    [
        (b"msgid \"a\"\nmsgstr \"\xff\"\n", CatalogError, 0),
        (b"msgid \"a\"\nmsgstr \"b\"\nbroken\n", CatalogError, 3),
    ],
    ids=["not-utf8", "syntax"],
)
def test_catalog_errors_carry_their_location(
    make_project: MakeProject, content: bytes, error: type[TranslateFlowError], line: int
) -> None:
    config = make_project([("cafe.html", PAGE)])
    path = project.catalog_path(config, project.articles(config)[0], config.target("ru"))
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(error) as caught:
        project.read_catalog(config, path)
    assert caught.value.path == "locales/ru/LC_MESSAGES/cafe.po"
    assert caught.value.line == line
    assert not caught.value.message.startswith("locales/")


def test_a_missing_catalog_is_none(make_project: MakeProject) -> None:
    config = make_project([("cafe.html", PAGE)])
    assert project.read_catalog(config, config.locales / "ru" / "LC_MESSAGES" / "cafe.po") is None


def test_importing_a_memory_where_a_file_named_memory_stands_is_one_clear_error(
    make_project: MakeProject,
) -> None:
    config = make_project([("cafe.html", PAGE)])
    (config.root / "memory").write_text("notes", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        pipeline.import_memory(config, DATA / "memory" / "agency.tmx")
    assert caught.value.path == "memory" and "rename or remove the file" in caught.value.message
    assert (config.root / "memory").read_text(encoding="utf-8") == "notes"


def test_tm_import_beside_a_file_named_memory_exits_2_with_one_line(make_project: MakeProject) -> None:
    config = make_project([("cafe.html", PAGE)])
    (config.root / "memory").write_text("notes", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "translate_flow", "tm", "import", str(DATA / "memory" / "agency.tmx")],
        cwd=config.root, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "memory:" in result.stderr


# (file name given, stored name)
STORED_NAMES = [
    pytest.param("agency.tmx", "memory/agency.tmx", id="plain"),
    pytest.param("/tmp/exports/Agency TM 2024.TMX", "memory/Agency-TM-2024.tmx", id="path-and-spaces"),
    pytest.param("../../etc/passwd", "memory/passwd.tmx", id="no-escape"),
    pytest.param("...tmx", "memory/memory.tmx", id="nothing-left"),
]


@pytest.mark.parametrize(("given", "expected"), STORED_NAMES)
def test_stored_name(given: str, expected: str) -> None:
    assert project.stored_name(given) == expected


@pytest.mark.parametrize("name", ["agency.tmx", "My Memory (2).TMX", "../../etc/evil.tmx"],
                         ids=["plain", "odd-characters", "path-in-name"])
def test_imported_memories_stay_in_the_memory_folder(make_project: MakeProject, name: str) -> None:
    config = make_project([("cafe.html", PAGE)])
    target = project.import_memory_file(config, name, b"<tmx/>")
    assert target.parent == config.root / "memory" and target.suffix == ".tmx"
    assert project.imported_memory_files(config) == [target]


class _Recording:
    """An engine factory that hands out the pseudo engine and remembers what it was asked."""

    def __init__(self, engine: Engine | None = None) -> None:
        self.engine = engine or PseudoEngine()
        self.asked: list[str] = []

    def get(self, language: Language) -> Engine:
        self.asked.append(language.tag)
        return self.engine


def test_translate_uses_the_engines_it_is_given(make_project: MakeProject) -> None:
    config = make_project([SAMPLE_ARTICLE], targets=["ru", "kk"])
    pipeline.extract(config)
    engines = _Recording()
    report = pipeline.translate(config, engines=engines, options=pipeline.TranslateOptions(cache=False))
    assert engines.asked == ["ru", "kk"]
    assert all(run.engine == "pseudo" and run.from_model > 0 for run in report.languages)


class _Failing:
    """An engine that breaks in the middle of its work, as a model running out of memory does."""

    identity = "failing 1"

    def translate(self, msgids: Sequence[str], terms: object = (), progress: object = None,
                  steering: object = None) -> list[Translation]:
        raise RuntimeError("out of memory")


def _open_files(folder: Path) -> list[str]:
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to list open files")
def test_memory_and_cache_are_closed_when_the_engine_fails(make_project: MakeProject) -> None:
    config = make_project([SAMPLE_ARTICLE], targets=["ru"])
    pipeline.extract(config)
    state = config.root / project.STATE_DIR
    with pytest.raises(RuntimeError, match="out of memory"):
        pipeline.translate(config, engines=_Recording(_Failing()))
    assert (state / "machine.sqlite").is_file() and (state / "memory.sqlite").is_file()
    assert _open_files(state) == []


def test_run_reads_the_glossary_once(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    config = make_project([SAMPLE_ARTICLE], targets=["ru", "kk"], extra='[translate]\nengine = "pseudo"\n')
    calls: list[Path] = []
    real = glossary.read_glossary

    def counting(folder: Path, *args: object, **kwargs: object) -> object:
        calls.append(folder)
        return real(folder, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(glossary, "read_glossary", counting)
    report = pipeline.run(config)
    assert report.changed == 2 and not report.problems
    assert calls == [config.glossary]
