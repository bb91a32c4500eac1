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
from typing import Any, Iterable, Iterator, Sequence

from pydantic import ValidationError

from bench.api.article import TARGETS
from bench.config import DatasetConfig
from bench.data import load_dataset_from_config
from bench.errors import UserError
from bench.leaderboard.columns import shown_keys
from bench.leaderboard.publish import resolve_run_path
from bench.runs.directory import RunDirectory, rows_by_system
from bench.runs.readback import DamagedFile, iter_jsonl_strict, iter_score_rows

BODY_CHARS = 700


def _order_key(article_id: str) -> str:
    """A stable pseudo-random order, so the sample is the same on every build."""
    return hashlib.sha256(article_id.encode("utf-8")).hexdigest()


def browser_data(leaderboard: dict[str, Any], max_articles: int = 200, base: Path | None = None,
                 body_chars: int = BODY_CHARS) -> dict[str, Any]:
    """{board id: browser block} for every board of ``leaderboard``. Run folders
    named by relative paths are found from ``base`` (the leaderboard's folder);
    each body is cut to ``body_chars`` characters (0: left out)."""
    runs = {run["id"]: {**run, "path": str(resolve_run_path(run["path"], base))} for run in leaderboard["runs"]}
    return {board["id"]: _board_browser(board, runs, max_articles, body_chars) for board in leaderboard["boards"]}


def _board_browser(board: dict[str, Any], runs: dict[str, Any], max_articles: int, body_chars: int) -> dict[str, Any]:
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
    articles, text_note, reference_words = _article_texts(board, runs, chosen, body_chars)
    if text_note:
        notes.append(text_note)
    columns = list(dict.fromkeys((k, c) for block in board["targets"].values() for k, c, _ in shown_keys(block)))
    labels = {(k, c): h for block in board["targets"].values() for k, c, h in shown_keys(block)}
    outputs: dict[str, dict[str, Any]] = {}
    for target, block in board["targets"].items():
        outputs[target] = {}
        for entry in block["entries"] + block["oracles"]:
            found, note = _outputs(entry, target, runs, chosen, columns)
            outputs[target][entry["key"]] = found
            if note:
                notes.append(note)
    order = sorted(chosen, key=lambda i: (i not in articles, articles.get(i, {}).get("headline", ""), i))
    return {
        "articles": articles, "order": order, "sample": sorted(sample, key=_order_key),
        "columns": [{"key": k, "column": c, "label": labels[(k, c)]} for k, c in columns], "extremes": extremes, "outputs": outputs, "notes": notes,
        "n_total": len(all_ids), "reference_words": reference_words, "body_chars": body_chars,
    }


def _article_texts(
    board: dict[str, Any], runs: dict[str, Any], ids: set[str], body_chars: int
) -> tuple[dict[str, Any], str | None, dict[str, float]]:
    """Headline, standfirst and the start of the body, from the dataset a run on this board used,
    and the mean reference length per target (the length plot marks it). A board of
    ``bench score`` runs only has their references (no bodies)."""
    on_board = {e["run"] for block in board["targets"].values() for e in block["entries"] + block["oracles"]}
    reason = "no run folder of this board is readable"
    fallback = None
    for run in (r for run_id, r in runs.items() if run_id in on_board):
        try:
            results = RunDirectory(Path(run["path"])).load_results()
            if results["dataset"].get("format") == "score":
                fallback = fallback or _score_references(results, ids)
                continue
            raw = (results.get("config") or {}).get("dataset") or {"source": results["dataset"]["source"]}
            targets = list(results["targets"]) or ["headline"]
            dataset = load_dataset_from_config(DatasetConfig(**raw), targets, results.get("seed", 0))
        except (UserError, ValidationError, OSError, KeyError, ValueError) as err:
            reason = f"the dataset could not be read ({' '.join(str(err).split())[:160]})"
            continue
        if dataset.fingerprint != run["fingerprint"]:
            reason = f"{dataset.source} has changed since the runs were scored (fingerprint {dataset.fingerprint})"
            continue
        texts = {a.id: _texts(a, body_chars) for a in dataset.articles if a.id in ids}
        reference_words = {
            t: sum(_mean_words(a.references(t)) for a in dataset.articles) / len(dataset.articles)
            for t in board["targets"] if t in ("headline", "standfirst")
        }
        return texts, None, reference_words
    if fallback is not None:
        return fallback[0], "Only references are shown: the outputs were scored with 'bench score'.", fallback[1]
    return {}, f"Article texts are not shown: {reason}; outputs and scores are.", {}


def _score_references(results: dict[str, Any], ids: set[str]) -> tuple[dict[str, Any], dict[str, float]] | None:
    """A ``bench score`` run's references, as the browser's article texts."""
    from bench.runs.external import ScoreConfig, read_references

    try:
        config = ScoreConfig.model_validate(results["config"])
        found_ids, refs = read_references([Path(p) for p in config.references], config.target)
    except (UserError, ValidationError, OSError, KeyError, ValueError):
        return None
    texts = {i: {config.target: refs[i][0], **({"references": {config.target: list(refs[i])}} if len(refs[i]) > 1
                                                else {})} for i in found_ids if i in ids}
    words = {config.target: sum(_mean_words(refs[i]) for i in found_ids) / max(len(found_ids), 1)}
    return texts, words


def _texts(article: Any, body_chars: int) -> dict[str, Any]:
    """What the browser shows of an article: its first references as headline and
    standfirst, every reference of a target that has several, and the body's start
    (``body_chars`` characters; 0 leaves the body out, as a publishable page does)."""
    texts: dict[str, Any] = {"headline": article.headline, "standfirst": article.standfirst}
    if body_chars:
        texts["body"] = _start(article.body, body_chars)
    several = {t: list(article.references(t)) for t in TARGETS if len(article.references(t)) > 1}
    if several:
        texts["references"] = several
    return texts


def _mean_words(references: Sequence[str]) -> float:
    return sum(len(r.split()) for r in references) / len(references) if references else 0.0


def _start(body: str, chars: int = BODY_CHARS) -> str:
    if len(body) <= chars:
        return body
    cut = body[:chars].rsplit(" ", 1)[0]
    return cut + " …"


def _outputs(entry: dict[str, Any], target: str, runs: dict[str, Any], ids: set[str],
             columns: list[tuple[str, str]]) -> tuple[dict[str, Any], str | None]:
    """{id: [prediction, one score per column (None: none), details or None]} for one entry;
    details are what metrics' ``annotate()`` recorded for the article (shown as text)."""
    run = runs.get(entry["run"])
    folder = RunDirectory(Path(run["path"])) if run else None
    if folder is None or not folder.predictions_path.is_file() or not folder.scores_path.is_file():
        where = run["path"] if run else entry["run"]
        return {}, f"Outputs of {entry['label']} are not shown: run folder {where} is not readable."
    texts = {r["id"]: r["prediction"] for r in _rows(folder.predictions_path, entry["summarizer"], target, ids)}
    found: dict[str, Any] = {}
    for row in _rows(folder.scores_path, entry["summarizer"], target, ids):
        scores = row.get("scores", {})
        values = [(scores.get(k) or {}).get(c) for k, c in columns]
        found[row["id"]] = [texts.get(row["id"], ""), *[None if v is None else round(v, 4) for v in values],
                            row.get("details")]
    return found, None


def _read(path: Path, ids: set[str]) -> dict[tuple[Any, Any], list[dict[str, Any]]]:
    """A run's file grouped by system, read once however many entries and targets come from it."""
    stat = path.stat()
    return _read_cached(str(path), stat.st_mtime_ns, stat.st_size, frozenset(ids))


@lru_cache(maxsize=64)
def _read_cached(path: str, mtime_ns: int, size: int, ids: frozenset[str]) -> dict[tuple[Any, Any], list[dict[str, Any]]]:
    """Only the rows of the articles shown, each checked: a run of 100,000 articles is
    read row by row, not held."""
    rows = iter_score_rows(Path(path)) if Path(path).name == RunDirectory.SCORES else _prediction_rows(Path(path))
    return rows_by_system(row for row in rows if str(row.get("id")) in ids)


def _prediction_rows(path: Path) -> Iterator[dict[str, Any]]:
    """predictions.jsonl, each row checked: shown on a page, so never half-trusted."""
    for number, row in iter_jsonl_strict(path, "predictions file", "restore it or run the run again"):
        if not (isinstance(row, dict) and all(isinstance(row.get(k), str) for k in
                                              ("id", "target", "summarizer", "prediction"))):
            raise DamagedFile(f"{path}:{number}: not a prediction row (id, target, summarizer and prediction, "
                              "all text); the predictions file is damaged, restore it or run the run again")
        yield row


def _rows(path: Path, summarizer: str, target: str, ids: set[str]) -> Iterable[dict[str, Any]]:
    for row in _read(path, ids).get((summarizer, target), []):
        yield {**row, "id": str(row["id"])}
