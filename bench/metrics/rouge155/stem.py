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
``be``, never looked up since it is short), so the table depends on the order
the builder reads the lists in, which is directory order and so depends on
the file system. ``SORTED_ORDER`` (adj, adv, noun, verb: best -> well, better
-> well, testes -> testes) is the order a sorted listing gives; it is the one
that reproduces the XSum paper's published table to every digit (see the
README), so it is the default. On the ext4 file system this was developed on
the builder reads noun, adv, verb, adj (best -> good); ``exception_order``
selects any order, to match a DB built elsewhere.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from bench.metrics.rouge155.release import exception_list_path

LISTS = ("adj", "adv", "noun", "verb")
SORTED_ORDER = LISTS  # later lists override earlier ones
MIN_STEMMED_LENGTH = 4  # the script stems tokens longer than 3 characters only


@lru_cache(maxsize=4)
def exception_table(order: tuple[str, ...] = SORTED_ORDER) -> dict[str, str]:
    """WordNet-2.0 inflection exceptions, word -> base, as the release's builder stores them
    when it reads the lists in ``order``."""
    if sorted(order) != sorted(LISTS):
        raise ValueError(f"the exception order must list {', '.join(LISTS)} once each, not {order}")
    table: dict[str, str] = {}
    for part in order:
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

_STEP2 = {
    "ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize", "bli": "ble",
    "alli": "al", "entli": "ent", "eli": "e", "ousli": "ous", "ization": "ize", "ation": "ate",
    "ator": "ate", "alism": "al", "iveness": "ive", "fulness": "ful", "ousness": "ous", "aliti": "al",
    "iviti": "ive", "biliti": "ble", "logi": "log",
}
_STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}
_STEP4 = {s: "" for s in ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ou", "ism", "ate",
                          "iti", "ous", "ive", "ize")}


def _longest_suffix(word: str, suffixes: dict[str, str]) -> str | None:
    """The suffix a Perl ``/(a|b|..)$/`` matches: the leftmost match start, so the longest."""
    for size in _SIZES[id(suffixes)]:
        if word[-size:] in suffixes:
            return word[-size:]
    return None


_SIZES = {id(table): sorted({len(s) for s in table}, reverse=True) for table in (_STEP2, _STEP3, _STEP4)}


def porter(word: str) -> str:
    """The script's ``stem()``: Porter's algorithm with Lin's step-4 change.

    Suffix tests are plain string tests (a pattern anchored with ``$`` matches
    exactly the suffixes these find); the measure tests are the script's patterns.
    """
    if len(word) < 3:
        return word
    initial_y = word[0] == "y"
    if initial_y:  # an initial y is a consonant: upper-case it so no pattern sees it as a vowel
        word = "Y" + word[1:]
    word = _step1(word)
    word = _replace_suffix(word, _STEP2)
    word = _replace_suffix(word, _STEP3)
    word = _step4(word)
    word = _step5(word)
    if initial_y:
        word = word[0].lower() + word[1:]
    return word


def _step1(w: str) -> str:
    if w.endswith(("sses", "ies")):  # (ss|i)es$
        w = w[:-2]
    elif len(w) > 1 and w[-1] == "s" and w[-2] != "s":  # ([^s])s$
        w = w[:-1]
    if w.endswith("eed"):
        if _MGR0.search(w[:-3]):
            w = w[:-1]
    elif w.endswith(("ed", "ing")):
        stem = w[:-2] if w.endswith("ed") else w[:-3]
        if _HAS_VOWEL.search(stem):
            w = stem
            if w.endswith(("at", "bl", "iz")):
                w += "e"
            elif len(w) > 1 and w[-1] == w[-2] and w[-1] not in "aeiouylsz":  # ([^aeiouylsz])\1$
                w = w[:-1]
            elif _CVC.search(w):
                w += "e"
    if w.endswith("y") and _HAS_VOWEL.search(w[:-1]):
        w = w[:-1] + "i"
    return w


def _replace_suffix(w: str, table: dict[str, str]) -> str:
    suffix = _longest_suffix(w, table)
    if suffix is not None:
        stem = w[: -len(suffix)]
        if _MGR0.search(stem):
            return stem + table[suffix]
    return w


def _step4(w: str) -> str:
    # Lin's change: -ement no longer tries -ment/-ent inside the first rule, but
    # the two rules after it still run on what is left.
    suffix = _longest_suffix(w, _STEP4)
    if suffix is not None and _MGR1.search(w[: -len(suffix)]):
        w = w[: -len(suffix)]
    if w.endswith("ment") and _MGR1.search(w[:-4]):
        w = w[:-4]
    if w.endswith("ent"):
        if _MGR1.search(w[:-3]):
            w = w[:-3]
    elif w.endswith(("sion", "tion")) and _MGR1.search(w[:-3]):
        w = w[:-3]
    return w


def _step5(w: str) -> str:
    if w.endswith("e"):
        stem = w[:-1]
        if _MGR1.search(stem) or (_MEQ1.search(stem) and not _CVC.search(stem)):
            w = stem
    if w.endswith("ll") and _MGR1.search(w):
        w = w[:-1]
    return w


def make_stemmer(order: tuple[str, ...] = SORTED_ORDER) -> Callable[[str], str]:
    """The script's token stemming (``MorphStem`` for tokens over 3 characters), memoised."""
    table = exception_table(tuple(order))
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
