"""An end-to-end run on real BBC articles whose figures must be sane."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.config import validate_config
from bench.runs.runner import run

ROUGE_TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


@pytest.fixture(scope="module")
def results(shared_data: Path, tmp_path_factory) -> dict:
    config = validate_config({
        "name": "bbc-sane",
        "seed": 1234,
        "dataset": {"source": str(shared_data / "bbc_2004_2005.jsonl"), "limit": 300},
        "targets": ["headline", "standfirst"],
        "summarizers": [
            {"name": "lead-1", "type": "lead", "sentences": 1},
            {"name": "random", "type": "random", "sentences": 1},
            {"name": "oracle", "type": "oracle"},
        ],
        "scoring": {"bootstrap": 1000},
    })
    outcome = run(config, tmp_path_factory.mktemp("bbc"), show_progress=False, use_cache=False)
    assert not outcome.failures
    return outcome.results


def f1(results: dict, target: str, name: str, rouge_type: str = "rougeLsum") -> dict[str, float]:
    return results["targets"][target]["systems"][name]["scores"][rouge_type]["f"]


def test_the_sample_is_seeded_and_recorded(results: dict) -> None:
    dataset = results["dataset"]
    assert dataset["n_articles"] == 300 and len(set(dataset["ids"])) == 300
    assert dataset["total_rows"] == 2057 and dataset["subset_seed"] == 1234
    for block in results["targets"].values():
        assert block["n_articles"] == 300
        assert all(system["n"] == 300 for system in block["systems"].values())


def test_intervals_are_sane(results: dict) -> None:
    for target, block in results["targets"].items():
        for name, system in block["systems"].items():
            for rouge_type in ROUGE_TYPES:
                for key in "prf":
                    value = system["scores"][rouge_type][key]
                    assert 0 <= value["ci_low"] <= value["mean"] <= value["ci_high"] <= 1, (target, name, rouge_type)
                    # 300 articles: an interval, not a point, and not absurdly wide.
                    assert 0 < value["ci_high"] - value["ci_low"] < 0.1, (target, name, rouge_type, key)


def test_standfirst_lead_beats_random_and_the_oracle_beats_both(results: dict) -> None:
    for rouge_type in ROUGE_TYPES:
        lead, rand, oracle = (f1(results, "standfirst", n, rouge_type) for n in ("lead-1", "random", "oracle"))
        print(f"standfirst {rouge_type} F1: lead-1 {lead['mean']:.4f}, random {rand['mean']:.4f}, "
              f"oracle {oracle['mean']:.4f}")
        if rouge_type != "rouge2":
            # On bigrams the two are level (about 1.7 each): the BBC body starts after
            # the standfirst, so its lead restates the standfirst in other words.
            assert lead["mean"] > rand["mean"], rouge_type
        assert oracle["mean"] > lead["mean"] and oracle["mean"] > rand["mean"], rouge_type
        # The upper bound is clear of both intervals, not merely of their means.
        assert oracle["ci_low"] > max(lead["ci_high"], rand["ci_high"]), rouge_type
    # lead-1 clearly beats random on the primary metric: random's mean is below lead's interval.
    lead, rand = f1(results, "standfirst", "lead-1"), f1(results, "standfirst", "random")
    assert rand["mean"] < lead["ci_low"]


def test_headline_oracle_beats_random(results: dict) -> None:
    for rouge_type in ROUGE_TYPES:
        rand, oracle = f1(results, "headline", "random", rouge_type), f1(results, "headline", "oracle", rouge_type)
        print(f"headline {rouge_type} F1: random {rand['mean']:.4f}, oracle {oracle['mean']:.4f}")
        assert oracle["ci_low"] > rand["ci_high"], rouge_type


def test_the_oracle_is_flagged_and_lengths_are_plausible(results: dict) -> None:
    for target, block in results["targets"].items():
        assert block["systems"]["oracle"]["oracle"] is True
        assert block["systems"]["lead-1"]["oracle"] is False and block["systems"]["random"]["oracle"] is False
        for system in block["systems"].values():
            lengths = system["lengths"]
            assert lengths["empty"] == 0 and 5 < lengths["words_mean"] < 60, (target, lengths)


def test_results_file_round_trips(results: dict, tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results), encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8"))["signature"] == results["signature"]
