"""The prediction cache, shared by every run on a machine.

A prediction is stored under a key that hashes everything that can change it
(see ``keys.py``), so a re-run of an unchanged config calls no summarizer at
all, and changing one setting recomputes only what that setting affects. The
store is one SQLite database in WAL mode (``store.py``): several runs may read
and write it at once.
"""

from bench.cache.keys import PredictionKeys
from bench.cache.problems import CacheError
from bench.cache.store import CACHE_ENV, PredictionCache, default_cache_dir, resolve_cache_dir

__all__ = ["CACHE_ENV", "CacheError", "PredictionCache", "PredictionKeys", "default_cache_dir", "resolve_cache_dir"]
