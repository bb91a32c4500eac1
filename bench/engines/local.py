"""The ``local`` engine (this process), and the worker code every engine shares.

Whatever the engine, a summarizer is built once (``build_summarizer``) and each
job goes through ``run_job``: the batch at once, and if that raises, each of
its articles alone on the same summarizer, so one bad article costs only its
own output and never a model reload. This module is part of every summarizer's
prediction-cache key (``bench.cache.keys.SHARED_CODE``): it decides what a
summarizer is shown.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Literal

from bench.api.article import Article
from bench.api.engine import (
    MAX_FAILURE_STREAK,
    ArticleFailure,
    Engine,
    EngineSettings,
    Job,
    JobResult,
    merge_stats,
    stats_added,
)
from bench.api.summarizer import Summarizer, get_summarizer_class
from bench.errors import UserError
from bench.seeding import seed_everything


def build_summarizer(settings: dict[str, Any], seed: int) -> Summarizer:
    """The summarizer, built after seeding the global generators, so it starts
    from the same state on any engine, whatever ran before."""
    seed_everything(seed)
    cls = get_summarizer_class(settings["type"])
    return cls(cls.Settings.model_validate(settings), seed=seed)


def summarize_batch(summarizer: Summarizer, batch: list[Article], target: str) -> list[str]:
    """Give an oracle full articles; everyone else only ids and bodies."""
    inputs = batch if summarizer.is_oracle else [a.source() for a in batch]
    outputs = summarizer.summarize(inputs, target)
    if len(outputs) != len(batch) or not all(isinstance(o, str) for o in outputs):
        raise TypeError(
            f"summarizer {summarizer.name!r} returned {len(outputs)} outputs for {len(batch)} articles; "
            "summarize() must return one string per article"
        )
    return outputs


def summarizer_stats(summarizer: Summarizer) -> dict[str, Any]:
    """A copy of the summarizer's ``stats()`` (counts such as inputs cut to a model's limit)."""
    return dict(summarizer.stats())


def run_job(summarizer: Summarizer, job: Job) -> JobResult:
    """One job: the whole batch, or after it raised, each article alone.
    A ``UserError`` is raised (it ends the run); other errors are the article's."""
    before = summarizer_stats(summarizer)
    try:
        texts: list[str | None] = list(summarize_batch(summarizer, job.articles, job.target))
        return JobResult(job, texts, [], stats_added(before, summarizer_stats(summarizer)))
    except UserError:
        raise
    except Exception as error:
        if len(job.articles) == 1:
            return JobResult(job, [None], [ArticleFailure(0, error)])
    return _one_by_one(summarizer, job)


def _one_by_one(summarizer: Summarizer, job: Job) -> JobResult:
    result = JobResult(job, [])
    streak = 0
    for index, article in enumerate(job.articles):
        if streak >= MAX_FAILURE_STREAK:
            result.texts.append(None)
            result.failures.append(ArticleFailure(index, RuntimeError(f"{streak} failures in a row"), attempted=False))
            continue
        before = summarizer_stats(summarizer)
        try:
            (text,) = summarize_batch(summarizer, [article], job.target)
        except UserError:
            raise
        except Exception as error:
            result.texts.append(None)
            result.failures.append(ArticleFailure(index, error))
            streak += 1
            continue
        result.texts.append(text)
        merge_stats(result.stats, stats_added(before, summarizer_stats(summarizer)))
        streak = 0
    return result


def all_failed(job: Job, error: BaseException) -> JobResult:
    """A job for a summarizer that could not be built: every article fails, and
    after a streak the rest are marked as not attempted, as ``run_job`` would."""
    failures = [
        ArticleFailure(i, error) if i < MAX_FAILURE_STREAK
        else ArticleFailure(i, RuntimeError(f"{MAX_FAILURE_STREAK} failures in a row"), attempted=False)
        for i in range(len(job.articles))
    ]
    return JobResult(job, [None] * len(job.articles), failures)


class LocalSettings(EngineSettings):
    """``engine: local`` (the default) has no settings."""

    type: Literal["local"] = "local"


class LocalEngine(Engine):
    """Generation in this process: one summarizer at a time, built once per run."""

    Settings = LocalSettings
    description = "this process (the default)"

    def generate(self, settings: dict[str, Any], seed: int, jobs: Iterable[Job]) -> Iterator[JobResult]:
        try:
            summarizer = build_summarizer(settings, seed)
        except UserError:
            raise
        except Exception as error:  # a broken plugin: its articles fail, the other summarizers still run
            for job in jobs:
                yield all_failed(job, error)
            return
        try:
            for job in jobs:
                yield run_job(summarizer, job)
        finally:
            summarizer.close()
