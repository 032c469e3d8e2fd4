"""The project configuration: a broken file is a ConfigError that names the file as an
attribute and says in its message what is wrong; [checks] is read by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate_flow.config import load_config
from translate_flow.errors import ConfigError, LanguageError

BASE = '[project]\nname = "site"\nsource_language = "en"\ntarget_languages = ["ru"]\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[project\n", "invalid TOML"),
        ('[colours]\nred = 1\n', "unknown table [colours]"),
        (BASE + "[build]\nflavour = 1\n", "unknown setting 'flavour' in [build]"),
        (BASE + "[build]\nuse_fuzzy = 1\n", "[build] use_fuzzy has the wrong type (int)"),
        ('[project]\ntarget_languages = []\n', "[project] target_languages is empty"),
        ('[project]\ntarget_languages = ["en"]\n', "the source language 'en' is also a target"),
        (BASE + "[build]\ndate_format = \"brief\"\n", "[build] date_format must be one of"),
        (BASE + "[build]\nurl_template = \"{page}\"\n", "[build] url_template '{page}' is not a valid template"),
        (BASE + "[build]\nbase_url = \"news.example\"\n", "[build] base_url 'news.example' must be an absolute"),
        (BASE + "[build]\nalternate_languages = [\"ru\"]\n", "[build] alternate_languages lists 'ru'"),
        (BASE + "[build]\nalternate_languages = [1]\n", "[build] alternate_languages must be a list of language"),
        (BASE + "[translate]\nengine = \"magic\"\n", "[translate] engine must be one of"),
        (BASE + '[models.pairs.enru]\npath = "m"\n', '[models.pairs."enru"]: name pairs SOURCE-TARGET'),
        (BASE + '[models.pairs."en-ru"]\nsentencepiece = "s"\n', "[models.pairs.\"en-ru\"] needs 'path'"),
        (BASE + '[models.pairs."en-ru"]\npath = "m"\nsentencepiece = " "\n', "[models.pairs.\"en-ru\"] needs 'sentencepiece'"),
        (BASE + "[checks]\nnumbres = false\n", "[checks] unknown check 'numbres' (did you mean 'numbers'?)"),
        (BASE + '[checks]\nnumbers = "fatal"\n', "[checks] severity of numbers must be one of"),
    ],
    ids=["toml", "table", "setting", "type", "no-targets", "source-is-target", "date-format",
         "template", "base-url", "alternate-built", "alternate-type", "engine", "pair-name", "pair-path", "pair-empty-sentencepiece", "check-name", "check-severity"],
)
def test_a_broken_configuration_names_its_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "translate-flow.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert error.path == str(path)
    assert error.message.startswith(message), error.message
    assert str(path) not in error.message
    assert str(error) == f"{path}: {error.message}"


@pytest.mark.parametrize("written", ['target_sentencepiece = ""\n', ""], ids=["empty", "absent"])
def test_a_pair_without_a_target_sentencepiece_uses_the_sources(tmp_path: Path, written: str) -> None:
    path = tmp_path / "translate-flow.toml"
    path.write_text(BASE + f'[models.pairs."en-ru"]\npath = "m"\nsentencepiece = "m/spm.model"\n{written}', encoding="utf-8")
    pair = load_config(path).models.pairs["en-ru"]
    assert pair.target_sentencepiece == pair.sentencepiece == tmp_path / "m" / "spm.model"


def test_a_missing_configuration_names_its_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert (caught.value.path, caught.value.message) == (str(path), "configuration file not found")


def test_an_unknown_language_is_a_language_error_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "translate-flow.toml"
    path.write_text('[project]\ntarget_languages = ["xx-nowhere"]\n', encoding="utf-8")
    with pytest.raises(LanguageError) as caught:
        load_config(path)
    assert caught.value.path == str(path) and str(path) not in caught.value.message


def test_checks_table_sets_each_check(tmp_path: Path) -> None:
    path = tmp_path / "translate-flow.toml"
    path.write_text(BASE + '[checks]\ndoubled-words = false\nnumbers = "warning"\n', encoding="utf-8")
    checks = load_config(path).checks
    assert not checks.is_enabled("doubled-words") and checks.is_enabled("numbers")
    assert dict(checks.severity) == {"numbers": "warning"}


def test_build_urls_are_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "translate-flow.toml"
    path.write_text(BASE + '[build]\nbase_url = "https://news.example/intl"\nalternate_languages = ["fr", "de-CH"]\n',
                    encoding="utf-8")
    build = load_config(path).build
    assert (build.base_url, build.alternate_languages) == ("https://news.example/intl/", ("fr", "de-CH"))
