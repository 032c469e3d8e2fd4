"""The regression corpus: real pages, their round trips and the Nu Html Checker.

Shared by ``test_corpus.py`` (every page, a validated subset) and ``benchmarks/corpus.py``
(every page, all validated, a report). The pages are the 49 of ``../shared/corpus/real-pages``
beside the repository (``TRANSLATE_FLOW_REAL_PAGES`` names another folder) and the XHTML
pages of ``tests/data/corpus`` (``SOURCES.md`` there names each page's origin).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

import polib
from conftest import REPO, fill_catalogs, write_config
from lxml import etree
from test_roundtrip import _comparable_attributes, _has_letters
from treecompare import TRANSLATABLE_ATTRIBUTES, Node, load, nodes, norm

from translate_flow import pipeline
from translate_flow.config import load_config
from translate_flow.pseudo import pseudolocalize

REAL_PAGES = Path(os.environ.get("TRANSLATE_FLOW_REAL_PAGES", REPO.parent / "shared" / "corpus" / "real-pages"))
OWN_PAGES = REPO / "tests" / "data" / "corpus"
TARGET = "ru"

VNU_VERSION = "26.9.27"  # npm's vnu-jar; the Nu Html Checker's release of that name
VNU_HOME = REPO / ".cache" / "vnu"
VNU_JAR = VNU_HOME / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

_XHTML_SIGNS = (
    re.compile(rb"^\s*<\?xml\b"),
    re.compile(rb"<!DOCTYPE\s+html\s+PUBLIC\s+\"-//W3C//DTD XHTML", re.IGNORECASE),
    re.compile(rb"<meta\b[^>]*application/xhtml\+xml", re.IGNORECASE),
)


class CorpusMissing(RuntimeError):
    """The shared real pages are not where the corpus expects them."""


def corpus_pages() -> list[Path]:
    """Every page of the corpus, real pages first; raise if the real pages are absent."""
    if not REAL_PAGES.is_dir():
        raise CorpusMissing(
            f"the real pages of the regression corpus are missing: {REAL_PAGES} is not a folder "
            "(expected ../shared/corpus/real-pages beside the repository; "
            "set TRANSLATE_FLOW_REAL_PAGES to the folder holding them)"
        )
    real = sorted(REAL_PAGES.glob("*.html"))
    if not real:
        raise CorpusMissing(f"{REAL_PAGES} holds no .html page")
    return [*real, *sorted(OWN_PAGES.glob("*.html"))]


def is_xhtml(data: bytes) -> bool:
    """Whether a page declares itself XHTML: XML prolog, XHTML doctype or content type."""
    head = data[:2048]
    return any(sign.search(head) for sign in _XHTML_SIGNS)


# --- round trips ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """One page through extract, a translation of every entry, and build."""

    source: bytes
    built: bytes
    catalog: Path
    template: Path
    output: Path


def build_page(root: Path, page: Path, translate: Callable[[str], str]) -> Built:
    """Extract *page* in a new project at *root*, translate every entry, build into ``ru``."""
    (root / "articles").mkdir(parents=True)
    shutil.copy(page, root / "articles" / page.name)
    config = load_config(write_config(root, [TARGET]))
    report = pipeline.extract(config)
    if report.problems:
        raise AssertionError(f"extract {page.name}: {report.problems}")
    catalog = config.locales / TARGET / "LC_MESSAGES" / f"{page.stem}.po"
    fill_catalogs([catalog], translate)
    built = pipeline.build(config)
    if built.problems:
        raise AssertionError(f"build {page.name}: {built.problems}")
    output = config.build_dir / TARGET / page.name
    template = config.locales / "templates" / f"{page.stem}.pot"
    return Built(page.read_bytes(), output.read_bytes(), catalog, template, output)


def identity(msgid: str) -> str:
    """A translator's copy of the source: msgstr = msgid."""
    return msgid


LANGUAGE_ATTRIBUTES = ("lang", "xml:lang", "{http://www.w3.org/XML/1998/namespace}lang")
# Corpus pages are built from English into Russian: an element that declared the source
# language declares the target afterwards, on purpose.
LOCALIZED_LANGUAGES = frozenset({"en", "ru"})


def _attributes(node: Node, *, root: bool, drop_translatable: bool) -> dict[str, str]:
    kept = _comparable_attributes(node.tag, node.attributes, root=root, drop_translatable=drop_translatable)
    for name in LANGUAGE_ATTRIBUTES:
        if root:  # the root's language is the build's to set, in both syntaxes
            kept.pop(name, None)
        elif kept.get(name, "").split("-")[0].lower() in LOCALIZED_LANGUAGES:
            kept[name] = "(the source or target language)"
    for name in TRANSLATABLE_ATTRIBUTES & kept.keys():
        kept[name] = norm(kept[name])  # translatable text is compared as text is
    return kept


def _skeleton(source: list[Node], built: list[Node]) -> list[str]:
    for before, after in zip_longest(source, built):
        if before is None or after is None or before.path != after.path:
            where = (before.path if before else "(end)", after.path if after else "(end)")
            return [f"element skeleton differs: source {where[0]} | built {where[1]}"]
    return []


def identity_differences(built: Built) -> list[str]:
    """What an identity build changed beyond what localization changes on purpose."""
    source, rebuilt = list(nodes(load(built.source))), list(nodes(load(built.built, "built.html")))
    problems = _skeleton(source, rebuilt)
    if problems:
        return problems
    for before, after in zip(source, rebuilt):
        root = before.path == source[0].path
        old, new = (_attributes(n, root=root, drop_translatable=False) for n in (before, after))
        if old != new:
            changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
            problems.append(f"{before.path}: " + ", ".join(
                f"{name} {old.get(name)!r:.80} became {new.get(name)!r:.80}" for name in changed))
        if before.tag == "time" and before.skipped:
            continue  # localized from its datetime attribute
        for part, was, now in (("text", before.text, after.text), ("tail", before.tail, after.tail)):
            if norm(was) != norm(now):
                problems.append(f"{before.path}: {part} {norm(was)[:60]!r} became {norm(now)[:60]!r}")
    return problems


_WHERE = re.compile(r"(?:^|[ >])([\w:-]+)(?:\[\d+\])?\[([\w:-]+)\]$")


def _extracted(catalog: Path) -> set[tuple[str, int, str, str]]:
    """(msgid, source line, tag, attribute) of every attribute text the catalog holds.

    Entries name where their text came from (``#. head > meta[description]``) and the
    lines it occurs on; an entry with several of each counts for every pairing.
    """
    found: set[tuple[str, int, str, str]] = set()
    for entry in polib.pofile(str(catalog)):
        places = [m.groups() for m in map(_WHERE.search, entry.comment.splitlines()) if m]
        for _, line in entry.occurrences:
            if line.isdigit():
                found.update((entry.msgid, int(line), tag, "content" if tag == "meta" else name)
                             for tag, name in places)  # a <meta> is named by its key
    return found


def _source_lines(root: etree._Element) -> list[int]:
    """The source line of every node ``nodes`` yields, in its order."""
    lines: list[int] = []
    for element in root.iter():
        if not (element.tag == "link" and element.get("hreflang") is not None):
            line: int | None = getattr(element, "sourceline", None)  # lxml-stubs mistypes it
            lines.append(line or 0)
    return lines


def pseudo_differences(built: Built) -> list[str]:
    """What a pseudo build kept that it should change, or changed that it should keep.

    An attribute must change when the catalog says its text was taken from that attribute
    of that element on its line: the same text elsewhere may be left alone by the policy.
    """
    extracted = _extracted(built.catalog)
    source_root = load(built.source)
    source, rebuilt = list(nodes(source_root)), list(nodes(load(built.built, "built.html")))
    problems = _skeleton(source, rebuilt)
    if problems:
        return problems
    translated = 0
    for before, after, line in zip(source, rebuilt, _source_lines(source_root)):
        root = before.path == source[0].path
        old, new = (_attributes(n, root=root, drop_translatable=True) for n in (before, after))
        if old != new:
            names = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
            problems.append(f"{before.path}: attributes {names} changed")
        if before.tag == "time" and before.skipped:
            continue  # localized from its datetime attribute
        if before.skipped or before.tag in ("#comment", "script", "style"):
            if after.text != before.text:
                problems.append(f"{before.path}: text left alone by the policy changed")
            continue
        for was, now in ((before.text, after.text), (before.tail, after.tail)):
            if _has_letters(was):
                if norm(now) == norm(was):
                    problems.append(f"{before.path}: {norm(was)[:60]!r} was not translated")
                translated += 1
        for name, value in before.attributes:
            if name in TRANSLATABLE_ATTRIBUTES and (norm(value), line, before.tag, name) in extracted and \
                    dict(after.attributes).get(name) == value:
                problems.append(f"{before.path}[{name}]: {value[:60]!r} was not translated")
    if translated == 0:
        problems.append("no text changed at all")
    return problems


def pseudo(msgid: str) -> str:
    """The pseudo-translation every translatable text gets."""
    return pseudolocalize(msgid)


def xml_problem(data: bytes) -> str:
    """Why *data* is not well-formed XML, or '' when it is."""
    try:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except etree.XMLSyntaxError as error:
        return str(error)
    return ""


def msgfmt_problem(path: Path) -> str:
    """GNU msgfmt's complaint about a catalog, or '' when ``msgfmt -c`` accepts it."""
    command = ["msgfmt", "-c", "-o", "/dev/null", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return done.stderr.strip() if done.returncode else ""


# --- the Nu Html Checker -------------------------------------------------------------------


class ValidatorMissing(RuntimeError):
    """Java or the checker's jar cannot be had on this machine."""


def java() -> str:
    """The java command; raise with what to install when there is none."""
    found = shutil.which("java")
    if not found:
        raise ValidatorMissing(
            "the Nu Html Checker needs Java and there is no `java` on PATH: "
            "install a Java runtime (Debian: apt-get install default-jre-headless), as .ci/run does"
        )
    return found


def vnu_jar() -> Path:
    """The checker's jar: ``VNU_JAR`` if set, else npm's vnu-jar under ``.cache/vnu`` (installed once)."""
    if os.environ.get("VNU_JAR"):
        return Path(os.environ["VNU_JAR"])
    VNU_HOME.mkdir(parents=True, exist_ok=True)
    with (VNU_HOME / ".lock").open("w") as lock:  # test workers may ask at the same time
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not VNU_JAR.is_file():
            npm = shutil.which("npm")
            if not npm:
                raise ValidatorMissing(f"{VNU_JAR} is missing and there is no `npm` to install vnu-jar (see .ci/run)")
            done = subprocess.run(
                [npm, "install", "--prefix", str(VNU_HOME), "--no-save", "--no-audit", "--no-fund",
                 "--ignore-scripts", f"vnu-jar@{VNU_VERSION}"],
                capture_output=True, text=True, check=False,
            )
            if done.returncode or not VNU_JAR.is_file():
                raise ValidatorMissing(f"npm install vnu-jar@{VNU_VERSION} failed:\n{done.stderr}")
    return VNU_JAR


def validate(files: Iterable[Path]) -> dict[Path, frozenset[str]]:
    """The distinct error messages the Nu Html Checker reports for each file, in one JVM run.

    Only errors count (warnings and notes do not); a message is compared by its text, which
    holds no line number.
    """
    paths = [path.resolve() for path in files]
    command = [java(), "-Xss8m", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always",
               *map(str, paths)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        messages = json.loads(done.stderr)["messages"]
    except (ValueError, KeyError) as error:
        raise ValidatorMissing(f"the Nu Html Checker gave no report ({error}):\n{done.stdout}\n{done.stderr[:2000]}")
    errors: dict[Path, set[str]] = {path: set() for path in paths}
    for message in messages:
        if message.get("type") != "error":
            continue
        url = message.get("url", "")
        path = Path(url.removeprefix("file:")) if url.startswith("file:") else None
        if path in errors:
            fatal = "fatal: " if message.get("subType") == "fatal" else ""
            errors[path].add(fatal + message.get("message", ""))
    return {path: frozenset(found) for path, found in errors.items()}


@dataclass(frozen=True)
class Verdict:
    """The checker on a built page against its source page."""

    new: tuple[str, ...]  # errors of the built page its source has not
    source_errors: int
    source_gave_up: bool  # the checker stopped early on the source: errors past that point are unknown


# The checker words one fault two ways, by what stands next to it in the text: a stray
# quote in an attribute name after a value-less attribute, and after one with a value.
_SAME_FAULT = (
    (re.compile(r"^Saw “(.)” when expecting an attribute name\..*"), r"stray “\1” in an attribute name"),
    (re.compile(r"^Quote “(.)” in attribute name\..*"), r"stray “\1” in an attribute name"),
)


def _fault(message: str) -> str:
    for pattern, common in _SAME_FAULT:
        message = pattern.sub(common, message)
    return message


def validate_pairs(pairs: Sequence[tuple[Path, Path]]) -> dict[Path, Verdict]:
    """For each (source, built) pair, the checker's verdict, all pages in one JVM run."""
    report = validate(path for pair in pairs for path in pair)
    verdicts: dict[Path, Verdict] = {}
    for source, built in pairs:
        before = {_fault(m) for m in report[source.resolve()]}
        after = {_fault(m) for m in report[built.resolve()]}
        gave_up = any(message.startswith("fatal: ") for message in before)
        verdicts[source] = Verdict(tuple(sorted(after - before)), len(before), gave_up)
    return verdicts
