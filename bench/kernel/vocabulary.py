"""A compiled vocabulary that tokenizes exactly as a given word tokenizer does.

The C scans mirror two tokenizers rule for rule: rouge-score's (lower-case,
[a-z0-9] runs) and the unicode one (NFKC, case folding, runs of letters, marks
and digits, Han/Hiragana/Katakana one character a token). Any other tokenizer
(a plugin's, a subclass that changes how words are found) still gets C word ids
and scoring, with its words taken from its own ``words_by_line``. Either way
every distinct word is normalized (stemmed) once, by the tokenizer's own
``normalize``, so tokens are the tokenizer's tokens.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from bench.kernel import native
from bench.tokenizers import unicode as unicode_tokenizer
from bench.tokenizers.words import RougeScoreTokenizer, WordTokenizer, _rs_tokenize

# What the C scans implement; a tokenizer module that moves away from these falls
# back to its own words_by_line (still exact, only slower).
_ROUGE_SCORE_NON_ALPHANUM = r"[^a-z0-9]+"
_ROUGE_SCORE_VALID = r"^[a-z0-9]+$"
_UNICODE_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}"
_UNICODE_WORDS = rf"[{_UNICODE_CJK}]|[[\p{{L}}\p{{M}}\p{{N}}]--[{_UNICODE_CJK}]]+"


def scan_mode(tokenizer: WordTokenizer) -> str:
    """Which C scan reproduces ``tokenizer``'s words: rouge-score, classes or words."""
    cls = type(tokenizer)
    if (
        isinstance(tokenizer, RougeScoreTokenizer)
        and cls.words is RougeScoreTokenizer.words
        and cls.words_by_line is RougeScoreTokenizer.words_by_line
        and _rs_tokenize.NON_ALPHANUM_RE.pattern == _ROUGE_SCORE_NON_ALPHANUM
    ):
        return "rouge-score"
    if (
        isinstance(tokenizer, unicode_tokenizer.UnicodeTokenizer)
        and cls.words is unicode_tokenizer.UnicodeTokenizer.words
        and cls.words_by_line is WordTokenizer.words_by_line
        and unicode_tokenizer._WORDS.pattern == _UNICODE_WORDS
        and unicode_tokenizer._CJK == _UNICODE_CJK
    ):
        return "classes"
    return "words"


def normalize_rule(tokenizer: WordTokenizer, mode: str) -> tuple[str | None, Any]:
    """(rule, stem): when ``tokenizer.normalize`` is one of the two built-in ones, the
    Vocabulary applies it itself and calls Python only to stem (see _native.Vocabulary)."""
    cls = type(tokenizer)
    standard = getattr(tokenizer.normalize, "__wrapped__", None) == tokenizer._normalize
    stemmer = getattr(tokenizer, "_stemmer", False)
    if not standard or stemmer is False:
        return None, None
    stem = stemmer.stem if stemmer is not None else None
    if (mode == "rouge-score" and cls._normalize is RougeScoreTokenizer._normalize
            and _rs_tokenize.VALID_TOKEN_RE.pattern == _ROUGE_SCORE_VALID):
        return "rouge-score", stem
    if mode == "classes" and cls._normalize is unicode_tokenizer.UnicodeTokenizer._normalize:
        return "unicode", stem
    return None, None


def stems_in_c(tokenizer: WordTokenizer) -> bool | None:
    """For ``_native.score_texts``, which runs rouge-score's tokenizer wholly in C:
    whether ``tokenizer`` stems (True/False), or None where score_texts would not
    give its tokens (another tokenizer, or a stemmer the C port does not stand for)."""
    from bench.kernel.stemming import compiled_porter

    mode = scan_mode(tokenizer)
    rule, stem = normalize_rule(tokenizer, mode)
    if native() is None or mode != "rouge-score" or rule != "rouge-score":
        return None
    if stem is None:
        return False
    return True if compiled_porter(stem) else None


def make_vocabulary(tokenizer: WordTokenizer) -> Any:
    """A ``_native.Vocabulary`` for ``tokenizer`` (the compiled kernel must be there)."""
    kernel = native()
    if kernel is None:
        raise RuntimeError("the compiled kernel is not available")
    from bench.kernel.stemming import compiled_porter

    mode = scan_mode(tokenizer)
    rule, stem = normalize_rule(tokenizer, mode)
    c_stem = rule is not None and compiled_porter(stem)
    if mode == "classes":
        return kernel.Vocabulary(mode, tokenizer.normalize, classes=unicode_classes(), prepare=_nfkc_casefold,
                                 rule=rule, stem=stem, c_stem=c_stem)
    if mode == "words":
        return kernel.Vocabulary(mode, tokenizer.normalize, words_by_line=tokenizer.words_by_line)
    return kernel.Vocabulary(mode, tokenizer.normalize, rule=rule, stem=stem, c_stem=c_stem)


def _nfkc_casefold(text: str) -> str:
    # UnicodeTokenizer.words: the whole text at once is the same as line by line
    # (a newline never composes with its neighbours, and case folding is per character).
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=1)
def unicode_classes() -> bytes:
    """One class per code point for the unicode tokenizer's scan, from the very regex
    module it uses: 1 in a word, 2 a word by itself (CJK), 3 a line end, 0 between words."""
    import numpy as np
    import regex

    everything = "".join(map(chr, range(0x110000)))
    classes = np.zeros(0x110000, dtype=np.uint8)
    for match in regex.finditer(r"[\p{L}\p{M}\p{N}]+", everything):
        classes[match.start() : match.end()] = 1
    for match in regex.finditer(rf"[{_UNICODE_CJK}]+", everything):
        classes[match.start() : match.end()] = 2
    classes[ord("\n")] = 3
    return classes.tobytes()
