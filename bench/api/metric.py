"""The metric contract and its registry.

A metric scores a batch of items (one prediction, its references and, when the
metric needs it, the article body) and describes itself: the score keys and
columns it produces, which of them may rank systems, the settings that go into
the signature, and a citation. ROUGE is one metric among others: the config,
the signature, results, the leaderboard and its page read these descriptions
instead of naming ROUGE types.

Metrics register through the ``bench.metrics`` entry-point group (the
built-ins too), or in-process with ``@register_metric("name")``; modules named
in ``BENCH_PLUGINS`` are imported before any lookup, as for summarizers.

Two kinds:

- ``Metric``: scores each item on its own (ROUGE, faithfulness, BERTScore).
- ``ComparativeMetric``: needs every system's output for the same article at
  once (a pairwise judge); it returns per-system summaries, not per-item scores.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Mapping, Sequence, TypeVar

from pydantic import BaseModel, ConfigDict

from bench.api.registry import entry_point_values, load_entry_point, load_env_plugins, missing_hint
from bench.errors import UnknownNameError

ENTRY_POINT_GROUP = "bench.metrics"

# One item's scores: {key name: {column: value}}, e.g. {"rouge1": {"p": .5, "r": .4, "f": .44}}.
ItemScores = dict[str, dict[str, float]]


class MetricSettings(BaseModel):
    """A metric's own settings (``scoring.metrics.NAME`` in a config); unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class ScoreItem:
    """What a metric is given for one (system, target, article)."""

    id: str
    target: str
    prediction: str
    references: tuple[str, ...]
    body: str | None = None  # None where the body is unknown (bench score on text files)


@dataclass(frozen=True)
class ScoreKey:
    """One named group of columns a metric produces, e.g. ``rouge1`` with p/r/f.

    ``rankable`` keys may be a board's primary metric (ranked, tested for
    significance on ``primary_column``); the others are side statistics shown
    beside the ranks, never mixed into them.
    """

    name: str
    columns: tuple[str, ...]
    rankable: bool
    primary_column: str
    label: str = ""  # short header for tables ("R-1"); defaults to the name
    higher_is_better: bool = True
    description: str = ""

    def __post_init__(self) -> None:
        if self.primary_column not in self.columns:
            raise ValueError(f"score key {self.name!r}: primary column {self.primary_column!r} not in {self.columns}")


class _Described(ABC):
    """What every metric says about itself."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    citation: ClassVar[str] = ""
    Settings: ClassVar[type[MetricSettings]] = MetricSettings
    needs_body: ClassVar[bool] = False

    def __init__(self, settings: MetricSettings, seed: int = 0) -> None:
        self.settings = settings
        self.seed = seed

    @abstractmethod
    def keys(self) -> list[ScoreKey]:
        """The score keys this metric produces with these settings, in display order."""

    @abstractmethod
    def signature(self) -> list[tuple[str, str]]:
        """(field, value) pairs for the run signature: every setting that can change a number."""

    def close(self) -> None:
        """Release models or connections."""


class Metric(_Described):
    """Scores each item independently of the others."""

    @abstractmethod
    def score(self, items: Sequence[ScoreItem]) -> list[ItemScores]:
        """One ``ItemScores`` per item, in order, covering every key of ``keys()``."""

    def annotate(self, items: Sequence[ScoreItem]) -> list[dict[str, Any] | None]:
        """Optional per-item details for people (e.g. unsupported spans), shown in the
        article browser and kept in scores.jsonl; never aggregated. JSON-serialisable."""
        return [None] * len(items)


class ComparativeMetric(_Described):
    """Scores systems against each other on the same articles (e.g. a pairwise judge)."""

    @abstractmethod
    def compare(self, systems: Mapping[str, Sequence[ScoreItem]]) -> dict[str, Any]:
        """``systems`` maps a system name to its items (same ids and target for all).
        Returns a JSON-serialisable block for results.json: per-system summaries
        (e.g. win rate, Bradley-Terry strength with CI) and how they were made."""


M = TypeVar("M", bound=type[_Described])
_registered: dict[str, type[_Described]] = {}


def register_metric(name: str) -> Callable[[M], M]:
    """Class decorator: make a metric available under ``name`` in this process."""

    def decorate(cls: M) -> M:
        cls.name = name
        _registered[name] = cls
        return cls

    return decorate


def metric_types() -> dict[str, str]:
    """Every registered metric name, mapped to where it comes from (not imported)."""
    load_env_plugins()
    found = entry_point_values(ENTRY_POINT_GROUP)
    found.update({name: f"{cls.__module__}:{cls.__qualname__}" for name, cls in _registered.items()})
    return dict(sorted(found.items()))


def get_metric_class(name: str) -> type[_Described]:
    """Look a metric up by name; only the one asked for is imported."""
    load_env_plugins()
    if name in _registered:
        return _registered[name]
    cls = load_entry_point(ENTRY_POINT_GROUP, name)
    if cls is not None:
        if not (isinstance(cls, type) and issubclass(cls, (Metric, ComparativeMetric))):
            raise TypeError(f"entry point {entry_point_values(ENTRY_POINT_GROUP)[name]} for metric {name!r} is not a Metric subclass")
        cls.name = name
        return cls
    known = ", ".join(metric_types()) or "none"
    raise UnknownNameError(f"unknown metric {name!r}; registered metrics: {known}{missing_hint(ENTRY_POINT_GROUP)}")
