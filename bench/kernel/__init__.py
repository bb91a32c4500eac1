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

import importlib
import os
from types import ModuleType

ENV = "HEADLINE_BENCH_KERNEL"

try:
    _built: ModuleType | None = importlib.import_module(f"{__name__}._native")
    _why = ""
except ImportError as error:  # not built at install (no C compiler or Cython there), or for another Python
    _built = None
    _why = f"the compiled kernel is not installed ({error}; reinstall with a C compiler to build it)"


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
