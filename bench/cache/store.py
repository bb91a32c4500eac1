"""The cache store: one SQLite database in WAL mode.

Why SQLite: writers take a short lock per batch (one transaction), readers are
never blocked, a crash mid-write rolls the transaction back, and the standard
library has it. Measured with ``benchmarks/cache_concurrency.py``: two
processes writing the same cache at once lose no record and leave it intact.
(SQLite's locking needs a local file system; do not put the cache on NFS.)
Where it lives: ``paths.py``; what a failure means and what to do: ``problems.py``.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timezone
from functools import wraps
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

from bench.cache.paths import CACHE_ENV, DB_NAME, default_cache_dir, resolve_cache_dir
from bench.cache.problems import CacheError, cache_error

__all__ = ["CACHE_ENV", "DB_NAME", "CacheError", "PredictionCache", "default_cache_dir", "resolve_cache_dir"]
_CHUNK = 500  # keys per SELECT, below SQLite's variable limit

F = TypeVar("F", bound=Callable[..., Any])


def _explained(method: F) -> F:
    """Turn any SQLite or OS error of a cache method into a ``CacheError`` that says what to do."""

    @wraps(method)
    def wrapper(self: "PredictionCache", *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.Error, OSError) as err:
            raise cache_error(self.directory, err) from err

    return wrapper  # type: ignore[return-value]


class PredictionCache:
    """Predictions by key. Every failure is a ``CacheError`` (an
    ``sqlite3.OperationalError``) whose message says what is wrong and what to
    do: the runner decides whether a broken cache stops a run (it does not)."""

    @_explained
    def __init__(self, directory: Path, timeout_s: float = 60.0) -> None:
        self.directory = Path(directory)
        self.path = self.directory / DB_NAME
        self._conn: sqlite3.Connection | None = None
        self.directory.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, timeout=timeout_s, isolation_level=None)
        try:
            self._retry(self._setup)
        except BaseException:
            self.close()
            raise

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("the prediction cache is closed")
        return self._conn

    def _setup(self) -> None:
        self.conn.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL never corrupts the database; a power cut may lose the
        # last transactions, which are also in the run's predictions.jsonl.
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS predictions ("
            " key TEXT PRIMARY KEY, prediction TEXT NOT NULL,"
            " summarizer_type TEXT NOT NULL, created TEXT NOT NULL) WITHOUT ROWID"
        )

    def _retry(self, action, attempts: int = 20):  # type: ignore[no-untyped-def]
        """Switching to WAL needs a moment alone with the file; another process
        opening it at the same instant makes that fail at once with 'locked'."""
        for attempt in range(attempts):
            try:
                return action()
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))

    @_explained
    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        keys = list(keys)
        found: dict[str, str] = {}
        for i in range(0, len(keys), _CHUNK):
            chunk = keys[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT key, prediction FROM predictions WHERE key IN ({marks})", chunk)
            found.update(rows)
        return found

    @_explained
    def put_many(self, records: Iterable[tuple[str, str]], summarizer_type: str) -> None:
        """Store (key, prediction) pairs in one transaction. A key already there
        keeps its first value: equal keys mean equal predictions."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        rows = [(key, text, summarizer_type, now) for key, text in records]
        if not rows:
            return
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT OR IGNORE INTO predictions VALUES (?, ?, ?, ?)", rows)
            conn.execute("COMMIT")
        except BaseException:
            # SQLite ends the transaction itself on some errors (a full disk):
            # rolling back again would hide the real error behind "no transaction is active".
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @_explained
    def info(self) -> dict[str, object]:
        by_type = dict(
            self.conn.execute(
                "SELECT summarizer_type, COUNT(*) FROM predictions GROUP BY summarizer_type ORDER BY summarizer_type"
            )
        )
        size = sum(p.stat().st_size for p in self.directory.glob(DB_NAME + "*") if p.is_file())
        return {"path": str(self.path), "records": sum(by_type.values()), "by_type": by_type, "bytes": size}

    @_explained
    def clear(self, summarizer_type: str | None = None) -> int:
        """Delete every record (or one summarizer type's); returns how many."""
        if summarizer_type is None:
            cursor = self.conn.execute("DELETE FROM predictions")
        else:
            cursor = self.conn.execute("DELETE FROM predictions WHERE summarizer_type = ?", (summarizer_type,))
        self.conn.execute("VACUUM")
        return cursor.rowcount

    @_explained
    def integrity(self) -> str:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> "PredictionCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
