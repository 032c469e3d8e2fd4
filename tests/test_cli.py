"""The ``translate-flow`` command line, run for real on throwaway projects.

Exit codes: 0 clean, 1 findings (a translation rejected during build), 2 usage or input
errors, each of them one line on standard error and never a traceback.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from conftest import DATA, PAGES, REPO, MakeProject, fill_catalogs, msgfmt_check, write_config
from packageserver import Dist, Server

from translate_flow import __version__, cli, errors
from translate_flow.cli import main, output
from translate_flow.config import Config, load_config

CLI_DATA = DATA / "cli"
INLINE = PAGES / "inline-markup.html"
SECOND = CLI_DATA / "second-article.html"
TARGETS = ("ru", "kk")

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    """Run ``main(argv)`` in a folder (the project by default); return (code, out, err)."""

    def invoke(*argv: str, cwd: Path | None = None) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd or tmp_path)
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def _project(make_project: MakeProject, *pages: Path) -> Config:
    return make_project(pages or (INLINE, SECOND), targets=TARGETS)


def _catalog(config: Config, slug: str, lang: str = "ru") -> Path:
    return config.root / "locales" / lang / "LC_MESSAGES" / f"{slug}.po"


def _error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


def _assert_one_error_line(err: str, *expected: str) -> str:
    lines = _error_lines(err)
    assert "Traceback" not in err
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert "error" in lines[0]
    for text in expected:
        assert text in lines[0], f"{text!r} not in {lines[0]!r}"
    return lines[0]


# --- help ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], "examples:"),
        (["extract"], "translate-flow extract --article"),
        (["build"], "translate-flow build --lang"),
        (["stats"], "translate-flow stats --lang kk --json"),
        (["translate"], "translate-flow translate --engine pseudo"),
        (["models"], "translate-flow models install --for-project"),
    ],
    ids=["main", "extract", "build", "stats", "translate", "models"],
)
def test_help_shows_examples(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([*argv, "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert "example" in out
    assert expected in out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and "Traceback" not in err


# --- the clean path ------------------------------------------------------------------------


def test_extract_build_stats(make_project: MakeProject, run: Run) -> None:
    config = _project(make_project)
    code, out, err = run("extract")
    assert (code, err) == (0, "")
    assert "created  locales/templates/inline-markup.pot" in out
    for slug in ("inline-markup", "second-article"):
        assert (config.root / "locales" / "templates" / f"{slug}.pot").is_file()
        for lang in TARGETS:
            msgfmt_check(_catalog(config, slug, lang))

    code, out, err = run("build")
    assert (code, err) == (0, "")
    for lang in TARGETS:
        page = config.root / "build" / lang / "second-article.html"
        assert page.is_file()
        assert f'lang="{lang}"' in page.read_text(encoding="utf-8")
    assert "build/ru/inline-markup.html" in out

    code, out, err = run("stats")
    assert (code, err) == (0, "")
    rows = out.splitlines()
    assert rows[0].split() == ["language", "article", "translated", "fuzzy", "untranslated", "complete", "reviewed"]
    assert len(rows) == 1 + 2 * len(TARGETS)
    assert all(row.rstrip().endswith("0%") for row in rows[1:])


def test_rerun_changes_nothing(make_project: MakeProject, run: Run) -> None:
    config = _project(make_project)
    assert run("extract")[0] == 0
    catalog = _catalog(config, "inline-markup")
    before = (catalog.read_bytes(), catalog.stat().st_mtime_ns)
    code, out, _ = run("extract")
    assert code == 0
    assert "0 of 6 files written" in out
    assert (catalog.read_bytes(), catalog.stat().st_mtime_ns) == before


def test_stats_json_counts(make_project: MakeProject, run: Run) -> None:
    config = _project(make_project)
    assert run("extract")[0] == 0
    fill_catalogs([_catalog(config, "second-article", "ru")], lambda msgid: msgid)
    fill_catalogs([_catalog(config, "second-article", "kk")], lambda msgid: msgid, fuzzy=True)

    code, out, err = run("stats", "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    rows = {(row["article"], row["language"]): row for row in report["catalogs"]}
    assert set(rows) == {(a, l) for a in ("inline-markup", "second-article") for l in TARGETS}

    entries = len(polib.pofile(str(_catalog(config, "second-article", "ru"))))
    ru, kk = rows[("second-article", "ru")], rows[("second-article", "kk")]
    assert ru["catalog"] == "locales/ru/LC_MESSAGES/second-article.po"
    assert ru["entries"] == {"translated": entries, "fuzzy": 0, "untranslated": 0, "total": entries}
    assert kk["entries"] == {"translated": 0, "fuzzy": entries, "untranslated": 0, "total": entries}
    assert ru["words"]["translated"] == ru["words"]["total"] == kk["words"]["fuzzy"] > 0
    untouched = rows[("inline-markup", "ru")]
    assert untouched["entries"]["untranslated"] == untouched["entries"]["total"] > 0
    assert untouched["obsolete"] == 0


def test_lang_narrows_languages(make_project: MakeProject, run: Run) -> None:
    config = _project(make_project)
    assert run("extract", "--lang", "ru")[0] == 0
    assert _catalog(config, "inline-markup", "ru").is_file()
    assert not _catalog(config, "inline-markup", "kk").exists()

    assert run("extract")[0] == 0
    code, out, _ = run("build", "--lang", "kk")
    assert code == 0
    assert (config.root / "build" / "kk" / "inline-markup.html").is_file()
    assert not (config.root / "build" / "ru").exists()

    code, out, _ = run("stats", "--json", "--lang", "KK")
    assert code == 0
    assert {row["language"] for row in json.loads(out)["catalogs"]} == {"kk"}


@pytest.mark.parametrize(
    "name", ["second-article", "second-article.html", "articles/second-article.html"],
    ids=["slug", "file-name", "reference"],
)
def test_article_narrows_articles(name: str, make_project: MakeProject, run: Run) -> None:
    config = _project(make_project)
    code, out, err = run("extract", "--article", name)
    assert (code, err) == (0, "")
    assert _catalog(config, "second-article").is_file()
    assert not _catalog(config, "inline-markup").exists()
    assert "inline-markup" not in out


def test_config_elsewhere(make_project: MakeProject, run: Run, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "articles").mkdir()
    shutil.copy(SECOND, project / "articles")
    config_file = write_config(project, targets=("ru",))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    code, _, err = run("--config", str(config_file), "extract", cwd=elsewhere)
    assert (code, err) == (0, "")
    assert (project / "locales" / "ru" / "LC_MESSAGES" / "second-article.po").is_file()
    assert not (elsewhere / "locales").exists()
    code, _, _ = run("--config", str(config_file), "build", cwd=elsewhere)
    assert code == 0
    assert (project / "build" / "ru" / "second-article.html").is_file()


def test_config_found_in_a_parent_folder(make_project: MakeProject, run: Run) -> None:
    config = _project(make_project, SECOND)
    nested = config.root / "articles"
    code, _, err = run("extract", cwd=nested)
    assert (code, err) == (0, "")
    assert _catalog(config, "second-article").is_file()


# --- exit code 1: a rejected translation --------------------------------------------------


def _line_of(path: Path, msgid: str) -> int:
    """The line where the entry for *msgid* starts in the catalog at *path*."""
    entry = polib.pofile(str(path)).find(msgid)
    assert entry is not None and entry.linenum
    return int(entry.linenum)


def test_build_rejects_a_translation_with_a_missing_tag(make_project: MakeProject, run: Run) -> None:
    config = _project(make_project, INLINE)
    assert run("extract", "--lang", "ru")[0] == 0
    path = _catalog(config, "inline-markup")
    fill_catalogs([path], lambda msgid: msgid)
    po = polib.pofile(str(path))
    entry = next(e for e in po if "<a1>" in e.msgid and "</a1>" in e.msgid)
    entry.msgstr = entry.msgid.replace("<a1>", "").replace("</a1>", "")
    po.save()
    line = _line_of(path, entry.msgid)

    code, _, err = run("build", "--lang", "ru")
    assert code == 1
    lines = _error_lines(err)
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith(f"locales/ru/LC_MESSAGES/inline-markup.po:{line}:")
    assert "missing tag <a1>" in lines[0]
    built = (config.root / "build" / "ru" / "inline-markup.html").read_text(encoding="utf-8")
    assert "Almaty District Court</a>" in built  # the source sentence, link and all


def test_build_rejects_a_translation_with_a_control_character(
    make_project: MakeProject, run: Run
) -> None:
    config = _project(make_project, SECOND)
    assert run("extract", "--lang", "ru")[0] == 0
    path = _catalog(config, "second-article")
    fill_catalogs([path], lambda msgid: msgid)
    po = polib.pofile(str(path))
    entry = po.find("Volunteers met the families in Almaty.")
    assert entry is not None
    entry.msgstr = "Волонтёры\v встретились с семьями."
    po.save()
    line = _line_of(path, entry.msgid)

    code, _, err = run("build", "--lang", "ru")
    line_out = _error_lines(err)
    assert code == 1 and "Traceback" not in err
    assert line_out[0].startswith(f"locales/ru/LC_MESSAGES/second-article.po:{line}:")
    assert "U+000B" in line_out[0]
    built = (config.root / "build" / "ru" / "second-article.html").read_text(encoding="utf-8")
    assert "Volunteers met the families in Almaty." in built


# --- exit code 2: one line, no traceback ---------------------------------------------------


def _broken_catalog(config: Config) -> tuple[Path, int]:
    """Break the Russian catalog of the inline-markup page; return it and the bad line."""
    path = _catalog(config, "inline-markup")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, text in enumerate(lines) if text.startswith("#. ")) + 1
    lines.insert(at, "this line is no gettext at all\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path, at + 1


@pytest.mark.parametrize("command", ["extract", "build", "stats"], ids=["extract", "build", "stats"])
def test_broken_catalog_is_reported_with_its_line(
    command: str, make_project: MakeProject, run: Run
) -> None:
    config = _project(make_project, INLINE)
    assert run("extract")[0] == 0
    path, line = _broken_catalog(config)
    before = path.read_bytes()

    code, _, err = run(command)
    assert code == 2
    _assert_one_error_line(err, f"locales/ru/LC_MESSAGES/inline-markup.po:{line}:")
    assert path.read_bytes() == before
    if command == "build":
        assert (config.root / "build" / "kk" / "inline-markup.html").is_file()


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (CLI_DATA / "binary.html", "binary data"),
        (CLI_DATA / "plain-text.html", "no HTML tags"),
        (CLI_DATA / "bad-utf8.html", "not valid utf-8"),
    ],
    ids=["binary", "plain-text", "undecodable"],
)
@pytest.mark.parametrize("command", ["extract", "build"], ids=["extract", "build"])
def test_unusable_page(
    page: Path, expected: str, command: str, make_project: MakeProject, run: Run
) -> None:
    if command == "extract":
        config = _project(make_project, page, SECOND)
    else:
        config = _project(make_project, SECOND)
        assert run("extract")[0] == 0
        shutil.copy(page, config.articles)
    code, _, err = run(command)
    assert code == 2
    _assert_one_error_line(err, f"articles/{page.name}", expected)
    if command == "extract":
        # The broken page stopped itself, not the other article.
        for lang in TARGETS:
            assert _catalog(config, "second-article", lang).is_file()
        assert not _catalog(config, page.stem).exists()


def test_undeclared_cp1252_is_a_warning(make_project: MakeProject, run: Run) -> None:
    config = _project(make_project, CLI_DATA / "cp1252-undeclared.html")
    code, _, err = run("extract")
    assert code == 0
    lines = _error_lines(err)
    assert len(lines) == 1 and "warning" in lines[0] and "error" not in lines[0]
    assert "windows-1252" in lines[0]
    template = (config.root / "locales" / "templates" / "cp1252-undeclared.pot").read_text(encoding="utf-8")
    assert "The café owner said “we will appeal” on Monday." in template
    code, _, err = run("build")
    assert code == 0
    built = (config.root / "build" / "ru" / "cp1252-undeclared.html").read_text(encoding="utf-8")
    assert "The café owner said" in built


def test_control_characters_in_a_page_do_not_stop_the_build(
    make_project: MakeProject, run: Run
) -> None:
    config = _project(make_project, CLI_DATA / "control-chars.html")
    code, _, err = run("extract")
    assert code == 0 and "Traceback" not in err
    assert "control character" in err
    fill_catalogs([_catalog(config, "control-chars", lang) for lang in TARGETS], str.upper)
    code, _, err = run("build")
    assert code == 0
    built = (config.root / "build" / "ru" / "control-chars.html").read_text(encoding="utf-8")
    assert "THE SECOND PAGE STARTS." in built
    assert "A TIP WITH A CONTROL" in built
    assert "CHARACTER REFERENCES CAN HOLD THEM TOO." in built


def _copy_config(name: str) -> Callable[[Config], None]:
    def apply(config: Config) -> None:
        shutil.copy(CLI_DATA / name, config.path)

    return apply


def _remove(relative: str) -> Callable[[Config], None]:
    def apply(config: Config) -> None:
        target = config.root / relative
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()

    return apply


def _nothing(config: Config) -> None:
    return None


ERROR_CASES: list[tuple[str, Callable[[Config], None], tuple[str, ...], tuple[str, ...]]] = [
    ("missing-article", _nothing, ("--article", "no-such-page"), ("no-such-page", "no such article")),
    ("missing-article-file", _nothing, ("--article", "articles/gone.html"), ("articles/gone.html",)),
    ("missing-articles-folder", _remove("articles"), (), ("articles folder not found",)),
    ("unknown-language-in-config", _copy_config("unknown-language.toml"), (), ("xx-Qqqq", "translate-flow.toml")),
    ("unknown-language-in-lang", _nothing, ("--lang", "xx-Qqqq"), ("unknown language 'xx-Qqqq'",)),
    ("language-not-a-target", _nothing, ("--lang", "de"), ("'de' is not a target",)),
    ("not-a-language-tag", _nothing, ("--lang", "!!"), ("not a BCP 47 language tag",)),
    ("missing-config", _remove("translate-flow.toml"), (), ("no translate-flow.toml",)),
    ("invalid-toml", _copy_config("invalid.toml"), (), ("invalid TOML", "line 1")),
    ("unknown-setting", _copy_config("unknown-setting.toml"), (), ("unknown setting 'minimum_complete'",)),
    ("bad-url-template", _copy_config("bad-url-template.toml"), (), ("url_template", "{language}")),
]


@pytest.mark.parametrize(
    ("case", "prepare", "extra", "expected"), ERROR_CASES, ids=[case[0] for case in ERROR_CASES]
)
@pytest.mark.parametrize("command", ["extract", "build", "stats"], ids=["extract", "build", "stats"])
def test_usage_and_input_errors(
    case: str,
    prepare: Callable[[Config], None],
    extra: tuple[str, ...],
    expected: tuple[str, ...],
    command: str,
    make_project: MakeProject,
    run: Run,
) -> None:
    config = _project(make_project, SECOND)
    assert run("extract")[0] == 0
    prepare(config)
    code, out, err = run(command, *extra)
    assert code == 2, (out, err)
    _assert_one_error_line(err, "translate-flow: error:", *expected)


def test_missing_config_file_given_with_option(run: Run, tmp_path: Path) -> None:
    code, _, err = run("--config", str(tmp_path / "nowhere.toml"), "stats")
    assert code == 2
    _assert_one_error_line(err, "nowhere.toml", "configuration file not found")


def test_unwritable_build_folder_is_an_error(make_project: MakeProject, run: Run) -> None:
    config = _project(make_project, SECOND)
    assert run("extract")[0] == 0
    (config.root / "build").write_text("a file where the build folder should be\n")
    code, _, err = run("build")
    assert code == 2
    _assert_one_error_line(err, "cannot write")


def test_broken_catalog_is_not_overwritten_by_extract(make_project: MakeProject, run: Run) -> None:
    config = _project(make_project, INLINE, SECOND)
    assert run("extract")[0] == 0
    path, _ = _broken_catalog(config)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    (config.root / "articles" / "inline-markup.html").write_text(
        INLINE.read_text(encoding="utf-8").replace("</article>", "<p>A new closing line.</p></article>"),
        encoding="utf-8",
    )
    code, _, err = run("extract")
    assert code == 2
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    # The template and the other language moved on; the broken catalog waits for its fix.
    assert "A new closing line." in _catalog(config, "inline-markup", "kk").read_text(encoding="utf-8")
    assert "A new closing line." not in path.read_text(encoding="utf-8")


# --- through a real process -----------------------------------------------------------------


def _process(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "translate_flow", *argv],
        cwd=cwd, capture_output=True, text=True, env=environment, timeout=60,
    )


def test_process_exit_codes_and_no_traceback(make_project: MakeProject) -> None:
    config = make_project((SECOND, CLI_DATA / "binary.html"), targets=("ru",))
    broken = _process(config.root, "extract")
    assert broken.returncode == 2
    assert "Traceback" not in broken.stderr
    lines = broken.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("articles/binary.html: error: ") and "binary data" in lines[0]
    assert (config.root / "locales" / "ru" / "LC_MESSAGES" / "second-article.po").is_file()

    (config.root / "articles" / "binary.html").unlink()
    clean = _process(config.root, "build")
    assert (clean.returncode, clean.stderr) == (0, "")
    assert "build/ru/second-article.html" in clean.stdout


def test_process_bad_configuration(tmp_path: Path) -> None:
    shutil.copy(CLI_DATA / "bad-url-template.toml", tmp_path / "translate-flow.toml")
    (tmp_path / "articles").mkdir()
    shutil.copy(SECOND, tmp_path / "articles")
    result = _process(tmp_path, "build")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- translate and models ----------------------------------------------------------------------


def test_translate_with_the_pseudo_engine(run: Run, make_project: MakeProject) -> None:
    config = _project(make_project)
    assert run("extract")[0] == 0
    code, out, err = run("translate", "--engine", "pseudo", "--lang", "ru")
    assert code == 0, err
    assert "ru: " in out and "from the model with pseudo" in out
    entries = list(polib.pofile(str(_catalog(config, "inline-markup"))))
    assert entries and all(e.msgstr.startswith("[") and "fuzzy" in e.flags for e in entries)
    assert run("build", "--lang", "ru")[0] == 0


def test_translate_without_models_names_each_language_and_exits_2(
    run: Run, make_project: MakeProject, tmp_path: Path
) -> None:
    make_project([INLINE], targets=TARGETS, extra=f'\n[models]\npackages_dir = "{tmp_path / "none"}"\n')
    run("extract")
    code, out, err = run("translate")
    lines = _error_lines(err)
    assert code == 2 and "Traceback" not in err
    assert [line.split(":")[0] for line in lines if "error" in line] == ["ru", "kk"]
    assert all("models install --for-project" in line for line in lines if "error" in line)


def _index_project(make_project: MakeProject, server: Server, dist: Dist, tmp_path: Path) -> Config:
    index = server.publish([dist["en_ru-1.0"], dist["en_zh-1.0"]])
    extra = f"""
[models]
packages_dir = "{tmp_path / 'packages'}"
cache_dir = "{tmp_path / 'cache'}"
index_url = "{index}"
timeout = 3
"""
    return make_project([INLINE], targets=("kk", "ru", "zh-Hans"), extra=extra)


def test_models_install_for_project_and_manage(
    run: Run, make_project: MakeProject, server: Server, dist: Dist, tmp_path: Path
) -> None:
    _index_project(make_project, server, dist, tmp_path)
    code, out, err = run("models", "install", "--for-project")
    assert code == 1  # kk has no Argos package: a finding, with what to do
    assert "installed translate-en_ru 1.0" in out and "installed translate-en_zh 1.0" in out
    assert 'models.pairs."en-kk"' in err and "kaz_Cyrl" in err and "Traceback" not in err
    code, out, _ = run("models", "list")
    assert code == 0 and "en-ru  translate-en_ru 1.0" in out and "en-zh  translate-en_zh 1.0" in out
    code, out, _ = run("models", "info", "en-ru")
    assert code == 0 and "English → Russian" in out and str(tmp_path / "packages") in out
    code, out, _ = run("models", "available")
    assert code == 0 and out.count("translate-en_") == 2
    code, out, _ = run("models", "remove", "en-ru")
    assert code == 0 and "removed translate-en_ru 1.0" in out
    assert not any(p.name.startswith("translate-en_ru") for p in (tmp_path / "packages").iterdir())
    code, _, err = run("models", "remove", "en-ru")
    _assert_one_error_line(err, "nothing to remove")
    assert code == 2


def test_models_install_from_a_file_and_a_url(
    run: Run, make_project: MakeProject, server: Server, dist: Dist, tmp_path: Path
) -> None:
    _index_project(make_project, server, dist, tmp_path)
    package = dist["en_ru-1.1"]
    code, out, err = run("models", "install", str(package.path), "--sha256", package.sha256)
    assert code == 0 and "installed translate-en_ru 1.1" in out, err
    code, out, err = run("models", "install", server.url(dist["en_zh-1.0"].path.name))
    assert code == 0 and "installed translate-en_zh 1.0" in out, err
    code, _, err = run("models", "install", str(package.path), "--sha256", "0" * 64)
    _assert_one_error_line(err, "SHA-256")
    assert code == 2


@pytest.mark.parametrize(
    ("argv", "expected"),
    [(["models", "install", "--index", "http://127.0.0.1:9/index.json", "en-ru"], "cannot reach the package index"),
     (["models", "install", "ru"], "not a language pair"),
     (["models", "install"], "say what to install")],
    ids=["unreachable-index", "bad-pair", "nothing-to-install"],
)
def test_models_errors_are_one_line(run: Run, make_project: MakeProject, argv: list[str], expected: str) -> None:
    _project(make_project)
    code, _, err = run(*argv)
    _assert_one_error_line(err, expected)
    assert code == 2


def test_models_install_rejects_a_malicious_package(run: Run, make_project: MakeProject, tmp_path: Path) -> None:
    import zipfile

    _project(make_project)
    evil = tmp_path / "evil.argosmodel"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("translate-en_ru-1_0/metadata.json", "{}")
        archive.writestr("../escaped.txt", "x")
    code, _, err = run("models", "install", str(evil))
    _assert_one_error_line(err, "evil.argosmodel")
    assert code == 2 and not (tmp_path.parent / "escaped.txt").exists()


def test_translate_logs_plain_progress_without_a_terminal(make_project: MakeProject, tmp_path: Path) -> None:
    _project(make_project)
    env = {**os.environ, "CI": "true", "PYTHONPATH": str(REPO)}
    for argv in (["extract"], ["translate", "--engine", "pseudo"]):
        result = subprocess.run([sys.executable, "-m", "translate_flow", *argv], cwd=tmp_path,
                                capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
    assert "ru: 0/" in result.stderr and "segments" in result.stderr and "Traceback" not in result.stderr
    assert "segments translated" in result.stdout


# --- check and glossary ----------------------------------------------------------------------------


def _checked_project(make_project: MakeProject, run: Run) -> Config:
    config = _project(make_project, INLINE)
    run("extract")
    fill_catalogs([_catalog(config, "inline-markup")], lambda m: m.replace("$\u00a0300", "$\u00a0500"))
    return config


def test_check_text_lines_and_exit_codes(run: Run, make_project: MakeProject) -> None:
    config = _checked_project(make_project, run)
    code, out, err = run("check", "--lang", "ru")
    assert code == 1
    lines = out.splitlines()
    assert lines and all(line.startswith("locales/ru/LC_MESSAGES/inline-markup.po:") for line in lines)
    assert any(": error: numbers: " in line for line in lines)
    assert "language" in err and "errors" in err
    # The source text as "translation": only warnings (untranslated, Latin in Cyrillic).
    fill_catalogs([_catalog(config, "inline-markup")], lambda m: m)
    code, out, _ = run("check", "--lang", "ru")
    assert code == 0 and ": error: " not in out and ": warning: untranslated: " in out
    code_strict, _, _ = run("check", "--lang", "ru", "--strict")
    assert code_strict == 1


def test_check_junit_and_json_files(run: Run, make_project: MakeProject, tmp_path: Path) -> None:
    _checked_project(make_project, run)
    code, _, _ = run("check", "--lang", "ru", "--format", "junit", "--output", str(tmp_path / "check.xml"))
    assert code == 1
    from lxml import etree

    root = etree.parse(str(tmp_path / "check.xml")).getroot()
    assert root.tag == "testsuites" and root.find("testsuite/testcase/failure") is not None
    code, out, _ = run("check", "--lang", "ru", "--format", "json")
    assert json.loads(out)["languages"]["ru"]["errors"] >= 1


def test_check_broken_catalog_is_an_input_error(run: Run, make_project: MakeProject) -> None:
    config = _project(make_project, INLINE)
    run("extract")
    _catalog(config, "inline-markup").write_text('msgid "x"\nmsgstr "y"\nnonsense\n', encoding="utf-8")
    code, _, err = run("check", "--lang", "ru")
    assert code == 2 and "inline-markup.po:3" in err and "Traceback" not in err


def test_glossary_commands(run: Run, make_project: MakeProject, tmp_path: Path) -> None:
    config = _project(make_project, INLINE)
    shutil.copytree(REPO / "glossary", config.root / "glossary")
    code, out, _ = run("glossary", "check")
    assert code == 0 and out == ""
    code, out, _ = run("glossary", "lookup", "Uyghurs in the camps of Kazakhstan's neighbour")
    assert code == 0 and "Uyghur [term]" in out and "Kazakhstan [term]" in out
    code, out, _ = run("glossary", "list", "--kind", "dnt")
    assert out.splitlines()[0].startswith("Bitter Winter [dnt]") and len(out.splitlines()) == 2
    for version in ("2", "3"):
        code, out, _ = run("glossary", "export", str(tmp_path / f"g{version}.tbx"), "--tbx", version)
        assert code == 0 and "exported 21 entries" in out
    code, out, _ = run("glossary", "import", str(tmp_path / "g2.tbx"))
    assert code == 0 and (config.root / "glossary" / "g2.csv").is_file()
    code, _, err = run("glossary", "import", str(tmp_path / "g2.tbx"))
    _assert_one_error_line(err, "--force")
    assert code == 2
    code, out, _ = run("glossary", "check")
    # the same entries twice now, every language kept: repeats, never conflicts
    assert code == 0 and "repeats the entry at glossary/bitter-winter.csv" in out and "conflict" not in out


def test_glossary_check_reports_file_and_line(run: Run, make_project: MakeProject) -> None:
    config = _project(make_project, INLINE)
    (config.root / "glossary").mkdir()
    (config.root / "glossary" / "bad.csv").write_text("en,ru,kind\nCCP,КПК,term\nXinjiang,,sometimes\n", encoding="utf-8")
    code, out, _ = run("glossary", "check")
    assert code == 1 and "glossary/bad.csv:3: error:" in out


def test_tm_export_and_import(run: Run, make_project: MakeProject, tmp_path: Path) -> None:
    config = _project(make_project, INLINE)
    run("extract")
    fill_catalogs([_catalog(config, "inline-markup")], lambda m: m)  # reviewed
    code, out, _ = run("tm", "export", str(tmp_path / "out.tmx"), "--lang", "ru")
    assert code == 0 and "translation units" in out
    from lxml import etree

    tmx = etree.parse(str(tmp_path / "out.tmx")).getroot()
    assert tmx.get("version") == "1.4" and len(tmx.findall("body/tu")) >= 10
    code, out, _ = run("tm", "import", str(DATA / "memory" / "agency.tmx"))
    assert code == 0 and (config.root / "memory" / "agency.tmx").is_file() and "ru:" in out
    broken = tmp_path / "broken.tmx"
    broken.write_text("<tmx version='1.4'><body><tu>", encoding="utf-8")
    code, _, err = run("tm", "import", str(broken))
    _assert_one_error_line(err, "broken.tmx")
    assert code == 2


# --- init, global flags and usage errors ----------------------------------------------------


def test_init_makes_a_project_that_extracts(run: Run, tmp_path: Path) -> None:
    code, out, err = run("init", "--target", "ru", "--target", "kk")
    assert (code, err) == (0, "") and "created a translate-flow project" in out
    config = load_config(tmp_path / "translate-flow.toml")
    assert [t.tag for t in config.targets] == ["ru", "kk"]
    code, out, err = run("extract")
    assert (code, err) == (0, "") and "locales/templates/welcome.pot" in out
    code, _, err = run("init")
    assert code == 2
    _assert_one_error_line(err, "translate-flow: error:", "exists already")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"translate-flow {__version__}\n"


@pytest.mark.parametrize(
    "argv", [("-q", "extract"), ("extract", "--quiet"), ("--quiet", "extract", "-q")],
    ids=["before-the-command", "after-the-command", "both"],
)
def test_quiet_before_or_after_the_command(argv: tuple[str, ...], make_project: MakeProject, run: Run) -> None:
    _project(make_project, SECOND)
    assert run("extract")[1] != ""
    assert run(*argv) == (0, "", "")


USAGE_ERRORS = [
    ("run-jobs", ("run", "--jobs", "0"), "--jobs must be at least 1"),
    ("glossary-export-format", ("glossary", "export", "glossary.txt"), "export to a .csv or .tbx file"),
    ("models-info-pair", ("models", "info", "enru"), "not a language pair"),
    ("models-remove-pair", ("models", "remove", "en-ru-kk"), "not a language pair"),
]


@pytest.mark.parametrize(("argv", "expected"), [case[1:] for case in USAGE_ERRORS], ids=[c[0] for c in USAGE_ERRORS])
def test_usage_errors_are_one_line(argv: tuple[str, ...], expected: str, make_project: MakeProject, run: Run) -> None:
    _project(make_project, SECOND)
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    _assert_one_error_line(err, "translate-flow: error:", expected)


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every command and action that runs something, with the words that name it."""
    found: list[tuple[tuple[str, ...], argparse.ArgumentParser]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _commands(sub, (*prefix, name))
            return found
    return [(prefix, parser)]


COMMANDS = _commands(cli.parser())


@pytest.mark.parametrize("sub", [sub for _, sub in COMMANDS], ids=[" ".join(words) for words, _ in COMMANDS])
def test_every_command_has_a_handler(sub: argparse.ArgumentParser) -> None:
    assert callable(sub.get_default("handler"))


def test_every_command_is_listed() -> None:
    assert sorted(" ".join(words) for words, _ in COMMANDS) == [
        "approve", "build", "check", "extract",
        "glossary check", "glossary export", "glossary import", "glossary list", "glossary lookup",
        "init", "models available", "models info", "models install", "models list", "models remove",
        "review", "run", "stats", "tm export", "tm import", "translate",
    ]


# --- problems: one way to print them, whichever module made them ---------------------------------

PROBLEMS = [
    ("input-with-line", "a.po", 3, "input", "a.po:3: error: bad line"),
    ("input-without-line", "a.po", 0, "input", "a.po: error: bad line"),
    ("finding", "b.po", 12, "finding", "b.po:12: finding: bad line"),
]


@pytest.mark.parametrize(
    ("path", "line", "problem_kind", "expected"), [case[1:] for case in PROBLEMS], ids=[c[0] for c in PROBLEMS]
)
def test_problems_print_as_editors_read_them(path: str, line: int, problem_kind: str, expected: str) -> None:
    err = io.StringIO()
    output.show_problem(errors.Problem(path, "bad line", line, problem_kind), err)  # type: ignore[arg-type]
    assert err.getvalue() == expected + "\n"


@pytest.mark.parametrize(
    ("kinds", "warnings", "code"),
    [((), (), 0), ((), ("a warning",), 0), (("finding",), (), 1), (("finding", "input"), (), 2), (("input",), (), 2)],
    ids=["nothing", "warnings-only", "findings", "findings-and-input", "input"],
)
def test_report_exit_codes(kinds: tuple[str, ...], warnings: tuple[str, ...], code: int) -> None:
    err = io.StringIO()
    problems = [errors.Problem(f"{n}.po", "m", kind="input" if k == "input" else "finding") for n, k in enumerate(kinds)]
    assert output.report(problems, warnings, err) == code
    lines = err.getvalue().splitlines()
    assert lines[:len(warnings)] == [f"translate-flow: warning: {w}" for w in warnings]
    assert len(lines) == len(warnings) + len(kinds)
