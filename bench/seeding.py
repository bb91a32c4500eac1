"""Seeding the global generators, shared by the runner and every engine's workers,
so a summarizer starts from the same state wherever it is built."""

from __future__ import annotations

import os
import random
import sys


def seed_everything(seed: int) -> dict[str, int | str | None]:
    """Seed Python's and NumPy's global generators, and torch's when torch is
    already loaded (a baseline-only run never imports it). Returns what was
    seeded, for the run record. Summarizers also get the seed directly and
    should seed their own generators from it."""
    import numpy

    random.seed(seed)
    numpy.random.seed(seed % 2**32)
    seeded: dict[str, int | str | None] = {"python": seed, "numpy": seed % 2**32, "torch": None}
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)  # also seeds every CUDA device
        seeded["torch"] = seed
    seeded["pythonhashseed"] = os.environ.get("PYTHONHASHSEED")
    return seeded
