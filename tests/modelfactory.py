"""Real CTranslate2 translation models with seeded random weights, for tests and benchmarks.

There are no trained translation weights in this environment, so tests and benchmarks make
their own models. Everything here is real: a SentencePiece BPE model trained offline, a
CTranslate2 Transformer whose every weight is filled from a seeded generator, and Argos
Translate ``.argosmodel`` packages that ``argostranslate.package`` installs and
``ctranslate2.Translator`` loads. The translations are gibberish but deterministic: the same
arguments give byte-identical files and identical output on the same machine and library
versions.

Random weights rarely produce ``</s>``, so callers bound output with ``max_decoding_length``.

Example::

    package = build_argos_package(tmp_path, "en", "ru")               # tiny, ~0.05 s
    bench = build_argos_package(tmp_path, "en", "ru", size="base")    # Argos-sized, ~90 MB
    nllb = build_nllb_style_model(tmp_path / "nllb")                   # use target_prefix
"""

from __future__ import annotations

import io
import json
import random
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import sentencepiece as spm
from ctranslate2.specs import (  # type: ignore[import-untyped]
    common_spec,
    model_spec,
    transformer_spec,
)

UNK: Final = "<unk>"
PAD: Final = "<blank>"
BOS: Final = "<s>"
EOS: Final = "</s>"
#: The special tokens that lead every vocabulary, in the order OpenNMT-py (which trains the
#: Argos models) writes them. CTranslate2 finds them by name through the model config.
SPECIAL_TOKENS: Final = (UNK, PAD, BOS, EOS)

#: Tokens a random model would otherwise emit now and then, making the output undecodable.
_NEVER_EMITTED: Final = (UNK, PAD, BOS)
#: Far below any logit the random weights produce, but finite so float16 models stay valid.
_SUPPRESSED_LOGIT_BIAS: Final = -1.0e4
#: Enough to put a token among the random model's likeliest now and then.
_FAVOURED_LOGIT_BIAS: Final = 2.5

#: The name argostranslate shows for common codes; other codes are shown as themselves.
LANGUAGE_NAMES: Final[dict[str, str]] = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "ja": "Japanese",
    "kk": "Kazakh",
    "ko": "Korean",
    "ky": "Kyrgyz",
    "ru": "Russian",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "uz": "Uzbek",
    "zh": "Chinese",
    "zt": "Chinese (traditional)",
}

_ZIP_EPOCH: Final = (1980, 1, 1, 0, 0, 0)

_ACTIVATIONS: Final[dict[str, Any]] = {
    "relu": common_spec.Activation.RELU,
    "swish": common_spec.Activation.SWISH,
    "gelu": common_spec.Activation.GELU,
}


@dataclass(frozen=True)
class ModelSize:
    """Architecture of a generated model; ``vocab_size`` is the SentencePiece vocabulary."""

    layers: tuple[int, int]
    heads: int
    d_model: int
    ffn: int
    vocab_size: int
    quantization: str | None


#: ``tiny`` builds in a fraction of a second; ``base`` has the shape and size (about 90 MB)
#: of the real Argos Translate en-ru package, for benchmarks.
SIZES: Final[dict[str, ModelSize]] = {
    "tiny": ModelSize(
        layers=(2, 2), heads=4, d_model=64, ffn=256, vocab_size=1000, quantization="int8"
    ),
    "base": ModelSize(
        layers=(6, 6), heads=8, d_model=512, ffn=2048, vocab_size=32000, quantization="int8"
    ),
}


# --------------------------------------------------------------------------- corpora

_EN_SUBJECTS: Final = (
    "The government", "The ministry of education", "Local authorities", "The central bank",
    "The parliament", "A group of researchers", "The national statistics agency",
    "Farmers in the region", "The city council", "Human rights activists",
)
_EN_VERBS: Final = (
    "announced", "approved", "rejected", "discussed", "published", "postponed",
    "welcomed", "criticised",
)
_EN_OBJECTS: Final = (
    "a new budget", "plans for a railway", "the annual report", "a pension reform",
    "a programme to support small businesses", "changes to the tax code",
    "an agreement on water resources", "measures against inflation",
)
_EN_TIMES: Final = (
    "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "last week",
    "in March", "this year",
)
_EN_CITIES: Final = (
    "Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe", "Moscow", "Beijing", "Urumqi",
)

_RU_SUBJECTS: Final = (
    "Власти", "Депутаты", "Эксперты", "Чиновники", "Фермеры", "Учёные",
    "Представители министерства", "Правозащитники",
)
_RU_VERBS: Final = (
    "объявили", "одобрили", "обсудили", "опубликовали", "отложили", "поддержали",
    "раскритиковали", "приняли",
)
_RU_OBJECTS: Final = (
    "новый бюджет", "план строительства железной дороги", "ежегодный доклад",
    "пенсионную реформу", "программу поддержки малого бизнеса",
    "изменения в налоговом кодексе", "соглашение о водных ресурсах", "меры против инфляции",
)
_RU_TIMES: Final = (
    "в понедельник", "во вторник", "в среду", "в четверг", "в пятницу",
    "на прошлой неделе", "в марте", "в этом году",
)
_RU_CITIES: Final = (
    "в Алматы", "в Астане", "в Шымкенте", "в Караганде", "в Актобе", "в Москве",
    "в Пекине", "в Урумчи",
)

_KK_SUBJECTS: Final = (
    "Үкімет", "Министрлік", "Әкімдік", "Ұлттық банк", "Парламент депутаттары", "Ғалымдар",
    "Фермерлер", "Сарапшылар", "Шаһар тұрғындары",
)
_KK_VERBS: Final = (
    "жариялады", "мақұлдады", "талқылады", "қабылдады", "кейінге қалдырды", "қолдады",
    "сынға алды",
)
_KK_OBJECTS: Final = (
    "жаңа бюджетті", "теміржол жобасын", "жылдық есепті", "зейнетақы реформасын",
    "шағын бизнесті қолдау бағдарламасын", "салық кодексіндегі өзгерістерді",
    "су ресурстары туралы келісімді", "инфляцияға қарсы шараларды", "білім беру жоспарын",
    "жергілікті өнім өндірісін",
)
_KK_TIMES: Final = (
    "Дүйсенбі күні", "Сейсенбі күні", "Сәрсенбі күні", "Бейсенбі күні", "Жұма күні",
    "Өткен аптада", "Наурыз айында", "Биыл",
)
_KK_CITIES: Final = (
    "Алматыда", "Астанада", "Шымкентте", "Қарағандыда", "Ақтөбеде", "Мәскеуде", "Бейжіңде",
    "Үрімжіде",
)

_ZH_SUBJECTS: Final = (
    "政府", "教育部", "地方当局", "中央银行", "议会", "研究人员", "农民代表", "专家们",
    "人权活动人士",
)
_ZH_VERBS: Final = ("宣布", "批准", "讨论", "发布", "推迟", "支持", "批评", "通过")
_ZH_OBJECTS: Final = (
    "新的预算", "铁路建设计划", "年度报告", "养老金改革", "支持小企业的方案", "税法修改",
    "水资源协议", "抗通胀措施",
)
_ZH_TIMES: Final = ("星期一", "星期二", "星期三", "星期四", "星期五", "上周", "三月", "今年")
_ZH_CITIES: Final = (
    "阿拉木图", "阿斯塔纳", "奇姆肯特", "卡拉干达", "阿克托别", "莫斯科", "北京", "乌鲁木齐",
)


def _english_sentence(rng: random.Random) -> str:
    number, year = rng.randint(2, 950), rng.randint(2019, 2030)
    match rng.randrange(4):
        case 0:
            return (
                f"{rng.choice(_EN_SUBJECTS)} {rng.choice(_EN_VERBS)} "
                f"{rng.choice(_EN_OBJECTS)} {rng.choice(_EN_TIMES)}."
            )
        case 1:
            return (
                f"In {rng.choice(_EN_CITIES)}, {rng.choice(_EN_SUBJECTS).lower()} "
                f"{rng.choice(_EN_VERBS)} {rng.choice(_EN_OBJECTS)}."
            )
        case 2:
            return f"{number} people attended the meeting in {rng.choice(_EN_CITIES)}."
        case _:
            return f"Prices rose by {number / 10:.1f} percent in {year}, the report said."


def _russian_sentence(rng: random.Random) -> str:
    number = rng.randint(2, 950)
    match rng.randrange(4):
        case 0:
            return (
                f"{rng.choice(_RU_SUBJECTS)} {rng.choice(_RU_VERBS)} "
                f"{rng.choice(_RU_OBJECTS)} {rng.choice(_RU_TIMES)}."
            )
        case 1:
            time = rng.choice(_RU_TIMES)
            return (
                f"{time[0].upper()}{time[1:]} {rng.choice(_RU_CITIES)} "
                f"{rng.choice(_RU_SUBJECTS).lower()} {rng.choice(_RU_VERBS)} "
                f"{rng.choice(_RU_OBJECTS)}."
            )
        case 2:
            return f"На встрече {rng.choice(_RU_CITIES)} присутствовали {number} человек."
        case _:
            return f"Цены выросли на {number / 10:.1f} процента, говорится в докладе."


def _kazakh_sentence(rng: random.Random) -> str:
    number = rng.randint(2, 950)
    match rng.randrange(5):
        case 0:
            return (
                f"{rng.choice(_KK_TIMES)} {rng.choice(_KK_SUBJECTS).lower()} "
                f"{rng.choice(_KK_OBJECTS)} {rng.choice(_KK_VERBS)}."
            )
        case 4:
            return (
                f"{rng.choice(_KK_SUBJECTS)} {rng.choice(_KK_TIMES).lower()} "
                f"{rng.choice(_KK_OBJECTS)} {rng.choice(_KK_VERBS)}."
            )
        case 1:
            return (
                f"{rng.choice(_KK_CITIES)} {rng.choice(_KK_SUBJECTS).lower()} "
                f"{rng.choice(_KK_OBJECTS)} {rng.choice(_KK_VERBS)}."
            )
        case 2:
            return f"{rng.choice(_KK_CITIES)} өткен кездесуге {number} адам қатысты."
        case _:
            return f"Баяндамаға сәйкес, бағалар {number / 10:.1f} пайызға өсті."


def _chinese_sentence(rng: random.Random) -> str:
    number = rng.randint(2, 950)
    match rng.randrange(4):
        case 0:
            return (
                f"{rng.choice(_ZH_TIMES)}，{rng.choice(_ZH_SUBJECTS)}在{rng.choice(_ZH_CITIES)}"
                f"{rng.choice(_ZH_VERBS)}了{rng.choice(_ZH_OBJECTS)}。"
            )
        case 1:
            return (
                f"{rng.choice(_ZH_SUBJECTS)}{rng.choice(_ZH_TIMES)}{rng.choice(_ZH_VERBS)}了"
                f"{rng.choice(_ZH_OBJECTS)}。"
            )
        case 2:
            return f"共有{number}人参加了在{rng.choice(_ZH_CITIES)}举行的会议。"
        case _:
            return f"报告称，物价上涨了百分之{number / 10:.1f}。"


def default_corpus(n: int = 400, *, seed: int = 0) -> list[str]:
    """Return ``n`` news-style sentences cycling English, Russian, Chinese and Kazakh.

    The same ``(n, seed)`` always gives the same list. Together the sentences use Latin,
    Cyrillic (with every Kazakh letter: ә ғ қ ң ө ұ ү һ і), Han characters and digits, so a
    tokenizer trained on them covers the languages of this project.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = random.Random(seed)
    makers = (_english_sentence, _russian_sentence, _chinese_sentence, _kazakh_sentence)
    return [makers[i % len(makers)](rng) for i in range(n)]


_LATIN_ONSETS: Final = tuple("bcdfghjklmnprstvwz") + ("ch", "sh", "th", "st", "tr", "br")
_LATIN_NUCLEI: Final = ("a", "e", "i", "o", "u", "ai", "ea", "ou")
_LATIN_CODAS: Final = ("", "", "", "n", "r", "s", "t", "l", "nd", "ck")
_CYRILLIC_ONSETS: Final = tuple("бвгджзклмнпрстфхцчшқғһ")
_CYRILLIC_NUCLEI: Final = tuple("аеиоуыэюяәөұүі")
_CYRILLIC_CODAS: Final = ("", "", "", "н", "р", "с", "т", "л", "ң", "й", "қ")
#: Frequent Han characters of news text; pseudo-words are runs of them.
_HAN: Final = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
    "下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量"
    "都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重"
    "新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已"
    "通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将"
    "组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热"
    "领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清美再采转更单风切打白教速花带安"
    "场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群"
    "广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半"
)


def _pseudo_word(rng: random.Random, script: int) -> str:
    if script == 2:
        return "".join(rng.choice(_HAN) for _ in range(rng.randint(1, 3)))
    onsets, nuclei, codas = (
        (_LATIN_ONSETS, _LATIN_NUCLEI, _LATIN_CODAS)
        if script == 0
        else (_CYRILLIC_ONSETS, _CYRILLIC_NUCLEI, _CYRILLIC_CODAS)
    )
    syllables = (
        rng.choice(onsets) + rng.choice(nuclei) + rng.choice(codas)
        for _ in range(rng.randint(1, 4))
    )
    return "".join(syllables)


def pseudo_word_corpus(n: int, *, seed: int = 0) -> list[str]:
    """Return ``n`` deterministic sentences of made-up words in Latin, Cyrillic and Han script.

    Templated news text has a few thousand distinct words at most; these sentences give
    SentencePiece enough distinct material to reach vocabularies of tens of thousands.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = random.Random(seed)
    sentences = []
    for i in range(n):
        script = i % 3
        words = [_pseudo_word(rng, script) for _ in range(rng.randint(4, 12))]
        separator = "" if script == 2 else " "
        end = "。" if script == 2 else "."
        sentences.append(separator.join(words).capitalize() + end)
    return sentences


def training_corpus(vocab_size: int) -> list[str]:
    """Return a deterministic corpus on which :func:`build_sentencepiece` reaches ``vocab_size``.

    Up to 1000 pieces the news sentences of :func:`default_corpus` suffice; larger
    vocabularies add :func:`pseudo_word_corpus` sentences in proportion.
    """
    if vocab_size <= 1000:
        return default_corpus(400)
    return default_corpus(2000) + pseudo_word_corpus(vocab_size)


# --------------------------------------------------------------------------- SentencePiece


def build_sentencepiece(
    corpus: Sequence[str],
    out_dir: Path,
    vocab_size: int = 1000,
    *,
    byte_fallback: bool = False,
    user_defined_symbols: Sequence[str] = (),
    filename: str = "sentencepiece.model",
) -> Path:
    """Train a SentencePiece BPE model on ``corpus`` and write it to ``out_dir / filename``.

    Training is offline, single-threaded and reads every sentence in order, so the same
    arguments give a byte-identical file (no seed is involved). Pieces cover every character
    of the corpus; ids 0-2 are ``<unk>``, ``<s>``, ``</s>``. Raises ``RuntimeError`` from
    SentencePiece when the corpus cannot support ``vocab_size`` pieces (see
    :func:`training_corpus`).
    """
    if not corpus:
        raise ValueError("corpus must not be empty")
    model = io.BytesIO()
    # An iterator and an in-memory writer keep temporary file names out of the model proto.
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus),
        model_writer=model,
        model_type="bpe",
        vocab_size=vocab_size,
        character_coverage=1.0,
        byte_fallback=byte_fallback,
        user_defined_symbols=list(user_defined_symbols),
        num_threads=1,
        input_sentence_size=0,
        shuffle_input_sentence=False,
        minloglevel=2,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / filename
    path.write_bytes(model.getvalue())
    return path


def vocabulary_from_sentencepiece(model_path: Path) -> list[str]:
    """Return a CTranslate2 vocabulary for a SentencePiece model.

    The list is :data:`SPECIAL_TOKENS` followed by every other piece in id order, so every
    piece ``encode(..., out_type=str)`` can produce is in the vocabulary exactly once.
    """
    processor = spm.SentencePieceProcessor(model_file=str(model_path))
    pieces = [
        processor.id_to_piece(i)
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]
    return list(SPECIAL_TOKENS) + [piece for piece in pieces if piece not in SPECIAL_TOKENS]


# --------------------------------------------------------------------------- CTranslate2


@dataclass(frozen=True)
class _Dims:
    d_model: int
    ffn: int
    source_vocab: int
    target_vocab: int


def _weight_shape(path: str, dims: _Dims) -> tuple[int, ...]:
    """Shape of the spec variable at ``path`` (a ``weight``, ``gamma`` or ``beta``)."""
    *scopes, layer, attribute = path.split("/")
    d = dims.d_model
    if layer == "layer_norm" and attribute in ("gamma", "beta"):
        return (d,)
    if attribute != "weight":
        raise ValueError(f"no shape rule for model variable {path}")
    if layer.startswith("embeddings"):
        return (dims.source_vocab if scopes[0] == "encoder" else dims.target_vocab, d)
    if layer == "projection":
        return (dims.target_vocab, d)
    block = scopes[-1]
    # Self-attention fuses Q, K and V; encoder-decoder attention fuses K and V.
    shapes: dict[tuple[str, str], tuple[int, int]] = {
        ("self_attention", "linear_0"): (3 * d, d),
        ("self_attention", "linear_1"): (d, d),
        ("attention", "linear_0"): (d, d),
        ("attention", "linear_1"): (2 * d, d),
        ("attention", "linear_2"): (d, d),
        ("ffn", "linear_0"): (dims.ffn, d),
        ("ffn", "linear_1"): (d, dims.ffn),
    }
    try:
        return shapes[(block, layer)]
    except KeyError:
        raise ValueError(f"no shape rule for model variable {path}") from None


def _random_array(
    path: str, shape: tuple[int, ...], seed: int
) -> npt.NDArray[np.float32]:
    # One generator per variable, keyed by its name, so each array is independent of the
    # order in which the spec is walked.
    rng = np.random.default_rng([seed, zlib.crc32(path.encode("utf-8"))])
    values = rng.standard_normal(shape, dtype=np.float32)
    attribute = path.rsplit("/", 1)[-1]
    if attribute == "gamma":
        return np.float32(1.0) + np.float32(0.1) * values
    if attribute in ("beta", "bias"):
        return np.float32(0.1) * values
    # Unit-variance activations: embeddings are multiplied by sqrt(d_model) at run time,
    # linear layers get 1/sqrt(fan_in).
    return values / np.float32(np.sqrt(shape[1]))


def _fill_weights(spec: Any, dims: _Dims, seed: int) -> None:
    """Set every required variable and every linear bias of ``spec`` to seeded values."""
    slots: list[tuple[Any, str]] = []

    def collect(layer: Any, path: str, value: object) -> None:
        is_bias = isinstance(layer, common_spec.LinearSpec) and path.endswith("/bias")
        if value is None or (is_bias and isinstance(value, str)):
            slots.append((layer, path))

    model_spec.visit_spec(spec, collect)
    for layer, path in slots:
        scope, attribute = path.rsplit("/", 1)
        if attribute == "bias":
            shape: tuple[int, ...] = (_weight_shape(f"{scope}/weight", dims)[0],)
        else:
            shape = _weight_shape(path, dims)
        setattr(layer, attribute, _random_array(path, shape, seed))


def build_ct2_model(
    out_dir: Path,
    vocabulary: list[str],
    *,
    layers: tuple[int, int] = (2, 2),
    heads: int = 4,
    d_model: int = 64,
    ffn: int | None = None,
    seed: int = 0,
    quantization: str | None = "int8",
    target_vocabulary: list[str] | None = None,
    decoder_start_token: str = BOS,
    suppress_tokens: Sequence[str] = (),
    pre_norm: bool = True,
    activation: str = "relu",
    positions: int | None = None,
    start_from_zero_embedding: bool = False,
    config: dict[str, Any] | None = None,
    favour_tokens: Sequence[str] = (),
    favour_bias: float = _FAVOURED_LOGIT_BIAS,
) -> Path:
    """Write a CTranslate2 Transformer translation model with seeded random weights.

    ``vocabulary`` (and ``target_vocabulary``, which defaults to it) must contain ``<unk>``,
    ``<s>`` and ``</s>``; :func:`vocabulary_from_sentencepiece` makes one. The model is a
    pre-norm OpenNMT-style Transformer with ``layers`` = (encoder, decoder) layers, ``ffn``
    defaulting to ``4 * d_model`` and sinusoidal positions. Every weight is drawn from
    ``seed``, so the same arguments give byte-identical files and identical translations.
    ``<unk>``, ``<blank>``, ``<s>`` and ``suppress_tokens`` are never generated.
    ``quantization`` is any CTranslate2 weight type, or ``None`` for float32.

    The converters' choices for Hugging Face models are there too: ``pre_norm=False``
    (Marian), ``activation`` (``relu``, ``swish``, ``gelu``), ``positions`` rows of fixed
    sinusoidal position tables in place of computed ones (a model with tables fails on
    longer inputs, as OPUS-MT and NLLB-200 do), ``start_from_zero_embedding`` (Marian's
    decoder) and ``config`` items written to ``config.json``. ``favour_tokens`` are made
    likely in the output (by ``favour_bias`` added to their logits), as a model that
    emits stray language tokens.

    Returns ``out_dir``, which must not exist or be empty.
    """
    target = vocabulary if target_vocabulary is None else target_vocabulary
    _check_vocabulary(vocabulary, "vocabulary", (UNK,))
    # Marian vocabularies have no "<s>": the converters never require one.
    _check_vocabulary(target, "target_vocabulary", (UNK, EOS, decoder_start_token))
    if heads <= 0 or d_model % heads:
        raise ValueError(f"d_model ({d_model}) must be a multiple of heads ({heads})")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty")

    spec = transformer_spec.TransformerSpec.from_config(
        layers, heads, pre_norm=pre_norm, activation=_ACTIVATIONS[activation]
    )
    spec.config.decoder_start_token = decoder_start_token
    for key, value in (config or {}).items():
        setattr(spec.config, key, value)
    dims = _Dims(d_model, 4 * d_model if ffn is None else ffn, len(vocabulary), len(target))
    _fill_weights(spec, dims, seed)
    if positions is not None:
        table = sinusoidal_table(positions, d_model)
        spec.encoder.position_encodings.encodings = table
        spec.decoder.position_encodings.encodings = table.copy()
    spec.decoder.start_from_zero_embedding = start_from_zero_embedding

    suppressed = set(_NEVER_EMITTED) | set(suppress_tokens)
    suppressed_ids = [i for i, token in enumerate(target) if token in suppressed]
    spec.decoder.projection.bias[suppressed_ids] = _SUPPRESSED_LOGIT_BIAS
    favoured_ids = [i for i, token in enumerate(target) if token in set(favour_tokens)]
    spec.decoder.projection.bias[favoured_ids] = favour_bias

    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(target)
    spec.validate()
    spec.optimize(quantization=quantization)
    out_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(out_dir))
    return out_dir


def sinusoidal_table(positions: int, depth: int) -> npt.NDArray[np.float32]:
    """A fixed table of sinusoidal position encodings, sines then cosines, as Marian's."""
    steps = np.arange(positions, dtype=np.float64)[:, None]
    rates = np.exp(np.arange(depth // 2, dtype=np.float64) * -(np.log(10000.0) / (depth // 2 - 1)))
    angles = steps * rates[None, :]
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1).astype(np.float32)


def _check_vocabulary(tokens: Sequence[str], name: str, required: Iterable[str]) -> None:
    missing = [token for token in required if token not in tokens]
    if missing:
        raise ValueError(f"{name} lacks {', '.join(missing)}")
    if len(set(tokens)) != len(tokens):
        raise ValueError(f"{name} has duplicate tokens")


# --------------------------------------------------------------------------- packages


def package_metadata(
    from_code: str,
    to_code: str,
    *,
    package_version: str = "1.0",
    argos_version: str = "1.9.0",
    from_name: str | None = None,
    to_name: str | None = None,
    links: Sequence[str] = (),
) -> dict[str, Any]:
    """Return the ``metadata.json`` content of a translate package, as Argos writes it.

    The same dictionary is a valid entry of an Argos package index.
    """
    return {
        "package_version": package_version,
        "argos_version": argos_version,
        "from_code": from_code,
        "from_name": from_name or LANGUAGE_NAMES.get(from_code, from_code),
        "to_code": to_code,
        "to_name": to_name or LANGUAGE_NAMES.get(to_code, to_code),
        "type": "translate",
        "links": list(links),
    }


def package_dirname(from_code: str, to_code: str, package_version: str = "1.0") -> str:
    """Return the top-level folder name of a package, e.g. ``translate-en_ru-1_0``."""
    return f"translate-{from_code}_{to_code}-{package_version.replace('.', '_')}"


def build_argos_package(
    out: Path,
    from_code: str,
    to_code: str,
    *,
    size: Literal["tiny", "base"] = "tiny",
    seed: int = 0,
    package_version: str = "1.0",
    argos_version: str = "1.9.0",
    from_name: str | None = None,
    to_name: str | None = None,
    links: Sequence[str] = (),
    corpus: Sequence[str] | None = None,
) -> Path:
    """Write an Argos Translate ``.argosmodel`` package and return its path.

    ``out`` is the file to write when it ends in ``.argosmodel``, otherwise a directory that
    receives ``translate-<from>_<to>-<version>.argosmodel``. The zip holds one folder
    (:func:`package_dirname`) with ``metadata.json`` (:func:`package_metadata`),
    ``README.md``, ``sentencepiece.model`` and the CTranslate2 model in ``model/``, built
    to :data:`SIZES` ``[size]``. The tokenizer is trained on ``corpus``, by default
    :func:`training_corpus`, and shared by both languages, as in Argos packages.
    Same arguments, byte-identical file: entries are sorted and timestamps fixed.
    """
    shape = SIZES[size]
    dirname = package_dirname(from_code, to_code, package_version)
    target = out if out.suffix == ".argosmodel" else out / f"{dirname}.argosmodel"
    metadata = package_metadata(
        from_code,
        to_code,
        package_version=package_version,
        argos_version=argos_version,
        from_name=from_name,
        to_name=to_name,
        links=links,
    )
    with tempfile.TemporaryDirectory(prefix="argos-package-") as staging:
        root = Path(staging) / dirname
        sp_model = build_sentencepiece(
            training_corpus(shape.vocab_size) if corpus is None else corpus,
            root,
            shape.vocab_size,
        )
        build_ct2_model(
            root / "model",
            vocabulary_from_sentencepiece(sp_model),
            layers=shape.layers,
            heads=shape.heads,
            d_model=shape.d_model,
            ffn=shape.ffn,
            seed=seed,
            quantization=shape.quantization,
        )
        (root / "metadata.json").write_text(
            json.dumps(metadata, indent=4, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (root / "README.md").write_text(
            f"# {metadata['from_name']} to {metadata['to_name']} ({size}, seed {seed})\n\n"
            "Generated for tests: random weights, gibberish translations.\n",
            encoding="utf-8",
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        write_deterministic_zip(root, target)
    return target


def write_deterministic_zip(folder: Path, target: Path) -> Path:
    """Zip ``folder`` as the archive's one top-level folder; same content, same bytes.

    Entries are sorted, directories have entries of their own, and timestamps and
    permissions are fixed, so only file names and contents reach the archive.
    """
    paths = sorted(folder.rglob("*"), key=lambda p: p.relative_to(folder).as_posix())
    with zipfile.ZipFile(target, "w") as archive:
        for path in [folder, *paths]:
            name = Path(folder.name, path.relative_to(folder)).as_posix()
            info = zipfile.ZipInfo(name + "/" if path.is_dir() else name, _ZIP_EPOCH)
            info.create_system = 3  # Unix, so external_attr is read as a mode
            if path.is_dir():
                info.external_attr = (0o40755 << 16) | 0x10
                archive.writestr(info, b"")
            else:
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                with path.open("rb") as source, archive.open(info, "w") as sink:
                    while chunk := source.read(1 << 20):
                        sink.write(chunk)
    return target


def build_nllb_style_model(
    out_dir: Path,
    *,
    target_tokens: Sequence[str] = ("kaz_Cyrl", "rus_Cyrl", "zho_Hans"),
    source_tokens: Sequence[str] = ("eng_Latn",),
    seed: int = 0,
) -> Path:
    """Write a tiny model used the way CTranslate2 runs NLLB-200, and return ``out_dir``.

    Layout: ``out_dir/model/`` (CTranslate2) and ``out_dir/sentencepiece.model``. The shared
    vocabulary ends with the language tokens ``source_tokens + target_tokens``; as in a
    converted NLLB model, decoding starts from ``</s>``, the source is written
    ``[source_token, *pieces, "</s>"]`` and the target language is chosen with
    ``target_prefix=[[target_token]]``. The prefix token opens each hypothesis and language
    tokens are never generated after it.
    """
    sp_model = build_sentencepiece(default_corpus(400), out_dir, 1000)
    language_tokens = list(dict.fromkeys([*source_tokens, *target_tokens]))
    build_ct2_model(
        out_dir / "model",
        vocabulary_from_sentencepiece(sp_model) + language_tokens,
        seed=seed,
        decoder_start_token=EOS,
        suppress_tokens=language_tokens,
    )
    return out_dir


# --------------------------------------------------------------------------- converted layouts

#: What ``ct2-transformers-converter`` writes into ``config.json`` for each family; every
#: other field keeps CTranslate2's default (written too, as the converter does).
MARIAN_CONFIG: Final[dict[str, Any]] = {"eos_token": EOS, "unk_token": UNK, "decoder_start_token": EOS}
NLLB_CONFIG: Final[dict[str, Any]] = {
    "bos_token": BOS, "eos_token": EOS, "unk_token": UNK, "decoder_start_token": EOS,
}
_SENTENCE_MAKERS: Final = {
    "en": _english_sentence, "ru": _russian_sentence, "kk": _kazakh_sentence, "zh": _chinese_sentence,
}


def language_corpus(language: str, n: int = 400, *, seed: int = 0) -> list[str]:
    """``n`` news-style sentences in one of ``en``, ``ru``, ``kk`` or ``zh`` only.

    A tokenizer trained on Russian alone lacks the Kazakh letters ә ғ қ ң ө ұ ү һ і: a
    model with that vocabulary cannot write Kazakh words.
    """
    rng = random.Random(seed)
    return [_SENTENCE_MAKERS[language](rng) for _ in range(n)]


def _pieces(model_path: Path) -> list[str]:
    processor = spm.SentencePieceProcessor(model_file=str(model_path))
    return [
        processor.id_to_piece(i)
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]


def build_opus_mt_model(
    out_dir: Path,
    *,
    source: str = "en",
    targets: Sequence[str] = ("ru",),
    language_tokens: Sequence[str] = (),
    positions: int = 512,
    seed: int = 0,
    favour_tokens: Sequence[str] = (),
    favour_bias: float = _FAVOURED_LOGIT_BIAS,
) -> Path:
    """Write a tiny OPUS-MT model as ``ct2-transformers-converter --copy_files source.spm
    target.spm`` lays out a converted Marian model, and return ``out_dir``.

    ``out_dir`` holds ``model.bin``, ``config.json`` (:data:`MARIAN_CONFIG`),
    ``shared_vocabulary.json`` and the two SentencePiece models. As in Marian's
    ``vocab.json`` less the ``<pad>`` the converter removes, the vocabulary is ``</s>``,
    ``<unk>``, the multi-target models' ``language_tokens`` (``>>kaz<<``), then the pieces
    of both tokenizers; there is no ``<s>``. The model is post-norm with swish activations,
    fixed position tables of ``positions`` rows (512 in every OPUS-MT model) and a decoder
    that starts from a zero embedding. The target tokenizer learns ``targets`` only.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    source_sp = build_sentencepiece(language_corpus(source), out_dir, 400, filename="source.spm")
    target_corpus = [s for language in targets for s in language_corpus(language)]
    target_sp = build_sentencepiece(target_corpus, out_dir, 400, filename="target.spm")
    pieces = dict.fromkeys([*_pieces(source_sp), *_pieces(target_sp)])
    vocabulary = [EOS, UNK, *language_tokens, *(p for p in pieces if p not in (EOS, UNK, *language_tokens))]
    build_ct2_model(
        out_dir / ".model",
        vocabulary,
        seed=seed,
        decoder_start_token=EOS,
        pre_norm=False,
        activation="swish",
        positions=positions,
        start_from_zero_embedding=True,
        config=MARIAN_CONFIG,
        suppress_tokens=[t for t in language_tokens if t not in favour_tokens],
        favour_tokens=favour_tokens,
        favour_bias=favour_bias,
    )
    _move_up(out_dir / ".model", out_dir)
    return out_dir


def build_nllb_model(
    out_dir: Path,
    *,
    language_tokens: Sequence[str] = ("eng_Latn", "kaz_Cyrl", "rus_Cyrl", "zho_Hans"),
    positions: int = 1024,
    seed: int = 0,
    favour_tokens: Sequence[str] = (),
    favour_bias: float = _FAVOURED_LOGIT_BIAS,
) -> Path:
    """Write a tiny NLLB-200 model as ``ct2-transformers-converter --copy_files
    sentencepiece.bpe.model`` lays out a converted M2M-100 model, and return ``out_dir``.

    ``out_dir`` holds ``model.bin``, ``config.json`` (:data:`NLLB_CONFIG`),
    ``shared_vocabulary.json`` and ``sentencepiece.bpe.model``. The vocabulary is the
    tokenizer's: ``<s>``, ``<pad>``, ``</s>``, ``<unk>``, the SentencePiece pieces, the
    language tokens, ``<mask>``. The model is pre-norm with position tables of
    ``positions`` rows (1,024 in NLLB-200, the converter drops the two offset rows); the
    source is ``[source_token, *pieces, "</s>"]`` and the target is chosen with a target
    prefix. ``favour_tokens`` (language tokens) are made likely in the output; the other
    language tokens are never generated.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    sp_model = build_sentencepiece(default_corpus(400), out_dir, 1000, filename="sentencepiece.bpe.model")
    specials = (BOS, "<pad>", EOS, UNK)
    vocabulary = [*specials, *(p for p in _pieces(sp_model) if p not in specials), *language_tokens, "<mask>"]
    build_ct2_model(
        out_dir / ".model",
        vocabulary,
        seed=seed,
        decoder_start_token=EOS,
        positions=positions,
        config=NLLB_CONFIG,
        suppress_tokens=["<pad>", "<mask>", *(t for t in language_tokens if t not in favour_tokens)],
        favour_tokens=favour_tokens,
        favour_bias=favour_bias,
    )
    _move_up(out_dir / ".model", out_dir)
    return out_dir


def _move_up(folder: Path, into: Path) -> None:
    """Move the files of *folder* into *into*, next to the copied tokenizers, as the converter writes them."""
    for path in sorted(folder.iterdir()):
        path.rename(into / path.name)
    folder.rmdir()


__all__ = [
    "BOS",
    "EOS",
    "LANGUAGE_NAMES",
    "MARIAN_CONFIG",
    "NLLB_CONFIG",
    "PAD",
    "SIZES",
    "SPECIAL_TOKENS",
    "UNK",
    "ModelSize",
    "build_argos_package",
    "build_ct2_model",
    "build_nllb_model",
    "build_nllb_style_model",
    "build_opus_mt_model",
    "build_sentencepiece",
    "default_corpus",
    "language_corpus",
    "sinusoidal_table",
    "package_dirname",
    "package_metadata",
    "pseudo_word_corpus",
    "training_corpus",
    "vocabulary_from_sentencepiece",
    "write_deterministic_zip",
]
