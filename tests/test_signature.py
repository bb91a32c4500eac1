"""The score signature: its exact format, and that every setting which can
change a number changes it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import __version__
from bench.config import ScoringConfig
from bench.metrics.signature import parse_signature, signature
from bench.tokenizers.sentences import SPLITTER_NAME

PROJECT = Path(__file__).resolve().parents[1]

# The product contract's example signature, field by field, in order; ``ci`` (the
# interval's level) is an addition the README documents, between ``bs`` and ``seed``.
CONTRACT_FIELDS = ["rouge", "tok", "stem", "lsum-split", "multiref", "agg", "bs", "seed", "v"]
FIELDS = ["rouge", "tok", "stem", "lsum-split", "multiref", "agg", "bs", "ci", "seed", "v"]


def test_default_signature_exactly() -> None:
    assert signature(ScoringConfig(), 1234) == (
        f"rouge:1,2,L,Lsum|tok:rouge-score|stem:porter|lsum-split:{SPLITTER_NAME}|multiref:max"
        f"|agg:mean|bs:1000|ci:95|seed:1234|v:{__version__}"
    )


def test_fields_and_order_follow_the_product_page() -> None:
    text = signature(ScoringConfig(), 1234)
    keys = [part.split(":", 1)[0] for part in text.split("|")]
    assert keys == FIELDS
    assert [k for k in keys if k in CONTRACT_FIELDS] == CONTRACT_FIELDS
    assert all(re.fullmatch(r"[a-z-]+:[^|:]+", part) for part in text.split("|"))


def test_the_readme_shows_the_real_signature() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert signature(ScoringConfig(), 1234) in readme


def test_parse_round_trip() -> None:
    parsed = parse_signature(signature(ScoringConfig(), 7))
    assert parsed["seed"] == "7" and parsed["stem"] == "porter" and parsed["rouge"] == "1,2,L,Lsum"
    assert list(parsed) == FIELDS


@pytest.mark.parametrize(
    "change, field, value",
    [
        ({"stemmer": "none"}, "stem", "none"),
        ({"rouge": ["rouge1", "rougeL"], "primary": "rougeL"}, "rouge", "1,L"),
        ({"rouge": ["rougeLsum"]}, "rouge", "Lsum"),
        ({"bootstrap": 2000}, "bs", "2000"),
        ({"bootstrap": 0}, "bs", "0"),
        ({"confidence": 0.9}, "ci", "90"),
        ({"multiref": "mean"}, "multiref", "mean"),
    ],
)
def test_every_scoring_setting_changes_it(change: dict, field: str, value: str) -> None:
    base = signature(ScoringConfig(), 1234)
    changed = signature(ScoringConfig(**change), 1234)
    assert changed != base
    assert parse_signature(changed)[field] == value
    # Only that field changed.
    assert {k for k, v in parse_signature(changed).items() if parse_signature(base)[k] != v} == {field}


def test_seed_changes_it() -> None:
    assert parse_signature(signature(ScoringConfig(), 1))["seed"] == "1"
    assert signature(ScoringConfig(), 1) != signature(ScoringConfig(), 2)


def test_runs_record_it_in_results(tmp_path) -> None:
    """results.json carries the signature at the top and on every target block."""
    from bench.config import validate_config
    from bench.runs.runner import run

    config = validate_config({
        "name": "sig",
        "seed": 99,
        "dataset": {"source": "seeds"},
        "summarizers": [{"name": "lead-1", "type": "lead"}],
        "scoring": {"bootstrap": 50, "stemmer": "none"},
    }, base_dir=PROJECT)
    results = run(config, tmp_path / "runs", show_progress=False, use_cache=False).results
    expected = signature(config.scoring, 99)
    assert results["signature"] == expected
    assert parse_signature(expected)["stem"] == "none" and parse_signature(expected)["seed"] == "99"
    assert {block["signature"] for block in results["targets"].values()} == {expected}


def test_rouge_type_order_does_not_change_the_signature() -> None:
    from bench.config import ScoringConfig
    from bench.metrics.signature import signature

    one = signature(ScoringConfig(rouge=["rouge2", "rouge1"], primary="rouge1"), 1)
    two = signature(ScoringConfig(rouge=["rouge1", "rouge2"], primary="rouge1"), 1)
    assert one == two and "rouge:1,2|" in one
