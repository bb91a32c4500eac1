"""The scoring tail of ``bench run``: the predictions made, scored and recorded.

Kept apart from generation on purpose: it is the one step ``bench run`` shares
with ``bench score``, both through ``bench.runs.record.score_and_record``,
which writes ``scores.jsonl`` and then ``results.json`` (which marks the run
finished) after a last ``checkpoint`` (the runner's stop-signal check).
"""

from __future__ import annotations

from typing import Any, Callable

from bench.config import RunConfig
from bench.data import Dataset
from bench.runs.directory import RunDirectory
from bench.runs.evaluate import SystemPredictions, references_of
from bench.runs.record import score_and_record


def score_run(
    config: RunConfig,
    dataset: Dataset,
    directory: RunDirectory,
    systems: list[SystemPredictions],
    failures: list[dict[str, Any]],
    *,
    started: float,
    generation_s: float,
    generation_s_by_system: dict[str, Any],
    show_progress: bool,
    checkpoint: Callable[[], None] = lambda: None,
    **extra: Any,
) -> dict[str, Any]:
    """Score ``systems`` against the dataset's references, write scores.jsonl and
    results.json, and return the results record (``extra``: seeds, cache)."""
    return score_and_record(
        directory, config, dataset.record(), systems, references_of(dataset.articles, config.targets),
        bodies={a.id: a.body for a in dataset.articles}, failures=failures, started=started,
        timings={"generation_s": round(generation_s, 3), "generation_s_by_system": generation_s_by_system},
        show_progress=show_progress, checkpoint=checkpoint, **extra,
    )
