"""What the file formats share: finding the file, checking its encoding, and
reading through ``datasets`` with its failures turned into one line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.errors import DataError

if TYPE_CHECKING:
    import pyarrow as pa


def existing_file(source: str) -> Path:
    path = Path(source)
    if not path.exists():
        raise DataError(f"{path}: dataset file not found; check dataset.source")
    if not path.is_file():
        raise DataError(f"{path}: not a file; point dataset.source at a .jsonl/.csv/.parquet file or a seeds folder")
    return path


def check_utf8(path: Path) -> None:
    """Name the first line that is not UTF-8, and refuse a file with no text."""
    offset, blank = 0, True
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise DataError(
                    f"{path}:{number}: not UTF-8 (byte {offset + err.start}); re-encode the file as UTF-8"
                ) from None
            blank = blank and not text.strip("\ufeff \t\r\n")
            offset += len(raw)
    if blank:
        raise DataError(f"{path}: the file is empty; add articles")


def load_with_datasets(builder: str, path: Path, **options: Any) -> "pa.Table":
    """A local file through the ``datasets`` builder the Hub uses for the same format."""
    import datasets

    datasets.disable_progress_bars()
    # datasets logs parser failures at ERROR before raising; the one line below says it all.
    datasets.logging.set_verbosity(datasets.logging.CRITICAL)
    try:
        loaded = datasets.load_dataset(builder, data_files=str(path), split="train", **options)
    except Exception as err:  # datasets wraps parser errors in many types
        raise DataError(f"{path}: could not be read as {builder} ({short_error(err, root_cause=True)}); "
                        "check the file") from None
    return arrow_table(loaded)


def arrow_table(loaded: Any) -> "pa.Table":
    """The Arrow table behind a ``datasets.Dataset`` (memory-mapped when it is on disk)."""
    if getattr(loaded, "_indices", None) is not None:  # a selection: flatten it
        loaded = loaded.flatten_indices()
    return loaded.data.table


def short_error(err: BaseException, root_cause: bool = False) -> str:
    """The error in one short line. For local files ``root_cause`` digs out the
    parser's own message, which ``datasets`` wraps in "An error occurred while
    generating the dataset"."""
    while root_cause and (err.__cause__ or err.__context__) is not None:
        err = err.__cause__ or err.__context__
    text = " ".join(str(err).split())
    return (text[:200] + "...") if len(text) > 200 else (text or type(err).__name__)
