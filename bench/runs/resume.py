"""What an interrupted attempt left in a run directory, and whether it still holds.

Predictions already in ``predictions.jsonl`` are kept, unless the summarizer
that made them has changed since: its code, the code all summarizers share,
its weights (its prediction-cache identity, ``bench.cache.keys``). Every
summarizer's identity is recorded in ``summarizers.json`` before its first
prediction is written; on a resume, a summarizer whose identity differs loses
its earlier predictions (``predictions.jsonl`` is rewritten without them, then
the new identity recorded) and makes them again, with one line saying so. So a
resumed run never mixes the outputs of two versions of a summarizer.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from bench.config import RunConfig
from bench.runs.directory import RunDirectory, write_jsonl

Log = Callable[[str], None]
# summarizer name -> target -> article id -> prediction
Previous = dict[str, dict[str, dict[str, str]]]


def comparable(identity: dict[str, Any]) -> dict[str, Any]:
    """An identity as it reads back from JSON (tuples become lists)."""
    return json.loads(json.dumps(identity, sort_keys=True, ensure_ascii=False))


def previous_predictions(
    directory: RunDirectory, config: RunConfig, ids: Iterable[str], identities: dict[str, dict[str, Any]], log: Log
) -> Previous:
    """The predictions an earlier attempt made that this run can keep, after
    recording ``identities`` (by summarizer name) as the ones this run's
    predictions come from. Rows the config no longer asks for are ignored."""
    current = {name: comparable(identity) for name, identity in identities.items()}
    recorded = directory.saved_identities()
    wanted_ids = set(ids)
    previous: Previous = {name: {t: {} for t in config.targets} for name in identities}
    for row in directory.recover_predictions():
        by_target = previous.get(row["summarizer"])
        if by_target is not None and row["target"] in by_target and row["id"] in wanted_ids:
            by_target[row["target"]].setdefault(row["id"], row["prediction"])
    made = {name: sum(map(len, by_target.values())) for name, by_target in previous.items()}
    if recorded is None and any(made.values()):
        log(f"{directory.path} predates the record of summarizer versions; its predictions are kept as they are")
    stale = [name for name in previous if made[name] and recorded is not None and recorded.get(name) != current[name]]
    for name in stale:
        changed = changed_parts(recorded.get(name), current[name]) if recorded is not None else "unrecorded"
        log(f"summarizer {name!r} changed since this run was interrupted ({changed}); "
            f"its {made[name]} earlier predictions are made again")
        previous[name] = {t: {} for t in config.targets}
    if stale:
        drop = set(stale)
        write_jsonl(directory.predictions_path, (r for r in directory.recover_predictions() if r["summarizer"] not in drop))
    directory.save_identities({**(recorded or {}), **current})
    return previous


def changed_parts(old: Any, new: dict[str, Any]) -> str:
    """Which parts of an identity differ, e.g. ``code`` or ``extra`` (the weights)."""
    if not isinstance(old, dict):
        return "its version was not recorded"
    parts = [key for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]
    return ", ".join(parts) or "identity"
