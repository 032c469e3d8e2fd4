"""Models as the converters lay them out, and what their vocabularies and tables allow.

The models are tiny and random (tests/modelfactory.py) but laid out as
``ct2-transformers-converter`` writes OPUS-MT (Marian) and NLLB-200 (M2M-100) models, with
their position tables: what the translator learns from the files, it learns from the
same files a user's converted model has.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import modelfactory
import polib
import pytest
from conftest import MakeProject

from translate_flow import pipeline
from translate_flow.cache import MachineCache
from translate_flow.cli import main
from translate_flow.config import Config, load_config
from translate_flow.errors import ConfigError, ModelError
from translate_flow.glossary import Glossary, parse_csv
from translate_flow.languages import Language, language
from translate_flow.pipeline.engines import ModelEngines
from translate_flow.pipeline.cluster import plan_shards
from translate_flow.pipeline.translation import provenance
from translate_flow.terms import GlossarySteering, TermMatcher
from translate_flow.translate import DecodeOptions, Engine, ModelSpec, Translation, Translator
from translate_flow.translate.layout import ModelLayout, read_layout
from translate_flow.translate.prepare import Preparer, batches

BOUNDED = DecodeOptions(beam_size=2, max_decoding_length=16, device="cpu", threads=1)
KAZAKH_VARIANT = "кәсіптік"  # the Russian-only target vocabulary cannot write ә or і


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An OPUS-MT en-ru and en-trk model and an NLLB-200 model in the converters' layout."""
    root = tmp_path_factory.mktemp("converted")
    modelfactory.build_opus_mt_model(root / "opus-mt-en-ru", seed=1)
    modelfactory.build_opus_mt_model(
        root / "opus-mt-en-trk", targets=("ru", "kk"), language_tokens=(">>kaz<<", ">>rus<<"),
        favour_tokens=(">>rus<<",), favour_bias=4.0, seed=2,
    )
    modelfactory.build_nllb_model(root / "nllb", positions=128, favour_tokens=("rus_Cyrl",), seed=3)
    return root


def opus_spec(root: Path, name: str = "opus-mt-en-ru", **changes: object) -> ModelSpec:
    folder = root / name
    spec = ModelSpec(name, "1", "ct2", folder, folder / "source.spm", folder / "target.spm",
                     add_end_token=True, max_input_tokens=1024)
    return dataclasses.replace(spec, **changes)  # type: ignore[arg-type]


def nllb_spec(root: Path, **changes: object) -> ModelSpec:
    folder = root / "nllb"
    spec = ModelSpec("nllb", "1", "ct2", folder, folder / "sentencepiece.bpe.model",
                     folder / "sentencepiece.bpe.model", source_prefix=("eng_Latn",),
                     target_prefix=("kaz_Cyrl",), add_end_token=True, max_input_tokens=1024)
    return dataclasses.replace(spec, **changes)  # type: ignore[arg-type]


# --- the layout, read from the files ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "files", "positions", "languages"),
    [("opus-mt-en-trk", {"config.json", "model.bin", "shared_vocabulary.json", "source.spm", "target.spm"},
      512, (">>kaz<<", ">>rus<<")),
     ("nllb", {"config.json", "model.bin", "shared_vocabulary.json", "sentencepiece.bpe.model"},
      128, ("eng_Latn", "kaz_Cyrl", "rus_Cyrl", "zho_Hans", "<mask>"))],
    ids=["opus-mt", "nllb"],
)
def test_the_layout_is_read_from_the_converted_files(
    converted: Path, name: str, files: set[str], positions: int, languages: tuple[str, ...],
) -> None:
    assert {p.name for p in (converted / name).iterdir()} == files
    layout = read_layout(converted / name)
    assert (layout.input_positions, layout.output_positions) == (positions, positions)
    assert layout.language_tokens == tuple(t for t in languages if not t.startswith("<"))
    assert set(languages) <= layout.special
    assert layout.special >= {"</s>", "<s>", "<unk>", "<pad>", "<blank>", *languages}
    assert not any(token.startswith("<0x") or token.startswith("\u2581") for token in layout.special)
    assert layout.input_limit(1024) == positions - 1 and layout.input_limit(100) == 100


def test_models_with_computed_positions_have_no_limit_of_their_own(tmp_path: Path) -> None:
    folder = modelfactory.build_nllb_style_model(tmp_path / "nllb") / "model"
    layout = read_layout(folder)
    assert layout.input_positions is None and layout.input_limit(5000) == 5000


def test_a_hugging_face_config_names_the_positions(converted: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    folder.mkdir()
    for path in (converted / "nllb").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "config.json").write_text('{"max_position_embeddings": 512}', encoding="utf-8")
    assert read_layout(folder).input_positions == 512


def test_a_folder_without_a_vocabulary_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="has no vocabulary file"):
        read_layout(tmp_path)


# --- inputs cut to the model's own limit --------------------------------------------------------


@pytest.mark.parametrize(("make", "positions"), [(opus_spec, 512), (nllb_spec, 128)], ids=["opus-mt", "nllb"])
def test_inputs_longer_than_the_position_table_are_cut_to_it(converted: Path, make: object, positions: int) -> None:
    spec = make(converted)  # type: ignore[operator]
    translator = Translator(spec, BOUNDED)
    long = " ".join(f"The council of city {n} approved plan {n}, and the farmers welcomed it." for n in range(60))
    prepared = translator.inputs.prepare(0, long, ())
    assert len(prepared.chunks) > 1
    assert max(len(c.tokens) + len(spec.source_prefix) + 1 for c in prepared.chunks) <= positions - 1
    result = translator.translate([long, "The council approved it."])
    assert all(r.text and not r.notes for r in result)


def _batched(preparer: Preparer, texts: list[str], spec: ModelSpec, options: DecodeOptions) -> list[list[str]]:
    """The texts of each batch *preparer*'s chunks of *texts* make, in order."""
    prepared = [preparer.prepare(index, text, ()) for index, text in enumerate(texts)]
    chunks = [c for p in prepared for c in p.chunks]
    return [[texts[i] for i in sorted({chunks[p].index for p in batch.positions})]
            for batch in batches(chunks, set(), spec, options, "cpu")]


def test_cluster_shards_cut_inputs_as_the_model_does(converted: Path) -> None:
    """The shards of a cluster run are whole batches of the plan the translator makes, with
    inputs cut to the model's position table, not to the configured limit."""
    spec = nllb_spec(converted)  # 1024 configured, 128 positions
    options = dataclasses.replace(BOUNDED, batch_tokens=256)
    translator = Translator(spec, options)
    texts = [" ".join(f"Plan {n}.{k} of the council was approved by the city on Monday." for k in range(n % 9 + 1))
             for n in range(60)]
    assert sum(len(translator.inputs.prepare(0, t, ()).chunks) > 1 for t in texts) > 10
    shards = plan_shards(texts, 6, spec, options, "cpu", (), None)
    whole = _batched(translator.inputs, texts, spec, options)
    alone = [batch for shard in shards for batch in _batched(translator.inputs, shard, spec, options)]
    assert sorted(map(sorted, alone)) == sorted(map(sorted, whole))


# --- configured language tokens, checked at load ---------------------------------------------------


@pytest.mark.parametrize(
    ("make", "changes", "message"),
    [(nllb_spec, {"target_prefix": ("kk",)}, "target token 'kk' is not in the model's vocabulary; its language tokens include kaz_Cyrl"),
     (nllb_spec, {"source_prefix": ("eng",)}, "source token 'eng' is not in the model's vocabulary; its language tokens include eng_Latn"),
     (lambda root, **c: opus_spec(root, "opus-mt-en-trk", **c), {"source_prefix": (">>kz<<",)},
      "source token '>>kz<<' is not in the model's vocabulary; its language tokens include >>kaz<<")],
    ids=["nllb-target", "nllb-source", "opus-mt-prefix"],
)
def test_a_language_token_the_model_lacks_is_one_line_naming_it(
    converted: Path, make: object, changes: dict[str, object], message: str,
) -> None:
    with pytest.raises(ModelError) as caught:
        Translator(make(converted, **changes), BOUNDED)  # type: ignore[operator]
    assert caught.value.message.startswith(message) and "\n" not in str(caught.value)


# --- special tokens never reach the translation -------------------------------------------------


@pytest.mark.parametrize(
    ("make", "token"),
    [(nllb_spec, "rus_Cyrl"), (lambda root: opus_spec(root, "opus-mt-en-trk", source_prefix=(">>kaz<<",)), ">>rus<<")],
    ids=["nllb", "opus-mt"],
)
def test_language_tokens_the_model_emits_are_removed(converted: Path, make: object, token: str) -> None:
    spec = make(converted)  # type: ignore[operator]
    translator = Translator(spec, BOUNDED)
    texts = ["The government approved a new budget on Monday.", "Farmers in the region welcomed it.",
             "The city council discussed the annual report."]
    raw = translator.model.translate_batch(
        [[*spec.source_prefix, *translator.source_sp.encode(t, out_type=str), "</s>"] for t in texts],
        target_prefix=[list(spec.target_prefix)] * 3 if spec.target_prefix else None, max_decoding_length=16,
    )
    assert any(token in output.hypotheses[0][len(spec.target_prefix):] for output in raw)  # the model emits it
    for result in translator.translate(texts):
        assert token not in result.text and "<" not in result.text.replace(">>", "")
        assert token.strip("<>") not in result.text


# --- a failing batch costs itself a retry, never the language --------------------------------------


def test_a_batch_the_model_fails_on_is_retried_in_pieces(converted: Path) -> None:
    spec = opus_spec(converted)
    translator = Translator(spec, BOUNDED)
    # As if the model's table were unknown: the long input reaches the model and fails there.
    translator.layout = ModelLayout(translator.layout.source_vocabulary, translator.layout.target_vocabulary)
    translator.inputs = Preparer(spec, translator.source_sp, max_input_tokens=100_000)
    long = " ".join(f"Plan {n} was approved by the council of the city on Monday." for n in range(50))
    short = [f"The council approved plan {n}." for n in range(5)]
    results = translator.translate([*short, long])
    assert all(r.text and not r.notes for r in results[:5])
    assert results[5].text == ""
    assert results[5].notes[0].startswith("left untranslated: the model failed on this text (No position encodings")


# --- the model's vocabulary is a limit, never a crash ----------------------------------------------


def _steering(rows: str) -> GlossarySteering:
    glossary = Glossary(tuple(parse_csv("en,ru,kind,forbidden_ru\n" + rows, "test.csv")))
    ru = language("ru")
    return GlossarySteering(TermMatcher(glossary, language("en"), ru), glossary, ru)


def test_forbidden_variants_the_vocabulary_cannot_write_are_skipped_with_a_note(converted: Path) -> None:
    translator = Translator(opus_spec(converted), BOUNDED)
    sources = modelfactory.language_corpus("en", 40, seed=5)
    source, word = next(
        (s, words[0]) for s, r in zip(sources, translator.translate(sources))
        if (words := [w for w in r.text.lower().split() if re.fullmatch(r"[а-яё]{3,}", w)])
    )
    steering = _steering(f"programme,программа,term,{KAZAKH_VARIANT}|{word}\n")
    results = translator.translate([source, "The parliament approved it."], (), None, steering)
    assert all(r.text for r in results)
    assert word not in results[0].text.lower().split()  # what the vocabulary can write is still suppressed
    assert translator.limits == (
        f"the forbidden variant \u201c{KAZAKH_VARIANT}\u201d is not suppressed: the model's vocabulary cannot write it",
    )


def test_placeholders_take_a_form_the_model_can_write(converted: Path) -> None:
    translator = Translator(opus_spec(converted), BOUNDED)
    mark = translator.placeholder(12)
    pieces = translator.source_sp.encode(mark, out_type=str)
    assert all(p in translator.layout.source_vocabulary and p in translator.layout.target_vocabulary for p in pieces)
    result = translator.translate(["<b1>Serikzhan Bilash</b1> spoke."], [("Serikzhan Bilash", "Серикжан Билаш")])[0]
    assert "Серикжан Билаш" in result.text and "<b1>" in result.text


def test_no_placeholder_form_in_the_vocabulary_is_a_limit_not_an_error(converted: Path) -> None:
    spec = opus_spec(converted)
    translator = Translator(spec, BOUNDED)
    preparer = Preparer(spec, translator.source_sp, vocabulary=frozenset({"</s>"}))
    assert preparer.limits and "alignment" in preparer.limits[0]


# --- the input limit setting reaches every model ----------------------------------------------------


@pytest.mark.parametrize(
    ("translate", "pair", "expected"),
    [("", "", 1024), ("max_input_tokens = 300\n", "", 300), ("max_input_tokens = 300\n", "max_input_tokens = 200\n", 200),
     ("", "max_input_tokens = 64\n", 64)],
    ids=["default", "translate-setting", "pair-wins", "pair-only"],
)
def test_max_input_tokens_reaches_configured_pairs(tmp_path: Path, translate: str, pair: str, expected: int) -> None:
    (tmp_path / "translate-flow.toml").write_text(
        f'[project]\nname = "t"\nsource_language = "en"\ntarget_languages = ["kk"]\n\n[translate]\n{translate}\n'
        f'[models.pairs."en-kk"]\npath = "m"\nsentencepiece = "m/s.model"\ntarget_token = "kaz_Cyrl"\n{pair}',
        encoding="utf-8",
    )
    seen: list[ModelSpec] = []
    engines = ModelEngines(load_config(tmp_path / "translate-flow.toml"), BOUNDED,
                           load=lambda spec, options: seen.append(spec) or Translator.__new__(Translator))
    engines.get(language("kk"))
    assert seen[0].max_input_tokens == expected


def test_a_pair_limit_below_16_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "translate-flow.toml").write_text(
        '[project]\nname = "t"\nsource_language = "en"\ntarget_languages = ["kk"]\n\n'
        '[models.pairs."en-kk"]\npath = "m"\nsentencepiece = "m/s.model"\nmax_input_tokens = 8\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r'\[models.pairs."en-kk"\] max_input_tokens must be at least 16'):
        load_config(tmp_path / "translate-flow.toml")


# --- through the translate stage: every segment translated, the limits reported --------------------

LIMITS_PAGE = (
    "<!DOCTYPE html><html lang='en'><head><title>The budget</title></head><body>"
    "<p>The government approved a programme to support small businesses.</p>"
    "<p>Farmers in the region welcomed the <b>new budget</b> on Monday.</p>{extra}</body></html>"
)


def _project(make_project: MakeProject, converted: Path, extra: str = "") -> Config:
    folder = converted / "opus-mt-en-ru"
    config = make_project([("budget.html", LIMITS_PAGE.format(extra=extra))], targets=["kk"], extra=f"""
[models]
pivot = ""

[models.pairs."en-kk"]
path = "{folder}"
sentencepiece = "{folder / 'source.spm'}"
target_sentencepiece = "{folder / 'target.spm'}"
name = "opus-mt-en-ru-tiny"

[translate]
beam_size = 2
max_decoding_length = 16
device = "cpu"
threads = 1
""")
    assert not pipeline.extract(config).problems
    return config


def test_a_glossary_the_model_cannot_spell_costs_no_segment(make_project: MakeProject, converted: Path) -> None:
    config = _project(make_project, converted)
    glossary = Glossary(tuple(parse_csv(f"en,kk,kind,forbidden_kk\nprogramme,бағдарлама,term,{KAZAKH_VARIANT}\n",
                                        "test.csv")))
    report = pipeline.translate(config, glossary=glossary, options=pipeline.TranslateOptions(cache=False))
    assert not report.problems
    [run] = report.languages
    assert run.from_model == 3 and run.engine.startswith("ct2 opus-mt-en-ru-tiny")
    assert any(KAZAKH_VARIANT in note and "not suppressed" in note for note in run.notes)
    entries = [e for e in polib.pofile(str(config.locales / "kk" / "LC_MESSAGES" / "budget.po")) if e.msgid]
    assert len(entries) == 3 and all(e.msgstr for e in entries)


@pytest.mark.parametrize("command", ["translate", "run"], ids=["translate", "run"])
def test_the_commands_say_what_the_model_could_not_do(
    make_project: MakeProject, converted: Path, command: str, capsys: pytest.CaptureFixture[str],
) -> None:
    config = _project(make_project, converted)
    config.glossary.mkdir(exist_ok=True)
    (config.glossary / "terms.csv").write_text(f"en,kk,kind,forbidden_kk\nprogramme,бағдарлама,term,{KAZAKH_VARIANT}\n",
                                               encoding="utf-8")
    assert main(["--config", str(config.path), command]) in (0, 1)  # run: findings are fine
    err = capsys.readouterr().err
    notes = [line for line in err.splitlines() if line.startswith("translate-flow: note: kk: ")]
    assert len(notes) == 1 and KAZAKH_VARIANT in notes[0] and "Traceback" not in err


class _Engines:
    """Engines by language: one translator for every language."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, language: Language) -> Engine:
        return self.engine


def test_a_text_the_model_fails_on_is_left_untranslated_with_a_note(make_project: MakeProject, converted: Path) -> None:
    long = "The council approved " + ", ".join(f"plan {n} for the city of Almaty" for n in range(120)) + "."
    config = _project(make_project, converted, f"<p>{long}</p>")
    translator = Translator(opus_spec(converted), BOUNDED)
    # As if the model's table were unknown: the long paragraph reaches the model and fails there.
    translator.layout = ModelLayout(translator.layout.source_vocabulary, translator.layout.target_vocabulary)
    translator.inputs = Preparer(translator.spec, translator.source_sp, max_input_tokens=100_000)
    report = pipeline.translate(config, engines=_Engines(translator))
    [run] = report.languages
    assert not report.problems and run.from_model == 3
    assert len(run.notes) == 1 and run.notes[0].startswith(
        "left untranslated: the model failed on this text (No position encodings are defined for positions >= 512")
    catalog = polib.pofile(str(config.locales / "kk" / "LC_MESSAGES" / "budget.po"))
    assert catalog.find(long).msgstr == "" and "fuzzy" not in catalog.find(long).flags
    assert sum(1 for e in catalog if e.msgstr) == 3
    # Not cached: the next run asks the model again.
    again = pipeline.translate(config, engines=_Engines(translator))
    assert again.languages[0].unique == 1 and "No position encodings" in again.languages[0].notes[0]


def test_provenance_carries_the_entrys_notes() -> None:
    note = f"the forbidden variant \u201c{KAZAKH_VARIANT}\u201d could not be suppressed"
    comments = provenance(Translation("a", "b", -0.5, "ct2 m 1", notes=(note,)))
    assert comments[-1] == f"machine translation: {note}"


@pytest.mark.parametrize(
    ("token", "special"),
    [("bho_Deva", True), (">>rus<<", True), ("__en__", True), ("<mask>", True), ("madeupword3", True),
     ("</s>", True), ("<pad>", True), ("<0xE2>", False), ("\u2581the", False), ("Kazakh", False), ("kk", False)],
    ids=["nllb", "opus-mt", "m2m100", "mask", "filler", "end", "pad", "byte-piece", "piece", "word", "short-word"],
)
def test_which_tokens_are_special(token: str, special: bool) -> None:
    layout = ModelLayout(frozenset({token, "\u2581a"}), frozenset({token, "\u2581a"}))
    assert (token in layout.special) is special


def test_an_entrys_notes_come_back_from_the_cache(tmp_path: Path) -> None:
    note = f"the forbidden variant \u201c{KAZAKH_VARIANT}\u201d could not be suppressed"
    stored = Translation("a", "b", -0.5, "ct2 m 1", notes=(note,))
    with MachineCache(tmp_path / "machine.sqlite") as cache:
        cache.put("context", [stored])
        assert cache.get("context", ["a"]) == {"a": stored}
