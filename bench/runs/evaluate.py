"""Predictions in, per-article scores and aggregated results out.

Shared by ``bench run`` and ``bench score``, so a run and a scoring of outside
predictions produce the same results format. Per target it records each
system's ROUGE means and intervals, lengths, summary statistics and, across
systems scored on the same articles, paired significance tests.
"""

from __future__ import annotations

import logging
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from bench.config import DEFAULT_BUDGETS, ScoringConfig
from bench.metrics.aggregate import aggregate_matrix, length_stats, score_matrix
from bench.metrics.fast_rouge import FastRougeScorer
from bench.metrics.rouge import RougeScorer
from bench.metrics.signature import signature
from bench.metrics.significance import holm_adjust, paired_tests
from bench.metrics.stats import summary_stats
from bench.tokenizers.words import RougeScoreTokenizer

log = logging.getLogger(__name__)
DROPPED_SHARE = 0.10  # warn when rouge-score's tokenizer loses more of a text's letters


@dataclass
class SystemPredictions:
    """One system's outputs for one target, aligned with ``ids``."""

    name: str
    target: str
    ids: list[str]
    texts: list[str]
    info: dict[str, Any]  # type, oracle flag, timings: copied into results as-is


def make_scorer(scoring: ScoringConfig) -> RougeScorer | FastRougeScorer:
    stem = scoring.stemmer == "porter"
    if scoring.backend == "fast":
        return FastRougeScorer(scoring.rouge, use_stemmer=stem, multiref=scoring.multiref,
                               tokenizer=scoring.tokenizer, workers=scoring.workers)
    return RougeScorer(scoring.rouge, use_stemmer=stem, multiref=scoring.multiref, tokenizer=scoring.tokenizer)


def evaluate(
    scoring: ScoringConfig,
    seed: int,
    references: Mapping[str, Sequence[str]],
    systems: Sequence[SystemPredictions],
    progress: Any = None,
    bodies: Mapping[str, str] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Score every system; return (score rows for scores.jsonl, results["targets"]).

    ``references`` maps a target-qualified key ``"{target}\\t{id}"`` to the list
    of reference texts for that article; ``bodies`` (optional) maps an article
    id to its body, for the statistics that compare outputs with the body.
    """
    scorer = make_scorer(scoring)
    all_refs = [[references[f"{s.target}\t{i}"] for i in s.ids] for s in systems]
    per_system = _score_all(scorer, systems, all_refs, progress)
    rows: list[dict[str, Any]] = []
    targets: dict[str, Any] = {}
    matrices: dict[str, dict[str, tuple[list[str], np.ndarray]]] = {}
    f_columns = [f"{t}.f" for t in scoring.rouge]
    # The statistics compare every output with its article's body: tokenize each body once, not per system.
    words = lru_cache(maxsize=None)(scorer.tokenizer.words)
    # Articles per target: every referenced article, even where a system failed on some.
    n_articles = Counter(key.split("\t", 1)[0] for key in references)
    for system, refs, pair_scores in zip(systems, all_refs, per_system):
        matrix, columns = score_matrix(pair_scores, scoring.rouge)
        rows.extend(
            {"id": i, "target": system.target, "summarizer": system.name, "scores": pair}
            for i, pair in zip(system.ids, pair_scores)
        )
        block = targets.setdefault(system.target, {"n_articles": n_articles[system.target], "systems": {}})
        block["systems"][system.name] = {
            **system.info,
            "n": len(system.ids),
            "scores": aggregate_matrix(matrix, columns, scoring.bootstrap, seed, scoring.confidence),
            "lengths": length_stats(system.texts),
            "stats": _stats(scoring, seed, system, refs, bodies, words),
        }
        matrices.setdefault(system.target, {})[system.name] = (
            system.ids, matrix[:, [columns.index(c) for c in f_columns]]
        )
    for target, block in targets.items():
        block["primary"] = f"{scoring.primary}.f"
        block["signature"] = signature(scoring, seed)
        block["significance"] = significance_block(scoring, seed, matrices[target])
    dropped = _dropped_texts(scoring, [t for refs in references.values() for t in refs]
                             + [t for s in systems for t in s.texts])
    if dropped:
        for block in targets.values():
            block["tokenizer_dropped_texts"] = dropped
    return rows, targets


def _score_all(scorer, systems, all_refs, progress) -> list[list[dict[str, Any]]]:
    if getattr(scorer, "batched", False):
        # One call: distinct texts (the shared references) are tokenized once.
        predictions = [t for s in systems for t in s.texts]
        flat = scorer.score_batch(predictions, [r for refs in all_refs for r in refs])
        out, start = [], 0
        for system in systems:
            out.append(flat[start : start + len(system.texts)])
            start += len(system.texts)
            if progress is not None:
                progress.update(len(system.texts))
        return out
    out = []
    for system, refs in zip(systems, all_refs):
        scores = []
        for text, ref in zip(system.texts, refs):
            scores.append(scorer.score(text, ref))
            if progress is not None:
                progress.update(1)
        out.append(scores)
    return out


def _stats(scoring, seed, system, refs, bodies, words) -> dict[str, Any]:
    budget = DEFAULT_BUDGETS.get(system.target, DEFAULT_BUDGETS["standfirst"])
    if system.target in scoring.budgets:
        budget = scoring.budgets[system.target].model_dump()
    body_texts = None
    if bodies is not None and all(i in bodies for i in system.ids):
        body_texts = [bodies[i] for i in system.ids]
    stats = summary_stats(system.texts, body_texts, words, budget)
    if scoring.semantic and system.texts:
        from bench.metrics.semantic import cosine_similarities, similarity_block

        similarities = cosine_similarities(system.texts, [r[0] for r in refs])
        stats["semantic_similarity"] = similarity_block(similarities, scoring.bootstrap, seed, scoring.confidence)
    return stats


def significance_block(
    scoring: ScoringConfig, seed: int, systems: Mapping[str, tuple[list[str], np.ndarray]]
) -> dict[str, Any]:
    """Paired tests between every two systems scored on the same articles, on
    each F1 column; Holm-adjusted over the pairs of each metric."""
    columns = [f"{t}.f" for t in scoring.rouge]
    block: dict[str, Any] = {
        "method": scoring.significance, "resamples": scoring.significance_resamples, "seed": seed,
        "correction": "holm", "alpha": 0.05, "tests": [],
    }
    if not systems or scoring.significance_resamples == 0:
        return block
    # Align every system on the first one's article order; test only systems with the same articles.
    first_ids = next(iter(systems.values()))[0]
    aligned: dict[str, np.ndarray] = {}
    for name, (ids, matrix) in systems.items():
        if ids == first_ids:
            aligned[name] = matrix
        elif sorted(ids) == sorted(first_ids):
            order = {i: k for k, i in enumerate(ids)}
            aligned[name] = matrix[[order[i] for i in first_ids]]
        else:
            log.warning("significance: %s was scored on other articles than %s; not tested",
                        name, next(iter(systems)))
    if len(first_ids) < 2:
        return block  # one article: a resampling test has nothing to resample
    tests = paired_tests(aligned, columns, scoring.significance, scoring.significance_resamples, seed)
    for column in columns:
        family = [t for t in tests if t["metric"] == column]
        for test, adjusted in zip(family, holm_adjust([t["p_value"] for t in family])):
            test["p_adjusted"] = adjusted
    block["tests"] = tests
    return block


def _dropped_texts(scoring: ScoringConfig, texts: Sequence[str]) -> int:
    """Texts whose letters rouge-score's tokenizer mostly throws away; warns once."""
    if scoring.tokenizer != "rouge-score":
        return 0
    count = 0
    for text in texts:
        lost, total = RougeScoreTokenizer.dropped_letters(text)
        if total and lost / total > DROPPED_SHARE:
            count += 1
    if count:
        message = (
            f"{count} text(s) lose over {DROPPED_SHARE:.0%} of their letters to rouge-score's "
            "tokenizer, which keeps only a-z and 0-9: set scoring.tokenizer: unicode for non-English text"
        )
        log.warning(message)
    return count
