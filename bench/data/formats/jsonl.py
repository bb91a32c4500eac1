"""JSON Lines: one article per line (or a ``.json`` file holding a list of them).

Read with Python's own JSON parser, not ``datasets``' JSON builder: that one
guesses column types with pyarrow, which turns an id such as "2019-01-01" into
a timestamp and back into "2019-01-01 00:00:00". Here every value keeps the text
written and each line is checked as it is read, so an error names its line.

Two passes, so memory does not grow with the file: the first checks every line
and learns the columns; the second streams the asked-for columns as Arrow
record batches straight into articles. Nothing holds the whole file.
"""

from __future__ import annotations

import json
from array import array
from pathlib import Path
from typing import Any, Iterator

from bench.config import DatasetConfig
from bench.data.formats import DatasetFormat, RawTable, Role
from bench.data.formats._files import check_utf8, existing_file
from bench.errors import DataError

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
        for number, row in _objects(path):  # first pass: check every line, learn the columns
            columns.update(dict.fromkeys(row))
            lines.append(number)
            for name, role in wanted.items():
                _value(row.get(name), role, name, path, number)
        schema = pa.schema([(name, _arrow_type(wanted[name])) for name in wanted if name in columns])

        def batches(names: list[str], size: int) -> Iterator[pa.RecordBatch]:
            chosen = pa.schema([schema.field(n) for n in names])
            pending: dict[str, list[Any]] = {n: [] for n in names}
            for count, (number, row) in enumerate(_objects(path), start=1):
                for name in names:
                    pending[name].append(_value(row.get(name), wanted[name], name, path, number))
                if count % size == 0:
                    yield pa.RecordBatch.from_pydict(pending, schema=chosen)
                    pending = {n: [] for n in names}
            if pending[names[0]]:
                yield pa.RecordBatch.from_pydict(pending, schema=chosen)

        number_of = (lambda index: f"{path}:{lines[index]}") if lines and lines[-1] > 0 else None
        return RawTable(schema=schema, num_rows=len(lines), columns=list(columns), label=str(path),
                        batches=batches, line_of=number_of)


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
