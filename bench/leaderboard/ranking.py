"""Significance-aware ranks for one board target.

Every pair of real systems is compared with a paired test on the primary
metric over the articles both were scored on (paired by article id, so entries
from different runs on the same dataset pair up too). The p-values of all pairs
are Holm-corrected together. Then, in the manner of WMT's rank ranges:

- ``beats``: the entries this one is significantly better than;
- ``rank`` = 1 + the number of entries significantly better than this one
  (kept non-decreasing down the table), so neighbours that are not
  significantly different share a rank;
- ``rank_range`` = [rank, N - |beats|]: every rank the data cannot rule out;
- ``tied_with``: entries neither better nor worse with significance.

Oracles read the references; they are never tested or ranked against real systems.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np

from bench.metrics.signature import parse_signature
from bench.metrics.significance import MIN_ARTICLES, holm_adjust, paired_tests

METHOD = "bootstrap"
RESAMPLES = 1000
ALPHA = 0.05


def rank_target(block: dict[str, Any], signature: str) -> None:
    """Fill ``significance`` and each entry's rank fields; ``per_article`` are {id: score} dicts here."""
    metric = block["primary"]
    # A score where lower is better (an error rate) ranks the other way round.
    about = (block.get("metrics") or {}).get(metric.partition(".")[0], {})
    sign = 1 if about.get("higher_is_better", True) else -1
    entries = block["entries"]
    order = lambda e: (_mean(e, metric) is None, -sign * (_mean(e, metric) or 0.0), e["label"])  # noqa: E731
    entries.sort(key=order)
    block["oracles"].sort(key=order)
    seed = int(parse_signature(signature).get("seed", 0) or 0)
    tests = _tests(entries, seed)
    for test, adjusted in zip(tests, holm_adjust([t["p_value"] for t in tests])):
        test["p_adjusted"] = adjusted
    block["significance"] = {
        "method": METHOD, "resamples": RESAMPLES, "seed": seed, "correction": "holm", "alpha": ALPHA,
        "metric": metric, "tests": tests,
    }
    note = significance_note(tests, len(entries))
    if note:
        block["significance"]["note"] = note
    better: dict[str, set[str]] = {e["key"]: set() for e in entries}
    for test in tests:
        if test["p_adjusted"] < ALPHA and test["delta"] != 0:
            winner, loser = (test["a"], test["b"]) if sign * test["delta"] > 0 else (test["b"], test["a"])
            better[loser].add(winner)
    rank = 1
    for entry in entries:
        key = entry["key"]
        entry["beats"] = sorted(k for k, winners in better.items() if key in winners)
        entry["tied_with"] = [e["key"] for e in entries if e["key"] != key
                              and e["key"] not in better[key] and key not in better[e["key"]]]
        rank = max(rank, 1 + len(better[key]))
        entry["rank"] = rank
        entry["rank_range"] = [rank, max(rank, len(entries) - len(entry["beats"]))]
    for oracle in block["oracles"]:
        oracle.update(rank=None, rank_range=None, beats=[], tied_with=[])


def significance_note(tests: list[dict[str, Any]], n_entries: int) -> str | None:
    """Why ranks say less than they seem to, in words for the table's reader:
    below ``MIN_ARTICLES`` paired articles no test is made (every p-value is 1),
    so systems share a rank however far apart their means are."""
    if n_entries < 2:
        return None
    small = [t for t in tests if t["n"] < MIN_ARTICLES]
    untested = n_entries * (n_entries - 1) // 2 - len(tests)
    if tests and len(small) == len(tests):
        few = max(t["n"] for t in small)
        return (f"Only {few} paired article{'s' if few != 1 else ''}: a significance test needs at least "
                f"{MIN_ARTICLES}, so no system is ranked above another (all share rank 1). Score more articles "
                "to rank them.")
    parts = []
    if small:
        parts.append(f"{len(small)} of {len(tests)} pairs share fewer than {MIN_ARTICLES} articles (as few as "
                     f"{min(t['n'] for t in small)}), too few for a test: those systems are never called different")
    if untested:
        parts.append(f"{untested} pair{'s' if untested != 1 else ''} share no articles and cannot be compared")
    return ("; ".join(parts) + ".") if parts else None


def has_bootstrap(entry: dict[str, Any]) -> bool:
    """False for an entry whose run asked for no bootstrap (``bs:0`` in its
    signatures): its recorded intervals are the mean itself, not intervals."""
    return not any(parse_signature(s).get("bs") == "0" for s in (entry.get("signatures") or {}).values())


def metric_summary(entry: dict[str, Any], metric: str) -> dict[str, float]:
    """An entry's {mean, ci_low, ...} for ``metric`` ("rouge1.p": a key and its column;
    a bare key means its F1, as the ROUGE-only files before column names did)."""
    key, _, column = metric.partition(".")
    return entry["scores"][key][column or "f"]


def _mean(entry: dict[str, Any], metric: str) -> float | None:
    value = metric_summary(entry, metric)["mean"]
    return None if value is None else float(value)


def _tests(entries: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """One test per pair; a single batched call when every entry covers the same articles."""
    if len(entries) < 2:
        return []
    coverage = [set(e["per_article"]) for e in entries]
    if all(c == coverage[0] for c in coverage):
        ids = sorted(coverage[0])
        systems = {e["key"]: _column(e, ids) for e in entries}
        records = paired_tests(systems, ["primary"], METHOD, RESAMPLES, seed)
        return [_record(r, len(ids)) for r in records]
    records = []
    for a, b in combinations(entries, 2):
        ids = sorted(set(a["per_article"]) & set(b["per_article"]))
        if not ids:
            continue  # nothing in common to pair on: neither can be said to beat the other
        (record,) = paired_tests({a["key"]: _column(a, ids), b["key"]: _column(b, ids)}, ["primary"], METHOD,
                                 RESAMPLES, seed)
        records.append(_record(record, len(ids)))
    return records


def _column(entry: dict[str, Any], ids: list[str]) -> np.ndarray:
    return np.array([[entry["per_article"][i]] for i in ids], dtype=np.float64)


def _record(record: dict[str, Any], n: int) -> dict[str, Any]:
    return {"a": record["a"], "b": record["b"], "n": n, "delta": record["delta"], "p_value": record["p_value"]}
