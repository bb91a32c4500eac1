"""Which run directory a run writes: a new one, the one ``--resume`` names, or
the newest unfinished run of the same resolved config on the same articles.

Whatever is chosen is locked for this process before anything is written, so
two runs never write one directory and no one takes a new one for unfinished.
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from bench.config import RunConfig, dump_config
from bench.errors import ConfigError, DataError, UserError
from bench.runs.directory import RunDirectory, comparable_config, config_difference, find_unfinished, write_atomic

Log = Callable[[str], None]


def new_run_directory(output: Path, name: str) -> RunDirectory:
    """``output/NAME-TIMESTAMP`` (with a suffix when that exists), created."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    path = output / f"{name}-{stamp}"
    suffix = 1
    while True:
        try:
            path.mkdir(parents=True)
            return RunDirectory(path)
        except FileExistsError:
            if not output.is_dir():
                raise
            suffix += 1
            path = output / f"{name}-{stamp}-{suffix}"


def open_run_directory(
    config: RunConfig, fingerprint: str, output: Path, resume: Path | None, fresh: bool, stack: ExitStack, log: Log
) -> tuple[RunDirectory, bool]:
    """The directory to write, locked for this process in ``stack``; True when it is new."""
    if resume is not None:
        return _resumed(config, fingerprint, resume, stack), False
    current = config.model_dump(mode="json")
    if not fresh:
        found = find_unfinished(output, config.name, current, fingerprint, stack)
        if found is not None:
            log(f"continuing the unfinished run {found.path} of this config (pass --fresh for a new run)")
            return found, False
    try:
        directory = new_run_directory(output, config.name)
    except OSError as err:
        raise UserError(f"{output}: cannot create a run directory there ({err.strerror}); choose another --output") from None
    stack.enter_context(directory.lock())  # before config.yaml exists, so no one else takes it as unfinished
    directory.save_fingerprint(fingerprint)
    write_atomic(directory.config_path, dump_config(config))
    return directory, True


def _resumed(config: RunConfig, fingerprint: str, resume: Path, stack: ExitStack) -> RunDirectory:
    """The run ``--resume`` names, if it can be continued with this config and these articles."""
    directory = RunDirectory(resume)
    if not directory.path.is_dir():
        raise UserError(f"{resume}: run directory not found; pass a folder written by 'bench run'")
    if directory.finished:
        raise UserError(f"{resume}: this run already finished; start a new one with 'bench run CONFIG'")
    saved = directory.saved_config()
    differs = config_difference(comparable_config(saved), comparable_config(config.model_dump(mode="json")))
    if differs:
        raise ConfigError(
            f"{directory.config_path}: the run was started with a different {differs}; "
            "resume with the same config and --set values, or start a new run"
        )
    if directory.saved_fingerprint() not in (None, fingerprint):
        raise DataError(
            f"{resume}: the articles differ from those this run was started on (dataset fingerprint); "
            "the data changed since, so start a new run"
        )
    stack.enter_context(directory.lock())
    return directory
