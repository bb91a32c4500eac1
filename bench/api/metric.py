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
  Evaluation passes it every system of a target (oracles included, flagged in
  results) and records its block under ``targets.T.comparisons.NAME``.

``Scorer`` (and ``ArrayScorer``) is what a backend behind a metric implements,
e.g. ROUGE's ``fast`` and ``rouge-score`` (``bench.metrics.rouge_backends``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping, Protocol, Sequence, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict, model_validator

from bench.api.registry import Registry
from bench.api.strict_values import refuse_switches_as_numbers

if TYPE_CHECKING:
    import numpy as np

ENTRY_POINT_GROUP = "bench.metrics"

# One item's scores: {key name: {column: value}}, e.g. {"rouge1": {"p": .5, "r": .4, "f": .44}}.
ItemScores = dict[str, dict[str, float]]
# Many items' scores, columnar: {key name: (items x columns) float64 array, columns in ScoreKey order}.
# What evaluation keeps in memory: 100,000 articles stay a few arrays, never 100,000 dicts.
ScoreArrays = dict[str, "np.ndarray"]
# Column names people read; a key may name its own (ScoreKey.column_labels).
COLUMN_LABELS = {"p": "precision", "r": "recall", "f": "F1"}


class MetricSettings(BaseModel):
    """A metric's own settings (``scoring.metrics.NAME`` in a config); unknown keys are errors,
    and values are checked as a config's are (``true`` is no count, NaN no setting)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    _no_switches = model_validator(mode="before")(refuse_switches_as_numbers)


@dataclass(frozen=True, slots=True)
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
    column_labels: tuple[str, ...] = ()  # one per column ("precision", ...); defaults from COLUMN_LABELS
    percent: bool = True  # values in 0..1, shown x100 (ROUGE, BERTScore); False: shown as they are

    def __post_init__(self) -> None:
        if not self.columns or len(set(self.columns)) != len(self.columns):
            raise ValueError(f"score key {self.name!r}: columns must be distinct and at least one: {self.columns}")
        if self.primary_column not in self.columns:
            raise ValueError(f"score key {self.name!r}: primary column {self.primary_column!r} not in {self.columns}")
        if self.column_labels and len(self.column_labels) != len(self.columns):
            raise ValueError(f"score key {self.name!r}: {len(self.column_labels)} column labels "
                             f"for {len(self.columns)} columns")
        if "." in self.name or "." in "".join(self.columns):
            raise ValueError(f"score key {self.name!r}: names and columns may not contain '.' (used in 'key.column')")

    def describe(self) -> dict[str, Any]:
        """The JSON form recorded in results.json and the leaderboard, so pages render
        any metric from it without knowing the metric."""
        labels = self.column_labels or tuple(COLUMN_LABELS.get(c, c) for c in self.columns)
        return {
            "name": self.name, "label": self.label or self.name, "columns": list(self.columns),
            "column_labels": list(labels), "primary_column": self.primary_column, "rankable": self.rankable,
            "higher_is_better": self.higher_is_better, "percent": self.percent, "description": self.description,
        }


def score_text(value: float, percent: bool, digits: int) -> str:
    """A score as tables print it: x100 with ``digits`` decimals for a fraction
    (``ScoreKey.percent``), else as it is with one decimal more."""
    return f"{100 * value:.{digits}f}" if percent else f"{value:.{digits + 1}f}"


@runtime_checkable
class Scorer(Protocol):
    """A scoring backend: many (prediction, references) pairs in, per-pair scores out.

    ROUGE's backends implement it (``fast``, ``rouge-score``; an exact ROUGE-1.5.5
    mode or a compiled kernel plug in the same way). Several references per
    prediction are combined by the backend (its multiref rule), so there is one
    score per pair."""

    def score_batch(self, predictions: Sequence[str], reference_lists: Sequence[Sequence[str]]) -> list[ItemScores]:
        """One ``ItemScores`` per prediction, in order."""
        ...


@runtime_checkable
class ArrayScorer(Scorer, Protocol):
    """A ``Scorer`` that also gives its scores columnar, without per-pair dicts (large inputs)."""

    def score_arrays(self, predictions: Sequence[str], reference_lists: Sequence[Sequence[str]]) -> ScoreArrays:
        """Per score key, a (pairs x columns) array; the same numbers as ``score_batch``."""
        ...


def items_to_arrays(scores: Sequence[ItemScores], keys: Sequence[ScoreKey]) -> ScoreArrays:
    """Per-item dicts to columnar arrays (float64, ``nan`` where an item has no value)."""
    import numpy as np

    out = {}
    for key in keys:
        out[key.name] = np.array(
            [[_number(s.get(key.name, {}).get(c)) for c in key.columns] for s in scores], dtype=np.float64
        ).reshape(len(scores), len(key.columns))
    return out


def _number(value: Any) -> float:
    return float("nan") if value is None else float(value)


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

    def describe(self) -> dict[str, Any]:
        """What results.json records about this metric (the signature is added by the caller,
        which knows the fields every metric shares)."""
        return {
            "kind": "comparative" if isinstance(self, ComparativeMetric) else "per-item",
            "description": self.description, "citation": self.citation,
            "settings": self.settings.model_dump(mode="json"),
            "signature_fields": [list(field) for field in self.signature()],
            "keys": [key.describe() for key in self.keys()],
        }


class Metric(_Described):
    """Scores each item independently of the others.

    ``__init__`` must stay cheap (no model loading): metrics are built to
    validate configs and describe themselves. Load models in ``score``."""

    @abstractmethod
    def score(self, items: Sequence[ScoreItem]) -> list[ItemScores]:
        """One ``ItemScores`` per item, in order, covering every key of ``keys()``."""

    def score_arrays(self, items: Sequence[ScoreItem]) -> ScoreArrays:
        """``score`` in columnar form: per key, an (items x columns) array in
        ``keys()`` column order. Override it where per-item dicts would cost too much."""
        return items_to_arrays(self.score(items), self.keys())

    def annotate(self, items: Sequence[ScoreItem]) -> list[dict[str, Any] | None]:
        """Optional per-item details for people (e.g. unsupported spans), shown in the
        article browser and kept in scores.jsonl; never aggregated. JSON-serialisable."""
        return [None] * len(items)

    def summarize(self, systems: Mapping[str, Sequence[ScoreItem]]) -> dict[str, Any] | None:
        """Optional: what this metric makes of each system's items as a whole, beside the
        harness's plain means (e.g. the averages another tool reports from the same per-item
        scores). Called after ``score_arrays`` with the same items, per system (as
        ``ComparativeMetric.compare``), and recorded the same way, under
        ``targets.T.comparisons.NAME``. None: nothing to add."""
        return None


class ComparativeMetric(_Described):
    """Scores systems against each other on the same articles (e.g. a pairwise judge)."""

    @abstractmethod
    def compare(self, systems: Mapping[str, Sequence[ScoreItem]]) -> dict[str, Any]:
        """``systems`` maps a system name to its items (same ids and target for all).
        Returns a JSON-serialisable block for results.json: per-system summaries
        (e.g. win rate, Bradley-Terry strength with CI) and how they were made."""

    def use_cache(self, cache: Any) -> None:
        """The run's prediction cache (a ``bench.cache.PredictionCache``), or None when
        the run has it off: where to keep what is costly to make again (a judge's
        verdicts). Called before ``compare`` by ``bench run``; when it is not called
        the metric decides. Default: nothing is kept."""


M = TypeVar("M", bound=type[_Described])
REGISTRY: Registry[type[_Described]] = Registry(ENTRY_POINT_GROUP, (Metric, ComparativeMetric), "metric", "metrics",
                                                stamp_name=True)
_registered = REGISTRY.registered  # the same dict: tests register into it


def register_metric(name: str) -> Callable[[M], M]:
    """Class decorator: make a metric available under ``name`` in this process."""
    return REGISTRY.register(name)  # type: ignore[return-value]


def metric_types() -> dict[str, str]:
    """Every registered metric name, mapped to where it comes from (not imported)."""
    return REGISTRY.names()


def get_metric_class(name: str) -> type[_Described]:
    """Look a metric up by name; only the one asked for is imported."""
    return REGISTRY.get(name)
