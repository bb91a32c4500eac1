"""The results table printed after a run, one per target.

Names come from configs and may hold anything, so every piece of text goes in
as a rich ``Text`` (never parsed as markup).
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bench.api.metric import score_text
from bench.metrics.significance import MIN_ARTICLES


def print_results(results: dict[str, Any], console: Console | None = None) -> None:
    """A table per target: real systems ranked by the primary score, oracles
    after them (an upper bound, not a competitor), then how the numbers were made.
    Columns come from the metrics' own descriptions in results.json: one per
    score key, its primary column (F1 for ROUGE)."""
    console = console or Console()
    scoring = results["config"]["scoring"]
    # bootstrap: 0 records each interval as the mean itself: no interval was computed, so none is shown.
    with_ci = bool(scoring.get("bootstrap", 1000))
    level = f"{100 * scoring.get('confidence', 0.95):g}% CI" if with_ci else "no CI: scoring.bootstrap is 0"
    keys = score_keys(results)
    for target, block in results["targets"].items():
        primary_key, _, primary_column = block["primary"].partition(".")
        shown = [k for k in keys if any(k["name"] in s["scores"] for s in block["systems"].values())]
        # Fractions (ROUGE, BERTScore) are shown x100; a metric that says percent: false as it is.
        all_percent = all(k.get("percent", True) for k in shown)
        unit = ("F1 x100, " if primary_column == "f" else "x100, ") if all_percent else ""
        title = Text(f"{results['name']}: {target} (n={block['n_articles']}, {unit}{level})")
        table = Table(title=title)
        table.add_column("summarizer")
        for key in shown:
            column = primary_column if key["name"] == primary_key else key["primary_column"]
            header = key["name"] + ("" if column == "f" else f" {column}")
            header += " x100" if key.get("percent", True) and not all_percent else ""
            table.add_column(header + (" *" if key["name"] == primary_key else ""), justify="right")
        table.add_column("words", justify="right")
        sign = -1 if _higher_is_better(keys, primary_key) else 1
        ranked = sorted(
            block["systems"].items(),
            key=lambda kv: (bool(kv[1].get("oracle")), sign * _mean(kv[1], primary_key, primary_column)),
        )
        for name, system in ranked:
            label = Text(name + (" [oracle]" if system.get("oracle") else ""))
            cells = []
            for key in shown:
                column = primary_column if key["name"] == primary_key else key["primary_column"]
                found = system["scores"].get(key["name"], {}).get(column)
                shown_as = found if with_ci else {"mean": found["mean"]}
                cells.append(_cell(shown_as, key.get("percent", True)) if found else "-")
            table.add_row(label, *cells, f"{system['lengths']['words_mean']:.1f}")
        console.print(table)
        real = [s for s in block["systems"].values() if not s.get("oracle")]
        if len(real) > 1 and block["n_articles"] < MIN_ARTICLES:
            console.print(Text(f"note: only {block['n_articles']} articles: a significance test needs at least "
                               f"{MIN_ARTICLES}, so these systems cannot be told apart (a leaderboard gives them "
                               "all rank 1); score more articles to rank them"), soft_wrap=True)
    console.print(Text(f"* primary score. signature: {results['signature']}"), soft_wrap=True)
    console.print(Text(_dataset_line(results["dataset"])), soft_wrap=True)


def score_keys(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every score key's description, in metric order; results written before
    metrics described themselves are read as ROUGE (p/r/f, F1 first)."""
    described = [k for m in (results.get("metrics") or {}).values() for k in m.get("keys", [])]
    if described:
        return described
    names = dict.fromkeys(k for b in results["targets"].values() for s in b["systems"].values() for k in s["scores"])
    return [{"name": n, "primary_column": "f", "higher_is_better": True} for n in names]


def _higher_is_better(keys: list[dict[str, Any]], name: str) -> bool:
    return next((k.get("higher_is_better", True) for k in keys if k["name"] == name), True)


def _mean(system: dict[str, Any], key: str, column: str) -> float:
    value = system["scores"].get(key, {}).get(column, {}).get("mean")
    return float("-inf") if value is None else value


def _cell(f: dict[str, float | None], percent: bool = True) -> str:
    """The mean and its interval: x100 for fractions (ScoreKey.percent), else as they are."""
    if f.get("mean") is None:
        return "-"
    mean = score_text(f["mean"], percent, 2)
    if f.get("ci_low") is None or f.get("ci_high") is None:
        return mean
    return f"{mean} ({score_text(f['ci_low'], percent, 1)}-{score_text(f['ci_high'], percent, 1)})"


def _dataset_line(dataset: dict[str, Any]) -> str:
    line = f"dataset: {dataset['fingerprint']} ({dataset['n_articles']} articles"
    if dataset.get("subset_seed") is not None:
        line += f", a seeded sample (seed {dataset['subset_seed']}) of {dataset['total_rows']}"
    line += ")"
    skipped = dataset.get("skipped") or {}
    if skipped:
        counts = ", ".join(f"{len(ids)} {reason.replace('_', ' ')}" for reason, ids in sorted(skipped.items()))
        line += f"; skipped: {counts} (ids in results.json)"
    return line
