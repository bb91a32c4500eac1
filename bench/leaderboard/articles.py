"""What the page's article browser shows: a capped, deterministic set of
articles per board, with every system's output and per-article scores.

The leaderboard JSON stays free of texts; they are read here from each run's
``predictions.jsonl`` / ``scores.jsonl`` and from the dataset the run recorded.
Whatever cannot be read (a moved run folder, a dataset on the Hub while
offline) is left out with a note saying so, never silently.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError

from bench.config import DatasetConfig
from bench.data import load_dataset_from_config
from bench.errors import UserError
from bench.runs.directory import RunDirectory, read_jsonl, rows_by_system

BODY_CHARS = 700
ROUGE_COLUMNS = ("rouge1", "rouge2", "rougeL", "rougeLsum")


def _order_key(article_id: str) -> str:
    """A stable pseudo-random order, so the sample is the same on every build."""
    return hashlib.sha256(article_id.encode("utf-8")).hexdigest()


def browser_data(leaderboard: dict[str, Any], max_articles: int = 200) -> dict[str, Any]:
    """{board id: browser block} for every board of ``leaderboard``."""
    runs = {run["id"]: run for run in leaderboard["runs"]}
    return {board["id"]: _board_browser(board, runs, max_articles) for board in leaderboard["boards"]}


def _board_browser(board: dict[str, Any], runs: dict[str, Any], max_articles: int) -> dict[str, Any]:
    notes: list[str] = []
    all_ids = dict.fromkeys(i for block in board["targets"].values() for i in block["article_ids"])
    sample = sorted(all_ids, key=_order_key)[:max_articles]
    chosen = set(sample)
    extremes: dict[str, dict[str, dict[str, str]]] = {}
    for target, block in board["targets"].items():
        extremes[target] = {}
        for entry in block["entries"] + block["oracles"]:
            scored = [(s, _order_key(i), i) for i, s in zip(block["article_ids"], entry["per_article"]) if s is not None]
            if scored:
                best, worst = max(scored)[2], min(scored)[2]
                extremes[target][entry["key"]] = {"best": best, "worst": worst}
                chosen.update((best, worst))
    articles, text_note, reference_words = _article_texts(board, runs, chosen)
    if text_note:
        notes.append(text_note)
    outputs: dict[str, dict[str, Any]] = {}
    for target, block in board["targets"].items():
        outputs[target] = {}
        for entry in block["entries"] + block["oracles"]:
            found, note = _outputs(entry, target, runs, chosen)
            outputs[target][entry["key"]] = found
            if note:
                notes.append(note)
    order = sorted(chosen, key=lambda i: (i not in articles, articles.get(i, {}).get("headline", ""), i))
    return {
        "articles": articles, "order": order, "sample": sorted(sample, key=_order_key),
        "columns": list(ROUGE_COLUMNS), "extremes": extremes, "outputs": outputs, "notes": notes,
        "n_total": len(all_ids), "reference_words": reference_words,
    }


def _article_texts(
    board: dict[str, Any], runs: dict[str, Any], ids: set[str]
) -> tuple[dict[str, Any], str | None, dict[str, float]]:
    """Headline, standfirst and the start of the body, from the dataset a run on this board used,
    and the mean reference length per target (the length plot marks it)."""
    fingerprint = board["dataset"]["fingerprint"]
    reason = "no run folder of this board is readable"
    for run in runs.values():
        if run["fingerprint"] != fingerprint or run["signature"] != board["signature"]:
            continue
        try:
            results = RunDirectory(Path(run["path"])).load_results()
            raw = (results.get("config") or {}).get("dataset") or {"source": results["dataset"]["source"]}
            targets = list(results["targets"]) or ["headline"]
            dataset = load_dataset_from_config(DatasetConfig(**raw), targets, results.get("seed", 0))
        except (UserError, ValidationError, OSError, KeyError, ValueError) as err:
            reason = f"the dataset could not be read ({' '.join(str(err).split())[:160]})"
            continue
        if dataset.fingerprint != fingerprint:
            reason = f"{dataset.source} has changed since the runs were scored (fingerprint {dataset.fingerprint})"
            continue
        texts = {
            a.id: {"headline": a.headline, "standfirst": a.standfirst, "body": _start(a.body)}
            for a in dataset.articles if a.id in ids
        }
        reference_words = {
            t: sum(len(a.reference(t).split()) for a in dataset.articles) / len(dataset.articles)
            for t in board["targets"] if t in ("headline", "standfirst")
        }
        return texts, None, reference_words
    return {}, f"Article texts are not shown: {reason}; outputs and scores are.", {}


def _start(body: str) -> str:
    if len(body) <= BODY_CHARS:
        return body
    cut = body[:BODY_CHARS].rsplit(" ", 1)[0]
    return cut + " …"


def _outputs(entry: dict[str, Any], target: str, runs: dict[str, Any], ids: set[str]) -> tuple[dict[str, Any], str | None]:
    """{id: [prediction, rouge1 F, rouge2 F, rougeL F, rougeLsum F]} for one entry."""
    run = runs.get(entry["run"])
    folder = RunDirectory(Path(run["path"])) if run else None
    if folder is None or not folder.predictions_path.is_file() or not folder.scores_path.is_file():
        where = run["path"] if run else entry["run"]
        return {}, f"Outputs of {entry['label']} are not shown: run folder {where} is not readable."
    texts = {r["id"]: r["prediction"] for r in _rows(folder.predictions_path, entry["summarizer"], target, ids)}
    found: dict[str, Any] = {}
    for row in _rows(folder.scores_path, entry["summarizer"], target, ids):
        scores = row.get("scores", {})
        found[row["id"]] = [texts.get(row["id"], ""),
                            *[round(scores[c]["f"], 4) if c in scores else None for c in ROUGE_COLUMNS]]
    return found, None


def _read(path: Path) -> dict[tuple[Any, Any], list[dict[str, Any]]]:
    """A run's file grouped by system, read once however many entries and targets come from it."""
    stat = path.stat()
    return _read_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _read_cached(path: str, mtime_ns: int, size: int) -> dict[tuple[Any, Any], list[dict[str, Any]]]:
    return rows_by_system(read_jsonl(Path(path)))


def _rows(path: Path, summarizer: str, target: str, ids: set[str]) -> Iterable[dict[str, Any]]:
    for row in _read(path).get((summarizer, target), []):
        if str(row.get("id")) in ids:
            yield {**row, "id": str(row["id"])}
