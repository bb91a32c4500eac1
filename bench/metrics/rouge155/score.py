"""Per-document ROUGE-1.5.5 scores: what the script prints with ``-d``, digit for digit.

For each document the script compares the summary (peer) with each reference
(model) and combines them by ``-f``:

- ``A`` adds up the hits and both sides' counts over the references (the
  summary's count once per reference), then R = hits / model count and
  P = hits / peer count;
- ``B`` keeps the one reference with the highest score (ROUGE-N/S: its recall
  rounded to 5 decimals; ROUGE-L/W: its unrounded recall), the first on ties.

R and P are rounded to 5 decimals, and F is computed from the rounded values.
Scores are returned as integer counts of 1e-5 (``fixed.UNIT``): exactly the
printed digits.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np

from bench.metrics.rouge155.counts import ngram_grams, overlaps, skip_grams
from bench.metrics.rouge155.fixed import UNIT, f_units, ratio_units, round5
from bench.metrics.rouge155.lcs import document_lcs, document_wlcs, lcs_lengths, weight
from bench.metrics.rouge155.options import Rouge155Options
from bench.metrics.rouge155.reading import Reader, Readings

class Rouge155Scorer:
    """Scores summaries against their references as ROUGE-1.5.5 does, with these options."""

    def __init__(self, options: Rouge155Options | None = None) -> None:
        self.options = options or Rouge155Options()
        self.types = self.options.score_types()
        self._reader = Reader(self.options)

    def score_batch(self, predictions: Sequence[str], references: Sequence[Sequence[str]]) -> list[dict]:
        """Per document, ``{type: {"p": .., "r": .., "f": ..}}`` as the script prints them."""
        units = self.score_units(predictions, references)
        out: list[dict] = [{} for _ in predictions]
        for name, table in units.items():
            for row, scores in zip(table.tolist(), out):
                scores[name] = {"p": row[1] / UNIT, "r": row[0] / UNIT, "f": row[2] / UNIT}
        return out

    def score_units(self, predictions: Sequence[str], references: Sequence[Sequence[str]]) -> dict[str, np.ndarray]:
        """Per type, a (documents x 3) int64 array of R, P, F in units of 1e-5."""
        pairs = _Pairs.build(predictions, references)
        options = self.options
        readings = self._reader.read(pairs.texts)
        out: dict[str, np.ndarray] = {}
        for n in range(1, options.n + 1):
            grams = ngram_grams(readings, n)
            out[f"ROUGE-{n}"] = pairs.combine_counts(*overlaps(grams, pairs.peer, pairs.model), options)
        if options.rouge_l:
            out["ROUGE-L"] = self._lcs_scores(pairs, readings)
        if options.wlcs_weight is not None:
            name = next(t for t in self.types if t.startswith("ROUGE-W-"))
            out[name] = self._wlcs_scores(pairs, readings)
        if options.skip_distance is not None:
            for name in (t for t in self.types if t.startswith("ROUGE-S")):
                grams = skip_grams(readings, options.skip_distance, unigrams=name.startswith("ROUGE-SU"))
                out[name] = pairs.combine_counts(*overlaps(grams, pairs.peer, pairs.model), options)
        return {name: out[name] for name in self.types}

    # ----- ROUGE-L / ROUGE-W: one (summary, reference) pair at a time -------
    def _lcs_scores(self, pairs: "_Pairs", readings: Readings) -> np.ndarray:
        hits, bases = self._lcs_hits(pairs, readings)
        peer_counts = readings.lengths[pairs.peer]
        if self.options.formula == "A":
            return _prf(*(np.bincount(pairs.owner, weights=v, minlength=pairs.documents) for v in
                          (hits, bases, peer_counts)), self.options.alpha)
        score = np.where(bases > 0, hits / np.where(bases > 0, bases, 1), 0.0)  # lcs(): unrounded
        best = pairs.first_best(score)
        return _prf(hits[best], bases[best], peer_counts[best], self.options.alpha)

    def _lcs_hits(self, pairs: "_Pairs", readings: Readings) -> tuple[np.ndarray, np.ndarray]:
        """Per pair, the script's ROUGE-L hits and reference length."""
        sentences = readings.sentence_counts
        # One sentence a side, same tokens as the unigram counts (no -b): no mark can be
        # clipped, so the hits are the LCS length of the two token sequences.
        simple = (sentences[pairs.peer] == 1) & (sentences[pairs.model] == 1) & (not self.options.length_bytes)
        hits = np.zeros(len(pairs.peer), np.int64)
        bases = readings.lengths[pairs.model].copy()
        where = np.flatnonzero(simple)
        hits[where] = lcs_lengths(readings.flat, readings.starts, pairs.peer[where], pairs.model[where])
        for k in np.flatnonzero(~simple).tolist():
            p, m = int(pairs.peer[k]), int(pairs.model[k])
            hits[k], bases[k] = document_lcs(readings.sentences(m), readings.sentences(p),
                                             Counter(readings.tokens(m).tolist()), Counter(readings.tokens(p).tolist()))
        return hits, bases

    def _wlcs_scores(self, pairs: "_Pairs", readings: Readings) -> np.ndarray:
        power = float(self.options.wlcs_weight)
        inverse = 1 / power
        peer_counts = readings.lengths[pairs.peer].tolist()
        totals = np.zeros((pairs.documents, 3))  # hits, model weight, peer weight
        best = np.full(pairs.documents, -1.0)
        for k, (p, m) in enumerate(zip(pairs.peer.tolist(), pairs.model.tolist())):
            hit, base = document_wlcs(readings.sentences(m), readings.sentences(p),
                                      Counter(readings.tokens(m).tolist()), Counter(readings.tokens(p).tolist()),
                                      power)
            row = (hit, weight(base, power), weight(peer_counts[k], power))
            d = pairs.owner[k]
            if self.options.formula == "A":
                totals[d] = [totals[d][i] + row[i] for i in range(3)]
                continue
            score = (hit / base) ** inverse if base else 0.0  # the script dies on base 0; we score it 0
            if score > best[d]:
                best[d] = score
                totals[d] = row
        hit, model, peer = totals.T
        recall = _wlcs_units(hit, model, inverse)
        precision = _wlcs_units(hit, peer, inverse)
        return np.stack([recall, precision, f_units(recall, precision, self.options.alpha)], axis=1)


class _Pairs:
    """Documents flattened to (summary, reference) pairs over distinct texts."""

    def __init__(self, texts: list[str], peer: np.ndarray, model: np.ndarray, owner: np.ndarray, documents: int):
        self.texts, self.peer, self.model, self.owner, self.documents = texts, peer, model, owner, documents

    @classmethod
    def build(cls, predictions: Sequence[str], references: Sequence[Sequence[str]]) -> "_Pairs":
        if len(predictions) != len(references):
            raise ValueError(f"{len(predictions)} predictions but {len(references)} reference lists")
        index: dict[str, int] = {}
        add = index.setdefault
        for refs in references:
            if isinstance(refs, str):
                raise TypeError("references must be sequences of strings, not one string")
        sizes = [len(refs) for refs in references]
        if 0 in sizes:
            raise ValueError(f"document {sizes.index(0)} has no reference")
        peer_of_doc = [add(p, len(index)) for p in predictions]
        model = [add(ref, len(index)) for refs in references for ref in refs]
        owner = np.repeat(np.arange(len(predictions)), sizes)
        peer = np.array(peer_of_doc, dtype=np.int64)[owner]
        as_array = lambda values: np.array(values, dtype=np.int64)  # noqa: E731
        return cls(list(index), peer, as_array(model), owner.astype(np.int64), len(predictions))

    def first_best(self, score: np.ndarray) -> np.ndarray:
        """Per document, the pair with the highest score, the first of equals (``-f B``)."""
        order = np.lexsort((np.arange(len(score)), -score, self.owner))
        starts = np.searchsorted(self.owner[order], np.arange(self.documents))
        return order[starts]

    def combine_counts(self, hits: np.ndarray, peer: np.ndarray, model: np.ndarray, options) -> np.ndarray:
        """ROUGE-N/S scores per document from per-pair hits and counts, by ``-f``."""
        if options.formula == "A":
            sums = [np.bincount(self.owner, weights=v, minlength=self.documents) for v in (hits, model, peer)]
            return _prf(*sums, options.alpha)
        best = self.first_best(ratio_units(hits, model).astype(np.float64))  # ngramScore: rounded recall
        return _prf(hits[best], model[best], peer[best], options.alpha)


def _prf(hits: np.ndarray, model: np.ndarray, peer: np.ndarray, alpha: float) -> np.ndarray:
    recall = ratio_units(hits, model)
    precision = ratio_units(hits, peer)
    return np.stack([recall, precision, f_units(recall, precision, alpha)], axis=1)


def _wlcs_units(hit: np.ndarray, total: np.ndarray, inverse: float) -> np.ndarray:
    safe = np.where(total != 0, total, 1.0)
    return np.where(total != 0, round5((hit / safe) ** inverse), 0)
