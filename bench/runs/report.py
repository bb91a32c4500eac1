"""The results table printed after a run, one per target.

Names come from configs and may hold anything, so every piece of text goes in
as a rich ``Text`` (never parsed as markup).
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text


def print_results(results: dict[str, Any], console: Console | None = None) -> None:
    """A table per target: real systems ranked by the primary metric, oracles
    after them (an upper bound, not a competitor), then how the numbers were made."""
    console = console or Console()
    scoring = results["config"]["scoring"]
    rouge_types, primary = scoring["rouge"], scoring["primary"]
    level = f"{100 * scoring.get('confidence', 0.95):g}% CI"
    for target, block in results["targets"].items():
        title = Text(f"{results['name']}: {target} (n={block['n_articles']}, F1 x100, {level})")
        table = Table(title=title)
        table.add_column("summarizer")
        for rouge_type in rouge_types:
            table.add_column(rouge_type + (" *" if rouge_type == primary else ""), justify="right")
        table.add_column("words", justify="right")
        ranked = sorted(
            block["systems"].items(),
            key=lambda kv: (bool(kv[1].get("oracle")), -kv[1]["scores"][primary]["f"]["mean"]),
        )
        for name, system in ranked:
            label = Text(name + (" [oracle]" if system.get("oracle") else ""))
            cells = [_cell(system["scores"][rouge_type]["f"]) for rouge_type in rouge_types]
            table.add_row(label, *cells, f"{system['lengths']['words_mean']:.1f}")
        console.print(table)
    console.print(Text(f"* primary metric. signature: {results['signature']}"), soft_wrap=True)
    console.print(Text(_dataset_line(results["dataset"])), soft_wrap=True)


def _cell(f: dict[str, float]) -> str:
    return f"{100 * f['mean']:.2f} ({100 * f['ci_low']:.1f}-{100 * f['ci_high']:.1f})"


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
