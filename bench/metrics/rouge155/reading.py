"""Every distinct text read once, as the script reads it, into integer token ids.

A ``Readings`` holds the two views the script takes of each summary: the
joined text (``readText``: n-grams, skip-bigrams, the unigram counts that
clip ROUGE-L/W and the peer length of their precision) and its sentences
(``readText_LCS``: ROUGE-L/W). Tokens become ids of their (stemmed) strings,
so equal ids mean the script's ``eq``.

Without a length limit the two views hold the same tokens, and a whole batch
is read with one regular-expression pass over all texts joined by a NUL
byte (a line break stays a sentence break); with ``-l``/``-b`` each text is
cut as the script cuts it first (``tokenize.joined_text``/``sentence_texts``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from bench.metrics.rouge155.options import Rouge155Options
from bench.metrics.rouge155.release import stopwords_path
from bench.metrics.rouge155.stem import make_stemmer
from bench.metrics.rouge155.tokenize import WORD, joined_text, lines_of, read_stopwords, sentence_texts

_DROPPED, _LINE, _TEXT = -1, -2, -3  # a stopword; a line break; the end of a text
_TOKENS_AND_BREAKS = re.compile(WORD.pattern + rb"|\n|\x00")


@dataclass
class Readings:
    """Token ids of many texts: text k's joined tokens are ``flat[starts[k]:starts[k+1]]``."""

    flat: np.ndarray  # int64 token ids, all texts one after another
    starts: np.ndarray  # int64, texts + 1
    sentence_counts: np.ndarray  # int64, sentences (lines) per text for ROUGE-L/W
    _sentences: dict[int, list[list[int]]]  # per text with several sentences (or -b), its sentences

    def tokens(self, k: int) -> np.ndarray:
        return self.flat[self.starts[k] : self.starts[k + 1]]

    def sentences(self, k: int) -> list[list[int]]:
        """Text k's sentences as ROUGE-L/W read them."""
        found = self._sentences.get(k)
        if found is not None:
            return found
        return [self.tokens(k).tolist()] if self.sentence_counts[k] else []

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.starts)


class Reader:
    """Reads texts with one set of options; words are stemmed and given ids once per reader."""

    def __init__(self, options: Rouge155Options) -> None:
        self.options = options
        self._stopwords = read_stopwords(stopwords_path()) if options.remove_stopwords else frozenset()
        self._stem = make_stemmer(tuple(options.exception_order)) if options.stem else None
        self._ids: dict[str, int] = {}
        self._word_ids: dict[bytes, int] = {b"\n": _LINE, b"\x00": _TEXT}  # raw word -> id
        self.vocabulary: list[str] = []

    def read(self, texts: Sequence[str]) -> Readings:
        if self.options.length_words or self.options.length_bytes or any("\x00" in t for t in texts):
            return self._read_one_by_one(texts)
        return self._read_at_once(texts)

    # ----- no length limit: one pass over the whole batch -------------------
    def _read_at_once(self, texts: Sequence[str]) -> Readings:
        blob = "\x00".join(texts).encode("utf-8").lower() + b"\x00"
        ids = np.array(self._lookup(_TOKENS_AND_BREAKS.findall(blob)), dtype=np.int64)
        text_end = np.flatnonzero(ids == _TEXT)
        # A text's sentences: its non-empty lines (an empty line is dropped; one of spaces is kept).
        counts = np.array([sum(1 for line in t.split("\n") if line) if "\n" in t else int(bool(t)) for t in texts],
                          np.int64)
        keep = ids >= 0
        flat = ids[keep]
        kept_before = np.concatenate(([0], np.cumsum(keep)))
        starts = np.concatenate(([0], kept_before[text_end])).astype(np.int64)
        sentences: dict[int, list[list[int]]] = {}
        for k in np.flatnonzero(counts > 1).tolist():
            sentences[k] = [self._encode(s) for s in lines_of(texts[k])]
        return Readings(flat, starts, counts, sentences)

    # ----- -l / -b: each text cut as the script cuts it ----------------------
    def _read_one_by_one(self, texts: Sequence[str]) -> Readings:
        words, nbytes = self.options.length_words, self.options.length_bytes
        flat: list[int] = []
        lengths: list[int] = []
        counts: list[int] = []
        sentences: dict[int, list[list[int]]] = {}
        for k, text in enumerate(texts):
            lines = lines_of(text)
            per_sentence = [self._encode(s) for s in sentence_texts(lines, words, nbytes)]
            if nbytes:  # the two views differ only under -b (see tokenize.sentence_texts)
                joined = self._encode(joined_text(lines, words, nbytes))
            else:
                joined = [t for s in per_sentence for t in s]
            flat.extend(joined)
            lengths.append(len(joined))
            counts.append(len(per_sentence))
            if len(per_sentence) > 1 or nbytes:
                sentences[k] = per_sentence
        starts = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        return Readings(np.array(flat, dtype=np.int64), starts, np.array(counts, np.int64), sentences)

    # ----- words to ids -----------------------------------------------------
    def _encode(self, text: bytes) -> list[int]:
        return [i for i in self._lookup(WORD.findall(text)) if i >= 0]

    def _lookup(self, raw: list[bytes]) -> list[int]:
        """Ids of raw words, looked up at C speed; new words are stemmed and added first."""
        table = self._word_ids
        for word in set(raw).difference(table):
            table[word] = self._new_word(word)
        return list(map(table.__getitem__, raw))

    def _new_word(self, word: bytes) -> int:
        """A raw ``[a-z0-9]+`` word: dropped if a stopword (-s), else stemmed (-m), then given an id."""
        if word in self._stopwords:
            return _DROPPED
        token = word.decode("ascii")
        if self._stem is not None:
            token = self._stem(token)
        found = self._ids.get(token)
        if found is None:
            found = self._ids[token] = len(self.vocabulary)
            self.vocabulary.append(token)
        return found
