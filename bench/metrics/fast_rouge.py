"""A fast ROUGE scorer that gives exactly rouge-score's numbers (``scoring.backend: fast``).

Same prepared text, same tokenizer, same formulas, same floating-point
operations in the same order; only the bookkeeping is faster:

- every distinct text is sentence-split and tokenized once per batch (the
  references are shared by every system), and every distinct word is stemmed
  once per scorer;
- the pairs are scored by the compiled kernel (bench.kernel, C) where it was
  built at install, else by the pure-Python path (bench.metrics.rouge_python):
  the same numbers either way; ``implementation`` says which ran;
- rouge1..rouge9, rougeL by bit-parallel LCS, rougeLsum by rouge-score's own
  summary-level union LCS (including which LCS its backtrack picks);
- large batches use several CPU cores, split by reference: rouge-score's own
  tokenizer runs wholly in C on threads that share nothing (``score_texts`` in
  bench.metrics.rouge_native); other tokenizers, whose words are stemmed in
  Python, on forked workers that share the stems they compute
  (bench.metrics.forked).
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from operator import itemgetter
from typing import Iterator, Sequence

import numpy as np

from bench.kernel import implementation as kernel_implementation
from bench.kernel.sentences import sentence_lines
from bench.kernel.texts import index_texts
from bench.kernel.vocabulary import scan_mode
from bench.metrics import forked
from bench.metrics.rouge import ROUGE_TYPES, PairScores, check_scorer_arguments
from bench.metrics.rouge_python import PythonRouge, combine
from bench.metrics.rouge_types import ngram_order
from bench.tokenizers.words import WordTokenizer, make_tokenizer

PARALLEL_MIN_PAIRS = 4000  # below this, forking costs more than it saves
THREADS_MIN_PAIRS = 1000  # below this, a second thread costs more than it saves
IMPLEMENTATIONS = ("auto", "c", "python")


class FastRougeScorer:
    """Scores prediction/reference pairs; numbers identical to rouge-score's."""

    batched = True  # evaluate() scores all systems in one call

    def __init__(
        self,
        rouge_types: Sequence[str] = ROUGE_TYPES,
        use_stemmer: bool = True,
        multiref: str = "max",
        tokenizer: WordTokenizer | str = "rouge-score",
        workers: int = 0,
        split_sentences: bool = True,
        implementation: str = "auto",
    ) -> None:
        check_scorer_arguments(rouge_types, multiref)
        if implementation not in IMPLEMENTATIONS:
            raise ValueError(f"implementation must be one of {IMPLEMENTATIONS}, not {implementation!r}")
        self.rouge_types = list(rouge_types)
        self.use_stemmer = use_stemmer
        self.multiref = multiref
        self.tokenizer = make_tokenizer(tokenizer, use_stemmer) if isinstance(tokenizer, str) else tokenizer
        self.workers = workers or min(2, _usable_cores())
        # True: split texts into sentence lines first (bench.metrics.rouge.sentence_lines),
        # as the rouge-score backend does. False: the texts are already prepared.
        self.split_sentences = split_sentences
        self.orders, self.want_l, self.want_lsum, self._column = _layout(self.rouge_types)
        # Sentence lines only change what rougeLsum sees: for rouge-score's tokenizer
        # they change no token (they only turn spaces into newlines), so skip them.
        self._split = split_sentences and (self.want_lsum or scan_mode(self.tokenizer) != "rouge-score")
        self.implementation = _resolve(implementation)
        if self.implementation == "c":
            from bench.metrics.rouge_native import NativeRouge

            self._pairs = NativeRouge(self.tokenizer)
        else:
            self._pairs = PythonRouge(self.tokenizer)

    # ----- public API -------------------------------------------------------
    def score(self, prediction: str, references: Sequence[str]) -> PairScores:
        return self.score_batch([prediction], [references])[0]

    def score_batch(self, predictions: Sequence[str], references: Sequence[Sequence[str]]) -> list[PairScores]:
        scores = self._score(predictions, references).tolist()  # pairs x types x 3
        columns = [(t, self._column[t]) for t in self.rouge_types]
        return [{t: dict(zip("prf", row[c])) for t, c in columns} for row in scores]

    def score_arrays(
        self, predictions: Sequence[str], references: Sequence[Sequence[str]]
    ) -> dict[str, np.ndarray]:
        """Per rouge type, a (pairs x 3) float array of precision, recall, F1."""
        scores = self._score(predictions, references)
        return {t: scores[:, self._column[t]] for t in self.rouge_types}

    # ----- the work ---------------------------------------------------------
    def _score(self, predictions: Sequence[str], references: Sequence[Sequence[str]]) -> np.ndarray:
        with _collector_paused():
            return self._score_all(predictions, references)

    def _score_all(self, predictions: Sequence[str], references: Sequence[Sequence[str]]) -> np.ndarray:
        if len(predictions) != len(references):
            raise ValueError(f"{len(predictions)} predictions but {len(references)} reference lists")
        single = self._pairs.single_references(references) if self.implementation == "c" else None
        if single is not None:  # one plain str each, checked and flattened in C
            return self._score_flat(list(predictions), single)
        if any(issubclass(kind, str) for kind in set(map(type, references))):
            raise TypeError("references must be sequences of strings, not one string")
        counts = list(map(len, references))
        if 0 in counts:
            raise ValueError("at least one reference is needed")
        # Flatten to single-reference pairs; multi-reference pairs are combined at the end.
        if len(counts) == sum(counts):
            preds, refs = list(predictions), list(map(itemgetter(0), references))
        else:
            preds = [p for p, n in zip(predictions, counts) for _ in range(n)]
            refs = [ref for group in references for ref in group]
        flat = self._score_flat(preds, refs)
        if len(refs) == len(predictions):
            return flat
        if self.implementation == "c":
            return self._pairs.combine(flat, counts, self.multiref)
        owner = np.repeat(np.arange(len(predictions)), counts)
        return combine(flat, owner, len(predictions), self.multiref)

    def _score_flat(self, preds: list[str], refs: list[str]) -> np.ndarray:
        if self.implementation == "c" and self._pairs.can_score_texts(self._split):
            threads = self.workers if len(preds) >= THREADS_MIN_PAIRS else 1
            return self._pairs.score_texts(preds, refs, self._split, self.orders, self.want_l, self.want_lsum,
                                           threads, private=True)  # _score_all made both lists
        parallel = self.workers >= 2 and len(preds) >= PARALLEL_MIN_PAIRS and forked.can_fork()
        if not parallel:
            return self._score_serial(preds, refs)
        if not all(issubclass(kind, str) for kind in set(map(type, preds)) | set(map(type, refs))):
            raise TypeError("predictions and references must be str")  # here, not as a worker's failure
        if self.implementation == "c":
            return self._pairs.score_forked(preds, refs, self._prepare, self.orders, self.want_l,
                                            self.want_lsum, self.workers)
        return self._score_forked(preds, refs)

    def _prepare(self, texts: list[str]) -> list[str]:
        return sentence_lines(texts) if self._split else texts

    def _score_serial(self, preds: list[str], refs: list[str]) -> np.ndarray:
        texts, pred_tid, ref_tid = index_texts(preds, refs)
        return self._pairs.score(self._prepare(texts), pred_tid, ref_tid, self.orders, self.want_l, self.want_lsum)

    def _score_forked(self, preds: list[str], refs: list[str]) -> np.ndarray:
        # Split by reference, so each worker tokenizes its own references only.
        ref_ids: dict[str, int] = {}
        part = np.array([ref_ids.setdefault(r, len(ref_ids)) for r in refs]) * self.workers // max(len(ref_ids), 1)
        chunks = [np.flatnonzero(part == w) for w in range(self.workers)]
        global _JOB
        _JOB = (self, preds, refs, chunks)
        # Freeze the parent's objects out of the garbage collector's reach: otherwise
        # each child's first collections walk (and so copy, page by page) the whole
        # inherited heap, which cost more than the scoring itself.
        gc.freeze()
        try:
            import multiprocessing

            with multiprocessing.get_context("fork").Pool(self.workers) as pool:
                parts = pool.map(_work, range(self.workers))
        finally:
            gc.unfreeze()
            _JOB = None
        out = np.zeros((len(preds), len(self._column), 3))
        for chunk, result in zip(chunks, parts):
            out[chunk] = result
        return out


def _layout(rouge_types: Sequence[str]) -> tuple[list[int], bool, bool, dict[str, int]]:
    """The kernel's column order (rougeN orders, then rougeL, then rougeLsum) and
    each type's column in it."""
    orders = [n for n in map(ngram_order, rouge_types) if n is not None]
    column = {f"rouge{n}": k for k, n in enumerate(orders)}
    want_l, want_lsum = "rougeL" in rouge_types, "rougeLsum" in rouge_types
    if want_l:
        column["rougeL"] = len(orders)
    if want_lsum:
        column["rougeLsum"] = len(orders) + want_l
    return orders, want_l, want_lsum, column


def _usable_cores() -> int:
    """The cores this process may run on (its affinity, not the machine's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while a batch is scored: it makes no reference cycles, and
    its many new containers would otherwise set off full collections of the caller's
    whole heap (with NLTK or torch loaded, tens of milliseconds each)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _resolve(asked: str) -> str:
    available = kernel_implementation()
    if asked == "c" and available != "c":
        from bench.kernel import why_not

        raise RuntimeError(f"implementation 'c' asked for, but {why_not()}")
    return available if asked == "auto" else asked


# ----- forked workers (the Python path) -----------------------------------------
_JOB: tuple | None = None


def _work(index: int) -> np.ndarray:
    gc.disable()  # a short-lived child: collections would only copy inherited pages
    scorer, preds, refs, chunks = _JOB
    chunk = chunks[index]
    return scorer._score_serial([preds[i] for i in chunk], [refs[i] for i in chunk])
