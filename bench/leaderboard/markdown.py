"""The leaderboard as Markdown tables, for READMEs and papers, with the signature under each."""

from __future__ import annotations

from typing import Any


def _cell(text: Any) -> str:
    """Predictions and names are untrusted: neutralise Markdown/HTML control characters."""
    out = str(text)
    for char, repl in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("\n", " ")):
        out = out.replace(char, repl)
    return out


def to_markdown(leaderboard: dict[str, Any]) -> str:
    lines: list[str] = ["# Leaderboard", ""]
    for board in leaderboard["boards"]:
        dataset = board["dataset"]
        for target, block in board["targets"].items():
            metric = block["primary"]
            lines += [f"## {target}: {_cell(dataset['source'])} ({dataset['n_articles']} articles)", ""]
            rouge_types = list(block["entries"][0]["scores"]) if block["entries"] else []
            header = ["rank", "summarizer", *[f"{t} F1" for t in rouge_types], "95% CI (primary)", "n", "run"]
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            for entry in block["entries"]:
                rank = "oracle" if entry["oracle"] else str(entry["rank"])
                scores = [f"{100 * entry['scores'][t]['f']['mean']:.2f}" for t in rouge_types]
                rouge_type, _, key = metric.partition(".")
                ci = entry["scores"][rouge_type][key or "f"]
                lines.append(
                    "| " + " | ".join([
                        rank, _cell(entry["summarizer"]), *scores,
                        f"{100 * ci['ci_low']:.2f}-{100 * ci['ci_high']:.2f}",
                        str(entry["n"]), _cell(entry["run"]["name"]),
                    ]) + " |"
                )
            lines += ["", f"Primary metric: {metric}. Signature: `{board['signature']}`. "
                      f"Dataset fingerprint: `{dataset['fingerprint']}`.", ""]
    for note in leaderboard.get("notes", []):
        lines.append(f"> {note}")
    return "\n".join(lines).rstrip() + "\n"
