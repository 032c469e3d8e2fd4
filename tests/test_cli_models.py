"""``translate-flow models`` outside a project, and what ``translate`` says when a language has no model.

Packages are real ``.argosmodel`` files built by tests/modelfactory.py; downloads are real
HTTP from tests/packageserver.py on 127.0.0.1. Every command runs as a user runs it,
``python -m translate_flow`` in a folder, with the Argos settings in its environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import modelfactory as mf
import pytest
from conftest import PAGES, REPO, write_config
from packageserver import Dist, Server

from translate_flow import models, pipeline
from translate_flow.config import ModelSettings, load_config

INLINE = PAGES / "inline-markup.html"


def _environment(tmp_path: Path, **more: str) -> dict[str, str]:
    """The environment of a user whose Argos packages live under *tmp_path*."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "ARGOS_PACKAGES_DIR": str(tmp_path / "user-packages"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("ARGOS_PACKAGE_INDEX", None)
    env.update(more)
    return env


def _cli(cwd: Path, env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "translate_flow", *argv], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def _installed(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder that is no project, nor inside one."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    assert not any((parent / "translate-flow.toml").exists() for parent in (folder, *folder.parents))
    return folder


# --- outside a project ---------------------------------------------------------------------------


def test_models_manage_the_users_packages_outside_a_project(
    elsewhere: Path, tmp_path: Path, server: Server, dist: Dist
) -> None:
    server.publish([dist["en_ru-1.1"], dist["en_zh-1.0"]])
    env = _environment(tmp_path, ARGOS_PACKAGE_INDEX=server.base)  # argospm's setting: a folder URL
    packages = tmp_path / "user-packages"
    shutil.copy(dist["en_ru-1.0"].path, elsewhere)

    result = _cli(elsewhere, env, "models", "install", "./translate-en_ru-1_0.argosmodel")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"installed translate-en_ru 1.0 in {packages}\n"
    assert _installed(packages) == ["translate-en_ru-1_0"]

    result = _cli(elsewhere, env, "models", "list")
    assert result.returncode == 0 and result.stdout.splitlines() == [
        f"packages in {packages}:", "  en-ru  translate-en_ru 1.0  (English → Russian)"]

    result = _cli(elsewhere, env, "models", "available")
    assert result.returncode == 0, result.stderr
    assert [line.split("  ")[:2] for line in result.stdout.splitlines()] == [
        ["en-ru", "translate-en_ru 1.1"], ["en-zh", "translate-en_zh 1.0"]]
    assert "/index.json" in server.requests

    result = _cli(elsewhere, env, "models", "install", "translate-en_zh")  # argospm's package name
    assert result.returncode == 0 and "installed translate-en_zh 1.0" in result.stdout, result.stderr
    assert "/translate-en_zh-1_0.argosmodel" in server.requests

    result = _cli(elsewhere, env, "models", "install", server.url(dist["en_ru-1.1"].path.name))
    assert result.returncode == 0 and "installed translate-en_ru 1.1" in result.stdout, result.stderr
    assert _installed(packages) == ["translate-en_ru-1_1", "translate-en_zh-1_0"]

    result = _cli(elsewhere, env, "models", "info", "en-ru")
    assert result.returncode == 0 and f"installed: {packages / 'translate-en_ru-1_1'}" in result.stdout

    result = _cli(elsewhere, env, "models", "remove", "translate-en_zh")
    assert result.returncode == 0 and result.stdout == f"removed translate-en_zh 1.0 from {packages}\n"
    assert _installed(packages) == ["translate-en_ru-1_1"]
    assert not (elsewhere / "translate-flow.toml").exists() and _installed(elsewhere) == [
        "translate-en_ru-1_0.argosmodel"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["models", "install", "--for-project"], "--for-project installs what a project's languages need, "
                                                  "but there is no translate-flow.toml in"),
        (["models", "install", "en-ru", "--for-project"], "--for-project installs what"),
        (["models", "remove", "en-ru"], "nothing to remove"),
        (["models", "info", "translate-en_ru_kk"], "not a language pair"),
    ],
    ids=["for-project", "pair-and-for-project", "remove-nothing", "bad-name"],
)
def test_models_errors_outside_a_project_are_one_line(
    elsewhere: Path, tmp_path: Path, argv: list[str], expected: str
) -> None:
    result = _cli(elsewhere, _environment(tmp_path), *argv)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("translate-flow: error: ") and expected in line
    assert not (tmp_path / "user-packages").exists()  # nothing was installed half-way


# --- inside a project ----------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["root", "subfolder", "--config"])
def test_models_in_a_project_use_its_models_settings(
    elsewhere: Path, tmp_path: Path, dist: Dist, where: str
) -> None:
    project = tmp_path / "project"
    (project / "articles").mkdir(parents=True)
    config = write_config(project, ("ru",), f'\n[models]\npackages_dir = "{tmp_path / "project-packages"}"\n')
    cwd, flags = {"root": (project, []), "subfolder": (project / "articles", []),
                  "--config": (elsewhere, ["--config", str(config)])}[where]
    result = _cli(cwd, _environment(tmp_path), *flags, "models", "install", str(dist["en_ru-1.0"].path))
    assert result.returncode == 0, result.stderr
    assert _installed(tmp_path / "project-packages") == ["translate-en_ru-1_0"]
    assert _installed(tmp_path / "user-packages") == []


def test_a_broken_project_file_is_reported_not_skipped(elsewhere: Path, tmp_path: Path) -> None:
    (elsewhere / "translate-flow.toml").write_text("[project\n", encoding="utf-8")
    result = _cli(elsewhere, _environment(tmp_path), "models", "list")
    assert result.returncode == 2 and "invalid TOML" in result.stderr and "packages in" not in result.stdout


# --- the places, as the library sees them ----------------------------------------------------------


@pytest.mark.parametrize(
    ("environment", "settings_file", "expected"),
    [
        ({}, None, models.DEFAULT_INDEX_URL),
        ({"ARGOS_PACKAGE_INDEX": "http://mirror.test/argos"}, None, "http://mirror.test/argos/"),
        ({"ARGOS_PACKAGE_INDEX": "http://mirror.test/argos/"}, None, "http://mirror.test/argos/"),
        ({"ARGOS_PACKAGE_INDEX": "/srv/argos/index.json"}, None, "/srv/argos/index.json"),
        ({}, "file:///srv/argos", "file:///srv/argos/"),
        ({"ARGOS_PACKAGE_INDEX": "http://env.test/"}, "http://file.test/", "http://env.test/"),
    ],
    ids=["standard", "environment", "environment-slash", "json-file", "settings-json", "environment-first"],
)
def test_the_default_index_is_the_one_argospm_reads(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, environment: dict[str, str], settings_file: str | None,
    expected: str,
) -> None:
    monkeypatch.delenv("ARGOS_PACKAGE_INDEX", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    if settings_file is not None:
        (tmp_path / "argos-translate").mkdir()
        (tmp_path / "argos-translate" / "settings.json").write_text(
            json.dumps({"ARGOS_PACKAGE_INDEX": settings_file}), encoding="utf-8")
    assert models.default_index_url() == expected
    assert models.PackageSources.of().index_url == expected
    assert models.PackageSources.of(ModelSettings(index_url="http://configured.test/i.json")).index_url == (
        "http://configured.test/i.json")


def test_package_sources_follow_the_settings_then_the_users_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "env-packages"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    user = models.PackageSources.of()
    assert user.packages_dir == tmp_path / "env-packages"
    assert user.cache_dir == tmp_path / "cache" / "translate-flow" / "packages"
    assert (user.timeout, user.pivot) == (ModelSettings().timeout, "en")
    configured = models.PackageSources.of(
        ModelSettings(packages_dir=tmp_path / "mine", timeout=3, pivot=""), index_url="http://asked.test/")
    assert (configured.packages_dir, configured.index_url, configured.timeout, configured.pivot) == (
        tmp_path / "mine", "http://asked.test/", 3, None)


def test_the_known_index_is_the_last_fetched_or_a_local_file(tmp_path: Path, server: Server, dist: Dist) -> None:
    url = server.publish([dist["en_ru-1.0"]])
    sources = models.PackageSources.of(ModelSettings(cache_dir=tmp_path / "cache"), index_url=url)
    assert sources.known_index() is None  # never fetched: nothing is claimed
    assert [p.describe() for p in sources.index()] == ["translate-en_ru 1.0"]
    asked = len(server.requests)
    assert [p.describe() for p in sources.known_index() or []] == ["translate-en_ru 1.0"]
    assert len(server.requests) == asked  # known without asking the server again
    local = models.PackageSources.of(ModelSettings(cache_dir=tmp_path / "other"), index_url=str(server.root))
    assert [p.describe() for p in local.known_index() or []] == ["translate-en_ru 1.0"]
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert models.PackageSources.of(index_url=str(tmp_path / "broken.json")).known_index() is None



def test_the_copy_argospm_update_saved_is_a_known_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ARGOS_PACKAGE_INDEX", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    sources = models.PackageSources.of(ModelSettings(cache_dir=tmp_path / "cache"))
    assert sources.known_index() is None
    (tmp_path / "data" / "argos-translate").mkdir(parents=True)
    (tmp_path / "data" / "argos-translate" / "index.json").write_text(  # as `argospm update` writes it
        json.dumps([mf.package_metadata("en", "ru", package_version="1.9", links=["https://example.org/x"])]),
        encoding="utf-8")
    assert [p.describe() for p in sources.known_index() or []] == ["translate-en_ru 1.9"]
    # A copy of argospm's index says nothing about another one.
    assert models.PackageSources.of(index_url="http://mirror.test/index.json").known_index() is None


# --- translate without a model ---------------------------------------------------------------------


def _kk_ru_project(tmp_path: Path, index: str) -> Path:
    project = tmp_path / "project"
    (project / "articles").mkdir(parents=True)
    shutil.copy(INLINE, project / "articles")
    write_config(project, ("kk", "ru"), f"""
[models]
packages_dir = "{tmp_path / 'project-packages'}"
cache_dir = "{tmp_path / 'project-cache'}"
index_url = "{index}"
timeout = 5
""")
    return project


def _errors(stderr: str) -> dict[str, str]:
    return dict(line.split(": error: ", 1) for line in stderr.splitlines() if ": error: " in line)


def test_translate_without_models_says_what_the_index_offers_and_exits_as_run_does(
    tmp_path: Path, server: Server, dist: Dist
) -> None:
    project = _kk_ru_project(tmp_path, server.publish([dist["en_ru-1.1"], dist["en_zh-1.0"]]))
    env = _environment(tmp_path)
    assert _cli(project, env, "extract").returncode == 0

    before = _cli(project, env, "translate")
    errors = _errors(before.stderr)
    assert before.returncode == 2 and list(errors) == ["kk", "ru"] and "Traceback" not in before.stderr
    for tag, message in errors.items():  # the index was never fetched: nothing is claimed about it
        assert f"no Argos package for en -> {tag} is installed in {tmp_path / 'project-packages'}" in message
        assert "`translate-flow models install --for-project` to install one if the package index has it" in message
    assert server.requests == []  # translate never goes to the network

    assert _cli(project, env, "models", "available").returncode == 0  # fetches and keeps the index
    after = _cli(project, env, "translate")
    errors = _errors(after.stderr)
    assert after.returncode == 2 and list(errors) == ["kk", "ru"]
    assert f"the package index ({server.url('index.json')}) has no Argos package for en -> kk;" in errors["kk"]
    assert 'under [models.pairs."en-kk"]' in errors["kk"] and 'target_token "kaz_Cyrl"' in errors["kk"]
    assert "ct2-transformers-converter" in errors["kk"] and "models install" not in errors["kk"]
    assert errors["ru"] == ("no model translates en to ru yet: it takes translate-en_ru 1.1 (to install from the "
                            "package index); run `translate-flow models install --for-project`")

    lines = after.stdout.splitlines()
    assert lines[0].startswith("kk: no model, ") and lines[0].endswith(" entries left untranslated "
                                                                       "(the error below says how to get one)")
    assert lines[1].startswith("ru: no model, ")
    assert lines[-1] == "nothing translated: no model for kk, ru (the errors below say how to get one)"
    assert "0 segments translated" not in after.stdout
    assert _cli(project, env, "run").returncode == after.returncode  # the same case, the same exit


def test_translate_with_a_model_for_one_language_names_the_other(
    tmp_path: Path, server: Server, dist: Dist
) -> None:
    project = _kk_ru_project(tmp_path, server.publish([dist["en_ru-1.0"]]))
    env = _environment(tmp_path)
    assert _cli(project, env, "extract").returncode == 0
    installed = _cli(project, env, "models", "install", "--for-project")
    assert installed.returncode == 1 and "installed translate-en_ru 1.0" in installed.stdout
    assert 'models.pairs."en-kk"' in installed.stderr and "kaz_Cyrl" in installed.stderr

    result = _cli(project, env, "translate")
    assert result.returncode == 2 and list(_errors(result.stderr)) == ["kk"]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("kk: no model, ") and lines[1].startswith("ru: ") and " from the model with " in lines[1]
    assert lines[-1].endswith("; no model for kk, left untranslated")
    assert int(lines[-1].split()[0]) > 0


def test_the_translate_report_counts_what_waits_for_a_model(tmp_path: Path, server: Server, dist: Dist) -> None:
    config = load_config(_kk_ru_project(tmp_path, server.publish([dist["en_ru-1.0"]])) / "translate-flow.toml")
    pipeline.extract(config)
    report = pipeline.translate(config)
    assert report.without_engine == ("kk", "ru") and report.from_model == 0
    waiting = {run.language: run.waiting for run in report.languages}
    assert waiting["kk"] == waiting["ru"] > 0
    assert [problem.path for problem in report.problems] == ["kk", "ru"]
    assert all(problem.kind == "input" for problem in report.problems)


def test_info_on_a_pair_nobody_has_says_where_it_looked(
    elsewhere: Path, tmp_path: Path, server: Server, dist: Dist
) -> None:
    index = server.publish([dist["en_ru-1.0"]])
    result = _cli(elsewhere, _environment(tmp_path), "models", "info", "en-kk", "--index", index)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert f"no package for en-kk is installed in {tmp_path / 'user-packages'} or in the package index ({index})" in line
    assert "`translate-flow models available`" in line
