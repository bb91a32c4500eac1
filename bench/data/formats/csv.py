"""CSV with a header row, through ``datasets``' CSV builder.

Every column is read as text, exactly as written: without that, pandas turns
the ids ``000``..``005`` into the numbers 0..5 and the headlines ``NA`` and
``null`` into missing values.
"""

from __future__ import annotations

import csv

from bench.config import DatasetConfig
from bench.data.formats import DatasetFormat, RawTable, Role
from bench.data.formats._files import check_utf8, existing_file, load_with_datasets
from bench.errors import DataError


class CsvFormat(DatasetFormat):
    name = "csv"
    description = "CSV file with a header row; every cell is read as text"
    suffixes = (".csv",)

    def read(self, source: str, config: DatasetConfig, wanted: dict[str, Role]) -> RawTable:
        import datasets

        path = existing_file(source)
        check_utf8(path)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            raise DataError(f"{path}:1: column(s) {repeated} appear twice in the header; give every column its own name")
        features = datasets.Features({name: datasets.Value("string") for name in header})
        # na_filter off: an empty cell is "", and "NA", "null", "N/A" stay the text they are.
        table = load_with_datasets("csv", path, features=features, na_filter=False)
        return RawTable.from_table(table.select([n for n in wanted if n in header]), header, str(path))
