"""Merge run results into a leaderboard.

Results are grouped into boards by the articles they were scored on and the
signature of what ranks them: only results on the same articles and
references, ranked by a score made the same way, are ranked against each
other. "The same articles" is the shared fingerprint recipe of
``bench.runs.fingerprint`` (per target: ids and references), so ``bench run``
and ``bench score`` results meet; results from before that recipe match on
their dataset fingerprint. "What ranks" is the primary score's metric: its own
signature keys the board, while every other metric (ROUGE too, when something
else ranks) travels with its own signature on each entry, and a board notes
where entries' side signatures differ. Within a board, each target has its
ranked real systems (``entries``) and, listed apart and never ranked, its
``oracles``; ``metrics`` describes every score key the entries carry, so pages
render any metric without knowing it.

Every entry keeps its per-article primary scores (``per_article``, aligned
with the target's ``article_ids``). That makes the leaderboard file
self-contained: significance is recomputed from the file itself when new runs
are merged in, even after the old run folders have moved or been deleted.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from bench import __version__
from bench.errors import UserError
from bench.leaderboard.ranking import rank_target
from bench.metrics.signature import parse_signature
from bench.runs.directory import RunDirectory
from bench.runs.readback import checked_score_rows

SCHEMA_VERSION = 3
DECIMALS = 6  # per-article scores are stored rounded; significance is always computed from the stored values


def load_runs(paths: Sequence[Path]) -> list[tuple[Path, dict[str, Any]]]:
    return [(Path(p), RunDirectory(Path(p)).load_results()) for p in paths]


def empty_leaderboard() -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "generated": "", "bench_version": __version__,
            "runs": [], "boards": [], "notes": []}


def build_leaderboard(
    runs: Sequence[tuple[Path, dict[str, Any]]],
    primary: str | None = None,
    existing: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Add ``runs`` to ``existing`` (or a new leaderboard); return it and what was skipped.

    A run already on the leaderboard (same name, creation time and dataset
    fingerprint) is skipped, so re-adding it changes nothing.
    """
    if not runs and existing is None:
        raise UserError("no runs given; pass one or more run directories written by 'bench run' or 'bench score'")
    board_file = existing if existing is not None else empty_leaderboard()
    skipped: list[str] = []
    for path, results in runs:
        identity = _identity(results)
        if any(_identity(run) == identity for run in board_file["runs"]):
            skipped.append(f"{path}: already on the leaderboard; skipped")
            continue
        run = _run_record(path, results, {r["id"] for r in board_file["runs"]})
        board_file["runs"].append(run)
        _add_run(board_file, run, path, results, primary)
    for board in board_file["boards"]:
        for block in board["targets"].values():
            _finish_target(block, board["signature"])
    board_file["generated"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    board_file["bench_version"] = __version__
    board_file["notes"] = _notes(board_file["boards"])
    return board_file, skipped


def _identity(record: dict[str, Any]) -> tuple[Any, ...]:
    dataset = record.get("dataset", {})
    fingerprint = dataset.get("fingerprint") if isinstance(dataset, dict) else None
    return (record.get("name"), record.get("created"), record.get("fingerprint", fingerprint))


def _run_record(path: Path, results: dict[str, Any], taken: set[str]) -> dict[str, Any]:
    """Where an entry came from. ``id`` is the run folder's name, made unique on this leaderboard."""
    base = Path(path).resolve().name or results.get("name", "run")
    run_id, suffix = base, 1
    while run_id in taken:
        suffix += 1
        run_id = f"{base}-{suffix}"
    config_path = Path(path) / RunDirectory.CONFIG
    return {
        "id": run_id,
        "name": results.get("name", base),
        "created": results.get("created"),
        "path": str(Path(path).resolve()),
        "config_file": str(config_path.resolve()) if config_path.is_file() else None,
        "fingerprint": results["dataset"]["fingerprint"],
        "signature": results["signature"],
        "bench_version": results.get("bench_version"),
        "git_commit": (results.get("environment") or {}).get("git_commit"),
    }


def _add_run(board_file: dict[str, Any], run: dict[str, Any], path: Path, results: dict[str, Any],
             primary: str | None) -> None:
    described = metric_descriptions(results)
    board = _board_for(board_file, results, primary, described)
    summarizer_configs = {s.get("name"): s for s in (results.get("config") or {}).get("summarizers", [])}
    signatures = _entry_signatures(results, described)
    ranked_by: dict[str, str] = {}
    for target, block in results["targets"].items():
        metric = primary or block.get("primary", "rougeLsum.f")
        board_target = board["targets"].setdefault(
            target, {"primary": metric, "article_ids": [], "significance": None, "entries": [], "oracles": [],
                     "metrics": {}, "comparisons": []}
        )
        board_target.setdefault("metrics", {})
        board_target.setdefault("comparisons", [])
        if primary and board_target["primary"] != primary:
            raise UserError(
                f"the leaderboard ranks {target} by {board_target['primary']}, not {primary}; "
                "drop --primary or build a new leaderboard file from the run folders"
            )
        for key, about in described.items():
            board_target["metrics"].setdefault(key, about)
        key = board_target["primary"].partition(".")[0]
        if key not in board_target["metrics"]:
            raise UserError(f"{path}: no score {key!r} in this run; rank by a score every run has (--primary)")
        for name, found in (block.get("comparisons") or {}).items():
            board_target["comparisons"].append({"run": run["id"], "metric": name, "result": found})
        ranked_by[target] = board_target["primary"]
    score_rows = _score_rows(path, results, ranked_by)
    for target, block in results["targets"].items():
        board_target = board["targets"][target]
        for name, system in block["systems"].items():
            per_article = _per_article(score_rows, target, name, board_target["primary"], path)
            entry = _entry(run, name, system, summarizer_configs.get(name), per_article, signatures)
            board_target["oracles" if entry["oracle"] else "entries"].append(entry)


def metric_descriptions(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{score key: its description and metric} from a results file; a results file
    written before metrics described themselves holds ROUGE only."""
    out: dict[str, dict[str, Any]] = {}
    for metric, about in (results.get("metrics") or {}).items():
        for key in about.get("keys", []):
            out[key["name"]] = {**key, "metric": metric, "citation": about.get("citation", "")}
    if not out:
        names = dict.fromkeys(k for b in results["targets"].values() for s in b["systems"].values() for k in s["scores"])
        out = {name: legacy_rouge_key(name) for name in names}
    return out


def legacy_rouge_key(name: str) -> dict[str, Any]:
    """The description ROUGE gives a key, for files made before keys were described."""
    from bench.metrics.rouge_metric import RougeMetric
    from bench.metrics.rouge_types import describe, label

    return {"name": name, "label": label(name), "columns": ["p", "r", "f"], "column_labels": ["precision", "recall", "F1"],
            "primary_column": "f", "rankable": True, "higher_is_better": True, "percent": True, "description": describe(name),
            "metric": "rouge", "citation": RougeMetric.citation}


def _entry_signatures(results: dict[str, Any], described: dict[str, dict[str, Any]]) -> dict[str, str]:
    """{metric: its signature} for the metrics an entry's scores come from."""
    found = {m: about["signature"] for m, about in (results.get("metrics") or {}).items() if "signature" in about}
    used = {about["metric"] for about in described.values()}
    return {m: sig for m, sig in found.items() if m in used} or {"rouge": results["signature"]}


def rank_signature(results: dict[str, Any], primary: str | None, described: dict[str, dict[str, Any]]) -> str:
    """The signature of what ranks: the primary score's metric's own signature."""
    if primary:
        about = described.get(primary.partition(".")[0])
        signature = ((results.get("metrics") or {}).get(about["metric"]) or {}).get("signature") if about else None
        if signature:
            return signature
    for block in results["targets"].values():
        if block.get("signature"):
            return block["signature"]
    return results["signature"]


def _board_for(board_file: dict[str, Any], results: dict[str, Any], primary: str | None,
               described: dict[str, dict[str, Any]]) -> dict[str, Any]:
    fingerprint, sig = results["dataset"]["fingerprint"], rank_signature(results, primary, described)
    references = results["dataset"].get("reference_fingerprints") or {}
    for board in board_file["boards"]:
        if board["signature"] == sig and _same_articles(board["dataset"], fingerprint, references):
            board["dataset"].setdefault("references", {}).update(references)
            return board
    board = {
        "id": f"board-{len(board_file['boards']) + 1}",
        "dataset": {
            "fingerprint": fingerprint,
            "source": str(results["dataset"].get("source")),
            "n_articles": results["dataset"].get("n_articles"),
            "references": dict(references),
        },
        "signature": sig,
        "targets": {},
    }
    board_file["boards"].append(board)
    return board


def _same_articles(dataset: dict[str, Any], fingerprint: str, references: dict[str, str]) -> bool:
    """The same dataset, or the same references for every target both have (at least one)."""
    if dataset["fingerprint"] == fingerprint:
        return True
    known = dataset.get("references") or {}
    shared = set(known) & set(references)
    return bool(shared) and all(known[t] == references[t] for t in shared)


def _score_rows(path: Path, results: dict[str, Any], ranked_by: dict[str, str]) -> dict[tuple[Any, Any], list[tuple[Any, Any]]]:
    """Per (summarizer, target), each article's (id, score the target is ranked by), in file
    order. Read row by row, keeping only that score: 100,000 articles x several systems
    of nested score dicts would not fit in memory. Every row is checked, and the
    rows against the counts in results.json (bench.runs.readback)."""
    scores = RunDirectory(path).scores_path
    if not scores.is_file():
        raise UserError(f"{scores}: missing; the leaderboard needs per-article scores for its significance tests")
    kept: dict[tuple[Any, Any], list[tuple[Any, Any]]] = {}
    for row in checked_score_rows(scores, results):
        metric = ranked_by.get(row.get("target"))
        if metric is None:
            continue
        score_key, _, column = metric.partition(".")
        try:
            value = row["scores"][score_key][column or "f"]
        except (KeyError, TypeError):
            value = _MISSING
        kept.setdefault((row.get("summarizer"), row.get("target")), []).append((row.get("id"), value))
    return kept


_MISSING = object()  # a row without the ranking score: an error, named when that entry is built


def _per_article(rows: dict[tuple[Any, Any], list[tuple[Any, Any]]], target: str, name: str, metric: str,
                 path: Path) -> dict[str, float]:
    scores: dict[str, float] = {}
    for article_id, value in rows.get((name, target), []):
        try:
            if value is None:
                continue  # the metric has no score for this article (e.g. an empty output)
            if value is _MISSING:
                raise KeyError(metric)
            scores[str(article_id)] = round(float(value), DECIMALS)
        except (KeyError, TypeError, ValueError):
            raise UserError(f"{path}/scores.jsonl: {name}/{target} article {article_id!r} has no {metric} score; "
                            "rank by a metric every run has (--primary)") from None
    if not scores:
        raise UserError(f"{path}/scores.jsonl: no per-article scores for {name}/{target}; the run folder is incomplete")
    return scores


def _entry(run: dict[str, Any], name: str, system: dict[str, Any], config: dict[str, Any] | None,
           per_article: dict[str, float], signatures: dict[str, str]) -> dict[str, Any]:
    return {
        "key": f"{run['id']}/{name}",
        "label": name,
        "summarizer": name,
        "type": system.get("type"),
        "oracle": bool(system.get("oracle")),
        "n": system["n"],
        "rank": None,
        "rank_range": None,
        "tied_with": [],
        "beats": [],
        "scores": system["scores"],
        "lengths": system.get("lengths", {}),
        "stats": system.get("stats", {}),
        "run": run["id"],
        "signatures": signatures,  # {metric: signature} of every metric in "scores"
        "config": config,
        "per_article": per_article,  # a dict while building; aligned to article_ids in _finish_target
    }


def _finish_target(block: dict[str, Any], signature: str) -> None:
    """Align per-article scores to one id list, label entries, test and rank."""
    entries = block["entries"] + block["oracles"]
    ids = list(block["article_ids"])
    for entry in entries:
        if isinstance(entry["per_article"], list):  # loaded from an existing file
            entry["per_article"] = {i: s for i, s in zip(block["article_ids"], entry["per_article"]) if s is not None}
    seen = set(ids)
    for entry in entries:
        for article_id in entry["per_article"]:
            if article_id not in seen:
                seen.add(article_id)
                ids.append(article_id)
    block["article_ids"] = ids
    names = [e["summarizer"] for e in entries]
    for entry in entries:
        entry["label"] = entry["summarizer"] if names.count(entry["summarizer"]) == 1 else \
            f"{entry['summarizer']} ({entry['run']})"
    rank_target(block, signature)
    block["note"] = _side_note(block)
    for entry in entries:
        entry["per_article"] = [entry["per_article"].get(i) for i in ids]


def _side_note(block: dict[str, Any]) -> str | None:
    """Where entries carry a side metric made with different settings: ranks are
    unaffected, but those columns are not comparable row to row."""
    ranked_by = block["metrics"].get(block["primary"].partition(".")[0], {}).get("metric")
    differing = []
    entries = block["entries"] + block["oracles"]
    for metric in sorted({m for e in entries for m in e.get("signatures", {})} - {ranked_by}):
        found = {e["signatures"][metric] for e in entries if metric in e.get("signatures", {})}
        if len(found) > 1:
            differing.append(metric)
    if not differing:
        return None
    return (f"Entries were scored with different {', '.join(differing)} settings (see each entry's signatures): "
            "ranks are unaffected, but those columns are not comparable from row to row.")


def _notes(boards: list[dict[str, Any]]) -> list[str]:
    """Why boards are separate: one top-level note, and one per board naming what differs."""
    for board in boards:
        board["note"] = _board_note(board, boards)
    if len(boards) <= 1:
        return []
    return [
        f"{len(boards)} separate boards: results on different articles (dataset fingerprint) "
        "or with different scoring settings (signature) are never ranked against each other."
    ]


def _board_note(board: dict[str, Any], boards: list[dict[str, Any]]) -> str | None:
    differences = []
    mine = parse_signature(board["signature"])
    for other in boards:
        if other is board:
            continue
        if not _same_articles(other["dataset"], board["dataset"]["fingerprint"], board["dataset"].get("references") or {}):
            differences.append(f"{other['id']}: other articles ({other['dataset']['fingerprint']})")
            continue
        theirs = parse_signature(other["signature"])
        changed = [f"{k}:{mine.get(k, '-')} vs {theirs.get(k, '-')}" for k in sorted(set(mine) | set(theirs))
                   if mine.get(k) != theirs.get(k)]
        differences.append(f"{other['id']}: same articles, other scoring settings ({', '.join(changed)})")
    if not differences:
        return None
    return "Not ranked against " + "; ".join(differences) + "."
