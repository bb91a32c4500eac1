"""The scoring tail of ``bench run``: the predictions made, scored and recorded.

Kept apart from generation on purpose: it is the one step ``bench run`` shares
with ``bench score``. It writes ``scores.jsonl`` and returns the results record;
the runner writes ``results.json``, which marks the run finished.
"""

from __future__ import annotations

import time
from typing import Any

from tqdm import tqdm

from bench.config import RunConfig
from bench.data import Dataset
from bench.runs.directory import RunDirectory, write_jsonl
from bench.runs.evaluate import SystemPredictions, evaluate
from bench.runs.record import results_record


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
    **extra: Any,
) -> dict[str, Any]:
    """Score ``systems`` against the dataset's references, write scores.jsonl,
    and return the results record (``extra``: seeds, cache)."""
    scoring_started = time.perf_counter()
    references = {f"{t}\t{a.id}": [a.reference(t)] for a in dataset.articles for t in config.targets}
    total = sum(len(s.ids) for s in systems)
    with tqdm(total=total, desc="scoring", unit="pair", disable=not show_progress) as bar:
        score_rows, targets = evaluate(config.scoring, config.seed, references, systems, progress=bar,
                                       bodies={a.id: a.body for a in dataset.articles})
    write_jsonl(directory.scores_path, score_rows)
    scoring_s = time.perf_counter() - scoring_started
    return results_record(
        config.name, config.scoring, config.seed, dataset.record(), targets, failures,
        timings={
            "generation_s": round(generation_s, 3),
            "scoring_s": round(scoring_s, 3),
            "total_s": round(time.perf_counter() - started, 3),
            "generation_s_by_system": generation_s_by_system,
        },
        config=config.model_dump(mode="json"),
        **extra,
    )
