"""Comparative metrics' numbers beside the ranks.

A comparative metric's block (e.g. the pairwise judge's) may declare
``columns``: {per-system field: column header}. Each leaderboard entry then
shows the numbers its own run's comparison gave that system (a judge ranks
the systems of one run against each other), with the ``FIELD_ci`` interval
when the block has one. Renderers escape every text; this module only picks.
"""

from __future__ import annotations

from typing import Any

Column = tuple[str, str, str]  # (metric, field, header)


def beside_columns(block: dict[str, Any]) -> list[Column]:
    """The declared columns of a board target's comparisons, once each, in order."""
    out: list[Column] = []
    for found in block.get("comparisons") or []:
        declared = (found.get("result") or {}).get("columns")
        if not isinstance(declared, dict):
            continue
        for field, header in declared.items():
            column = (str(found.get("metric")), str(field), str(header))
            if all(c[:2] != column[:2] for c in out):
                out.append(column)
    return out


def compared(block: dict[str, Any], metric: str, entry: dict[str, Any]) -> dict[str, Any] | None:
    """What ``metric``'s comparison in the entry's run recorded for the entry's system."""
    for found in block.get("comparisons") or []:
        if found.get("metric") == metric and found.get("run") == entry.get("run"):
            systems = (found.get("result") or {}).get("systems")
            if isinstance(systems, dict) and isinstance(systems.get(entry.get("summarizer")), dict):
                return systems[entry["summarizer"]]
    return None


def beside_text(block: dict[str, Any], column: Column, entry: dict[str, Any]) -> str:
    """One cell: the value, and its interval in brackets when there is one; "-" when missing."""
    metric, field, _ = column
    system = compared(block, metric, entry)
    value = None if system is None else system.get(field)
    if not _number(value):
        return "-"
    text = _plain(value)
    interval = system.get(f"{field}_ci") if system else None
    if isinstance(interval, list) and len(interval) == 2 and all(_number(v) for v in interval):
        text += f" [{_plain(interval[0])}, {_plain(interval[1])}]"
    return text


def flat_facts(result: dict[str, Any], skip: tuple[str, ...] = ("systems", "columns")) -> list[tuple[str, Any]]:
    """A block's plain fields, nested mappings spelled out as ``a.b.c`` (lists left out:
    they are in the JSON)."""
    out: list[tuple[str, Any]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif value is None or isinstance(value, (str, int, float, bool)):
            out.append((prefix, value))

    for key, value in result.items():
        if key not in skip:
            walk(str(key), value)
    return out


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.3g}"
