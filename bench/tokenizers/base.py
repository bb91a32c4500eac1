"""The word-tokenizer contract, pluggable as in rouge-score (``tokenizer.tokenize(text)``).

A tokenizer is two steps so that fast scorers can cache the second one:
``words(text)`` splits a text into raw words, and ``normalize(word)`` turns one
word into its token (the stem) or ``None`` to drop it. ``tokenize`` composes
them. Tokenizers are chosen by name from a registry (``bench.tokenizers.registry``).
"""

from __future__ import annotations

from abc import abstractmethod
from functools import lru_cache
from typing import ClassVar

from rouge_score.tokenizers import Tokenizer

LINE_END = "\x00"  # never part of a word: words are letters and digits


class WordTokenizer(Tokenizer):
    """Base: ``tokenize = [normalize(w) for w in words(text)]`` minus dropped words.

    ``name`` is the registered name (``scoring.tokenizer``); it goes into the
    score signature, so a tokenizer whose output changes needs a new name.
    """

    name: ClassVar[str] = "base"
    description: ClassVar[str] = ""

    def __init__(self, use_stemmer: bool = True) -> None:
        from bench.tokenizers.porter import make_porter_stemmer

        self.use_stemmer = use_stemmer
        self._stemmer = make_porter_stemmer() if use_stemmer else None
        self.normalize = lru_cache(maxsize=500_000)(self._normalize)

    @abstractmethod
    def words(self, text: str) -> list[str]:
        """The raw words of ``text``, in order."""

    @abstractmethod
    def _normalize(self, word: str) -> str | None:
        """One word's token (e.g. its stem), or None to drop it."""

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
