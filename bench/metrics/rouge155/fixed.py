"""The script's ``sprintf("%7.5f", x)`` for whole arrays, exactly.

Every per-document score the script prints, and every F it derives, is a
double rounded to 5 decimals by C's printf: round half to even on the
double's exact binary value (1/64 = 0.015625 prints 0.01562). Scores are
kept as integers in units of 1e-5, the printed digits, so nothing is lost
between the rounding and the averages. ``x * 1e5`` rounded is right except
within a hair of a half; those few values go through Python's own correctly
rounded formatting.
"""

from __future__ import annotations

import numpy as np

UNIT = 100000  # 5 decimals
_NEAR_HALF = 1e-6  # |x*1e5 - (k + 1/2)| below this: decide with exact formatting


def round5(values: np.ndarray) -> np.ndarray:
    """``sprintf("%7.5f")`` of non-negative doubles, as int64 counts of 1e-5."""
    values = np.asarray(values, dtype=np.float64)
    scaled = values * UNIT
    units = np.rint(scaled)
    near = np.abs(scaled - np.floor(scaled) - 0.5) < _NEAR_HALF
    for k in np.flatnonzero(near):
        units[k] = int(f"{values[k]:.5f}".replace(".", ""))
    return units.astype(np.int64)


def ratio_units(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``sprintf("%7.5f", a / b)``, or 0 where ``b`` is 0 (the script's guard)."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    safe = np.where(denominator != 0, denominator, 1.0)
    return np.where(denominator != 0, round5(numerator / safe), 0)


def f_units(recall: np.ndarray, precision: np.ndarray, alpha: float) -> np.ndarray:
    """The script's F from its already rounded R and P: P*R / ((1-alpha)*P + alpha*R), rounded."""
    r = recall / UNIT  # the double a 5-decimal string reads as
    p = precision / UNIT
    denominator = (1 - alpha) * p + alpha * r
    safe = np.where(denominator > 0, denominator, 1.0)
    return np.where(denominator > 0, round5((p * r) / safe), 0)
