"""ROUGE-1.5.5's ``-m`` stemming: the WordNet-2.0 exception table, then its own Porter variant.

The script stems a token only when it is longer than 3 characters: an exact
hit in the exception table (``said`` -> ``say``) wins, otherwise its Porter
stemmer runs. That stemmer is Martin Porter's Perl reference with one change
by C.-Y. Lin (02/2004) in step 4, so its stems differ from NLTK's and from the
Porter paper: ``-ement`` words skip the ``-ment`` rule but may then lose
``-ent`` (statement -> statem), a final ``y`` after a vowel-bearing stem turns
to ``i`` (says -> sai), and ``-s`` is dropped after any letter but ``s`` (news
-> new). The patterns below are the script's own regular expressions; Python's
``re`` and Perl resolve them alike (leftmost match, ordered alternation).

The exception table is built the way the release's ``buildExeptionDB.pl``
builds its DB_File: every line ``word base [base ...]`` of the four lists maps
``word`` to its first base, and a word listed twice keeps the value read last.
Four words sit in two lists with different bases (best, better: adj ``good``,
adv ``well``; testes: noun ``testis``, verb ``testes``; is: noun ``is``, verb
``be``, never looked up since it is short). The builder reads the lists in
directory order, which depends on the file system; ``LIST_ORDER`` fixes it to
the order the builder uses on the ext4 file system this was verified on
(noun, adv, verb, adj), so best -> good, better -> good, testes -> testes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from bench.metrics.rouge155.release import exception_list_path

LIST_ORDER = ("noun", "adv", "verb", "adj")  # later lists override earlier ones
MIN_STEMMED_LENGTH = 4  # the script stems tokens longer than 3 characters only


@lru_cache(maxsize=1)
def exception_table() -> dict[str, str]:
    """WordNet-2.0 inflection exceptions, word -> base, as the release's builder stores them."""
    table: dict[str, str] = {}
    for part in LIST_ORDER:
        for line in exception_list_path(part).read_text(encoding="latin-1").split("\n"):
            fields = re.split(r"[ \t\n\r\f\v]+", line)  # Perl's split(/\s+/): a leading "" is kept
            if line == "":
                continue
            table[fields[0]] = fields[1] if len(fields) > 1 else ""
    return table


# The script's Porter stemmer patterns (initialise()).
_c = "[^aeiou]"  # consonant
_v = "[aeiouy]"  # vowel
_C = f"{_c}[^aeiouy]*"  # consonant sequence
_V = f"{_v}[aeiou]*"  # vowel sequence
_MGR0 = re.compile(f"^({_C})?{_V}{_C}")  # [C]VC... is m>0
_MEQ1 = re.compile(f"^({_C})?{_V}{_C}({_V})?$")  # [C]VC[V] is m=1
_MGR1 = re.compile(f"^({_C})?{_V}{_C}{_V}{_C}")  # [C]VCVC... is m>1
_HAS_VOWEL = re.compile(f"^({_C})?{_v}")
_CVC = re.compile(f"^{_C}{_v}[^aeiouwxy]$")

_STEP1A = re.compile(r"(ss|i)es$")
_STEP1A_S = re.compile(r"([^s])s$")
_STEP1B_EED = re.compile(r"eed$")
_STEP1B = re.compile(r"(ed|ing)$")
_STEP1B_ADD_E = re.compile(r"(at|bl|iz)$")
_DOUBLE = re.compile(r"([^aeiouylsz])\1$")
_STEP2 = re.compile(
    r"(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness"
    r"|ousness|aliti|iviti|biliti|logi)$"
)
_STEP2_MAP = {
    "ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize", "bli": "ble",
    "alli": "al", "entli": "ent", "eli": "e", "ousli": "ous", "ization": "ize", "ation": "ate",
    "ator": "ate", "alism": "al", "iveness": "ive", "fulness": "ful", "ousness": "ous", "aliti": "al",
    "iviti": "ive", "biliti": "ble", "logi": "log",
}
_STEP3 = re.compile(r"(icate|ative|alize|iciti|ical|ful|ness)$")
_STEP3_MAP = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}
_STEP4 = re.compile(r"(al|ance|ence|er|ic|able|ible|ant|ement|ou|ism|ate|iti|ous|ive|ize)$")
_STEP4_MENT = re.compile(r"ment$")
_STEP4_ENT = re.compile(r"ent$")
_STEP4_ION = re.compile(r"(s|t)(ion)$")


def porter(word: str) -> str:
    """The script's ``stem()``: Porter's algorithm with Lin's step-4 change."""
    if len(word) < 3:
        return word
    initial_y = word[0] == "y"
    if initial_y:  # an initial y is a consonant: upper-case it so no pattern sees it as a vowel
        word = "Y" + word[1:]
    word = _step1(word)
    word = _replace_suffix(word, _STEP2, _STEP2_MAP)
    word = _replace_suffix(word, _STEP3, _STEP3_MAP)
    word = _step4(word)
    word = _step5(word)
    if initial_y:
        word = word[0].lower() + word[1:]
    return word


def _step1(w: str) -> str:
    if m := _STEP1A.search(w):
        w = w[: m.start()] + m.group(1)
    elif m := _STEP1A_S.search(w):
        w = w[: m.start()] + m.group(1)
    if m := _STEP1B_EED.search(w):
        if _MGR0.search(w[: m.start()]):
            w = w[:-1]
    elif m := _STEP1B.search(w):
        stem = w[: m.start()]
        if _HAS_VOWEL.search(stem):
            w = stem
            if _STEP1B_ADD_E.search(w):
                w += "e"
            elif _DOUBLE.search(w):
                w = w[:-1]
            elif _CVC.search(w):
                w += "e"
    if (m := re.search(r"y$", w)) and _HAS_VOWEL.search(w[: m.start()]):
        w = w[: m.start()] + "i"
    return w


def _replace_suffix(w: str, pattern: re.Pattern[str], mapping: dict[str, str]) -> str:
    if m := pattern.search(w):
        stem = w[: m.start()]
        if _MGR0.search(stem):
            return stem + mapping[m.group(1)]
    return w


def _step4(w: str) -> str:
    # Lin's change: -ement no longer tries -ment/-ent inside the first rule, but
    # the two rules after it still run on what is left.
    if m := _STEP4.search(w):
        if _MGR1.search(w[: m.start()]):
            w = w[: m.start()]
    if m := _STEP4_MENT.search(w):
        if _MGR1.search(w[: m.start()]):
            w = w[: m.start()]
    if m := _STEP4_ENT.search(w):
        if _MGR1.search(w[: m.start()]):
            w = w[: m.start()]
    elif m := _STEP4_ION.search(w):
        stem = w[: m.start()] + m.group(1)
        if _MGR1.search(stem):
            w = stem
    return w


def _step5(w: str) -> str:
    if m := re.search(r"e$", w):
        stem = w[: m.start()]
        if _MGR1.search(stem) or (_MEQ1.search(stem) and not _CVC.search(stem)):
            w = stem
    if w.endswith("ll") and _MGR1.search(w):
        w = w[:-1]
    return w


def make_stemmer() -> Callable[[str], str]:
    """The script's token stemming (``MorphStem`` for tokens over 3 characters), memoised."""
    table = exception_table()
    cache: dict[str, str] = {}

    def stem(token: str) -> str:
        found = cache.get(token)
        if found is None:
            if len(token) < MIN_STEMMED_LENGTH:
                found = token
            else:
                found = table.get(token)
                if found is None:
                    found = porter(token)
            cache[token] = found
        return found

    return stem
