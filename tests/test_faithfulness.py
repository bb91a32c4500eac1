"""The faithfulness metric: its number normaliser, its name rules, the metric
contract, and its quality on swapped references built here from the shared data."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.api.metric import Metric, ScoreItem, get_metric_class
from bench.errors import UserError
from bench.metrics.faithfulness import FaithfulnessMetric, FaithfulnessSettings
from bench.metrics.faithfulness.check import BodyEvidence, check
from bench.metrics.faithfulness.numbers import NumberEvidence, find_quantities
from bench.metrics.faithfulness.perturb import build


def values(text: str) -> list[set[float]]:
    return [{round(v, 6) for v, _ in q.readings} for q in find_quantities(text)]


def supported(claim: str, body: str) -> bool:
    quantities = [q for q in find_quantities(claim) if q.claim]
    assert len(quantities) == 1, quantities
    return NumberEvidence(body).supports(quantities[0])


def flagged(output: str, body: str, **options: bool) -> list[str]:
    return [f.text for f in check(output, BodyEvidence(body), **options).findings]


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("1.2m", 1_200_000), ("1,200,000", 1_200_000), ("1.2 million", 1_200_000), ("£80m", 80_000_000),
        ("80 million pounds", 80_000_000), ("$1.13bn", 1_130_000_000), ("US$3 billion", 3_000_000_000),
        ("5k", 5_000), ("76%", 76), ("76 per cent", 76), ("76 percent", 76), ("twenty-five", 25),
        ("one hundred and twenty", 120), ("two million", 2_000_000), ("a million", 1_000_000), ("2004", 2004),
        ("the 1990s", 1990), ("5th", 5), ("third", 3), ("a third", 1 / 3), ("two-thirds", 2 / 3),
        ("three quarters", 0.75), ("a dozen", 12), ("0.5", 0.5),
    ],
)
def test_number_spellings_normalise_to_the_same_value(text: str, value: float) -> None:
    (readings,) = values(text)
    assert round(value, 6) in readings


def test_vague_plurals_and_idioms_are_not_numbers_claimed() -> None:
    assert values("thousands of fans and dozens of hundreds") == []
    (one,) = find_quantities("one of the best")
    (first,) = find_quantities("a first for the club")
    assert not one.claim and not first.claim


def test_numbers_inside_words_and_codes_are_not_split_out() -> None:
    assert values("the MP3 player and the G8 summit") == []


@pytest.mark.parametrize(
    "claim, body",
    [
        ("1.2m", "It has 1,200,000 members."),
        ("1.2m", "It has 1,215,000 members."),  # rounded to the precision the claim states
        ("£0.6bn", "It cost £600m."),
        ("£80m", "It cost 80 million pounds."),
        ("80m", "It cost $80m."),  # no currency in the claim: the amount alone
        ("76%", "Profits rose 75.8%."),
        ("a third", "About 33% agreed."),
        ("half", "Some 50% agreed."),
        ("third", "He came 3rd."),
        ("3", "Three people were hurt."),
        ("twenty-five", "He is 25."),
        ("2,000", "Some 2000 jobs."),
    ],
)
def test_a_number_is_supported_by_another_spelling_of_it_in_the_body(claim: str, body: str) -> None:
    if claim == "half":
        (quantity,) = find_quantities(claim)
        assert NumberEvidence(body).supports(quantity)
    else:
        assert supported(claim, body)


@pytest.mark.parametrize(
    "claim, body",
    [
        ("£80m", "It cost $80m."),  # another currency
        ("1.2m", "It has 1,300,000 members."),  # outside the claim's rounding
        ("76%", "Profits rose 74%."),
        ("2005", "It happened in 2004."),
        ("1,215,000", "It has 1.2m members."),  # more precise than the body
        ("four", "Three people were hurt."),
    ],
)
def test_a_different_number_is_not_supported(claim: str, body: str) -> None:
    assert not supported(claim, body)


def test_unsupported_number_spans_point_into_the_output() -> None:
    output = "Profits jump 76% to $1.2bn"
    findings = check(output, BodyEvidence("Profits rose 80% to $1.2bn in 2004.")).findings
    assert [(f.kind, output[f.start : f.end]) for f in findings] == [("number", "76%")]


# --- names -------------------------------------------------------------------------------------

BODY = (
    "Mr Blair told the British Broadcasting Corporation that the NHS would get more money. "
    "The Office for National Statistics (ONS) said José Mourinho's Chelsea had grown. "
    "The American firm and the Liberal Democrats agreed. Rolls-Royce shares rose."
)


@pytest.mark.parametrize(
    "output",
    [
        "Tony Blair promises cash",  # a given name before a supported surname
        "Blair's pledge",  # possessive
        "BBC interview for Blair",  # acronym of a body name
        "National Health Service gets money",  # expansion of a body acronym
        "ONS figures",
        "Jose Mourinho happy",  # accents folded
        "US firm agrees deal",  # country forms
        "Lib Dems agree",
        "Rolls-Royce up",
        "Former ministers march",  # a common word capitalised by position
        "Thousands Protest Over Pay In Chelsea",  # Title Case: capitals say nothing
        "Mr Blair speaks",
        "Mr. Blair and Anthony C. L. Blair",  # a title's dot and middle initials are not sentence breaks
    ],
)
def test_supported_names_are_not_flagged(output: str) -> None:
    assert flagged(output, BODY) == []


@pytest.mark.parametrize(
    "output, expected",
    [
        ("Blair meets Gordon Brown", ["Gordon Brown"]),
        ("Chelsea sign Arsenal striker", ["Arsenal"]),
        ("Chirac backs Blair", ["Chirac"]),  # a name opening the sentence, not a common word
        ("UK firm in talks with Blair", []),  # "British" supports "UK"
        ("EU firm in talks", ["EU"]),
        ("Hollywood deal for Blair", ["Hollywood"]),
    ],
)
def test_names_the_body_lacks_are_flagged(output: str, expected: list[str]) -> None:
    assert flagged(output, BODY) == expected


def test_an_acronym_is_not_supported_by_the_same_letters_in_lower_case() -> None:
    body = "He told us who had won."
    assert flagged("US deal agreed", body) == ["US"]
    assert flagged("WHO warning", body) == ["WHO"]
    assert flagged("IT jobs cut", body) == []  # a common-noun acronym, not a name


def test_weekday_and_month_names_are_checked_unless_dates_is_off() -> None:
    body = "Mr Blair spoke to reporters."
    assert flagged("Blair spoke on Friday", body) == ["Friday"]
    assert flagged("Blair spoke on Friday", body, dates=False) == []


def test_lower_cased_output_has_no_names_to_check() -> None:
    assert flagged("blair meets gordon brown", BODY) == []


# --- the metric --------------------------------------------------------------------------------


def items() -> list[ScoreItem]:
    body = "Mr Blair said the plan would cost £80m and create 2,000 jobs in Leeds."
    return [
        ScoreItem("a", "headline", "Blair's £80m plan for Leeds", ("ref",), body),
        ScoreItem("b", "headline", "Brown's £90m plan for Leeds", ("ref",), body),
        ScoreItem("c", "standfirst", "", ("ref",), body),
    ]


def test_faithfulness_is_registered_as_a_metric_that_needs_the_body() -> None:
    cls = get_metric_class("faithfulness")
    assert cls is FaithfulnessMetric and issubclass(cls, Metric) and cls.needs_body


def test_scores_cover_every_key_and_column_and_faithful_is_rankable() -> None:
    metric = FaithfulnessMetric(FaithfulnessSettings())
    keys = {key.name: key for key in metric.keys()}
    assert keys["faithful"].rankable and keys["faithful"].higher_is_better
    assert not keys["unsupported"].rankable and not keys["unsupported"].higher_is_better
    scores = metric.score(items())
    for row in scores:
        assert {name: set(cols) for name, cols in row.items()} == {k.name: set(k.columns) for k in metric.keys()}
    assert scores[0] == {"faithful": {"all": 1.0, "numbers": 1.0, "names": 1.0}, "unsupported": {"numbers": 0.0, "names": 0.0}}
    assert scores[1] == {"faithful": {"all": 0.0, "numbers": 0.0, "names": 0.0}, "unsupported": {"numbers": 1.0, "names": 1.0}}
    assert scores[2]["faithful"]["all"] == 1.0  # nothing stated, nothing unsupported


def test_annotations_give_the_unsupported_spans_for_the_browser() -> None:
    notes = FaithfulnessMetric(FaithfulnessSettings()).annotate(items())
    assert notes[0] is None and notes[2] is None
    spans = notes[1]["unsupported"]
    assert [(s["kind"], s["text"]) for s in spans] == [("name", "Brown's"), ("number", "£90m")]
    prediction = items()[1].prediction
    assert all(prediction[s["start"] : s["end"]] == s["text"] for s in spans)
    json.dumps(notes)  # kept in scores.jsonl


def test_settings_choose_the_columns_and_go_into_the_signature() -> None:
    numbers_only = FaithfulnessMetric(FaithfulnessSettings(names=False))
    assert [k.columns for k in numbers_only.keys()] == [("all", "numbers"), ("numbers",)]
    assert dict(numbers_only.signature())["faith"] == "numbers"
    assert dict(FaithfulnessMetric(FaithfulnessSettings()).signature())["faith"] == "numbers,names,dates"
    with pytest.raises(ValueError):
        FaithfulnessMetric(FaithfulnessSettings(numbers=False, names=False))


def test_unknown_settings_are_rejected() -> None:
    with pytest.raises(ValueError):
        FaithfulnessSettings(nmbers=True)


def test_an_item_without_a_body_is_a_one_line_user_error() -> None:
    with pytest.raises(UserError) as error:
        FaithfulnessMetric(FaithfulnessSettings()).score([ScoreItem("x1", "headline", "Blair wins", ("r",), None)])
    assert "x1" in str(error.value) and "\n" not in str(error.value)


def test_scores_are_the_same_in_a_fresh_process() -> None:
    here = FaithfulnessMetric(FaithfulnessSettings()).score(items())
    code = (
        "import json; from test_faithfulness import items; "
        "from bench.metrics.faithfulness import FaithfulnessMetric, FaithfulnessSettings; "
        "print(json.dumps(FaithfulnessMetric(FaithfulnessSettings()).score(items())))"
    )
    from conftest import PROJECT

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT / "tests")
    assert json.loads(out.stdout) == here


# --- quality on swapped references (the shared data) -------------------------------------------


def _load(path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def _caught(samples, kind: str) -> float:
    chosen = [s for s in samples if s.kind == kind]
    hits = 0
    for s in chosen:
        findings = check(s.text, BodyEvidence(s.body)).findings
        hits += any(f.start < s.swapped[1] and s.swapped[0] < f.end for f in findings)
    return hits / len(chosen)


def _false_alarm(samples, target: str) -> float:
    chosen = [s for s in samples if s.kind == "original" and s.target == target]
    return sum(bool(check(s.text, BodyEvidence(s.body)).findings) for s in chosen) / len(chosen)


@pytest.mark.parametrize("corpus", ["bbc_2004_2005.jsonl", "wikinews_2019_2020.jsonl"])
def test_swapped_numbers_and_names_are_caught_at_the_swap(shared_data, corpus: str) -> None:
    """A seed the benchmark does not use. benchmarks/faithfulness.py (seed 0) measured the swapped span
    flagged for 90-96% of number swaps and 83-93% of name swaps; the bounds leave room for sampling
    (a few hundred swaps each) but fail if a rule breaks."""
    samples = build(_load(shared_data / corpus), seed=2026)
    assert len([s for s in samples if s.kind == "number"]) > 150
    assert len([s for s in samples if s.kind == "name"]) > 150
    assert _caught(samples, "number") >= 0.85
    assert _caught(samples, "name") >= 0.75


def test_real_bbc_headlines_are_rarely_flagged(shared_data) -> None:
    """Seed 0 measured 14.6% of real BBC headlines flagged (mostly real: the body of this corpus
    leaves out the first paragraph, which headlines draw on); a checker that flags every
    capitalised word or digit not in the body verbatim flags about twice as many."""
    samples = build(_load(shared_data / "bbc_2004_2005.jsonl"), targets=["headline"], seed=2026)
    assert _false_alarm(samples, "headline") <= 0.20


def test_a_config_that_checks_nothing_is_rejected_naming_the_faithfulness_settings() -> None:
    from pydantic import ValidationError

    from bench.metrics.settings import ScoringConfig

    with pytest.raises(ValidationError) as caught:
        ScoringConfig.model_validate({"metrics": {"faithfulness": {"numbers": False, "names": False}}})
    assert ("scoring.metrics.faithfulness: nothing to check: set numbers or names (or both) to true"
            in str(caught.value))


def test_column_labels_do_not_repeat_the_score_label() -> None:
    for key in FaithfulnessMetric(FaithfulnessSettings()).keys():
        for column_label in key.column_labels:
            assert key.label.lower() not in column_label.lower(), (key.label, column_label)
