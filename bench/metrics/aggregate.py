"""From per-article scores to what a run reports: plain means with a seeded
percentile-bootstrap confidence interval (never a median, never unseeded)."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from bench.metrics.rouge import PairScores
from bench.metrics.significance import resampled_sums


def score_matrix(scores: Sequence[PairScores], rouge_types: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Per-article scores as an (articles x columns) array; columns like ``rouge1.f``."""
    columns = [f"{t}.{k}" for t in rouge_types for k in "prf"]
    matrix = np.array([[s[t][k] for t in rouge_types for k in "prf"] for s in scores], dtype=np.float64)
    return matrix.reshape(len(scores), len(columns)), columns


def bootstrap_means(matrix: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """Means of ``resamples`` seeded resamples of the rows: shape (resamples, columns)."""
    return resampled_sums(matrix, resamples, seed) / matrix.shape[0]


def aggregate(
    scores: Sequence[PairScores],
    rouge_types: Sequence[str],
    resamples: int,
    seed: int,
    confidence: float = 0.95,
) -> dict[str, dict[str, dict[str, float]]]:
    """``{"rouge1": {"f": {"mean": .., "ci_low": .., "ci_high": ..}, ...}, ...}``."""
    return aggregate_matrix(*score_matrix(scores, rouge_types), resamples, seed, confidence)


def aggregate_matrix(
    matrix: np.ndarray, columns: list[str], resamples: int, seed: int, confidence: float = 0.95
) -> dict[str, dict[str, dict[str, float]]]:
    """``aggregate`` for scores already in a ``score_matrix``."""
    if not len(matrix):
        raise ValueError("no scores to aggregate")
    alpha = (1 - confidence) / 2
    if np.isnan(matrix).any():
        means, low, high = _with_gaps(matrix, resamples, seed, alpha)
    else:
        means = matrix.mean(axis=0)
        if resamples > 0 and len(matrix) > 1:
            samples = bootstrap_means(matrix, resamples, seed)
            low, high = np.quantile(samples, [alpha, 1 - alpha], axis=0)
        else:
            low = high = means
    result: dict[str, dict[str, dict[str, float]]] = {}
    for j, column in enumerate(columns):
        key, column_name = column.split(".")
        result.setdefault(key, {})[column_name] = {
            "mean": _finite(means[j]),
            "ci_low": _finite(low[j]),
            "ci_high": _finite(high[j]),
        }
    return result


def _with_gaps(matrix: np.ndarray, resamples: int, seed: int, alpha: float) -> tuple[np.ndarray, ...]:
    """Means and intervals over the articles that have a value (NaN: none), each
    bootstrap sample drawn from all articles as usual (same seeded draws)."""
    defined = ~np.isnan(matrix)
    values = np.where(defined, matrix, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = values.sum(axis=0) / defined.sum(axis=0)
        if resamples > 0 and len(matrix) > 1:
            samples = resampled_sums(values, resamples, seed) / resampled_sums(defined.astype(np.float64), resamples, seed)
            low, high = np.nanquantile(samples, [alpha, 1 - alpha], axis=0) if np.isfinite(samples).any() \
                else (means, means)
        else:
            low = high = means
    return means, low, high


def _finite(value: float) -> float | None:
    """A number for results.json; None where nothing was defined (JSON has no NaN)."""
    value = float(value)
    return value if np.isfinite(value) else None


def length_stats(texts: Sequence[str]) -> dict[str, float]:
    words = np.array([len(t.split()) for t in texts], dtype=float)
    chars = np.array([len(t) for t in texts], dtype=float)
    return {
        "words_mean": float(words.mean()) if len(texts) else 0.0,
        "chars_mean": float(chars.mean()) if len(texts) else 0.0,
        "empty": int(sum(1 for t in texts if not t.strip())),
    }
