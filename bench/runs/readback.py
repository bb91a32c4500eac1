"""Reading back what the tool wrote, trusting none of it.

Run folders and leaderboards are edited, merged, copied and damaged by hand.
Everything the tool reads back goes through here and is checked against the
JSON Schema shipped beside the leaderboard's (``bench/schemas/``), parsed as
strict JSON (``NaN``, ``Infinity`` and repeated keys are not JSON, though
Python's parser takes them), and checked against its siblings (scores.jsonl
must hold a row for every article results.json counts). Whatever is wrong is
one ``UserError`` line naming the file, the line or the field, and what to do.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from bench.errors import UserError

RESULTS_SCHEMA = "results.schema.json"
SCORES_ROW_SCHEMA = "scores-row.schema.json"


class DamagedFile(UserError):
    """A file the tool wrote that no longer reads as it wrote it."""


class _NotJson(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJson(f"{text} is too large for a JSON number")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _NotJson(f"key {key!r} appears twice in one object")
        found[key] = value
    return found


def loads_strict(text: str) -> Any:
    """``json.loads`` as the JSON standard reads: no NaN/Infinity, no repeated
    keys. Raises ``ValueError`` (a ``json.JSONDecodeError`` when the syntax is wrong)."""
    return json.loads(text, parse_constant=_reject_constant, parse_float=_finite, object_pairs_hook=_unique_keys)


def describe_json_error(err: ValueError) -> str:
    if isinstance(err, json.JSONDecodeError):
        return f"not JSON (line {err.lineno}, column {err.colno}: {err.msg})"
    return f"not valid JSON ({err})"


def read_json_file(path: Path, what: str, advice: str) -> Any:
    """A whole JSON file, strictly; one line naming it when it cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DamagedFile(f"{path}: not found; {advice}") from None
    except UnicodeDecodeError as err:
        raise DamagedFile(f"{path}: unreadable (not UTF-8 at byte {err.start}); {advice}") from None
    except OSError as err:
        raise DamagedFile(f"{path}: unreadable ({err.strerror or err}); {advice}") from None
    try:
        return loads_strict(text)
    except ValueError as err:
        raise DamagedFile(f"{path}: {describe_json_error(err)}; the {what} is damaged, {advice}") from None


@lru_cache(maxsize=None)
def _validator(name: str) -> Draft202012Validator:
    schema = json.loads(resources.files("bench").joinpath(f"schemas/{name}").read_text("utf-8"))
    return Draft202012Validator(schema)


def schema_problem(data: Any, schema: str) -> str | None:
    """The first thing in ``data`` that does not match a shipped schema, as
    ``$.json.path: what``, or None."""
    error = best_match(_validator(schema).iter_errors(data))
    if error is None:
        return None
    message = " ".join(error.message.split())
    return f"{error.json_path}: {message if len(message) <= 160 else message[:157] + '...'}"


def read_results(path: Path) -> dict[str, Any]:
    """A run's results.json, strictly parsed and checked against results.schema.json."""
    advice = "restore it from a copy, or run the run again ('bench run' / 'bench score')"
    data = read_json_file(path, "results file", advice)
    if not isinstance(data, dict) or "targets" not in data:
        raise DamagedFile(f"{path}: not a headline-bench results file; pass a folder written by 'bench run' or 'bench score'")
    problem = schema_problem(data, RESULTS_SCHEMA)
    if problem is not None:
        raise DamagedFile(f"{path}: {problem}; the results file is damaged, {advice}")
    return data


def iter_jsonl_strict(path: Path, what: str, advice: str) -> Iterator[tuple[int, Any]]:
    """(line number, value) for each non-empty line of a JSONL file, strictly parsed."""
    try:
        with Path(path).open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    yield number, loads_strict(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    raise DamagedFile(f"{path}:{number}: not UTF-8; the {what} is damaged, {advice}") from None
                except ValueError as err:
                    raise DamagedFile(f"{path}:{number}: {describe_json_error(err)}; the {what} is damaged, "
                                      f"{advice}") from None
    except FileNotFoundError:
        raise DamagedFile(f"{path}: missing; {advice}") from None
    except OSError as err:
        raise DamagedFile(f"{path}: unreadable ({err.strerror or err}); {advice}") from None


def iter_score_rows(path: Path) -> Iterator[dict[str, Any]]:
    """A run's scores.jsonl row by row (a run of 100,000 articles is never held whole),
    every row checked against scores-row.schema.json, and no (target, system, article)
    scored twice."""
    advice = "restore it from a copy, or run the run again"
    seen: dict[int, int] = {}  # hash of (target, system, article) -> line; a clash is re-checked exactly
    for number, row in iter_jsonl_strict(path, "scores file", advice):
        problem = None if row_matches_schema(row) else schema_problem(row, SCORES_ROW_SCHEMA)
        if problem is not None:
            raise DamagedFile(f"{path}:{number}: {problem.replace('$', 'row', 1)}; the scores file is damaged, {advice}")
        key = hash((row["target"], row["summarizer"], row["id"]))
        if key in seen and _same_row_key(path, seen[key], row):
            raise DamagedFile(f"{path}:{number}: {row['summarizer']}/{row['target']} article {row['id']!r} is scored "
                              f"twice (first on line {seen[key]}); the scores file is damaged, {advice}")
        seen.setdefault(key, number)
        yield row


def row_matches_schema(row: Any) -> bool:
    """scores-row.schema.json, checked by hand: the schema itself costs ~100 us a
    row, minutes on a 100,000-article board; it is asked only to name what is wrong.
    (tests/test_readback.py holds the two to the same verdict.)"""
    if not isinstance(row, dict) or not {"id", "target", "summarizer", "scores"} <= row.keys():
        return False
    if not all(isinstance(row[k], str) and row[k] for k in ("id", "target", "summarizer")):
        return False
    if "details" in row and not isinstance(row["details"], dict):
        return False
    scores = row["scores"]
    return isinstance(scores, dict) and all(
        isinstance(columns, dict) and all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
                                          for v in columns.values())
        for columns in scores.values()
    )


def _same_row_key(path: Path, line: int, row: dict[str, Any]) -> bool:
    """Whether line ``line`` of ``path`` scores the same (target, system, article) as ``row``."""
    for number, earlier in iter_jsonl_strict(path, "scores file", ""):
        if number == line:
            return (earlier["target"], earlier["summarizer"], earlier["id"]) == \
                (row["target"], row["summarizer"], row["id"])
    return False


def read_score_rows(path: Path) -> list[dict[str, Any]]:
    """``iter_score_rows`` as a list, for small runs and tools."""
    return list(iter_score_rows(path))


def checked_score_rows(path: Path, results: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``iter_score_rows``, then, once the file is read, ``check_rows_match_results``:
    a caller that writes nothing until the iteration ends never writes a damaged run."""
    counts: Counter[tuple[str, str]] = Counter()
    ids = set((results.get("dataset") or {}).get("ids") or ())
    for row in iter_score_rows(path):
        if ids and row["id"] not in ids:
            raise DamagedFile(f"{path}: article {row['id']!r} ({row['summarizer']}/{row['target']}) is "
                              "not among the run's articles (results.json dataset.ids); the run folder is damaged or mixed")
        counts[(row["target"], row["summarizer"])] += 1
        yield row
    _check_counts(results, counts, path)


def _check_counts(results: dict[str, Any], counts: Counter[tuple[str, str]], scores_path: Path) -> None:
    """scores.jsonl holds exactly the rows results.json counts: one per article
    each system was scored on, no system results.json does not know. (Significance
    on fewer articles than the ``n`` shown would be a wrong number, silently.)"""
    counts = Counter(counts)
    for target, block in results["targets"].items():
        for name, system in block["systems"].items():
            have = counts.pop((target, name), 0)
            if have != system["n"]:
                raise DamagedFile(
                    f"{scores_path}: {have} rows for {name}/{target}, but results.json says it was scored on "
                    f"{system['n']} articles; the run folder is damaged or mixed, restore it or run the run again"
                )
    if counts:
        (target, name), have = next(iter(counts.items()))
        raise DamagedFile(f"{scores_path}: {have} rows for {name}/{target}, a system results.json does not list; "
                          "the run folder is damaged or mixed, restore it or run the run again")
