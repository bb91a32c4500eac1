"""The results table printed after a run, one per target."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def print_results(results: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    rouge_types = results["config"]["scoring"]["rouge"]
    primary = results["config"]["scoring"]["primary"]
    for target, block in results["targets"].items():
        table = Table(title=f"{escape(results['name'])}: {target} (n={block['n_articles']}, F1 x100, 95% CI)")
        table.add_column("summarizer")
        for rouge_type in rouge_types:
            table.add_column(rouge_type + (" *" if rouge_type == primary else ""), justify="right")
        table.add_column("words", justify="right")
        ranked = sorted(block["systems"].items(), key=lambda kv: -kv[1]["scores"][primary]["f"]["mean"])
        for name, system in ranked:
            label = escape(name) + (" [oracle]" if system.get("oracle") else "")
            cells = []
            for rouge_type in rouge_types:
                f = system["scores"][rouge_type]["f"]
                cells.append(f"{100 * f['mean']:.2f} ({100 * f['ci_low']:.1f}-{100 * f['ci_high']:.1f})")
            table.add_row(label, *cells, f"{system['lengths']['words_mean']:.1f}")
        console.print(table)
    console.print(f"signature: {escape(results['signature'])}")
    console.print(f"dataset: {results['dataset']['fingerprint']} ({results['dataset']['n_articles']} articles)")
