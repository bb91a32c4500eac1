"""Reading back run files: the hand-written row check agrees with the shipped
JSON Schema on every kind of row, and strict JSON refuses what Python's parser
would let through."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench.runs.readback import SCORES_ROW_SCHEMA, loads_strict, row_matches_schema, schema_problem

GOOD = {"id": "fx-0001", "target": "headline", "summarizer": "lead-1",
        "scores": {"rouge1": {"p": 0.5, "r": 1, "f": 0.666}, "semantic": {"cos": None}}}
ROWS: list[Any] = [
    GOOD,
    {**GOOD, "details": {"faithfulness": {"unsupported": ["7"]}}},
    {**GOOD, "scores": {}},
    [GOOD],
    "row",
    {k: v for k, v in GOOD.items() if k != "id"},
    {k: v for k, v in GOOD.items() if k != "scores"},
    {**GOOD, "id": ""},
    {**GOOD, "id": 7},
    {**GOOD, "target": None},
    {**GOOD, "summarizer": ["a"]},
    {**GOOD, "scores": []},
    {**GOOD, "scores": {"rouge1": 0.5}},
    {**GOOD, "scores": {"rouge1": {"f": "0.5"}}},
    {**GOOD, "scores": {"rouge1": {"f": True}}},
    {**GOOD, "scores": {"rouge1": {"f": [0.5]}}},
    {**GOOD, "details": "text"},
    {**GOOD, "extra": 1},
]


@pytest.mark.parametrize("row", ROWS, ids=[json.dumps(r)[:60] for r in ROWS])
def test_the_fast_row_check_gives_the_schemas_verdict(row: Any) -> None:
    assert row_matches_schema(row) is (schema_problem(row, SCORES_ROW_SCHEMA) is None)


@pytest.mark.parametrize("text, problem", [
    ('{"a": NaN}', "NaN is not a JSON number"),
    ('{"a": -Infinity}', "-Infinity is not a JSON number"),
    ('{"a": 1e400}', "1e400 is too large"),
    ('{"a": 1, "a": 2}', "key 'a' appears twice"),
])
def test_strict_json_refuses_what_python_reads(text: str, problem: str) -> None:
    json.loads(text)  # Python's parser takes it
    with pytest.raises(ValueError, match=problem):
        loads_strict(text)
