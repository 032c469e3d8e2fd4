"""Messages that say what is true and what to do, and the small things the command line and
the configuration refuse or take: one line per problem, naming its file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DATA, SAMPLE_ARTICLE, MakeProject

from translate_flow.cli import main
from translate_flow.cli.options import ENGINES
from translate_flow.config import ENGINES as CONFIG_ENGINES
from translate_flow.config import load_config
from translate_flow.errors import ConfigError
from translate_flow.htmldoc import parse_html
from translate_flow.segment import segment_page
from translate_flow.textrules import has_words, is_file_name

Run = Callable[..., tuple[int, str, str]]
BINARY = DATA / "cli" / "binary.html"
SLUG = SAMPLE_ARTICLE.stem


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    """Run ``main(argv)`` in the project folder; return (code, out, err)."""

    def invoke(*argv: str) -> tuple[int, str, str]:
        monkeypatch.chdir(tmp_path)
        capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exit:  # a usage error, as argparse reports it
            code = int(exit.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


# --- check with a page that cannot be read ------------------------------------------------------


def test_check_names_a_broken_page_once_with_its_problem(make_project: MakeProject, run: Run) -> None:
    make_project([SAMPLE_ARTICLE, BINARY])
    assert run("extract")[0] == 2  # the broken page; the sample's catalogs are written
    code, _, err = run("check", "-q")
    assert code == 2
    lines = err.strip().splitlines()
    assert lines == ["translate-flow: error: articles/binary.html: not an HTML document (binary data); "
                     "pass a .html page (so it has no catalogs to check)"]


def test_check_names_a_missing_catalog_by_its_path(make_project: MakeProject, run: Run) -> None:
    config = make_project([SAMPLE_ARTICLE], targets=("ru", "kk"))
    assert run("extract")[0] == 0
    (config.locales / "ru" / "LC_MESSAGES" / f"{SLUG}.po").unlink()
    code, _, err = run("check", "-q")
    assert code == 2
    assert err.strip().splitlines() == [
        f"translate-flow: error: locales/ru/LC_MESSAGES/{SLUG}.po: catalog not found; "
        "run `translate-flow extract` first"]


# --- stats, run and check say the same ----------------------------------------------------------


def test_stats_reports_complete_and_reviewed_as_run_and_check_do(make_project: MakeProject, run: Run) -> None:
    make_project([SAMPLE_ARTICLE], targets=("ru",))
    code, out, err = run("run", "--engine", "pseudo")
    assert code == 0, err
    summary = next(line.split() for line in out.splitlines() if line.startswith("ru "))
    assert summary[2:4] == ["100%", "0%"]  # complete, reviewed
    code, out, _ = run("stats")
    header, row = (line.split() for line in out.strip().splitlines())
    assert header[-2:] == ["complete", "reviewed"] and row[-2:] == ["100%", "0%"]
    code, out, _ = run("stats", "--json")
    [catalog] = json.loads(out)["catalogs"]
    assert (catalog["complete"], catalog["reviewed"]) == (100.0, 0.0)


# --- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "said"), [("180", "180 is not a percentage"), ("-5", "-5 is not a percentage"),
                                             ("many", "'many' is not a number"), ("nan", "nan is not a percentage")],
                         ids=["over", "negative", "word", "nan"])
@pytest.mark.parametrize("command", ["build", "run"])
def test_min_complete_is_a_percentage(make_project: MakeProject, run: Run, command: str, value: str,
                                      said: str) -> None:
    make_project([SAMPLE_ARTICLE], targets=("ru",))
    code, _, err = run(command, f"--min-complete={value}")
    assert code == 2
    assert f"--min-complete: {said}; give" in err and "Traceback" not in err


def test_min_complete_takes_the_bounds(make_project: MakeProject, run: Run) -> None:
    make_project([SAMPLE_ARTICLE], targets=("ru",))
    assert run("extract")[0] == 0
    assert run("build", "--min-complete", "100")[0] == 0
    assert run("build", "--min-complete", "0")[0] == 0


def test_the_engine_flag_takes_every_configured_engine() -> None:
    assert set(ENGINES) == CONFIG_ENGINES and ENGINES[0] == "auto"


def test_engine_auto_is_taken_on_the_command_line(make_project: MakeProject, run: Run,
                                                  tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project([SAMPLE_ARTICLE], targets=("ru",))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-packages"))
    assert run("extract")[0] == 0
    code, _, err = run("translate", "--engine", "auto")
    assert "invalid choice" not in err
    assert "no model translates en to ru" in err  # auto looked for a model, as configured


# --- the configuration --------------------------------------------------------------------------

BASE = '[project]\nname = "site"\nsource_language = "en"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BASE + 'target_languages = ["ru", "ru"]\n', "[project] target_languages lists 'ru' twice"),
        (BASE + 'target_languages = ["kk", "zh-hans", "zh-Hans"]\n',
         "[project] target_languages lists 'zh-Hans' twice"),
        (BASE + 'target_languages = ["ru"]\n[colours]\n',
         "unknown table [colours] (known: project, paths, extract, build, models, translate, checks, cluster)"),
        ('checks = 1\n' + BASE + 'target_languages = ["ru"]\n', "checks must be a table"),
    ],
    ids=["duplicate", "duplicate-in-other-case", "unknown-table-lists-checks", "checks-not-a-table"],
)
def test_configuration_mistakes_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "translate-flow.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in caught.value.message and "\n" not in caught.value.message
    assert caught.value.path == str(path)


# --- what becomes an entry ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [("www.example.org/", False), ("https://bitterwinter.org/", False), ("you@example.org", False),
     ("bitterwinter.org · cesnur.org", False), ("12.5 %", False),
     ("Visit www.example.org/", True), ("Dr. Smith", True), ("Алматы", True)],
    ids=["www", "scheme", "email", "two-domains", "figure", "words-and-link", "abbreviation", "cyrillic"],
)
def test_has_words(text: str, words: bool) -> None:
    assert has_words(text) is words


@pytest.mark.parametrize(
    ("text", "file_name"),
    [("cesnur-logo", True), ("IMG_1234.jpg", True), ("photo-2.png", True), ("DSC01234.JPEG", True),
     ("img_1234", True), ("report.pdf", True),
     ("Nur-Sultan", False), ("Massimo Introvigne", False), ("logo", False), ("A photo of Bilash", False),
     ("Bitter Winter logo", False), ("e.g", False), ("Mr. Bilash", False)],
    ids=["slug", "camera", "hyphen-digit", "upper-extension", "underscore", "document",
         "hyphenated-name", "name", "one-word", "sentence", "words", "abbreviation", "title"],
)
def test_is_file_name(text: str, file_name: bool) -> None:
    assert is_file_name(text) is file_name


PAGE = b"""<!DOCTYPE html><html lang="en"><head><title>Links</title></head><body>
<p>www.example.org/</p><p>Visit www.example.org/ today.</p><p>info@cesnur.org</p>
<img alt="cesnur-logo" src="a.png"><img alt="IMG_1234.jpg" src="b.jpg"><img alt="photo-2.png" src="c.png">
<img alt="A photo of Serikzhan Bilash" src="d.jpg"><a href="e.html" title="report.pdf">The report</a>
<p>Download report.pdf here.</p></body></html>"""


def test_bare_links_and_file_names_are_no_entries() -> None:
    msgids = {s.msgid for s in segment_page(parse_html(PAGE, "links.html").tree)}
    assert msgids == {"Links", "Visit www.example.org/ today.", "A photo of Serikzhan Bilash", "The report",
                      "Download report.pdf here."}


def test_the_sample_article_has_no_link_or_logo_entries() -> None:
    msgids = {s.msgid for s in segment_page(parse_html(SAMPLE_ARTICLE.read_bytes(), "sample.html").tree)}
    assert msgids.isdisjoint({"www.cesnur.org/", "cesnur-logo", "hrwf-logo", "orlir-logo", "you@example.org"})
    assert "Massimo Introvigne" in msgids
