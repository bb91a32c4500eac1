"""The summarizer contract and its registry.

A summarizer takes a batch of articles and a target (``headline`` or
``standfirst``) and returns one text per article. Batches let model summarizers
pad and run together, and let an engine ship work to other processes.

Summarizers register through the ``bench.summarizers`` entry-point group (the
built-ins too, see ``pyproject.toml``; ``bench.api.registry`` reads it), so a
third-party package adds one without editing this project. ``register_summarizer``
adds one in-process (tests, notebooks). ``BENCH_PLUGINS=module[,module...]``
names modules that are imported before any lookup, so summarizers they register
with ``register_summarizer`` are usable from the command line without packaging.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Callable, ClassVar, Sequence, TypeVar

from pydantic import BaseModel, ConfigDict, model_validator

from bench.api.article import Article, Source
from bench.api.per_target import spell_out_per_target
from bench.api.registry import PLUGINS_ENV, Registry, load_env_plugins
from bench.api.strict_values import refuse_switches_as_numbers

ENTRY_POINT_GROUP = "bench.summarizers"
__all__ = ["PLUGINS_ENV", "Summarizer", "SummarizerSettings", "get_summarizer_class", "load_env_plugins",
           "register_summarizer", "summarizer_types"]


class SummarizerSettings(BaseModel):
    """Settings every summarizer entry in a config has; subclasses add their own.

    Unknown keys are errors (``extra="forbid"``), so a typo never silently
    falls back to a default; a ``true`` is never taken for the count 1
    (``bench.api.strict_values``), and NaN and infinity are never a setting.
    Fields typed ``PerTarget[...]`` (bench.api.per_target) take one value for
    both targets or a mapping by target, and are spelled out per target before
    they are checked, so every summarizer rejects an unknown
    target or an out-of-range value the same way, naming the field.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    _no_switches = model_validator(mode="before")(refuse_switches_as_numbers)

    name: str
    type: str

    @model_validator(mode="before")
    @classmethod
    def _spell_out_per_target(cls, data: Any) -> Any:
        return spell_out_per_target(cls, data)


class Summarizer(ABC):
    """Base class for every summarizer.

    Subclasses set ``Settings`` to their pydantic settings model and implement
    ``summarize``. An oracle (an upper bound that reads the references) sets
    ``is_oracle = True`` and is then given full ``Article`` objects; every other
    summarizer only ever gets ``Source`` objects.

    Runs are cached, resumed and retried article by article, so an output
    must depend only on the settings, the target, the article and (when
    ``deterministic`` is False) ``self.seed``: derive any randomness from the
    seed per article or per batch, never from state left by earlier batches.
    """

    Settings: ClassVar[type[SummarizerSettings]] = SummarizerSettings
    is_oracle: ClassVar[bool] = False
    description: ClassVar[str] = ""
    # False when outputs depend on the run seed (random choices, sampling): the
    # prediction cache then keys them by seed too. See ``uses_seed``.
    deterministic: ClassVar[bool] = True

    def __init__(self, settings: SummarizerSettings, seed: int = 0) -> None:
        self.settings = settings
        self.seed = seed

    @property
    def name(self) -> str:
        return self.settings.name

    @abstractmethod
    def summarize(self, articles: Sequence[Source | Article], target: str) -> list[str]:
        """Return one text per article, in order, written for ``target``."""

    def close(self) -> None:
        """Release models or connections. Called once when a run is done with it."""

    def stats(self) -> dict[str, Any]:
        """Counts a run records about this summarizer's work so far, e.g. inputs cut
        to a model's limit (``{"inputs": 120, "truncated": 3, ...}``). Integer
        counts under ``inputs`` and ``truncated`` are added up across an engine's
        restarts; other values are reported as last seen. JSON-serialisable.
        Default: nothing to report."""
        return {}

    @classmethod
    def uses_seed(cls, settings: SummarizerSettings) -> bool:
        """Whether outputs depend on the run seed; override when it depends on the
        settings (e.g. ``do_sample``). Defaults to ``not cls.deterministic``."""
        return not cls.deterministic

    @classmethod
    def cache_identity(cls, settings: SummarizerSettings) -> dict[str, Any]:
        """What, besides the settings, the seed, the target and the article, can
        change this summarizer's outputs: e.g. the resolved revision of a Hub
        model or a hash of local weight files. Part of the prediction cache key.

        Called without building the summarizer (a cache hit must not load a
        model), so it must be cheap and must not download anything. Must return
        JSON-serialisable values. Default: nothing extra.
        """
        return {}


S = TypeVar("S", bound=type[Summarizer])
# Not stamp_name: a summarizer's ``name`` is its config entry's name.
REGISTRY: Registry[type[Summarizer]] = Registry(ENTRY_POINT_GROUP, Summarizer, "summarizer type", "types")
_registered = REGISTRY.registered  # the same dict: tests register into it


def register_summarizer(type_name: str) -> Callable[[S], S]:
    """Class decorator: make a summarizer available under ``type_name`` in this process."""
    return REGISTRY.register(type_name)  # type: ignore[return-value]


def summarizer_types() -> dict[str, str]:
    """Every registered type name, mapped to where it comes from (not imported)."""
    return REGISTRY.names()


def get_summarizer_class(type_name: str) -> type[Summarizer]:
    """Look a summarizer type up by name; only the one asked for is imported."""
    return REGISTRY.get(type_name)
