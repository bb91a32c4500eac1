"""Scoring and recording, in one place for ``bench run`` and ``bench score``.

``score_and_record`` scores the systems with every metric of the config,
streams ``scores.jsonl`` and writes ``results.json``; both commands call it,
so their results have one format and one dataset-fingerprint recipe, and a
``bench score`` of the same articles and references joins a ``bench run``'s
leaderboard board.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, Protocol, Sequence

from tqdm import tqdm

from bench import __version__
from bench.api.metric import Metric
from bench.metrics.settings import ScoringConfig, build_metrics
from bench.metrics.signature import signature
from bench.runs.directory import RunDirectory, write_json, write_jsonl
from bench.runs.environment import environment
from bench.runs.evaluate import METRICS_CHOOSE, References, SystemPredictions, score_systems
from bench.runs.fingerprint import reference_fingerprints

RESULTS_FORMAT = "headline-bench/results"
RESULTS_FORMAT_VERSION = 1


class RecordedConfig(Protocol):
    """What a run's config must offer to be recorded (``RunConfig``, ``ScoreConfig``)."""

    name: str
    seed: int
    scoring: ScoringConfig

    def model_dump(self, *, mode: str) -> dict[str, Any]: ...


def score_and_record(
    directory: RunDirectory,
    config: RecordedConfig,
    dataset: dict[str, Any],
    systems: Sequence[SystemPredictions],
    references: References,
    *,
    bodies: Mapping[str, str] | None = None,
    failures: list[dict[str, Any]] | None = None,
    timings: dict[str, Any] | None = None,
    started: float | None = None,
    show_progress: bool = True,
    checkpoint: Callable[[], None] = lambda: None,
    prediction_cache: Any = METRICS_CHOOSE,
    **extra: Any,
) -> dict[str, Any]:
    """Score ``systems``, write scores.jsonl and results.json into ``directory``; return the results.

    ``dataset`` is the dataset's record (source, fingerprint, ids ...); the
    fingerprints of the scored references per target are added to it.
    ``timings`` gets ``scoring_s`` (and ``total_s`` when ``started``, a
    ``time.perf_counter()`` value, is given). ``checkpoint`` is called just
    before results.json, which marks a run finished, is written (a run stops
    there on Ctrl-C). ``extra`` adds a command's own fields (seeds, cache).
    ``prediction_cache`` goes to comparative metrics (``score_systems``)."""
    scoring_started = time.perf_counter()
    pairs = sum(len(s.ids) for s in systems)
    per_item = sum(isinstance(m, Metric) for m in build_metrics(config.scoring, config.seed))
    with tqdm(total=pairs * per_item, desc="scoring", unit="pair", disable=not show_progress) as bar:
        evaluation = score_systems(config.scoring, config.seed, references, systems, progress=bar, bodies=bodies,
                                   prediction_cache=prediction_cache)
    write_jsonl(directory.scores_path, evaluation.rows())
    timings = dict(timings or {})
    timings["scoring_s"] = round(time.perf_counter() - scoring_started, 3)
    if started is not None:
        timings["total_s"] = round(time.perf_counter() - started, 3)
    dataset = {**dataset, "reference_fingerprints": reference_fingerprints(references)}
    results = results_record(config, dataset, evaluation.targets, evaluation.metrics, failures or [], timings,
                             **extra)
    checkpoint()
    write_json(directory.results_path, results)
    return results


def results_record(
    config: RecordedConfig,
    dataset: dict[str, Any],
    targets: dict[str, Any],
    metrics: dict[str, Any],
    failures: list[dict[str, Any]],
    timings: dict[str, Any],
    **extra: Any,
) -> dict[str, Any]:
    """Every field a results file has; ``extra`` adds a command's own (seeds, cache)."""
    return {
        "format": RESULTS_FORMAT,
        "format_version": RESULTS_FORMAT_VERSION,
        "name": config.name,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "bench_version": __version__,
        "signature": signature(config.scoring, config.seed),
        "seed": config.seed,
        "dataset": dataset,
        "targets": targets,
        # How every score was made, so pages render any metric without knowing it.
        "metrics": metrics,
        "failures": failures,
        **extra,
        "environment": environment(),
        "timings": timings,
        "config": config.model_dump(mode="json"),
    }
