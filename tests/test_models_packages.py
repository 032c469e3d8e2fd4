"""Where packages live, what they are called, and which ones are installed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import modelfactory as mf
from packageserver import Dist
from translate_flow import models
from translate_flow.models import PackageInfo


# --------------------------------------------------------------------------- locations


@pytest.mark.parametrize(
    ("env", "settings", "explicit", "expected"),
    [
        pytest.param(
            {"ARGOS_PACKAGES_DIR": "{tmp}/env"}, None, "{tmp}/explicit", "{tmp}/explicit",
            id="explicit-argument-wins",
        ),
        pytest.param(
            {"ARGOS_PACKAGES_DIR": "{tmp}/env", "XDG_DATA_HOME": "{tmp}/xdg"},
            None, None, "{tmp}/env", id="ARGOS_PACKAGES_DIR",
        ),
        pytest.param(
            {"XDG_DATA_HOME": "{tmp}/xdg"}, "{tmp}/from-settings", None, "{tmp}/from-settings",
            id="argos-settings.json",
        ),
        pytest.param(
            {"XDG_DATA_HOME": "{tmp}/xdg"}, None, None, "{tmp}/xdg/argos-translate/packages",
            id="XDG_DATA_HOME",
        ),
        pytest.param(
            {}, None, None, "{tmp}/home/.local/share/argos-translate/packages", id="home-default"
        ),
        pytest.param(
            {"XDG_DATA_HOME": "relative/ignored"}, None, None,
            "{tmp}/home/.local/share/argos-translate/packages", id="relative-XDG-ignored",
        ),
    ],
)
def test_default_packages_dir_follows_argospm(
    env: dict[str, str],
    settings: str | None,
    explicit: str | None,
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("ARGOS_PACKAGES_DIR", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name, value in env.items():
        monkeypatch.setenv(name, value.format(tmp=tmp_path))
    if settings is not None:
        config = tmp_path / "config" / "argos-translate"
        config.mkdir(parents=True)
        (config / "settings.json").write_text(
            json.dumps({"ARGOS_PACKAGES_DIR": settings.format(tmp=tmp_path)}), encoding="utf-8"
        )
    given = Path(explicit.format(tmp=tmp_path)) if explicit else None
    assert models.default_packages_dir(given) == Path(expected.format(tmp=tmp_path))
    assert not Path(expected.format(tmp=tmp_path)).exists()  # found, not created


def test_argostranslate_settings_stay_in_the_sandbox(argos_home: Path, tmp_path: Path) -> None:
    models.installed_packages(tmp_path)  # imports argostranslate, if nothing did before
    from argostranslate import settings  # type: ignore[import-untyped]

    for folder in (settings.data_dir, settings.config_dir, settings.cache_dir,
                   settings.package_data_dir):
        assert Path(folder).is_relative_to(argos_home)


def test_package_name_is_the_argospm_name() -> None:
    from argostranslate.package import (  # type: ignore[import-untyped]
        AvailablePackage,
        argospm_package_name,
    )

    metadata = mf.package_metadata("en", "zh", package_version="1.9")
    info = PackageInfo("en", "zh", "1.9")
    assert info.name == argospm_package_name(AvailablePackage(metadata)) == "translate-en_zh"
    assert info.cache_filename == "translate-en_zh-1_9.argosmodel"


def test_installed_packages_warns_about_folders_that_are_not_packages(
    dist: Dist, tmp_path: Path
) -> None:
    packages = tmp_path / "packages"
    good = models.install_file(dist["en_ru-1.0"].path, packages)
    (packages / "stray").mkdir()
    (packages / "broken").mkdir()
    (packages / "broken" / "metadata.json").write_text("{not json")
    (packages / "wrong-types").mkdir()
    (packages / "wrong-types" / "metadata.json").write_text('{"from_code": "en", "to_code": 7}')
    (packages / ".installing-abc123").mkdir()
    (packages / "README.txt").write_text("a file, not a package")

    found, warnings_ = models.installed_packages(packages)

    assert found == [good]
    assert len(warnings_) == 4
    assert warnings_[0].startswith(f"{packages / '.installing-abc123'}: left over from an")
    assert warnings_[1].startswith(f"{packages / 'broken' / 'metadata.json'}: unreadable")
    assert warnings_[2].startswith(f"{packages / 'stray'}: no metadata.json, so not an Argos")
    assert warnings_[3].startswith(
        f"{packages / 'wrong-types' / 'metadata.json'}: 'to_code' must be a string"
    )
    # What this guards against: argostranslate's own listing raises on such folders.
    from argostranslate.package import get_installed_packages

    with pytest.raises((FileNotFoundError, ValueError)):
        get_installed_packages([packages])
    assert models.installed_packages(tmp_path / "absent") == ([], [])
