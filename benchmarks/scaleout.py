"""Scale-out: articles/s with the local engine against Ray with N workers.

The same real articles, cut into the same jobs (``--batch`` articles per
target), go through ``LocalEngine`` and ``RayEngine`` with a tiny seq2seq model
built on the fly (tests/tiny_models.py, no download); the outputs must be
identical. The ``lead`` baseline (almost no compute) on N and on 4N jobs gives
Ray's overhead per batch (extra wall time per job over the local engine, the
actor start cancelled out) and its fixed overhead per run (starting the actors).

    python benchmarks/scaleout.py                          # tiny T5, 96 XSum articles, 2 workers here
    python benchmarks/scaleout.py --address auto --workers 8 --gpus-per-worker 1 \\
        --model /shared/models/flan-t5-base --articles 2000  # on a running cluster

Prints one JSON object. Ray's wall time includes starting the actors (one model
load each) but not starting Ray itself, reported apart as ``ray_start_s``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests"))  # tiny_models lives with the tests
DATA = PROJECT.parent / "shared" / "data" / "xsum_test_subset.jsonl"


def load_articles(path: Path, n: int) -> list[Any]:
    from bench.api.article import Article

    with path.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for _, line in zip(range(n), lines)]
    return [Article(id=r["id"], body=r["body"], headline=r["headline"], standfirst=r["standfirst"]) for r in rows]


def timed(engine: Any, settings: dict[str, Any], jobs: list[Any]) -> tuple[float, list[Any]]:
    started = time.perf_counter()
    outputs = list(engine.generate(settings, 1234, jobs))
    return time.perf_counter() - started, outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=96)
    parser.add_argument("--batch", type=int, default=8, help="articles per job, as config batch_size")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--address", default=None, help="a running cluster (auto, ray://host:10001); default: a local Ray")
    parser.add_argument("--gpus-per-worker", type=float, default=0)
    parser.add_argument("--model", default=None, help="a local seq2seq folder; default: a tiny T5 built now")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()

    import ray
    import torch

    from bench.api.engine import Job
    from bench.engines.local import LocalEngine
    from bench.engines.ray_engine import RayEngine, RaySettings

    articles = load_articles(args.data, args.articles)
    jobs = [Job(t, articles[i : i + args.batch]) for t in ("headline", "standfirst") for i in range(0, len(articles), args.batch)]
    with tempfile.TemporaryDirectory() as tmp:
        model = args.model
        if model is None:
            from tiny_models import build_tiny_seq2seq

            model = str(build_tiny_seq2seq(Path(tmp) / "tiny-t5"))
        model_settings = {
            "name": "model", "type": "hf-seq2seq", "model": model, "device": args.device,
            "prompts": "Summarize: {body}", "generation": {"max_new_tokens": 24},
        }
        lead_settings = {"name": "lead", "type": "lead"}

        started = time.perf_counter()
        if args.address:
            ray.init(address=args.address, include_dashboard=False, logging_level="WARNING")
        else:
            ray.init(num_cpus=max(os.cpu_count() or 1, args.workers), include_dashboard=False, logging_level="WARNING")
        ray_start = time.perf_counter() - started
        try:
            ray_engine = RayEngine(RaySettings(workers=args.workers, num_gpus_per_worker=args.gpus_per_worker))
            local_s, local_out = timed(LocalEngine(), model_settings, jobs)
            ray_s, ray_out = timed(ray_engine, model_settings, jobs)
            # Overhead: lead on N jobs and on 4N jobs; the difference cancels the actor start.
            many = jobs * 4
            lead_local_s, lead_local = timed(LocalEngine(), lead_settings, jobs)
            lead_ray_s, lead_ray = timed(ray_engine, lead_settings, jobs)
            many_local_s, _ = timed(LocalEngine(), lead_settings, many)
            many_ray_s, _ = timed(ray_engine, lead_settings, many)
            cluster_cpus = ray.cluster_resources().get("CPU", 0)
        finally:
            ray.shutdown()

    n = sum(len(j.articles) for j in jobs)  # article-target pairs
    # Extra wall time per job on Ray, steady state (actor start cancelled out).
    per_batch = ((many_ray_s - lead_ray_s) - (many_local_s - lead_local_s)) / (len(many) - len(jobs))
    print(json.dumps({
        "summaries": n,
        "jobs": len(jobs),
        "batch": args.batch,
        "workers": args.workers,
        "cluster_cpus": cluster_cpus,
        "machine_cpus": os.cpu_count(),
        "local_torch_threads": torch.get_num_threads(),  # Ray workers run 1 thread per CPU they hold
        "model": "tiny-t5 (random weights)" if args.model is None else args.model,
        "identical_outputs": ray_out == local_out and lead_ray == lead_local,
        "ray_start_s": round(ray_start, 2),
        "local": {"wall_s": round(local_s, 2), "summaries_per_s": round(n / local_s, 1)},
        "ray": {"wall_s": round(ray_s, 2), "summaries_per_s": round(n / ray_s, 1)},
        "speedup": round(local_s / ray_s, 2),
        "overhead_per_batch_ms": round(1000 * per_batch, 1),
        "overhead_fixed_s": round(lead_ray_s - lead_local_s - per_batch * len(jobs), 2),
        "lead": {"jobs": [len(jobs), len(many)], "local_s": [round(lead_local_s, 3), round(many_local_s, 3)],
                 "ray_s": [round(lead_ray_s, 2), round(many_ray_s, 2)]},
    }, indent=2))


if __name__ == "__main__":
    main()
