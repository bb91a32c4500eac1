"""What went wrong with the prediction cache, in one true line with the fix.

SQLite reports a full disk as "database or disk is full" (or, when the failed
write also ended its transaction, only as a later "cannot rollback"), a folder
that is a file as "unable to open database file", and so on: none of which
says what to do. ``CacheError`` carries one line that does; it is an
``sqlite3.OperationalError`` (code that treats a broken cache as a warning
keeps catching it) and a ``UserError`` (the CLI prints it as one line).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from bench.cache.paths import CACHE_ENV, DB_NAME
from bench.errors import UserError

_ELSEWHERE = f"set {CACHE_ENV} (or cache.dir) to a folder"
_FULL_CODES = {errno.ENOSPC, errno.EDQUOT}
SQLITE_FULL = 13
_NO_ROOM = 64 * 1024  # bytes free below which a failed write is put down to a full disk


class CacheError(sqlite3.OperationalError, UserError):
    """The prediction cache cannot be used; the message says why and what to do.
    ``kind`` names the problem: full, not-a-folder, permission, read-only, busy,
    damaged or other."""

    def __init__(self, message: str, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


def blocking_file(directory: Path) -> Path | None:
    """``directory`` or the first of its parents that exists as something other than a folder."""
    for path in [directory, *directory.parents]:
        if path.exists() or path.is_symlink():
            return None if path.is_dir() else path
    return None


def _says_full(err: BaseException) -> bool:
    if isinstance(err, OSError) and err.errno in _FULL_CODES:
        return True
    return getattr(err, "sqlite_errorcode", None) == SQLITE_FULL or "disk is full" in str(err)


def _free_bytes(directory: Path) -> int:
    for path in [directory, *directory.parents]:
        if path.is_dir():
            try:
                stats = os.statvfs(path)
            except OSError:
                return _NO_ROOM
            return stats.f_bavail * stats.f_frsize
    return _NO_ROOM


def _read_only(directory: Path) -> bool:
    try:
        return bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def diagnose(directory: Path, err: BaseException) -> tuple[str, str]:
    """(kind, one line): what is wrong with the cache in ``directory``, and what to do."""
    database = directory / DB_NAME
    text = " ".join(str(err).split()) or type(err).__name__
    full = ("full", f"the disk holding {directory} is full; free space there, or {_ELSEWHERE} on another disk")
    if _says_full(err):
        return full
    blocking = blocking_file(directory)
    if blocking is not None:
        return "not-a-folder", f"{blocking} is a file, not a folder; move it out of the way, or {_ELSEWHERE}"
    if database.is_dir():
        return "not-a-folder", f"{database} is a folder, not the cache database; remove it, or {_ELSEWHERE}"
    if (isinstance(err, OSError) and err.errno == errno.EROFS) or (directory.is_dir() and _read_only(directory)):
        return "read-only", f"{directory} is on a read-only file system; {_ELSEWHERE} on a writable one"
    if isinstance(err, PermissionError) or "readonly" in text or (
        directory.is_dir() and not os.access(directory, os.W_OK | os.X_OK)
    ):
        return "permission", f"no permission to write in {directory}; fix its permissions, or {_ELSEWHERE} you can write"
    if "locked" in text or "busy" in text:
        return "busy", f"{database} is in use by another run ({text}); try again when it ends"
    if _free_bytes(directory) < _NO_ROOM:
        return full  # a write that failed for want of room can also surface as an I/O error
    damaged = isinstance(err, sqlite3.DatabaseError) and not isinstance(err, sqlite3.OperationalError)
    if damaged or "malformed" in text or "not a database" in text:
        return "damaged", f"{database} is damaged ({text}); remove it with 'bench cache clear'"
    return "other", f"{database}: {text}; check the folder, or {_ELSEWHERE} elsewhere"


def explain(directory: Path, err: BaseException) -> str:
    """One line: what is wrong with the cache in ``directory``, and what to do."""
    return diagnose(directory, err)[1]


def cache_error(directory: Path, err: BaseException) -> CacheError:
    """A ``CacheError`` for ``err`` (kept as its cause, with SQLite's code when it has one)."""
    if isinstance(err, CacheError):
        return err
    kind, message = diagnose(directory, err)
    problem = CacheError(message, kind)
    problem.__cause__ = err
    return problem
