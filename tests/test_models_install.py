"""Installing and removing real (tiny) Argos packages, and translating with one.

Nothing is mocked: the index and the packages are served by ``http.server`` on 127.0.0.1
and built by ``modelfactory``.
"""

from __future__ import annotations

import stat
from pathlib import Path

import ctranslate2  # type: ignore[import-untyped]
import pytest
import sentencepiece as spm

from packageserver import Dist, Server, hidden_entries
from translate_flow import models
from translate_flow.errors import ModelError, ModelNotFound, PackageError
from translate_flow.models import PackageInfo


# --------------------------------------------------------------------------- installs


def _translate_one_sentence(package_dir: Path) -> list[str]:
    tokenizer = spm.SentencePieceProcessor(model_file=str(package_dir / "sentencepiece.model"))
    tokens = tokenizer.encode("The government approved a new budget on Monday.", out_type=str)
    translator = ctranslate2.Translator(str(package_dir / "model"), device="cpu")
    [result] = translator.translate_batch([tokens], max_decoding_length=5)
    hypothesis: list[str] = result.hypotheses[0]
    return hypothesis


def test_install_from_index_installs_the_newest_version_that_translates(
    server: Server, dist: Dist, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.publish([dist["en_ru-1.0"], dist["en_ru-1.1"], dist["en_zh-1.0"]])
    index = models.fetch_index(url, timeout=5)
    packages, cache = tmp_path / "packages", tmp_path / "cache"
    seen: list[tuple[int, int | None]] = []

    installed = models.install_from_index(
        "en", "ru", index, packages, cache, timeout=5, progress=lambda d, t: seen.append((d, t))
    )

    assert (installed.pair, installed.package_version) == (("en", "ru"), "1.1")
    assert installed.path == packages / "translate-en_ru-1_1"
    assert installed.size is not None and installed.size > 0
    assert seen[-1] == (dist["en_ru-1.1"].path.stat().st_size,) * 2
    assert models.installed_packages(packages) == ([installed], [])
    assert models.find_installed(packages, "en", "ru") == installed
    assert models.find_installed(packages, "en", "zh") is None
    assert sorted(p.name for p in packages.iterdir()) == ["translate-en_ru-1_1"]
    assert (cache / "translate-en_ru-1_1.argosmodel").is_file()  # kept for a reinstall

    tokens = _translate_one_sentence(installed.path)
    assert 0 < len(tokens) <= 5
    assert capsys.readouterr() == ("", "")  # the module never prints

    uncovered = r'no Argos package for en -> kk.*\[models.pairs."en-kk"\]'
    with pytest.raises(ModelNotFound, match=uncovered):
        models.install_from_index("en", "kk", index, packages, cache, timeout=5)


def test_install_from_index_rejects_a_download_that_is_another_package(
    server: Server, dist: Dist, tmp_path: Path
) -> None:
    server.publish([dist["en_zh-1.0"]])
    liar = PackageInfo("en", "ru", "1.0", links=(server.url(dist["en_zh-1.0"].path.name),))
    wrong = "holds translate-en_zh 1.0, but the index announced translate-en_ru 1.0"
    with pytest.raises(PackageError, match=wrong) as caught:
        models.install_from_index(
            "en", "ru", [liar], tmp_path / "packages", tmp_path / "cache", timeout=5
        )
    assert caught.value.path == str(tmp_path / "cache" / liar.cache_filename)
    assert caught.value.message.startswith("holds translate-en_zh 1.0")
    assert list((tmp_path / "cache").iterdir()) == []  # a retry downloads afresh
    assert hidden_entries(tmp_path / "packages") == []


def test_install_url_checks_the_given_checksum(server: Server, dist: Dist, tmp_path: Path) -> None:
    built = dist["en_zh-1.0"]
    server.publish([built])
    packages, cache = tmp_path / "packages", tmp_path / "cache"
    url = server.url(built.path.name)
    with pytest.raises(PackageError, match="fails its SHA-256 check"):
        models.install_url(url, packages, cache, timeout=5, sha256="ab" * 32)
    assert not packages.exists()

    installed = models.install_url(url, packages, cache, timeout=5, sha256=built.sha256)
    assert (installed.pair, installed.path) == (("en", "zh"), packages / "translate-en_zh-1_0")
    assert list(cache.iterdir()) == []  # the temporary download is gone

    (server.root / "page.argosmodel").write_text("<html>not found</html>")
    with pytest.raises(PackageError, match=rf"^{server.url('page.argosmodel')}: not a zip archive"):
        models.install_url(server.url("page.argosmodel"), packages, cache, timeout=5)


def test_a_given_checksum_that_is_not_one_is_refused_before_any_download(
    server: Server, dist: Dist, tmp_path: Path
) -> None:
    url = server.publish([dist["en_zh-1.0"]])
    with pytest.raises(PackageError) as caught:
        models.install_url(url, tmp_path / "packages", tmp_path / "cache", sha256="md5:abc")
    assert caught.value.path is None  # a command-line value, not a file
    assert str(caught.value) == (
        "the given checksum: checksum 'md5:abc' is not a SHA-256 hex digest; fix the index entry"
    )
    assert server.requests == []


def test_install_file_replaces_the_installed_package_of_the_pair(
    dist: Dist, tmp_path: Path
) -> None:
    packages = tmp_path / "packages"
    old = models.install_file(dist["en_ru-1.0"].path, packages)
    other = models.install_file(dist["en_zh-1.0"].path, packages)
    assert old.path == packages / "translate-en_ru-1_0"

    new = models.install_file(dist["en_ru-1.1"].path, packages)
    again = models.install_file(dist["en_ru-1.1"].path, packages)  # same folder name

    assert new == again
    listed, warnings_ = models.installed_packages(packages)
    assert listed == [new, other] and warnings_ == []
    assert sorted(p.name for p in packages.iterdir()) == [
        "translate-en_ru-1_1", "translate-en_zh-1_0"
    ]
    assert stat.S_IMODE((packages / "translate-en_ru-1_1").stat().st_mode) == 0o755


def test_install_file_leaves_a_foreign_folder_of_the_same_name_alone(
    dist: Dist, tmp_path: Path
) -> None:
    packages = tmp_path / "packages"
    squatter = packages / "translate-en_ru-1_0"
    squatter.mkdir(parents=True)
    (squatter / "notes.txt").write_text("mine")
    with pytest.raises(ModelError, match="already exists and is not an installed en -> ru package"):
        models.install_file(dist["en_ru-1.0"].path, packages)
    assert [p.name for p in squatter.iterdir()] == ["notes.txt"]
    assert hidden_entries(packages) == []


def test_remove_uninstalls_and_keeps_the_target_of_a_linked_package(
    dist: Dist, tmp_path: Path
) -> None:
    packages = tmp_path / "packages"
    installed = models.install_file(dist["en_ru-1.0"].path, packages)
    assert models.remove(packages, "en", "ru") == installed
    assert list(packages.iterdir()) == []
    with pytest.raises(ModelNotFound, match="no en -> ru package is installed"):
        models.remove(packages, "en", "ru")

    elsewhere = models.install_file(dist["en_zh-1.0"].path, tmp_path / "elsewhere")
    assert elsewhere.path is not None
    (packages / "linked").symlink_to(elsewhere.path, target_is_directory=True)
    assert models.remove(packages, "en", "zh").path == packages / "linked"
    assert list(packages.iterdir()) == []
    assert (elsewhere.path / "model" / "model.bin").is_file()
