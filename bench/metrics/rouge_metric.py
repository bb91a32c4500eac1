"""ROUGE as a registered metric (``rouge``, always on).

Its settings are the ROUGE keys of ``scoring:`` (``rouge``, ``stemmer``,
``tokenizer``, ``backend``, ``multiref``, ``workers``); each ROUGE type is a
score key with precision, recall and F1 columns. The numbers come from the
backend named by ``backend`` (see ``bench.metrics.rouge_backends``).
"""

from __future__ import annotations

from typing import Annotated, Literal, Sequence

from pydantic import AfterValidator, Field, field_validator

from bench.api.metric import ArrayScorer, ItemScores, Metric, MetricSettings, ScoreArrays, ScoreItem, ScoreKey, Scorer, items_to_arrays
from bench.errors import UnknownNameError
from bench.metrics.rouge_backends import REGISTRY as BACKENDS
from bench.metrics.rouge_backends import get_backend
from bench.metrics.rouge_types import DEFAULT_TYPES, check_rouge_types, describe, label, ngram_order

CHUNK = 20_000  # pairs per call to a backend without columnar output: bounds the per-pair dicts held at once


def _rouge_type(value: str) -> str:
    ngram_order(value)  # ValueError naming the accepted types
    return value


class RougeSettings(MetricSettings):
    """The ROUGE settings, kept at the top of ``scoring:`` in a config."""

    rouge: list[Annotated[str, AfterValidator(_rouge_type)]] = Field(default_factory=lambda: list(DEFAULT_TYPES))
    stemmer: Literal["porter", "none"] = "porter"
    # A registered word tokenizer (bench list): rouge-score, [a-z0-9] only; unicode: any script.
    tokenizer: str = "rouge-score"
    # fast: bench.metrics.fast_rouge, the same numbers as rouge-score; rouge-score: the reference.
    backend: str = "fast"
    multiref: Literal["max", "mean"] = "max"
    workers: int = Field(default=0, ge=0, le=256)  # threads (or processes) for the fast scorer; 0: up to 2

    @field_validator("rouge")
    @classmethod
    def _types(cls, value: list[str]) -> list[str]:
        return check_rouge_types(value)

    @field_validator("tokenizer")
    @classmethod
    def _registered_tokenizer(cls, value: str) -> str:
        from bench.tokenizers.registry import REGISTRY as TOKENIZERS

        try:
            return TOKENIZERS.check(value)
        except UnknownNameError as err:
            raise ValueError(str(err)) from None

    @field_validator("backend")
    @classmethod
    def _backend(cls, value: str) -> str:
        try:
            return BACKENDS.check(value)
        except UnknownNameError as err:
            raise ValueError(str(err)) from None


class RougeMetric(Metric):
    name = "rouge"
    Settings = RougeSettings
    description = ("ROUGE-N (rouge1, rouge2 ... rouge9), ROUGE-L and ROUGE-Lsum (rougeL, rougeLsum): "
                   "precision, recall, F1")
    citation = ("Chin-Yew Lin. 2004. ROUGE: A Package for Automatic Evaluation of Summaries. "
                "In Text Summarization Branches Out (ACL Workshop), pages 74-81.")
    settings: RougeSettings

    def __init__(self, settings: MetricSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        self._backend = get_backend(self.settings.backend)
        self._scorer: Scorer | None = None

    def keys(self) -> list[ScoreKey]:
        return [ScoreKey(t, ("p", "r", "f"), rankable=True, primary_column="f", label=label(t), description=describe(t))
                for t in self.settings.rouge]

    def signature(self) -> list[tuple[str, str]]:
        return self._backend.signature(self.settings)

    @property
    def scorer(self) -> Scorer:
        """The backend's scorer, made on first use (and then kept: it caches stems)."""
        if self._scorer is None:
            self._scorer = self._backend.make_scorer(self.settings)
        return self._scorer

    def score(self, items: Sequence[ScoreItem]) -> list[ItemScores]:
        return self.scorer.score_batch([i.prediction for i in items], [list(i.references) for i in items])

    def score_arrays(self, items: Sequence[ScoreItem]) -> ScoreArrays:
        return self.score_pairs([i.prediction for i in items], [list(i.references) for i in items])

    def score_pairs(self, predictions: Sequence[str], references: Sequence[Sequence[str]]) -> ScoreArrays:
        """Columnar scores straight from texts: one call when the backend is columnar
        (it then tokenizes each distinct text once), else in chunks."""
        scorer = self.scorer
        if isinstance(scorer, ArrayScorer):
            return scorer.score_arrays(predictions, references)
        import numpy as np

        keys = self.keys()
        parts = [items_to_arrays(scorer.score_batch(predictions[a:a + CHUNK], references[a:a + CHUNK]), keys)
                 for a in range(0, len(predictions), CHUNK)]
        return {k.name: np.concatenate([p[k.name] for p in parts]) if parts else np.zeros((0, 3)) for k in keys}
