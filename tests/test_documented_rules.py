"""Rules the README states that no other test pinned down: ranks never go up
down the table, five failures in a row stop a summarizer, and on tied
references the first maximum wins (as rouge-score's ``score_multi``)."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pytest
from rouge_score import rouge_scorer

from bench.api.article import Article, Source
from bench.api.engine import MAX_FAILURE_STREAK, Job
from bench.api.summarizer import Summarizer, SummarizerSettings
from bench.engines.local import run_job
from bench.leaderboard.ranking import rank_target
from bench.metrics.fast_rouge import FastRougeScorer
from bench.metrics.rouge import RougeScorer

# --- rank monotonicity ------------------------------------------------------------------------


def _block(per_article: dict[str, np.ndarray]) -> dict[str, Any]:
    def entry(key: str) -> dict[str, Any]:
        values = per_article[key]
        interval = {"mean": float(values.mean()), "ci_low": 0.0, "ci_high": 1.0}
        return {"key": key, "label": key, "scores": {"rougeLsum": {"p": interval, "r": interval, "f": interval}},
                "per_article": {str(i): float(v) for i, v in enumerate(values)}}

    return {"primary": "rougeLsum.f", "entries": [entry(k) for k in per_article], "oracles": []}


def test_a_rank_never_goes_up_down_the_table_even_when_a_lower_system_is_beaten_by_fewer() -> None:
    """C beats A significantly but not B (B is too noisy to tell), though B's mean is below A's:
    1 + |better| alone would rank B above A; the table keeps ranks non-decreasing."""
    rng = np.random.default_rng(3)
    base = rng.uniform(0.2, 0.6, 60)
    scores = {
        "c": base + 0.05,
        "a": base + 0.03,  # C beats A: a steady 0.02 gap on every article
        "b": base + 0.029 + rng.normal(0, 0.4, 60).clip(-0.2, 0.2),  # below A on average, but noise hides it
    }
    scores["b"] = scores["b"] - (scores["b"].mean() - scores["a"].mean()) - 0.0005
    block = _block(scores)
    rank_target(block, "rouge:Lsum|seed:11")
    order = [e["key"] for e in block["entries"]]
    assert order == ["c", "a", "b"]
    beaten_by = {e["key"]: {w["key"] for w in block["entries"] if e["key"] in w["beats"]} for e in block["entries"]}
    assert beaten_by["a"] == {"c"} and beaten_by["b"] == set()  # the case the rule is for
    assert [e["rank"] for e in block["entries"]] == [1, 2, 2]


@pytest.mark.parametrize("seed", range(12))
def test_ranks_are_non_decreasing_in_table_order_on_random_boards(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(12, 200))
    base = rng.uniform(0, 1, n)
    scores = {f"s{i}": (base + rng.uniform(-0.05, 0.05) + rng.normal(0, rng.uniform(0.001, 0.3), n)).clip(0, 1)
              for i in range(int(rng.integers(2, 7)))}
    block = _block(scores)
    rank_target(block, f"rouge:Lsum|seed:{seed}")
    ranks = [e["rank"] for e in block["entries"]]
    means = [e["scores"]["rougeLsum"]["f"]["mean"] for e in block["entries"]]
    assert means == sorted(means, reverse=True)
    assert ranks == sorted(ranks) and ranks[0] == 1
    for entry in block["entries"]:  # and a rank is never better than 1 + the entries that beat it
        beaten_by = sum(entry["key"] in other["beats"] for other in block["entries"])
        assert entry["rank"] >= 1 + beaten_by
        low, high = entry["rank_range"]
        assert low == entry["rank"] <= high <= len(block["entries"])


# --- five failures in a row -------------------------------------------------------------------


class _Flaky(Summarizer):
    """Fails on the article ids it is told to, and records what it was asked."""

    def __init__(self, fail_on: set[str]) -> None:
        super().__init__(SummarizerSettings(name="flaky", type="flaky"))
        self.fail_on, self.asked = fail_on, []

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        self.asked.append([a.id for a in articles])
        if any(a.id in self.fail_on for a in articles):
            raise RuntimeError("broken")
        return [f"out {a.id}" for a in articles]


def _articles(n: int) -> list[Article]:
    return [Article(id=f"a{i}", body=f"Body {i}.", headline=f"H {i}", standfirst=f"S {i}.") for i in range(n)]


def test_four_failures_then_a_success_keep_going() -> None:
    ids = [f"a{i}" for i in range(12)]
    flaky = _Flaky({*ids[0:4], *ids[5:9]})  # 4 fail, 1 works, 4 fail, the rest work
    result = run_job(flaky, Job("headline", _articles(12)))
    assert [f.index for f in result.failures] == [0, 1, 2, 3, 5, 6, 7, 8]
    assert all(f.attempted for f in result.failures)
    assert result.texts[4] == "out a4" and result.texts[9:] == ["out a9", "out a10", "out a11"]


def test_five_failures_in_a_row_stop_the_summarizer_for_the_rest_of_the_job() -> None:
    assert MAX_FAILURE_STREAK == 5  # the number the README gives
    ids = [f"a{i}" for i in range(10)]
    flaky = _Flaky(set(ids[1:6]))  # five in a row from a1; a6.. would work, but are not tried
    result = run_job(flaky, Job("headline", _articles(10)))
    assert result.texts[0] == "out a0" and result.texts[1:] == [None] * 9
    attempted = [f.index for f in result.failures if f.attempted]
    skipped = [f for f in result.failures if not f.attempted]
    assert attempted == [1, 2, 3, 4, 5]
    assert [f.index for f in skipped] == [6, 7, 8, 9]
    assert all(f.reason() == "not attempted after 5 failures in a row" for f in skipped)
    assert flaky.asked[0] == ids and flaky.asked[1:] == [[i] for i in ids[:6]]  # the batch, then one by one


# --- tied references: the first maximum wins ---------------------------------------------------

# Against "a b c d": REF_SHORT has P 0.5 / R 1.0, REF_LONG P 1.0 / R 0.5: the same F1 (2/3) for rouge1.
PREDICTION = "a b c d"
REF_SHORT = "a b"
REF_LONG = "a b c d e f g h"


@pytest.mark.parametrize("make", [
    lambda: RougeScorer(["rouge1"], use_stemmer=False, multiref="max"),
    lambda: FastRougeScorer(["rouge1"], use_stemmer=False, multiref="max"),
], ids=["rouge-score-backend", "fast-backend"])
def test_on_tied_references_the_first_maximum_gives_precision_and_recall(make: Any) -> None:
    scorer = make()
    first_short = scorer.score(PREDICTION, [REF_SHORT, REF_LONG])["rouge1"]
    first_long = scorer.score(PREDICTION, [REF_LONG, REF_SHORT])["rouge1"]
    assert first_short["f"] == pytest.approx(2 / 3) == first_long["f"]
    assert (first_short["p"], first_short["r"]) == pytest.approx((0.5, 1.0))
    assert (first_long["p"], first_long["r"]) == pytest.approx((1.0, 0.5))
    # The reference implementation's rule (score_multi: max by F1, the first on a tie).
    reference = rouge_scorer.RougeScorer(["rouge1"]).score_multi([REF_LONG, REF_SHORT], PREDICTION)["rouge1"]
    assert (reference.precision, reference.recall) == pytest.approx((first_long["p"], first_long["r"]))
