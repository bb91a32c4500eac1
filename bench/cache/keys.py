"""Cache keys: a hash of everything that can change a prediction.

Per summarizer and target, a base hash covers the cache format, the bench
version, the summarizer class, its code, its type and settings (all but the
display ``name``), what ``cache_identity`` adds (a model's resolved revision or
a hash of local weights), the seed when the summarizer ``uses_seed``, and the
target. Per article, the key adds the id and body (what a summarizer sees) and,
for an oracle, the references it reads.

Its code is derived, never listed by hand: the source of the modules defining
the class and its bases (and of the engine module that hands it articles), and
of every module they import, transitively (lazy imports inside functions too),
within ``bench`` and the summarizer's own top-level package (``bench.api.introspect`` reads the imports from the files).
A helper moved into a new module is then covered as soon as a summarizer
imports it. Other libraries it imports count by their installed version
(transformers, torch, ...).

Batch size and engine are left out: they decide how work is shipped, not what
a summarizer writes for one article.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, packages_distributions, version
from typing import Any

from bench import __version__
from bench.api.article import Article
from bench.api.introspect import closure, external_imports
from bench.api.summarizer import Summarizer

CACHE_FORMAT = 2
PROJECT_PACKAGE = "bench"
# The code that hands articles to every summarizer (what it may see of them).
CALLER = "bench.engines.local"


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _roots(cls: type) -> list[str]:
    """The modules defining ``cls`` and its base classes below ``Summarizer``,
    and the engine code that calls it."""
    modules: list[str] = [CALLER]
    for klass in cls.__mro__:
        if klass in (Summarizer, object) or klass.__module__ in ("abc", "builtins"):
            continue
        if klass.__module__ not in modules:
            modules.append(klass.__module__)
    return modules


def code_modules(cls: type) -> dict[str, str]:
    """Every module whose code can change ``cls``'s outputs: dotted name -> file.

    The modules of the class and its bases, and what they import, transitively,
    within ``bench`` and the class's own top-level package."""
    found: dict[str, str] = {}
    for root in _roots(cls):
        within = {PROJECT_PACKAGE, root.split(".")[0]}
        for module in closure(root, within):
            if module.path is not None:
                found[module.name] = str(module.path)
    return dict(sorted(found.items()))


def code_fingerprint(cls: type) -> str | None:
    """A hash of the source of ``code_modules(cls)``, so editing any code a
    summarizer runs (its own, a helper it imports, the splitter, the model
    machinery) recomputes its cached outputs. None when its source is not on
    disk (a class typed into a REPL): then only the other parts key it."""
    modules = code_modules(cls)
    if cls.__module__ not in modules:
        return None  # the class's own source is nowhere on disk
    digest = hashlib.sha256()
    for name, path in modules.items():
        try:
            with open(path, "rb") as handle:
                content = handle.read()
        except OSError:
            content = b""
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def _distributions() -> dict[str, list[str]]:
    return packages_distributions()


def library_versions(cls: type) -> dict[str, str]:
    """Installed versions of the other libraries ``cls``'s code imports (at module
    level or inside functions), e.g. {"transformers": "4.57.0", "torch": "2.13.0"}."""
    versions: dict[str, str] = {}
    for root in _roots(cls):
        within = {PROJECT_PACKAGE, root.split(".")[0]}
        for top in external_imports(root, within, nested=True):
            for dist in _distributions().get(top, []):
                try:
                    versions[dist] = version(dist)
                except PackageNotFoundError:
                    continue
    return dict(sorted(versions.items()))


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
            "libraries": library_versions(cls),
            # Validated, so one value and the same value spelled out per target key alike.
            "settings": {k: v for k, v in validated.model_dump(mode="json").items() if k != "name"},
            "extra": cls.cache_identity(validated),
            "seed": seed if cls.uses_seed(validated) else None,
        }
        self._base = _digest(self.identity)

    def key(self, target: str, article: Article) -> str:
        seen: list[str] = [article.id, article.body]
        if self.is_oracle:
            seen += article.reference_fields()  # one reference: the text itself, as before lists existed
        return _digest([self._base, target, seen])
