"""Shared fixtures: throwaway projects on disk and checks every catalog must pass."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import polib
import pytest

from translate_flow.cli import main
from translate_flow.config import Config, load_config

# The package index server's fixtures (`server`, `dist`), for every test module.
pytest_plugins = ["packageserver"]

DATA = Path(__file__).parent / "data"
PAGES = DATA / "pages"
REPO = Path(__file__).resolve().parent.parent
SAMPLE_ARTICLE = REPO / "articles" / "bilash-free-but-silenced.html"

CONFIG_TEMPLATE = """\
[project]
name = "test-project"
version = "1.0"
source_language = "{source}"
target_languages = {targets}

[build]
min_complete = 0
# Most tests build from catalogs nobody translated; they are about other things than the
# rule that keeps such pages unpublished (tests/test_publishing.py tests that rule).
publish_untranslated = true
"""

MakeProject = Callable[..., Config]
PROXY_VARIABLES = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


@pytest.fixture(scope="session", autouse=True)
def argos_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A throwaway $HOME for the whole run, set before argostranslate is first imported.

    argostranslate reads its settings and creates its folders once, at import; listing
    installed packages imports it, so it must find this environment and never the user's.
    """
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_DATA_HOME", str(home / "data"))
        patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
        patch.setenv("XDG_CACHE_HOME", str(home / "cache"))
        patch.setenv("ARGOS_PACKAGES_DIR", str(home / "argos-packages"))
        for name in PROXY_VARIABLES:
            patch.delenv(name, raising=False)
        patch.setenv("no_proxy", "127.0.0.1,localhost")
        yield home


def write_config(
    root: Path, targets: Iterable[str] = ("kk", "ru", "zh-Hans"), extra: str = "", source: str = "en"
) -> Path:
    """Write a translate-flow.toml for *source* and *targets* into *root*."""
    listed = "[" + ", ".join(f'"{t}"' for t in targets) + "]"
    path = root / "translate-flow.toml"
    path.write_text(CONFIG_TEMPLATE.format(targets=listed, source=source) + extra, encoding="utf-8")
    return path


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Create a project in a temporary folder from page files or (name, bytes) pairs."""

    def make(
        pages: Iterable[Path | tuple[str, bytes | str]] = (),
        targets: Iterable[str] = ("kk", "ru", "zh-Hans"),
        extra: str = "",
        source: str = "en",
    ) -> Config:
        articles = tmp_path / "articles"
        articles.mkdir(exist_ok=True)
        for page in pages:
            if isinstance(page, Path):
                shutil.copy(page, articles / page.name)
            else:
                name, content = page
                data = content.encode("utf-8") if isinstance(content, str) else content
                (articles / name).write_bytes(data)
        return load_config(write_config(tmp_path, targets, extra, source))

    return make


def msgfmt_check(path: Path) -> None:
    """Fail unless GNU msgfmt accepts the catalog with all its checks."""
    result = subprocess.run(
        ["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, f"msgfmt -c {path}:\n{result.stderr}"


def fill_catalogs(paths: Iterable[Path], translate: Callable[[str], str], *, fuzzy: bool = False) -> None:
    """Give every entry of the catalogs at *paths* a translation, as a translator would."""
    for path in paths:
        po = polib.pofile(str(path), wrapwidth=79)
        for entry in po:
            if entry.obsolete:
                continue
            entry.msgstr = translate(entry.msgid)
            if fuzzy and "fuzzy" not in entry.flags:
                entry.flags.append("fuzzy")
            elif not fuzzy and "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save(str(path))


def cli(root: Path, *argv: str) -> tuple[int, str, str]:
    """``translate-flow ARGV`` in this process, run in *root*: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
    finally:
        os.chdir(cwd)
    return code, out.getvalue(), err.getvalue()
