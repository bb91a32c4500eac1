"""Parquet files, through ``datasets``' Parquet builder: the code path the Hub
uses for a dataset stored as Parquet, so a local copy of a Hub corpus (or a
small file with its schema, as the tests write) reads exactly as the Hub's."""

from __future__ import annotations

from bench.config import DatasetConfig
from bench.data.formats import DatasetFormat, RawTable, Role
from bench.data.formats._files import existing_file, load_with_datasets


class ParquetFormat(DatasetFormat):
    name = "parquet"
    description = "Parquet file; a column of lists gives several references"
    suffixes = (".parquet",)

    def read(self, source: str, config: DatasetConfig, wanted: dict[str, Role]) -> RawTable:
        path = existing_file(source)
        table = load_with_datasets("parquet", path)
        columns = list(table.column_names)
        return RawTable.from_table(table.select([n for n in wanted if n in columns]), columns, str(path))
