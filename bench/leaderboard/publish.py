"""A leaderboard fit to put online (``bench leaderboard --publish``).

A local leaderboard records where everything came from: absolute paths of run
folders, config files, datasets and local model folders, and its page shows
the start of up to ``--max-articles`` article bodies (news text someone else
owns). Published as it is, that leaks a machine's layout and republishes the
articles. The publishable form keeps every number and changes only names:

- a path inside the leaderboard's folder becomes relative to it (the page and
  later merges still find the run folders beside it); any other absolute path
  becomes its last component;
- article bodies are left out of the page (``--body-chars N`` keeps the first
  N characters), headlines, standfirsts and outputs stay;
- ``mode`` says which form a file is, and the page says so at the top.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path, PurePath
from typing import Any

LOCAL = "local"
PUBLISHABLE = "publishable"


def publishable(leaderboard: dict[str, Any], base: Path) -> dict[str, Any]:
    """A copy of ``leaderboard`` with no absolute local path in it, marked publishable."""
    data = copy.deepcopy(leaderboard)
    for run in data["runs"]:
        run["path"] = public_path(run["path"], base)
        if run.get("config_file"):
            run["config_file"] = public_path(run["config_file"], base)
    for board in data["boards"]:
        board["dataset"]["source"] = public_path(board["dataset"].get("source"), base)
        for block in board["targets"].values():
            for entry in block["entries"] + block["oracles"]:
                entry["config"] = _public_values(entry.get("config"), base)
    data["mode"] = PUBLISHABLE
    return data


def public_path(value: Any, base: Path) -> Any:
    """``value`` relative to ``base`` when it lies inside it, else its last
    component; anything that is not an absolute path is returned as it is."""
    if not isinstance(value, str) or not os.path.isabs(value):
        return value
    path, root = Path(value), base.resolve()
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return PurePath(value).name or value


def _public_values(value: Any, base: Path) -> Any:
    if isinstance(value, dict):
        return {k: _public_values(v, base) for k, v in value.items()}
    if isinstance(value, list):
        return [_public_values(v, base) for v in value]
    return public_path(value, base)


def publishable_browser(browser: dict[str, Any], local: dict[str, Any], base: Path) -> dict[str, Any]:
    """The article browser's notes without the absolute paths they may quote."""
    known = {run["path"] for run in local["runs"]} | {run.get("config_file") for run in local["runs"]}
    known |= {board["dataset"].get("source") for board in local["boards"]}
    swaps = sorted(((p, str(public_path(p, base))) for p in known if isinstance(p, str) and os.path.isabs(p)),
                   key=lambda pair: -len(pair[0]))
    data = copy.deepcopy(browser)
    for block in data.values():
        notes = []
        for note in block.get("notes", []):
            for old, new in swaps:
                note = note.replace(old, new)
            notes.append(note)
        block["notes"] = notes
    return data


def resolve_run_path(path: str, base: Path | None) -> Path:
    """Where a run folder named in a leaderboard is: relative names are relative
    to the leaderboard's folder (``base``), as ``publishable`` writes them."""
    found = Path(path)
    return found if found.is_absolute() or base is None else base / found
