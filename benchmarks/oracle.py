"""Benchmark: the greedy extractive oracle, compiled kernel against the pure-Python loop.

    python benchmarks/oracle.py [--data ../shared/data/bbc_2004_2005.jsonl] [--limit N] [--repeats 3]

Runs ``oracle`` (default settings: 1 sentence for headlines, 2 for standfirsts)
over every BBC article for both targets, as ``bench run`` calls it, once with
the compiled kernel and once on the pure-Python path (the loop the oracle had
before the kernel; HEADLINE_BENCH_KERNEL=python), each with a fresh summarizer
(nothing cached), sentence splitting and tokenizing included. Prints JSON: the
median seconds of each, the ratio, and whether every output is the same.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "bbc_2004_2005.jsonl"
TARGETS = ("headline", "standfirst")


def run_once(articles: list, implementation: str) -> tuple[float, dict[str, list[str]]]:
    from bench.kernel import ENV
    from bench.summarizers.oracle import OracleSettings, OracleSummarizer

    previous = os.environ.get(ENV)
    os.environ[ENV] = "python" if implementation == "python" else "auto"
    try:
        oracle = OracleSummarizer(OracleSettings(name="oracle", type="oracle"))
        started = time.perf_counter()
        outputs = {target: oracle.summarize(articles, target) for target in TARGETS}
        return time.perf_counter() - started, outputs
    finally:
        if previous is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = previous


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="first N articles (default: all)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from bench.api.article import Article
    from bench.kernel import implementation

    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[: args.limit] if args.limit else rows
    articles = [Article(id=str(r["id"]), headline=r["headline"], standfirst=r["standfirst"], body=r["body"])
                for r in rows]
    if implementation() != "c":
        raise SystemExit("the compiled kernel is not built here: nothing to compare")
    seconds: dict[str, list[float]] = {"c": [], "python": []}
    outputs: dict[str, dict] = {}
    for _ in range(args.repeats):
        for impl in ("python", "c"):
            took, outputs[impl] = run_once(articles, impl)
            seconds[impl].append(took)
    median = {impl: float(np.median(runs)) for impl, runs in seconds.items()}
    print(json.dumps({
        "articles": len(articles),
        "targets": list(TARGETS),
        "python_s": round(median["python"], 3),
        "kernel_s": round(median["c"], 3),
        "runs_s": {impl: [round(r, 3) for r in runs] for impl, runs in seconds.items()},
        "speedup": round(median["python"] / median["c"], 1),
        "same_outputs": outputs["python"] == outputs["c"],
        "load_average": os.getloadavg(),
    }, indent=2))


if __name__ == "__main__":
    main()
