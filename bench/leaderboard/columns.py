"""Which score columns a table shows, read from the metrics' own descriptions
(``block["metrics"]``), so Markdown, the page and its article browser show any
metric the same way without naming one."""

from __future__ import annotations

from typing import Any


def is_percent(block: dict[str, Any], key: str) -> bool:
    """Whether ``key``'s values are fractions shown x100 (ROUGE, BERTScore), or shown as they are."""
    return (block.get("metrics") or {}).get(key, {}).get("percent", True) is not False


def shown_keys(block: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(key, column, header) per score column a table shows: each key's primary
    column (F1 for ROUGE), the ranking column for the ranking key, in the
    order the metrics describe them."""
    entries = block["entries"] + block["oracles"]
    present = dict.fromkeys(k for e in entries for k in e["scores"])
    about = block.get("metrics") or {}
    ranked_key, _, ranked_column = block["primary"].partition(".")
    out = []
    for key in list(about) + [k for k in present if k not in about]:
        if key not in present:
            continue
        info = about.get(key, {})
        column = ranked_column if key == ranked_key else info.get("primary_column", "f")
        columns, labels = info.get("columns", ["p", "r", "f"]), info.get("column_labels", ["precision", "recall", "F1"])
        label = labels[columns.index(column)] if column in columns and len(labels) == len(columns) else column
        out.append((key, column, f"{key} {label}"))
    return out
