"""The leaderboard as Markdown tables, for READMEs and papers, with the signature under each.

Ranks come from the leaderboard's significance tests: ``2=`` means another
entry shares rank 2 (they are not significantly different), and the ``beats``
column lists the rows (by ``#``) an entry is significantly better than.
Oracles are listed in a table of their own and never ranked.
"""

from __future__ import annotations

from typing import Any

from bench.api.metric import score_text
from bench.leaderboard.columns import is_percent, shown_keys
from bench.leaderboard.comparisons import beside_columns, beside_text, flat_facts
from bench.leaderboard.ranking import has_bootstrap, metric_summary


def _cell(text: Any) -> str:
    """Names and sources are untrusted: neutralise Markdown/HTML control characters."""
    out = " ".join(str(text).split())
    # The backslash first: escaped, it cannot turn a later "\|" back into a column break.
    for char, repl in (("\\", "\\\\"), ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("`", "\\`"),
                       ("*", "\\*"), ("_", "\\_"), ("[", "\\["), ("]", "\\]")):
        out = out.replace(char, repl)
    return out


def _number(value: float | None, percent: bool) -> str:
    return "-" if value is None else score_text(value, percent, 2)


def _interval(summary: dict[str, Any], entry: dict[str, Any], percent: bool) -> str:
    """"low-high", or "-" where no interval was computed (a metric with no
    score, or a run with ``bootstrap: 0``, whose signature says ``bs:0``)."""
    if summary.get("ci_low") is None or summary.get("ci_high") is None or not has_bootstrap(entry):
        return "-"
    return f"{_number(summary['ci_low'], percent)}-{_number(summary['ci_high'], percent)}"


def _words(entry: dict[str, Any]) -> str:
    words = (entry.get("stats") or {}).get("words") or {}
    mean = words.get("mean", (entry.get("lengths") or {}).get("words_mean"))
    return "-" if mean is None else f"{mean:.1f}"


def _table(entries: list[dict[str, Any]], block: dict[str, Any], ranked: bool, numbers: dict[str, int]) -> list[str]:
    metric = block["primary"]
    columns = shown_keys(block)
    beside = beside_columns(block)
    header = (["#", "rank"] if ranked else []) + ["system", *[h for _, _, h in beside], *[h for _, _, h in columns],
                                                  f"95% CI ({metric})", "words", "n"]
    header += ["beats (#)", "run"] if ranked else ["run"]
    ranks = [e["rank"] for e in entries]
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    for entry in entries:
        ci = metric_summary(entry, metric)
        row = []
        if ranked:
            shared = ranks.count(entry["rank"]) > 1
            row += [str(numbers[entry["key"]]), f"{entry['rank']}{'=' if shared else ''}"]
        means = [_number((entry["scores"].get(k, {}).get(c) or {}).get("mean"), is_percent(block, k))
                 for k, c, _ in columns]
        row += [_cell(entry["label"]), *[_cell(beside_text(block, c, entry)) for c in beside], *means,
                _interval(ci, entry, is_percent(block, metric.partition(".")[0])), _words(entry), str(entry["n"])]
        if ranked:
            row.append(", ".join(str(numbers[k]) for k in sorted(entry["beats"], key=numbers.get)) or "-")
        row.append(_cell(entry["run"]))
        lines.append("| " + " | ".join(row) + " |")
    return lines


def _comparisons(block: dict[str, Any]) -> list[str]:
    """Comparative metrics' results (e.g. a pairwise judge), per run: a table of
    per-system numbers when the block has them, else its fields."""
    lines: list[str] = []
    for found in block.get("comparisons") or []:
        result = found["result"]
        lines += ["", f"Comparison by {_cell(found['metric'])} (run {_cell(found['run'])}):", ""]
        systems = result.get("systems") if isinstance(result.get("systems"), dict) else None
        if systems and all(isinstance(v, dict) for v in systems.values()):
            fields = list(dict.fromkeys(k for v in systems.values() for k, x in v.items() if _simple(x)))
            lines += ["| system | " + " | ".join(_cell(f) for f in fields) + " |", "|" + "---|" * (len(fields) + 1)]
            lines += ["| " + " | ".join([_cell(name)] + [_cell(_plain(v.get(f))) for f in fields]) + " |"
                      for name, v in systems.items()]
        for key, value in flat_facts(result):
            lines.append(f"- {_cell(key)}: {_cell(_plain(value))}")
    return lines


def _simple(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _plain(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else ("-" if value is None else str(value))


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
                lines += _table(block["entries"], block, True, numbers)
                sig = block["significance"]
                lines += ["", f"Ranked by {metric}. Ranks and *beats* come from a paired {sig['method']} test "
                          f"({sig['resamples']} resamples) over the same articles, Holm-corrected across all "
                          f"pairs, alpha {sig['alpha']}; `=` marks a rank shared with a statistically tied entry."]
                if sig.get("note"):
                    lines += ["", f"> **Note:** {_cell(sig['note'])}"]
                if beside_columns(block):
                    headers = ", ".join(_cell(h) for _, _, h in beside_columns(block))
                    lines += ["", f"{headers}: from each run's own comparison of its systems (below), with "
                              "bootstrap intervals in brackets; they do not change the ranks by the primary metric."]
            if block["oracles"]:
                lines += ["", "Oracle upper bounds (they read the references; not ranked):", ""]
                lines += _table(block["oracles"], block, False, numbers)
            lines += _comparisons(block)
            if block.get("note"):
                lines += ["", f"> {_cell(block['note'])}"]
            lines += ["", f"Signature: `{board['signature']}`  ", f"Dataset fingerprint: `{dataset['fingerprint']}`"]
            if board.get("note"):
                lines += ["", f"> {_cell(board['note'])}"]
            lines.append("")
    for note in leaderboard.get("notes", []):
        lines.append(f"> {_cell(note)}")
    return "\n".join(lines).rstrip() + "\n"
