"""Cache keys: a hash of everything that can change a prediction.

Per summarizer and target, a base hash covers the cache format, the bench
version, the summarizer class and a hash of its (and its base classes') source
and of the code all summarizers share (``SHARED_CODE``), its type
and settings (all but the display ``name``), what ``cache_identity`` adds (a
model's resolved revision or a hash of local weights), the seed when the
summarizer ``uses_seed``, and the target. Per article, the key adds the id and
body (what a summarizer sees) and, for an oracle, the references it reads.

Batch size and engine are left out: they decide how work is shipped, not what
a summarizer writes for one article.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from pathlib import Path
from functools import lru_cache
from typing import Any

from bench import __version__
from bench.api.article import Article
from bench.api.summarizer import Summarizer
from bench.tokenizers import sentences

CACHE_FORMAT = 1


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=None)
def code_fingerprint(cls: type) -> str | None:
    """A hash of the source files defining ``cls`` and its base classes (up to
    ``Summarizer``), so editing a summarizer's code invalidates its cached
    outputs. Shared helpers are covered by ``shared_code_fingerprint``."""
    digest = hashlib.sha256()
    files: list[str] = []
    for klass in cls.__mro__:
        if klass in (Summarizer, object) or klass.__module__ in ("abc", "builtins"):
            continue
        try:
            path = inspect.getsourcefile(klass)
        except TypeError:
            path = None
        if path and path not in files:
            files.append(path)
    if not files:
        return None
    for path in files:
        try:
            with open(path, "rb") as handle:
                digest.update(handle.read())
        except OSError:
            return None
    return digest.hexdigest()[:16]


# The code every summarizer leans on besides its own classes: the contracts, the
# sentence splitter and word tokenizers, the model loading and generation
# machinery, and the extractive helpers.
SHARED_CODE = ("api", "tokenizers", "models", "summarizers/common.py", "engines/local.py")


@lru_cache(maxsize=None)
def shared_code_fingerprint() -> str:
    """A hash of ``SHARED_CODE``: a fix there (a splitter rule, a stemmer
    change) recomputes cached predictions instead of serving stale ones."""
    root = Path(inspect.getsourcefile(sentences) or "").resolve().parents[1]
    digest = hashlib.sha256()
    for entry in SHARED_CODE:
        path = root / entry
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes())
    return f"{sentences.SPLITTER_NAME}:{digest.hexdigest()[:16]}"


class PredictionKeys:
    """Keys for one summarizer's predictions in one run."""

    def __init__(self, cls: type[Summarizer], settings: dict[str, Any], seed: int) -> None:
        validated = cls.Settings.model_validate(settings)
        self.is_oracle = cls.is_oracle
        self.identity = {
            "format": CACHE_FORMAT,
            "bench": __version__,
            "class": f"{cls.__module__}:{cls.__qualname__}",
            "code": code_fingerprint(cls),
            "shared_code": shared_code_fingerprint(),
            "settings": {k: v for k, v in settings.items() if k != "name"},
            "extra": cls.cache_identity(validated),
            "seed": seed if cls.uses_seed(validated) else None,
        }
        self._base = _digest(self.identity)

    def key(self, target: str, article: Article) -> str:
        seen: list[str] = [article.id, article.body]
        if self.is_oracle:
            seen += article.reference_fields()  # one reference: the text itself, as before lists existed
        return _digest([self._base, target, seen])
