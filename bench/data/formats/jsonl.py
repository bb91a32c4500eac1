"""JSON Lines: one article per line (or a ``.json`` file holding a list of them).

Read with Python's own JSON parser, not ``datasets``' JSON builder: that one
guesses column types with pyarrow, which turns an id such as "2019-01-01" into
a timestamp and back into "2019-01-01 00:00:00". Here every value keeps the text
written, each line is checked as it is read (so an error names its line), and
the columns go into an Arrow table batch by batch, never as a list of dicts.
"""

from __future__ import annotations

import json
from array import array
from pathlib import Path
from typing import Any, Iterator

from bench.config import DatasetConfig
from bench.data.formats import DatasetFormat, RawTable, Role, register_format
from bench.data.formats._files import check_utf8, existing_file
from bench.errors import DataError

BATCH_ROWS = 2048


@register_format
class JsonLinesFormat(DatasetFormat):
    name = "json"
    description = "JSON Lines (.jsonl), one article per line; a field may hold a list of references"
    suffixes = (".jsonl", ".json")

    def read(self, source: str, config: DatasetConfig, wanted: dict[str, Role]) -> RawTable:
        import pyarrow as pa

        path = existing_file(source)
        check_utf8(path)
        columns: dict[str, None] = {}  # every key seen, in first-seen order
        lines = array("q")
        batches, pending = [], {name: [] for name in wanted}
        for number, row in _objects(path):
            columns.update(dict.fromkeys(row))
            lines.append(number)
            for name, role in wanted.items():
                pending[name].append(_value(row.get(name), role, name, path, number))
            if len(lines) % BATCH_ROWS == 0:
                batches.append(pending)
                pending = {name: [] for name in wanted}
        batches.append(pending)
        present = [name for name in wanted if name in columns]
        schema = pa.schema([(name, _arrow_type(wanted[name])) for name in present])
        table = pa.Table.from_batches(
            [pa.RecordBatch.from_pydict({n: b[n] for n in present}, schema=schema) for b in batches], schema=schema
        )
        number_of = (lambda index: f"{path}:{lines[index]}") if lines and lines[-1] > 0 else None
        return RawTable(table=table, columns=list(columns), label=str(path), line_of=number_of)


def _objects(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each article; a ``.json`` list gives number 0."""
    with path.open(encoding="utf-8-sig", newline=None) as handle:  # \n, \r\n and old-Mac \r all end a line
        first = handle.read(1)
        while first.isspace():
            first = handle.read(1)
        handle.seek(0)
        if first == "[" and path.suffix.lower() == ".json":
            yield from _list_items(path, handle.read())
            return
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise DataError(f"{path}:{number}: invalid JSON ({err.msg}); each line must be one JSON object") from None
            if not isinstance(row, dict):
                raise DataError(f"{path}:{number}: expected a JSON object per line, got {type(row).__name__}")
            yield number, row


def _list_items(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError(f"{path}:{err.lineno}: invalid JSON ({err.msg}); fix the file") from None
    for index, row in enumerate(items):
        if not isinstance(row, dict):
            raise DataError(f"{path}: item {index + 1} of the list is {type(row).__name__}, expected a JSON object")
        yield 0, row


def _value(value: Any, role: Role, name: str, path: Path, number: int) -> Any:
    """A JSON value as the column holds it, or a one-line error naming the line."""
    where = f"{path}:{number}" if number else str(path)
    if value is None:
        return None
    if role == "id":
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)  # a JSON whole number: its digits are the text written
        raise DataError(f"{where}: field {name!r} is {_kind(value)}; an id must be text or a whole number")
    if isinstance(value, str):
        return value if role == "text" else [value]
    if role == "references" and isinstance(value, list):
        odd = [v for v in value if v is not None and not isinstance(v, str)]
        if odd:
            raise DataError(f"{where}: field {name!r} is a list holding {_kind(odd[0])}; "
                            "a list of references must hold texts only")
        return value
    expected = "text, or a list of texts for several references" if role == "references" else "text"
    raise DataError(f"{where}: field {name!r} is {_kind(value)}, expected {expected}")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a JSON object"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, float):
        return f"float ({value!r})"
    return type(value).__name__


def _arrow_type(role: Role) -> Any:
    import pyarrow as pa

    return pa.list_(pa.string()) if role == "references" else pa.string()
