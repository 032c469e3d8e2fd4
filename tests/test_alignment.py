"""Tag restoration by alignment, on crafted attention matrices."""

from __future__ import annotations

import re

import pytest

from translate_flow.alignment import align, place, render, strip_tags
from translate_flow.markup import check_tags


def spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def one_hot(links: list[int], width: int) -> list[list[float]]:
    """Attention rows peaking at each link; -1 peaks at the last column, the end token."""
    rows = []
    for link in links:
        row = [0.01] * width
        row[link] = 0.9
        rows.append(row)
    return rows


def restore(msgid: str, target: str, links: list[int], target_spans: list[tuple[int, int]] | None = None,
            source_spans: list[tuple[int, int]] | None = None) -> tuple[str, set[str]]:
    stripped = strip_tags(msgid)
    source_spans = source_spans or spans(stripped.text)
    target_spans = target_spans or spans(target)
    attention = one_hot(links, len(source_spans) + 1)  # + the end token, which is ignored
    placement = place(stripped.items, source_spans, target, target_spans, align(attention, len(source_spans)))
    result = render(target, stripped.items, placement)
    check_tags(msgid, result)  # every tag present, properly nested
    return result, set(placement.unsure)


def test_strip_tags_records_ranges() -> None:
    stripped = strip_tags("See <a1>the <em2>report</em2></a1><br3/> now &lt;em4>.")
    assert stripped.text == "See the report now <em4>."
    assert [(i.key, i.kind, i.start, i.end) for i in stripped.items] == [
        ("a1", "open", 4, 14), ("em2", "open", 8, 14), ("br3", "void", 14, 14)]


CASES = [
    ("same-order", "See <a1>the report</a1> now.", "Смотрите этот отчёт сейчас.", [0, 1, 2, 3],
     "Смотрите <a1>этот отчёт</a1> сейчас.", set()),
    ("reordered", "See <a1>the report</a1> now.", "Jetzt den Bericht lesen.", [3, 1, 2, 0],
     "Jetzt <a1>den Bericht</a1> lesen.", set()),
    ("two-tags-swapped", "<b1>Bilash</b1> thanked <em2>Bitter Winter</em2>.",
     "Bitter Winter благодарит Билаша.", [2, 3, 1, 0],
     "<em2>Bitter Winter</em2> благодарит <b1>Билаша.</b1>", set()),
    ("nested", "Read <a1>the <em2>full</em2> text</a1>.", "Прочтите <x> полный текст.",
     [0, 1, 2, 3], "Прочтите <a1><x> <em2>полный</em2> текст.</a1>", set()),
    ("void-after-word", "Editor <br1/>Massimo", "Редактор Массимо", [0, 1], "Редактор<br1/> Массимо", set()),
    ("no-alignment", "Call <a1>us</a1> today.", "Позвоните сегодня.", [0, 2],
     "<a1>Позвоните сегодня.</a1>", {"a1"}),
    ("void-unaligned", "A<img1/> B.", "X Y.", [-1, -1], "X Y.<img1/>", {"img1"}),
    ("crossing-siblings", "<a1>one</a1> <b2>two</b2>", "раз два", [0, 0],
     "<a1><b2>раз два</b2></a1>", {"b2"}),
]


@pytest.mark.parametrize(("msgid", "target", "links", "expected", "unsure"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_restore(msgid: str, target: str, links: list[int], expected: str, unsure: set[str]) -> None:
    assert restore(msgid, target, links) == (expected, unsure)


def test_chinese_targets_are_not_snapped_to_whole_clauses() -> None:
    target = "我们阅读报告"
    target_spans = [(0, 2), (2, 4), (4, 6)]  # 我们 / 阅读 / 报告
    result, unsure = restore("We read <a1>the report</a1>", target, [0, 1, 3], target_spans)
    assert (result, unsure) == ("我们阅读<a1>报告</a1>", set())


def test_placeholders_are_inserted_where_their_words_went() -> None:
    stripped = strip_tags("Bilash met them.")
    from translate_flow.alignment import Item

    items = (Item("@1", "void", 0, 6),)
    target = "встретил их."
    placement = place(items, spans(stripped.text), target, spans(target), [1, 2])
    assert render(target, items, placement, {"@1": "Билаш"}) == "Билаш встретил их."
    placement = place(items, spans(stripped.text), "Билаш встретил", [(0, 5), (6, 14)], [0, 1])
    assert render("Билаш встретил", items, placement, {"@1": "Серикжан"}) == "Серикжан Билаш встретил"


def test_two_placeholders_put_back_at_one_spot_stay_apart() -> None:
    from translate_flow.alignment import Item, Placement

    items = (Item("@1", "void", 0, 3), Item("@2", "void", 4, 7))
    placement = Placement({"@1": (7, 7), "@2": (7, 7)}, frozenset())
    assert render("штраф (", items, placement, {"@1": "77,600", "@2": "2030"}) == "штраф (77,600 2030"
