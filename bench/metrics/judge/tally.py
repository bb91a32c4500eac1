"""From ordered judgements to win rates, position bias and a Bradley-Terry ranking.

Each ordered question (a pair of systems on one article, in one order) that
got a valid verdict is one comparison: a win for the system whose output won,
or half a win each for a tie (and for identical outputs, which are not asked).
Judging both orders means an inconsistent judge gives each system one win, the
same as a tie, so position bias cannot favour either system. Intervals come
from a seeded bootstrap over articles: whole articles are resampled, with all
their judgements, and Bradley-Terry and the win rates are refitted on each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from bench.metrics.judge.bradley_terry import fit, fit_many, resample_wins
from bench.metrics.judge.store import DECISIVE, Judgement


@dataclass(frozen=True)
class Ordered:
    """One ordered question and its outcome: ``first`` was shown as A, ``second`` as B."""

    article: str
    first: str
    second: str
    judgement: Judgement

    def winner(self) -> str | None:
        """The winning system, "tie", or None when the verdict does not count."""
        verdict = self.judgement.verdict
        if verdict == "A":
            return self.first
        if verdict == "B":
            return self.second
        return "tie" if verdict in ("tie", "identical") else None


def win_matrices(systems: Sequence[str], articles: Sequence[str], records: Sequence[Ordered]) -> np.ndarray:
    """Per article, ``wins[i, j]``: how often system i beat system j (ties: half each)."""
    index = {name: k for k, name in enumerate(systems)}
    row = {article: k for k, article in enumerate(articles)}
    wins = np.zeros((len(articles), len(systems), len(systems)))
    for record in records:
        a, f, s = row[record.article], index[record.first], index[record.second]
        winner = record.winner()
        if winner == "tie":
            wins[a, f, s] += 0.5
            wins[a, s, f] += 0.5
        elif winner is not None:
            w, l = (f, s) if winner == record.first else (s, f)
            wins[a, w, l] += 1.0
    return wins


def _win_rates(wins: np.ndarray) -> np.ndarray:
    """Share of comparisons won per system (last two axes: S x S); NaN with no comparisons."""
    won = wins.sum(axis=-1)
    games = won + wins.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(games > 0, won / np.where(games > 0, games, 1), np.nan)


def ranking(systems: Sequence[str], wins: np.ndarray, prior: float, resamples: int, confidence: float,
            seed: int) -> dict[str, dict[str, Any]]:
    """Per system: comparisons, wins, win rate and Bradley-Terry strength, each with
    its bootstrap interval, and a rank: 1 + the systems whose whole interval lies above."""
    total = wins.sum(axis=0)
    strength = fit(total, prior)
    boot_bt, boot_wr = [], []
    for chunk in resample_wins(wins, resamples, seed):
        warm = np.broadcast_to(strength, chunk.shape[:2])
        boot_bt.append(fit_many(chunk, prior, warm))
        boot_wr.append(_win_rates(chunk))
    rates = _win_rates(total)
    tail = (1 - confidence) / 2 * 100
    out: dict[str, dict[str, Any]] = {}
    bt_ci = _intervals(boot_bt, tail, len(systems))
    wr_ci = _intervals(boot_wr, tail, len(systems))
    for k, name in enumerate(systems):
        above = sum(1 for j in range(len(systems)) if j != k and _clearly_above(bt_ci, strength, j, k))
        out[name] = {
            "rank": 1 + above,
            "bt": _num(strength[k]),
            "bt_ci": bt_ci[k],
            "win_rate": _num(rates[k]),
            "win_rate_ci": wr_ci[k],
            "comparisons": _num(total[k].sum() + total[:, k].sum()),
            "wins": _num(total[k].sum()),
        }
    return out


def _intervals(chunks: list[np.ndarray], tail: float, size: int) -> list[list[float] | None]:
    if not chunks:
        return [None] * size
    values = np.concatenate(chunks)
    out: list[list[float] | None] = []
    for k in range(size):
        column = values[:, k][~np.isnan(values[:, k])]
        out.append(None if column.size == 0 else [_num(np.percentile(column, tail)), _num(np.percentile(column, 100 - tail))])
    return out


def _clearly_above(ci: list[list[float] | None], strength: np.ndarray, j: int, k: int) -> bool:
    """System j ranks above k: its interval's low end is above k's high end (point
    estimates decide when there are no intervals)."""
    if ci[j] is None or ci[k] is None:
        return bool(strength[j] > strength[k])
    return ci[j][0] > ci[k][1]  # type: ignore[index]


def pairwise(systems: Sequence[str], records: Sequence[Ordered]) -> list[dict[str, Any]]:
    """Head to head, per pair of systems: wins each way, ties, and the first one's win rate."""
    table = {(a, b): [0, 0, 0] for i, a in enumerate(systems) for b in systems[i + 1 :]}
    for record in records:
        pair = tuple(sorted((record.first, record.second), key=systems.index))
        winner = record.winner()
        if winner is None:
            continue
        table[pair][0 if winner == pair[0] else 1 if winner == pair[1] else 2] += 1  # type: ignore[index]
    out = []
    for (a, b), (a_wins, b_wins, ties) in table.items():
        games = a_wins + b_wins + ties
        rate = (a_wins + ties / 2) / games if games else None
        out.append({"a": a, "b": b, "a_wins": a_wins, "b_wins": b_wins, "ties": ties, "a_win_rate": rate})
    return out


def position_bias(records: Sequence[Ordered]) -> dict[str, Any]:
    """How often the output shown first wins, and how often a pair's two orders agree."""
    decisive = [r for r in records if r.judgement.verdict in DECISIVE]
    first = sum(1 for r in decisive if r.judgement.verdict == "A")
    by_unit: dict[tuple[str, frozenset[str]], list[str]] = {}
    for record in records:
        if record.judgement.verdict in ("A", "B", "tie"):
            key = (record.article, frozenset((record.first, record.second)))
            by_unit.setdefault(key, []).append(record.winner())  # type: ignore[arg-type]
    both = [w for w in by_unit.values() if len(w) == 2]
    consistent = sum(1 for w in both if w[0] == w[1])
    return {
        "decisive_judgements": len(decisive),
        "first_position_wins": first,
        "first_position_win_rate": first / len(decisive) if decisive else None,
        "p_value": binomial_two_sided(first, len(decisive)),
        "pairs_judged_both_ways": len(both),
        "consistent_pairs": consistent,
        "consistency_rate": consistent / len(both) if both else None,
    }


def binomial_two_sided(successes: int, trials: int) -> float | None:
    """Exact two-sided binomial test against 1/2: the chance of an outcome at most
    as likely as the one seen (as scipy.stats.binomtest computes it)."""
    if trials == 0:
        return None
    log_half = trials * math.log(0.5)
    log_pmf = [math.lgamma(trials + 1) - math.lgamma(k + 1) - math.lgamma(trials - k + 1) + log_half
               for k in range(trials + 1)]
    seen = log_pmf[successes]
    total = sum(math.exp(p) for p in log_pmf if p <= seen + 1e-7)
    return min(1.0, total)


def _num(value: float) -> Any:
    """A JSON-safe number: NaN (no comparisons) becomes None."""
    value = float(value)
    return None if math.isnan(value) else value
