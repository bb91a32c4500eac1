"""Dataset formats, chosen from a registry: a format is one module.

Formats register through the ``bench.formats`` entry-point group, built-in
(``pyproject.toml``) and third-party alike; ``@register_format`` adds one
in-process (tests, notebooks, ``BENCH_PLUGINS`` modules). A format only turns
a source into Arrow record batches of the columns asked for;
``bench.data.columns`` then turns rows into checked articles the same way for
every format, so a check or a message never differs between formats.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, ClassVar, Iterable, Literal

from bench.api.registry import Registry
from bench.errors import DataError

if TYPE_CHECKING:
    import pyarrow as pa

    from bench.config import DatasetConfig

ENTRY_POINT_GROUP = "bench.formats"
# What a column is read for: an id, one text (the body), or references (one text or a list).
Role = Literal["id", "text", "references"]


@dataclass
class RawTable:
    """A source read by a format: the asked-for columns, streamed as Arrow record
    batches (so a large source is never held whole), and what messages need."""

    schema: "pa.Schema"  # of the columns the format returns
    num_rows: int
    columns: list[str]  # every column the source has, in its own order
    label: str  # how messages name the source
    # The named columns, batch by batch, in row order.
    batches: Callable[[list[str], int], Iterable["pa.RecordBatch"]]
    # Row index -> "file:line" where the format knows lines (JSON Lines), for messages.
    line_of: Callable[[int], str] | None = field(default=None)

    @classmethod
    def from_table(cls, table: "pa.Table", columns: list[str], label: str) -> "RawTable":
        """A whole Arrow table (memory-mapped by ``datasets``, or small)."""
        return cls(schema=table.schema, num_rows=table.num_rows, columns=columns, label=label,
                   batches=lambda names, size: table.select(names).to_batches(max_chunksize=size))

    def where(self, index: int) -> str:
        return self.line_of(index) if self.line_of is not None else self.label


class DatasetFormat(ABC):
    """One way of reading articles. Subclasses set ``name``, ``description`` and,
    to be picked by file name, ``suffixes``; ``read`` returns a ``RawTable``."""

    name: ClassVar[str]
    description: ClassVar[str]
    suffixes: ClassVar[tuple[str, ...]] = ()
    # Formats that claim a source by more than its suffix (a folder, a prefix) are asked first.
    priority: ClassVar[int] = 0

    @classmethod
    def claims(cls, source: str) -> bool:
        """Whether ``dataset.format: auto`` should read ``source`` with this format."""
        return Path(source).suffix.lower() in cls.suffixes

    @abstractmethod
    def read(self, source: str, config: "DatasetConfig", wanted: dict[str, Role]) -> RawTable:
        """Read ``source``. ``wanted`` maps the columns the field mapping may use to
        what they are read for; a format may return only those that exist."""


REGISTRY: Registry[type[DatasetFormat]] = Registry(ENTRY_POINT_GROUP, DatasetFormat, "dataset format", "formats",
                                                   stamp_name=True)


def register_format(cls: type[DatasetFormat]) -> type[DatasetFormat]:
    """Class decorator: make a format available under ``cls.name`` in this process."""
    return REGISTRY.register(cls.name)(cls)


def format_types() -> dict[str, str]:
    """Every format name -> where it comes from (``module:Class``), importing none."""
    return REGISTRY.names()


def format_classes() -> dict[str, type[DatasetFormat]]:
    """Every format class, by name (each format module is small: imports are cheap)."""
    return {name: REGISTRY.get(name) for name in REGISTRY.names()}


def format_names() -> list[str]:
    return list(format_types())


def get_format(name: str) -> DatasetFormat:
    return REGISTRY.get(name)()


def detect_format(source: str) -> str:
    """The format that claims ``source`` (``dataset.format: auto``)."""
    for name, cls in sorted(format_classes().items(), key=lambda item: -item[1].priority):
        if cls.claims(source):
            return name
    raise DataError(
        f"{source}: cannot tell the format from the file name; use .jsonl, .csv, .parquet, "
        "a seeds folder, hf:NAME, or set dataset.format"
    )
