"""Machine translation on real CTranslate2 models the tests build (random weights, seeded).

The output is gibberish, so the tests check what must hold whatever a model says: every
tag comes back, properly nested; protected text comes back as the glossary renders it;
nothing is truncated; the same model and input give the same output; and a translator's
work is never touched.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import modelfactory
import polib
import pytest
from conftest import SAMPLE_ARTICLE, MakeProject, msgfmt_check
from treecompare import load

from translate_flow import pipeline
from translate_flow.config import Config, TranslateSettings
from translate_flow.errors import ModelError
from translate_flow.glossary import Glossary, parse_csv
from translate_flow.languages import language
from translate_flow.terms import GlossarySteering, TermMatcher
from translate_flow.markup import TAG_RE, check_tags, unescape_text
from translate_flow.pseudo import pseudolocalize
from translate_flow.segment import segment_page
from translate_flow.htmldoc import parse_html
from translate_flow.translate import (
    DecodeOptions,
    ModelSpec,
    PseudoEngine,
    Translator,
    find_loop,
    output_hash,
)
from translate_flow.translate.prepare import Chunk, batches, output_bound
from translate_flow.translate.translator import keep_buffers_in_the_heap, thread_layout

BOUNDED = DecodeOptions(beam_size=2, max_decoding_length=24, device="cpu", threads=1)
NAMES = [("Serikzhan Bilash", "Серикжан Билаш"), ("Aiman Umarova", "Айман Умарова"),
         ("Bitter Winter", "Bitter Winter")]


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tiny en-ru and en-zh Argos packages, unpacked, and an NLLB-style en-kk model."""
    root = tmp_path_factory.mktemp("models")
    for target, seed in (("ru", 1), ("zh", 2)):
        package = modelfactory.build_argos_package(root / "packages-src", "en", target, seed=seed)
        with zipfile.ZipFile(package) as archive:
            archive.extractall(root / "unpacked")
    modelfactory.build_nllb_style_model(root / "nllb", seed=3)
    return root


def argos_spec(models_dir: Path, target: str = "ru", **changes: object) -> ModelSpec:
    folder = models_dir / "unpacked" / modelfactory.package_dirname("en", target)
    spec = ModelSpec(f"translate-en_{target}", "1.0", "argos", folder / "model",
                     folder / "sentencepiece.model", folder / "sentencepiece.model")
    return ModelSpec(**{**spec.__dict__, **changes})  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def ru(models_dir: Path) -> Translator:
    return Translator(argos_spec(models_dir), BOUNDED)


def sample_msgids() -> list[str]:
    page = parse_html(SAMPLE_ARTICLE.read_bytes(), "sample.html")
    return list(dict.fromkeys(s.msgid for s in segment_page(page.tree)))


def test_every_tag_comes_back_whatever_the_model_says(ru: Translator) -> None:
    msgids = sample_msgids()
    tagged = [m for m in msgids if "<" in m]
    assert len(tagged) > 20
    for result in ru.translate(msgids):
        check_tags(result.msgid, result.text)  # raises on a lost, doubled or crossed tag
        assert result.text and result.engine == "argos translate-en_ru 1.0"


def test_same_model_same_input_same_output(models_dir: Path, ru: Translator) -> None:
    msgids = sample_msgids()[:40]
    again = Translator(argos_spec(models_dir), BOUNDED)
    assert [r.text for r in ru.translate(msgids)] == [r.text for r in again.translate(msgids)]


@pytest.mark.parametrize(
    ("threads", "inter", "intra", "device", "expected"),
    [
        (0, 0, 0, "cpu", (8, 1)),  # every core, one single-threaded replica each
        (4, 0, 0, "cpu", (4, 1)),
        (0, 2, 0, "cpu", (2, 4)),  # the replicas asked for share the cores
        (0, 0, 4, "cpu", (2, 4)),
        (6, 4, 0, "cpu", (4, 1)),
        (0, 3, 3, "cpu", (3, 3)),  # both given: as given
        (0, 0, 0, "cuda", (1, 0)),  # one replica per GPU unless asked
        (0, 2, 0, "cuda", (2, 0)),
    ],
    ids=["auto", "threads", "inter", "intra", "inter-within-threads", "both", "gpu", "gpu-inter"],
)
def test_the_thread_layout(threads: int, inter: int, intra: int, device: str, expected: tuple[int, int]) -> None:
    options = DecodeOptions(threads=threads, inter_threads=inter, intra_threads=intra)
    assert thread_layout(options, device, cores=8) == expected


@pytest.mark.parametrize(("inter", "intra"), [(1, 2), (2, 1), (3, 1)], ids=["1x2", "2x1", "3x1"])
def test_the_thread_layout_changes_speed_never_output(models_dir: Path, ru: Translator, inter: int, intra: int) -> None:
    msgids = sample_msgids()
    laid_out = Translator(argos_spec(models_dir), replace(BOUNDED, threads=0, inter_threads=inter, intra_threads=intra))
    assert laid_out.replicas == inter and laid_out.model.num_translators == inter
    assert laid_out.identity == ru.identity  # the machine-output cache holds for every layout
    assert [r.text for r in laid_out.translate(msgids)] == [r.text for r in ru.translate(msgids)]
    assert laid_out.calls > inter  # enough batches that every replica had work


def test_a_cpu_translator_keeps_ctranslate2s_buffers_in_the_heap(ru: Translator) -> None:
    # glibc (the C library of the systems the tests run on) takes the setting, once per process.
    assert keep_buffers_in_the_heap() is True
    assert keep_buffers_in_the_heap.cache_info().currsize == 1


def test_identical_inputs_are_translated_once(models_dir: Path) -> None:
    translator = Translator(argos_spec(models_dir), BOUNDED)
    results = translator.translate(["Hello there.", "Hello there.", "Goodbye."])
    assert results[0] == results[1] and translator.calls == 1


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [
        ("Serikzhan Bilash met Aiman Umarova in Almaty.", ["Серикжан Билаш", "Айман Умарова"]),
        ("Write to info@bitterwinter.org or see https://bitterwinter.org/about/ now.",
         ["info@bitterwinter.org", "https://bitterwinter.org/about/"]),
        ("The fine was $ 300 on August 16, 2019 for 3,000 people.", ["300", "16", "2019", "3,000"]),
        ("She read <em1>Bitter Winter</em1> every day.", ["<em1>Bitter Winter</em1>"]),
    ],
    ids=["names", "email-and-url", "numbers", "dnt-inside-tag"],
)
def test_protected_text_comes_back(ru: Translator, msgid: str, expected: list[str]) -> None:
    result = ru.translate([msgid], NAMES)[0]
    for text in expected:
        assert result.text.count(text) == 1, result.text
    check_tags(msgid, result.text)


def test_placeholders_use_a_form_the_tokenizer_keeps(ru: Translator) -> None:
    mark = ru.placeholder(7)
    ids = ru.source_sp.encode(mark)
    assert ru.source_sp.unk_id() not in ids and ru.source_sp.decode(ids) == mark


def test_long_inputs_are_cut_at_clauses_never_truncated(models_dir: Path) -> None:
    translator = Translator(argos_spec(models_dir, max_input_tokens=40), BOUNDED)
    sentence = "The court in Almaty, which heard the case, fined him; his lawyer appealed. "
    text = sentence * 6
    chunks = translator.inputs.chunks(0, text.strip())
    assert len(chunks) > 1
    assert "".join(c.text for c in chunks) == text.strip()
    assert all(len(c.tokens) <= 40 for c in chunks)
    assert all(c.text.rstrip().endswith((".", ",", ";")) for c in chunks[:-1])
    result = translator.translate([f"<b1>{text.strip()}</b1>"])[0]
    check_tags(result.msgid, result.text)


def test_nllb_style_model_with_a_target_token(models_dir: Path) -> None:
    folder = models_dir / "nllb"
    spec = ModelSpec("nllb-tiny", "1", "ct2", folder / "model", folder / "sentencepiece.model",
                     folder / "sentencepiece.model", source_prefix=("eng_Latn",),
                     target_prefix=("kaz_Cyrl",), add_end_token=True)
    translator = Translator(spec, BOUNDED)
    result = translator.translate(["See <a1>the report</a1> now."])[0]
    check_tags(result.msgid, result.text)
    assert "kaz_Cyrl" not in result.text and result.text.strip()


def _chunk(index: int, tokens: int) -> Chunk:
    return Chunk(index, 0, "x", ("x",) * tokens, ((0, 1),) * tokens)


@pytest.mark.parametrize(
    ("options", "device"),
    [(DecodeOptions(), "cpu"), (DecodeOptions(batch_tokens=64), "cpu"), (DecodeOptions(batch_examples=3), "cuda"),
     (DecodeOptions(beam_size=1, n_best=8, max_decoding_length=1024), "cuda")],
    ids=["defaults", "small-token-budget", "few-examples", "long-outputs"],
)
def test_batches_hold_every_chunk_once_within_budget_and_bound(options: DecodeOptions, device: str) -> None:
    chunks = [_chunk(i, 1 + (i * 37) % 60) for i in range(200)]
    steered = set(range(0, 200, 7))
    spec = ModelSpec("m", "1", "ct2", Path("m"), Path("s"), Path("s"), source_prefix=("eng_Latn",))
    planned = batches(chunks, steered, spec, options, device)
    positions = [p for batch in planned for p in batch.positions]
    assert sorted(positions) == list(range(len(chunks)))
    for batch in planned:
        lengths = [len(chunks[p].tokens) + 2 for p in batch.positions]  # the prefix and the end token
        assert {chunks[p].index in steered for p in batch.positions} == {batch.n_best > 1}
        assert {output_bound(n, options) for n in lengths} == {batch.bound}
        assert len(batch.positions) == 1 or sum(lengths) <= options.batch_tokens
        assert lengths == sorted(lengths)
        if options.batch_examples:
            assert len(batch.positions) <= options.batch_examples


@pytest.mark.parametrize(
    ("problem", "change"),
    [("model.bin", {"model_dir": Path("/nonexistent/model")}),
     ("sentencepiece", {"source_sentencepiece": Path("/nonexistent/sp.model")})],
    ids=["missing-model", "missing-tokenizer"],
)
def test_missing_model_files_are_one_clear_error(models_dir: Path, problem: str, change: dict[str, Path]) -> None:
    with pytest.raises(ModelError, match="missing; reinstall"):
        Translator(argos_spec(models_dir, **change), BOUNDED)


def test_corrupt_model_is_a_model_error(models_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "model.bin").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="cannot load the model"):
        Translator(argos_spec(models_dir, model_dir=tmp_path / "model"), BOUNDED)


class _FailingModel:
    def translate_batch(self, *args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("out of memory")


def test_a_model_failing_on_everything_leaves_each_text_untranslated_with_a_note(models_dir: Path) -> None:
    translator = Translator(argos_spec(models_dir), BOUNDED)
    translator.model = _FailingModel()
    results = translator.translate(["Hello.", "The court fined him.", "Hello."])
    assert [r.text for r in results] == ["", "", ""]
    assert {r.notes for r in results} == {("left untranslated: the model failed on this text (out of memory)",)}


@pytest.mark.parametrize(
    ("where", "message"),
    [("model.bin", "missing; reinstall the model or fix its path in the configuration"),
     ("sentencepiece", "missing; reinstall the model or fix its path in the configuration"),
     ("corrupt", "cannot load the model")],
    ids=["missing-model", "missing-tokenizer", "corrupt-model"],
)
def test_model_errors_name_the_file_as_their_path(models_dir: Path, tmp_path: Path, where: str, message: str) -> None:
    spec = argos_spec(models_dir)
    corrupt = tmp_path / "model"
    corrupt.mkdir()
    (corrupt / "model.bin").write_bytes(b"not a model")
    changes = {"model.bin": {"model_dir": tmp_path / "absent"},
               "sentencepiece": {"source_sentencepiece": tmp_path / "sp.model"},
               "corrupt": {"model_dir": corrupt}}.get(where, {})
    expected = {"model.bin": tmp_path / "absent" / "model.bin", "sentencepiece": tmp_path / "sp.model",
                "corrupt": corrupt}.get(where, spec.model_dir)
    with pytest.raises(ModelError) as caught:
        Translator(argos_spec(models_dir, **changes), BOUNDED)
    assert caught.value.path == str(expected)
    assert caught.value.message.startswith(message) and str(expected) not in caught.value.message
    assert str(caught.value) == f"{expected}: {caught.value.message}"


# --- pseudo-localization -------------------------------------------------------------------

PSEUDO_MSGIDS = {
    "plain": "The court fined him.",
    "tags": "See <a1>the report</a1> and <em2>Bitter Winter</em2>.<br3/>",
    "nested": "<strong1>Free <em2>but</em2> silenced</strong1>",
    "escaped-tag-text": "Type &lt;b1> to make text bold",
    "digits-and-marks": "On 16.08.2019, 3,000 people (12 %) said “no” — 2019!",
    "other-scripts": "Café in Almaty, Алматы, 阿拉木图",
}


def _between_tags(msgid: str) -> list[str]:
    """The texts around the tags, unescaped; split() also returns the pattern's three groups."""
    return [unescape_text(text) for text in TAG_RE.split(msgid)[::4]]


@pytest.mark.parametrize("msgid", PSEUDO_MSGIDS.values(), ids=PSEUDO_MSGIDS.keys())
def test_pseudolocalization_keeps_every_tag_in_place(msgid: str) -> None:
    result = pseudolocalize(msgid)
    check_tags(msgid, result)
    assert [m.group(0) for m in TAG_RE.finditer(result)] == [m.group(0) for m in TAG_RE.finditer(msgid)]


@pytest.mark.parametrize("msgid", PSEUDO_MSGIDS.values(), ids=PSEUDO_MSGIDS.keys())
def test_pseudolocalization_changes_every_latin_letter_and_nothing_else(msgid: str) -> None:
    result = pseudolocalize(msgid)
    letters = sum(ch.isalpha() for ch in "".join(_between_tags(msgid)))
    padding = " " + "~" * -(-letters * 3 // 10) if letters else ""
    # The padding goes before the final punctuation, which stays last as in the source.
    assert result.startswith("[") and result.endswith("]") and result.count(padding) == 1
    texts = _between_tags(result[1:-1].replace(padding, "", 1))
    for before, after in zip(_between_tags(msgid), texts, strict=True):
        assert len(after) == len(before)
        for old, new in zip(before, after):
            if old.isascii() and old.isalpha():
                assert new.isalpha() and not new.isascii(), (old, new)
            else:
                assert new == old


def test_pseudolocalization_reads_as_it_always_has() -> None:
    assert pseudolocalize("See <a1>the report</a1>.") == "[Šéé <a1>ţĥé ŕéþóŕţ</a1> ~~~~.]"
    assert pseudolocalize("2019") == "[2019]"


@pytest.mark.parametrize("seed", ["0", "1", "random"])
def test_pseudolocalization_is_the_same_in_every_process(seed: str) -> None:
    code = (
        "import json, sys; from translate_flow.pseudo import pseudolocalize; "
        "print(json.dumps([pseudolocalize(m) for m in json.load(sys.stdin)]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(list(PSEUDO_MSGIDS.values())), capture_output=True,
        text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed},
    )
    assert json.loads(done.stdout) == [pseudolocalize(m) for m in PSEUDO_MSGIDS.values()]


def test_pseudo_engine_translates_like_pseudolocalize() -> None:
    msgids = list(PSEUDO_MSGIDS.values())
    counted: list[int] = []
    engine = PseudoEngine()
    results = engine.translate([*msgids, msgids[0]], progress=counted.append)
    assert [r.text for r in results] == [pseudolocalize(m) for m in [*msgids, msgids[0]]]
    assert all(r.text != r.msgid and r.engine == "pseudo" and r.score == 0.0 for r in results)
    assert counted == [len(msgids) + 1] and engine.identity == PseudoEngine().identity


@pytest.mark.parametrize(
    ("text", "loop"),
    [("the the the cat", "the"), ("a b c a b c a b c", "a b c"), ("no loop here at all", None),
     ("他说他说他说", "他 说"), ("1, 2, 3.", None)],
    ids=["word", "trigram", "none", "chinese", "punctuation"],
)
def test_find_loop(text: str, loop: str | None) -> None:
    assert find_loop(text) == loop


# --- decoding options from the settings ------------------------------------------------------

SHARED_FIELDS = sorted(set(DecodeOptions.__dataclass_fields__) & set(TranslateSettings.__dataclass_fields__))


@pytest.mark.parametrize("field", SHARED_FIELDS)
def test_decode_defaults_are_the_settings_defaults(field: str) -> None:
    assert getattr(DecodeOptions(), field) == getattr(TranslateSettings(), field)


def test_default_settings_give_the_default_options() -> None:
    assert DecodeOptions.from_settings(TranslateSettings()) == DecodeOptions()
    assert ModelSpec("m", "1", "ct2", Path("m"), Path("s"), Path("s")).max_input_tokens == TranslateSettings().max_input_tokens


# Each decoding setting as the configuration file writes it, and the value decoding gets.
TOML_SETTINGS = [
    ("beam_size", "6", 6), ("device", '"cpu"', "cpu"), ("compute_type", '"int8"', "int8"),
    ("threads", "3", 3), ("batch_tokens", "4096", 4096), ("batch_examples", "32", 32),
    ("repetition_penalty", "1.2", 1.2), ("no_repeat_ngram_size", "3", 3), ("length_ratio", "1.5", 1.5),
    ("max_decoding_length", "256", 256), ("n_best", "8", 8), ("inter_threads", "2", 2), ("intra_threads", "1", 1),
]


def test_every_decoding_setting_is_tried() -> None:
    assert sorted(field for field, _, _ in TOML_SETTINGS) == SHARED_FIELDS


@pytest.mark.parametrize(("field", "written", "value"), TOML_SETTINGS, ids=[t[0] for t in TOML_SETTINGS])
def test_a_setting_in_the_configuration_reaches_decoding(
    make_project: MakeProject, field: str, written: str, value: object,
) -> None:
    config = make_project(extra=f"\n[translate]\n{field} = {written}\n")
    options = DecodeOptions.from_settings(config.translate)
    assert getattr(options, field) == value
    others = {k: v for k, v in options.__dict__.items() if k != field}
    assert others == {k: v for k, v in DecodeOptions().__dict__.items() if k != field}


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [({"draft": True}, {"beam_size": 1, "device": "cuda", "threads": 2}),
     ({"device": "cpu"}, {"beam_size": 6, "device": "cpu", "threads": 2}),
     ({"device": None, "threads": None}, {"beam_size": 6, "device": "cuda", "threads": 2}),
     ({"threads": 0}, {"beam_size": 6, "device": "cuda", "threads": 0})],
    ids=["draft-is-greedy", "device-flag-wins", "no-flags", "threads-zero-wins"],
)
def test_command_line_choices_win_over_the_settings(arguments: dict[str, object], expected: dict[str, object]) -> None:
    settings = TranslateSettings(beam_size=6, device="cuda", threads=2, n_best=8)
    options = DecodeOptions.from_settings(settings, **arguments)  # type: ignore[arg-type]
    assert {k: getattr(options, k) for k in expected} == expected
    assert options.n_best == 8


# --- the translate stage on a project ---------------------------------------------------------


def translated_project(make_project: MakeProject, models_dir: Path, pages: list[Path | tuple[str, str]]) -> Config:
    extra = f"""
[models]
packages_dir = "{models_dir / 'unpacked'}"
pivot = ""

[models.pairs."en-kk"]
path = "{models_dir / 'nllb' / 'model'}"
sentencepiece = "{models_dir / 'nllb' / 'sentencepiece.model'}"
source_token = "eng_Latn"
target_token = "kaz_Cyrl"
name = "nllb-tiny"

[translate]
beam_size = 2
max_decoding_length = 24
device = "cpu"
threads = 1
"""
    config = make_project(pages, extra=extra)
    assert not pipeline.extract(config).problems
    return config


def po(config: Config, locale: str, slug: str = "bilash-free-but-silenced") -> Path:
    return config.locales / locale / "LC_MESSAGES" / f"{slug}.po"


def test_whole_pipeline_on_the_sample_article(make_project: MakeProject, models_dir: Path) -> None:
    config = translated_project(make_project, models_dir, [SAMPLE_ARTICLE])
    report = pipeline.translate(config)
    assert not report.problems
    engines = {run.language: run.engine for run in report.languages}
    assert engines == {"kk": "ct2 nllb-tiny", "ru": "argos translate-en_ru 1.0", "zh-Hans": "argos translate-en_zh 1.0"}
    for locale in ("kk", "ru", "zh_Hans"):
        msgfmt_check(po(config, locale))
        for entry in polib.pofile(str(po(config, locale))):
            assert entry.msgstr and "fuzzy" in entry.flags
            assert f"mt={output_hash(entry.msgstr)}" in entry.comment
            check_tags(entry.msgid, entry.msgstr)
    built = pipeline.build(config)
    assert not built.problems
    for lang in ("kk", "ru", "zh-Hans"):
        page = load((config.build_dir / lang / "bilash-free-but-silenced.html").read_bytes())
        assert page.get("lang") == lang and len(page.findall(".//a")) > 50


def edit(path: Path, changes: dict[str, tuple[str, bool]]) -> None:
    catalog = polib.pofile(str(path))
    for msgid, (msgstr, fuzzy) in changes.items():
        entry = catalog.find(msgid)
        assert entry is not None
        entry.msgstr = msgstr
        if not fuzzy and "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalog.save(str(path))


def test_translator_work_is_never_touched(make_project: MakeProject, models_dir: Path) -> None:
    config = translated_project(make_project, models_dir, [SAMPLE_ARTICLE])
    reviewed, edited = "HOME", "NEWS"
    edit(po(config, "ru"), {reviewed: ("ГЛАВНАЯ", False)})
    pipeline.translate(config, languages=["ru"])
    first = {e.msgid: (e.msgstr, e.flags) for e in polib.pofile(str(po(config, "ru")))}
    assert first[reviewed] == ("ГЛАВНАЯ", [])
    edit(po(config, "ru"), {edited: ("НОВОСТИ", True)})  # a person's edit, still fuzzy
    report = pipeline.translate(config, languages=["ru"], options=pipeline.TranslateOptions(retranslate=True))
    after = {e.msgid: (e.msgstr, e.flags) for e in polib.pofile(str(po(config, "ru")))}
    assert after[reviewed] == ("ГЛАВНАЯ", [])
    assert after[edited] == ("НОВОСТИ", ["fuzzy"])
    assert report.languages[0].from_model == len(first) - 2  # all other machine output, again
    for entry in polib.pofile(str(po(config, "ru"))):
        if entry.msgid not in (reviewed, edited):
            assert entry.comment.count(f"mt={output_hash(entry.msgstr)}") == 1


def test_same_project_same_catalogs(make_project: MakeProject, models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    config = translated_project(make_project, models_dir, [SAMPLE_ARTICLE])
    pipeline.translate(config)
    first = {p.relative_to(config.root): p.read_bytes() for p in config.locales.rglob("*.po")}
    again = config.root.parent / "again"
    import shutil
    shutil.copytree(config.root, again)
    for path in again.joinpath("locales").rglob("*.po"):
        path.unlink()
    from translate_flow.config import load_config
    copy = load_config(again / "translate-flow.toml")
    pipeline.extract(copy)
    pipeline.translate(copy)
    assert {p.relative_to(copy.root): p.read_bytes() for p in copy.locales.rglob("*.po")} == first


def test_without_retranslate_nothing_is_redone(make_project: MakeProject, models_dir: Path) -> None:
    config = translated_project(make_project, models_dir, [SAMPLE_ARTICLE])
    pipeline.translate(config, languages=["zh-Hans"])
    before = po(config, "zh_Hans").read_bytes()
    report = pipeline.translate(config, languages=["zh-Hans"])
    assert report.languages[0].from_model == 0 and po(config, "zh_Hans").read_bytes() == before


def test_reviewed_translations_are_reused_across_articles(make_project: MakeProject, models_dir: Path) -> None:
    page = "<!DOCTYPE html><html lang='en'><head><title>{title}</title></head><body><p>The court fined him.</p></body></html>"
    config = translated_project(make_project, models_dir, [("one.html", page.format(title="One")),
                                                           ("two.html", page.format(title="Two"))])
    edit(po(config, "ru", "one"), {"The court fined him.": ("Суд оштрафовал его.", False)})
    report = pipeline.translate(config, languages=["ru"])
    assert report.languages[0].from_memory == 1
    entry = polib.pofile(str(po(config, "ru", "two"))).find("The court fined him.")
    assert entry is not None and entry.msgstr == "Суд оштрафовал его." and "fuzzy" in entry.flags
    assert "memory: reviewed translation in locales/ru/LC_MESSAGES/one.po" in entry.comment


def test_missing_model_says_what_to_do(make_project: MakeProject, tmp_path: Path) -> None:
    config = make_project([SAMPLE_ARTICLE], targets=["ru"],
                          extra=f'\n[models]\npackages_dir = "{tmp_path / "empty"}"\n')
    pipeline.extract(config)
    report = pipeline.translate(config)
    assert [(p.path, p.kind) for p in report.problems] == [("ru", "input")]
    assert re.search(r"models install --for-project.*models\.pairs\.\"en-ru\"", report.problems[0].message)


def test_pivot_through_english_when_no_direct_model(make_project: MakeProject, tmp_path: Path) -> None:
    packages = tmp_path / "unpacked"
    for source, target, seed in (("ru", "en", 4), ("en", "zh", 2)):
        package = modelfactory.build_argos_package(tmp_path / "src", source, target, seed=seed)
        with zipfile.ZipFile(package) as archive:
            archive.extractall(packages)
    page = "<!DOCTYPE html><html lang='ru'><head><title>Суд</title></head><body><p>Суд <b>оштрафовал</b> его.</p></body></html>"
    config = make_project([("ruling.html", page)], targets=["zh-Hans"], source="ru", extra=f"""
[models]
packages_dir = "{packages}"

[translate]
beam_size = 1
max_decoding_length = 16
device = "cpu"
""")
    pipeline.extract(config)
    report = pipeline.translate(config)
    assert not report.problems
    assert report.languages[0].engine == "argos translate-ru_en 1.0 + argos translate-en_zh 1.0"
    entries = list(polib.pofile(str(config.locales / "zh_Hans" / "LC_MESSAGES" / "ruling.po")))
    assert entries and all(" via en score=" in e.comment for e in entries)
    tagged = next(e for e in entries if "<b1>" in e.msgid)
    check_tags(tagged.msgid, tagged.msgstr)


# --- the glossary during decoding ---------------------------------------------------------------

STEER_OPTIONS = DecodeOptions(beam_size=4, n_best=8, max_decoding_length=12, device="cpu", threads=1)
STEER_SOURCE = "The camps are in Xinjiang."
CYRILLIC_WORD = r"[а-яёәғқңөұүһі]{3,}"


def _glossary(rows: str) -> Glossary:
    return Glossary(tuple(parse_csv("en,ru,kind,forbidden_ru\n" + rows, "test.csv")))


def _hypotheses(translator: Translator, text: str, n: int = 8) -> list[str]:
    tokens = translator.source_sp.encode(text, out_type=str)
    output = translator.model.translate_batch([tokens], beam_size=n, num_hypotheses=n, max_decoding_length=12)[0]
    return ["".join(h).replace("\u2581", " ").strip() for h in output.hypotheses]


def test_the_glossary_chooses_the_hypothesis_that_uses_its_term(models_dir: Path) -> None:
    translator = Translator(argos_spec(models_dir), STEER_OPTIONS)
    hypotheses = _hypotheses(translator, STEER_SOURCE)
    ru, en = language("ru"), language("en")
    # A word the model offers only in a later hypothesis becomes the glossary's rendering of "camps".
    first_words = set(re.findall(CYRILLIC_WORD, hypotheses[0].lower()))
    for index, hypothesis in enumerate(hypotheses[1:], 2):
        candidates = [w for w in re.findall(CYRILLIC_WORD, hypothesis.lower()) if w not in first_words]
        if not candidates:
            continue
        glossary = _glossary(f"camps,{candidates[0]},term,\n")
        steering = GlossarySteering(TermMatcher(glossary, en, ru), glossary, ru)
        if steering.accepts(STEER_SOURCE, hypotheses[0]) or not steering.accepts(STEER_SOURCE, hypothesis):
            continue
        result = translator.translate([STEER_SOURCE], (), None, steering)[0]
        assert result.glossary_choice == index and result.hypotheses == 8
        assert steering.accepts(STEER_SOURCE, result.text)
        plain = translator.translate([STEER_SOURCE])[0]
        assert plain.glossary_choice is None and not steering.accepts(STEER_SOURCE, plain.text)
        return
    pytest.fail("no hypothesis offers a word the first one lacks")


def test_forbidden_variants_are_suppressed_in_decoding(models_dir: Path) -> None:
    translator = Translator(argos_spec(models_dir), STEER_OPTIONS)
    first = translator.translate([STEER_SOURCE])[0].text
    word = next(w for w in re.findall(CYRILLIC_WORD, first.lower()) if len(w) >= 4)
    ru, en = language("ru"), language("en")
    glossary = _glossary(f"Xinjiang,Синьцзян,term,{word}\n")
    steering = GlossarySteering(TermMatcher(glossary, en, ru), glossary, ru)
    steered = translator.translate([STEER_SOURCE], (), None, steering)[0]
    assert word in first.lower() and word not in steered.text.lower()


def test_provenance_says_when_the_glossary_chose(make_project: MakeProject, models_dir: Path) -> None:
    from translate_flow.pipeline.translation import provenance as _provenance
    from translate_flow.translate import Translation

    comments = _provenance(Translation("a", "b", -0.5, "argos translate-en_ru 1.0", glossary_choice=3, hypotheses=8))
    assert "machine translation: the glossary chose hypothesis 3 of 8" in comments


# --- the translation memory ---------------------------------------------------------------------

MEMORY_PAGE = "<!DOCTYPE html><html lang='en'><head><title>{title}</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("new", "starting_point"),
    [("Supporters gathered outside the court in Almaty today.", True),
     ("Many supporters gathered outside the court in Almaty.", False)],
    ids=["close-match-starting-point", "weaker-match-comment"],
)
def test_close_memory_matches(make_project: MakeProject, models_dir: Path, new: str, starting_point: bool) -> None:
    old = "Supporters gathered outside the court in Almaty."
    config = translated_project(make_project, models_dir, [
        ("one.html", MEMORY_PAGE.format(title="One", text=old)), ("two.html", MEMORY_PAGE.format(title="Two", text=new))])
    edit(po(config, "ru", "one"), {old: ("Сторонники собрались у здания суда в Алматы.", False)})
    pipeline.translate(config, languages=["ru"])
    entry = polib.pofile(str(po(config, "ru", "two"))).find(new)
    assert entry is not None and "fuzzy" in entry.flags
    assert "match in locales/ru/LC_MESSAGES/one.po" in entry.comment
    if starting_point:
        assert entry.msgstr == "Сторонники собрались у здания суда в Алматы."
        assert "machine translation:" not in entry.comment
    else:
        assert entry.msgstr != "Сторонники собрались у здания суда в Алматы."
        assert "machine translation:" in entry.comment and "Сторонники собрались" in entry.comment


def test_imported_tmx_feeds_the_memory(make_project: MakeProject, models_dir: Path) -> None:
    config = translated_project(make_project, models_dir, [("one.html", MEMORY_PAGE.format(
        title="Latest news", text="Police detained Serikzhan Bilash in Almaty."))])
    from conftest import DATA

    stored, counts = pipeline.import_memory(config, DATA / "memory" / "agency.tmx")
    assert stored == config.root / "memory" / "agency.tmx" and counts["ru"] >= 1
    report = pipeline.translate(config, languages=["ru"])
    assert report.languages[0].from_memory >= 1
    entry = polib.pofile(str(po(config, "ru", "one"))).find("Police detained Serikzhan Bilash in Almaty.")
    assert entry is not None and "memory: reviewed translation in memory/agency.tmx" in entry.comment
    text, units = pipeline.export_memory(config, ["ru"])
    assert units >= 1 and "<tmx version=\"1.4\">" in text
