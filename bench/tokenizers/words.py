"""``rouge-score``: rouge-score's own default tokenizer, so scores match it.

Lower-case, keep only [a-z0-9] runs, Porter-stem words longer than 3
characters. (``LINE_END``, ``WordTokenizer`` and ``make_tokenizer`` are
re-exported from ``base`` and ``registry`` for the modules that import them
from here.)
"""

from __future__ import annotations

from rouge_score import tokenize as _rs_tokenize

from bench.tokenizers.base import LINE_END, WordTokenizer
from bench.tokenizers.registry import make_tokenizer

__all__ = ["LINE_END", "RougeScoreTokenizer", "WordTokenizer", "make_tokenizer"]

_KEPT = b"abcdefghijklmnopqrstuvwxyz0123456789\n"
_BYTE_TABLE = bytes(c if c in _KEPT else 0x20 for c in range(256))


class RougeScoreTokenizer(WordTokenizer):
    """rouge-score's default tokenization, with an optional Porter stemmer."""

    name = "rouge-score"
    description = "rouge-score's own: lower-case [a-z0-9] words, Porter stems for words over 3 letters"

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
