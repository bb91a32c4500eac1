"""configs/wikinews.yaml end to end on the 291 Wikinews articles of 2019-2020
(CC BY 2.5), beside the BBC run of test_bbc_e2e.py: every figure must be sane."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.config import DatasetConfig, load_config
from bench.data import load_dataset_from_config
from bench.runs.runner import run

PROJECT = Path(__file__).resolve().parents[1]
ROUGE_TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


@pytest.fixture(scope="module")
def results(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    config = load_config(PROJECT / "configs" / "wikinews.yaml")
    assert Path(config.dataset.source) == (shared_data / "wikinews_2019_2020.jsonl").resolve()
    outcome = run(config, tmp_path_factory.mktemp("wikinews"), show_progress=False, use_cache=False)
    assert not outcome.failures
    return outcome.results


def mean(results: dict, target: str, name: str, rouge_type: str = "rougeLsum") -> float:
    return results["targets"][target]["systems"][name]["scores"][rouge_type]["f"]["mean"]


def test_every_article_is_scored_once(results: dict) -> None:
    dataset = results["dataset"]
    assert dataset["n_articles"] == dataset["total_rows"] == 291 and len(set(dataset["ids"])) == 291
    assert dataset["references"] == {"headline": {"1": 291}, "standfirst": {"1": 291}}
    for block in results["targets"].values():
        assert all(system["n"] == 291 for system in block["systems"].values())


def test_intervals_hold_their_means(results: dict) -> None:
    for block in results["targets"].values():
        for system in block["systems"].values():
            for rouge_type in ROUGE_TYPES:
                for key in "prf":
                    s = system["scores"][rouge_type][key]
                    assert 0 <= s["ci_low"] <= s["mean"] <= s["ci_high"] <= 1


@pytest.mark.parametrize("target", ["headline", "standfirst"])
def test_the_oracle_is_flagged_and_beats_every_system(results: dict, target: str) -> None:
    systems = results["targets"][target]["systems"]
    assert systems["oracle"]["oracle"] is True and not systems["lead-1"]["oracle"]
    for name in systems:
        if name != "oracle":
            assert mean(results, target, "oracle") > mean(results, target, name)


@pytest.mark.parametrize("target", ["headline", "standfirst"])
def test_the_lead_beats_a_random_sentence_significantly(results: dict, target: str) -> None:
    """The standfirst (first sentence) is not in the body, yet the body's lead still carries the news."""
    tests = results["targets"][target]["significance"]["tests"]
    (test,) = [t for t in tests if {t["a"], t["b"]} == {"lead-1", "random"} and t["metric"] == "rougeLsum.f"]
    assert mean(results, target, "lead-1") > mean(results, target, "random") and test["p_adjusted"] < 0.05


def test_the_task_reads_the_same_articles_as_the_config(results: dict) -> None:
    by_task = load_dataset_from_config(DatasetConfig(task="wikinews_2019_2020"), ["headline", "standfirst"], 1234)
    assert by_task.fingerprint == results["dataset"]["fingerprint"]
