"""Quality checks on catalog entries: each check in Kazakh, Russian and Chinese, passing and
failing; the settings a project gives them; the whole run over an entry."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate_flow import check
from translate_flow.check import (
    CHECKS,
    SEVERITIES,
    CheckContext,
    CheckFunction,
    CheckSettings,
    Finding,
    check_entry,
    length_band,
    plain_text,
)
from conftest import REPO

from translate_flow import pipeline
from translate_flow.config import load_config
from translate_flow.errors import ConfigError
from translate_flow.findings import DEFAULT_SEVERITY
from translate_flow.glossary import read_glossary
from translate_flow.terms import TermMatcher
from translate_flow.languages import language

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

EN = language("en")
TARGETS = {"kk": language("kk"), "ru": language("ru"), "zh": language("zh-Hans")}
NBSP, NNBSP = "\u00a0", "\u202f"


@dataclass(frozen=True)
class Want:
    """An expected problem: a fragment of its message, and whether it is minor."""

    fragment: str
    minor: bool = False


def case(lang: str, msgid: str, msgstr: str, *wanted: str | Want, id: str) -> object:
    """One table row: the target language, the entry, the problems expected (none: passes)."""
    wants = tuple(w if isinstance(w, Want) else Want(w) for w in wanted)
    return pytest.param(lang, msgid, msgstr, wants, id=f"{lang}-{id}")


def run(function: CheckFunction, lang: str, msgid: str, msgstr: str, wants: Sequence[Want],
        keep: frozenset[str] = frozenset()) -> None:
    problems = function(msgid, msgstr, CheckContext(EN, TARGETS[lang], keep=keep))
    assert len(problems) == len(wants), problems
    for problem, want in zip(problems, wants):
        assert want.fragment in problem.message, problem
        assert problem.minor == want.minor, problem
        assert "\n" not in problem.message


# --------------------------------------------------------------------------------------
# tags

INNOCENT = ("Umarova refused to counter-sign the plea bargain, claiming she is convinced "
            "Bilash is <strong1>totally innocent</strong1>.")
INNOCENT_KK = ("Омарова Біләштің <strong1>мүлдем кінәсіз</strong1> екеніне сенімді екенін "
               "айтып, келісімге қол қоюдан бас тартты.")
INNOCENT_RU = ("Умарова отказалась подписать сделку, заявив, что убеждена в "
               "<strong1>полной невиновности</strong1> Билаша.")
REPORTED = "<em1>Bitter Winter</em1> reported on <a2>the case</a2>."
ADDRESS = "CESNUR<br1/>Via Confienza 19,<br2/>10121 Turin"

# Entries of the sample edition (locales/*/LC_MESSAGES/bilash-free-but-silenced.po), as its
# translators wrote them: every check must pass them.
ENCICLOPEDIA = ("He was the main author of the <em1>Enciclopedia delle religioni in Italia</em1> "
                "(Encyclopedia of Religions in Italy).")
ENCICLOPEDIA_KK = ("Ол <em1>Enciclopedia delle religioni in Italia</em1> («Италиядағы діндер "
                   "энциклопедиясы») басылымының негізгі авторы болды.")
ENCICLOPEDIA_RU = ("Он был основным автором <em1>Enciclopedia delle religioni in Italia</em1> "
                   "(«Энциклопедия религий в Италии»).")
ENCICLOPEDIA_ZH = "他是《<em1>Enciclopedia delle religioni in Italia</em1>》（《意大利宗教百科全书》）的主要作者。"
JOURNAL = ("He is a member of the editorial board for the <em1>Interdisciplinary Journal of Research "
           "on Religion</em1> and of the executive board of University of California Press’ "
           "<em2>Nova Religio</em2>.")
JOURNAL_KK = ("Ол <em1>Interdisciplinary Journal of Research on Religion</em1> журналының редакция "
              "алқасының және Калифорния университеті баспасы шығаратын <em2>Nova Religio</em2> "
              "журналының атқарушы алқасының мүшесі.")
JOURNAL_RU = ("Он входит в редакционный совет журнала <em1>Interdisciplinary Journal of Research on "
              "Religion</em1> и в исполнительный совет журнала <em2>Nova Religio</em2> издательства "
              "Калифорнийского университета.")
OSCE_ROLE = ("From January 5 to December 31, 2011, he has served as the “Representative on combating "
             "racism, xenophobia and discrimination, with a special focus on discrimination against "
             "Christians and members of other religions” of the Organization for Security and "
             "Co-operation in Europe (OSCE).")
OSCE_ROLE_KK = ("2011 жылғы 5 қаңтардан 31 желтоқсанға дейін ол Еуропадағы қауіпсіздік және "
                "ынтымақтастық ұйымының (ЕҚЫҰ) «Нәсілшілдікпен, ксенофобиямен және кемсітушілікпен, "
                "әсіресе христиандар мен басқа дін өкілдерін кемсітумен күрес жөніндегі өкілі» "
                "қызметін атқарды.")
OSCE_ROLE_ZH = ("2011年1月5日至12月31日，他担任欧洲安全与合作组织（欧安组织）“打击种族主义、仇外心理和歧视"
                "问题代表，特别关注针对基督徒和其他宗教信徒的歧视”。")
SCHOOLS = "Chinese Humiliation: Rape and Torture in Xinjiang’s “Vocational Schools”"
SCHOOLS_KK = "Қытайдағы қорлық: Шыңжаңның «кәсіптік мектептеріндегі» зорлау мен азаптау"
SCHOOLS_RU = "Китайское унижение: изнасилования и пытки в «профессиональных школах» Синьцзяна"
SCHOOLS_ZH = "中国式羞辱：新疆“职业学校”里的强奸与酷刑"
GAMES = "Protests continue throughout the world against the “genocide games.”"
GAMES_KK = "Әлемнің түкпір-түкпірінде «геноцид ойындарына» қарсы наразылықтар жалғасып жатыр."
CONTRIBUTION = ("In an audio message his wife, Leila Adilzhan, thanked all the supporters of her "
                "husband and singled out <em1>Bitter Winter</em1> for its “decisive contribution” to "
                "making Serikzhan a free man again.")
CONTRIBUTION_ZH = ("他的妻子莱拉·阿迪尔詹在一段语音留言中感谢了丈夫的所有支持者，并特别提到《<em1>Bitter "
                   "Winter</em1>》为塞里克江重获自由作出了“决定性的贡献”。")
FOLLOW = "<a1>Twitter</a1> · <a2>Facebook</a2>"

TAGS = [
    case("kk", INNOCENT, INNOCENT_KK, id="same-tags"),
    case("kk", INNOCENT, INNOCENT_KK.replace("<strong1>", "").replace("</strong1>", ""),
         "missing tag <strong1>", id="tag-dropped"),
    case("ru", INNOCENT, INNOCENT_RU, id="same-tags"),
    case("ru", "Bilash is <strong1>totally <em2>innocent</em2></strong1>.",
         "Билаш <strong1>полностью <em2>невиновен</strong1></em2>.",
         "misplaced closing tag </strong1>", id="badly-nested"),
    case("ru", "His organization <a1>Atajurt</a1> will continue.",
         "Его организация <a1>Атажурт</a1> продолжит, <a1>Атажурт</a1>.",
         "<a1> appears twice", id="tag-twice"),
    case("zh", REPORTED, "<a2>此案</a2>由<em1>Bitter Winter</em1>报道。", id="tags-reordered"),
    case("zh", ADDRESS, "CESNUR<br1>Confienza街19号<br2/>10121 都灵",
         "<br1/> written as <br1>", id="void-written-as-paired"),
    case("zh", "Bilash is free.", "比拉什<b1>获释</b1>。", "the source has no tags", id="tag-added"),
]


@pytest.mark.parametrize("lang, msgid, msgstr, wants", TAGS)
def test_tags(lang: str, msgid: str, msgstr: str, wants: Sequence[Want]) -> None:
    run(check.tags, lang, msgid, msgstr, wants)


# --------------------------------------------------------------------------------------
# markup

FREED = "Bilash was freed by the <a1>Almaty court</a1> on Monday."
FREED_RU = "В понедельник <a1>суд Алматы</a1> освободил Билаша."

MARKUP = [
    case("ru", FREED, FREED_RU, id="numbered-tags-only"),
    case("ru", FREED, FREED_RU.replace("Билаша", "<b>Билаша</b>"),
         "HTML '<b>', '</b>' would show as text on the page; use the source's numbered tags "
         "<a1>…</a1>, or write '<' as '&lt;'", id="bold"),
    case("ru", "Bilash is free.", "Билаш на свободе.<script>alert(1)</script>",
         "HTML '<script>alert(1)</script>' would show as text on the page; the source has no tags",
         id="script"),
    case("kk", FREED, "Дүйсенбі күні <a1>Алматы соты</a1> Біләшті босатты.</div>",
         "HTML '</div>'", id="end-tag"),
    case("zh", FREED, '<a href="https://example.org/">阿拉木图法院</a>周一释放了比拉什。',
         "HTML '<a href=\"https://example.org/\">', '</a>'", id="link-instead-of-numbered-tag"),
    case("ru", "Bilash is free.", "Билаш <!-- проверить --> на свободе.", "HTML '<!-- проверить -->'",
         id="comment"),
    case("ru", "Bilash is free.", "Билаш &lt;b&gt;на свободе&lt;/b&gt;.", id="escaped-is-text"),
    case("ru", "Write <b> for bold.", "Пишите <b> для жирного шрифта.", id="html-the-source-holds-as-text"),
    case("ru", FREED, FREED_RU.replace("<a1>", '<a1 href="x">'), id="numbered-tag-with-attributes"),
    case("ru", "Since 5 < 7, x>y.", "Поскольку 5 < 7, x>y.", id="less-than-sign"),
]


@pytest.mark.parametrize("lang, msgid, msgstr, wants", MARKUP)
def test_markup(lang: str, msgid: str, msgstr: str, wants: Sequence[Want]) -> None:
    run(check.markup, lang, msgid, msgstr, wants)


# HTML in a translation is the markup check's alone: its tag names, attributes and code are
# no Latin words, figures, URLs or final punctuation for the other checks.
MARKUP_ALONE = [
    pytest.param("ru", "Bilash is free.", "Билаш на свободе.<script>alert(1)</script>",
                 ["markup"], id="script-figure-and-words"),
    pytest.param("ru", FREED, FREED_RU.replace("<a1>суд Алматы</a1>",
                                               '<a1>суд</a1> <a href="https://evil.example/2019">Алматы</a>'),
                 ["markup"], id="link-with-url-and-figure"),
    pytest.param("ru", "Bilash is free.", "<div>Билаш на свободе.</div>", ["markup"], id="block-around-text"),
    pytest.param("kk", "Bilash is free.", '<span style="color:red">Біләш бостандықта.</span>', ["markup"],
                 id="style-attribute"),
    pytest.param("zh", "Bilash is free.", "<b>比拉什</b>获释。<style>p{margin:0}</style>", ["markup"],
                 id="style-element"),
    pytest.param("ru", FREED, FREED_RU.replace("<a1>", '<a1 href="https://evil.example/">'),
                 ["tags"], id="attributes-on-a-numbered-tag"),
]


@pytest.mark.parametrize("lang, msgid, msgstr, names", MARKUP_ALONE)
def test_html_in_a_translation_is_reported_once(lang: str, msgid: str, msgstr: str, names: list[str]) -> None:
    findings = check_entry(msgid, msgstr, CheckContext(EN, TARGETS[lang]))
    assert [f.check for f in findings] == names, findings
    assert all(f.severity == "error" for f in findings)


@pytest.mark.parametrize(
    "lang, msgid, msgstr",
    [("ru", "Bilash\u00a0is free & happy.", "Билаш&nbsp;на свободе &amp; счастлив."),
     ("kk", "Bilash is free.\u00a0", "Біләш бостандықта.&#160;"),
     ("zh", "Tom & Jerry are free.", "汤姆&amp;杰瑞获释。")],
    ids=["named-references", "numeric-reference-at-the-edge", "ampersand"],
)
def test_character_references_are_read_as_their_characters(lang: str, msgid: str, msgstr: str) -> None:
    assert check_entry(msgid, msgstr, CheckContext(EN, TARGETS[lang])) == []


# --------------------------------------------------------------------------------------
# numbers

COURT = "On August 16, 2019, the Court of Almaty accepted a plea bargain."
COURT_KK = "2019 жылғы 16 тамызда Алматы соты кінәні мойындау туралы келісімді бекітті."
COURT_RU = "16 августа 2019 года суд Алматы утвердил сделку о признании вины."
COURT_ZH = "2019年8月16日，阿拉木图法院接受了认罪协议。"
FINE = "Bilash was only sentenced to a fine of the equivalent of $ 300."
DETAINED = "At least 1,800,000 Uyghurs and ethnic Kazakhs have been detained in the camps."
DETAINED_KK = "Лагерьлерде кемінде {} ұйғыр мен этникалық қазақ ұсталды."
DETAINED_RU = "В лагерях содержатся не менее {} уйгуров и этнических казахов."
DETAINED_ZH = "至少{}名维吾尔人和哈萨克族人被关押在营中。"
MILLIONS = "The CCP has imprisoned three million Uyghurs."
JAIL = "He faced up to 7 years in prison."
HEARING = "It was the 3rd hearing in the case."

NUMBERS = [
    case("kk", COURT, COURT_KK, id="date"),
    case("kk", FINE, "Біләшке 300 долларға баламалы айыппұл ғана салынды.", id="dollars-after"),
    case("kk", DETAINED, DETAINED_KK.format("1 800 000"), id="space-thousands"),
    case("kk", DETAINED, DETAINED_KK.format("1,8 миллион"), id="decimal-comma-and-scale-word"),
    case("kk", MILLIONS, "ҚКП 3 миллион ұйғырды түрмеге қамады.", id="source-spelled-out"),
    case("kk", JAIL, "Оған 7 жылға дейін бас бостандығынан айыру қаупі төнді.", id="same-figure"),
    case("kk", JAIL, "Оған жеті жылға дейін бас бостандығынан айыру қаупі төнді.",
         Want("'7' is spelled out as 'жеті'", minor=True), id="spelled-out"),
    case("kk", HEARING, "Бұл істегі 3-ші сот отырысы болды.", id="ordinal"),
    case("kk", COURT, COURT_KK.replace("16", "18"),
         "'16' of the source is missing", "'18' is not in the source", id="wrong-day"),
    case("ru", COURT, COURT_RU, id="date"),
    case("ru", COURT, COURT_RU.replace("2019", "2018"),
         "'2019' of the source is missing", "'2018' is not in the source", id="wrong-year"),
    case("ru", FINE, "Билашу назначили лишь штраф в размере, эквивалентном 300 $.", id="dollars-after"),
    case("ru", FINE, "Билашу назначили лишь штраф в размере 300 долларов.", id="dollars-in-words"),
    case("ru", FINE, "Билашу назначили лишь штраф в размере трёхсот долларов.",
         Want("'300' is spelled out as 'трёхсот'", minor=True), id="spelled-out"),
    case("ru", DETAINED, DETAINED_RU.format(f"1{NBSP}800{NBSP}000"), id="nbsp-thousands"),
    case("ru", DETAINED, DETAINED_RU.format(f"1{NNBSP}800{NNBSP}000"), id="narrow-nbsp-thousands"),
    case("ru", DETAINED, DETAINED_RU.format("1800000"), id="no-separator"),
    case("ru", DETAINED, DETAINED_RU.format("1,8 млн"), id="abbreviated-scale"),
    case("ru", DETAINED, DETAINED_RU.format("1,800,000"),
         Want("'1,800,000' is written as in English, where Russian reads it as another value; "
              "write it '1 800 000'", minor=True), id="english-separators-read-as-decimal"),
    case("ru", "It cost 1,200 dollars.", "Это стоило 1,200 долларов.",
         Want("'1,200' is written as in English, where Russian reads it as another value; write it "
              "'1 200'", minor=True), id="copied-figure-is-one-finding"),
    case("ru", "It cost 1,200.50 dollars.", "Это стоило 1,200.50 долларов.",
         Want("'1,200.50' is written as in English, where Russian reads it as another value; write it "
              "'1 200,50'", minor=True), id="copied-figure-keeps-its-decimals"),
    case("kk", "It cost 1,200 dollars.", f"Бұл 1{NNBSP}200 доллар тұрды.", id="narrow-no-break-space"),
    case("ru", "It cost 1,200 dollars.", f"Это стоило 1{NBSP}200 долларов.", id="no-break-space"),
    case("ru", "It cost 1,200 dollars.", "Это стоило 1 200 долларов.", id="space"),
    case("ru", "Turnout was 63.5 percent.", "Явка составила 63,5 процента.", id="decimal-comma"),
    case("ru", "Turnout was 63.5 percent.", "Явка составила 63,6 процента.",
         "'63.5' of the source is missing", "'63,6' is not in the source", id="wrong-decimal"),
    case("ru", "40% of the detainees are women.", "40 % задержанных — женщины.", id="percent"),
    case("ru", "It was published on 16.08.2019.", "Опубликовано 16 августа 2019 года.",
         id="numeric-date-to-month-name"),
    case("ru", "Bilash is now reunited with his wife and children.",
         "Билаш воссоединился с женой и 2 детьми.", "'2' is not in the source", id="figure-added"),
    case("ru", MILLIONS, "КПК заключила в лагеря 3 миллиона уйгуров.", id="source-spelled-out"),
    case("zh", COURT, COURT_ZH, id="month-name-as-figure"),
    case("zh", FINE, "比拉什仅被判处相当于300美元的罚款。", id="dollars-after"),
    case("zh", FINE, "比拉什仅被判处相当于三百美元的罚款。",
         Want("'300' is spelled out as '三百'", minor=True), id="spelled-out"),
    case("zh", DETAINED, DETAINED_ZH.format("180万"), id="wan-scale"),
    case("zh", DETAINED, DETAINED_ZH.format("1,800,000"), id="comma-thousands"),
    case("zh", DETAINED, DETAINED_ZH.format("一百八十万"),
         Want("'1,800,000' is spelled out as '一百八十万'", minor=True), id="spelled-out-wan"),
    case("zh", DETAINED, DETAINED_ZH.format("18万"),
         "'1,800,000' of the source is missing", "'18万' is not in the source", id="wrong-wan"),
    case("zh", MILLIONS, "中共已关押了300万维吾尔人。", id="source-spelled-out"),
    case("zh", MILLIONS, "中共已关押了三百万维吾尔人。", id="both-spelled-out"),
    case("zh", JAIL, "他面临最高七年的监禁。", Want("'7' is spelled out as '七'", minor=True),
         id="spelled-out-small"),
    case("zh", "The rally lasted 16 hours.", "集会持续了十六个小时。",
         Want("'16' is spelled out as '十六'", minor=True), id="spelled-out-teen"),
    case("zh", "Some 2000 supporters gathered.", "约两千名支持者聚集在一起。",
         Want("'2000' is spelled out as '两千'", minor=True), id="spelled-out-liang"),
    case("zh", HEARING, "这是该案的第3次庭审。", id="ordinal"),
    case("zh", "40% of the detainees are women.", "百分之四十的被拘留者是妇女。",
         Want("'40' is spelled out as '四十'", minor=True), id="percent-spelled-out"),
    case("zh", ADDRESS, "CESNUR<br1/>Confienza街19号<br2/>10121 都灵", id="tag-numbers-ignored"),
    case("zh", "See www.bitterwinter.org/2019/08/16/ for the ruling.",
         "判决见www.bitterwinter.org/2019/08/16/。", id="url-numbers-ignored"),
]


@pytest.mark.parametrize("lang, msgid, msgstr, wants", NUMBERS)
def test_numbers(lang: str, msgid: str, msgstr: str, wants: Sequence[Want]) -> None:
    run(check.numbers, lang, msgid, msgstr, wants)


def test_numbers_count_each_figure_as_often_as_the_source_has_it() -> None:
    context = CheckContext(EN, TARGETS["ru"])
    problems = check.numbers("He paid $ 300 and then $ 300 again.", "Он заплатил 300 $.", context)
    assert [p.message for p in problems] == [
        "number '300' of the source is missing from the translation; write the source's value"
    ]


# --------------------------------------------------------------------------------------
# urls

URLS = [
    case("kk", "Write to info@cesnur.org for the documents.",
         "Құжаттар үшін info@cesnur.org мекенжайына жазыңыз.", id="email-kept"),
    case("kk", "Write to info@cesnur.org for the documents.",
         "Құжаттар үшін CESNUR-ға жазыңыз.", "e-mail address 'info@cesnur.org' of the source is missing",
         id="email-dropped"),
    case("ru", "Read the ruling at https://bitterwinter.org/bilash-free-but-silenced/.",
         "Решение: https://bitterwinter.org/bilash-free-but-silenced/.", id="url-before-full-stop"),
    case("ru", "Visit www.cesnur.org/ for details.", "Подробности на www.cesnur.org.",
         "URL 'www.cesnur.org/' was changed to 'www.cesnur.org'", id="url-changed"),
    case("ru", "Read the ruling at https://bitterwinter.org/bilash/.",
         "Решение: https://bitterwinter.org/ru/bilash/.",
         "was changed to 'https://bitterwinter.org/ru/bilash/'", id="url-localized"),
    case("zh", "Visit www.cesnur.org/ for details.", "详情请访问www.cesnur.org/。", id="url-in-chinese"),
    case("zh", "Bilash is free.", "比拉什获释，见bitterwinter.org。",
         "URL 'bitterwinter.org' is not in the source", id="url-added"),
]


@pytest.mark.parametrize("lang, msgid, msgstr, wants", URLS)
def test_urls(lang: str, msgid: str, msgstr: str, wants: Sequence[Want]) -> None:
    run(check.urls, lang, msgid, msgstr, wants)


# --------------------------------------------------------------------------------------
# untranslated

ATTORNEY = "Bilash found another attorney to counter-sign."
# The do-not-translate terms of the sample glossary, as a project passes them.
KEEP = frozenset({"Bitter Winter", "CESNUR"})

UNTRANSLATED = [
    case("kk", ATTORNEY, "Біләш қол қоятын басқа адвокат тапты.", id="translated"),
    case("kk", ATTORNEY, ATTORNEY, "the translation is the source text", id="same"),
    case("kk", ATTORNEY, "  bilash found another  attorney to COUNTER-SIGN. ",
         "the translation is the source text", id="same-but-case-and-spaces"),
    case("kk", "Bitter Winter", "Bitter Winter", id="kept-name"),
    case("kk", "Support Bitter Winter", "Support Bitter Winter", "translate it into Kazakh",
         id="title-case-menu-item"),
    case("ru", "CESNUR", "CESNUR", id="kept-acronym"),
    case("ru", "OSCE", "OSCE", "translate it into Russian", id="acronym-not-translated"),
    case("ru", "<em1>Bitter Winter</em1>", "<em1>Bitter Winter</em1>", id="kept-name-in-tags"),
    case("ru", "Massimo Introvigne", "Massimo Introvigne", "translate it into Russian",
         id="name-not-transliterated"),
    case("ru", "ABOUT CHINA", "ABOUT CHINA", "the translation is the source text",
         id="heading-in-capitals"),
    case("ru", "Kazakhstan: Serikzhan Bilash Free but Silenced",
         "Kazakhstan: Serikzhan Bilash Free but Silenced", "translate it into Russian",
         id="headline"),
    case("ru", "HOME", "HOME", "translate it into Russian", id="menu-item-in-capitals"),
    case("zh", "www.cesnur.org/", "www.cesnur.org/", id="url-only"),
    case("zh", "you@example.org", "you@example.org", id="email-only"),
    case("zh", "16.08.2019", "16.08.2019", id="numbers-only"),
    case("zh", "Bitter Winter – CESNUR", "Bitter Winter – CESNUR", id="kept-phrases-only"),
    case("zh", "Learn More", "Learn More", "translate it into Chinese", id="title-case-button"),
    case("zh", "<a1>Bilash</a1> found another attorney to counter-sign.", ATTORNEY,
         "the translation is the source text", id="same-without-tags"),
    case("ru", FOLLOW, FOLLOW, id="sample-brand-links"),
    case("kk", FOLLOW, FOLLOW, id="sample-brand-links"),
    case("ru", "<a1>Home</a1> · <a2>About Us</a2>", "<a1>Home</a1> · <a2>About Us</a2>",
         "translate it into Russian", id="menu-of-phrases"),
    case("kk", "HOME · NEWS", "HOME · NEWS", "translate it into Kazakh", id="menu-in-capitals"),
    case("ru", "Login / Register", "Login / Register", "translate it into Russian", id="menu-with-a-slash"),
    case("ru", "Twitter and Facebook", "Twitter and Facebook", "translate it into Russian",
         id="brands-in-a-sentence"),
]


@pytest.mark.parametrize("lang, msgid, msgstr, wants", UNTRANSLATED)
def test_untranslated(lang: str, msgid: str, msgstr: str, wants: Sequence[Want]) -> None:
    run(check.untranslated, lang, msgid, msgstr, wants, keep=KEEP)


def test_untranslated_names_stay_across_scripts_only_when_kept() -> None:
    run(check.untranslated, "ru", "Bitter Winter", "Bitter Winter", [Want("the translation is the source text")])
    run(check.untranslated, "ru", "habeas corpus", "habeas corpus", [Want("the translation is the source text")])
    run(check.untranslated, "ru", "habeas corpus", "habeas corpus", [], keep=frozenset({"habeas corpus"}))


@pytest.mark.parametrize(
    "source, target, text",
    [("ru", "kk", "Алматы"), ("ru", "kk", "Серикжан Билаш, Атажурт"), ("en", "fr", "Bitter Winter"),
     ("en", "fr", "CESNUR")],
    ids=["city", "names", "magazine", "acronym"],
)
def test_untranslated_names_may_stay_in_the_same_script(source: str, target: str, text: str) -> None:
    assert check.untranslated(text, text, CheckContext(language(source), language(target))) == []


def test_untranslated_in_the_same_script_still_finds_headings_and_sentences() -> None:
    context = CheckContext(EN, language("fr"))
    assert check.untranslated("ABOUT CHINA", "ABOUT CHINA", context) != []
    assert check.untranslated(ATTORNEY, ATTORNEY, context) != []
    # A lone word in capitals passes as an acronym: only a dictionary tells "HOME" from "OSCE".
    assert check.untranslated("HOME", "HOME", context) == []


# --------------------------------------------------------------------------------------
# wrong-script

REUNITED = "Bilash is now reunited with his wife and two children."

WRONG_SCRIPT = [
    case("kk", REUNITED, "Біләш енді әйелі және екі баласымен қайта қауышты.", id="kazakh"),
    case("kk", REUNITED, "Билаш теперь воссоединился со своей женой и двумя детьми.",
         Want("no Kazakh letter (ә ғ қ ң ө ұ ү һ і) in 9 words", minor=True), id="russian"),
    case("kk", "Bilash is free.", "Билаш на свободе.", id="short-russian-like-passes"),
    case("kk", "Bilash reunited with his family.", "Біләш өзінің family-мен қауышты.",
         Want("Latin word 'family' left", minor=True), id="latin-word-left"),
    case("kk", "Photo credit: Chris Rickleton, <em1>France Presse</em1>.",
         "Фото: Крис Риклтон, <em1>France Presse</em1>.", id="name-as-in-source"),
    case("ru", "Bilash reunited with his family.", "Билаш вернулся к своей family.",
         Want("Latin word 'family' left in the Russian translation", minor=True), id="latin-word-left"),
    case("ru", "The court of Almaty accepted a plea bargain.", "Суд Алматы утвердил plea bargain.",
         Want("Latin words 'plea', 'bargain' left", minor=True), id="latin-words-left"),
    case("ru", "Bitter Winter reported it.", "Об этом сообщил журнал Bitter Winter.", id="name-as-in-source"),
    case("ru", "Bilash thanked the OSCE and CESNUR.", "Билаш поблагодарил ОБСЕ и CESNUR.", id="acronym"),
    case("ru", "Visit www.cesnur.org/ for details.", "Подробности на www.cesnur.org/.", id="url"),
    case("ru", "Bilash thanked his supporters.", "Билаш поблагодарил своих Supporters.",
         Want("Latin word 'Supporters' left", minor=True), id="capitalized-word-not-in-source"),
    case("zh", REUNITED, "比拉什现在已与妻子和两个孩子团聚。", id="chinese"),
    case("zh", REUNITED, REUNITED, "no Chinese characters", id="english"),
    case("zh", "Bilash reunited with his family.", "Bilash", "no Chinese characters", id="name-only-left"),
    case("zh", "Bitter Winter", "Bitter Winter", id="name"),
    case("zh", "Bilash thanked <em1>Bitter Winter</em1>.", "比拉什感谢了<em1>Bitter Winter</em1>。",
         id="latin-name-in-chinese"),
    case("ru", ENCICLOPEDIA, ENCICLOPEDIA_RU, id="sample-title-in-its-tag"),
    case("kk", ENCICLOPEDIA, ENCICLOPEDIA_KK, id="sample-title-in-its-tag"),
    case("ru", JOURNAL, JOURNAL_RU, id="sample-journal-in-its-tag"),
    case("kk", JOURNAL, JOURNAL_KK, id="sample-journal-in-its-tag"),
    case("ru", ENCICLOPEDIA, "Он был основным автором Enciclopedia delle religioni in Italia.",
         Want("Latin words 'delle', 'religioni', 'in' left", minor=True), id="title-out-of-its-tag"),
    case("ru", ENCICLOPEDIA, "Он был основным автором <em1>Enciclopedia delle religioni</em1>.",
         Want("Latin words 'delle', 'religioni' left", minor=True), id="title-cut-in-its-tag"),
    case("kk", "Olympics: Xi Jinping Wins the Gold Medal in Genocide",
         "Олимпиада: Си Цзиньпин геноцид бойынша алтын медаль алды", id="sample-headline"),
    case("kk", "Protests continue in Almaty and Nur-Sultan.",
         "Протесты продолжаются в Алматы и Нур-Султане и по всей стране сегодня.",
         Want("no Kazakh letter (ә ғ қ ң ө ұ ү һ і) in 12 words", minor=True), id="russian-with-names"),
    case("kk", "They won the gold medal in this genocide.",
         "олар осы геноцид бойынша алтын медаль алды.", id="kazakh-words-without-kazakh-letters"),
]


@pytest.mark.parametrize("lang, msgid, msgstr, wants", WRONG_SCRIPT)
def test_wrong_script(lang: str, msgid: str, msgstr: str, wants: Sequence[Want]) -> None:
    run(check.wrong_script, lang, msgid, msgstr, wants)


def test_wrong_script_accepts_the_phrases_a_project_keeps() -> None:
    msgid, msgstr = "The lawyer invoked habeas corpus.", "Адвокат сослалась на habeas corpus."
    run(check.wrong_script, "ru", msgid, msgstr, [Want("'habeas', 'corpus'", minor=True)])
    run(check.wrong_script, "ru", msgid, msgstr, [], keep=frozenset({"habeas corpus"}))


# --------------------------------------------------------------------------------------
# repetition

CAMPS = "Bilash spoke about the camps in Xinjiang."
SLOGAN = "Hundreds of supporters shouted “Free Bilash! Free Bilash! Free Bilash!”"

REPETITION = [
    case("kk", CAMPS, "Біләш Шыңжаңдағы лагерьлер туралы айтты.", id="clean"),
    case("kk", CAMPS, "Біләш Шыңжаңдағы лагерьлер туралы туралы туралы айтты.",
         "'туралы' is repeated 3 times in a row", id="word-loop"),
    case("ru", CAMPS, "Билаш рассказал о лагерях в Синьцзяне.", id="clean"),
    case("ru", CAMPS, "Билаш рассказал о лагерях в Синьцзяне, лагерях в Синьцзяне, лагерях в Синьцзяне.",
         "'лагерях в Синьцзяне' is repeated 3 times in a row", id="phrase-loop"),
    case("ru", SLOGAN, "Сотни сторонников скандировали: «Свободу Билашу! Свободу Билашу! Свободу Билашу!»",
         id="repeated-in-source-too"),
    case("zh", CAMPS, "比拉什谈到了新疆的营地。", id="clean"),
    case("zh", CAMPS, "比拉什谈到了新疆的营地营地营地营地。", "'营地' is repeated 4 times in a row",
         id="character-loop"),
    case("zh", "Thank you, thank you.", "谢谢，谢谢。", id="twice-is-no-loop"),
]


@pytest.mark.parametrize("lang, msgid, msgstr, wants", REPETITION)
def test_repetition(lang: str, msgid: str, msgstr: str, wants: Sequence[Want]) -> None:
    run(check.repetition, lang, msgid, msgstr, wants)


# --------------------------------------------------------------------------------------
# length-ratio

LENGTH_RATIO = [
    case("kk", REUNITED, "Біләш енді әйелі және екі баласымен қайта қауышты.", id="usual"),
    case("kk", REUNITED, "Біләш.", "shorter than expected for en→kk", id="too-short"),
    case("ru", REUNITED, "Билаш воссоединился с женой и двумя детьми.", id="usual"),
    case("ru", REUNITED, "Билаш воссоединился с женой и двумя детьми. " * 3,
         "longer than expected for en→ru", id="too-long"),
    case("ru", "Bilash is free.", "Билаш снова на свободе и вместе со своей семьёй в Алматы.",
         id="short-source-not-judged"),
    case("zh", REUNITED, "比拉什现在已与妻子和两个孩子团聚。", id="usual"),
    case("zh", REUNITED, "比。", "shorter than expected for en→zh-Hans", id="too-short"),
    case("zh", REUNITED, "比拉什现在已与妻子和两个孩子团聚，" * 4 + "。",
         "longer than expected for en→zh-Hans", id="too-long"),
]


@pytest.mark.parametrize("lang, msgid, msgstr, wants", LENGTH_RATIO)
def test_length_ratio(lang: str, msgid: str, msgstr: str, wants: Sequence[Want]) -> None:
    run(check.length_ratio, lang, msgid, msgstr, wants)


@pytest.mark.parametrize(
    "source, target, band",
    [("en", "ru", (0.6, 2.0)), ("en", "zh-Hans", (0.15, 1.0)), ("zh-Hans", "en", (1.0, 1 / 0.15)),
     ("kk", "en", (0.5, 1 / 0.55)), ("fr", "zh-Hant", (0.15, 1.0)), ("fr", "de", check.DEFAULT_BAND)],
    ids=["listed", "listed-chinese", "reverse-inverted", "reverse-kazakh", "any-to-chinese", "default"],
)
def test_length_band(source: str, target: str, band: tuple[float, float]) -> None:
    assert length_band(language(source), language(target)) == pytest.approx(band)


# --------------------------------------------------------------------------------------
# whitespace

WHITESPACE = [
    case("kk", "Bilash is free. ", "Біләш бостандықта. ", id="same-trailing-space"),
    case("kk", "Bilash is free.", "Біләш бостандықта. ",
         "trailing whitespace differs: the source has none, the translation ' '", id="trailing-added"),
    case("ru", " Bilash is free.", "Билаш на свободе.",
         "leading whitespace differs: the source has ' ', the translation none", id="leading-dropped"),
    case("ru", "Bilash is free. ", f"Билаш на свободе.{NBSP}",
         "the source has ' ', the translation '\\xa0'", id="no-break-space"),
    case("zh", "Bilash is free.", "比拉什获释。", id="none"),
    case("ru", f"Bilash is free.{NBSP}", "Билаш на свободе.&nbsp;", id="reference-at-the-edge"),
    case("zh", " Bilash is free.\n", "比拉什获释。",
         "leading whitespace differs", "trailing whitespace differs", id="both-dropped"),
]


@pytest.mark.parametrize("lang, msgid, msgstr, wants", WHITESPACE)
def test_whitespace(lang: str, msgid: str, msgstr: str, wants: Sequence[Want]) -> None:
    run(check.whitespace, lang, msgid, msgstr, wants)


# --------------------------------------------------------------------------------------
# end-punctuation

COURT_DAY = "It was a dramatic day in the court."
QUOTED = "In an audio message his wife thanked Bitter Winter for its “decisive contribution.”"

END_PUNCTUATION = [
    case("kk", COURT_DAY, "Сотта драмалық күн болды.", id="full-stop"),
    case("kk", "Kazakhstan: Serikzhan Bilash Free but Silenced",
         "Қазақстан: Серікжан Біләш бостандықта, бірақ үнсіз", id="headline"),
    case("kk", "Kazakhstan: Serikzhan Bilash Free but Silenced",
         "Қазақстан: Серікжан Біләш бостандықта, бірақ үнсіз.",
         "the source ends without punctuation, the translation with '.'", id="full-stop-added"),
    case("ru", COURT_DAY, "Это был драматический день в суде.", id="full-stop"),
    case("ru", COURT_DAY, "Это был драматический день в суде",
         "the source ends with '.', the translation without punctuation", id="full-stop-dropped"),
    case("ru", COURT_DAY, "Это был драматический день в суде!", "the translation with '!'",
         id="different-mark"),
    case("ru", QUOTED, "В аудиосообщении его жена поблагодарила Bitter Winter за «решающий вклад».",
         id="quote-and-full-stop-in-any-order"),
    case("ru", "Will he speak again?", "Будет ли он снова выступать?", id="question"),
    case("ru", "He waited...", "Он ждал…", id="ellipsis"),
    case("ru", COURT_DAY, "Это был драматический день в суде。",
         Want("use half-width punctuation in Russian", minor=True), id="full-width-in-russian"),
    case("zh", COURT_DAY, "那是法庭上戏剧性的一天。", id="full-width-full-stop"),
    case("zh", "Who decides?", "谁来决定？", id="full-width-question"),
    case("zh", "The lawyer said:", "律师说：", id="full-width-colon"),
    case("zh", "He waited...", "他等待着……", id="ellipsis"),
    case("zh", QUOTED, "他的妻子在一段录音中感谢Bitter Winter作出的“决定性贡献”。",
         id="quote-and-full-stop"),
    case("zh", "Who decides?", "谁来决定?",
         Want("use full-width punctuation in Chinese", minor=True), id="half-width-question"),
    case("zh", COURT_DAY, "那是法庭上戏剧性的一天", "the translation without punctuation",
         id="full-stop-dropped"),
    case("ru", ENCICLOPEDIA, ENCICLOPEDIA_RU, id="sample-quote-in-brackets"),
    case("kk", ENCICLOPEDIA, ENCICLOPEDIA_KK, id="sample-brackets-moved"),
    case("zh", ENCICLOPEDIA, ENCICLOPEDIA_ZH, id="sample-brackets-moved"),
    case("kk", OSCE_ROLE, OSCE_ROLE_KK, id="sample-brackets-moved-quote-closed"),
    case("zh", OSCE_ROLE, OSCE_ROLE_ZH, id="sample-quote-before-full-stop"),
    case("kk", GAMES, GAMES_KK, id="sample-quote-moved"),
    case("kk", SCHOOLS, SCHOOLS_KK, id="sample-quote-moved-in"),
    case("ru", SCHOOLS, SCHOOLS_RU, id="sample-quote-moved-in"),
    case("zh", SCHOOLS, SCHOOLS_ZH, id="sample-quote-moved-in"),
    case("zh", CONTRIBUTION, CONTRIBUTION_ZH, id="sample-quote-before-full-stop-2"),
    case("zh", "Support Bitter Winter", "支持《Bitter Winter》", id="sample-title-marks"),
    case("ru", SCHOOLS, SCHOOLS_RU + ".", "the source ends with '”', the translation with '.'",
         id="full-stop-added-after-a-quote"),
    case("zh", OSCE_ROLE, OSCE_ROLE_ZH[:-1], "the source ends with ').', the translation with '”'",
         id="full-stop-dropped-after-a-quote"),
]


@pytest.mark.parametrize("lang, msgid, msgstr, wants", END_PUNCTUATION)
def test_end_punctuation(lang: str, msgid: str, msgstr: str, wants: Sequence[Want]) -> None:
    run(check.end_punctuation, lang, msgid, msgstr, wants)


# --------------------------------------------------------------------------------------
# doubled-words

DOUBLED = [
    case("kk", "He promised not to leave Almaty.", "Ол Алматыдан кетпеуге уәде берді.", id="clean"),
    case("kk", "He promised not to leave Almaty.", "Ол Алматыдан кетпеуге кетпеуге уәде берді.",
         "'кетпеуге кетпеуге': the word is doubled", id="doubled"),
    case("kk", "Supporters gathered quickly.", "Жақтастары тез-тез жиналды.", id="hyphenated-reduplication"),
    case("kk", "Various groups came.", "Әр түрлі топтар келді.", id="paired-words"),
    case("ru", "He returned to Almaty.", "Он вернулся в в Алматы.", "'в в': the word is doubled",
         id="doubled-preposition"),
    case("ru", "He returned to Almaty.", "Он вернулся в Алматы.", id="clean"),
    case("ru", "Walla Walla is far from Almaty.", "Уолла Уолла далеко от Алматы.", id="doubled-name-in-source"),
    case("ru", "He returned to Almaty.", "Он вернулся в в в Алматы.", id="three-left-to-repetition"),
    case("ru", "Cells 10 and 10a.", "Камеры 10 10а.", id="numbers"),
    case("zh", "Thank you.", "谢谢。", id="reduplicated-characters"),
    case("zh", "Bilash thanked <em1>Bitter Winter</em1>.", "比拉什感谢了 Bitter Winter Winter。",
         "'Winter Winter'", id="doubled-latin-word"),
]


@pytest.mark.parametrize("lang, msgid, msgstr, wants", DOUBLED)
def test_doubled_words(lang: str, msgid: str, msgstr: str, wants: Sequence[Want]) -> None:
    run(check.doubled_words, lang, msgid, msgstr, wants)


def test_doubled_words_allows_legitimate_english_doubles() -> None:
    context = CheckContext(language("ru"), EN)
    assert check.doubled_words("Он уже сказал.", "He had had enough.", context) == []
    assert check.doubled_words("Он уже сказал.", "He said the the end.", context) != []


# --------------------------------------------------------------------------------------
# settings

def test_settings_default_runs_every_check_at_its_default_severity() -> None:
    settings_ = CheckSettings()
    for row in CHECKS:
        assert settings_.is_enabled(row.name)
        assert settings_.severity_of(row) == row.default_severity


def test_settings_from_table() -> None:
    table = tomllib.loads(
        '[checks]\n'
        'doubled-words = false\n'
        'length-ratio = "info"\n'
        'numbers = { enabled = true, severity = "warning" }\n'
        'term-missing = false\n'
        '[checks.whitespace]\n'
        'enabled = false\n'
    )["checks"]
    settings_ = CheckSettings.from_table(table)
    rows = {row.name: row for row in CHECKS}
    assert not settings_.is_enabled("doubled-words")
    assert not settings_.is_enabled("whitespace")
    assert not settings_.is_enabled("term-missing")
    assert settings_.is_enabled("length-ratio") and settings_.is_enabled("numbers")
    assert settings_.severity_of(rows["length-ratio"]) == "info"
    assert settings_.severity_of(rows["numbers"]) == "warning"
    assert settings_.severity_of(rows["tags"]) == "error"


@pytest.mark.parametrize(
    "table, message",
    [
        ({"doubled-word": False}, "unknown check 'doubled-word' (did you mean 'doubled-words'?); known checks: tags,"),
        ({"grammar": True}, "unknown check 'grammar'; known checks: tags, markup, numbers"),
        ({"numbers": 3}, "[checks] numbers must be true, false, a severity (error, warning, info) "
                         "or a table with enabled and severity, not 3"),
        ({"numbers": "fatal"}, "severity of numbers must be one of error, warning, info, not 'fatal'"),
        ({"numbers": {"severity": "Error"}}, "not 'Error'"),
        ({"numbers": {"enabled": "yes"}}, "[checks.numbers] enabled must be true or false, not 'yes'"),
        ({"numbers": {"level": "error"}}, "[checks.numbers] unknown key 'level'; use enabled and severity"),
    ],
    ids=["misspelt-name", "unknown-name", "bad-value", "bad-severity", "severity-case",
         "enabled-not-bool", "unknown-key"],
)
def test_settings_errors(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        CheckSettings.from_table(table)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


# --------------------------------------------------------------------------------------
# check_entry

CLEAN = [
    ("kk", COURT, COURT_KK),
    ("kk", INNOCENT, INNOCENT_KK),
    ("kk", REUNITED, "Біләш енді әйелі және екі баласымен қайта қауышты."),
    ("ru", COURT, COURT_RU),
    ("ru", INNOCENT, INNOCENT_RU),
    ("ru", QUOTED, "В аудиосообщении его жена поблагодарила Bitter Winter за «решающий вклад»."),
    ("zh", COURT, COURT_ZH),
    ("zh", REPORTED, "<a2>此案</a2>由<em1>Bitter Winter</em1>报道。"),
    ("zh", DETAINED, DETAINED_ZH.format("180万")),
]


@pytest.mark.parametrize("lang, msgid, msgstr", CLEAN, ids=[f"{c[0]}-{i}" for i, c in enumerate(CLEAN)])
def test_check_entry_finds_nothing_in_good_translations(lang: str, msgid: str, msgstr: str) -> None:
    assert check_entry(msgid, msgstr, CheckContext(EN, TARGETS[lang])) == []


def test_check_entry_skips_untranslated_entries_and_the_header() -> None:
    context = CheckContext(EN, TARGETS["ru"])
    assert check_entry(COURT, "", context) == []
    assert check_entry("", "Project-Id-Version: x\n", context) == []


def test_check_entry_reports_in_registry_order_with_severities() -> None:
    msgid = "On <a1>August 16, 2019</a1>, Bilash was fined $ 300."
    msgstr = "2019年8月十六日，比拉什被罚款300美元"
    findings = check_entry(msgid, msgstr, CheckContext(EN, TARGETS["zh"]))
    assert findings == [
        Finding("tags", "error", "missing tag <a1>: keep the source's tags <a1>…</a1>, each once and "
                                 "properly nested"),
        Finding("numbers", "warning", "number '16' is spelled out as '十六'; write it in figures as the "
                                      "source does"),
        Finding("end-punctuation", "warning", "the source ends with '.', the translation without "
                                              "punctuation; end it the way the source does"),
    ]


def test_check_entry_follows_the_settings() -> None:
    context = CheckContext(EN, TARGETS["ru"])
    msgstr = "Ему грозило до семи лет лишения свободы"
    default = check_entry(JAIL, msgstr, context)
    assert [(f.check, f.severity) for f in default] == [("numbers", "warning"), ("end-punctuation", "warning")]
    chosen = CheckSettings.from_table({"numbers": "warning", "end-punctuation": False})
    # A minor problem stays one step below the check's severity.
    assert [(f.check, f.severity) for f in check_entry(JAIL, msgstr, context, chosen)] == [("numbers", "info")]


GLOSSARY = read_glossary(REPO / "glossary", "en")
CAMPS_MSGID = "The CCP holds Uyghurs in <a1>transformation through education camps</a1> in Xinjiang."
GLOSSARY_CASES = [
    ("kk", "term-missing", CAMPS_MSGID,
     "ҚКП ұйғырларды Шыңжаңдағы <a1>«білім беру арқылы трансформациялау» лагерлерінде</a1> ұстайды.", []),
    ("kk", "term-missing", "Bilash lives in Almaty.", "Біләш Алма-Атада тұрады.", ["Almaty"]),
    ("kk", "forbidden-variant", CAMPS_MSGID,
     "ҚКП ұйғырларды Шыңжаңдағы <a1>кәсіптік оқыту орталықтарында</a1> ұстайды.", ["кәсіптік оқыту орталықтарында"]),
    ("kk", "name-altered", "Serikzhan Bilash was fined.", "Серікжан Біләш айыппұл төледі.", []),
    ("kk", "name-altered", "Serikzhan Bilash was fined.", "Серикжан Билаш айыппұл төледі.", ["Serikzhan Bilash"]),
    ("ru", "term-missing", "He lives in Kazakhstan.", "Он живёт в Казахстане.", []),
    ("ru", "term-missing", "He accepted a plea bargain.", "Он согласился на сделку.", ["plea bargain"]),
    ("ru", "forbidden-variant", CAMPS_MSGID,
     "КПК держит уйгуров в <a1>профессиональных учебных центрах</a1> Синьцзяна.", ["профессиональных учебных центрах"]),
    ("ru", "forbidden-variant", "Almaty court.", "Суд Алма-Аты.", ["Алма-Аты"]),
    ("ru", "name-altered", "Readers of <em1>Bitter Winter</em1>.", "Читатели <em1>Bitter Winter</em1>.", []),
    ("ru", "name-altered", "Readers of <em1>Bitter Winter</em1>.", "Читатели <em1>Горькой зимы</em1>.", ["Bitter Winter"]),
    ("zh", "term-missing", "Human rights in Xinjiang.", "新疆的人权。", []),
    ("zh", "term-missing", "Human rights in Xinjiang.", "新疆的权利。", ["human rights"]),
    ("zh", "forbidden-variant", CAMPS_MSGID, "中共把维吾尔人关在新疆的<a1>职业技能教育培训中心</a1>。", ["职业技能教育培训中心"]),
    ("zh", "name-altered", "Aiman Umarova said.", "艾曼·乌马罗娃说。", []),
    ("zh", "name-altered", "Aiman Umarova said.", "乌马罗娃说。", ["Aiman Umarova"]),
]


@pytest.mark.parametrize(
    ("lang", "name", "msgid", "msgstr", "expected"), GLOSSARY_CASES,
    ids=[f"{c[0]}-{c[1]}-{'fails' if c[4] else 'passes'}-{i}" for i, c in enumerate(GLOSSARY_CASES)],
)
def test_glossary_checks(lang: str, name: str, msgid: str, msgstr: str, expected: list[str]) -> None:
    target = TARGETS[lang]
    context = CheckContext(EN, target, terms=TermMatcher(GLOSSARY, EN, target))
    only = CheckSettings.from_table({row.name: row.name == name for row in CHECKS})
    findings = check_entry(msgid, msgstr, context, only)
    assert [f.check for f in findings] == [name] * len(expected)
    for finding, quoted in zip(findings, expected):
        assert quoted.lower() in finding.message.lower(), finding.message


# Entries of the sample edition that the glossary checks once reported.
SAMPLE_GLOSSARY_CASES = [
    pytest.param("zh", "name-altered",
                 "CESNUR<br1/>Via Confienza 19,<br2/>10121 Turin, Italy,<br3/>Phone: 39-011-541950",
                 "CESNUR<br1/>Via Confienza 19<br2/>意大利都灵 10121<br3/>电话：39-011-541950", [],
                 id="zh-name-before-a-void-tag"),
    pytest.param("zh", "name-altered", "Bitter Winter<br1/>Via Confienza 19",
                 "Bitter Winter<br1/>Via Confienza 19", [], id="zh-dnt-before-a-void-tag"),
    pytest.param("ru", "term-missing",
                 "<a1>Thailand and Pakistan: No Friends of Uyghur Refugees</a1> by Marco Respinti",
                 "<a1>Таиланд и Пакистан: уйгурским беженцам они не друзья</a1> — Марко Респинти", [],
                 id="ru-adjective-for-an-attributive-noun"),
    pytest.param("ru", "term-missing",
                 "Zhanargul Zhumatai: A Dramatic Interview with an Ethnic Kazakh Camp Survivor Who "
                 "May Soon “Disappear”",
                 "Жанаргуль Жуматай: драматичное интервью с этнической казашкой, пережившей лагерь, "
                 "которая вскоре может «исчезнуть»", [], id="ru-feminine-noun"),
    pytest.param("ru", "term-missing", "Ethnic Kazakh camp survivors.",
                 "Выжившие в лагерях казахи.", ["ethnic Kazakh"], id="ru-half-the-term"),
]


@pytest.mark.parametrize(("lang", "name", "msgid", "msgstr", "expected"), SAMPLE_GLOSSARY_CASES)
def test_glossary_checks_pass_the_sample_edition(
        lang: str, name: str, msgid: str, msgstr: str, expected: list[str]) -> None:
    test_glossary_checks(lang, name, msgid, msgstr, expected)


def test_the_sample_edition_passes_every_check() -> None:
    """The repository's reviewed catalogs, made by careful translators, raise no finding."""
    report = pipeline.check(load_config(REPO / "translate-flow.toml"), annotate=False)
    assert len(report.results) == 3
    assert [(f.path, f.line, f.check, f.message) for f in report.findings] == []


def test_glossary_checks_need_a_glossary() -> None:
    context = CheckContext(EN, TARGETS["ru"])
    assert check_entry("Almaty court.", "Суд Алма-Аты.", context) == []


# --------------------------------------------------------------------------------------
# the registry and the helpers

def test_registry_names_are_stable_kebab_case_and_documented() -> None:
    names = [row.name for row in CHECKS]
    assert names == ["tags", "markup", "numbers", "urls", "untranslated", "wrong-script", "repetition",
                     "length-ratio", "whitespace", "end-punctuation", "doubled-words",
                     "term-missing", "forbidden-variant", "name-altered", "spelling"]
    doc = check.__doc__ or ""
    for row in CHECKS:
        assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", row.name)
        assert row.default_severity in SEVERITIES
        assert re.search(rf"^{re.escape(row.name)} +{row.default_severity} ", doc, re.M), row.name
        assert (row.function.__doc__ or "").strip()


def test_registry_agrees_with_the_names_the_configuration_reads() -> None:
    assert [(row.name, row.default_severity) for row in CHECKS] == list(DEFAULT_SEVERITY.items())


def test_configuration_reads_check_names_without_loading_the_checks() -> None:
    code = ("import sys, translate_flow.config; "
            "assert 'translate_flow.check' not in sys.modules, sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


@pytest.mark.parametrize(
    "text, plain",
    [("by <a1>Massimo Introvigne</a1>", "by Massimo Introvigne"),
     ("CESNUR<br1/>Via Confienza 19", "CESNUR Via Confienza 19"),
     ("the &lt;em1> placeholder", "the <em1> placeholder"),
     ("&lt;ok&gt; &amp; &nbsp;", "<ok> & \u00a0"),
     ("<b>bold</b> <script>alert(1)</script>text", "bold text")],
    ids=["paired-tag", "standalone-tag", "escaped-lookalike", "character-references", "other-html"],
)
def test_plain_text(text: str, plain: str) -> None:
    assert plain_text(text) == plain


_ALPHABET = st.sampled_from(
    list("aZ9 ,.。？!:«»“”$%-/@") + ["<a1>", "</a1>", "<br2/>", "&lt;", "www.", "http://", ".org",
                                      "万", "三", "十", "两", "百", "в", "қ", "млн", "тысяч", "million",
                                      "\u00a0", "\u202f", "1,000", "3,5", "16.08.2019", "营地", "the ", "３", "٣"]
)
_TEXT = st.lists(_ALPHABET, max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(msgid=_TEXT, msgstr=_TEXT, lang=st.sampled_from(sorted(TARGETS)))
def test_checks_never_raise_and_say_one_line(msgid: str, msgstr: str, lang: str) -> None:
    findings = check_entry(msgid, msgstr, CheckContext(EN, TARGETS[lang]))
    for finding in findings:
        assert finding.severity in SEVERITIES
        assert finding.message and "\n" not in finding.message


# Into English and Russian from Kazakh and Chinese: the checks read each side in its own
# language (Chinese numerals and 万, Russian month names, Kazakh words).
OTHER_DIRECTION = [
    pytest.param("zh-Hans", "ru", "他在2019年8月16日被捕。", "Он был арестован 16 августа 2019 года.", [],
                 id="zh-ru-date-in-words"),
    pytest.param("zh-Hans", "ru", "三百万人参加了。", "Участвовали 3 млн человек.", [],
                 id="zh-ru-han-numeral-and-scale-word"),
    pytest.param("zh-Hans", "ru", "罚款300万元。", "Штраф в размере юаней.", [("numbers", "error")],
                 id="zh-ru-figure-missing"),
    pytest.param("zh-Hans", "ru", "详情见bitterwinter.org。", "Подробности на сайте bitterwinter.org.", [],
                 id="zh-ru-bare-domain-kept"),
    pytest.param("zh-Hans", "ru", "详情见bitterwinter.org。", "Подробности на нашем сайте.",
                 [("urls", "error")], id="zh-ru-bare-domain-missing"),
    pytest.param("zh-Hans", "ru", "法院判决了此案。", "Суд вынес решение over the case.",
                 [("wrong-script", "warning")], id="zh-ru-latin-left"),
    pytest.param("zh-Hans", "ru", "<a1>法院</a1>判决了此案。", "Суд вынес решение по делу.",
                 [("tags", "error")], id="zh-ru-tag-missing"),
    pytest.param("kk", "en", "Сот 2019 жылы өтті.", "The trial was held in 2018.",
                 [("numbers", "error"), ("numbers", "error")], id="kk-en-figure-changed"),
    pytest.param("kk", "en", "Сот үкімі шықты.", "Сот үкімі шықты.", [("untranslated", "warning")],
                 id="kk-en-untranslated"),
    pytest.param("kk", "en", "Сот үкімі шықты.", "The court ruled the the case.",
                 [("doubled-words", "warning")], id="kk-en-doubled"),
    pytest.param("kk", "en", "Сот үкімі шықты.", "The court ruled ruled ruled.",
                 [("repetition", "warning")], id="kk-en-loop"),
]


@pytest.mark.parametrize(("source", "target", "msgid", "msgstr", "expected"), OTHER_DIRECTION)
def test_checks_in_the_other_direction(source: str, target: str, msgid: str, msgstr: str,
                                       expected: list[tuple[str, str]]) -> None:
    findings = check_entry(msgid, msgstr, CheckContext(language(source), language(target)))
    assert [(f.check, f.severity) for f in findings] == expected, findings


@settings(max_examples=100, deadline=None)
@given(msgid=_TEXT, msgstr=_TEXT)
def test_checks_in_the_other_direction_never_raise_and_keep_to_their_kind(msgid: str, msgstr: str) -> None:
    names = {row.name for row in CHECKS}
    for context in (CheckContext(TARGETS["zh"], language("ru")), CheckContext(TARGETS["kk"], EN)):
        for finding in check_entry(msgid, msgstr, context):
            assert finding.check in names and finding.severity in SEVERITIES
            assert finding.message and "\n" not in finding.message
        # A copy of the source has the source's links, edges, doubled words and loops, and
        # its length: none of those checks has anything to say about it.
        copied = {f.check for f in check_entry(msgid, msgid, context)}
        assert not copied & {"urls", "whitespace", "doubled-words", "repetition", "length-ratio"}
