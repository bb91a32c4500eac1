"""Every registered metric, built with its default settings, honours the metric
contract on a few made-up items: it names its score keys and signature, and
scores every item under every key and column with a finite number or None.

Parametrized over the registry, so a new metric is covered the day it
registers; this is the check that catches a metric that only fails when run
(a name missing from its module, a key it declares but never fills).
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from bench.api.metric import ComparativeMetric, Metric, ScoreItem, get_metric_class, metric_types

# Metrics that cannot run here with their defaults, and why (each has its own tests that provide what it needs).
NEEDS = {
    "judge": "asks an OpenAI-compatible chat server (base_url has no default); tests/test_judge*.py run a fake one",
}

BODIES = [
    "The Bank of England raised interest rates to 5.25% on Thursday, the 14th rise in a row. Governor Andrew "
    "Bailey said inflation, at 7.9%, was still far too high. Mortgage lenders said monthly payments would rise.",
    "Wales beat Australia 40-6 in Lyon on Sunday to reach the Rugby World Cup quarter-finals. Warren Gatland's "
    "side scored five tries. Australia are likely to go out in the pool stage for the first time.",
    "A heatwave closed schools across southern Spain, where temperatures passed 44C in Seville. Officials told "
    "people to stay indoors in the afternoon and to drink water.",
]
REFERENCES = [
    "Bank of England raises rates to 5.25%",
    "Wales thrash Australia to reach quarter-finals",
    "Spain closes schools as temperatures pass 44C",
]
PREDICTIONS = {
    "sys-a": ["Interest rates rise to 5.25% as inflation stays high",
              "Wales beat Australia 40-6 in Lyon",
              "Heatwave closes schools in Spain"],
    "sys-b": ["Bank raises rates again, says Bailey",
              "Gatland's Wales into World Cup last eight",
              "Seville swelters at 45C"],  # 45C: not in the body
}


def items(system: str) -> list[ScoreItem]:
    return [ScoreItem(str(i), "headline", prediction, (REFERENCES[i],), BODIES[i])
            for i, prediction in enumerate(PREDICTIONS[system])]


def build(name: str) -> Any:
    if name in NEEDS:
        pytest.skip(f"{name} {NEEDS[name]}")
    cls = get_metric_class(name)
    return cls(cls.Settings(), seed=1)


def finite_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value))


@pytest.mark.parametrize("name", sorted(metric_types()))
def test_every_metric_with_default_settings_names_its_keys_and_signature_and_scores_every_item(name: str) -> None:
    metric = build(name)
    keys = metric.keys()
    assert keys and len({k.name for k in keys}) == len(keys)
    for key in keys:
        assert key.columns and key.primary_column in key.columns
    signature = metric.signature()
    assert signature
    for field, value in signature:
        assert isinstance(field, str) and field and isinstance(value, str) and value, (field, value)
    try:
        if isinstance(metric, Metric):
            per_item = metric.score(items("sys-a"))
            assert len(per_item) == len(BODIES)
            for scores in per_item:
                assert set(scores) == {k.name for k in keys}
                for key in keys:
                    assert set(scores[key.name]) == set(key.columns), key.name
                    assert all(finite_or_none(v) for v in scores[key.name].values()), scores[key.name]
        else:
            assert isinstance(metric, ComparativeMetric)
            block = metric.compare({system: items(system) for system in PREDICTIONS})
            assert isinstance(block, dict) and block
    finally:
        metric.close()
