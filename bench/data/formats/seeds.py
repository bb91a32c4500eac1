"""The seeds format: a folder of ``.txt`` files, one article each.

Line 1 is the headline, line 2 the standfirst, the rest the body (a paragraph
a line). The file name without ``.txt`` is the article id. Lines may end in
``\\n``, ``\\r\\n`` or an old Mac's ``\\r``.
"""

from __future__ import annotations

from pathlib import Path

from bench.config import DatasetConfig
from bench.data.formats import DatasetFormat, RawTable, Role
from bench.errors import DataError

COLUMNS = ("id", "headline", "standfirst", "body")


class SeedsFormat(DatasetFormat):
    name = "seeds"
    description = "folder of .txt articles: headline, standfirst, body lines"
    priority = 10

    @classmethod
    def claims(cls, source: str) -> bool:
        return Path(source).is_dir()

    def read(self, source: str, config: DatasetConfig, wanted: dict[str, Role]) -> RawTable:
        import pyarrow as pa

        folder = Path(source)
        if not folder.is_dir():
            raise DataError(f"{folder}: seeds folder not found; check dataset.source")
        files = sorted(p for p in folder.iterdir() if p.suffix == ".txt" and p.is_file())
        if not files:
            raise DataError(f"{folder}: no .txt articles in this seeds folder; add files or point dataset.source elsewhere")
        rows = [read_seed_file(path) for path in files]
        table = pa.table({name: [row[name] for row in rows] for name in COLUMNS})
        return RawTable.from_table(table, list(COLUMNS), str(folder))


def read_seed_file(path: Path) -> dict[str, str]:
    try:
        text = path.read_bytes().decode("utf-8-sig")  # tolerate a BOM from Windows editors
    except UnicodeDecodeError as err:
        raise DataError(f"{path}: not UTF-8 (byte {err.start}); re-save the file as UTF-8") from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) < 3:
        raise DataError(f"{path}: a seed article needs a headline line, a standfirst line and a body")
    return {"id": path.stem, "headline": lines[0], "standfirst": lines[1], "body": "\n".join(lines[2:])}
