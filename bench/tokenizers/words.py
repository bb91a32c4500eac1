"""ROUGE word tokenizers, pluggable as in rouge-score (``tokenizer.tokenize(text)``).

A tokenizer is two steps so that fast scorers can cache the second one:
``words(text)`` splits a text into raw words, and ``normalize(word)`` turns one
word into its token (the stem) or ``None`` to drop it. ``tokenize`` composes them.

``rouge-score`` is rouge-score's own default tokenizer (lower-case, keep only
[a-z0-9] runs, Porter-stem words longer than 3 characters), so scores match it.
``unicode`` (bench.tokenizers.unicode) keeps letters and digits of any script.
"""

from __future__ import annotations

from functools import lru_cache

from rouge_score import tokenize as _rs_tokenize
from rouge_score.tokenizers import Tokenizer

from bench.errors import ConfigError

TOKENIZERS = ("rouge-score", "unicode")
LINE_END = "\x00"  # never part of a word: words are letters and digits
_KEPT = b"abcdefghijklmnopqrstuvwxyz0123456789\n"
_BYTE_TABLE = bytes(c if c in _KEPT else 0x20 for c in range(256))


class WordTokenizer(Tokenizer):
    """Base: ``tokenize = [normalize(w) for w in words(text)]`` minus dropped words."""

    name = "base"

    def __init__(self, use_stemmer: bool = True) -> None:
        from bench.tokenizers.porter import make_porter_stemmer

        self.use_stemmer = use_stemmer
        self._stemmer = make_porter_stemmer() if use_stemmer else None
        self.normalize = lru_cache(maxsize=500_000)(self._normalize)

    def words(self, text: str) -> list[str]:
        raise NotImplementedError

    def _normalize(self, word: str) -> str | None:
        raise NotImplementedError

    def words_by_line(self, text: str) -> list[str]:
        """Every line's words, each line followed by LINE_END (a fast path for scorers)."""
        out: list[str] = []
        for line in text.split("\n"):
            out.extend(self.words(line))
            out.append(LINE_END)
        return out

    def tokenize(self, text: str) -> list[str]:
        normalize = self.normalize
        tokens = [normalize(w) for w in self.words(text)]
        return [t for t in tokens if t]


class RougeScoreTokenizer(WordTokenizer):
    """rouge-score's default tokenization, with an optional Porter stemmer."""

    name = "rouge-score"

    def words(self, text: str) -> list[str]:
        # After the substitution only [a-z0-9] and spaces are left, so str.split()
        # equals rouge-score's SPACES_RE.split() minus the empty strings it drops.
        return _rs_tokenize.NON_ALPHANUM_RE.sub(" ", text.lower()).split()

    def words_by_line(self, text: str) -> list[str]:
        # One pass over the whole text; newlines survive it and become LINE_END.
        # str.lower() first (as rouge-score); then one byte-table pass blanks every
        # byte outside [a-z0-9\n], and every UTF-8 byte of a non-ASCII character.
        cleaned = text.lower().encode("utf-8", "surrogatepass").translate(_BYTE_TABLE).decode("ascii")
        return (cleaned + "\n").replace("\n", f" {LINE_END} ").split()

    def _normalize(self, word: str) -> str | None:
        if self._stemmer is not None and len(word) > 3:
            word = self._stemmer.stem(word)
        return word if _rs_tokenize.VALID_TOKEN_RE.match(word) else None

    @staticmethod
    def dropped_letters(text: str) -> tuple[int, int]:
        """(letters and digits the tokenizer throws away, all letters and digits)."""
        if text.isascii():
            return 0, 0  # nothing outside [a-z0-9] that is alphanumeric can be lost
        lowered = text.lower()
        total = sum(1 for c in lowered if c.isalnum())
        kept = sum(1 for c in lowered if c.isascii() and c.isalnum())
        return total - kept, total


def make_tokenizer(name: str, use_stemmer: bool = True) -> WordTokenizer:
    """The word tokenizer called ``name`` in ``scoring.tokenizer``."""
    if name == "rouge-score":
        return RougeScoreTokenizer(use_stemmer)
    if name == "unicode":
        from bench.tokenizers.unicode import UnicodeTokenizer

        return UnicodeTokenizer(use_stemmer)
    raise ConfigError(f"scoring.tokenizer: unknown tokenizer {name!r}; use one of {', '.join(TOKENIZERS)}")
