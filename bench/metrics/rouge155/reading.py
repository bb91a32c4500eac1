"""Every distinct text read once, as the script reads it, into integer token ids.

A ``Reading`` holds the two views the script takes of one summary: the joined
text (``readText``: n-grams, skip-bigrams, the unigram counts that clip
ROUGE-L/W and the peer length of their precision) and the sentences
(``readText_LCS``: ROUGE-L/W). Tokens become ids of their (stemmed) strings,
so equal ids mean the script's ``eq``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from bench.metrics.rouge155.options import Rouge155Options
from bench.metrics.rouge155.release import stopwords_path
from bench.metrics.rouge155.stem import make_stemmer
from bench.metrics.rouge155.tokenize import WORD, joined_text, lines_of, make_tokenizer, read_stopwords, sentence_texts


@dataclass
class Readings:
    """Token ids of many texts: text k's joined tokens are ``flat[starts[k]:starts[k+1]]``."""

    flat: np.ndarray  # int64 token ids, all texts one after another
    starts: np.ndarray  # int64, len(texts) + 1
    sentences: list[list[list[int]]]  # per text, per sentence (readText_LCS), token ids
    vocabulary: list[str]  # id -> token string

    def tokens(self, k: int) -> np.ndarray:
        return self.flat[self.starts[k] : self.starts[k + 1]]

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.starts)


class Reader:
    """Reads texts with one set of options; words are stemmed and given ids once per reader."""

    def __init__(self, options: Rouge155Options) -> None:
        self.options = options
        stopwords = read_stopwords(stopwords_path()) if options.remove_stopwords else frozenset()
        self._tokenize = make_tokenizer(stopwords, make_stemmer() if options.stem else None)
        self._ids: dict[str, int] = {}
        self._word_ids: dict[bytes, int] = {}  # raw [a-z0-9]+ word -> token id, or -1 for a stopword
        self.vocabulary: list[str] = []

    def read(self, texts: Iterable[str], need_sentences: bool) -> Readings:
        words, nbytes = self.options.length_words, self.options.length_bytes
        flat: list[int] = []
        lengths: list[int] = []
        sentences: list[list[list[int]]] = []
        for text in texts:
            lines = lines_of(text)
            if words or nbytes:
                per_sentence = [self._encode(s) for s in sentence_texts(lines, words, nbytes)]
            else:
                per_sentence = [self._encode(s) for s in lines]
            if nbytes:  # the two views differ only under -b (see tokenize.sentence_texts)
                joined = self._encode(joined_text(lines, words, nbytes))
            else:
                joined = per_sentence[0] if len(per_sentence) == 1 else [t for s in per_sentence for t in s]
            flat.extend(joined)
            lengths.append(len(joined))
            if need_sentences:
                sentences.append(per_sentence)
        starts = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        return Readings(np.array(flat, dtype=np.int64), starts, sentences, self.vocabulary)

    def _encode(self, text: bytes) -> list[int]:
        """Token ids of one text: its words looked up at C speed, new words added first."""
        raw = WORD.findall(text)
        lookup = self._word_ids
        try:
            ids = list(map(lookup.__getitem__, raw))
        except KeyError:
            for word in raw:
                if word not in lookup:
                    lookup[word] = self._new_word(word)
            ids = list(map(lookup.__getitem__, raw))
        return [i for i in ids if i >= 0] if self.options.remove_stopwords else ids

    def _new_word(self, word: bytes) -> int:
        tokens = self._tokenize(word)
        if not tokens:
            return -1  # a stopword
        (token,) = tokens
        found = self._ids.get(token)
        if found is None:
            found = self._ids[token] = len(self.vocabulary)
            self.vocabulary.append(token)
        return found
