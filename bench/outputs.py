"""Where a command writes, checked before it does any work, and written all or nothing.

A command that learns only at the end that ``-o`` names a file, a read-only
folder or a folder where a page should go has wasted the work and may have
left some files written and others not. ``check_output_folder`` and
``check_output_file`` say what is wrong in one line before anything is read or
computed; ``write_all`` writes several files so that either every one is
replaced or none is.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Mapping

from bench.errors import UserError


def check_output_folder(path: Path, flag: str = "--output") -> None:
    """``path`` is, or can be made, a folder this process can write in."""
    if path.exists() and not path.is_dir():
        raise UserError(f"{flag} {path}: is a file, not a folder; name a folder (it is made if missing)")
    _check_writable(_nearest_existing(path), path, flag)


def check_output_file(path: Path, flag: str = "--output", example: str = "output") -> None:
    """``path`` can be written as a file: not a folder, in a folder that is
    (or can be made) writable. ``example`` is a file name to suggest."""
    if path.is_dir():
        raise UserError(f"{flag} {path}: is a folder; name a file inside it, e.g. {path / example}")
    if path.exists() and not os.access(path, os.W_OK):
        raise UserError(f"{flag} {path}: the file is read-only; make it writable or name another file")
    _check_writable(_nearest_existing(path.parent), path, flag)


def check_distinct(paths: Mapping[str, Path | None]) -> None:
    """No two outputs are the same file (``--markdown`` naming the JSON, say)."""
    seen: dict[Path, str] = {}
    for flag, path in paths.items():
        if path is None:
            continue
        key = path.resolve()
        if key in seen:
            raise UserError(f"{flag} {path}: the same file as {seen[key]}; give each output its own file")
        seen[key] = f"{flag} {path}"


def write_all(files: Mapping[Path, str]) -> None:
    """Write every file via a temp file beside it, renaming only once all are
    written: a failure (a full disk) leaves every old file as it was."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((tmp, path))
            os.fchmod(fd, 0o666 & ~_umask())
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _nearest_existing(path: Path) -> Path:
    """``path`` or its closest ancestor that exists (what a mkdir -p would start from)."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _check_writable(folder: Path, wanted: Path, flag: str) -> None:
    if not folder.is_dir():
        raise UserError(f"{flag} {wanted}: {folder} is a file, not a folder; choose another path")
    try:  # os.access is not enough: root passes it on a read-only mount
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".bench-write-check-")
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise UserError(f"{flag} {wanted}: cannot write in {folder} ({err.strerror or err}); "
                        "choose a folder you can write in") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
