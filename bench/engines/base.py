"""The engine contract."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from bench.api.article import Article


@dataclass(frozen=True)
class Job:
    """One batch of articles for one target, for one summarizer."""

    target: str
    articles: list[Article]


class Engine(ABC):
    @abstractmethod
    def generate(self, settings: dict[str, Any], seed: int, jobs: Iterable[Job]) -> Iterator[tuple[Job, list[str]]]:
        """Build the summarizer described by ``settings`` once, run it on every job,
        and yield each job with its outputs (one text per article), in job order."""
