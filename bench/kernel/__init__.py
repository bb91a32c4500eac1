"""The compiled scoring kernel, when it was built (C via Cython: ``_native.pyx``, ``src/``).

Tokenizing, word ids, n-gram overlaps, LCS, rougeLsum's union LCS, the sentence
splitter's rules and the greedy oracle's loop run in C when the extension was
built at install; otherwise the pure-Python code runs, with identical numbers.
``implementation()`` says which one runs (results record it, the signature does
not: the numbers are the same). ``HEADLINE_BENCH_KERNEL=python`` turns the C path
off, e.g. to check that both agree.

This package sits just above ``bench.tokenizers``: the metrics and the
summarizers use it, it uses neither.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from pathlib import Path
from types import ModuleType

ENV = "HEADLINE_BENCH_KERNEL"
HERE = Path(__file__).resolve().parent


def source_hash(folder: Path = HERE) -> str | None:
    """Digest of the kernel's sources (setup.py builds it into the module), or None
    where they are not shipped (an installed wheel)."""
    paths = sorted([*folder.glob("*.pyx"), *folder.glob("src/*.c"), *folder.glob("src/*.h")])
    if not paths:
        return None
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _load() -> tuple[ModuleType | None, str]:
    try:
        module = importlib.import_module(f"{__name__}._native")
    except ImportError as error:  # not built at install (no C compiler or Cython there), or for another Python
        return None, f"the compiled kernel is not installed ({error}; reinstall with a C compiler to build it)"
    expected = source_hash()
    if expected is not None and getattr(module, "SOURCE_HASH", None) != expected:
        # A checkout whose kernel sources changed since the last build: never run stale C.
        return None, "the compiled kernel is older than its sources: rebuild it (pip install -e .)"
    return module, ""


_built, _why = _load()


def native() -> ModuleType | None:
    """The compiled module, or None where it is missing or switched off."""
    if os.environ.get(ENV, "").strip().lower() in ("python", "0", "off"):
        return None
    return _built


def implementation() -> str:
    """``"c"`` when the compiled kernel runs, else ``"python"``."""
    return "c" if native() is not None else "python"


def why_not() -> str:
    """Why the pure-Python path runs ("" when the kernel runs)."""
    if native() is not None:
        return ""
    return f"{ENV} is set" if _built is not None else _why
