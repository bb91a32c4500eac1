"""The averages ROUGE-1.5.5 reports: its bootstrap, reproduced digit for digit.

The script never prints the plain mean. For each score column it sorts the
document ids as strings (``"<doc id>.<system id>"``), then for resample
i = 0 .. r-1 calls ``srand(i)`` and draws N indices with ``int(rand(N))``,
averages the drawn per-document scores (the 5-decimal values it printed),
sorts the r averages and reports their mean, with the interval read off the
sorted averages at ``(100 - c) / 2`` percent from each end (interpolated as the
script does). Perl's ``rand`` is its own drand48: a 48-bit LCG seeded with
``(seed << 16) + 0x330E``, reproduced here in numpy.

Speed without losing a digit: the per-document scores are integers (1e-5
units), so each resample's sum is an exact integer, and all of them come
from one matrix product of the draw counts with the scores. The script sums
doubles in draw order, which differs from the exact sum by far less than
1e-6 of a unit; only a result that lands that close to a rounding half is
recomputed with the script's own floating-point sums in its order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Sequence

import numpy as np

from bench.metrics.rouge155.fixed import UNIT

_MULT, _ADD, _MASK = 0x5DEECE66D, 0xB, (1 << 48) - 1
_SEED0 = 0x330E
_SAFE = 1e-6  # distance from a rounding half (in 1e-5 units) below which the exact path runs
_CHUNK = 128  # resamples drawn at once
_KEEP_FLOAT = 1 << 25  # draw counts kept as float64 up to 256 MB


@dataclass(frozen=True)
class ScriptAverage:
    """One column's reported average and interval, as the printed 5-decimal values."""

    mean: float
    ci_low: float
    ci_high: float


def files2rouge_ids(n: int) -> list[str]:
    """The EVAL ids the script sees when line-aligned files go through files2rouge (or
    pyrouge with files named ``s.<line>.txt``): line k is written to ``s.<k>.txt``, and the
    files, sorted as strings, are numbered 1, 2, ... (the system id is then ``1``)."""
    ids = [""] * n
    for rank, line in enumerate(sorted(range(n), key=lambda k: f"s.{k}.txt"), start=1):
        ids[line] = str(rank)
    return ids


def script_order(ids: Sequence[str], system_id: str = "A") -> np.ndarray:
    """Document positions in the script's order: ids sorted as ``"<id>.<system id>"`` strings."""
    if len(set(ids)) != len(ids):
        raise ValueError("document ids must be unique")
    keys = [f"{doc}.{system_id}" for doc in ids]
    return np.array(sorted(range(len(ids)), key=keys.__getitem__), dtype=np.int64)


def script_averages(
    units: np.ndarray, ids: Sequence[str], resamples: int = 1000, confidence: float = 95.0, system_id: str = "A"
) -> list[ScriptAverage]:
    """Per column of ``units`` (documents x columns, 1e-5 units), what the script prints."""
    units = np.asarray(units, dtype=np.int64)
    if units.ndim != 2 or units.shape[0] != len(ids):
        raise ValueError("units must be (documents x columns), one row per id")
    if not len(ids):
        raise ValueError("no documents to average")
    values = units[script_order(ids, system_id)]
    sums = _resample_sums(values, resamples)  # resamples x columns, exact integers
    n = len(ids)
    low_at, high_at, fraction = _interval_positions(resamples, confidence)
    out = []
    for c in range(values.shape[1]):
        column = np.sort(sums[:, c])
        mean = _exact_mean(column, n, resamples)
        low = _interpolate(column / n, low_at, fraction)
        high = _interpolate(column / n, high_at, fraction)
        if min(_to_half(mean), _to_half(low), _to_half(high)) < _SAFE:
            mean, low, high = _script_float_path(values[:, c], resamples, low_at, high_at, fraction)
        out.append(ScriptAverage(_printed(mean), _printed(low), _printed(high)))
    return out


# ----- Perl's drand48 and the draws -----------------------------------------
@lru_cache(maxsize=4)
def _jump_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    """x_k = A_k * x_0 + C_k (mod 2^48) for k = 1..n."""
    a = np.empty(n, np.uint64)
    c = np.empty(n, np.uint64)
    ak, ck = 1, 0
    for k in range(n):
        ak, ck = (ak * _MULT) & _MASK, (ck * _MULT + _ADD) & _MASK
        a[k], c[k] = ak, ck
    return a, c


def draws(n: int, seeds: np.ndarray) -> np.ndarray:
    """``srand(s); int(rand(n))`` n times, for each seed: (seeds x n) int64."""
    a, c = _jump_tables(n)
    x0 = (np.asarray(seeds, np.uint64) << np.uint64(16)) + np.uint64(_SEED0)
    states = (x0[:, None] * a[None, :] + c[None, :]) & np.uint64(_MASK)  # uint64 wraps mod 2^64
    return (float(n) * (states.astype(np.float64) * 2.0**-48)).astype(np.int64)


@lru_cache(maxsize=1)
def _draw_counts(n: int, resamples: int) -> np.ndarray:
    """How often each document is drawn in each resample: (resamples x n), as float64 for
    the matrix product when that fits in memory (the usual case), else as uint16."""
    dtype = np.float64 if resamples * n <= _KEEP_FLOAT else np.uint16
    out = np.empty((resamples, n), dtype)
    for start in range(0, resamples, _CHUNK):
        seeds = np.arange(start, min(start + _CHUNK, resamples))
        idx = draws(n, seeds) + (np.arange(len(seeds)) * n)[:, None]
        out[start : start + len(seeds)] = np.bincount(idx.ravel(), minlength=len(seeds) * n).reshape(len(seeds), n)
    return out


def _resample_sums(values: np.ndarray, resamples: int) -> np.ndarray:
    counts = _draw_counts(values.shape[0], resamples)
    weights = values.astype(np.float64)  # integers below 2^53: the product is exact
    if counts.dtype == np.float64:
        return counts @ weights
    sums = np.empty((resamples, values.shape[1]))
    for start in range(0, resamples, _CHUNK):
        sums[start : start + _CHUNK] = counts[start : start + _CHUNK].astype(np.float64) @ weights
    return sums


# ----- from resample sums to printed values --------------------------------
def _interval_positions(resamples: int, confidence: float) -> tuple[tuple[int, int], tuple[int, int], float]:
    delta = resamples * ((100 - confidence) / 2.0) / 100.0
    upper = int(resamples - delta - 1)
    lower = int(delta)
    return (lower, lower + 1), (upper, upper + 1), resamples - delta - 1 - upper


def _interpolate(sorted_values: np.ndarray, at: tuple[int, int], fraction: float) -> float:
    """``a[i] + (a[i+1] - a[i]) * fraction``; Perl reads past the end as 0."""
    get = lambda i: float(sorted_values[i]) if 0 <= i < len(sorted_values) else 0.0  # noqa: E731
    return get(at[0]) + (get(at[1]) - get(at[0])) * fraction


def _exact_mean(sorted_sums: np.ndarray, n: int, resamples: int) -> float:
    """The mean of the resample means in 1e-5 units (exact up to one rounding)."""
    total = int(sorted_sums.astype(np.int64).sum())
    return total / (n * resamples)


def _to_half(units: float) -> float:
    """Distance of a value (in 1e-5 units) from the nearest rounding half."""
    return abs(units - np.floor(units) - 0.5)


def _printed(units: float) -> float:
    """The 5-decimal value printed for ``units`` / 1e5 (not near a half, so rint is exact)."""
    return float(np.rint(units)) / UNIT


def _script_float_path(
    column: np.ndarray, resamples: int, low_at, high_at, fraction: float
) -> tuple[float, float, float]:
    """The script's own arithmetic for one column, in its order (slow; used near a half)."""
    n = len(column)
    scores = column / UNIT  # the doubles Perl reads from the printed scores
    means = np.empty(resamples)
    for start in range(0, resamples, _CHUNK):
        seeds = np.arange(start, min(start + _CHUNK, resamples))
        means[start : start + len(seeds)] = np.cumsum(scores[draws(n, seeds)], axis=1)[:, -1] / n
    means.sort()
    total = float(np.cumsum(means)[-1])
    values = [total / resamples, _interpolate(means, low_at, fraction), _interpolate(means, high_at, fraction)]
    return tuple(_units_of_printed(v) for v in values)


def _units_of_printed(value: float) -> float:
    return float(Decimal(f"{value:.5f}") * UNIT)
