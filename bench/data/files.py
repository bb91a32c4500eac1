"""Rows from JSONL / CSV / Parquet files and Hub datasets, through ``datasets``.

``datasets`` does the reading; when it fails on a local file we look for the
offending line ourselves so the user gets its number, not a stack trace.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.errors import DataError

FORMAT_BY_SUFFIX = {".jsonl": "json", ".json": "json", ".csv": "csv", ".parquet": "parquet"}


def detect_format(source: str) -> str:
    if source.startswith("hf:"):
        return "hf"
    path = Path(source)
    if path.is_dir():
        return "seeds"
    suffix = path.suffix.lower()
    if suffix in FORMAT_BY_SUFFIX:
        return FORMAT_BY_SUFFIX[suffix]
    raise DataError(
        f"{source}: cannot tell the format from the file name; use .jsonl, .csv, .parquet, "
        "a seeds folder, hf:NAME, or set dataset.format"
    )


def read_local_rows(path: Path, fmt: str) -> list[dict[str, Any]]:
    """All rows of a local file, as dicts, in file order."""
    if not path.exists():
        raise DataError(f"{path}: dataset file not found; check dataset.source")
    if not path.is_file():
        raise DataError(f"{path}: not a file; point dataset.source at a .jsonl/.csv/.parquet file or a seeds folder")
    if fmt in ("json", "csv"):
        _check_text_file(path, fmt)
    import datasets

    datasets.disable_progress_bars()
    # datasets logs parser failures at ERROR ("Failed to read schema ...") before
    # raising; the one-line DataError below reports them, so keep it quiet.
    datasets.logging.set_verbosity(datasets.logging.CRITICAL)
    try:
        loaded = datasets.load_dataset(fmt, data_files=str(path), split="train", keep_in_memory=True)
    except Exception as err:  # datasets wraps parser errors in many types
        raise DataError(f"{path}: could not be read as {fmt} ({_short(err, root_cause=True)}); check the file") from None
    return loaded.to_list()


def read_hub_rows(source: str, split: str, revision: str | None) -> list[dict[str, Any]]:
    """Rows of ``hf:NAME[:CONFIG]``; offline, a missing dataset is one clear error."""
    name, _, config_name = source[3:].partition(":")
    if not name:
        raise DataError(f"{source}: name the Hub dataset, e.g. hf:xsum or hf:cnn_dailymail:3.0.0")
    import datasets
    import huggingface_hub

    datasets.disable_progress_bars()
    # Offline, the Hub client logs each retry; the one-line error below says it all.
    datasets.logging.set_verbosity_error()
    huggingface_hub.utils.logging.set_verbosity_error()
    try:
        loaded = datasets.load_dataset(name, config_name or None, split=split, revision=revision)
    except Exception as err:
        raise DataError(
            f"{source}: could not load split {split!r} from the Hugging Face Hub ({_short(err)}); "
            "check the name and split, or download it and point dataset.source at a local file"
        ) from None
    return loaded.to_list()


def _check_text_file(path: Path, fmt: str) -> None:
    """Find non-UTF-8 bytes and, for JSONL, the first line that is not a JSON object."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DataError(f"{path}:{line}: not UTF-8 (byte {err.start}); re-encode the file as UTF-8") from None
    if not text.strip():
        raise DataError(f"{path}: the file is empty; add articles")
    if fmt != "json" or path.suffix.lower() == ".json":
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise DataError(f"{path}:{number}: invalid JSON ({err.msg}); each line must be one JSON object") from None
        if not isinstance(row, dict):
            raise DataError(f"{path}:{number}: expected a JSON object per line, got {type(row).__name__}")


def _short(err: BaseException, root_cause: bool = False) -> str:
    """The error in one short line. For local files ``root_cause`` digs out the
    parser's own message, which ``datasets`` wraps in "An error occurred while
    generating the dataset"."""
    while root_cause and (err.__cause__ or err.__context__) is not None:
        err = err.__cause__ or err.__context__
    text = " ".join(str(err).split())
    return (text[:200] + "...") if len(text) > 200 else (text or type(err).__name__)
