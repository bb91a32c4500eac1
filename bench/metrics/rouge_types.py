"""ROUGE type names, in one place: rouge1..rouge9, rougeL and rougeLsum.

Parsed the way rouge-score parses them (``rouge[0-9]$`` with a positive n,
``rougeL``, ``rougeLsum``), so every backend, the config, the signature and
every page accept exactly the same names.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

DEFAULT_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
_NGRAM = re.compile(r"^rouge([1-9])$")
_EXAMPLES = "rouge1..rouge9, rougeL or rougeLsum"


def ngram_order(rouge_type: str) -> int | None:
    """n for ``rougeN``; None for rougeL / rougeLsum. ValueError for anything else."""
    match = _NGRAM.match(rouge_type) if isinstance(rouge_type, str) else None
    if match:
        return int(match.group(1))
    if rouge_type in ("rougeL", "rougeLsum"):
        return None
    raise ValueError(f"unknown ROUGE type {rouge_type!r}; expected {_EXAMPLES}")


def is_rouge_type(name: str) -> bool:
    try:
        ngram_order(name)
    except ValueError:
        return False
    return True


def check_rouge_types(rouge_types: Sequence[str]) -> list[str]:
    """The types as a list; ValueError for an unknown, repeated or missing one."""
    if isinstance(rouge_types, str):
        raise TypeError("rouge types must be a list of names, not one string")
    unknown = [t for t in rouge_types if not is_rouge_type(t)]
    if unknown:
        raise ValueError(f"unknown ROUGE type(s) {unknown}; expected {_EXAMPLES}")
    if not rouge_types:
        raise ValueError("list at least one ROUGE type")
    if len(set(rouge_types)) != len(rouge_types):
        raise ValueError("a ROUGE type is listed twice")
    return list(rouge_types)


def canonical_order(rouge_types: Iterable[str]) -> list[str]:
    """rouge1..rouge9, then rougeL, then rougeLsum: the order of the signature."""
    def key(rouge_type: str) -> tuple[int, int]:
        n = ngram_order(rouge_type)
        return (0, n) if n is not None else (1, 0 if rouge_type == "rougeL" else 1)

    return sorted(rouge_types, key=key)


def short_name(rouge_type: str) -> str:
    """The signature's spelling: ``1``, ``L``, ``Lsum``."""
    ngram_order(rouge_type)
    return rouge_type[len("rouge"):]


def label(rouge_type: str) -> str:
    """A table header: ``R-1``, ``R-L``, ``R-Lsum``."""
    return "R-" + short_name(rouge_type)


def describe(rouge_type: str) -> str:
    n = ngram_order(rouge_type)
    if n is not None:
        return f"ROUGE-{n}: overlap of {n}-grams"
    if rouge_type == "rougeL":
        return "ROUGE-L: longest common subsequence over the whole text"
    return "ROUGE-Lsum: summary-level union LCS over sentences (texts split by the shared sentence splitter)"
