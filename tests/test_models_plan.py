"""Planning which Argos packages translate which language pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate_flow import models
from translate_flow.models import PackageInfo


# --------------------------------------------------------------------------- planning

AVAILABLE = [
    PackageInfo("en", "ru", "1.0"),
    PackageInfo("en", "ru", "1.9"),
    PackageInfo("en", "zh", "1.9"),
    PackageInfo("en", "zt", "1.9"),
    PackageInfo("kk", "en", "1.0"),  # hypothetical: Argos has no Kazakh yet
]
INSTALLED = [PackageInfo("en", "ru", "1.0", path=Path("/packages/translate-en_ru-1_0"))]


@pytest.mark.parametrize(
    ("source", "target", "pivot", "route", "codes", "packages", "ready"),
    [
        pytest.param(
            "en", "ru", "en", "direct", ("en", "ru"), [("en", "ru", "1.0", True)], True,
            id="en-ru-installed-first",
        ),
        pytest.param(
            "en", "zh-Hans", "en", "direct", ("en", "zh"), [("en", "zh", "1.9", False)], False,
            id="en-zh-Hans-is-argos-zh",
        ),
        pytest.param(
            "en", "zh-Hant", "en", "direct", ("en", "zt"), [("en", "zt", "1.9", False)], False,
            id="en-zh-Hant-is-argos-zt",
        ),
        pytest.param(
            "en", "kk", "en", "uncovered", ("en", "kk"), [], False, id="en-kk-uncovered"
        ),
        pytest.param(
            "kk", "ru", "en", "pivot", ("kk", "ru"),
            [("kk", "en", "1.0", False), ("en", "ru", "1.0", True)], False,
            id="kk-ru-through-en",
        ),
        pytest.param(
            "kk", "ru", None, "uncovered", ("kk", "ru"), [], False, id="kk-ru-without-pivot"
        ),
        pytest.param(
            "ru", "kk", "en", "uncovered", ("ru", "kk"), [], False, id="ru-kk-uncovered"
        ),
    ],
)
def test_plan_pairs(
    source: str,
    target: str,
    pivot: str | None,
    route: str,
    codes: tuple[str, str],
    packages: list[tuple[str, str, str, bool]],
    ready: bool,
) -> None:
    [plan] = models.plan_pairs(source, [target], AVAILABLE, INSTALLED, pivot=pivot)
    assert (plan.source, plan.target, plan.route) == (source, target, route)
    assert (plan.from_code, plan.to_code) == codes
    chosen = [(p.from_code, p.to_code, p.package_version, p.installed) for p in plan.packages]
    assert chosen == packages
    assert plan.ready is ready
    assert plan.covered is (route != "uncovered")
    if route == "pivot":
        assert plan.pivot == "en" and plan.to_install == (AVAILABLE[-1],)
        assert "through en" in plan.message
    if route == "uncovered":
        assert f'[models.pairs."{source}-{target}"]' in plan.message
        token = {"kk": "kaz_Cyrl", "ru": "rus_Cyrl"}[target]
        assert "NLLB-200" in plan.message and f'target_token "{token}"' in plan.message
        assert "translate-flow.toml" in plan.message


def test_plan_pairs_keeps_the_order_of_targets() -> None:
    plans = models.plan_pairs("en", ["kk", "ru", "zh-Hans"], AVAILABLE, INSTALLED)
    assert [(p.target, p.route) for p in plans] == [
        ("kk", "uncovered"), ("ru", "direct"), ("zh-Hans", "direct")
    ]
    assert plans[0].message.startswith(
        "en -> kk: no Argos Translate package covers en -> kk directly; "
    )
    [pivoted] = models.plan_pairs("ru", ["kk"], AVAILABLE, INSTALLED)
    assert "covers ru -> kk directly or through en; " in pivoted.message


INDEX_NAME = "https://example.org/index.json"
WITH_KAZAKH = [*AVAILABLE, PackageInfo("en", "kk", "0.1")]  # an index that one day has en -> kk


@pytest.mark.parametrize(
    ("source", "target", "index", "argos", "present", "absent"),
    [
        pytest.param(
            "en", "kk", AVAILABLE, True,
            [f"the package index ({INDEX_NAME}) has no Argos package for en -> kk;",
             'under [models.pairs."en-kk"]', 'target_token "kaz_Cyrl"', "OPUS-MT or NLLB-200",
             "ct2-transformers-converter"],
            ["models install"], id="en-kk-not-in-the-index",
        ),
        pytest.param(
            "en", "kk", WITH_KAZAKH, True,
            ["no model translates en to kk yet: it takes translate-en_kk 0.1 (to install from the package index)",
             "run `translate-flow models install --for-project`"],
            ["models.pairs", "has no Argos package"], id="en-kk-once-the-index-has-it",
        ),
        pytest.param(
            "en", "zh-Hans", AVAILABLE, True,
            ["it takes translate-en_zh 1.9 (to install from the package index); run `translate-flow models install"],
            ["models.pairs"], id="en-zh-Hans-to-install",
        ),
        pytest.param(
            "kk", "ru", AVAILABLE, True,
            ["translate-kk_en 1.0 (to install from the package index) and translate-en_ru 1.0 (installed), "
             "through en"],
            ["models.pairs"], id="kk-ru-through-en",
        ),
        pytest.param(
            "en", "kk", None, True,
            ["no Argos package for en -> kk is installed in /packages",
             "`translate-flow models install --for-project` to install one if the package index has it",
             'under [models.pairs."en-kk"]'],
            ["has no Argos package"], id="index-never-fetched",
        ),
        pytest.param(
            "en", "ru", AVAILABLE, False,
            ["translate-flow.toml configures no CTranslate2 model for it", 'under [models.pairs."en-ru"]',
             'source_token "eng_Latn" and target_token "rus_Cyrl"'],
            ["models install", "translate-en_ru"], id="ct2-engine-only",
        ),
    ],
)
def test_missing_model_says_what_the_known_index_holds(
    source: str, target: str, index: list[PackageInfo] | None, argos: bool, present: list[str], absent: list[str],
) -> None:
    message = models.missing_model(
        source, target, installed=INSTALLED, index=index, index_name=INDEX_NAME, packages_dir=Path("/packages"),
        argos=argos,
    )
    assert message.startswith(f"no model translates {source} to {target}")
    assert "\n" not in message
    for text in present:
        assert text in message
    for text in absent:
        assert text not in message
