"""Run summarizers in this process, one model load per summarizer per run."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from bench.api.article import Article
from bench.api.summarizer import Summarizer, get_summarizer_class
from bench.engines.base import Engine, Job


def build_summarizer(settings: dict[str, Any], seed: int) -> Summarizer:
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


def merge_stats(into: dict[str, Any], new: dict[str, Any]) -> None:
    """Add up counts (inputs, truncated) across restarts; keep the latest of the rest."""
    for key, value in new.items():
        if key in ("inputs", "truncated") and isinstance(value, int):
            into[key] = into.get(key, 0) + value
        else:
            into[key] = value


class LocalEngine(Engine):
    def __init__(self) -> None:
        # What each summarizer's ``stats()`` reported (e.g. inputs cut
        # to a model's limit), by summarizer name, for the run record.
        self.summarizer_stats: dict[str, dict[str, Any]] = {}

    def generate(self, settings: dict[str, Any], seed: int, jobs: Iterable[Job]) -> Iterator[tuple[Job, list[str]]]:
        summarizer = build_summarizer(settings, seed)
        try:
            for job in jobs:
                yield job, summarize_batch(summarizer, job.articles, job.target)
        finally:
            merge_stats(self.summarizer_stats.setdefault(settings["name"], {}), summarizer.stats())
            summarizer.close()
