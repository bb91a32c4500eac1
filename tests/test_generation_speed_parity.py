"""Fast generation must not change what is generated: batched (sorted, padded,
any batch size) greedy outputs equal one-article-at-a-time outputs. No timing
asserts here; benchmarks/generation.py measures speed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.api.article import Source
from bench.engines.local import build_summarizer
from tiny_models import build_tiny_causal, build_tiny_seq2seq

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def articles(news_jsonl: Path) -> list[Source]:
    rows = [json.loads(line) for line in news_jsonl.open()][:8]
    # Mixed lengths, so batches need padding and sorting changes the order.
    return [Source(r["id"], r["body"] if i % 2 else r["body"][:300]) for i, r in enumerate(rows)]


def settings_for(kind: str, folder: Path) -> dict:
    if kind == "causal-chat":
        path = build_tiny_causal(folder, chat_template=True)
        return {"type": "hf-causal", "model": str(path), "first_line": False, "max_input_tokens": 200}
    path = build_tiny_seq2seq(folder, kind)
    return {"type": "hf-seq2seq", "model": str(path), "prompts": "Summarize: {body}"}


@pytest.mark.parametrize("kind", ["t5", "bart", "causal-chat"])
def test_batched_equals_unbatched_under_greedy(kind, articles, tmp_path):
    base = {"name": kind, "generation": {"max_new_tokens": 8, "do_sample": False}, **settings_for(kind, tmp_path)}
    one_by_one = build_summarizer({**base, "batch_size": 1}, seed=0)
    expected = [one_by_one.summarize([a], "headline")[0] for a in articles]
    assert len(set(expected)) > 1, "the tiny model ignores its input; parity would be trivial"
    for batch_size in (3, "auto"):
        batched = build_summarizer({**base, "batch_size": batch_size}, seed=0)
        assert batched.summarize(articles, "headline") == expected


def test_benchmark_reports_parity_and_speed(news_jsonl):
    done = subprocess.run(
        [sys.executable, str(PROJECT / "benchmarks" / "generation.py"), "--articles", "4", "--max-new-tokens", "6",
         "--run-batch", "4", "--repeats", "1", "--data", str(news_jsonl)],
        capture_output=True, text=True, timeout=300, check=True,
    )
    result = json.loads(done.stdout)
    assert result["articles"] == 4 and result["outputs_identical"] is True and result["differing"] == 0
    assert result["baseline_articles_per_s"] > 0 and result["harness_articles_per_s"] > 0
    assert result["ratio"] == pytest.approx(result["harness_articles_per_s"] / result["baseline_articles_per_s"], rel=0.05)
