"""The prediction cache as a run uses it: opened if it can be, given up on at
its first failure (it only saves time, so that is one warning, never an error),
and summed up in the run record."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from bench.cache import PredictionCache, resolve_cache_dir
from bench.config import RunConfig

Log = Callable[[str], None]


class RunCache:
    """The prediction cache, or nothing when it is off or has failed."""

    def __init__(self, cache: PredictionCache | None, log: Log) -> None:
        self._cache = cache
        self._log = log

    @classmethod
    def open(cls, config: RunConfig, use_cache: bool, log: Log) -> "RunCache":
        """The shared cache, or an inactive one when it is off or cannot be opened."""
        if not (use_cache and config.cache.enabled):
            return cls(None, log)
        directory = resolve_cache_dir(config.cache.dir)
        try:
            return cls(PredictionCache(directory), log)
        except (OSError, sqlite3.Error) as err:
            log(f"warning: prediction cache at {directory} unusable ({err}); running without it")
            return cls(None, log)

    @property
    def active(self) -> bool:
        return self._cache is not None

    @property
    def store(self) -> PredictionCache | None:
        """The open cache, for metrics that keep costly results in it (None when off)."""
        return self._cache

    @property
    def path(self) -> Path | None:
        return self._cache.path if self._cache is not None else None

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        if self._cache is not None:
            try:
                return self._cache.get_many(keys)
            except sqlite3.Error as err:
                self._give_up(err)
        return {}

    def put_many(self, records: list[tuple[str, str]], summarizer_type: str) -> None:
        if self._cache is not None:
            try:
                self._cache.put_many(records, summarizer_type)
            except sqlite3.Error as err:
                self._give_up(err)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def _give_up(self, err: Exception) -> None:
        self._log(f"warning: prediction cache {self.path} failed ({err}); continuing without it")
        self.close()


def cache_record(config: RunConfig, cache_path: Path | None, use_cache: bool,
                 tallies: Mapping[str, Any]) -> dict[str, Any]:
    """Where this run's predictions came from (not compared by 'bench reproduce').
    ``tallies``: a ``generation.Tally`` per summarizer."""
    return {
        "enabled": bool(use_cache and config.cache.enabled),
        "path": str(cache_path) if cache_path is not None else None,
        "hits": sum(t.hits for t in tallies.values()),
        "misses": sum(t.misses for t in tallies.values()),
        "resumed": sum(t.resumed for t in tallies.values()),
        "failed": sum(t.failed for t in tallies.values()),
        "by_summarizer": {
            name: {"hits": t.hits, "misses": t.misses, "resumed": t.resumed, "failed": t.failed,
                   **({"model": t.model} if t.model else {})}
            for name, t in tallies.items()
        },
    }
