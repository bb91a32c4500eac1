"""``bench run``: dataset -> summarizers -> predictions -> scores -> run record."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tqdm import tqdm

from bench import __version__
from bench.api.summarizer import get_summarizer_class
from bench.config import RunConfig, dump_config
from bench.data import Dataset, load_dataset_from_config
from bench.engines.base import Engine, Job
from bench.engines.local import LocalEngine
from bench.metrics.signature import signature
from bench.runs.directory import RunDirectory, write_atomic, write_json, write_jsonl
from bench.runs.environment import environment
from bench.runs.evaluate import SystemPredictions, evaluate


@dataclass
class RunOutcome:
    directory: RunDirectory
    results: dict[str, Any]
    failures: list[dict[str, Any]] = field(default_factory=list)


def new_run_directory(output: Path, name: str) -> RunDirectory:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    path = output / f"{name}-{stamp}"
    suffix = 1
    while path.exists():
        suffix += 1
        path = output / f"{name}-{stamp}-{suffix}"
    path.mkdir(parents=True)
    return RunDirectory(path)


def run(config: RunConfig, output: Path, show_progress: bool = True) -> RunOutcome:
    started = time.perf_counter()
    dataset = load_dataset_from_config(config.dataset, config.targets, config.seed)
    directory = new_run_directory(output, config.name)
    write_atomic(directory.config_path, dump_config(config))

    generation_started = time.perf_counter()
    systems, failures = generate_all(config, dataset, directory, show_progress)
    generation_seconds = time.perf_counter() - generation_started

    scoring_started = time.perf_counter()
    references = {f"{t}\t{a.id}": [a.reference(t)] for a in dataset.articles for t in config.targets}
    with tqdm(total=sum(len(s.ids) for s in systems), desc="scoring", unit="pair", disable=not show_progress) as bar:
        score_rows, targets = evaluate(config.scoring, config.seed, references, systems, progress=bar)
    write_jsonl(directory.scores_path, score_rows)
    scoring_seconds = time.perf_counter() - scoring_started

    results = {
        "format": "headline-bench/results",
        "format_version": 1,
        "name": config.name,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "bench_version": __version__,
        "signature": signature(config.scoring, config.seed),
        "seed": config.seed,
        "dataset": dataset.record(),
        "targets": targets,
        "failures": failures,
        "environment": environment(),
        "timings": {
            "generation_s": round(generation_seconds, 3),
            "scoring_s": round(scoring_seconds, 3),
            "total_s": round(time.perf_counter() - started, 3),
        },
        "config": config.model_dump(mode="json"),
    }
    write_json(directory.results_path, results)
    return RunOutcome(directory, results, failures)


def generate_all(
    config: RunConfig, dataset: Dataset, directory: RunDirectory, show_progress: bool, engine: Engine | None = None
) -> tuple[list[SystemPredictions], list[dict[str, Any]]]:
    """Every summarizer on every target; predictions are appended to the run as they arrive."""
    engine = engine or LocalEngine()
    articles = dataset.articles
    total = len(config.summarizers) * len(config.targets) * len(articles)
    systems: list[SystemPredictions] = []
    failures: list[dict[str, Any]] = []
    with tqdm(total=total, desc="generating", unit="summary", disable=not show_progress) as bar:
        for settings in config.summarizers:
            jobs = [
                Job(target, articles[i : i + config.batch_size])
                for target in config.targets
                for i in range(0, len(articles), config.batch_size)
            ]
            outputs: dict[str, dict[str, str]] = {t: {} for t in config.targets}
            seconds: dict[str, float] = {t: 0.0 for t in config.targets}
            started = time.perf_counter()
            for job, texts in engine.generate(settings, config.seed, jobs):
                now = time.perf_counter()
                seconds[job.target] += now - started
                started = now
                directory.append_predictions([
                    {"id": a.id, "target": job.target, "summarizer": settings["name"], "prediction": text}
                    for a, text in zip(job.articles, texts)
                ])
                outputs[job.target].update((a.id, text) for a, text in zip(job.articles, texts))
                bar.set_postfix_str(f"{settings['name']}/{job.target}")
                bar.update(len(job.articles))
            is_oracle = get_summarizer_class(settings["type"]).is_oracle
            for target in config.targets:
                ids = [a.id for a in articles]
                info = {"type": settings["type"], "oracle": is_oracle, "generation_s": round(seconds[target], 3)}
                systems.append(SystemPredictions(settings["name"], target, ids, [outputs[target][i] for i in ids], info))
    return systems, failures
