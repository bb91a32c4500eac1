"""Every summarizer on every target: predictions kept from an interrupted
attempt first, then the prediction cache, then the engine for what is left.

Work goes to the engine as jobs cut from the same fixed batches an
uninterrupted run uses (so outputs never depend on what was resumed or
cached), and each result is appended to ``predictions.jsonl`` and the cache as
it arrives. Per article, only its predictions are held: they are what gets scored.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from tqdm import tqdm

from bench.api.article import Article
from bench.api.engine import Engine, Job, JobResult, merge_stats
from bench.api.summarizer import get_summarizer_class
from bench.cache import PredictionKeys
from bench.runs.caching import RunCache
from bench.runs.directory import RunDirectory
from bench.runs.evaluate import SystemPredictions
from bench.runs.failures import consume

Log = Callable[[str], None]
CACHE_CHUNK = 4096  # articles looked up in the cache at once: memory stays flat on big datasets


@dataclass
class Tally:
    """Where one summarizer's predictions came from, for the run record."""

    resumed: int = 0
    hits: int = 0
    misses: int = 0
    failed: int = 0
    generation_s: dict[str, float] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)  # what its stats() reported over the jobs run


@dataclass
class Generated:
    systems: list[SystemPredictions]
    failures: list[dict[str, Any]]
    tallies: dict[str, Tally]


class SummarizerRun:
    """One summarizer's part of a run: what it has, what it still has to make,
    and the writing down of each result."""

    def __init__(self, settings: dict[str, Any], targets: list[str], articles: list[Article],
                 previous: dict[str, dict[str, str]], directory: RunDirectory, bar: tqdm, log: Log) -> None:
        self.settings = settings
        self.name: str = settings["name"]
        self.targets = targets
        self.articles = articles
        self.directory = directory
        self.bar = bar
        self.log = log
        self.outputs = {t: previous.get(t, {}) for t in targets}  # target -> id -> prediction
        self.failures: list[dict[str, Any]] = []
        self.tally = Tally(resumed=sum(map(len, self.outputs.values())),
                           generation_s={t: 0.0 for t in targets})
        self._cache: tuple[RunCache, PredictionKeys] | None = None
        self._after_each_job: Callable[[], None] = lambda: None
        bar.update(self.tally.resumed)

    def missing(self) -> int:
        return sum(len(self.articles) - len(self.outputs[t]) for t in self.targets)

    def take_cached(self, cache: RunCache, keys: PredictionKeys) -> None:
        """Fill what is missing from the cache, and cache what is made from now on."""
        self._cache = (cache, keys)
        for target in self.targets:
            for start in range(0, len(self.articles), CACHE_CHUNK):
                chunk = [a for a in self.articles[start : start + CACHE_CHUNK] if a.id not in self.outputs[target]]
                wanted = {keys.key(target, a): a for a in chunk}
                found = cache.get_many(wanted)
                rows = [self._row(target, a, found[k]) for k, a in wanted.items() if k in found]  # dataset order
                self.directory.append_predictions(rows)
                self.outputs[target].update((r["id"], r["prediction"]) for r in rows)
                self.tally.hits += len(rows)
                self.bar.update(len(rows))

    def jobs(self, batch_size: int) -> list[Job]:
        """What is left, in the fixed batches of an uninterrupted run, less what is done."""
        return [
            Job(target, missing)
            for target in self.targets
            for start in range(0, len(self.articles), batch_size)
            if (missing := [a for a in self.articles[start : start + batch_size] if a.id not in self.outputs[target]])
        ]

    def generate(self, engine: Engine, seed: int, jobs: list[Job], after_each_job: Callable[[], None]) -> None:
        """Run ``jobs`` on ``engine``, writing down each result; ``after_each_job``
        runs once each job's predictions are on disk."""
        started = time.perf_counter()
        self._after_each_job = after_each_job
        consume(engine.generate(self.settings, seed, jobs), jobs, self.record, self.record_not_attempted)
        self._time(jobs, time.perf_counter() - started)
        if self.tally.model.get("truncated"):
            model = self.tally.model
            self.log(f"summarizer {self.name!r}: {model['truncated']} of {model.get('inputs')} inputs "
                     f"were cut to the model's limit of {model.get('input_limit')} tokens")

    def record(self, result: JobResult) -> None:
        """Write down one job's outputs (file first, then cache) and its failures."""
        target = result.job.target
        made = result.made()
        self.directory.append_predictions([self._row(target, a, text) for a, text in made])
        self.outputs[target].update((a.id, text) for a, text in made)
        self.tally.misses += len(made)
        merge_stats(self.tally.model, result.stats)
        if self._cache is not None and made:
            cache, keys = self._cache
            cache.put_many([(keys.key(target, a), text) for a, text in made], self.settings["type"])
        for failure in result.failures:
            self._failed(target, result.job.articles[failure.index], failure.reason(), failure.attempted)
        self.bar.set_postfix_str(f"{self.name}/{target}")
        self.bar.update(len(result.job.articles))
        self._after_each_job()

    def record_not_attempted(self, job: Job, reason: BaseException) -> None:
        for article in job.articles:
            self._failed(job.target, article, f"not attempted after {reason}", attempted=False)
            self.bar.update(1)

    def systems(self, is_oracle: bool) -> Iterator[SystemPredictions]:
        for target in self.targets:
            made = self.outputs[target]
            ids = [a.id for a in self.articles if a.id in made]
            if ids:  # failed on every article: only in results["failures"]
                info = {"type": self.settings["type"], "oracle": is_oracle}
                yield SystemPredictions(self.name, target, ids, [made[i] for i in ids], info)

    def _failed(self, target: str, article: Article, reason: str, attempted: bool) -> None:
        self.failures.append({"summarizer": self.name, "target": target, "id": article.id, "error": reason[:500]})
        self.tally.failed += 1
        if attempted:
            self.log(f"summarizer {self.name!r} failed on article {article.id!r} ({target}): {reason[:300]}")

    def _time(self, jobs: list[Job], elapsed: float) -> None:
        """Generation time per target, shared out by articles."""
        made = max(1, sum(len(j.articles) for j in jobs))
        for target in self.targets:
            share = sum(len(j.articles) for j in jobs if j.target == target) / made
            self.tally.generation_s[target] = round(elapsed * share, 3)

    def _row(self, target: str, article: Article, text: str) -> dict[str, str]:
        return {"id": article.id, "target": target, "summarizer": self.name, "prediction": text}


def generate_all(
    settings_list: list[dict[str, Any]],
    targets: list[str],
    articles: list[Article],
    *,
    seed: int,
    batch_size: int,
    engine: Engine,
    directory: RunDirectory,
    keys: dict[str, PredictionKeys],
    previous: dict[str, dict[str, dict[str, str]]],
    cache: RunCache,
    show_progress: bool,
    log: Log,
    after_each_job: Callable[[], None] = lambda: None,
) -> Generated:
    """Every summarizer of ``settings_list`` on every target; returns the systems
    to score, the failures, and where the predictions came from."""
    generated = Generated([], [], {})
    total = len(settings_list) * len(targets) * len(articles)
    with tqdm(total=total, desc="generating", unit="summary", disable=not show_progress) as bar:
        for settings in settings_list:
            name = settings["name"]
            part = SummarizerRun(settings, targets, articles, previous.get(name, {}), directory, bar, log)
            if cache.active and part.missing():
                part.take_cached(cache, keys[name])
            jobs = part.jobs(batch_size)
            if jobs:
                part.generate(engine, seed, jobs, after_each_job)
            generated.systems.extend(part.systems(get_summarizer_class(settings["type"]).is_oracle))
            generated.failures.extend(part.failures)
            generated.tallies[name] = part.tally
    return generated


def canonical_predictions(systems: list[SystemPredictions]) -> Iterator[dict[str, Any]]:
    """predictions.jsonl in a fixed order (config order of summarizers and
    targets, dataset order of articles), whatever order they were made in."""
    for s in systems:
        for i, text in zip(s.ids, s.texts):
            yield {"id": i, "target": s.target, "summarizer": s.name, "prediction": text}
