"""ROUGE per (prediction, references) pair.

rougeLsum is always computed on sentence-split text: both sides are split with
the shared sentence splitter and joined with newlines before scoring, because
rouge-score's rougeLsum on unsplit text silently equals rougeL.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from bench.metrics.rouge_types import DEFAULT_TYPES, check_rouge_types
from bench.tokenizers.sentences import split_sentences
from bench.tokenizers.registry import make_tokenizer

ROUGE_TYPES = DEFAULT_TYPES  # the default types; any of rouge1..rouge9, rougeL, rougeLsum may be asked for
# One pair's scores: {"rouge1": {"p": .., "r": .., "f": ..}, ...}
PairScores = dict[str, dict[str, float]]


def sentence_lines(text: str) -> str:
    """The text as one sentence per line, the form rougeLsum expects."""
    return "\n".join(split_sentences(text))


def check_scorer_arguments(rouge_types: Sequence[str], multiref: str) -> None:
    """Library misuse that every scorer backend rejects the same way."""
    check_rouge_types(rouge_types)
    if multiref not in ("max", "mean"):
        raise ValueError(f"multiref must be 'max' or 'mean', not {multiref!r}")


class RougeScorer:
    """Scores prediction/reference pairs with rouge-score (the reference backend)."""


    def __init__(
        self,
        rouge_types: Sequence[str] = ROUGE_TYPES,
        use_stemmer: bool = True,
        multiref: str = "max",
        tokenizer: str = "rouge-score",
    ) -> None:
        check_scorer_arguments(rouge_types, multiref)
        from rouge_score import rouge_scorer

        self.rouge_types = list(rouge_types)
        self.use_stemmer = use_stemmer
        self.multiref = multiref
        self.tokenizer = make_tokenizer(tokenizer, use_stemmer)
        self._scorer = rouge_scorer.RougeScorer(self.rouge_types, tokenizer=self.tokenizer)

    def score(self, prediction: str, references: Sequence[str]) -> PairScores:
        if isinstance(references, str):
            raise TypeError("references must be a sequence of strings, not one string")
        if not references:
            raise ValueError("at least one reference is needed")
        prediction = sentence_lines(prediction)
        per_reference = [self._scorer.score(sentence_lines(ref), prediction) for ref in references]
        if self.multiref == "max" or len(per_reference) == 1:
            # rouge-score's score_multi rule: per type, the reference with the best F1.
            return {
                t: _triple(max((s[t] for s in per_reference), key=lambda x: x.fmeasure)) for t in self.rouge_types
            }
        return {
            t: {k: sum(_triple(s[t])[k] for s in per_reference) / len(per_reference) for k in "prf"}
            for t in self.rouge_types
        }

    def score_batch(self, predictions: Sequence[str], references: Sequence[Sequence[str]]) -> list[PairScores]:
        if len(predictions) != len(references):
            raise ValueError(f"{len(predictions)} predictions but {len(references)} reference lists")
        return [self.score(p, r) for p, r in zip(predictions, references)]

    def score_arrays(self, predictions: Sequence[str], references: Sequence[Sequence[str]]) -> dict[str, np.ndarray]:
        """Per rouge type, a (pairs x 3) array of precision, recall, F1 (no list of dicts kept)."""
        if len(predictions) != len(references):
            raise ValueError(f"{len(predictions)} predictions but {len(references)} reference lists")
        out = {t: np.zeros((len(predictions), 3)) for t in self.rouge_types}
        for k, (prediction, refs) in enumerate(zip(predictions, references)):
            for t, triple in self.score(prediction, refs).items():
                out[t][k] = (triple["p"], triple["r"], triple["f"])
        return out


def _triple(score) -> dict[str, float]:
    return {"p": float(score.precision), "r": float(score.recall), "f": float(score.fmeasure)}
