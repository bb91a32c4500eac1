"""Merge run results into a leaderboard.

Results are grouped by (dataset fingerprint, signature): only results made on
the same articles with the same scoring settings are ranked against each other.
Each group is a board of its own, with a note saying why it is separate.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from bench import __version__
from bench.errors import UserError
from bench.runs.directory import RunDirectory

SCHEMA_VERSION = 1


def load_runs(paths: Sequence[Path]) -> list[tuple[Path, dict[str, Any]]]:
    return [(Path(p), RunDirectory(Path(p)).load_results()) for p in paths]


def build_leaderboard(runs: Sequence[tuple[Path, dict[str, Any]]], primary: str | None = None) -> dict[str, Any]:
    if not runs:
        raise UserError("no runs given; pass one or more run directories written by 'bench run'")
    boards: dict[tuple[str, str], dict[str, Any]] = {}
    for path, results in runs:
        key = (results["dataset"]["fingerprint"], results["signature"])
        board = boards.setdefault(
            key,
            {
                "dataset": {k: results["dataset"].get(k) for k in ("fingerprint", "source", "n_articles")},
                "signature": results["signature"],
                "targets": {},
            },
        )
        for target, block in results["targets"].items():
            metric = primary or block.get("primary", "rougeLsum.f")
            board_target = board["targets"].setdefault(target, {"primary": metric, "entries": []})
            for name, system in block["systems"].items():
                if any(e["summarizer"] == name and e["run"]["name"] == results["name"] for e in board_target["entries"]):
                    raise UserError(
                        f"{path}: summarizer {name!r} of run {results['name']!r} is already on the board; "
                        "pass each run once or rename the summarizer"
                    )
                board_target["entries"].append(_entry(path, results, name, system))
    for board in boards.values():
        for board_target in board["targets"].values():
            _rank(board_target)
    return {
        "schema_version": SCHEMA_VERSION,
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "bench_version": __version__,
        "boards": list(boards.values()),
        "notes": _notes(boards),
    }


def _entry(path: Path, results: dict[str, Any], name: str, system: dict[str, Any]) -> dict[str, Any]:
    return {
        "summarizer": name,
        "type": system.get("type"),
        "oracle": bool(system.get("oracle")),
        "n": system["n"],
        "scores": system["scores"],
        "lengths": system.get("lengths", {}),
        "run": {"name": results["name"], "path": str(path), "created": results.get("created")},
    }


def metric_value(entry: dict[str, Any], metric: str) -> float:
    rouge_type, _, key = metric.partition(".")
    try:
        return entry["scores"][rouge_type][key or "f"]["mean"]
    except KeyError:
        raise UserError(f"run {entry['run']['name']!r} has no {metric} score; rank by a metric every run has") from None


def _rank(board_target: dict[str, Any]) -> None:
    """Real systems ranked by the primary metric; oracles listed after them, unranked."""
    metric = board_target["primary"]
    entries = board_target["entries"]
    entries.sort(key=lambda e: (e["oracle"], -metric_value(e, metric), e["summarizer"]))
    rank = 0
    for entry in entries:
        if entry["oracle"]:
            entry["rank"] = None
        else:
            rank += 1
            entry["rank"] = rank


def _notes(boards: dict[tuple[str, str], Any]) -> list[str]:
    if len(boards) <= 1:
        return []
    return [
        f"{len(boards)} separate boards: results on different articles (dataset fingerprint) "
        "or with different scoring settings (signature) are never ranked against each other."
    ]
