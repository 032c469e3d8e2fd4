"""A page's located slots as plain data, bound again to another parse or copy of the page.

Segmentation is the costliest step of both ``extract`` and ``build``, and its result
depends only on the page and the segmentation options. In plain form (lists, strings and
numbers, nothing else: it goes through JSON) the slots of a page can be kept from one
command to the next, and bound to each language's copy of the page, so that a page is
segmented once. Elements are named by their number in document order, which is the same
in every parse of the same bytes and in every deep copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Union

from lxml import etree

from .markup import Close, Hidden, Open, Text, Token, Void
from .segment import AttributeSlot, RunSlot, Segment, SentenceSlot, Slot

__all__ = ["bind", "plain"]

# A bound token is one number: the node's number times four, plus its kind.
_KINDS: tuple[type[Open | Close | Void], ...] = (Open, Close, Void)
_KIND_OF = {Open: 0, Close: 1, Void: 2, Hidden: 3}
_HIDDEN = 3


def plain(slots: Sequence[Slot], tree: etree._ElementTree) -> list[Any]:
    """*slots*, located on *tree*, as plain data that :func:`bind` takes back."""
    number = {node: index for index, node in enumerate(tree.getroot().iter())}

    def token(item: Token) -> str | int:
        if isinstance(item, Text):
            return item.text
        node = item.node if isinstance(item, Hidden) else item.element
        return number[node] * 4 + _KIND_OF[type(item)]

    def part(item: Union[Token, SentenceSlot]) -> Any:
        if isinstance(item, SentenceSlot):
            s = item.segment
            return [s.msgid, s.msgctxt, s.line, s.context, [token(t) for t in item.tokens]]
        return token(item)

    out: list[Any] = []
    for slot in slots:
        if isinstance(slot, AttributeSlot):
            s = slot.segment
            out.append([number[slot.element], slot.attribute, s.msgid, s.msgctxt, s.line, s.context])
        else:
            anchor = -1 if slot.anchor is None else number[slot.anchor]
            out.append([number[slot.container], anchor, [number[m] for m in slot.members],
                        [part(p) for p in slot.parts]])
    return out


def bind(data: Any, tree: etree._ElementTree) -> list[Slot]:
    """The slots *data* describes, bound to the nodes of *tree*.

    Raises :class:`ValueError` when *data* is not what :func:`plain` makes of a page with
    *tree*'s nodes (a damaged file, another page).
    """
    nodes = list(tree.getroot().iter())
    try:
        return [_slot(item, nodes) for item in data]
    except (IndexError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"the slots do not fit the page ({exc})") from None


def _slot(item: list[Any], nodes: list[etree._Element]) -> Slot:
    if len(item) == 6:
        element, attribute, msgid, msgctxt, line, context = item
        return AttributeSlot(_segment(msgid, msgctxt, line, context), _element(nodes, element), _text(attribute))
    container, anchor, members, parts = item
    return RunSlot(
        _element(nodes, container),
        None if anchor == -1 else _node(nodes, anchor),
        tuple(_element(nodes, m) for m in members),
        tuple(_token(p, nodes) if type(p) is not list else _sentence(p, nodes) for p in parts),
    )


def _sentence(item: list[Any], nodes: list[etree._Element]) -> SentenceSlot:
    msgid, msgctxt, line, context, tokens = item
    return SentenceSlot(_segment(msgid, msgctxt, line, context), tuple(_token(t, nodes) for t in tokens))


def _segment(msgid: Any, msgctxt: Any, line: Any, context: Any) -> Segment:
    if msgctxt is not None:
        _text(msgctxt)
    if type(line) is not int:
        raise ValueError(f"line {line!r}")
    return Segment(_text(msgid), msgctxt, line, _text(context))


def _token(item: Any, nodes: list[etree._Element]) -> Token:
    if type(item) is str:
        return Text(item)
    if type(item) is not int or item < 0:
        raise ValueError(f"token {item!r}")
    kind = item & 3
    if kind == _HIDDEN:
        node = _node(nodes, item >> 2)
        if isinstance(node.tag, str):
            raise ValueError("an element where a comment belongs")
        return Hidden(node)
    return _KINDS[kind](_element(nodes, item >> 2))


def _node(nodes: list[etree._Element], index: Any) -> etree._Element:
    if type(index) is not int or index < 0:
        raise ValueError(f"node {index!r}")
    return nodes[index]


def _element(nodes: list[etree._Element], index: Any) -> etree._Element:
    node = _node(nodes, index)
    if not isinstance(node.tag, str):
        raise ValueError("a comment where an element belongs")
    return node


def _text(value: Any) -> str:
    if type(value) is not str:
        raise ValueError(f"text {value!r}")
    return value
