"""The spelling check: words of a translation that the target language's Hunspell
dictionary does not know.

Hunspell is reached through its C library (``libhunspell``, which Debian's ``hunspell``
package brings) with :mod:`ctypes`: a lookup takes about a microsecond and the check runs
entry by entry, where the ``hunspell -a`` pipe computes suggestions for every unknown word
(some 40 ms each) and the PyPI bindings need a compiler or are pure Python. The
dictionaries are the system's (Debian's ``hunspell-ru``, ``hunspell-kk``, ...); a language
without one (Chinese has none) is not checked, and :func:`unavailable` says why in one line.

What the dictionary cannot know is accepted, not flagged:

- words not in the target language's script (Latin names in a Russian text: the
  wrong-script check's), words with digits, URLs, e-mail addresses and the kept phrases;
- glossary renderings, inflected as the glossary matcher finds them, and every word of
  the glossary's renderings for the language;
- words the source has as they are, and names and loanwords carried over from the source
  (a word that, romanized, is close to a source word: Билаша for Bilash, ксенофобией for
  xenophobia);
- compounds of two known words (соцсетях: соц + сетях), and in Kazakh a known stem with
  a chain of inflectional suffixes (:data:`translate_flow.terms.KK_SUFFIXES`), which the
  Kazakh dictionary covers only in part.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import difflib
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from ..languages import Language, language as language_of
from ..terms import KK_SUFFIXES, TermMatcher
from ..textrules import CYRILLIC_LETTERS, LATIN_WORD, WORD, script_of, without_links
from .base import CheckContext, Defect, plain_text, quotes, without_kept

__all__ = ["COMBINING_FORMS", "DICTIONARY_FOLDERS", "LOANS_FROM", "SUPPLEMENT", "Dictionary", "dictionary", "spelling", "unavailable"]

# Where Debian, Fedora and most others install Hunspell dictionaries; $DICPATH comes first.
DICTIONARY_FOLDERS = ("/usr/share/hunspell", "/usr/share/myspell", "/usr/share/myspell/dicts")
_LIBRARIES = ("hunspell-1.7", "hunspell-1.6", "hunspell")

# The letters of the scripts whose words are checked; a word with any other letter is left
# alone (a Latin name in a Cyrillic text).
_SCRIPT_WORDS: Mapping[str, re.Pattern[str]] = {
    "Cyrl": re.compile(rf"{CYRILLIC_LETTERS}+(?:['’-]{CYRILLIC_LETTERS}+)*"),
    "Latn": LATIN_WORD,
}

# A romanization good enough to tell a name or loanword carried over from the source.
_ROMAN = str.maketrans({
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m",
    "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ұ": "u", "ү": "u", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "є": "ie", "ї": "i",
    "ў": "u",
})
# Spellings of the source's Latin letters brought to the romanization's.
# Russian writes Chinese names in the Palladius system: Цзи for Ji, Чжоу for Zhou.
_CYRILLIC_DIGRAPHS = (("цз", "zh"), ("чж", "zh"))
_LATIN_SOUNDS = (("x", "ks"), ("w", "v"), ("ph", "f"), ("c", "k"), ("q", "k"), ("j", "zh"), ("y", "i"))
_CARRIED_OVER = 0.75  # the least similarity of romanized forms for a carried-over word
_INFLECTION = 3  # letters an ending may add to a carried-over word
_COMPOUND_PART = 3  # the shortest part of a compound


class Dictionary:
    """One Hunspell dictionary, loaded through libhunspell; lookups are cached."""

    def __init__(self, library: ctypes.CDLL, path: Path) -> None:
        self.name = path.name
        self._library = library
        self._handle = library.Hunspell_create(str(path.with_suffix(".aff")).encode(), str(path.with_suffix(".dic")).encode())
        if not self._handle:
            raise OSError(f"Hunspell could not load {path}")
        encoding = library.Hunspell_get_dic_encoding(self._handle) or b"UTF-8"
        self._encoding = encoding.decode("ascii", "replace")
        self._known: dict[str, bool] = {}
        self._lock = threading.Lock()  # a Hunspell handle is not safe across threads (a web server's)

    def knows(self, word: str) -> bool:
        """True when the dictionary accepts *word* (any capitalization it allows)."""
        known = self._known.get(word)
        if known is None:
            try:
                data = word.encode(self._encoding)
            except (UnicodeEncodeError, LookupError):
                data = b""
            with self._lock:
                known = bool(data) and bool(self._library.Hunspell_spell(self._handle, data))
            self._known[word] = known
        return known

    def __del__(self) -> None:
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            self._library.Hunspell_destroy(handle)


@lru_cache(maxsize=1)
def _library() -> ctypes.CDLL | None:
    for name in _LIBRARIES:
        found = ctypes.util.find_library(name)
        if found:
            break
    else:
        return None
    library = ctypes.CDLL(found)
    library.Hunspell_create.restype = ctypes.c_void_p
    library.Hunspell_create.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    library.Hunspell_spell.restype = ctypes.c_int
    library.Hunspell_spell.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    library.Hunspell_get_dic_encoding.restype = ctypes.c_char_p
    library.Hunspell_get_dic_encoding.argtypes = [ctypes.c_void_p]
    library.Hunspell_destroy.restype = None
    library.Hunspell_destroy.argtypes = [ctypes.c_void_p]
    return library


def _folders() -> list[Path]:
    listed = [p for p in os.environ.get("DICPATH", "").split(os.pathsep) if p]
    return [Path(p) for p in (*listed, *DICTIONARY_FOLDERS)]


def _names(language: Language) -> list[str]:
    """Dictionary names for *language*, best first: ``ru_RU``, ``ru``, then any ``ru_*``."""
    return list(dict.fromkeys((language.og_locale, language.locale, language.primary)))


def _find(language: Language) -> Path | None:
    """The dictionary for *language* (its path without suffix), or None."""
    folders = [f for f in _folders() if f.is_dir()]
    for name in _names(language):
        for folder in folders:
            if (folder / f"{name}.dic").is_file() and (folder / f"{name}.aff").is_file():
                return folder / name
    for folder in folders:
        for dic in sorted(folder.glob(f"{language.primary}_*.dic")):
            if dic.with_suffix(".aff").is_file():
                return dic.with_suffix("")
    return None


@lru_cache(maxsize=None)
def dictionary(language: Language) -> Dictionary | None:
    """The loaded Hunspell dictionary for *language*, or None (see :func:`unavailable`)."""
    library = _library()
    path = _find(language)
    if library is None or path is None:
        return None
    return Dictionary(library, path)


def unavailable(language: Language) -> str:
    """Why the spelling check is off for *language*, in one line; "" when it runs."""
    if _library() is None:
        return ("spelling is off: the Hunspell library is not installed "
                "(on Debian: apt-get install hunspell and a dictionary such as hunspell-ru)")
    if _find(language) is None:
        names = ", ".join(f"{n}.dic" for n in _names(language))
        where = ", ".join(str(f) for f in _folders())
        return f"spelling is off for {language.tag}: no Hunspell dictionary ({names}) in {where}"
    return ""


# --- the check --------------------------------------------------------------------------------

# Common words the Debian dictionary of a language lacks (hunspell-kk 1.1 has neither
# "пошта", mail, nor "Ресей", Russia); a word here is known in every inflected form.
SUPPLEMENT: Mapping[str, frozenset[str]] = {
    "kk": frozenset({"елорда", "ізбасар", "медиа", "небәрі", "пошта", "рахмет", "ресей"}),
}
# A language that writes loanwords as another language's dictionary spells them: Kazakh
# writes материал, логотип, социолог as Russian does.
LOANS_FROM: Mapping[str, str] = {"kk": "ru"}
# First parts that Russian and Kazakh write solid with any word (самомедиа, аудиохабарлама),
# which no dictionary lists in every combination.
COMBINING_FORMS: Mapping[str, tuple[str, ...]] = {
    language: ("авто", "анти", "аудио", "видео", "квази", "контр", "макро", "медиа", "микро", "мини",
               "мульти", "нео", "псевдо", "радио", "само", "супер", "теле", "фото", "эко")
    for language in ("ru", "kk")
}


def spelling(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """Words of the translation the target language's Hunspell dictionary does not know,
    once each, besides names, glossary renderings and what the source carries over."""
    found = dictionary(context.target)
    if found is None:
        return []
    words = list(dict.fromkeys(_words(msgid, msgstr, context)))
    if not words:
        return []
    judge = _Judge(found, context.target, msgid)
    unknown = [w for w in words if not judge.accepts(w)]
    if not unknown:
        return []
    return [Defect(f"{'word' if len(unknown) == 1 else 'words'} {quotes(unknown)} not in the "
                   f"{found.name} dictionary; check the spelling")]


def _words(msgid: str, msgstr: str, context: CheckContext) -> Iterable[str]:
    """The words of *msgstr* to look up: in the target's script, no digits, not the
    source's own, outside glossary renderings, links and kept phrases."""
    text = _without_glossary(msgid, msgstr, context)
    text = without_kept(without_links(plain_text(text)), context.keep)
    source = set(WORD.findall(plain_text(msgid)))
    pattern = _SCRIPT_WORDS.get(script_of(context.target.tag), WORD)
    glossary = _glossary_words(context)
    for word in WORD.findall(text):
        if (pattern.fullmatch(word) and not any(c.isdigit() for c in word) and len(word) > 1
                and word not in source and word.lower() not in glossary):
            yield word


def _without_glossary(msgid: str, msgstr: str, context: CheckContext) -> str:
    """*msgstr* with the renderings of the source's glossary terms blanked out."""
    terms = context.terms
    if not isinstance(terms, TermMatcher) or not msgstr.strip():
        return msgstr
    spans = terms.rendered_spans(msgid, msgstr)
    if not spans:
        return msgstr
    chars = list(msgstr)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _glossary_words(context: CheckContext) -> frozenset[str]:
    terms = context.terms
    if not isinstance(terms, TermMatcher):
        return frozenset()
    return _rendering_words(terms, context.target)


@lru_cache(maxsize=16)
def _rendering_words(terms: TermMatcher, target: Language) -> frozenset[str]:
    return frozenset(
        word.lower()
        for term in terms.glossary.terms
        for rendering in (*term.renderings(target), *term.forbidden_in(target))
        for word in WORD.findall(rendering)
    )


class _Judge:
    """Whether a word of one entry's translation is spelled right, as far as can be told."""

    def __init__(self, found: Dictionary, target: Language, msgid: str) -> None:
        self.dictionaries = [found]
        loans = LOANS_FROM.get(target.primary)
        if loans:
            other = dictionary(language_of(loans))
            if other is not None:
                self.dictionaries.append(other)
        self.supplement = SUPPLEMENT.get(target.primary, frozenset())
        self.combining = COMBINING_FORMS.get(target.primary, ())
        self.inflected = target.primary == "kk"
        self.source = plain_text(msgid)
        self.keys = _carried_over_keys(self.source)

    def accepts(self, word: str) -> bool:
        """Known, carried over from the source, a name where the source has names, or a
        compound of two such parts."""
        if self.knows(word) or self.carried_over(word) or self.name(word):
            return True
        parts = [p for p in word.split("-") if p]
        if len(parts) > 1:
            return all(self.knows(p) or self.carried_over(p) for p in parts)
        lower = word.lower()
        for form in self.combining:
            if lower.startswith(form) and len(lower) > len(form) + 1:
                rest = lower[len(form):]
                if self.knows(rest) or self.carried_over(rest):
                    return True
        return any(
            (self.knows(lower[:i]) or self.carried_over(lower[:i])) and (self.knows(lower[i:]) or self.carried_over(lower[i:]))
            for i in range(_COMPOUND_PART, len(word) - _COMPOUND_PART + 1)
        )

    def knows(self, word: str) -> bool:
        if self._plain(word) or (self.inflected and _kk_stems(word, self._plain)):
            return True
        return False

    def _plain(self, word: str) -> bool:
        return word.lower() in self.supplement or any(d.knows(word) for d in self.dictionaries)

    def carried_over(self, word: str) -> bool:
        return _carried_over(word, self.keys)

    def name(self, word: str) -> bool:
        """A capitalised word, where the source has capitalised words past its first:
        names the dictionary cannot know (Ресей for Russia, Үрімжідегі for in Urumqi)."""
        return word[:1].isupper() and word[1:].islower() and _names_something(self.source)


@lru_cache(maxsize=4096)
def _names_something(source: str) -> bool:
    words = LATIN_WORD.findall(source)
    return any(w[:1].isupper() and not w.isupper() for w in words[1:])


# --- Kazakh inflection -------------------------------------------------------------------------


def _alternatives(values: Iterable[str]) -> str:
    return "(?:" + "|".join(sorted(values, key=len, reverse=True)) + ")"


# What a stem takes before the nominal suffixes: a verb the negative, then a participle or
# the verbal noun (сөйле-ме-йтін, түс-пе-у-дің); a noun the suffixes that make nouns and
# adjectives of it (бүйір-лік), which the matcher of terms leaves out on purpose.
_KK_VERBAL = (
    "(?:ма|ме|ба|бе|па|пе)?"
    "(?:атын|етін|йтын|йтін|ған|ген|қан|кен|у|й)?"
    "(?:лық|лік|дық|дік|тық|тік|шы|ші|сыз|сіз)?"
)


def _kk_chain() -> re.Pattern[str]:
    # The slots of terms.KK_SUFFIXES in their order, as a Kazakh word form chains them.
    s = {slot: _alternatives(values) for slot, values in KK_SUFFIXES.items()}
    return re.compile(
        f"{_KK_VERBAL}{s['plural']}?{s['possessive']}?"
        f"(?:{s['locative']}{s['attributive']}{s['plural']}?{s['case']}?|{s['case']})?"
        f"{s['similative']}?{s['predicative']}?",
        re.IGNORECASE,
    )


_KK_CHAIN = _kk_chain()
_KK_VOICED = {"г": "к", "ғ": "қ", "б": "п", "Г": "К", "Ғ": "Қ", "Б": "П"}  # қазағы: қазақ


def _kk_stems(word: str, knows: Callable[[str], bool]) -> bool:
    """True when *word* is a stem *knows* followed by inflectional suffixes."""
    for end in range(len(word) - 1, 1, -1):
        if not _KK_CHAIN.fullmatch(word[end:]):
            continue
        stem = word[:end]
        candidates = [stem, stem + "ь"]
        if stem[-1] in _KK_VOICED:
            candidates.append(stem[:-1] + _KK_VOICED[stem[-1]])
        if any(knows(c) for c in candidates):
            return True
    return False


# --- carried over from the source --------------------------------------------------------------


def _latin_key(word: str) -> str:
    key = word.lower()
    for written, sound in _LATIN_SOUNDS:
        key = key.replace(written, sound)
    return key


def _roman(word: str) -> str:
    lower = word.lower()
    for written, sound in _CYRILLIC_DIGRAPHS:
        lower = lower.replace(written, sound)
    return lower.translate(_ROMAN)


@lru_cache(maxsize=4096)
def _carried_over_keys(source: str) -> tuple[str, ...]:
    words = LATIN_WORD.findall(source)
    parts = [part for w in words if "-" in w for part in w.split("-")]  # Self-Media: media too
    return tuple(dict.fromkeys(_latin_key(w) for w in (*words, *parts) if len(w) > 1))


def _carried_over(word: str, keys: Sequence[str]) -> bool:
    """True when *word*, romanized, is close to a source word: a name or loanword,
    perhaps with an ending. A short one must be the same."""
    roman = _roman(word)
    if len(roman) <= 3:
        return roman in keys
    for cut in range(0, min(_INFLECTION, len(roman) - 3) + 1):
        stem = roman[: len(roman) - cut]
        for key in keys:
            if len(key) > 2 and difflib.SequenceMatcher(None, stem, key).ratio() >= _CARRIED_OVER:
                return True
    return False
