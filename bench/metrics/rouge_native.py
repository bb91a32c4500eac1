"""The compiled path of the fast ROUGE scorer (bench.kernel's C), same numbers as
rouge-score and as the pure-Python path (bench.metrics.rouge_python).

rouge-score's tokenizer (with or without NLTK's Porter stemmer) runs wholly in C,
from the raw texts to the scores, on threads that release the GIL:
``score_texts``. Any other tokenizer: texts are scanned in C into word ids; each
distinct word is normalized (stemmed) once per scorer by the tokenizer's own
Python ``normalize``; every pair is then scored in C (the GIL released). Several
cores: ``score_forked``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from bench.kernel import native
from bench.kernel.sentences import compiled_splitter
from bench.kernel.vocabulary import make_vocabulary, stems_in_c
from bench.metrics import forked
from bench.tokenizers.words import WordTokenizer


class NativeRouge:
    """Scores (prediction, reference) text pairs in C; see ``score``."""

    implementation = "c"

    def __init__(self, tokenizer: WordTokenizer) -> None:
        self.tokenizer = tokenizer
        self._kernel = native()
        self._vocabulary = make_vocabulary(tokenizer)
        self._stems_in_c = stems_in_c(tokenizer)

    def single_references(self, references: object) -> list[str] | None:
        """Each prediction's one reference, or None unless every entry of ``references``
        (a list) is a one-element list or tuple of a plain str (checked in one C pass)."""
        return self._kernel.single_references(references)

    def can_score_texts(self, split: bool) -> bool:
        """Whether ``score_texts`` reproduces this tokenizer (and the sentence splitter)."""
        return self._stems_in_c is not None and (not split or compiled_splitter() is not None)

    def score_texts(self, preds: list[str], refs: list[str], split: bool, orders: list[int], want_l: bool,
                    want_lsum: bool, threads: int, private: bool = False) -> np.ndarray:
        """Pairs (preds[k], refs[k]) from raw text to scores, wholly in C, on ``threads``
        threads (see ``can_score_texts``). ``split``: sentence lines first (rougeLsum).
        ``private``: the caller made both lists and no other code holds them (no copies)."""
        out = np.empty((len(preds), len(orders) + want_l + want_lsum, 3))
        splitter = compiled_splitter() if split else None
        self._kernel.score_texts(preds, refs, orders, want_l, want_lsum, splitter,
                                 bool(self._stems_in_c), threads, out, private)
        return out

    def score(self, texts: list[str], pred_tid: np.ndarray, ref_tid: np.ndarray, orders: list[int],
              want_l: bool, want_lsum: bool) -> np.ndarray:
        """(pairs x types x 3) precision, recall, F1 of pairs (texts[pred_tid[k]],
        texts[ref_tid[k]]); types are the rougeN ``orders``, then rougeL, then rougeLsum."""
        corpus = self._vocabulary.encode(texts)
        return self.score_corpus(corpus, pred_tid, ref_tid, orders, want_l, want_lsum)

    def score_forked(self, preds: list[str], refs: list[str], prepare: Callable[[list[str]], list[str]],
                     orders: list[int], want_l: bool, want_lsum: bool, workers: int) -> np.ndarray:
        """Pairs (preds[k], refs[k]) over ``workers`` processes, split by reference.

        Each process prepares and scans only its texts, stems only its share of the
        new words, pools the stems with the others (bench.metrics.forked), stems
        what no one else had, and scores its pairs. This process is worker 0 and
        keeps what its vocabulary learned for later calls."""
        out = forked.shared_array((len(preds), len(orders) + want_l + want_lsum, 3))

        def work(exchange: forked.Exchange) -> None:
            # Each worker takes the pairs whose reference hashes to it: a reference's
            # pairs stay together, and no one has to hand the parts out first.
            texts, pred_tid, ref_tid, chunk = self._kernel.index_texts(preds, refs, exchange.workers, exchange.index)
            scanned = self._vocabulary.scan(prepare(texts))
            mine = self._vocabulary.share(exchange.workers, exchange.index)
            self._vocabulary.normalize_pending(exchange.share(mine))
            corpus = self._vocabulary.corpus(scanned)
            out[chunk] = self.score_corpus(corpus, pred_tid, ref_tid, orders, want_l, want_lsum)

        forked.run(work, workers)
        return out

    def score_corpus(self, corpus, pred_tid: np.ndarray, ref_tid: np.ndarray, orders: list[int],
                     want_l: bool, want_lsum: bool) -> np.ndarray:
        """``score`` on texts already encoded into ``corpus``."""
        pred_tid = np.ascontiguousarray(pred_tid, dtype=np.int32)
        ref_tid = np.ascontiguousarray(ref_tid, dtype=np.int32)
        out = np.empty((len(pred_tid), len(orders) + want_l + want_lsum, 3))
        order = np.argsort(ref_tid, kind="stable").astype(np.int64)  # a reference's pairs side by side
        self._kernel.score_pairs(corpus, pred_tid, ref_tid, order, 0, len(order), orders, want_l, want_lsum, out)
        return out

    def combine(self, flat: np.ndarray, counts: list[int], rule: str) -> np.ndarray:
        """Several references per prediction (``counts[i]`` rows each): best F1 per type, or the mean."""
        first = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        out = np.empty((len(counts),) + flat.shape[1:])
        self._kernel.combine(np.ascontiguousarray(flat), first, 0 if rule == "max" else 1, out)
        return out

