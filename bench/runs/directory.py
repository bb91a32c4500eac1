"""The run directory and its files (see PRODUCT.md): ``config.yaml``,
``predictions.jsonl`` (appended and flushed as predictions are made),
``scores.jsonl`` and ``results.json`` (written atomically)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

from bench.errors import UserError


def write_atomic(path: Path, text: str) -> None:
    """Write via a temp file in the same folder and rename, so a reader never
    sees half a file and a crash leaves the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any) -> None:
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    write_atomic(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                if not line.endswith("\n"):
                    break  # a line cut short by a crash: everything before it stands
                raise UserError(f"{path}:{number}: invalid JSON line; the file is damaged") from None
    return rows


class RunDirectory:
    CONFIG = "config.yaml"
    PREDICTIONS = "predictions.jsonl"
    SCORES = "scores.jsonl"
    RESULTS = "results.json"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def config_path(self) -> Path:
        return self.path / self.CONFIG

    @property
    def predictions_path(self) -> Path:
        return self.path / self.PREDICTIONS

    @property
    def scores_path(self) -> Path:
        return self.path / self.SCORES

    @property
    def results_path(self) -> Path:
        return self.path / self.RESULTS

    def append_predictions(self, rows: list[dict[str, Any]]) -> None:
        """Append and flush to disk, so a crash loses at most the batch in flight."""
        with self.predictions_path.open("a", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def load_results(self) -> dict[str, Any]:
        """The run's results.json, or a one-line error saying what is missing."""
        if not self.path.is_dir():
            raise UserError(f"{self.path}: not a run directory (not found); pass a folder written by 'bench run'")
        if not self.results_path.is_file():
            raise UserError(f"{self.path}: no results.json; the run did not finish - run it again to complete it")
        try:
            data = json.loads(self.results_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise UserError(f"{self.results_path}: unreadable ({err}); the run directory is damaged") from None
        if not isinstance(data, dict) or "targets" not in data:
            raise UserError(f"{self.results_path}: not a headline-bench results file")
        return data
