"""The leaderboard as Markdown tables, for READMEs and papers, with the signature under each.

Ranks come from the leaderboard's significance tests: ``2=`` means another
entry shares rank 2 (they are not significantly different), and the ``beats``
column lists the rows (by ``#``) an entry is significantly better than.
Oracles are listed in a table of their own and never ranked.
"""

from __future__ import annotations

from typing import Any

from bench.leaderboard.ranking import metric_summary


def _cell(text: Any) -> str:
    """Names and sources are untrusted: neutralise Markdown/HTML control characters."""
    out = " ".join(str(text).split())
    # The backslash first: escaped, it cannot turn a later "\|" back into a column break.
    for char, repl in (("\\", "\\\\"), ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("`", "\\`"),
                       ("*", "\\*"), ("_", "\\_"), ("[", "\\["), ("]", "\\]")):
        out = out.replace(char, repl)
    return out


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.2f}"


def _words(entry: dict[str, Any]) -> str:
    words = (entry.get("stats") or {}).get("words") or {}
    mean = words.get("mean", (entry.get("lengths") or {}).get("words_mean"))
    return "-" if mean is None else f"{mean:.1f}"


def _table(entries: list[dict[str, Any]], metric: str, ranked: bool, numbers: dict[str, int]) -> list[str]:
    rouge_types = list(entries[0]["scores"])
    header = (["#", "rank"] if ranked else []) + ["system", *[f"{t} F1" for t in rouge_types],
                                                  f"95% CI ({metric})", "words", "n"]
    header += ["beats (#)", "run"] if ranked else ["run"]
    ranks = [e["rank"] for e in entries]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for entry in entries:
        ci = metric_summary(entry, metric)
        row = []
        if ranked:
            shared = ranks.count(entry["rank"]) > 1
            row += [str(numbers[entry["key"]]), f"{entry['rank']}{'=' if shared else ''}"]
        row += [_cell(entry["label"]), *[_pct(entry["scores"][t]["f"]["mean"]) for t in rouge_types],
                f"{_pct(ci['ci_low'])}-{_pct(ci['ci_high'])}", _words(entry), str(entry["n"])]
        if ranked:
            row.append(", ".join(str(numbers[k]) for k in sorted(entry["beats"], key=numbers.get)) or "-")
        row.append(_cell(entry["run"]))
        lines.append("| " + " | ".join(row) + " |")
    return lines


def to_markdown(leaderboard: dict[str, Any]) -> str:
    lines: list[str] = ["# Leaderboard", ""]
    for board in leaderboard["boards"]:
        dataset = board["dataset"]
        for target, block in board["targets"].items():
            metric = block["primary"]
            lines += [f"## {_cell(target)}: {_cell(dataset['source'])} ({dataset['n_articles']} articles, "
                      f"{_cell(board['id'])})", ""]
            numbers = {e["key"]: i for i, e in enumerate(block["entries"], start=1)}
            if block["entries"]:
                lines += _table(block["entries"], metric, True, numbers)
                sig = block["significance"]
                lines += ["", f"Ranked by {metric}. Ranks and *beats* come from a paired {sig['method']} test "
                          f"({sig['resamples']} resamples) over the same articles, Holm-corrected across all "
                          f"pairs, alpha {sig['alpha']}; `=` marks a rank shared with a statistically tied entry."]
            if block["oracles"]:
                lines += ["", "Oracle upper bounds (they read the references; not ranked):", ""]
                lines += _table(block["oracles"], metric, False, numbers)
            lines += ["", f"Signature: `{board['signature']}`  ", f"Dataset fingerprint: `{dataset['fingerprint']}`"]
            if board.get("note"):
                lines += ["", f"> {_cell(board['note'])}"]
            lines.append("")
    for note in leaderboard.get("notes", []):
        lines.append(f"> {_cell(note)}")
    return "\n".join(lines).rstrip() + "\n"
