"""``translate-flow run`` end to end on a generated news site, with real tiny models.

A deterministic generator writes short news pages that share their site chrome (menu,
byline, footer), so identical segments recur across articles. The models are real
CTranslate2 models with seeded random weights (see ``modelfactory``): kk through an
NLLB-style model configured under ``[models.pairs."en-kk"]``, ru, zh-Hans (and uk, for the
test that adds a language) through tiny Argos packages. Output length is bounded small
(``max_decoding_length = 16``, beam size 1, one thread) so the whole module stays fast.

What counts as "untouched" on a no-op run: every file of the project, ``.translate-flow/``
included (state.json, machine.sqlite and the lock keep their bytes and mtimes too).
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import modelfactory
import polib
import pytest
from conftest import REPO, fill_catalogs, msgfmt_check, write_config
from lxml import etree
from treecompare import load

from translate_flow import pipeline
from translate_flow.cli import main
from translate_flow.config import Config, load_config
from translate_flow.translate import output_hash

LANGUAGES = ("kk", "ru", "zh-Hans")
ENGINES = {"kk": "ct2 nllb-tiny", "ru": "argos translate-en_ru 1.0",
           "zh-Hans": "argos translate-en_zh 1.0", "uk": "argos translate-en_uk 1.0"}
ARTICLES = 30
PAIRS = ARTICLES * len(LANGUAGES)

SITE = "Steppe Herald"
SECTIONS = ("Politics", "Economy", "Society", "Culture")
MENU = ("Home", "News", *SECTIONS, "About us")
FIRST_NAMES = ("Aigerim", "Nurlan", "Dana", "Yerlan", "Madina", "Timur", "Saule", "Arman")
LAST_NAMES = ("Sadykova", "Bekov", "Omarova", "Zhakupov", "Iskakova", "Tokayev", "Nurpeisova")
CITIES = ("Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe", "Pavlodar", "Taraz")
SUBJECTS = ("The government", "The ministry of education", "Local authorities", "The central bank",
            "The parliament", "A group of researchers", "The city council", "Farmers in the region")
VERBS = ("announced", "approved", "rejected", "discussed", "published", "postponed", "welcomed")
OBJECTS = ("a new budget", "plans for a railway", "the annual report", "a pension reform",
           "changes to the tax code", "an agreement on water resources", "measures against inflation")
TIMES = ("on Monday", "on Tuesday", "on Wednesday", "last week", "in March", "this year")
BOILERPLATE = (  # sentences reporters reuse, so identical segments recur across articles
    "The ministry did not respond to a request for comment.",
    "Officials said more details would be published next week.",
    "The decision comes into force on January 1.",
)


def _sentence(rng: random.Random) -> str:
    match rng.randrange(5):
        case 0:
            return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TIMES)}."
        case 1:
            return f"In {rng.choice(CITIES)}, {rng.choice(SUBJECTS).lower()} {rng.choice(VERBS)} {rng.choice(OBJECTS)}."
        case 2:
            return f"{rng.randint(20, 900)} people attended the meeting in {rng.choice(CITIES)}."
        case 3:
            return rng.choice(BOILERPLATE)
        case _:
            return f"Prices rose by {rng.randint(11, 99) / 10:.1f} percent, the report said."


def _inline(rng: random.Random, sentence: str, slug: str) -> str:
    """The sentence with a link or an emphasis around one of its words, now and then."""
    words = sentence.split(" ")
    if len(words) < 4 or rng.random() < 0.4:
        return sentence
    at = rng.randrange(1, len(words) - 1)
    if rng.random() < 0.5:
        words[at] = f'<a href="/topics/{words[at].strip(".,").lower()}?from={slug}">{words[at]}</a>'
    else:
        words[at] = f"<em>{words[at]}</em>"
    return " ".join(words)


def article_html(index: int, *, seed: int = 0) -> tuple[str, str]:
    """A short news page, ``(slug, html)``; the same *index* and *seed* give the same page."""
    rng = random.Random(f"{seed}-{index}")
    city, section = rng.choice(CITIES), SECTIONS[index % len(SECTIONS)]
    headline = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} in {city}"
    slug = f"{index:02d}-" + "-".join(headline.lower().split()[:5])
    author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    day = 1 + index % 28
    paragraphs = []
    for number in range(rng.randint(2, 3)):
        sentences = " ".join(_inline(rng, _sentence(rng), slug) for _ in range(rng.randint(1, 3)))
        paragraphs.append(f"    <p>{sentences}</p>")
        if number == 0:
            paragraphs.append(f"    <h2>{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}</h2>")
    menu = "\n".join(f'      <li><a href="/{item.lower().replace(" ", "-")}/">{item}</a></li>' for item in MENU)
    body = "\n".join(paragraphs)
    return slug, f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{headline} | {SITE}</title>
  <meta name="description" content="{_sentence(rng)}">
  <meta property="og:site_name" content="{SITE}">
  <link rel="canonical" href="https://herald.example/en/{slug}.html">
</head>
<body>
  <header>
    <nav aria-label="Main menu"><ul>
{menu}
    </ul></nav>
  </header>
  <article>
    <p class="section"><a href="/{section.lower()}/">{section}</a></p>
    <h1>{headline}</h1>
    <p class="byline">By <a href="/authors/{author.lower().replace(" ", "-")}/">{author}</a>, \
<time datetime="2024-03-{day:02d}">March {day}, 2024</time></p>
{body}
    <figure>
      <img src="/images/{slug}.jpg" alt="A street in {city} on a winter morning">
      <figcaption>{city} in winter. Photo: <em>{author}</em>.</figcaption>
    </figure>
  </article>
  <footer>
    <p>Subscribe to our newsletter for the news of the day.</p>
    <p>&copy; 2024 {SITE}. All rights reserved.</p>
  </footer>
</body>
</html>
"""


# --- the site ------------------------------------------------------------------------------------

GLOSSARY = "en,kk,ru,zh-Hans,kind,note\nSteppe Herald,Steppe Herald,Steppe Herald,Steppe Herald,dnt,The site's name.\n"
MODELS_CONFIG = """
[models]
packages_dir = "{models}/packages"
pivot = ""

[models.pairs."en-kk"]
path = "{models}/nllb/model"
sentencepiece = "{models}/nllb/sentencepiece.model"
source_token = "eng_Latn"
target_token = "kaz_Cyrl"
name = "nllb-tiny"

[translate]
beam_size = 1
max_decoding_length = 16
device = "cpu"
threads = 1
"""
#: Reviewed translations a translator made before any run, in the first articles' catalogs.
REVIEWED = {
    "Home": {"kk": "Басты бет", "ru": "Главная", "zh-Hans": "首页"},
    "Subscribe to our newsletter for the news of the day.": {
        "kk": "Күннің жаңалықтары үшін біздің таратылымға жазылыңыз.",
        "ru": "Подпишитесь на нашу рассылку, чтобы узнавать новости дня.",
        "zh-Hans": "订阅我们的新闻简报，获取每日新闻。",
    },
}
REVIEWED_ARTICLES = 2  # the first two articles' catalogs hold REVIEWED; the others reuse it


@pytest.fixture(scope="session")
def run_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Unpacked tiny en-ru, en-zh and en-uk Argos packages and an NLLB-style model for en-kk."""
    root = tmp_path_factory.mktemp("run-models")
    for target, seed in (("ru", 11), ("zh", 12), ("uk", 14)):
        package = modelfactory.build_argos_package(root / "src", "en", target, seed=seed)
        with zipfile.ZipFile(package) as archive:
            archive.extractall(root / "packages")
    modelfactory.build_nllb_style_model(root / "nllb", seed=13)
    return root


def make_site(root: Path, models: Path, *, count: int = ARTICLES, targets: Sequence[str] = LANGUAGES) -> Config:
    """A project in *root* with *count* generated articles, a glossary and the tiny models."""
    (root / "articles").mkdir(parents=True)
    for index in range(count):
        slug, html = article_html(index)
        (root / "articles" / f"{slug}.html").write_text(html, encoding="utf-8")
    (root / "glossary").mkdir()
    (root / "glossary" / "site.csv").write_text(GLOSSARY, encoding="utf-8")
    return load_config(write_config(root, targets, MODELS_CONFIG.format(models=models.as_posix())))


def catalog(config: Config, slug: str, tag: str) -> Path:
    return config.locales / config.target(tag).locale / "LC_MESSAGES" / f"{slug}.po"


def slugs(config: Config) -> list[str]:
    return [article.slug for article in pipeline.articles(config)]


def mark_reviewed(config: Config) -> list[tuple[Path, str, str]]:
    """Give the first articles' catalogs the REVIEWED translations, as a translator would."""
    marked = []
    for tag in LANGUAGES:
        paths = [catalog(config, slug, tag) for slug in slugs(config)[:REVIEWED_ARTICLES]]
        fill_catalogs(paths, lambda msgid: REVIEWED.get(msgid, {}).get(tag, ""))  # noqa: B023
        marked += [(path, msgid, rendering[tag]) for path in paths for msgid, rendering in REVIEWED.items()]
    return marked


def assert_reviewed_intact(marked: Sequence[tuple[Path, str, str]]) -> None:
    for path, msgid, msgstr in marked:
        entry = polib.pofile(str(path)).find(msgid)
        assert entry is not None and not entry.obsolete, (path, msgid)
        assert (entry.msgstr, entry.fuzzy) == (msgstr, False), (path, msgid)


def snapshot(root: Path, *folders: str) -> dict[str, tuple[bytes, int]]:
    """Every file below *root* (or its *folders*): its bytes and its mtime in nanoseconds."""
    tops = [root / folder for folder in folders] if folders else [root]
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for top in tops for path in sorted(top.rglob("*")) if path.is_file()
    }


def contents(root: Path, *folders: str) -> dict[str, bytes]:
    return {name: data for name, (data, _) in snapshot(root, *folders).items()}


def differences(before: dict[str, tuple[bytes, int]], after: dict[str, tuple[bytes, int]]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def cli(argv: Sequence[str]) -> tuple[int, str, str]:
    """``main(argv)`` in this process; (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def subprocess_env() -> dict[str, str]:
    """The tests' sandboxed environment (HOME, XDG_*, ARGOS_PACKAGES_DIR), for a child process."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "CI": "true"}
    env.pop("GITHUB_STEP_SUMMARY", None)  # never append to a real CI run's summary
    return env


RUN = [sys.executable, "-m", "translate_flow", "run"]


# --- 1. the first run, end to end -----------------------------------------------------------------

STEP_SUMMARY_BEFORE = "### an earlier step\n\nall good\n"


@dataclass(frozen=True)
class FirstRun:
    config: Config
    code: int
    out: str
    err: str
    report: dict[str, Any]
    junit: etree._Element
    summary: str
    step_summary: str


@pytest.fixture(scope="session")
def first_run(run_models: Path, tmp_path_factory: pytest.TempPathFactory) -> FirstRun:
    """The generated site after one `translate-flow run`, with every report."""
    root = tmp_path_factory.mktemp("site")
    config = make_site(root / "project", run_models)
    reports = root / "reports"  # outside the project: a re-run must not find them changed
    reports.mkdir()
    step = reports / "step-summary.md"
    step.write_text(STEP_SUMMARY_BEFORE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GITHUB_STEP_SUMMARY", str(step))
        patch.setenv("CI", "true")
        code, out, err = cli(["--config", str(config.path), "run", "--jobs", "2",
                              "--report", str(reports / "run.json"), "--junit", str(reports / "run.xml"),
                              "--summary", str(reports / "run.md")])
    return FirstRun(
        config, code, out, err,
        json.loads((reports / "run.json").read_text(encoding="utf-8")),
        etree.fromstring((reports / "run.xml").read_bytes()),
        (reports / "run.md").read_text(encoding="utf-8"),
        step.read_text(encoding="utf-8"),
    )


def test_generated_articles_are_deterministic_and_share_their_chrome() -> None:
    assert article_html(3) == article_html(3) and article_html(3) != article_html(4)
    assert article_html(3, seed=1) != article_html(3)
    shared = [line for line in article_html(0)[1].splitlines() if line in article_html(1)[1].splitlines()]
    assert any("Subscribe to our newsletter" in line for line in shared)
    assert any(">About us<" in line for line in shared)


def test_first_run_fills_every_catalog_with_machine_output(first_run: FirstRun) -> None:
    config = first_run.config
    assert len(slugs(config)) == ARTICLES
    entries = 0
    for tag in LANGUAGES:
        menu = set()
        for slug in slugs(config):
            path = catalog(config, slug, tag)
            msgfmt_check(path)
            active = [e for e in polib.pofile(str(path)) if not e.obsolete]
            assert active, path
            for entry in active:
                assert entry.msgstr and entry.fuzzy, (path, entry.msgid)
                assert f"machine translation: {ENGINES[tag]} score=" in entry.comment, (path, entry.msgid)
                assert f"mt={output_hash(entry.msgstr)}" in entry.comment, (path, entry.msgid)
            entries += len(active)
            home = polib.pofile(str(path)).find("Home")
            assert home is not None
            menu.add(home.msgstr)
        assert len(menu) == 1  # identical texts are translated once, the same everywhere
    assert len(list((config.locales / "templates").glob("*.pot"))) == ARTICLES
    run = first_run.report["run"]
    assert isinstance(run, dict)
    assert (run["changed"], run["unchanged"], run["from_model"], run["from_memory"]) == (PAIRS, 0, entries, 0)


def test_first_run_builds_every_page(first_run: FirstRun) -> None:
    config = first_run.config
    for article in pipeline.articles(config):
        source = load(article.path.read_bytes())
        for tag in LANGUAGES:
            path = config.build_dir / tag / f"{article.slug}.html"
            page = load(path.read_bytes(), str(path))
            assert page.get("lang") == tag
            for element in ("a", "em", "img", "time", "h1", "h2", "p", "li", "figure", "figcaption"):
                assert len(page.findall(f".//{element}")) == len(source.findall(f".//{element}")), (path, element)
            alternates = {link.get("hreflang") for link in page.iter("link") if link.get("rel") == "alternate"}
            assert alternates == {"en", *LANGUAGES, "x-default"}
            image, original = page.find(".//img"), source.find(".//img")
            assert image is not None and original is not None
            assert image.get("alt") and image.get("alt") != original.get("alt")
            title = page.findtext(".//title") or ""
            assert "Steppe Herald" in title  # the glossary's do-not-translate name survives


def test_first_run_reports(first_run: FirstRun) -> None:
    config, report = first_run.config, first_run.report
    languages = report["languages"]
    assert isinstance(languages, dict) and list(languages) == list(LANGUAGES)
    for totals in languages.values():
        assert (totals["catalogs"], totals["complete"], totals["reviewed"]) == (ARTICLES, 100.0, 0.0)
    catalogs = report["catalogs"]
    assert isinstance(catalogs, list) and len(catalogs) == PAIRS
    assert all(c["complete"] == 100.0 and not c["problem"] for c in catalogs)
    errors = {(c["language"], c["article"]): sum(f["severity"] == "error" for f in c["findings"]) for c in catalogs}
    assert sum(errors.values()) > 0  # random weights: the checks do find errors to report
    for tag in LANGUAGES:
        assert languages[tag]["errors"] == sum(n for (language, _), n in errors.items() if language == tag)

    junit = first_run.junit
    assert junit.tag == "testsuites" and int(junit.get("tests", "0")) == PAIRS
    suites = junit.findall("testsuite")
    assert [suite.get("name") for suite in suites] == [f"translate-flow.{tag}" for tag in LANGUAGES]
    for tag, suite in zip(LANGUAGES, suites):
        cases = suite.findall("testcase")
        assert sorted(case.get("name", "") for case in cases) == slugs(config)
        for case in cases:
            assert len(case.findall("failure")) == errors[(tag, case.get("name"))]
            assert case.get("file") == catalog(config, case.get("name", ""), tag).relative_to(config.root).as_posix()
        assert int(suite.get("failures", "-1")) == sum(1 for case in cases if case.find("failure") is not None)
        assert int(suite.get("tests", "0")) == ARTICLES

    summary = first_run.summary
    assert summary.startswith("### translate-flow\n")
    for tag in LANGUAGES:
        assert f"| {tag} | {ARTICLES} | 100% | 0% |" in summary
    assert "<summary>errors</summary>" in summary
    assert first_run.step_summary == STEP_SUMMARY_BEFORE + summary  # appended, nothing lost


def test_first_run_exit_code_and_messages(first_run: FirstRun) -> None:
    assert first_run.code == 1  # findings (errors in the machine output), no input problem
    assert "Traceback" not in first_run.err
    report_errors = sum(f["severity"] == "error" for c in first_run.report["catalogs"] for f in c["findings"])
    assert sum(1 for line in first_run.err.splitlines() if ": error: " in line) == report_errors
    assert f"{PAIRS} article-language pairs updated, 0 up to date;" in first_run.out


# --- 2. a re-run with nothing new ------------------------------------------------------------------


@pytest.mark.parametrize("via", ["api", "cli", "state-lost"])
def test_noop_rerun_changes_no_file_and_calls_no_model(
    first_run: FirstRun, via: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    record_property: Callable[[str, object], None],
) -> None:
    """Nothing new: no model work, and every file keeps its bytes and mtime (the run is timed)."""
    root = Path(shutil.copytree(first_run.config.root, tmp_path / "project"))  # copy2: mtimes kept
    config = load_config(root / "translate-flow.toml")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    before = snapshot(root)
    assert {".translate-flow/state.json", ".translate-flow/machine.sqlite", ".translate-flow/lock"} <= before.keys()
    if via == "state-lost":
        # Without .translate-flow/ (a CI cache not restored) every pair is done again, but the
        # catalogs hold everything: no model work, and no file of the project changes.
        shutil.rmtree(root / pipeline.STATE_DIR)
        before = {name: value for name, value in before.items() if not name.startswith(pipeline.STATE_DIR)}
    started = time.perf_counter()
    if via == "cli":
        code, out, _ = cli(["--config", str(config.path), "run", "--report", str(tmp_path / "again.json")])
        elapsed = time.perf_counter() - started
        again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
        assert again["run"]["changed"] == 0 and again["run"]["unchanged"] == PAIRS
        assert again["run"]["from_model"] == 0 and again["run"]["from_memory"] == 0
        # Same completeness and the same findings, at the same lines, as the run that did the work.
        assert (again["languages"], again["catalogs"]) == (first_run.report["languages"], first_run.report["catalogs"])
        assert code == first_run.code and f"0 article-language pairs updated, {PAIRS} up to date; 0 segments" in out
    else:
        report = pipeline.run(config)
        elapsed = time.perf_counter() - started
        assert not report.problems and len(report.results) == PAIRS
        assert report.errors > 0  # the findings are reported again (from the state when it is there)
        if via == "api":
            assert (report.languages, report.changed, report.unchanged) == ((), 0, PAIRS)
        else:
            assert (report.changed, report.unchanged) == (PAIRS, 0)
            assert [(run.from_model, run.from_memory) for run in report.languages] == [(0, 0)] * len(LANGUAGES)
    print(f"no-op run of {PAIRS} article-language pairs ({via}): {elapsed:.3f} s")
    record_property("noop_seconds", round(elapsed, 3))
    after = snapshot(root)
    if via == "state-lost":
        after = {name: value for name, value in after.items() if not name.startswith(pipeline.STATE_DIR)}
    # Articles, glossary, configuration, templates, catalogs, pages and .translate-flow/ itself.
    assert differences(before, after) == []


def test_a_step_summary_that_cannot_be_written_is_a_warning(
    first_run: FirstRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = Path(shutil.copytree(first_run.config.root, tmp_path / "project"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no-such-folder" / "summary.md"))
    code, _, err = cli(["--config", str(root / "translate-flow.toml"), "run", "--summary", str(tmp_path / "run.md")])
    assert code == first_run.code and "Traceback" not in err
    warnings = [line for line in err.splitlines() if "GITHUB_STEP_SUMMARY" in line]
    assert len(warnings) == 1 and warnings[0].startswith("translate-flow: warning: ")
    assert "no-such-folder" in warnings[0]
    assert (tmp_path / "run.md").read_text(encoding="utf-8") == first_run.summary


# --- 3. incremental runs ---------------------------------------------------------------------------


@pytest.fixture
def site_copy(first_run: FirstRun, tmp_path: Path) -> Config:
    """A copy of the translated site, bytes and mtimes kept, for a test to change."""
    root = Path(shutil.copytree(first_run.config.root, tmp_path / "project"))
    return load_config(root / "translate-flow.toml")


def _unique_heading(config: Config, slug: str) -> str:
    """The text of the article's second-level heading, found in no other article."""
    template = polib.pofile(str(config.locales / "templates" / f"{slug}.pot"))
    heading = next(e.msgid for e in template if "article > h2" in e.comment)
    for other in slugs(config):
        if other != slug:
            assert polib.pofile(str(config.locales / "templates" / f"{other}.pot")).find(heading) is None
    return heading


def _edit_article(config: Config, slug: str, old: str, new: str) -> None:
    path = config.articles / f"{slug}.html"
    text = path.read_text(encoding="utf-8")
    assert text.count(f"<h2>{old}</h2>") == 1
    path.write_text(text.replace(f"<h2>{old}</h2>", f"<h2>{new}</h2>"), encoding="utf-8")


@pytest.mark.parametrize(
    ("rewrite", "to_model"),
    [(lambda old: "Volunteers planted four thousand trees along the river embankment", 1),
     (lambda old: old.replace(" in ", " near ") if " in " in old else old + " again", 0)],
    ids=["new-sentence", "small-edit"],
)
def test_a_changed_sentence_is_the_only_work(
    site_copy: Config, rewrite: Callable[[str], str], to_model: int,
) -> None:
    config = site_copy
    slug = slugs(config)[7]
    old = _unique_heading(config, slug)
    new = rewrite(old)
    # A new text goes to the model; a small edit keeps the old translation, fuzzy, as msgmerge does.
    assert (difflib.SequenceMatcher(None, old, new).ratio() < config.extract.similarity) == bool(to_model)
    catalogs_before = {tag: polib.pofile(str(catalog(config, slug, tag))) for tag in LANGUAGES}
    _edit_article(config, slug, old, new)
    before = snapshot(config.root)
    report = pipeline.run(config)
    assert (report.changed, report.unchanged, report.problems) == (len(LANGUAGES), PAIRS - len(LANGUAGES), ())
    assert {run.language: (run.from_model, run.unique) for run in report.languages} == {
        tag: (to_model, to_model) for tag in LANGUAGES}
    mine = {f"articles/{slug}.html", f"locales/templates/{slug}.pot"} | {
        catalog(config, slug, tag).relative_to(config.root).as_posix() for tag in LANGUAGES} | {
        f"build/{tag}/{slug}.html" for tag in LANGUAGES}
    changed = [name for name in differences(before, snapshot(config.root)) if not name.startswith(".translate-flow/")]
    if not to_model:  # the same translation: the pages stay as they were
        mine -= {f"build/{tag}/{slug}.html" for tag in LANGUAGES}
    assert set(changed) == mine - {f"articles/{slug}.html"}  # no other article's files
    for tag in LANGUAGES:
        path = catalog(config, slug, tag)
        msgfmt_check(path)
        after = polib.pofile(str(path))
        for entry in catalogs_before[tag]:
            if entry.msgid != old:
                again = after.find(entry.msgid)
                assert again is not None
                assert (again.msgstr, again.flags, again.comment) == (entry.msgstr, entry.flags, entry.comment)
        fresh = after.find(new)
        assert fresh is not None and fresh.fuzzy and fresh.msgstr
        previous = catalogs_before[tag].find(old)
        assert previous is not None
        if to_model:
            assert f"mt={output_hash(fresh.msgstr)}" in fresh.comment
            gone = after.find(old, include_obsolete_entries=True)
            assert gone is not None and gone.obsolete and gone.msgstr == previous.msgstr
        else:
            assert fresh.msgstr == previous.msgstr and fresh.previous_msgid == old
        page = (config.build_dir / tag / f"{slug}.html").read_text(encoding="utf-8")
        assert fresh.msgstr.replace("&", "&amp;") in page


def test_a_new_article_is_the_only_work(site_copy: Config) -> None:
    config = site_copy
    slug, html = article_html(ARTICLES)
    before = snapshot(config.root)
    (config.articles / f"{slug}.html").write_text(html, encoding="utf-8")
    report = pipeline.run(config)
    assert (report.changed, report.unchanged, report.problems) == (len(LANGUAGES), PAIRS, ())
    after = snapshot(config.root)
    new = {f"articles/{slug}.html", f"locales/templates/{slug}.pot"} | {
        catalog(config, slug, tag).relative_to(config.root).as_posix() for tag in LANGUAGES} | {
        f"build/{tag}/{slug}.html" for tag in LANGUAGES}
    assert [name for name in differences(before, after) if not name.startswith(".translate-flow/")] == sorted(new)
    for run in report.languages:
        entries = [e for e in polib.pofile(str(catalog(config, slug, run.language))) if not e.obsolete]
        assert run.from_model == len(entries) > 0
        assert all(e.fuzzy and f"mt={output_hash(e.msgstr)}" in e.comment for e in entries)


def test_a_new_language_is_the_only_model_work(site_copy: Config) -> None:
    config = site_copy
    before = snapshot(config.root)
    write_config(config.root, (*LANGUAGES, "uk"), MODELS_CONFIG.format(models=_models_of(config)))
    config = load_config(config.path)
    report = pipeline.run(config)
    assert not report.problems
    model_work = {run.language: (run.from_model, run.unique) for run in report.languages}
    assert {tag: work for tag, work in model_work.items() if tag != "uk"} == {tag: (0, 0) for tag in LANGUAGES}
    uk_entries = 0
    for slug in slugs(config):
        path = catalog(config, slug, "uk")
        msgfmt_check(path)
        entries = [e for e in polib.pofile(str(path)) if not e.obsolete]
        assert all(f"machine translation: {ENGINES['uk']} score=" in e.comment and e.fuzzy for e in entries)
        uk_entries += len(entries)
    assert model_work["uk"][0] == uk_entries
    after = snapshot(config.root)
    changed = [name for name in differences(before, after) if not name.startswith((".translate-flow/", "build/uk/"))]
    # Every page lists every edition (hreflang), so every page needs work: the earlier
    # languages' pages gain one link each, and none of their catalogs changes.
    assert report.changed == len(slugs(config)) * 4 and report.unchanged == 0
    assert [name for name in changed if not name.startswith(("build/", "locales/uk/"))] == ["translate-flow.toml"]
    for tag in LANGUAGES:
        for slug in slugs(config):
            name = f"build/{tag}/{slug}.html"
            old = before[name][0].decode().splitlines()
            new = after[name][0].decode().splitlines()
            delta = [line for line in difflib.ndiff(old, new) if line.startswith(("+ ", "- "))]
            assert delta == [f'+ <link rel="alternate" hreflang="uk" href="../uk/{slug}.html">'], name


def _hreflangs(config: Config, tag: str, slug: str) -> list[str]:
    page = load((config.build_dir / tag / f"{slug}.html").read_bytes())
    return [link.get("hreflang") or "" for link in page.iter("link") if link.get("hreflang")]


def test_removed_pages_keep_the_run_incremental(site_copy: Config) -> None:
    """Pages of a deleted article, and pages below the threshold, are removed once; the other
    editions' links follow; each following run with nothing new does nothing."""
    config = site_copy
    first, gone = slugs(config)[:2]
    (config.articles / f"{gone}.html").unlink()
    report = pipeline.run(config)
    assert (report.changed, report.unchanged, report.problems) == (0, PAIRS - len(LANGUAGES), ())
    assert [(p.article, p.language, p.status) for p in report.pages] == [(gone, tag, "removed") for tag in LANGUAGES]
    assert len(report.notes) == 1 and gone in report.notes[0]
    assert catalog(config, gone, "ru").is_file()

    strict = pipeline.RunOptions(use_fuzzy=False, min_complete=50)  # machine output is fuzzy: below 50%
    fill_catalogs([catalog(config, first, "ru")], lambda msgid: msgid)
    report = pipeline.run(config, strict)
    statuses = {(p.article, p.language): p.status for p in report.pages}
    assert statuses.pop((first, "ru")) == "updated" and set(statuses.values()) == {"removed"}
    assert len(statuses) == PAIRS - len(LANGUAGES) - 1
    assert sorted(p.name for p in config.build_dir.rglob("*.html")) == [f"{first}.html"]
    assert _hreflangs(config, "ru", first) == ["en", "ru", "x-default"]

    def nothing_to_do() -> None:
        before = snapshot(config.root)
        again = pipeline.run(config, strict)
        assert (again.changed, again.pages) == (0, ())
        assert differences(before, snapshot(config.root)) == []

    nothing_to_do()
    fill_catalogs([catalog(config, first, "kk")], lambda msgid: msgid)
    report = pipeline.run(config, strict)
    assert report.changed == 1  # the kk pair; the ru page is rebuilt for its links only
    assert {(p.language, p.status) for p in report.pages} == {("kk", "created"), ("ru", "updated"), ("zh-Hans", "skipped")}
    assert _hreflangs(config, "ru", first) == _hreflangs(config, "kk", first) == ["en", "kk", "ru", "x-default"]
    nothing_to_do()


def _models_of(config: Config) -> str:
    packages = config.models.packages_dir
    assert packages is not None
    return packages.parent.as_posix()


# --- 4. kill -9 at random points, then resume -------------------------------------------------------

# TRANSLATE_FLOW_KILL_SEED=N pytest -k kill tries other kill points.
KILL_SEED = int(os.environ.get("TRANSLATE_FLOW_KILL_SEED", "20240305"))
KILLS = 5


@pytest.mark.parametrize("state", ["kept", "lost"], ids=["state-kept", "state-lost"])
def test_kill_9_at_random_points_then_resume(run_models: Path, tmp_path: Path, state: str) -> None:
    """Killed runs, then one to the end: the same files, byte for byte, as one uninterrupted run.

    With ``state-lost`` the ``.translate-flow/`` folder (machine output cache, state) is deleted
    before every restart, as when CI does not restore it: the catalogs alone must be enough.
    """
    config = make_site(tmp_path / "killed", run_models)
    assert not pipeline.extract(config).problems
    marked = mark_reviewed(config)
    reference = Path(shutil.copytree(config.root, tmp_path / "reference"))
    env = subprocess_env()

    started = time.perf_counter()
    uninterrupted = subprocess.run(RUN, cwd=reference, env=env, capture_output=True, text=True,
                                   timeout=300, check=False)
    duration = time.perf_counter() - started
    assert uninterrupted.returncode in (0, 1), uninterrupted.stderr[-2000:]
    assert "Traceback" not in uninterrupted.stderr

    # Kill points spread over the uninterrupted run's duration (one in each fifth, in random
    # order), so that runs die while starting, extracting, translating, checking and building.
    rng = random.Random(KILL_SEED)
    delays = [duration * (slot + rng.random()) / KILLS for slot in range(KILLS)]
    rng.shuffle(delays)
    outcomes = []
    for number, delay in enumerate(delays):
        if state == "lost":
            shutil.rmtree(config.root / pipeline.STATE_DIR, ignore_errors=True)
        with open(tmp_path / f"run-{number}.log", "wb") as log:
            process = subprocess.Popen(RUN, cwd=config.root, env=env, stdout=log, stderr=log)
            try:
                code = process.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                code = process.wait()
        outcomes.append((round(delay, 2), code))
    print(f"uninterrupted run: {duration:.2f} s; (kill delay, exit code): {outcomes}")
    assert any(code == -signal.SIGKILL for _, code in outcomes)

    if state == "lost":
        shutil.rmtree(config.root / pipeline.STATE_DIR, ignore_errors=True)
    final = subprocess.run([*RUN, "--report", str(tmp_path / "final.json")], cwd=config.root, env=env,
                           capture_output=True, text=True, timeout=300, check=False)
    assert final.returncode == uninterrupted.returncode, final.stderr[-2000:]
    assert "Traceback" not in final.stderr

    assert sorted(path.relative_to(config.root).as_posix() for path in config.root.rglob("*.tmp")) == []
    for path in config.locales.rglob("*.po"):
        msgfmt_check(path)
    assert_reviewed_intact(marked)
    assert_reviewed_intact([(reference / path.relative_to(config.root), msgid, msgstr)
                            for path, msgid, msgstr in marked])
    killed, finished = contents(config.root, "locales", "build"), contents(reference, "locales", "build")
    assert len(finished) == ARTICLES * (1 + 2 * len(LANGUAGES))  # .pot, and .po and .html per language
    assert sorted(killed) == sorted(finished)
    assert [name for name in sorted(finished) if killed[name] != finished[name]] == []

    # And the state the last run left is whole: one more run has nothing to do, and does nothing.
    before = snapshot(config.root)
    again = subprocess.run([*RUN, "--report", str(tmp_path / "again.json")], cwd=config.root, env=env,
                           capture_output=True, text=True, timeout=300, check=False)
    assert again.returncode == uninterrupted.returncode
    run = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))["run"]
    assert (run["changed"], run["unchanged"], run["from_model"]) == (0, PAIRS, 0)
    assert differences(before, snapshot(config.root)) == []


def test_temporary_files_of_a_killed_write_are_removed(run_models: Path, tmp_path: Path) -> None:
    """What `kill -9` between atomic_write's mkstemp and rename leaves is cleaned up by the next run."""
    config = make_site(tmp_path / "project", run_models, count=2)
    pipeline.run(config)
    slug = slugs(config)[0]
    stale = [catalog(config, slug, "ru").parent / f".{slug}.po.k3j_h5g6.tmp",
             config.locales / "templates" / f".{slug}.pot.a1b2c3d4.tmp",
             config.build_dir / "zh-Hans" / f".{slug}.html.zz9_0x1y.tmp",
             config.root / pipeline.STATE_DIR / ".state.json.q8w7e6r5.tmp"]
    kept = [config.build_dir / "ru" / "notes.tmp",  # not a name atomic_write gives
            config.build_dir / "ru" / ".draft.tmp",
            config.articles / f".{slug}.html.a1b2c3d4.tmp"]  # the pipeline never writes articles/
    for path in stale + kept:
        path.write_text("half a file", encoding="utf-8")
    report = pipeline.run(config)
    assert report.changed == 0  # a no-op otherwise
    assert [path for path in stale if path.exists()] == []
    assert [path for path in kept if not path.exists()] == []


# --- 5. two runs at once ------------------------------------------------------------------------------


def _wait_until_locked(lock: Path, holder: subprocess.Popen[bytes]) -> None:
    """Return once *holder* holds the project lock (the test never keeps it for long)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert holder.poll() is None, "the first run ended before it was seen holding the lock"
        if lock.exists():
            handle = os.open(lock, os.O_RDWR)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
            finally:
                os.close(handle)  # releases it at once if this test got it
        time.sleep(0.005)
    pytest.fail("the first run never took the lock")


def _locked(lock: Path) -> bool:
    handle = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)
    return False


def test_a_second_run_refuses_or_waits(run_models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = make_site(tmp_path / "project", run_models)
    assert not pipeline.extract(config).problems
    marked = mark_reviewed(config)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    env, lock = subprocess_env(), config.root / pipeline.STATE_DIR / "lock"
    logs = [open(tmp_path / f"run-{n}.log", "wb") for n in (1, 2)]  # noqa: SIM115
    # --wait: the first run may find the lock held for an instant by this test's probing.
    first = subprocess.Popen([*RUN, "--wait", "--report", str(tmp_path / "first.json")], cwd=config.root,
                             env=env, stdout=logs[0], stderr=logs[0])
    second: subprocess.Popen[bytes] | None = None
    try:
        _wait_until_locked(lock, first)
        first.send_signal(signal.SIGSTOP)  # frozen while it holds the lock: no race with its end
        assert _locked(lock)

        code, out, err = cli(["--config", str(config.path), "run"])
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and "Traceback" not in err
        assert err.startswith("translate-flow: error: another translate-flow run is working on ")
        assert "--wait" in err

        second = subprocess.Popen([*RUN, "--wait", "--report", str(tmp_path / "second.json")], cwd=config.root,
                                  env=env, stdout=logs[1], stderr=logs[1])
        time.sleep(1.0)
        assert second.poll() is None  # it waits for the lock (and cannot end while the first is stopped)
        assert not (tmp_path / "second.json").exists()

        first.send_signal(signal.SIGCONT)
        first_code = first.wait(timeout=300)
        second_code = second.wait(timeout=300)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGCONT)
                process.kill()
                process.wait()
        for log in logs:
            log.close()
    errors = [(tmp_path / f"run-{n}.log").read_text(encoding="utf-8") for n in (1, 2)]
    assert first_code in (0, 1) and "Traceback" not in errors[0], errors[0][-2000:]
    assert second_code == first_code and "Traceback" not in errors[1], errors[1][-2000:]
    done = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))["run"]
    waited = json.loads((tmp_path / "second.json").read_text(encoding="utf-8"))["run"]
    assert (done["changed"], done["unchanged"]) == (PAIRS, 0)
    assert (waited["changed"], waited["unchanged"], waited["from_model"]) == (0, PAIRS, 0)  # after the first
    for path in config.locales.rglob("*.po"):
        msgfmt_check(path)
    assert_reviewed_intact(marked)
    assert not _locked(lock)


# --- 6. an article that cannot be read ------------------------------------------------------------------

BROKEN = {
    "binary": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)),
    "undecodable": ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Caf\u00e9 news</title>'
                    "</head><body><p>The caf\u00e9 reopened.</p></body></html>").encode("latin-1"),
}


@pytest.mark.parametrize("when", ["first-run", "later"])
@pytest.mark.parametrize("content", list(BROKEN), ids=list(BROKEN))
def test_a_broken_article_is_reported_and_the_others_go_on(
    run_models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, when: str,
) -> None:
    count = 4
    config = make_site(tmp_path / "project", run_models, count=count)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    broken = config.articles / "zz-broken.html"
    if when == "later":  # it was a good page, translated, before it broke
        broken.write_text(article_html(50)[1], encoding="utf-8")
        assert pipeline.run(config).changed == (count + 1) * len(LANGUAGES)
    before = snapshot(config.root, "locales", "build")
    broken.write_bytes(BROKEN[content])

    code, _, err = cli(["--config", str(config.path), "run"])
    assert code == 2 and "Traceback" not in err
    lines = [line for line in err.splitlines() if "zz-broken" in line]
    assert len(lines) == 1 and lines[0].startswith("articles/zz-broken.html: error: ")
    after = snapshot(config.root, "locales", "build")
    mine = sorted(name for name in before.keys() | after.keys() if "zz-broken" in name)
    # Its template, catalogs and pages: never made, or left exactly as they were.
    assert len(mine) == (0 if when == "first-run" else 1 + 2 * len(LANGUAGES))
    assert [name for name in mine if before.get(name) != after.get(name)] == []
    for slug in slugs(config):
        if slug == "zz-broken":
            continue
        for tag in LANGUAGES:
            msgfmt_check(catalog(config, slug, tag))
            assert (config.build_dir / tag / f"{slug}.html").is_file()

    # Still broken: reported again (never recorded as up to date), and nothing else is redone.
    again = pipeline.run(config)
    assert [(p.path, p.kind) for p in again.problems] == [("articles/zz-broken.html", "input")]
    assert (again.changed, again.unchanged, again.languages) == (len(LANGUAGES), count * len(LANGUAGES), ())

    broken.write_text(article_html(51)[1], encoding="utf-8")  # fixed: another page in its place
    report = pipeline.run(config)
    # Only findings, and only in it: after "later", extract offers the old page's translations
    # as fuzzy starting points, and the build rejects those whose tags no longer fit.
    assert all(p.kind == "finding" and "zz-broken" in p.path for p in report.problems), report.problems
    assert (report.changed, report.unchanged) == (len(LANGUAGES), count * len(LANGUAGES))
    for tag in LANGUAGES:
        msgfmt_check(catalog(config, "zz-broken", tag))
        assert (config.build_dir / tag / "zz-broken.html").is_file()
