"""Glossary terms in running text: where a msgid uses one, and whether its translation does.

Matching works on the text without its numbered tags (``<a1>…</a1>``), word by word, and
reports spans in the text as given. Each word of a term is matched by its language's rule:

- English: the last word of a term may take a plural (Uyghurs, camps); a possessive
  (Kazakhstan's, Kazakhs') belongs to the match.
- Russian: any inflected form of the same word (pymorphy3 lemmas, or a shared stem with
  endings from :data:`RU_ENDINGS`); indeclinable words (Алматы, КПК) only as written.
- Kazakh: the word followed by a chain of inflectional suffixes from :data:`KK_SUFFIXES`
  (plural, possessive, case, ...), with a final к/қ/п voiced before a vowel; the head of a
  multi-word term may drop its possessive (лагері: лагерлерінде); a suffix after a hyphen
  belongs to the match (ҚКП-ның).
- Chinese and Japanese: substrings, except inside the false friends of
  :data:`ZH_FALSE_FRIENDS` (其中共有 holds no 中共).
- Other languages: the word as written.

Words of a multi-word term must follow each other, separated only by spaces, hyphens,
quotes or tags. Derived words are other words and never match: казахстанский, уйгурский,
Алматылық, Қазақстандық, ұйғырша, Kazakhstani. A ``pattern_<lang>`` in the glossary
replaces the automatic rule for the rendering (``уйгур*`` also accepts уйгурский); see
:func:`translate_flow.glossary.pattern_problem`. Do-not-translate terms never inflect;
names do, in languages that inflect names.

Case: insensitive, except acronyms (two or more capitals: CCP, КПК), which must be
capitals, and the capitalised words of names and do-not-translate terms, which must start
with a capital (Bitter Winter, never "a bitter winter"). An entry with ``case =
sensitive`` asks for the case as written, ``insensitive`` for no rule at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from .glossary import Glossary, Term
from .languages import Language
from .markup import TAG_RE, references

__all__ = [
    "GlossarySteering",
    "KK_SUFFIXES",
    "RU_ENDINGS",
    "ZH_FALSE_FRIENDS",
    "AlteredName",
    "Expected",
    "ForbiddenUse",
    "SourceHit",
    "TermMatcher",
    "lookup",
]

Span = tuple[int, int]

# Inflectional endings of Russian nouns and adjectives, for words the dictionary does not
# know and for `stem|ending` patterns.
RU_ENDINGS = frozenset({
    "", "а", "я", "о", "е", "и", "ы", "у", "ю", "ь", "й",
    "ой", "ей", "ою", "ею", "ом", "ем", "ём", "ам", "ям", "ами", "ями", "ах", "ях",
    "ов", "ев", "ёв", "ий", "ый", "ая", "яя", "ое", "ее", "ие", "ые", "ого", "его",
    "ому", "ему", "ым", "им", "ых", "их", "ую", "юю", "ия", "ии", "ию", "ье", "ья",
    "ью", "ьи", "ьев", "ьям", "ьями", "ьях", "ьё",
})

# Kazakh inflectional suffixes by slot, every vowel-harmony and assimilation variant.
# A word form is a stem followed by: plural? possessive? (case | locative attributive
# plural? case?)? similative? predicative? Derivational suffixes (-лық, -ша, -шы, -сыз)
# are deliberately absent: they make other words.
KK_SUFFIXES: Mapping[str, tuple[str, ...]] = {
    "plural": ("лар", "лер", "дар", "дер", "тар", "тер"),
    "possessive": (
        "ымыз", "іміз", "мыз", "міз", "ыңыз", "іңіз", "ңыз", "ңіз",
        "ым", "ім", "ың", "ің", "сы", "сі", "ы", "і", "м", "ң",
    ),
    "case": (
        "ның", "нің", "дың", "дің", "тың", "тің",  # genitive
        "ға", "ге", "қа", "ке", "на", "не", "а", "е",  # dative
        "ны", "ні", "ды", "ді", "ты", "ті", "н",  # accusative
        "нда", "нде", "да", "де", "та", "те",  # locative
        "нан", "нен", "дан", "ден", "тан", "тен",  # ablative
        "мен", "бен", "пен", "менен", "бенен", "пенен",  # instrumental
    ),
    "locative": ("нда", "нде", "да", "де", "та", "те"),
    "attributive": ("ғы", "гі", "қы", "кі"),  # after the locative: Алматыдағы
    "similative": ("дай", "дей", "тай", "тей"),
    "predicative": (
        "мын", "мін", "бын", "бін", "пын", "пін", "сың", "сің",
        "мыз", "міз", "быз", "біз", "пыз", "піз",
    ),
}
_KK_VOWELS = frozenset("аәеёиоөуұүыіэюя")
_KK_VOICED = {"к": "г", "қ": "ғ", "п": "б"}  # before a vowel: қазақ -> қазағы
_KK_UNVOICED = {voiced: plain for plain, voiced in _KK_VOICED.items()}

# Longer strings that contain a Chinese term without meaning it: 其中共有 "of whom in
# all", 新疆域 "new territory", the given name of Nursultan Nazarbayev.
ZH_FALSE_FRIENDS: Mapping[str, tuple[str, ...]] = {
    "中共": ("其中共", "集中共"),
    "新疆": ("新疆域", "新疆界"),
    "努尔苏丹": ("努尔苏丹·纳扎尔巴耶夫",),
}
_SUBSTRING_LANGUAGES = frozenset({"zh", "ja"})
_INTERPUNCTS = "·・•‧∙⋅"
_ONE_DOT = str.maketrans(dict.fromkeys(_INTERPUNCTS, "·"))
# What may stand between two words of one term, besides tags.
_JOINERS = frozenset(" \t\n\r\u00a0\u2007\u2009\u202f-\u2010\u2011«»\"“”„‟'‘’‹›")
_HYPHENS = "-\u2010\u2011"
_APOSTROPHES = "'’"
_WORD = re.compile(r"\w+")


def _alternatives(suffixes: Iterable[str]) -> str:
    return "(?:" + "|".join(sorted(suffixes, key=len, reverse=True)) + ")"


def _kk_chain() -> re.Pattern[str]:
    s = {slot: _alternatives(values) for slot, values in KK_SUFFIXES.items()}
    return re.compile(
        f"{s['plural']}?{s['possessive']}?"
        f"(?:{s['locative']}{s['attributive']}{s['plural']}?{s['case']}?|{s['case']})?"
        f"{s['similative']}?{s['predicative']}?"
    )


_KK_CHAIN = _kk_chain()


@dataclass(frozen=True)
class SourceHit:
    """A glossary term used in a source text: its span there and the text it covers."""

    term: Term
    start: int  # offsets in the text as given, tags included
    end: int
    text: str  # the matched words without tags


class Expected(NamedTuple):
    """A term the source uses and the rendering the translation should contain."""

    term: Term
    rendering: str


class ForbiddenUse(NamedTuple):
    """A forbidden variant found in a translation."""

    term: Term
    variant: str
    span: Span


class AlteredName(NamedTuple):
    """A name or do-not-translate term of the source whose rendering the translation lacks."""

    term: Term
    rendering: str


# -- text without tags ------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    key: str


class _Doc:
    """A text without its tags, its words, and where each character came from."""

    def __init__(self, text: str) -> None:
        parts: list[str] = []
        offsets: list[int] = []
        self.breaks: set[int] = set()  # where a point tag (<br1/>) separates words
        position = 0
        for match in TAG_RE.finditer(text):
            self._add(text, position, match.start(), parts, offsets)
            position = match.end()
            if match.group(3):
                self.breaks.add(len(offsets))
        self._add(text, position, len(text), parts, offsets)
        self.plain = "".join(parts)
        self.offsets = offsets
        self.tokens = []
        for match in _WORD.finditer(self.plain):
            cuts = [match.start(), *sorted(b for b in self.breaks if match.start() < b < match.end()),
                    match.end()]
            for start, end in zip(cuts, cuts[1:]):
                word = self.plain[start:end]
                self.tokens.append(_Token(start, end, word, _fold(word)))
        self.by_first: dict[str, list[int]] = {}
        for index, token in enumerate(self.tokens):
            self.by_first.setdefault(token.key[:1], []).append(index)

    @staticmethod
    def _add(text: str, start: int, end: int, parts: list[str], offsets: list[int]) -> None:
        # Reads character references as markup.unescape_text does, keeping each character's origin.
        position = start
        for found, after, shown in references(text[start:end]):
            parts.append(text[position : start + found])
            offsets.extend(range(position, start + found))
            parts.append(shown)
            offsets.extend([start + found] * len(shown))
            position = start + after
        parts.append(text[position:end])
        offsets.extend(range(position, end))

    def span(self, start: int, end: int) -> Span:
        """The span in the original text of plain characters [start, end)."""
        return (self.offsets[start], self.offsets[end - 1] + 1) if end > start else (0, 0)


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


def _joined(doc: _Doc, start: int, end: int) -> bool:
    if start == end:
        return start in doc.breaks
    return all(char in _JOINERS for char in doc.plain[start:end])


# -- case -------------------------------------------------------------------------------


def _always(_: str) -> bool:
    return True


def _same_case(token: str, word: str) -> bool:
    shared = 0
    for a, b in zip(token, word):
        if _fold(a) != _fold(b):
            break
        shared += 1
    return token[:shared] == word[:shared]


def _case_test(word: str, case: str, kind: str) -> Callable[[str], bool]:
    if case == "insensitive":
        return _always
    letters = [char for char in word if char.isalpha()]
    acronym = len(letters) >= 2 and all(char.isupper() for char in letters)
    if case == "sensitive" or acronym:
        return lambda token: _same_case(token, word)
    if kind in ("name", "dnt") and word[:1].isupper():
        return lambda token: token[:1].isupper()
    return _always


# -- inflection rules -------------------------------------------------------------------


def _english_forms(word: str) -> set[str]:
    forms = {word, word + "s", word + "es"}
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        forms.add(word[:-1] + "ies")
    return forms


_MORPH: Any = None


def _morph() -> Any:
    global _MORPH
    if _MORPH is None:
        import pymorphy3  # type: ignore[import-untyped,unused-ignore]

        _MORPH = pymorphy3.MorphAnalyzer()
    return _MORPH


@lru_cache(maxsize=65536)
def _ru_parses(word: str) -> tuple[frozenset[str], bool]:
    """The lemmas of a Russian word form, and whether its likeliest reading is indeclinable."""
    parses = _morph().parse(word)
    lemmas = frozenset(str(parse.normal_form).replace("ё", "е") for parse in parses)
    fixed = bool(parses) and "Fixd" in parses[0].tag
    return lemmas, fixed


def _shared_stem(token: str, word: str, endings: frozenset[str]) -> bool:
    for cut in range(len(word), 2, -1):
        if word[cut:] in endings and token.startswith(word[:cut]) and token[cut:] in endings:
            return True
    return False


def _ru_same(token: str, word: str) -> bool:
    if token == word:
        return True
    token_lemmas, token_fixed = _ru_parses(token)
    word_lemmas, word_fixed = _ru_parses(word)
    if token_fixed or word_fixed:
        return False
    return bool(token_lemmas & word_lemmas) or _shared_stem(token, word, RU_ENDINGS)


def _kk_bases(word: str, head: bool) -> tuple[tuple[str, bool], ...]:
    """Stems a Kazakh word form may continue from, each with "needs a vowel next"."""
    bases = [(word, False)]
    if word[-1:] in _KK_VOICED:
        bases.append((word[:-1] + _KK_VOICED[word[-1]], True))
    if head and len(word) > 3:
        stem = ""
        if word[-2:] in ("сы", "сі") and word[-3] in _KK_VOWELS:
            stem = word[:-2]
        elif word[-1] in "ыі" and word[-2] not in _KK_VOWELS:
            stem = word[:-1]
        if stem:
            bases.append((stem, False))
            if stem[-1] in _KK_UNVOICED:
                bases.append((stem[:-1] + _KK_UNVOICED[stem[-1]], False))
            elif stem[-1] not in _KK_VOWELS:
                bases.append((stem + "ь", False))  # loans: лагері, лагерь
    return tuple(bases)


def _kk_same(token: str, bases: Sequence[tuple[str, bool]]) -> bool:
    for base, needs_vowel in bases:
        if token.startswith(base):
            rest = token[len(base):]
            if needs_vowel and rest[:1] not in _KK_VOWELS:
                continue
            if not rest or _KK_CHAIN.fullmatch(rest):
                return True
    return False


def _word_rule(primary: str, word: str, *, last: bool, multi: bool, kind: str) -> Callable[[str], bool]:
    """The automatic test of a folded token against the folded glossary word *word*."""
    if kind == "dnt":
        return word.__eq__
    if primary == "en":
        forms = _english_forms(word) if last and kind == "term" else {word}
        return forms.__contains__
    if primary == "ru":
        return lambda token: _ru_same(token, word)
    if primary == "kk":
        bases = _kk_bases(word, head=last and multi)
        return lambda token: token == word or _kk_same(token, bases)
    return word.__eq__


def _ending_ok(primary: str, rest: str, ending: str) -> bool:
    if primary == "ru":
        return rest in RU_ENDINGS
    if primary == "kk":
        if rest.startswith(ending) and _KK_CHAIN.fullmatch(rest[len(ending):]):
            return True
        return _KK_CHAIN.fullmatch(rest) is not None
    if primary == "en":
        return rest in ("", "s", "es") or (ending == "y" and rest == "ies")
    return len(rest) <= 3 and (rest.isalpha() or not rest)


def _pattern_rule(primary: str, word: str) -> tuple[Callable[[str], bool], str]:
    """The test for one word of a pattern, and the word as the case reference."""
    if word.endswith("*"):
        prefix = _fold(word[:-1])
        return (lambda token: token.startswith(prefix)), word[:-1]
    if "|" in word:
        stem, _, ending = word.partition("|")
        folded_stem, folded_ending = _fold(stem), _fold(ending)
        whole = folded_stem + folded_ending

        def test(token: str) -> bool:
            return token == whole or (token.startswith(folded_stem) and _ending_ok(
                primary, token[len(folded_stem):], folded_ending))

        return test, stem + ending
    folded = _fold(word)
    return folded.__eq__, word


# -- forms: one rendering, variant or pattern, compiled --------------------------------


class _Form:
    """One way a term is written in one language, ready to find in documents."""

    def __init__(self, term: Term, text: str, primary: str, *, pattern: bool = False) -> None:
        self.term = term
        self.text = text
        self.primary = primary
        self.words: list[tuple[Callable[[str], bool], Callable[[str], bool]]] = []
        self.regex: re.Pattern[str] | None = None
        self.case_tests: list[Callable[[str], bool]] = []
        matches = list(_WORD.finditer(text))
        words = text.split() if pattern else [m.group() for m in matches]
        # Quotes around a rendering («...») belong to the match when the text has them too.
        self.lead = text[: matches[0].start()].strip() if matches and not pattern else ""
        self.trail = text[matches[-1].end():].strip() if matches and not pattern else ""
        if primary in _SUBSTRING_LANGUAGES:
            self.regex = _substring_regex(text, pattern)
            self.case_tests = [_case_test(w, term.case, term.kind) for w in _WORD.findall(text)]
            self.first = ""
            return
        for index, word in enumerate(words):
            if pattern:
                test, reference = _pattern_rule(primary, word)
            else:
                last = index == len(words) - 1
                test = _word_rule(primary, _fold(word), last=last, multi=len(words) > 1,
                                  kind=term.kind)
                reference = word
            self.words.append((test, _case_test(reference, term.case, term.kind)))
        self.first = _fold(words[0])[:1] if words else ""

    def usable(self) -> bool:
        return self.regex is not None or bool(self.words)

    def find(self, doc: _Doc) -> list[Span]:
        """Plain-text spans of every occurrence in *doc*."""
        if self.regex is not None:
            return self._find_substrings(doc)
        found = []
        for index in doc.by_first.get(self.first, ()):
            span = self.match_at(doc, index)
            if span is not None:
                found.append(span)
        return found

    def match_at(self, doc: _Doc, index: int) -> Span | None:
        """The plain span of an occurrence starting at token *index*, or None."""
        tokens = doc.tokens
        if index + len(self.words) > len(tokens):
            return None
        for offset, (inflects, case) in enumerate(self.words):
            token = tokens[index + offset]
            if offset and not _joined(doc, tokens[index + offset - 1].end, token.start):
                return None
            if not inflects(token.key) or not case(token.text):
                return None
        start = tokens[index].start
        end = self._extend(doc, index + len(self.words) - 1)
        if self.lead and doc.plain[start - len(self.lead) : start] == self.lead:
            start -= len(self.lead)
        if self.trail and doc.plain[end : end + len(self.trail)] == self.trail:
            end += len(self.trail)
        return start, end

    def _extend(self, doc: _Doc, last: int) -> int:
        # Possessive and hyphenated suffixes are part of the word they follow.
        plain, end = doc.plain, doc.tokens[last].end
        following = doc.tokens[last + 1] if last + 1 < len(doc.tokens) else None
        if self.primary == "en" and plain[end:end + 1] in tuple(_APOSTROPHES):
            if following and following.start == end + 1 and following.key == "s":
                return following.end
            if doc.tokens[last].key.endswith("s") and (following is None or following.start > end + 1):
                return end + 1
        if (self.primary == "kk" and plain[end:end + 1] in tuple(_HYPHENS) and following
                and following.start == end + 1 and _KK_CHAIN.fullmatch(following.key)):
            return following.end
        return end

    def _find_substrings(self, doc: _Doc) -> list[Span]:
        assert self.regex is not None
        found: list[Span] = []
        friends = ZH_FALSE_FRIENDS.get(self.text, ())
        # A void tag separates words as a space does ("CESNUR<br1/>Via" holds CESNUR), yet
        # the plain text has nothing there: the stretches between void tags are searched
        # too, for what ends or starts at one.
        for index, (offset, stretch) in enumerate(_stretches(doc)):
            for match in self.regex.finditer(stretch):
                start, end = offset + match.start(), offset + match.end()
                if index and any(a < end and start < b for a, b in found):
                    continue
                if any(_inside(doc.plain, start, self.text, friend) for friend in friends):
                    continue
                words = _WORD.findall(match.group())
                if len(words) == len(self.case_tests) and not all(
                        test(word) for test, word in zip(self.case_tests, words)):
                    continue
                found.append((start, end))
        return sorted(found)


def _stretches(doc: _Doc) -> list[tuple[int, str]]:
    """The plain text of *doc*, then, when it has void tags, each stretch between them;
    each with its offset."""
    if not doc.breaks:
        return [(0, doc.plain)]
    cuts = [0, *sorted(doc.breaks), len(doc.plain)]
    return [(0, doc.plain)] + [(a, doc.plain[a:b]) for a, b in zip(cuts, cuts[1:]) if b > a]


def _inside(plain: str, start: int, text: str, friend: str) -> bool:
    shift = friend.find(text)
    around = plain[start - shift : start - shift + len(friend)]
    return shift >= 0 and start >= shift and _dots(around) == _dots(friend)


def _dots(text: str) -> str:
    return text.translate(_ONE_DOT)


def _substring_regex(text: str, pattern: bool) -> re.Pattern[str]:
    pieces: list[str] = []
    previous = ""
    for word in text.split():
        if pieces:
            # Latin words need a space between them; CJK ones may have none.
            pieces.append(r"\s+" if previous[-1:].isascii() and word[:1].isascii() else r"\s*")
        piece = ""
        body, star = (word[:-1], True) if pattern and word.endswith("*") else (word, False)
        stem, bar, ending = body.partition("|") if pattern else (body, "", "")
        for char in stem:
            piece += f"[{re.escape(_INTERPUNCTS)}]" if char in _INTERPUNCTS else re.escape(char)
        if bar:
            piece += f"(?:{re.escape(ending)})?"
        if star:
            piece += r"\w*"
        pieces.append(piece)
        previous = word
    regex = "".join(pieces)
    if text[:1].isascii() and text[:1].isalnum():
        regex = r"(?<![A-Za-z0-9])" + regex
    if text[-1:].isascii() and text[-1:].isalnum():
        regex += r"(?![A-Za-z0-9])"
    return re.compile(regex, re.IGNORECASE)


# -- the matcher ------------------------------------------------------------------------


class TermMatcher:
    """Glossary terms in source texts and their renderings in translations, for one pair."""

    def __init__(self, glossary: Glossary, source: Language, target: Language | None = None) -> None:
        self.glossary = glossary
        self.source = source
        self.target = target
        self._source_first: dict[str, list[_Form]] = {}
        self._source_regex: list[_Form] = []
        for term in glossary.terms:
            for form in self._forms(term, source, (term.source, *term.source_synonyms)):
                if form.regex is not None:
                    self._source_regex.append(form)
                else:
                    self._source_first.setdefault(form.first, []).append(form)
        self._target_forms: dict[Term, list[_Form]] = {}
        self._forbidden_forms: dict[Term, list[_Form]] = {}
        self._text_forms: dict[str, _Form] = {}
        self._docs: dict[str, _Doc] = {}
        # The last entry's rendering spans: the checks of one entry ask for them in turn.
        self._rendered: tuple[tuple[str, str], list[tuple[int, int]]] = (("", ""), [])

    def _forms(self, term: Term, language: Language, texts: Sequence[str]) -> list[_Form]:
        pattern = term.pattern(language)
        forms = [_Form(term, pattern, language.primary, pattern=True)] if pattern else []
        forms += [_Form(term, text, language.primary) for text in texts[bool(pattern):]]
        return [form for form in forms if form.usable()]

    def _doc(self, text: str) -> _Doc:
        doc = self._docs.get(text)
        if doc is None:
            if len(self._docs) > 256:
                self._docs.clear()
            doc = self._docs[text] = _Doc(text)
        return doc

    def _need_target(self) -> Language:
        if self.target is None:
            raise ValueError("this TermMatcher has no target language")
        return self.target

    def source_hits(self, text: str) -> list[SourceHit]:
        """Glossary terms in a source text (a msgid), longest first where they overlap.

        Spans are offsets in *text* as given; ``text`` is the matched words without tags.
        """
        doc = self._doc(text)
        found: list[tuple[int, int, Term]] = []
        for index, token in enumerate(doc.tokens):
            for form in self._source_first.get(token.key[:1], ()):
                span = form.match_at(doc, index)
                if span is not None:
                    found.append((*span, form.term))
        for form in self._source_regex:
            found.extend((start, end, form.term) for start, end in form.find(doc))
        found.sort(key=lambda hit: (hit[0] - hit[1], hit[0]))
        taken: list[tuple[int, int, Term]] = []
        for hit in found:
            if all(hit[1] <= other[0] or hit[0] >= other[1] for other in taken):
                taken.append(hit)
        taken.sort(key=lambda hit: hit[0])
        return [SourceHit(term, *doc.span(start, end), doc.plain[start:end]) for start, end, term in taken]

    def _term_forms(self, term: Term) -> list[_Form]:
        forms = self._target_forms.get(term)
        if forms is None:
            target = self._need_target()
            forms = self._target_forms[term] = self._forms(term, target, term.renderings(target))
        return forms

    def _spans(self, text: str, forms: Iterable[_Form]) -> list[Span]:
        doc = self._doc(text)
        spans = {doc.span(start, end) for form in forms for start, end in form.find(doc)}
        return sorted(spans)

    def target_spans(self, text: str, rendering: str | Term) -> list[Span]:
        """Where a translation contains a term's rendering (any synonym, its pattern) or a
        given rendering, inflection included; offsets in *text* as given."""
        target = self._need_target()
        if isinstance(rendering, Term):
            return self._spans(text, self._term_forms(rendering))
        form = self._text_forms.get(rendering)
        if form is None:
            form = self._text_forms[rendering] = _Form(Term(rendering, "term"), rendering, target.primary)
        return self._spans(text, [form] if form.usable() else [])

    def expected(self, msgid: str) -> list[Expected]:
        """Each term the source uses, once, with the rendering the translation should hold."""
        target = self._need_target()
        seen: dict[Term, Expected] = {}
        for hit in self.source_hits(msgid):
            rendering = hit.term.rendering(target)
            if rendering and hit.term not in seen:
                seen[hit.term] = Expected(hit.term, rendering)
        return list(seen.values())

    def missing(self, msgid: str, msgstr: str) -> list[Term]:
        """Terms (kind ``term``) the source uses whose rendering the translation lacks.

        An empty translation lacks nothing: it is untranslated, not wrong.
        """
        if not msgstr.strip():
            return []
        return [e.term for e in self.expected(msgid)
                if e.term.kind == "term" and not self.target_spans(msgstr, e.term)]

    def altered_names(self, msgid: str, msgstr: str) -> list[AlteredName]:
        """Names and do-not-translate terms of the source not rendered as the glossary says."""
        if not msgstr.strip():
            return []
        return [AlteredName(e.term, e.rendering) for e in self.expected(msgid)
                if e.term.kind in ("name", "dnt") and not self.target_spans(msgstr, e.term)]

    def rendered_spans(self, msgid: str, msgstr: str) -> list[tuple[int, int]]:
        """Where *msgstr* holds a rendering of a glossary term that *msgid* calls for."""
        if self._rendered[0] != (msgid, msgstr):
            spans = [span for e in self.expected(msgid) for span in self.target_spans(msgstr, e.term)]
            self._rendered = ((msgid, msgstr), spans)
        return self._rendered[1]

    def forbidden_used(self, msgid: str, msgstr: str) -> list[ForbiddenUse]:
        """Forbidden variants in the translation, matched like renderings (inflected too).

        A variant counts wherever it appears, whatever the source says, except inside a
        rendering the source calls for.
        """
        target = self._need_target()
        if not msgstr.strip():
            return []
        allowed = self.rendered_spans(msgid, msgstr)
        used = []
        for term in self.glossary.terms:
            forms = self._forbidden_forms.get(term)
            if forms is None:
                forms = [_Form(term, variant, target.primary) for variant in term.forbidden_in(target)]
                forms = self._forbidden_forms[term] = [f for f in forms if f.usable()]
            for form in forms:
                for span in self._spans(msgstr, [form]):
                    if not any(a <= span[0] and span[1] <= b for a, b in allowed):
                        used.append(ForbiddenUse(term, form.text, span))
        return sorted(used, key=lambda use: use.span)


def lookup(glossary: Glossary, text: str, source: Language) -> list[SourceHit]:
    """The glossary terms a source text uses, with their spans."""
    return TermMatcher(glossary, source).source_hits(text)


class GlossarySteering:
    """The glossary's say in decoding: which hypotheses are acceptable, what never to write."""

    def __init__(self, matcher: TermMatcher, glossary: Glossary, target: Language) -> None:
        self.matcher = matcher
        self.variants = tuple(dict.fromkeys(
            variant for term in glossary.terms for variant in term.forbidden_in(target)
        ))

    def wants(self, msgid: str) -> bool:
        """True when the source uses a term with a preferred translation."""
        return any(expected.term.kind == "term" for expected in self.matcher.expected(msgid))

    def accepts(self, msgid: str, text: str) -> bool:
        """True when *text* uses every such term and no forbidden variant."""
        return not self.matcher.missing(msgid, text) and not self.matcher.forbidden_used(msgid, text)

    def forbidden(self) -> Sequence[str]:
        """The forbidden variants of the target language."""
        return self.variants
