"""The seeds format: a folder of ``.txt`` files, one article each.

Line 1 is the headline, line 2 the standfirst, the rest the body (a paragraph
a line). The file name without ``.txt`` is the article id.
"""

from __future__ import annotations

from pathlib import Path

from bench.errors import DataError


def read_seeds_folder(folder: Path) -> list[dict[str, str]]:
    files = sorted(p for p in folder.iterdir() if p.suffix == ".txt" and p.is_file())
    if not files:
        raise DataError(f"{folder}: no .txt articles in this seeds folder; add files or point dataset.source elsewhere")
    return [read_seed_file(path) for path in files]


def read_seed_file(path: Path) -> dict[str, str]:
    try:
        text = path.read_bytes().decode("utf-8-sig")  # tolerate a BOM from Windows editors
    except UnicodeDecodeError as err:
        raise DataError(f"{path}: not UTF-8 (byte {err.start}); re-save the file as UTF-8") from None
    lines = text.replace("\r\n", "\n").split("\n")
    if len(lines) < 3:
        raise DataError(f"{path}: a seed article needs a headline line, a standfirst line and a body")
    return {
        "id": path.stem,
        "headline": lines[0].strip(),
        "standfirst": lines[1].strip(),
        "body": "\n".join(line.strip() for line in lines[2:] if line.strip()),
    }
