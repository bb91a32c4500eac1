"""Benchmark: the fast ROUGE scorer against rouge-score on the XSum official outputs.

    python benchmarks/scoring.py [--data ../shared/data/xsum_test_outputs] [--limit N]

Both scorers get the same prepared text (sentence lines, as the harness makes
it; preparation is timed apart) and compute rouge1, rouge2, rougeL, rougeLsum
with Porter stemming for 5 systems x 11,334 pairs. rouge-score runs once (about
a minute); the fast scorer runs three times from cold and its median counts.
Prints JSON: pairs/s of each, their ratio, the largest absolute difference over
every pair, type and P/R/F, and the time of the paired significance tests
(1,000 resamples, 4 metrics, 5 systems, both methods).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

SYSTEMS = ("lead", "ext-oracle", "ptgen", "convs2s", "topic-convs2s")
TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
FAST_RUNS = 3
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "xsum_test_outputs"


def read_lines(path: Path, limit: int | None) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines[:limit] if limit else lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="first N pairs per system (default: all)")
    args = parser.parse_args()

    from rouge_score import rouge_scorer

    from bench.metrics.fast_rouge import FastRougeScorer
    from bench.metrics.rouge import sentence_lines
    from bench.metrics.significance import paired_tests

    gold = read_lines(args.data / "gold-test-sentences.txt", args.limit)
    outputs = {s: read_lines(args.data / f"{s}-test-output.txt", args.limit) for s in SYSTEMS}
    started = time.perf_counter()
    prepared: dict[str, str] = {}
    for text in gold + [t for texts in outputs.values() for t in texts]:
        if text not in prepared:
            prepared[text] = sentence_lines(text)
    prepare_s = time.perf_counter() - started
    predictions = [prepared[t] for s in SYSTEMS for t in outputs[s]]
    references = [[prepared[t]] for _ in SYSTEMS for t in gold]

    # Each run uses a new, cold scorer (no cached stems); the median of FAST_RUNS
    # runs keeps one scheduling hiccup in a sub-second timing from deciding the ratio.
    fast_runs = []
    for _ in range(FAST_RUNS):
        fast = FastRougeScorer(TYPES, use_stemmer=True, split_sentences=False)
        started = time.perf_counter()
        fast_scores = fast.score_arrays(predictions, references)
        fast_runs.append(time.perf_counter() - started)
    fast_s = float(np.median(fast_runs))

    reference_scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=True)
    started = time.perf_counter()
    slow_scores = [reference_scorer.score(r[0], p) for p, r in zip(predictions, references)]
    slow_s = time.perf_counter() - started

    max_diff = 0.0
    for t in TYPES:
        slow = np.array([[s[t].precision, s[t].recall, s[t].fmeasure] for s in slow_scores])
        max_diff = max(max_diff, float(np.abs(slow - fast_scores[t]).max()))

    n = len(gold)
    per_system = {
        s: np.stack([fast_scores[t][k * n : (k + 1) * n, 2] for t in TYPES], axis=1) for k, s in enumerate(SYSTEMS)
    }
    columns = [f"{t}.f" for t in TYPES]
    timings = {}
    for method in ("bootstrap", "randomization"):
        started = time.perf_counter()
        paired_tests(per_system, columns, method, 1000, 1234)
        timings[method] = round(time.perf_counter() - started, 3)

    pairs = len(predictions)
    print(json.dumps({
        "pairs": pairs,
        "rouge_types": TYPES,
        "stemming": True,
        "cpu_count": os.cpu_count(),
        "fast_workers": fast.workers,
        "prepare_sentence_lines_s": round(prepare_s, 3),
        "rouge_score_s": round(slow_s, 3),
        "fast_s": round(fast_s, 3),
        "fast_runs_s": [round(t, 3) for t in fast_runs],
        "rouge_score_pairs_per_s": round(pairs / slow_s, 1),
        "fast_pairs_per_s": round(pairs / fast_s, 1),
        "speedup": round(slow_s / fast_s, 1),
        "speedup_including_preparation": round((slow_s + prepare_s) / (fast_s + prepare_s), 1),
        "max_abs_diff": max_diff,
        "paired_tests_s": timings,
        "paired_tests_shape": {"resamples": 1000, "articles": n, "metrics": len(TYPES), "systems": len(SYSTEMS)},
    }, indent=2))


if __name__ == "__main__":
    main()
