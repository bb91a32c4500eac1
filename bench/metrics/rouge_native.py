"""The compiled path of the fast ROUGE scorer (bench.kernel's C), same numbers as
rouge-score and as the pure-Python path (bench.metrics.rouge_python).

Texts are scanned in C into word ids; each distinct word is normalized (stemmed)
once per scorer by the tokenizer's own Python ``normalize``; every pair is then
scored in C with the GIL released, so several threads can share the pairs.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from bench.kernel import native
from bench.kernel.vocabulary import make_vocabulary
from bench.tokenizers.words import WordTokenizer

MIN_PAIRS_PER_THREAD = 2000  # below this, a thread costs more than it saves


class NativeRouge:
    """Scores (prediction, reference) text pairs in C; see ``score``."""

    implementation = "c"

    def __init__(self, tokenizer: WordTokenizer) -> None:
        self.tokenizer = tokenizer
        self._kernel = native()
        self._vocabulary = make_vocabulary(tokenizer)

    def score(self, texts: list[str], pred_tid: np.ndarray, ref_tid: np.ndarray, orders: list[int],
              want_l: bool, want_lsum: bool, threads: int = 1) -> np.ndarray:
        """(pairs x types x 3) precision, recall, F1 of pairs (texts[pred_tid[k]],
        texts[ref_tid[k]]); types are the rougeN ``orders``, then rougeL, then rougeLsum."""
        corpus = self._vocabulary.encode(texts)
        return self.score_corpus(corpus, pred_tid, ref_tid, orders, want_l, want_lsum, threads)

    def score_corpus(self, corpus, pred_tid: np.ndarray, ref_tid: np.ndarray, orders: list[int],
                     want_l: bool, want_lsum: bool, threads: int = 1) -> np.ndarray:
        pred_tid = np.ascontiguousarray(pred_tid, dtype=np.int32)
        ref_tid = np.ascontiguousarray(ref_tid, dtype=np.int32)
        out = np.empty((len(pred_tid), len(orders) + want_l + want_lsum, 3))
        order = np.argsort(ref_tid, kind="stable").astype(np.int64)  # a reference's pairs side by side
        bounds = _split(ref_tid[order], min(threads, max(1, len(order) // MIN_PAIRS_PER_THREAD)))
        run = self._kernel.score_pairs
        if len(bounds) == 2:
            run(corpus, pred_tid, ref_tid, order, bounds[0], bounds[1], orders, want_l, want_lsum, out)
            return out
        with ThreadPoolExecutor(len(bounds) - 1) as pool:
            jobs = [pool.submit(run, corpus, pred_tid, ref_tid, order, lo, hi, orders, want_l, want_lsum, out)
                    for lo, hi in zip(bounds, bounds[1:])]
            for job in jobs:
                job.result()
        return out

    def combine(self, flat: np.ndarray, counts: list[int], rule: str) -> np.ndarray:
        """Several references per prediction (``counts[i]`` rows each): best F1 per type, or the mean."""
        first = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        out = np.empty((len(counts),) + flat.shape[1:])
        self._kernel.combine(np.ascontiguousarray(flat), first, 0 if rule == "max" else 1, out)
        return out


def _split(sorted_refs: np.ndarray, parts: int) -> list[int]:
    """Bounds cutting pairs (sorted by reference) into ``parts`` runs, never inside
    one reference's pairs (each run then builds that reference's tables once)."""
    n = len(sorted_refs)
    bounds = [0]
    for k in range(1, parts):
        cut = n * k // parts
        while 0 < cut < n and sorted_refs[cut] == sorted_refs[cut - 1]:
            cut += 1
        if bounds[-1] < cut < n:
            bounds.append(cut)
    bounds.append(n)
    return bounds
