"""Shared fixtures. Tests never reach the network; real data comes from ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

PROJECT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT.parent / "shared" / "data"
SEEDS = PROJECT / "seeds"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data beside the checkout, or a skip that says why."""
    if not (SHARED_DATA / "bbc_2004_2005.jsonl").is_file():
        pytest.skip(f"real news data not found at {SHARED_DATA} (it lives beside the checkout, never in it)")
    return SHARED_DATA
