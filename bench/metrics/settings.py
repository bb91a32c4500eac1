"""``scoring:`` in a config: the ROUGE settings, how numbers are aggregated and
tested, and the metrics beside ROUGE (``metrics: {NAME: {settings}}``).

Every metric's settings are validated up front by the metric's own
``Settings``, so a typo fails before anything runs, with one line naming the
key (``scoring.metrics.bertscore.layer: ...``). ``primary`` names any score key
a metric declares rankable (``rougeLsum``, ``bertscore``, ...), optionally with
its column (``rouge1.p``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bench.api.article import TARGETS
from bench.api.metric import ComparativeMetric, Metric, ScoreKey, get_metric_class
from bench.api.strict_values import refuse_switches_as_numbers
from bench.errors import UnknownNameError
from bench.metrics.rouge_metric import RougeMetric, RougeSettings
from bench.metrics.rouge_types import is_rouge_type

ROUGE = "rouge"  # the built-in metric every run has; its settings sit at the top of scoring:
# Per-target length limits for stats.over_budget when a config names none.
DEFAULT_BUDGETS = {"headline": {"words": 14, "chars": 90}, "standfirst": {"words": 40, "chars": 250}}
# Resamples that finish: 100,000 bootstrap draws are already far past any interval's precision.
MAX_RESAMPLES = 100_000


class LengthBudget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    _no_switches = model_validator(mode="before")(refuse_switches_as_numbers)

    words: int = Field(ge=1)
    chars: int = Field(ge=1)


class ScoringConfig(RougeSettings):
    model_config = ConfigDict(extra="forbid", frozen=False)

    bootstrap: int = Field(default=1000, ge=0, le=MAX_RESAMPLES)
    confidence: float = Field(default=0.95, gt=0, lt=1)
    primary: str = "rougeLsum"
    # Paired tests between the systems of a run (bench.metrics.significance).
    significance: Literal["bootstrap", "randomization"] = "bootstrap"
    significance_resamples: int = Field(default=1000, ge=0, le=MAX_RESAMPLES)
    # Length budgets per target for stats.over_budget: an output over either limit counts.
    budgets: dict[str, LengthBudget] = Field(
        default_factory=lambda: {t: LengthBudget(**limits) for t, limits in DEFAULT_BUDGETS.items()}
    )
    # Metrics beside ROUGE, by registered name, each with its own settings (resolved: defaults filled in).
    metrics: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @field_validator("budgets")
    @classmethod
    def _budget_targets(cls, value: dict[str, LengthBudget]) -> dict[str, LengthBudget]:
        unknown = sorted(set(value) - set(TARGETS) - {"reference"})
        if unknown:
            raise ValueError(f"no target {unknown[0]!r}; budgets are per target: {', '.join(TARGETS)} or reference")
        return value

    @model_validator(mode="before")
    @classmethod
    def _semantic_shorthand(cls, value: Any) -> Any:
        """``semantic: true`` (the older spelling) is ``metrics: {semantic: {}}``."""
        if isinstance(value, dict) and "semantic" in value:
            value = dict(value)
            on = value.pop("semantic")
            if not isinstance(on, bool):
                raise ValueError("semantic: expected true or false (or list it under scoring.metrics)")
            if on:
                metrics = dict(value.get("metrics") or {})
                metrics.setdefault("semantic", {})
                value["metrics"] = metrics
        return value

    @field_validator("metrics", mode="before")
    @classmethod
    def _metric_settings(cls, value: Any) -> dict[str, dict[str, Any]]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValueError("expected a mapping of metric name to its settings, e.g. {semantic: {}}")
        resolved = {}
        for name, raw in value.items():
            where = f"scoring.metrics.{name}"
            if name == ROUGE:
                raise _at(where, "ROUGE's settings go at the top of scoring: (rouge, stemmer, tokenizer, ...)")
            try:
                settings_cls = get_metric_class(str(name)).Settings
            except UnknownNameError as err:
                raise _at(where, str(err)) from None
            if raw is None:
                raw = {}
            if not isinstance(raw, dict):
                raise _at(where, "expected a mapping of settings ({} for the defaults)")
            try:
                resolved[str(name)] = settings_cls.model_validate(raw).model_dump(mode="json")
            except ValidationError as err:
                first = err.errors()[0]
                field = ".".join(str(p) for p in first["loc"] if p != "[key]")
                message = first["msg"].removeprefix("Value error, ")
                if first["type"] == "extra_forbidden":
                    message = "unknown key; remove it or check its spelling"
                raise _at(".".join(filter(None, (where, field))), message) from None
        return resolved

    @model_validator(mode="after")
    def _primary_is_rankable(self) -> "ScoringConfig":
        key, _, column = self.primary.partition(".")
        found = {k.name: k for metric in build_metrics(self) for k in metric_keys(metric)}
        if key not in found:
            if is_rouge_type(key):
                raise ValueError(f"primary metric {key!r} is not in scoring.rouge {self.rouge}")
            raise _at("scoring.primary", f"{self.primary!r} is not a score of this config; "
                      f"rankable scores: {', '.join(n for n, k in found.items() if k.rankable)}")
        if not found[key].rankable:
            raise _at("scoring.primary", f"{key!r} is a side metric and cannot rank systems; "
                      f"rankable scores: {', '.join(n for n, k in found.items() if k.rankable)}")
        if column and column not in found[key].columns:
            raise _at("scoring.primary", f"{key!r} has no column {column!r}; its columns: {found[key].columns}")
        return self

    def rouge_settings(self) -> RougeSettings:
        return RougeSettings(**{name: getattr(self, name) for name in RougeSettings.model_fields})

    def primary_column(self) -> str:
        """The primary score as ``key.column`` (``rougeLsum.f``)."""
        key, _, column = self.primary.partition(".")
        if column:
            return self.primary
        for metric in build_metrics(self):
            for k in metric_keys(metric):
                if k.name == key:
                    return f"{key}.{k.primary_column}"
        raise ValueError(f"primary {self.primary!r} is no score key")  # the validator makes this unreachable


def build_metrics(scoring: ScoringConfig, seed: int = 0) -> list[Metric | ComparativeMetric]:
    """ROUGE first, then the configured metrics in config order. Cheap: no model is loaded."""
    metrics: list[Metric | ComparativeMetric] = [RougeMetric(scoring.rouge_settings(), seed)]
    for name, settings in scoring.metrics.items():
        cls = get_metric_class(name)
        metric = cls(cls.Settings.model_validate(settings), seed)
        metric.name = name
        metrics.append(metric)
    return metrics


def metric_keys(metric: Metric | ComparativeMetric) -> list[ScoreKey]:
    """A per-item metric's score keys; a comparative metric ranks nothing here."""
    return metric.keys() if isinstance(metric, Metric) else []


def _at(where: str, message: str) -> PydanticCustomError:
    """An error that names its own place (config.py prints it as ``where: message``)."""
    return PydanticCustomError("located", "{where}: {message}", {"where": where, "message": message})
