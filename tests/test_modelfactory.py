"""The generated models are real: CTranslate2 loads them and translates, deterministically."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import ctranslate2  # type: ignore[import-untyped]
import pytest
import sentencepiece as spm

import modelfactory as mf

KAZAKH_LETTERS = "әғқңөұүһі"
SOURCES = [
    "The government approved a new budget on Monday.",
    "Власти Алматы обсудили пенсионную реформу.",
    "Ғалымдар жаңа бағдарламаны қабылдады.",
    "政府宣布了新的预算。",
]


@dataclass(frozen=True)
class Extracted:
    """A built package and its unpacked top-level folder."""

    archive: Path
    root: Path

    @property
    def tokenizer(self) -> spm.SentencePieceProcessor:
        return spm.SentencePieceProcessor(model_file=str(self.root / "sentencepiece.model"))

    def translator(self) -> ctranslate2.Translator:
        return ctranslate2.Translator(str(self.root / "model"), device="cpu")


def _build_and_extract(base: Path, seed: int) -> Extracted:
    archive = mf.build_argos_package(base / "dist", "en", "ru", seed=seed)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(base / "unpacked")
    return Extracted(archive, base / "unpacked" / mf.package_dirname("en", "ru"))


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Extracted:
    return _build_and_extract(tmp_path_factory.mktemp("seed0"), seed=0)


@pytest.fixture(scope="module")
def package_again(tmp_path_factory: pytest.TempPathFactory) -> Extracted:
    return _build_and_extract(tmp_path_factory.mktemp("seed0-again"), seed=0)


@pytest.fixture(scope="module")
def package_seed1(tmp_path_factory: pytest.TempPathFactory) -> Extracted:
    return _build_and_extract(tmp_path_factory.mktemp("seed1"), seed=1)


def _tokenize(package: Extracted, sentences: list[str]) -> list[list[str]]:
    tokenizer = package.tokenizer
    return [tokenizer.encode(sentence, out_type=str) for sentence in sentences]


def _translate(package: Extracted) -> list[list[str]]:
    results = package.translator().translate_batch(
        _tokenize(package, SOURCES), max_decoding_length=20
    )
    return [result.hypotheses[0] for result in results]


def test_default_corpus_is_deterministic_and_covers_all_scripts() -> None:
    corpus = mf.default_corpus(400)
    assert corpus == mf.default_corpus(400)
    assert corpus != mf.default_corpus(400, seed=1)
    assert len(corpus) == 400
    assert len(set(corpus)) > 300
    text = "".join(corpus)
    assert set(KAZAKH_LETTERS) <= set(text)
    assert any("a" <= ch <= "z" for ch in text)
    assert any("\u0430" <= ch <= "\u044f" for ch in text)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_sentencepiece_is_deterministic_and_covers_all_scripts(tmp_path: Path) -> None:
    first = mf.build_sentencepiece(mf.default_corpus(), tmp_path / "a", 1000)
    second = mf.build_sentencepiece(mf.default_corpus(), tmp_path / "b", 1000)
    assert first.read_bytes() == second.read_bytes()
    tokenizer = spm.SentencePieceProcessor(model_file=str(first))
    assert tokenizer.get_piece_size() == 1000
    for sentence in SOURCES + [KAZAKH_LETTERS]:
        assert tokenizer.unk_id() not in tokenizer.encode(sentence)


def test_vocabulary_leads_with_special_tokens(package: Extracted) -> None:
    vocabulary = mf.vocabulary_from_sentencepiece(package.root / "sentencepiece.model")
    assert vocabulary[:4] == ["<unk>", "<blank>", "<s>", "</s>"]
    assert len(vocabulary) == len(set(vocabulary)) == 1001
    model_vocabulary = json.loads((package.root / "model" / "shared_vocabulary.json").read_text())
    assert model_vocabulary == vocabulary


def test_package_is_a_zip_with_one_top_level_folder(package: Extracted) -> None:
    assert package.archive.name == "translate-en_ru-1_0.argosmodel"
    with zipfile.ZipFile(package.archive) as zf:
        names = zf.namelist()
        metadata = json.loads(zf.read("translate-en_ru-1_0/metadata.json"))
    assert {name.split("/")[0] for name in names} == {"translate-en_ru-1_0"}
    assert names == sorted(names)
    for required in ("model/model.bin", "model/config.json", "sentencepiece.model"):
        assert f"translate-en_ru-1_0/{required}" in names
    assert metadata == {
        "package_version": "1.0",
        "argos_version": "1.9.0",
        "from_code": "en",
        "from_name": "English",
        "to_code": "ru",
        "to_name": "Russian",
        "type": "translate",
        "links": [],
    }


def test_same_arguments_give_a_byte_identical_package(
    package: Extracted, package_again: Extracted, package_seed1: Extracted
) -> None:
    assert package.archive.read_bytes() == package_again.archive.read_bytes()
    assert package.archive.read_bytes() != package_seed1.archive.read_bytes()


def test_argostranslate_installs_the_package(package: Extracted, tmp_path: Path) -> None:
    # argostranslate fixes its directories at import, so it runs in its own process.
    script = (
        "import sys; from pathlib import Path; from argostranslate import package as p; "
        "p.install_from_path(Path(sys.argv[1])); "
        "[pkg] = p.get_installed_packages(); "
        "print(pkg.from_code, pkg.to_code, pkg.package_version, "
        "len(pkg.tokenizer.encode('Hello world')) > 0)"
    )
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "ARGOS_PACKAGES_DIR": str(tmp_path / "packages"),
    }
    completed = subprocess.run(
        [sys.executable, "-c", script, str(package.archive)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert completed.stdout.split() == ["en", "ru", "1.0", "True"]


def test_translator_produces_varied_tokens(package: Extracted) -> None:
    vocabulary = set(mf.vocabulary_from_sentencepiece(package.root / "sentencepiece.model"))
    outputs = _translate(package)
    for tokens in outputs:
        assert 0 < len(tokens) <= 20
        assert set(tokens) <= vocabulary - {"<unk>", "<blank>", "<s>"}
        assert len(set(tokens)) > 1
    assert len({tuple(tokens) for tokens in outputs}) == len(outputs)
    assert all(package.tokenizer.decode_pieces(tokens).strip() for tokens in outputs)


def test_same_seed_same_output_and_other_seed_other_output(
    package: Extracted, package_again: Extracted, package_seed1: Extracted
) -> None:
    assert _translate(package) == _translate(package_again)
    assert _translate(package) != _translate(package_seed1)


def test_attention_has_one_row_per_target_token(package: Extracted) -> None:
    source = _tokenize(package, SOURCES[:1])
    [result] = package.translator().translate_batch(
        source, max_decoding_length=20, return_attention=True
    )
    attention = result.attention[0]
    assert len(attention) == len(result.hypotheses[0])
    assert {len(row) for row in attention} == {len(source[0])}
    assert all(sum(row) == pytest.approx(1.0, abs=1e-3) for row in attention)


def test_beam_search_returns_the_requested_hypotheses(package: Extracted) -> None:
    [result] = package.translator().translate_batch(
        _tokenize(package, SOURCES[:1]),
        max_decoding_length=20,
        beam_size=4,
        num_hypotheses=4,
        return_scores=True,
    )
    assert len(result.hypotheses) == 4
    assert len({tuple(hypothesis) for hypothesis in result.hypotheses}) == 4
    assert result.scores == sorted(result.scores, reverse=True)


def test_float32_model_without_quantization_translates(tmp_path: Path) -> None:
    sp_model = mf.build_sentencepiece(mf.default_corpus(), tmp_path, 1000)
    vocabulary = mf.vocabulary_from_sentencepiece(sp_model)
    model_dir = mf.build_ct2_model(
        tmp_path / "model", vocabulary, layers=(1, 1), d_model=32, quantization=None
    )
    tokenizer = spm.SentencePieceProcessor(model_file=str(sp_model))
    translator = ctranslate2.Translator(str(model_dir), device="cpu")
    [result] = translator.translate_batch(
        [tokenizer.encode(SOURCES[0], out_type=str)], max_decoding_length=10
    )
    assert 0 < len(result.hypotheses[0]) <= 10


def test_build_ct2_model_rejects_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="lacks"):
        mf.build_ct2_model(tmp_path / "a", ["<unk>", "hello"])
    with pytest.raises(ValueError, match="multiple"):
        mf.build_ct2_model(tmp_path / "b", list(mf.SPECIAL_TOKENS), heads=3)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "model.bin").write_bytes(b"")
    with pytest.raises(FileExistsError):
        mf.build_ct2_model(tmp_path / "c", list(mf.SPECIAL_TOKENS))


def test_nllb_style_model_translates_with_a_target_prefix(tmp_path: Path) -> None:
    out = mf.build_nllb_style_model(tmp_path / "nllb")
    tokenizer = spm.SentencePieceProcessor(model_file=str(out / "sentencepiece.model"))
    translator = ctranslate2.Translator(str(out / "model"), device="cpu")
    source = ["eng_Latn", *tokenizer.encode(SOURCES[0], out_type=str), "</s>"]
    language_tokens = {"eng_Latn", "kaz_Cyrl", "rus_Cyrl", "zho_Hans"}
    outputs = {}
    for language in ("kaz_Cyrl", "rus_Cyrl", "zho_Hans"):
        [result] = translator.translate_batch(
            [source], target_prefix=[[language]], max_decoding_length=20
        )
        first, *rest = result.hypotheses[0]
        assert first == language
        assert rest and not language_tokens & set(rest)
        outputs[language] = tuple(rest)
    assert len(set(outputs.values())) == 3
