"""The run directory and its files (see README.md): ``config.yaml``,
``predictions.jsonl`` (appended and flushed as predictions are made),
``scores.jsonl`` and ``results.json`` (written atomically).

A directory without ``results.json`` is an unfinished run: a later ``bench
run`` of the same resolved config continues it. While a run writes a directory
it holds an exclusive lock on ``.lock`` (released by the OS however the process
ends), so two runs never write one directory at once.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml

from bench.errors import UserError
from bench.strict_yaml import describe_yaml_error, parse_yaml

try:
    import fcntl
except ImportError:  # not POSIX: no locking
    fcntl = None  # type: ignore[assignment]

# Config sections that change no prediction or score: a run may be resumed with
# them changed.
NOT_COMPARED = ("cache", "engine")


def write_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write via a temp file in the same folder and rename, so a reader never
    sees half a file and a crash leaves the old one. ``text`` may be an iterable
    of pieces, written as they come (a million rows never become one string)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            if isinstance(text, str):
                handle.write(text)
            else:
                handle.writelines(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_json(path: Path, data: Any) -> None:
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    write_atomic(path, (json.dumps(row, ensure_ascii=False) + "\n" for row in rows))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return list(iter_jsonl(path))


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The rows of a JSON Lines file one at a time (a large run's file is never held whole)."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                if not line.endswith("\n"):
                    return  # a line cut short by a crash: everything before it stands
                raise UserError(f"{path}:{number}: invalid JSON line; the file is damaged") from None


def rows_by_system(rows: Iterable[dict[str, Any]]) -> dict[tuple[Any, Any], list[dict[str, Any]]]:
    """Rows of a predictions or scores file grouped by (summarizer, target), in file order:
    one pass, where filtering the whole file for each system would be one pass each."""
    groups: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row.get("summarizer"), row.get("target")), []).append(row)
    return groups


def comparable_config(config: dict[str, Any]) -> dict[str, Any]:
    """The parts of a resolved config that decide what a run computes."""
    return {k: v for k, v in config.items() if k not in NOT_COMPARED}


def config_difference(a: dict[str, Any], b: dict[str, Any], prefix: str = "") -> str | None:
    """The dotted path of the first value that differs between two configs, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if key not in a or key not in b:
                return f"{prefix}{key}"
            found = config_difference(a[key], b[key], f"{prefix}{key}.")
            if found:
                return found
        return None
    return None if a == b else prefix.rstrip(".") or "(top level)"


class RunDirectory:
    CONFIG = "config.yaml"
    PREDICTIONS = "predictions.jsonl"
    SCORES = "scores.jsonl"
    RESULTS = "results.json"
    # The fingerprint of the articles a run was started on: a run is only ever
    # continued on the very same articles (a path in the config is not enough).
    DATASET = "dataset.fingerprint"
    # Each summarizer's cache identity (code, weights) when its predictions were
    # made: a resume after a change remakes them instead of mixing two versions.
    IDENTITIES = "summarizers.json"
    LOCK = ".lock"

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

    @property
    def identities_path(self) -> Path:
        return self.path / self.IDENTITIES

    @property
    def finished(self) -> bool:
        return self.results_path.is_file()

    def append_predictions(self, rows: list[dict[str, Any]]) -> None:
        """Append and flush to disk, so a crash loses at most the batch in flight.
        The batch goes out in one write, so a kill leaves whole lines (a power
        cut may leave a torn last line, which ``recover_predictions`` drops)."""
        if not rows:
            return
        data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")
        fd = os.open(self.predictions_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        except OSError as err:  # name the file: os.write does not
            raise OSError(err.errno, err.strerror, str(self.predictions_path)) from None
        finally:
            os.close(fd)

    def recover_predictions(self) -> Iterator[dict[str, Any]]:
        """The predictions an interrupted run wrote, read line by line. A torn
        last line (cut off by a crash) is dropped and cut from the file, so
        appending continues cleanly."""
        path = self.predictions_path
        if not path.is_file():
            return
        complete = 0
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.endswith(b"\n"):
                    break  # a torn last line
                complete += len(line)
                if line.strip():
                    yield self._prediction_row(line, number)
        if complete < path.stat().st_size:
            with path.open("r+b") as handle:
                handle.truncate(complete)
                handle.flush()
                os.fsync(handle.fileno())

    def count_predictions(self) -> int:
        """Complete lines in predictions.jsonl, without parsing them."""
        try:
            with self.predictions_path.open("rb") as handle:
                return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(2**20), b""))
        except FileNotFoundError:
            return 0

    def _prediction_row(self, line: bytes, number: int) -> dict[str, Any]:
        try:
            row = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise UserError(
                f"{self.predictions_path}:{number}: damaged prediction line; delete the line (or the run directory) "
                "and resume"
            ) from None
        if not isinstance(row, dict) or not {"id", "target", "summarizer", "prediction"} <= set(row):
            raise UserError(f"{self.predictions_path}:{number}: not a prediction row; delete the line and resume")
        return row

    def save_identities(self, identities: dict[str, Any]) -> None:
        write_json(self.identities_path, identities)

    def saved_identities(self) -> dict[str, Any] | None:
        """What each summarizer's outputs depended on when its predictions were
        made (its cache identity), by name; None for a run written before this was recorded."""
        try:
            data = json.loads(self.identities_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise UserError(f"{self.identities_path}: unreadable ({type(err).__name__}); delete it to resume without "
                            "the check that the summarizers are unchanged, or start a new run") from None
        if not isinstance(data, dict):
            raise UserError(f"{self.identities_path}: not a summarizer record; delete it or start a new run")
        return data

    def save_fingerprint(self, fingerprint: str) -> None:
        write_atomic(self.path / self.DATASET, fingerprint + "\n")

    def saved_fingerprint(self) -> str | None:
        try:
            return (self.path / self.DATASET).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None

    def saved_config(self) -> dict[str, Any]:
        """The resolved config this run was started with."""
        try:
            data = parse_yaml(self.config_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UserError(f"{self.path}: no config.yaml; not a run directory written by 'bench run'") from None
        except yaml.YAMLError as err:
            line, problem = describe_yaml_error(err)
            raise UserError(f"{self.config_path}:{f' line {line}' if line else ''} {problem} (the run directory is "
                            "damaged: restore config.yaml or start a new run)") from None
        except (OSError, UnicodeDecodeError) as err:
            raise UserError(f"{self.config_path}: unreadable ({type(err).__name__}); the run directory is damaged") from None
        if not isinstance(data, dict):
            raise UserError(f"{self.config_path}: not a run config; the run directory is damaged")
        return data

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the directory's lock; ``RunLocked`` if another process has it."""
        if fcntl is None:
            yield
            return
        fd = os.open(self.path / self.LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RunLocked(
                    f"{self.path}: another 'bench run' is writing this run directory; wait for it to end"
                ) from None
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def load_results(self) -> dict[str, Any]:
        """The run's results.json, or a one-line error saying what is missing."""
        if not self.path.is_dir():
            raise UserError(f"{self.path}: not a run directory (not found); pass a folder written by 'bench run'")
        if not self.results_path.is_file():
            raise UserError(f"{self.path}: no results.json; the run did not finish - run it again to complete it")
        from bench.runs.readback import read_results

        return read_results(self.results_path)


class RunLocked(UserError):
    """A run directory is being written by another process."""


def find_unfinished(output: Path, name: str, config: dict[str, Any], fingerprint: str,
                    stack: ExitStack) -> RunDirectory | None:
    """The newest unfinished, unlocked run of ``name`` under ``output`` that was
    started with the same resolved config (sections in NOT_COMPARED aside) on
    the same articles (dataset ``fingerprint``; a folder without a recorded one,
    not made by 'bench run', is taken on its config alone), locked for this
    process in ``stack``: taking the lock is the test, so no one can take it between."""
    if not output.is_dir():
        return None
    wanted = comparable_config(config)
    for path in sorted(output.glob(f"{name}-*"), reverse=True):
        directory = RunDirectory(path)
        if not path.is_dir() or directory.finished or not directory.config_path.is_file():
            continue
        try:
            saved = directory.saved_config()
        except UserError:
            continue
        if comparable_config(saved) != wanted or directory.saved_fingerprint() not in (None, fingerprint):
            continue
        try:
            stack.enter_context(directory.lock())
        except RunLocked:
            continue  # another process is writing it
        return directory
    return None
