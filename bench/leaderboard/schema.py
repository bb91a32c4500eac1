"""Check a leaderboard against its JSON Schema (shipped in the package) and a few
cross-references the schema cannot express. Used on write and on read, so a
leaderboard file other tools consume is never malformed."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from bench.errors import UserError


class LeaderboardError(UserError):
    """A leaderboard file that does not match its schema."""


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(resources.files("bench").joinpath("schemas/leaderboard.schema.json").read_text("utf-8"))


def first_problem(data: Any) -> str | None:
    """The first thing wrong with ``data`` as one line, or None when it is valid."""
    validator = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    error = best_match(validator.iter_errors(data))
    if error is not None:
        message = " ".join(error.message.split())
        if len(message) > 160:
            message = message[:157] + "..."
        return f"{error.json_path}: {message}"
    return _cross_reference_problem(data)


def _cross_reference_problem(data: dict[str, Any]) -> str | None:
    run_ids = {run["id"] for run in data["runs"]}
    for b, board in enumerate(data["boards"]):
        for target, block in board["targets"].items():
            where = f"$.boards[{b}].targets.{target}"
            entries = block["entries"] + block["oracles"]
            keys = [e["key"] for e in entries]
            if len(set(keys)) != len(keys):
                return f"{where}: duplicate entry keys"
            for entry in entries:
                if entry["run"] not in run_ids:
                    return f"{where}: entry {entry['key']!r} names run {entry['run']!r}, which is not in $.runs"
                if len(entry["per_article"]) != len(block["article_ids"]):
                    return f"{where}: entry {entry['key']!r} has {len(entry['per_article'])} per-article scores " \
                           f"for {len(block['article_ids'])} article ids"
                unknown = set(entry["beats"]) - set(keys)
                if unknown:
                    return f"{where}: entry {entry['key']!r} beats unknown entries {sorted(unknown)}"
    return None


def validate(data: Any, origin: str | Path) -> None:
    problem = first_problem(data)
    if problem is not None:
        raise LeaderboardError(f"{origin}: not a valid leaderboard: {problem}")


def read_leaderboard(path: Path) -> dict[str, Any]:
    """Read and validate a leaderboard file; every problem is one line naming the file."""
    from bench.runs.readback import describe_json_error, loads_strict

    try:
        data = loads_strict(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LeaderboardError(f"{path}: not found; pass a leaderboard.json written by 'bench leaderboard'") from None
    except IsADirectoryError:
        raise LeaderboardError(f"{path}: is a folder; pass a leaderboard.json written by 'bench leaderboard'") from None
    except (OSError, UnicodeDecodeError) as err:
        raise LeaderboardError(f"{path}: unreadable ({err})") from None
    except ValueError as err:  # NaN and Infinity are not JSON, whatever Python's parser takes
        raise LeaderboardError(f"{path}: {describe_json_error(err)}; restore the file or rebuild it from the "
                               "run folders") from None
    if isinstance(data, dict) and data.get("schema_version") == 2:
        data = upgrade_from_v2(data)
    validate(data, path)
    return data


def upgrade_from_v2(data: dict[str, Any]) -> dict[str, Any]:
    """A version-2 file (ROUGE only, before metrics described themselves) as version 3:
    each target gets ROUGE's key descriptions, each entry the board's signature as ROUGE's.
    Nothing else changes, so merging new runs into an old file keeps its boards."""
    from bench.leaderboard.build import legacy_rouge_key

    for board in data.get("boards", []):
        for block in board.get("targets", {}).values():
            entries = block.get("entries", []) + block.get("oracles", [])
            keys = dict.fromkeys(k for e in entries for k in e.get("scores", {}))
            block.setdefault("metrics", {k: legacy_rouge_key(k) for k in keys})
            for entry in entries:
                entry.setdefault("signatures", {"rouge": board.get("signature", "")})
    data["schema_version"] = 3
    return data
