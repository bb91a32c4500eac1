"""Where the prediction cache lives.

``$HEADLINE_BENCH_CACHE`` if set, else ``cache.dir`` in the config, else
``$XDG_CACHE_HOME/headline-bench`` or ``~/.cache/headline-bench``.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "HEADLINE_BENCH_CACHE"
DB_NAME = "predictions.sqlite3"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "headline-bench"


def resolve_cache_dir(configured: str | None = None) -> Path:
    """The environment variable wins over the config, which wins over the default."""
    chosen = os.environ.get(CACHE_ENV) or configured
    return Path(chosen).expanduser() if chosen else default_cache_dir()
