"""Paired significance tests against cases with a known answer."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest

from bench.config import ScoringConfig
from bench.metrics.significance import holm_adjust, paired_tests
from bench.runs.evaluate import significance_block


@pytest.mark.parametrize("method", ["bootstrap", "randomization"])
def test_identical_systems_have_p_one(method: str) -> None:
    scores = np.random.default_rng(0).random((200, 2))
    [test, _] = paired_tests({"a": scores, "b": scores.copy()}, ["x", "y"], method, 500, 1)
    assert test["delta"] == 0 and test["p_value"] == 1.0


@pytest.mark.parametrize("method", ["bootstrap", "randomization"])
def test_better_on_every_article_has_minimal_p(method: str) -> None:
    rng = np.random.default_rng(1)
    base = rng.random((300, 1))
    [test] = paired_tests({"a": base + 0.05 + rng.random((300, 1)) * 0.01, "b": base}, ["f"], method, 999, 2)
    assert test["delta"] > 0.05 and test["p_value"] == pytest.approx(1 / 1000)


def test_randomization_matches_the_exact_sign_flip_distribution() -> None:
    """On n=10 articles all 2^10 sign flips can be enumerated: the exact p-value."""
    diffs = np.array([0.3, -0.1, 0.25, 0.05, 0.4, -0.2, 0.15, 0.1, -0.05, 0.2])
    observed = abs(diffs.mean())
    flips = np.array(list(product([-1, 1], repeat=len(diffs))))
    exact = float(np.mean(np.abs(flips @ diffs / len(diffs)) >= observed - 1e-12))
    a, b = diffs[:, None] + 1.0, np.ones((10, 1))
    [test] = paired_tests({"a": a, "b": b}, ["f"], "randomization", 20000, 3)
    assert test["p_value"] == pytest.approx(exact, abs=0.01)
    scipy_stats = pytest.importorskip("scipy.stats")
    result = scipy_stats.permutation_test(
        (a[:, 0], b[:, 0]), lambda x, y: np.mean(x - y), permutation_type="samples", n_resamples=np.inf
    )
    assert result.pvalue == pytest.approx(exact, abs=1e-9)


def test_holm_adjustment_known_values() -> None:
    assert holm_adjust([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm_adjust([0.5, 0.9]) == pytest.approx([1.0, 1.0])


def test_significance_block_shape_and_alignment() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.random((50, 4)), rng.random((50, 4))
    ids = [str(i) for i in range(50)]
    shuffled = ids[::-1]
    scoring = ScoringConfig(significance="randomization", significance_resamples=200)
    block = significance_block(scoring, 9, {"a": (ids, a), "b": (shuffled, b[::-1])})
    same = significance_block(scoring, 9, {"a": (ids, a), "b": (ids, b)})
    assert block["method"] == "randomization" and block["correction"] == "holm" and block["alpha"] == 0.05
    assert len(block["tests"]) == 4 and block["tests"] == same["tests"]
    assert {"a", "b", "metric", "delta", "p_value", "p_adjusted"} <= set(block["tests"][0])
    assert significance_block(scoring, 9, {"a": (["1"], a[:1]), "b": (["1"], b[:1])})["tests"] == []


def test_too_few_articles_make_no_claim() -> None:
    from bench.metrics.significance import MIN_ARTICLES

    better = np.full((MIN_ARTICLES - 1, 1), 0.9)
    worse = np.full((MIN_ARTICLES - 1, 1), 0.1)
    [record] = paired_tests({"a": better, "b": worse}, ["f"], "bootstrap", 200, 0)
    assert record["p_value"] == 1.0 and record["delta"] > 0
    [record] = paired_tests({"a": np.full((MIN_ARTICLES, 1), 0.9), "b": np.full((MIN_ARTICLES, 1), 0.1)},
                            ["f"], "randomization", 200, 0)
    assert record["p_value"] < 0.05
