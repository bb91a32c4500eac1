"""Bradley-Terry strengths from pairwise wins, and seeded bootstrap intervals.

The model: system i beats system j with probability p_i / (p_i + p_j). The
maximum-likelihood strengths are found with Hunter's MM algorithm (Hunter
2004, "MM algorithms for generalized Bradley-Terry models", eq. 3):

    p_i <- W_i / sum_{j != i} N_ij / (p_i + p_j)

with W_i the wins of i and N_ij the comparisons between i and j. A tie counts
as half a win each way. The MLE exists only when every system has both beaten
and lost to the others through some chain of comparisons; a judge with a
fixed taste (one system always better) breaks that, and its strengths run off
to infinity. ``prior`` therefore adds that many virtual ties between every two
systems (half a win each way): the estimate stays finite, and with hundreds of
real comparisons the prior barely moves it. Strengths are reported as
log-strengths centred on mean 0 (natural-log odds scale: a difference of 1
means odds of e to 1).
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

MAX_ITERATIONS = 100_000
TOLERANCE = 1e-10  # on the largest change of a log-strength between two iterations
CHUNK = 250  # bootstrap resamples fitted at once (bounds memory: CHUNK x articles weights)


def fit(wins: np.ndarray, prior: float = 1.0) -> np.ndarray:
    """Centred log-strengths for one win matrix (``wins[i, j]``: times i beat j)."""
    return fit_many(np.asarray(wins, dtype=float)[None], prior)[0]


def fit_many(wins: np.ndarray, prior: float = 1.0, start: np.ndarray | None = None) -> np.ndarray:
    """Centred log-strengths for a stack of win matrices (shape B x S x S), all at once.

    Raises ValueError when the MLE does not exist (``prior`` 0 and a system that
    never lost or never won, through any chain) instead of returning infinities.
    """
    wins = np.asarray(wins, dtype=float)
    if wins.ndim != 3 or wins.shape[1] != wins.shape[2]:
        raise ValueError(f"win matrices must have shape (B, S, S), not {wins.shape}")
    if prior < 0 or (wins < 0).any():
        raise ValueError("wins and prior must be non-negative")
    size = wins.shape[1]
    off_diagonal = 1.0 - np.eye(size)
    wins = wins * off_diagonal + (prior / 2.0) * off_diagonal
    games = wins + wins.transpose(0, 2, 1)
    total_wins = wins.sum(axis=2)
    if prior == 0:
        _check_connected(wins)
    log_p = np.zeros(wins.shape[:2]) if start is None else np.array(start, dtype=float, copy=True)
    for _ in range(MAX_ITERATIONS):
        p = np.exp(log_p)
        denominator = (games / (p[:, :, None] + p[:, None, :])).sum(axis=2)
        updated = np.log(total_wins) - np.log(denominator)
        updated -= updated.mean(axis=1, keepdims=True)
        change = np.abs(updated - log_p).max() if updated.size else 0.0
        log_p = updated
        if change < TOLERANCE:
            return log_p
    raise RuntimeError(f"Bradley-Terry MM did not converge in {MAX_ITERATIONS} iterations")


def _check_connected(wins: np.ndarray) -> None:
    """Hunter's condition: in every matrix, each system reaches every other through wins."""
    size = wins.shape[1]
    for matrix in wins:
        reach = (matrix > 0) | np.eye(size, dtype=bool)
        for _ in range(size):
            reach = reach | ((reach.astype(int) @ reach.astype(int)) > 0)
        if not reach.all():
            raise ValueError("the Bradley-Terry MLE does not exist for these wins (a system never lost or never won); use prior > 0")


def resample_wins(per_article: np.ndarray, resamples: int, seed: int) -> Iterator[np.ndarray]:
    """Win matrices of ``resamples`` bootstrap resamples of the articles (drawn
    with replacement, seeded), in chunks of shape (k, S, S). ``per_article[a]``
    is article a's win matrix."""
    count = per_article.shape[0]
    if count == 0:
        return
    rng = np.random.default_rng(seed)
    uniform = np.full(count, 1.0 / count)
    for first in range(0, resamples, CHUNK):
        # How often each article is drawn in one resample of ``count`` articles.
        weights = rng.multinomial(count, uniform, size=min(CHUNK, resamples - first)).astype(float)
        yield np.tensordot(weights, per_article, axes=1)
