"""A whole project through ``translate-flow run``: first run against raw CTranslate2, no-op re-run, memory.

Run from the repository root with the project's environment::

    .venv/bin/python benchmarks/project_run.py [--articles 100] [--keep DIR]
        [--beam-size 4] [--max-length 32] [--profile]

A throwaway project of ``--articles`` generated news pages (fixed seed; shared site chrome,
so segments recur) with three target languages, ``kk``, ``ru`` and ``zh-Hans``, gets one
Argos-base-sized random model (6+6 layers, d_model 512, vocabulary 32000, int8, about 90 MB)
three times, as a real project has three models: installed as the Argos package en-ru, as an
Argos package en-zh (the same files, metadata rewritten) and as a CTranslate2 model configured
under ``[models.pairs."en-kk"]`` (an unpacked copy). Then, in one run of this script:

1. ``translate-flow run --quiet`` in a subprocess, as a user or CI starts it: wall time,
   distinct segments translated, segments/s, peak memory of the process;
2. raw ``ctranslate2.Translator.translate_batch`` on exactly the same distinct segments per
   language (the catalogs' msgids with numbered tags stripped), with the same models, beam
   size, output bound, threads and batches, in a fresh process of its own, once before and
   once after the first run; model loading is timed apart for both;
3. ``translate-flow run --quiet`` again with nothing changed: wall time including the
   process start, and that it translated and wrote nothing.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import os
import platform
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from importlib import metadata
from pathlib import Path
from typing import Any

import ctranslate2  # type: ignore[import-untyped]
import sentencepiece

from translate_flow import models
from translate_flow.alignment import strip_tags
from translate_flow.catalog import MACHINE_PREFIX, read_po

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SEED = 20240305
SOURCE = "en"
#: (BCP 47 tag, gettext locale folder, how the model is provided)
LANGUAGES: tuple[tuple[str, str, str], ...] = (
    ("kk", "kk", 'CTranslate2 model, [models.pairs."en-kk"]'),
    ("ru", "ru", "Argos package en-ru"),
    ("zh-Hans", "zh_Hans", "Argos package en-zh (metadata rewritten)"),
)
TARGET_RATIO = 0.85
TARGET_NOOP_S = 2.0
TARGET_MEMORY_EXTRA = 300e6  # bytes over the models' size on disk
MB = 1e6

sys.path.insert(0, str(REPO / "tests"))
from modelfactory import SIZES, build_argos_package, write_deterministic_zip  # type: ignore[import-not-found]

# --- the project's pages ---------------------------------------------------------------------

SITE = "Steppe Herald"
SITE_URL = "https://steppeherald.example"
SECTIONS = ("Politics", "Economy", "Society", "Culture", "Environment", "Opinion")
AUTHORS = (
    "Aigerim Nurlanova", "Dmitry Petrov", "Li Wei", "Serik Akhmetov", "Elena Sokolova",
    "Marat Yesenov", "Gulnara Bekova", "Timur Saparov",
)
TAGS = (
    "Human rights", "Elections", "Budget", "Inflation", "Agriculture", "Water", "Energy",
    "Education", "Health care", "Courts", "Media freedom", "Religion", "Transport", "Housing",
    "Climate", "Labour", "Trade", "Migration", "Tourism", "Corruption",
)
CITIES = (
    "Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe", "Pavlodar", "Semey", "Atyrau",
    "Oskemen", "Taraz", "Kostanay", "Kyzylorda", "Bishkek", "Tashkent", "Osh", "Samarkand",
)
AUTHORITIES = (
    "the city council", "the regional governor's office", "the ministry of finance",
    "the ministry of health", "the ministry of education", "parliament", "the central bank",
    "the national statistics office", "the state energy company", "the prosecutor's office",
    "the supreme court", "the ministry of agriculture",
)
VERBS = (
    "announced", "approved", "rejected", "debated", "published", "postponed", "welcomed",
    "criticised", "defended", "unveiled", "suspended", "reviewed",
)
PLANS = (
    "a new budget for the coming year", "plans for a railway between the two largest cities",
    "its annual report on public spending", "a long-delayed pension reform",
    "a programme to support small and medium-sized businesses", "changes to the tax code",
    "an agreement on shared water resources", "new measures against rising inflation",
    "a draft law on religious associations", "the results of a national literacy survey",
    "a plan to modernise rural hospitals", "new rules for foreign journalists",
    "a scheme to insulate old apartment blocks", "a ban on burning coal in private homes",
    "a subsidy for young farmers", "a reform of the university entrance exam",
)
TIMES = (
    "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "last week",
    "earlier this month", "at the end of March", "this year", "over the weekend",
)
CLAUSES = (
    ", despite strong objections from local residents",
    ", according to a statement published on its website",
    " after months of difficult negotiations",
    ", a move that analysts had widely expected",
    " amid growing public concern about the cost of living",
    ", officials said",
    "",
    "",
)
ROLES = (
    "a senior economist at a private bank", "a spokesperson for the ministry",
    "an independent analyst", "the head of the regional farmers' union",
    "a lawyer who represents several of the families", "a teacher at a village school",
    "a local historian", "the director of a small clinic",
)
GOODS = ("bread", "petrol", "electricity", "public transport", "rent", "medicine", "heating", "meat")
SOURCES = ("the organisers", "the police", "local media", "witnesses", "the city administration")
ISSUES = (
    "rising utility prices", "the closure of a local hospital", "a new mining project",
    "air pollution in winter", "the demolition of an old market", "delays in wage payments",
    "the arrest of a local journalist", "plans to cut bus routes",
)
REPORTS = (
    "Water for Everyone", "The Price of Heat", "Schools at the Edge", "A Decade of Reform",
    "Roads Nobody Drives", "Open Courts", "The Steppe in Numbers",
)
#: Sentences every newsroom repeats: they recur across articles.
BOILERPLATE = (
    f"{SITE} has contacted the ministry for comment but had not received a reply by the time of publication.",
    "This is a developing story and will be updated.",
    "The names of some people in this article have been changed for their safety.",
    "This article was produced with the support of a regional reporting grant.",
    "Correction: an earlier version of this article gave the wrong date for the hearing.",
    "Our reporters could not independently verify all of these claims.",
)


def _sentence(rng: random.Random, city: str, person: str, role: str) -> str:
    """One sentence of an article's body, sometimes with inline markup."""
    year = rng.randint(2019, 2031)
    authority = rng.choice(AUTHORITIES)
    match rng.randrange(14):
        case 0:
            return f"{authority[0].upper()}{authority[1:]} {rng.choice(VERBS)} {rng.choice(PLANS)} {rng.choice(TIMES)}{rng.choice(CLAUSES)}."
        case 1:
            return f"In {city}, {authority} {rng.choice(VERBS)} {rng.choice(PLANS)}{rng.choice(CLAUSES)}."
        case 2:
            return (
                f"About {rng.randint(2, 90) * 100:,} people took part in a protest against {rng.choice(ISSUES)} "
                f"in {city} {rng.choice(TIMES)}, according to {rng.choice(SOURCES)}."
            )
        case 3:
            return (
                f"Prices for {rng.choice(GOODS)} rose by {rng.randint(11, 199) / 10:.1f} percent in {year}, "
                f"the highest increase since {year - rng.randint(5, 20)}, the statistics office said."
            )
        case 4:
            return (
                f"{person}, {role}, said the decision would affect {rng.randint(2, 900) * 100:,} "
                f"households in {city} by the end of {year}."
            )
        case 5:
            return (
                f"The project, which is expected to cost {rng.randint(12, 950)} million dollars, "
                f"will be completed by {year} if the funding is approved."
            )
        case 6:
            return f"\u201cWe were never asked what we think,\u201d {person} told <em>{SITE}</em>."
        case 7:
            slug = rng.choice(("statement", "decree", "report", "press-release"))
            return (
                f"The full text of <a href=\"{SITE_URL}/documents/{slug}-{rng.randint(100, 999)}.pdf\">the "
                f"official {slug.replace('-', ' ')}</a> runs to {rng.randint(4, 120)} pages."
            )
        case 8:
            return (
                f"According to the report <strong>{rng.choice(REPORTS)}</strong>, only "
                f"{rng.randint(5, 60)} percent of villages in the region have reliable access to {rng.choice(('clean water', 'the internet', 'public transport', 'a doctor'))}."
            )
        case 9:
            return (
                f"Residents of {city} say they learned about the plan from social media "
                f"{rng.choice(TIMES)}, not from {authority}."
            )
        case 10:
            return (
                f"The hearing in {city} was adjourned until {rng.choice(('April', 'May', 'June', 'September', 'October'))} "
                f"{rng.randint(1, 28)}, when {rng.randint(3, 40)} more witnesses are expected to testify."
            )
        case 11:
            return (
                f"{person} said that {rng.choice(ISSUES)} had become the main topic of conversation "
                f"in {city} since {rng.choice(('January', 'the spring', 'last summer', 'the elections'))}."
            )
        case 12:
            return f"Readers can send documents to our newsroom at <a href=\"mailto:tips@steppeherald.example\">tips@steppeherald.example</a> or call +7 727 {rng.randint(200, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}."
        case _:
            return (
                f"Neither {authority} nor {rng.choice(AUTHORITIES)} responded to {rng.randint(2, 9)} "
                f"written questions sent by {SITE} in {rng.choice(('February', 'March', 'April', 'May'))}."
            )


def _headline(rng: random.Random, city: str) -> str:
    match rng.randrange(5):
        case 0:
            authority = rng.choice(AUTHORITIES)
            return f"{city}: {authority} {rng.choice(VERBS)} {rng.choice(PLANS)}"
        case 1:
            return f"Thousands protest in {city} over {rng.choice(ISSUES)}"
        case 2:
            return f"Prices for {rng.choice(GOODS)} in {city} up {rng.randint(3, 40)} percent in a year"
        case 3:
            return f"In {city}, {rng.choice(ROLES)} speaks out about {rng.choice(ISSUES)}"
        case _:
            return f"{rng.choice(REPORTS)}: what the new figures say about {city}"


def _summary(rng: random.Random, city: str, person: str, role: str) -> str:
    return (f"{person}, {role}, explains what {rng.choice(ISSUES)} means for {city} and why "
            f"{rng.choice(AUTHORITIES)} has been silent.")


def _alt(rng: random.Random, city: str) -> str:
    issue = rng.choice(ISSUES)
    month = rng.choice(("January", "March", "May", "July", "October"))
    return f"Residents of {city} at a public meeting about {issue} in {month} {rng.randint(2019, 2024)}"


def _caption(rng: random.Random, city: str) -> str:
    season = rng.choice(("the winter", "the spring", "the summer", "the autumn"))
    return f"A street in the centre of {city} in {season} of {rng.randint(2015, 2024)}."


@dataclass
class ArticleText:
    """The text of one generated article."""

    slug: str
    section: str
    headline: str
    summary: str
    author: str
    date: str
    alt: str
    caption: str
    paragraphs: list[list[str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def make_articles(count: int, seed: int = SEED) -> list[ArticleText]:
    """*count* articles; same arguments, same text. Body sentences are distinct across articles."""
    rng = random.Random(seed)
    seen: set[str] = set(BOILERPLATE)
    texts: list[ArticleText] = []

    def fresh(make: Callable[[], str]) -> str:
        """The first text *make* gives that no article has used yet."""
        while True:
            text = make()
            if text not in seen:
                seen.add(text)
                return text

    for number in range(count):
        city = rng.choice(CITIES)
        person = rng.choice(AUTHORS[:3] + ("Nurlan Sadykov", "Olga Kim", "Askar Dzhaksybekov", "Zhanna Ospanova"))
        role = rng.choice(ROLES)
        headline = fresh(functools.partial(_headline, rng, city))
        article = ArticleText(
            slug=f"{number + 1:03d}-{re.sub(r'[^a-z0-9]+', '-', headline.lower()).strip('-')[:48].rstrip('-')}",
            section=rng.choice(SECTIONS),
            headline=headline,
            summary=fresh(functools.partial(_summary, rng, city, person, role)),
            author=rng.choice(AUTHORS),
            date=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            alt=fresh(functools.partial(_alt, rng, city)),
            caption=fresh(functools.partial(_caption, rng, city)),
            tags=rng.sample(TAGS, 3),
        )
        for _ in range(3):
            sentences = rng.randint(2, 4)
            article.paragraphs.append([fresh(functools.partial(_sentence, rng, city, person, role)) for _ in range(sentences)])
        for _ in range(rng.choice((0, 1, 1, 2))):
            rng.choice(article.paragraphs).append(rng.choice(BOILERPLATE))
        texts.append(article)
    return texts


def _plain(text: str) -> str:
    """Escape a generated sentence for HTML, leaving its own inline markup alone."""
    parts = re.split(r"(<[^>]+>)", text)
    return "".join(p if p.startswith("<") else escape(p, quote=False) for p in parts)


def page_html(article: ArticleText, others: Sequence[ArticleText], rng: random.Random) -> str:
    """A complete news page: head, site chrome, the article, sidebar and footer."""
    menu = "\n".join(
        f'<li class="menu-item"><a href="{SITE_URL}/{s.lower()}/">{s}</a></li>' for s in ("Home", *SECTIONS)
    )
    extra = (f'<li class="menu-item"><a href="{SITE_URL}/about/">About us</a></li>\n'
             f'<li class="menu-item"><a href="{SITE_URL}/contact/">Contact</a></li>')
    body = "\n".join("<p>" + " ".join(_plain(s) for s in paragraph) + "</p>" for paragraph in article.paragraphs)
    related = rng.choice(others)
    most_read = "\n".join(
        f'<li><a href="{SITE_URL}/{o.slug}/">{escape(o.headline)}</a></li>' for o in rng.sample(list(others), 5)
    )
    tags = "\n".join(f'<li><a href="{SITE_URL}/tag/{t.lower().replace(" ", "-")}/">{t}</a></li>' for t in article.tags)
    author_slug = article.author.lower().replace(" ", "-")
    day = int(article.date[8:])
    months = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")
    shown_date = f"{day} {months[int(article.date[5:7]) - 1]} 2024"
    title = escape(article.headline)
    summary = escape(article.summary)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | {SITE}</title>
<meta name="description" content="{summary}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{SITE}">
<meta property="og:title" content="{title}">
<meta property="og:description" content="{summary}">
<meta property="og:image" content="{SITE_URL}/images/{article.slug}.jpg">
<meta property="og:image:alt" content="{escape(article.alt)}">
<link rel="canonical" href="{SITE_URL}/{article.slug}/">
<link rel="stylesheet" href="{SITE_URL}/assets/site.css?v=4.2">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":{json.dumps(article.headline)},"datePublished":"{article.date}"}}</script>
</head>
<body class="single single-post">
<div class="cookie-banner" role="dialog" aria-label="Cookie consent"><p>We use cookies to understand how readers use this site. You can change your choice at any time.</p><button type="button">Accept</button> <a href="{SITE_URL}/privacy/">Learn more</a></div>
<header class="site-header">
<p class="site-title"><a href="{SITE_URL}/">{SITE}</a></p>
<p class="site-description">Independent news from Kazakhstan and Central Asia</p>
<nav class="nav-primary" aria-label="Main menu">
<ul class="menu">
{menu}
{extra}
</ul>
</nav>
<form class="search" action="{SITE_URL}/search/" role="search"><label for="q">Search the site</label><input id="q" name="q" type="search" placeholder="Search articles, people and places"><button type="submit">Search</button></form>
</header>
<div class="site-inner">
<main class="content">
<nav class="breadcrumbs" aria-label="Breadcrumbs"><a href="{SITE_URL}/">Home</a> / <a href="{SITE_URL}/{article.section.lower()}/">{article.section}</a></nav>
<article class="post">
<header class="entry-header">
<h1 class="entry-title">{title}</h1>
<p class="byline">By <a href="{SITE_URL}/authors/{author_slug}/">{article.author}</a> · <time datetime="{article.date}">{shown_date}</time></p>
</header>
<figure class="featured"><img src="{SITE_URL}/images/{article.slug}.jpg" alt="{escape(article.alt)}" width="1200" height="675"><figcaption>{escape(article.caption)}</figcaption></figure>
<div class="entry-content">
<p class="lead"><strong>{summary}</strong></p>
{body}
<p class="related">Read more: <a href="{SITE_URL}/{related.slug}/">{escape(related.headline)}</a></p>
</div>
<footer class="entry-footer">
<p class="tags-title">Tags</p>
<ul class="tags">
{tags}
</ul>
<div class="share"><a class="share-facebook" href="https://www.facebook.com/sharer.php?u={SITE_URL}/{article.slug}/" aria-label="Share on Facebook"></a><a class="share-telegram" href="https://t.me/share/url?url={SITE_URL}/{article.slug}/" aria-label="Share on Telegram"></a><button type="button" class="copy-link" title="Copy the link to this article">Copy link</button></div>
</footer>
</article>
</main>
<aside class="sidebar">
<section class="most-read"><h2>Most read</h2>
<ol>
{most_read}
</ol>
</section>
<section class="newsletter"><h2>Subscribe to our newsletter</h2>
<p>Get the most important stories from the region in your inbox every morning.</p>
<form action="{SITE_URL}/subscribe/"><input type="email" name="email" placeholder="Your e-mail address" aria-label="E-mail address"><button type="submit">Subscribe</button></form>
</section>
</aside>
</div>
<footer class="site-footer">
<p>{SITE} is an independent newsroom based in Almaty. We are funded by our readers.</p>
<p>Contact the editors at <a href="mailto:editors@steppeherald.example">editors@steppeherald.example</a>.</p>
<ul class="footer-menu"><li><a href="{SITE_URL}/privacy/">Privacy policy</a></li><li><a href="{SITE_URL}/terms/">Terms of use</a></li><li><a href="{SITE_URL}/advertise/">Advertise with us</a></li><li><a href="{SITE_URL}/support/">Support our work</a></li></ul>
<p class="copyright">© 2024 {SITE}. All rights reserved.</p>
</footer>
</body>
</html>
"""


def write_pages(folder: Path, count: int, seed: int = SEED) -> list[Path]:
    """Write *count* pages into *folder*; return their paths."""
    texts = make_articles(count, seed)
    rng = random.Random(seed + 1)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, article in enumerate(texts):
        others = [t for i, t in enumerate(texts) if i != index] or texts
        path = folder / f"{article.slug}.html"
        path.write_text(page_html(article, others if len(others) >= 5 else others * 5, rng), encoding="utf-8")
        paths.append(path)
    return paths


# --- the project -----------------------------------------------------------------------------

CONFIG = """\
# Generated by benchmarks/project_run.py
[project]
name = "project-run-benchmark"
version = "1.0"
source_language = "en"
target_languages = ["kk", "ru", "zh-Hans"]

[models]
packages_dir = "models"

[models.pairs."en-kk"]
path = "ct2-models/en-kk-random-base/model"
sentencepiece = "ct2-models/en-kk-random-base/sentencepiece.model"
name = "random-base-en-kk"
version = "1.0"
add_end_token = false          # an OpenNMT-style (Argos) model: no </s> after the source

[translate]
engine = "auto"
beam_size = {beam}
device = "cpu"
threads = 0                    # every core
batch_tokens = {batch_tokens}
max_decoding_length = {max_length}
# The bound of a batch is min(max_decoding_length, longest input * length_ratio + 10): with this
# ratio the fixed bound applies to every input, as for raw CTranslate2. Random weights never
# produce </s>, so every output runs to the bound, both ways.
length_ratio = {max_length}.0
"""

GLOSSARY = "en,kk,ru,zh-Hans,kind,note\nSteppe Herald,Steppe Herald,Steppe Herald,Steppe Herald,dnt,The site's name.\n"


@dataclass
class Models:
    """The three model folders of the project."""

    build_s: float
    package_bytes: int
    folders: dict[str, Path]  # language tag -> the folder holding model/ and sentencepiece.model

    def size(self, tag: str) -> int:
        """Bytes on disk of one model folder."""
        return sum(p.stat().st_size for p in self.folders[tag].rglob("*") if p.is_file())

    @property
    def total(self) -> int:
        """Bytes on disk of all three."""
        return sum(self.size(tag) for tag in self.folders)


def make_models(work: Path, project: Path) -> Models:
    """Build one base-size package and give it to the project three times."""
    start = time.perf_counter()
    package = build_argos_package(work / "package", SOURCE, "ru", size="base")
    build_s = time.perf_counter() - start
    packages_dir = project / "models"
    ru = models.install_file(package, packages_dir)
    # en-zh: the same files under another top-level folder, with rewritten metadata.
    staging = work / "zh-staging"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(staging)
    unpacked = next(staging.iterdir())
    zh_root = staging / "translate-en_zh-1_0"
    unpacked.rename(zh_root)
    meta = json.loads((zh_root / "metadata.json").read_text(encoding="utf-8"))
    meta.update(to_code="zh", to_name="Chinese")
    (zh_root / "metadata.json").write_text(json.dumps(meta, indent=4) + "\n", encoding="utf-8")
    zh_package = write_deterministic_zip(zh_root, work / "translate-en_zh-1_0.argosmodel")
    zh = models.install_file(zh_package, packages_dir)
    # en-kk: an unpacked copy configured under [models.pairs."en-kk"].
    kk_dir = project / "ct2-models" / "en-kk-random-base"
    kk_dir.mkdir(parents=True)
    shutil.copytree(zh_root / "model", kk_dir / "model")
    shutil.copyfile(zh_root / "sentencepiece.model", kk_dir / "sentencepiece.model")
    shutil.rmtree(staging)
    zh_package.unlink()
    assert ru.path is not None and zh.path is not None
    return Models(build_s, package.stat().st_size, {"kk": kk_dir, "ru": ru.path, "zh-Hans": zh.path})


def make_project(root: Path, count: int, args: argparse.Namespace) -> list[Path]:
    """The project folder: pages, configuration, glossary (models come apart)."""
    pages = write_pages(root / "articles", count)
    (root / "translate-flow.toml").write_text(
        CONFIG.format(beam=args.beam_size, max_length=args.max_length, batch_tokens=args.batch_tokens),
        encoding="utf-8",
    )
    (root / "glossary").mkdir()
    (root / "glossary" / "glossary.csv").write_text(GLOSSARY, encoding="utf-8")
    return pages


# --- running processes -----------------------------------------------------------------------

TIME = Path("/usr/bin/time")


@dataclass
class Process:
    """One finished process: wall time, peak memory, CPU time, output."""

    command: str
    wall_s: float
    peak_rss: int  # bytes
    cpu_s: float  # user + system, all threads
    returncode: int
    stdout: str
    stderr: str
    report: dict[str, Any] = field(default_factory=dict)


def child_env(home: Path) -> dict[str, str]:
    """The environment of a clean CI job: its own HOME and XDG folders, this repository first."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("ARGOS_PACKAGES_DIR", "GITHUB_STEP_SUMMARY", "PYTHONPATH") and not k.startswith("XDG_")}
    env.update(
        CI="true",
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_CONFIG_HOME=str(home / ".config"),
        PYTHONPATH=str(REPO),
    )
    return env


def measure(command: Sequence[str], cwd: Path, env: dict[str, str], usage_file: Path, shown: str) -> Process:
    """Run *command*; wall time around it, peak RSS and CPU time of the process alone.

    With ``/usr/bin/time -v`` where there is one, else from ``wait4``'s rusage of the child.
    """
    if TIME.exists():
        start = time.perf_counter()
        done = subprocess.run([str(TIME), "-v", "-o", str(usage_file), *command], cwd=cwd, env=env,
                              capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        usage = usage_file.read_text(encoding="utf-8")

        def number(label: str) -> float:
            match = re.search(rf"{re.escape(label)}: ([0-9.]+)", usage)
            return float(match.group(1)) if match else 0.0

        peak = int(number("Maximum resident set size (kbytes)")) * 1024
        cpu = number("User time (seconds)") + number("System time (seconds)")
        return Process(shown, wall, peak, cpu, done.returncode, done.stdout, done.stderr)
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = child.communicate()  # the pipes first; the child stays a zombie until wait4
    _, status, rusage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    return Process(shown, wall, rusage.ru_maxrss * 1024, rusage.ru_utime + rusage.ru_stime,
                   os.waitstatus_to_exitcode(status), out, err)


def run_translate_flow(project: Path, home: Path, report: Path, extra: Sequence[str] = (),
                       python_args: Sequence[str] = ()) -> Process:
    """``python -m translate_flow run --quiet --report FILE`` in *project*, as CI starts it."""
    tail = ["-m", "translate_flow", "run", "--quiet", "--report", str(report), *extra]
    shown = "python " + " ".join([*python_args, *tail]).replace(str(report), report.name)
    report.unlink(missing_ok=True)
    done = measure([sys.executable, *python_args, *tail], project, child_env(home), report.with_suffix(".time"), shown)
    if done.returncode not in (0, 1):  # 1: findings (random-weight output has some); 2: an error
        raise SystemExit(f"{shown} exited with {done.returncode}:\n{done.stderr}")
    done.report = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    return done


def snapshot(project: Path) -> dict[str, tuple[int, int]]:
    """(mtime_ns, size) of every file the pipeline writes: templates, catalogs, pages, state."""
    found = {}
    for folder in ("locales", "build", ".translate-flow"):
        for path in (project / folder).rglob("*"):
            if path.is_file() and path.name != "lock" and not path.name.startswith("machine.sqlite"):
                stat = path.stat()
                found[str(path.relative_to(project))] = (stat.st_mtime_ns, stat.st_size)
    return found


@dataclass
class Catalogs:
    """What the first run left in one language's catalogs."""

    entries: int  # active entries
    machine: int  # fuzzy entries with a machine-translation comment
    distinct: list[str]  # distinct msgids: what translate-flow sent to the model


def read_catalogs(project: Path, locale: str) -> Catalogs:
    """The active entries of every catalog of *locale*."""
    entries = machine = 0
    distinct: dict[str, None] = {}
    for path in sorted((project / "locales" / locale / "LC_MESSAGES").glob("*.po")):
        catalog = read_po(path.read_text(encoding="utf-8"), str(path))
        for message in catalog.active():
            entries += 1
            distinct[message.msgid] = None
            if message.fuzzy and message.msgstr and any(c.startswith(MACHINE_PREFIX) for c in message.auto_comments):
                machine += 1
    return Catalogs(entries, machine, list(distinct))


LOAD_PROBE = """\
import json, pathlib, sys, time
from translate_flow import pipeline
from translate_flow.config import load_config
config = load_config(pathlib.Path("translate-flow.toml"))
engines = pipeline.ModelEngines(config, pipeline.decode_options(config, pipeline.TranslateOptions()))
seconds = {}
for language in config.targets:
    begun = time.perf_counter()
    engines.get(language)
    seconds[language.tag] = time.perf_counter() - begun
json.dump(seconds, sys.stdout)
"""


def translate_flow_load(project: Path, home: Path, work: Path) -> tuple[dict[str, float], Process]:
    """translate-flow's own model lookup and load per language, in a fresh process.

    The calls ``run`` makes (``ModelEngines.get``), so the first also pays for importing
    CTranslate2, SentencePiece and argostranslate, as the first language of a run does.
    """
    done = measure([sys.executable, "-c", LOAD_PROBE], project, child_env(home), work / "load-probe.time", "load probe")
    if done.returncode:
        raise SystemExit(f"the load probe failed:\n{done.stderr}")
    seconds: dict[str, float] = json.loads(done.stdout)
    return seconds, done


# --- raw CTranslate2, in a process of its own ------------------------------------------------


@dataclass
class RawRun:
    """Raw translate_batch on one language's distinct segments."""

    language: str
    segments: int
    load_s: float
    seconds: float
    cpu_s: float
    batches: int
    input_tokens: float
    output_tokens: float


def raw_translate(folder: Path, texts: Sequence[str], beam_size: int, max_length: int, batch_tokens: int,
                  language: str, attention: bool = False) -> RawRun:
    """Load the model (timed apart), then tokenize, translate and detokenize *texts*.

    Batches as translate-flow makes them: sorted by length, at most ``batch_tokens`` tokens
    (source plus end token) and 64 sentences each, one ``translate_batch`` call per batch with
    ``max_batch_size`` batch_tokens in tokens.
    """
    threads = os.cpu_count() or 1
    start = time.perf_counter()
    model = ctranslate2.Translator(str(folder / "model"), device="cpu", compute_type="int8",
                                   intra_threads=threads, inter_threads=1)
    sp = sentencepiece.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
    load_s = time.perf_counter() - start
    extra = {"return_attention": True, "return_scores": True} if attention else {}
    start, cpu = time.perf_counter(), time.process_time()
    tokens = sp.encode(list(texts), out_type=str)
    order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
    batches: list[list[int]] = []
    size = 0
    for index in order:
        length = len(tokens[index]) + 1
        if batches and size + length <= batch_tokens and len(batches[-1]) < 64:
            batches[-1].append(index)
            size += length
        else:
            batches.append([index])
            size = length
    lengths: list[int] = []
    outputs: list[str] = [""] * len(texts)
    for batch in batches:
        results = model.translate_batch(
            [tokens[i] for i in batch], beam_size=beam_size, max_decoding_length=max_length,
            max_batch_size=batch_tokens, batch_type="tokens", **extra,
        )
        hypotheses = [r.hypotheses[0] for r in results]
        lengths.extend(len(h) for h in hypotheses)
        for i, text in zip(batch, sp.decode(hypotheses)):
            outputs[i] = text
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return RawRun(language, len(texts), load_s, seconds, cpu, len(batches),
                  sum(map(len, tokens)) / len(tokens), sum(lengths) / len(lengths))


def raw_worker(job_file: Path) -> int:
    """The raw side, in a fresh process (as translate-flow runs): print one JSON line."""
    job = json.loads(job_file.read_text(encoding="utf-8"))
    runs = [
        raw_translate(Path(item["folder"]), item["texts"], job["beam_size"], job["max_length"], job["batch_tokens"],
                      item["language"], job["attention"]).__dict__
        for item in job["languages"]
    ]
    json.dump(runs, sys.stdout)
    return 0


def run_raw(work: Path, name: str, folders: dict[str, Path], texts: dict[str, list[str]],
            args: argparse.Namespace, attention: bool = False) -> tuple[list[RawRun], Process]:
    """Raw CTranslate2 on every language's segments in a fresh process; its runs and the process."""
    job = {
        "beam_size": args.beam_size, "max_length": args.max_length, "batch_tokens": args.batch_tokens,
        "attention": attention,
        "languages": [{"language": tag, "folder": str(folders[tag]), "texts": texts[tag]} for tag, _, _ in LANGUAGES],
    }
    job_file = work / f"{name}.json"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    done = measure([sys.executable, str(Path(__file__).resolve()), "--raw-worker", str(job_file)], work,
                   child_env(work / "home"), work / f"{name}.time", name)
    if done.returncode:
        raise SystemExit(f"the raw CTranslate2 worker failed:\n{done.stderr}")
    return [RawRun(**run) for run in json.loads(done.stdout)], done


# --- profile ---------------------------------------------------------------------------------


def profile_first_run(pristine: Path, work: Path, home: Path, top: int = 25) -> None:
    """The first run once more, under cProfile, on a fresh copy of the project; print the top."""
    project = work / "profiled"
    shutil.copytree(pristine, project, symlinks=True)
    out = work / "first.prof"
    done = run_translate_flow(project, home, work / "report-profiled.json", python_args=("-m", "cProfile", "-o", str(out)))
    stream = io.StringIO()
    stats = pstats.Stats(str(out), stream=stream)
    print()
    print(f"profile: the first run again under cProfile on a fresh copy ({done.wall_s:.1f} s with the profiler)")
    for order in ("tottime", "cumulative"):
        stream.seek(0)
        stream.truncate()
        stats.sort_stats(order).print_stats(top)
        lines = stream.getvalue().splitlines()
        begin = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        print(f"  by {'own' if order == 'tottime' else 'cumulative'} time:")
        for line in lines[begin:]:
            if line.strip():
                print("    " + line.strip().replace(str(REPO) + "/", "").replace(sys.prefix + "/", ""))


# --- report ----------------------------------------------------------------------------------


def git_state() -> str:
    """The repository's commit, and whether translate_flow/ differs from it."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "translate_flow"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (", translate_flow/ modified" if dirty else "")


def mb(value: float) -> str:
    """Bytes as MB (10^6)."""
    return f"{value / MB:,.0f} MB"


def main(argv: Sequence[str] | None = None) -> int:
    """Build the project and models, run translate-flow and raw CTranslate2, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100, help="generated articles (default 100)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build the project in DIR (new or empty) and leave it there")
    parser.add_argument("--beam-size", type=int, default=4, help="[translate] beam_size, and raw CTranslate2's (default 4)")
    parser.add_argument("--max-length", type=int, default=32, help="output bound in tokens, both ways (default 32)")
    parser.add_argument("--batch-tokens", type=int, default=2048, help="[translate] batch_tokens, and raw max_batch_size (default 2048)")
    parser.add_argument("--noop-repeat", type=int, default=3, help="no-op re-runs; the slowest counts (default 3)")
    parser.add_argument("--profile", action="store_true",
                        help="also: raw CTranslate2 with return_attention, and the first run again under cProfile")
    parser.add_argument("--raw-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.raw_worker:
        return raw_worker(args.raw_worker)
    if min(args.articles, args.beam_size, args.max_length, args.batch_tokens, args.noop_repeat) < 1:
        parser.error("--articles, --beam-size, --max-length, --batch-tokens and --noop-repeat must be at least 1")
    if args.keep and args.keep.exists() and (not args.keep.is_dir() or any(args.keep.iterdir())):
        parser.error(f"{args.keep}: give an empty or new folder")

    load_average = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="tf-project-run-") as temporary:
        work = args.keep.resolve() if args.keep else Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        home = work / "home"
        home.mkdir()
        project = work / "project"
        pages = make_project(project, args.articles, args)
        page_bytes = sum(p.stat().st_size for p in pages)
        print(f"building the model and the project in {work} ...", file=sys.stderr, flush=True)
        built = make_models(work, project)
        # The same project before any run, models linked, for the pseudo-engine run and --profile.
        pristine = work / "pristine"
        shutil.copytree(project, pristine, ignore=shutil.ignore_patterns("models", "ct2-models"))
        for name in ("models", "ct2-models"):
            (pristine / name).symlink_to(project / name)

        print("pseudo-engine run (the work besides the model) ...", file=sys.stderr, flush=True)
        pseudo_project = work / "pseudo"
        shutil.copytree(pristine, pseudo_project, symlinks=True)
        pseudo = run_translate_flow(pseudo_project, home, work / "report-pseudo.json", ("--engine", "pseudo"))
        catalogs = {tag: read_catalogs(pseudo_project, locale) for tag, locale, _ in LANGUAGES}
        shutil.rmtree(pseudo_project)
        texts = {tag: [strip_tags(m).text for m in catalogs[tag].distinct] for tag in catalogs}

        print("translate-flow's model lookup and load, in a fresh process ...", file=sys.stderr, flush=True)
        load_s, probe = translate_flow_load(project, home, work)
        tf_load_s = sum(load_s.values())

        # Raw CTranslate2 before and after the first run: a slow spell of a shared machine
        # during one of the three shows as a difference between the two raw passes.
        print("raw CTranslate2, pass 1 ...", file=sys.stderr, flush=True)
        raw_before, raw_before_process = run_raw(work, "raw-1", built.folders, texts, args)
        print("first run ...", file=sys.stderr, flush=True)
        first = run_translate_flow(project, home, work / "report-first.json")
        print("raw CTranslate2, pass 2 ...", file=sys.stderr, flush=True)
        raw_after, raw_after_process = run_raw(work, "raw-2", built.folders, texts, args)

        after_first = {tag: read_catalogs(project, locale) for tag, locale, _ in LANGUAGES}
        distinct_total = sum(len(c.distinct) for c in after_first.values())
        entries_total = sum(c.entries for c in after_first.values())
        machine_total = sum(c.machine for c in after_first.values())
        from_model = first.report.get("run", {}).get("from_model")
        if any(after_first[tag].distinct != catalogs[tag].distinct for tag in catalogs):
            raise SystemExit("the first run's catalogs hold other msgids than the pseudo run's")
        if from_model != entries_total or machine_total != entries_total:
            raise SystemExit(
                f"the first run filled {from_model} entries from the model ({machine_total} machine entries "
                f"in the catalogs), not all {entries_total}: {first.stderr}"
            )

        print("no-op re-runs ...", file=sys.stderr, flush=True)
        before = snapshot(project)
        noops = [run_translate_flow(project, home, work / f"report-noop-{n}.json") for n in range(args.noop_repeat)]
        # Once more without --report: what writing the JSON report costs.
        bare = measure([sys.executable, "-m", "translate_flow", "run", "--quiet"], project, child_env(home),
                       work / "noop-bare.time", "python -m translate_flow run --quiet")
        after = snapshot(project)
        touched = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))

        attention: list[RawRun] = []
        if args.profile:
            print("raw CTranslate2 with return_attention and return_scores ...", file=sys.stderr, flush=True)
            attention, _ = run_raw(work, "raw-attention", built.folders, texts, args, attention=True)

        # --- print -------------------------------------------------------------------------
        versions = {
            "python": platform.python_version(),
            "translate-flow": metadata.version("translate-flow"),
            "ctranslate2": metadata.version("ctranslate2"),
            "sentencepiece": metadata.version("sentencepiece"),
            "lxml": metadata.version("lxml"),
            "argos-translate-lt": metadata.version("argos-translate-lt"),
        }
        print(" ".join(f"{k} {v}" for k, v in versions.items()) + f" (commit {git_state()})")
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load average before the runs "
              f"{load_average:.2f}, after {os.getloadavg()[0]:.2f}; peak memory and CPU time from "
              f"{'/usr/bin/time -v' if TIME.exists() else 'wait4 rusage'}")
        shape = SIZES["base"]
        print(
            f"model: {shape.layers[0]}+{shape.layers[1]} layers, d_model {shape.d_model}, {shape.heads} heads, FFN {shape.ffn}, "
            f"vocabulary {shape.vocab_size}, {shape.quantization}, random weights; built once in {built.build_s:.1f} s "
            f"({built.package_bytes / MB:.1f} MB package), given to the project three times:"
        )
        for tag, _, how in LANGUAGES:
            print(f"  en-{tag:<8} {how:<45} {mb(built.size(tag)):>7}  {built.folders[tag].relative_to(work)}")
        print(f"  models' total size on disk: {mb(built.total)}")
        print(
            f"project: {args.articles} articles (seed {SEED}, {page_bytes / len(pages) / 1000:.1f} KB a page), "
            f"3 languages (kk, ru, zh-Hans), {3 * args.articles} catalogs; per language "
            f"{entries_total // 3} entries, {distinct_total // 3} distinct msgids"
        )
        print(
            f"decoding, both ways: beam {args.beam_size}, every output bounded to {args.max_length} tokens "
            f"(max_decoding_length; length_ratio {args.max_length}.0), batches of at most {args.batch_tokens} tokens "
            f"and 64 sentences sorted by length, max_batch_size {args.batch_tokens} tokens; int8, cpu, "
            f"{os.cpu_count()} threads; raw gets the msgids without tags, translate-flow the msgids"
        )
        print(f"command: CI=true HOME=<tmp> XDG_*=<tmp> PYTHONPATH={REPO} {first.command}   (in the project folder)")
        print()
        print("translate-flow model lookup and load (fresh process, ModelEngines.get; the first also imports "
              "ctranslate2 and argostranslate): " + ", ".join(f"{k} {v:.2f} s" for k, v in load_s.items())
              + f"; total {tf_load_s:.2f} s")
        for label, runs, process in (("raw pass 1 (before)", raw_before, raw_before_process),
                                     ("raw pass 2 (after)", raw_after, raw_after_process)):
            for r in runs:
                print(f"{label} {r.language:<8} {r.segments} segments, {r.batches} batches: {r.seconds:6.2f} s "
                      f"({r.cpu_s:6.1f} CPU s), {r.segments / r.seconds:5.1f} segments/s; load {r.load_s:.2f} s; "
                      f"{r.input_tokens:.1f} input / {r.output_tokens:.1f} output tokens each")
            print(f"{label} process: {process.wall_s:.2f} s wall, peak {mb(process.peak_rss)}")
        for r in attention:
            print(f"raw + return_attention, return_scores {r.language:<8} {r.seconds:6.2f} s ({r.cpu_s:6.1f} CPU s), "
                  f"{r.segments / r.seconds:5.1f} segments/s")
        print(f"pseudo-engine run: {pseudo.wall_s:.2f} s wall ({pseudo.cpu_s:.1f} CPU s), peak {mb(pseudo.peak_rss)} "
              "(extract, check, build of every pair; no model)")
        print(f"first run: {first.wall_s:.2f} s wall ({first.cpu_s:.1f} CPU s), exit code {first.returncode}"
              + (" (findings in random-weight output)" if first.returncode == 1 else ""))
        for number, run in enumerate(noops, 1):
            state = run.report.get("run", {})
            print(f"no-op re-run {number}: {run.wall_s:.2f} s wall, peak {mb(run.peak_rss)}, "
                  f"changed {state.get('changed')}, unchanged {state.get('unchanged')}, from_model {state.get('from_model')}")
        print(f"no-op re-run without --report: {bare.wall_s:.2f} s wall, peak {mb(bare.peak_rss)}")
        findings = sum(len(c.get("findings", ())) for c in first.report.get("catalogs", ()))
        print(f"check findings carried by every run's state and report: {findings} "
              f"({findings / max(1, entries_total):.1f} per entry: random-weight output is gibberish)")
        print()

        tf_rate = distinct_total / (first.wall_s - tf_load_s)
        raw_s = [sum(r.seconds for r in runs) for runs in (raw_before, raw_after)]
        raw_rate = distinct_total / statistics.mean(raw_s)
        ratio = tf_rate / raw_rate
        spread = (distinct_total / max(raw_s), distinct_total / min(raw_s))
        stage_s = first.wall_s - pseudo.wall_s - tf_load_s
        raw_cpu = statistics.mean(sum(r.cpu_s for r in runs) for runs in (raw_before, raw_after))
        stage_cpu = first.cpu_s - pseudo.cpu_s - probe.cpu_s
        noop_worst = max(r.wall_s for r in noops)
        noop_clean = not touched and all(
            r.report.get("run", {}).get("from_model") == 0 and r.report.get("run", {}).get("changed") == 0 for r in noops
        )
        memory_target = built.total + TARGET_MEMORY_EXTRA
        raw_peak = max(raw_before_process.peak_rss, raw_after_process.peak_rss)

        rows: list[tuple[str, str, str, str]] = [
            ("first run: wall time, process start to exit", f"{first.wall_s:.2f} s", "", ""),
            ("  in the process (report run.seconds)", f"{first.report.get('run', {}).get('seconds', 0):.2f} s", "", ""),
            ("  model lookup and load (probe)", f"{tf_load_s:.2f} s", "", ""),
            ("  work besides the model (pseudo-engine run)", f"{pseudo.wall_s:.2f} s", "", ""),
            ("  translate stage (wall - pseudo - load)", f"{stage_s:.2f} s", "", ""),
            ("segments translated (distinct, 3 languages)", f"{distinct_total}", "", ""),
            ("  catalog entries filled (report from_model)", f"{from_model}", "", ""),
            ("translate-flow segments/s (wall - load)", f"{tf_rate:.1f}", "", ""),
            ("raw translate_batch segments/s (mean of 2)", f"{raw_rate:.1f}", "", ""),
            ("  raw pass 1 / pass 2", f"{distinct_total / raw_s[0]:.1f} / {distinct_total / raw_s[1]:.1f}", "", ""),
            ("ratio translate-flow / raw", f"{ratio:.2f}", f">= {TARGET_RATIO}",
             "met" if ratio >= TARGET_RATIO else "missed"),
            ("  against the slower / faster raw pass", f"{tf_rate / spread[0]:.2f} / {tf_rate / spread[1]:.2f}", "", ""),
            ("  translate stage only / raw", f"{(distinct_total / stage_s) / raw_rate:.2f}", "", ""),
            ("  by CPU time: raw / translate stage", f"{raw_cpu / stage_cpu:.2f}", "", ""),
            (f"no-op re-run wall time (slowest of {len(noops)})", f"{noop_worst:.2f} s", f"< {TARGET_NOOP_S:g} s",
             "met" if noop_worst < TARGET_NOOP_S else "missed"),
            ("  translated nothing, wrote no file", "yes" if noop_clean else f"no ({len(touched)} files changed)", "", ""),
            ("peak memory, first run", mb(first.peak_rss), f"< {mb(memory_target)}",
             "met" if first.peak_rss < memory_target else "missed"),
            ("  models' size on disk + 300 MB", f"{mb(built.total)} + 300 MB", "", ""),
            ("  raw CTranslate2 process, for comparison", mb(raw_peak), "", ""),
            ("  no-op re-run", mb(max(r.peak_rss for r in noops)), "", ""),
        ]
        header = ("measure", "value", "target", "")
        widths = [max(len(r[i]) for r in (header, *rows)) for i in range(4)]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
        print("-" * (sum(widths) + 6))
        for row in rows:
            cells = [c.ljust(w) if i in (0, 3) else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
            print("  ".join(cells).rstrip())
        if args.profile:
            profile_first_run(pristine, work, home)
        if args.keep:
            print(f"\nkept: {work} (project/ after the runs, pristine/ before them, report-*.json the reports)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
