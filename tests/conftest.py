"""Shared fixtures. Tests never reach the network; real data comes from ../shared/data,
made-up articles for tests that do not need real ones from tests/news_fixture.py."""

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


@pytest.fixture(autouse=True)
def _isolated_prediction_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test (and the `bench` processes it starts) gets its own empty
    prediction cache, never the user's ~/.cache/headline-bench."""
    monkeypatch.setenv("HEADLINE_BENCH_CACHE", str(tmp_path_factory.mktemp("prediction-cache")))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data beside the checkout, or a skip that says why."""
    if not (SHARED_DATA / "bbc_2004_2005.jsonl").is_file():
        pytest.skip(f"real news data not found at {SHARED_DATA} (it lives beside the checkout, never in it)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def news_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """400 made-up news articles as JSONL (tests/news_fixture.py), for tests
    that need a realistic dataset but not the real one."""
    from news_fixture import write_news_jsonl

    return write_news_jsonl(tmp_path_factory.mktemp("news") / "news.jsonl", 400)


@pytest.fixture(scope="session")
def tiny_seq2seq_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random T5 saved locally (tests/tiny_models.py), built once per session."""
    from tiny_models import build_tiny_seq2seq

    return build_tiny_seq2seq(tmp_path_factory.mktemp("tiny-t5"), "t5")


@pytest.fixture(scope="session")
def tiny_causal_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random GPT-2 (no chat template) saved locally, built once per session."""
    from tiny_models import build_tiny_causal

    return build_tiny_causal(tmp_path_factory.mktemp("tiny-gpt2"))
