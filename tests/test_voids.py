"""Word-separating void tags (`<br>`, `<hr>`) reach the model as a space: the words on either
side stay apart, so names and figures next to a line break are protected and translated."""

from __future__ import annotations

import zipfile
from pathlib import Path

import modelfactory
import pytest
import sentencepiece
from conftest import SAMPLE_ARTICLE

from translate_flow import alignment
from translate_flow.htmldoc import parse_html
from translate_flow.markup import check_tags, spaced_voids
from translate_flow.segment import segment_page
from translate_flow.translate import DecodeOptions, ModelSpec, Translator
from translate_flow.translate.prepare import Preparer


@pytest.mark.parametrize(
    ("msgid", "text"),
    [
        ("Editor-in-Chief<br1/><strong2>MASSIMO INTROVIGNE</strong2>", "Editor-in-Chief MASSIMO INTROVIGNE"),
        ("CESNUR<br1/>Via Confienza 19,<br2/>10121 Turin", "CESNUR Via Confienza 19, 10121 Turin"),
        ("Part one<hr1/>Part two", "Part one Part two"),
        ("<em1>first</em1><br2/><em3>second</em3>", "first second"),
        ("already <br1/>apart", "already apart"),
        ("already<br1/> apart", "already apart"),
        ("line&nbsp;<br1/>next", "line\u00a0next"),
        ("bitter<wbr1/>winter.org", "bitterwinter.org"),
        ("<br1/>at the start", "at the start"),
        ("at the end<br1/>", "at the end"),
        ("a picture<img1/>here", "a picturehere"),
    ],
    ids=["name-after-break", "address", "rule", "between-tags", "space-before", "space-after",
         "no-break-space", "wbr-joins", "start", "end", "image-is-no-gap"],
)
def test_the_text_for_the_model_keeps_words_apart(msgid: str, text: str) -> None:
    spaced = spaced_voids(msgid)
    check_tags(msgid, spaced)
    assert alignment.strip_tags(spaced).text == text


def _sample(start: str) -> str:
    page = parse_html(SAMPLE_ARTICLE.read_bytes(), "sample.html")
    return next(s.msgid for s in segment_page(page.tree) if s.msgid.startswith(start))


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> ModelSpec:
    root = tmp_path_factory.mktemp("models")
    package = modelfactory.build_argos_package(root / "src", "en", "ru", seed=1)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(root / "unpacked")
    folder = root / "unpacked" / modelfactory.package_dirname("en", "ru")
    return ModelSpec("translate-en_ru", "1.0", "argos", folder / "model",
                     folder / "sentencepiece.model", folder / "sentencepiece.model")


NAMES = [("Massimo Introvigne", "Массимо Интровинье"), ("CESNUR", "CESNUR")]


def _prepared_spans(spec: ModelSpec, msgid: str) -> list[str]:
    source_sp = sentencepiece.SentencePieceProcessor(model_file=str(spec.source_sentencepiece))
    prepared = Preparer(spec, source_sp).prepare(0, msgid, NAMES)
    return list(prepared.protected.renderings.values())


def test_the_sample_articles_address_lines_are_protected(spec: ModelSpec) -> None:
    msgid = _sample("CESNUR<br1/>Via Confienza")
    assert set(_prepared_spans(spec, msgid)) >= {"CESNUR", "19", "10121"}


def test_a_name_after_a_line_break_is_protected_in_capitals(spec: ModelSpec) -> None:
    msgid = _sample("Editor-in-Chief<br1/>")
    assert _prepared_spans(spec, msgid) == ["МАССИМО ИНТРОВИНЬЕ"]


def test_the_translation_of_the_address_keeps_its_tags_names_and_figures(spec: ModelSpec) -> None:
    translator = Translator(spec, DecodeOptions(beam_size=1, max_decoding_length=32, device="cpu", threads=1))
    msgids = [_sample("CESNUR<br1/>Via Confienza"), _sample("Editor-in-Chief<br1/>")]
    address, editor = translator.translate(msgids, NAMES)
    check_tags(msgids[0], address.text)
    check_tags(msgids[1], editor.text)
    assert all(part in address.text for part in ("CESNUR", "19", "10121"))
    assert "МАССИМО ИНТРОВИНЬЕ" in editor.text
