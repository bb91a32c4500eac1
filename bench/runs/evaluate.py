"""Predictions in, per-article scores and aggregated results out.

Shared by ``bench run`` and ``bench score``, so a run and a scoring of outside
predictions produce the same results format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from bench.config import ScoringConfig
from bench.metrics.aggregate import aggregate, length_stats
from bench.metrics.rouge import RougeScorer
from bench.metrics.signature import signature


@dataclass
class SystemPredictions:
    """One system's outputs for one target, aligned with ``ids``."""

    name: str
    target: str
    ids: list[str]
    texts: list[str]
    info: dict[str, Any]  # type, oracle flag, timings: copied into results as-is


def make_scorer(scoring: ScoringConfig) -> RougeScorer:
    return RougeScorer(scoring.rouge, use_stemmer=scoring.stemmer == "porter", multiref=scoring.multiref)


def evaluate(
    scoring: ScoringConfig,
    seed: int,
    references: Mapping[str, Sequence[str]],
    systems: Sequence[SystemPredictions],
    progress: Any = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Score every system; return (score rows for scores.jsonl, results["targets"]).

    ``references`` maps a target-qualified key ``"{target}\\t{id}"`` to the list
    of reference texts for that article.
    """
    scorer = make_scorer(scoring)
    rows: list[dict[str, Any]] = []
    targets: dict[str, Any] = {}
    for system in systems:
        refs = [references[f"{system.target}\t{i}"] for i in system.ids]
        pair_scores = []
        for article_id, text, ref in zip(system.ids, system.texts, refs):
            pair = scorer.score(text, ref)
            pair_scores.append(pair)
            rows.append({"id": article_id, "target": system.target, "summarizer": system.name, "scores": pair})
            if progress is not None:
                progress.update(1)
        block = targets.setdefault(system.target, {"n_articles": len(system.ids), "systems": {}})
        block["systems"][system.name] = {
            **system.info,
            "n": len(system.ids),
            "scores": aggregate(pair_scores, scoring.rouge, scoring.bootstrap, seed, scoring.confidence),
            "lengths": length_stats(system.texts),
        }
    for block in targets.values():
        block["primary"] = f"{scoring.primary}.f"
        block["signature"] = signature(scoring, seed)
    return rows, targets
