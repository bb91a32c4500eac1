"""The results.json record, built in one place for ``bench run`` and ``bench score``."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from bench import __version__
from bench.config import ScoringConfig
from bench.metrics.signature import signature
from bench.runs.environment import environment

RESULTS_FORMAT = "headline-bench/results"
RESULTS_FORMAT_VERSION = 1


def results_record(
    name: str,
    scoring: ScoringConfig,
    seed: int,
    dataset: dict[str, Any],
    targets: dict[str, Any],
    failures: list[dict[str, Any]],
    timings: dict[str, Any],
    config: dict[str, Any],
    **extra: Any,
) -> dict[str, Any]:
    """Every field a results file has; ``extra`` adds a command's own (seeds, cache)."""
    return {
        "format": RESULTS_FORMAT,
        "format_version": RESULTS_FORMAT_VERSION,
        "name": name,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "bench_version": __version__,
        "signature": signature(scoring, seed),
        "seed": seed,
        "dataset": dataset,
        "targets": targets,
        "failures": failures,
        **extra,
        "environment": environment(),
        "timings": timings,
        "config": config,
    }
