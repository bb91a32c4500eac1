"""Predictions in, per-article scores and aggregated results out, for every
registered metric a config names (ROUGE always).

Shared by ``bench run`` and ``bench score`` (through ``bench.runs.record``).
Per target, each metric scores all systems' items in one call (shared
references are prepared once); scores stay in per-system numpy arrays and the
per-article rows for scores.jsonl are made one at a time as they are written,
so 100,000 articles never become 100,000 nested dicts. Per target the results
hold each system's means and intervals for every score key, lengths, summary
statistics, paired significance tests between systems on every rankable
score, and what comparative metrics (a pairwise judge) made of the systems.
"""

from __future__ import annotations

import logging
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from bench.api.metric import ComparativeMetric, Metric, ScoreItem, ScoreKey
from bench.errors import UserError
from bench.metrics.aggregate import aggregate_matrix, length_stats
from bench.metrics.settings import DEFAULT_BUDGETS, ScoringConfig, build_metrics
from bench.metrics.signature import metric_signature, nrefs_label, rank_signature
from bench.metrics.significance import holm_adjust, paired_tests
from bench.metrics.stats import summary_stats
from bench.tokenizers.registry import make_tokenizer
from bench.tokenizers.words import RougeScoreTokenizer

log = logging.getLogger(__name__)
DROPPED_SHARE = 0.10  # warn when rouge-score's tokenizer loses more of a text's letters
# "{target}\t{id}" -> the article's reference texts for that target.
References = Mapping[str, Sequence[str]]
METRICS_CHOOSE: Any = object()  # score_systems(prediction_cache=...) not given: comparative metrics pick a cache


@dataclass
class SystemPredictions:
    """One system's outputs for one target, aligned with ``ids``."""

    name: str
    target: str
    ids: list[str]
    texts: list[str]
    info: dict[str, Any]  # type, oracle flag, timings: copied into results as-is


@dataclass
class SystemScores:
    """One system's per-article scores: per score key an (articles x columns) array."""

    system: SystemPredictions
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    details: dict[str, list[Any]] = field(default_factory=dict)  # metric name -> per-article annotation


@dataclass
class Evaluation:
    """What scoring made: per-system arrays, the results' ``targets`` and the metric descriptions."""

    scored: list[SystemScores]
    keys: list[ScoreKey]
    targets: dict[str, Any]
    metrics: dict[str, Any]
    nrefs: str | None = None  # references per article over every target, for the run's signature

    def rows(self) -> Iterator[dict[str, Any]]:
        """scores.jsonl rows, one per (system, article), made as they are consumed."""
        for entry in self.scored:
            system = entry.system
            columns = [(k.name, list(k.columns), entry.arrays[k.name].tolist()) for k in self.keys]
            for i, article_id in enumerate(system.ids):
                row: dict[str, Any] = {"id": article_id, "target": system.target, "summarizer": system.name,
                                       "scores": {name: dict(zip(cols, map(_json_number, values[i])))
                                                  for name, cols, values in columns}}
                details = {m: found[i] for m, found in entry.details.items() if found[i] is not None}
                if details:
                    row["details"] = details
                yield row


def references_of(articles: Sequence[Any], targets: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """A dataset's references in the form ``evaluate`` takes."""
    return {f"{t}\t{a.id}": a.references(t) for a in articles for t in targets}


def evaluate(
    scoring: ScoringConfig,
    seed: int,
    references: References,
    systems: Sequence[SystemPredictions],
    progress: Any = None,
    bodies: Mapping[str, str] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Score every system; return (score rows for scores.jsonl, results["targets"])."""
    evaluation = score_systems(scoring, seed, references, systems, progress, bodies)
    return list(evaluation.rows()), evaluation.targets


def score_systems(
    scoring: ScoringConfig,
    seed: int,
    references: References,
    systems: Sequence[SystemPredictions],
    progress: Any = None,
    bodies: Mapping[str, str] | None = None,
    prediction_cache: Any = METRICS_CHOOSE,
) -> Evaluation:
    """Score every system with every metric of ``scoring``.

    ``references`` maps ``"{target}\\t{id}"`` to the article's references;
    ``bodies`` (optional) maps an id to its body, for metrics and statistics
    that read it. ``prediction_cache`` (the run's, or None when off) is handed
    to comparative metrics; by default they choose their own."""
    metrics = build_metrics(scoring, seed)
    if prediction_cache is not METRICS_CHOOSE:
        for metric in metrics:
            if isinstance(metric, ComparativeMetric):
                metric.use_cache(prediction_cache)
    per_item = [m for m in metrics if isinstance(m, Metric)]
    keys = [k for m in per_item for k in m.keys()]
    scored = [SystemScores(s) for s in systems]
    comparisons: dict[str, dict[str, Any]] = {}
    try:
        for target in dict.fromkeys(s.target for s in systems):
            group = [entry for entry in scored if entry.system.target == target]
            items = _items(group, references, bodies)
            for metric in per_item:
                _score_group(metric, group, items, progress)
            for metric in metrics:
                summarizes = isinstance(metric, Metric) and type(metric).summarize is not Metric.summarize
                if (isinstance(metric, ComparativeMetric) or summarizes) and group:
                    by_system = {e.system.name: items[a:b] for e, (a, b) in zip(group, _spans(group))}
                    found = metric.compare(by_system) if isinstance(metric, ComparativeMetric) \
                        else metric.summarize(by_system)
                    if found is not None:
                        comparisons.setdefault(target, {})[metric.name] = {
                            **found, "signature": metric_signature(metric, scoring, seed, nrefs_of(references, target))}
    finally:
        for metric in metrics:
            metric.close()
    targets = _targets(scoring, seed, references, scored, per_item, bodies, comparisons)
    nrefs = nrefs_of(references)
    described = {m.name: {**m.describe(), "signature": metric_signature(m, scoring, seed, nrefs)} for m in metrics}
    return Evaluation(scored, keys, targets, described, nrefs)


def nrefs_of(references: References, target: str | None = None) -> str | None:
    """The signature's ``nrefs`` for one target's articles (or all of them)."""
    prefix = None if target is None else f"{target}\t"
    return nrefs_label(len(refs) for key, refs in references.items() if prefix is None or key.startswith(prefix))


def _spans(group: list[SystemScores]) -> list[tuple[int, int]]:
    spans, start = [], 0
    for entry in group:
        spans.append((start, start + len(entry.system.ids)))
        start += len(entry.system.ids)
    return spans


def _items(group: list[SystemScores], references: References, bodies: Mapping[str, str] | None) -> list[ScoreItem]:
    """Every system's items of one target, one system after another (texts shared, not copied)."""
    items = []
    for entry in group:
        system = entry.system
        for article_id, text in zip(system.ids, system.texts):
            refs = references[f"{system.target}\t{article_id}"]
            body = bodies.get(article_id) if bodies is not None else None
            items.append(ScoreItem(article_id, system.target, text, refs if isinstance(refs, tuple) else tuple(refs),
                                   body))
    return items


def no_bodies_error(metric_name: str) -> UserError:
    """The one line for a metric that reads article bodies run on articles without them."""
    return UserError(f"metric {metric_name!r} reads article bodies, and these articles have none "
                     "(bench score: give a JSONL references file with a 'body' field); drop it from scoring.metrics")


def _score_group(metric: Metric, group: list[SystemScores], items: list[ScoreItem], progress: Any) -> None:
    """One metric over all systems of a target, in one call; split back per system."""
    if metric.needs_body and any(item.body is None for item in items):
        raise no_bodies_error(metric.name)
    arrays = metric.score_arrays(items)
    annotations = metric.annotate(items) if type(metric).annotate is not Metric.annotate else None
    for key in metric.keys():
        found = arrays.get(key.name)
        if found is None or found.shape != (len(items), len(key.columns)):
            shape = None if found is None else found.shape
            raise ValueError(f"metric {metric.name!r} returned {shape} for key {key.name!r}; "
                             f"expected {(len(items), len(key.columns))}")
    for entry, (a, b) in zip(group, _spans(group)):
        for key in metric.keys():
            entry.arrays[key.name] = arrays[key.name][a:b]
        if annotations is not None and any(x is not None for x in annotations[a:b]):
            entry.details[metric.name] = annotations[a:b]
    if progress is not None:
        progress.update(len(items))


def _targets(scoring, seed, references, scored, per_item, bodies, comparisons) -> dict[str, Any]:
    targets: dict[str, Any] = {}
    words = BodyWords(make_tokenizer(scoring.tokenizer, scoring.stemmer == "porter").words, (bodies or {}).values())
    # Articles per target: every referenced article, even where a system failed on some.
    n_articles = Counter(key.split("\t", 1)[0] for key in references)
    for entry in scored:
        system = entry.system
        scores: dict[str, Any] = {}
        for metric in per_item:  # one matrix per metric: a side metric never touches another's numbers
            columns = [f"{k.name}.{c}" for k in metric.keys() for c in k.columns]
            matrix = _matrix(entry, metric.keys())
            scores.update(aggregate_matrix(matrix, columns, scoring.bootstrap, seed, scoring.confidence))
        block = targets.setdefault(system.target, {"n_articles": n_articles[system.target], "systems": {}})
        block["systems"][system.name] = {
            **system.info,
            "n": len(system.ids),
            "scores": scores,
            "lengths": length_stats(system.texts),
            "stats": _stats(scoring, system, bodies, words),
        }
    for target, block in targets.items():
        block["primary"] = scoring.primary_column()
        block["signature"] = rank_signature(scoring, seed, nrefs_of(references, target))
        group = [e for e in scored if e.system.target == target]
        block["significance"] = _significance(scoring, seed, group, per_item)
        if target in comparisons:
            block["comparisons"] = comparisons[target]
    dropped = _dropped_texts(scoring, [t for refs in references.values() for t in refs]
                             + [t for e in scored for t in e.system.texts])
    if dropped:
        for block in targets.values():
            block["tokenizer_dropped_texts"] = dropped
    return targets


def _matrix(entry: SystemScores, keys: Sequence[ScoreKey]) -> np.ndarray:
    """One system's scores for ``keys`` as one C-ordered (articles x columns) array."""
    return np.hstack([entry.arrays[k.name] for k in keys])


class BodyWords:
    """The statistics' tokenizer, memory-bounded: words become small integer ids
    (equal words, equal ids, so every statistic comes out the same) and each
    article body is tokenized once for all systems and kept as an array of
    ids, 4 bytes a word instead of a list of strings (60 bytes a word: 100,000
    bodies would hold gigabytes). Outputs are tokenized as they come."""

    def __init__(self, tokenize: Callable[[str], list[str]], bodies: Iterable[str]) -> None:
        self._tokenize = tokenize
        self._ids: dict[str, int] = {}
        self._bodies = set(bodies)
        self._kept: dict[str, array] = {}

    def __call__(self, text: str) -> list[int]:
        kept = self._kept.get(text)
        if kept is not None:
            return kept.tolist()
        ids = [self._ids.setdefault(word, len(self._ids)) for word in self._tokenize(text)]
        if text in self._bodies:
            self._kept[text] = array("i", ids)
        return ids


def _stats(scoring: ScoringConfig, system: SystemPredictions, bodies, words) -> dict[str, Any]:
    budget = scoring.budgets[system.target].model_dump() if system.target in scoring.budgets \
        else DEFAULT_BUDGETS.get(system.target)  # none for a target without a known length ("reference")
    body_texts = None
    if bodies is not None and all(i in bodies for i in system.ids):
        body_texts = [bodies[i] for i in system.ids]
    return summary_stats(system.texts, body_texts, words, budget)


def _significance(scoring: ScoringConfig, seed: int, group: Sequence[SystemScores],
                  metrics: Sequence[Metric]) -> dict[str, Any]:
    """Tests on the primary column of every rankable score key, each metric on its
    own, so adding a metric never moves another's p-values."""
    block = significance_block(scoring, seed, {}, [])
    for metric in metrics:
        keys = metric.keys()
        all_columns = [f"{k.name}.{c}" for k in keys for c in k.columns]
        columns = [f"{k.name}.{k.primary_column}" for k in keys if k.rankable]
        picked = [all_columns.index(c) for c in columns]
        # The metric's whole matrix, then its primary columns picked out: the very arrays
        # (memory layout included, which decides numpy's summation order) tests have always used.
        systems = {e.system.name: (e.system.ids, _matrix(e, keys)[:, picked]) for e in group} if columns else {}
        if any(np.isnan(matrix).any() for _, matrix in systems.values()):
            log.warning("significance: metric %s has articles without a score; not tested", metric.name)
            continue
        block["tests"] += significance_block(scoring, seed, systems, columns)["tests"]
    return block


def significance_block(
    scoring: ScoringConfig, seed: int, systems: Mapping[str, tuple[list[str], np.ndarray]],
    columns: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Paired tests between every two systems scored on the same articles, on
    each of ``columns`` (default: the ROUGE F1 columns); Holm-adjusted over the pairs of each."""
    columns = list(columns) if columns is not None else [f"{t}.f" for t in scoring.rouge]
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


def _json_number(value: float) -> float | None:
    return None if value != value else value  # NaN (no score for this item) is null in JSON


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
