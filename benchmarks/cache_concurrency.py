"""Two (or more) processes writing one prediction cache at the same time.

Each writer stores ``--records`` predictions in batches of ``--batch`` (one
transaction each, as a run does), half under keys every writer also writes
(two runs of one config) and half under keys of its own; readers look keys up
in between. Afterwards the cache must hold exactly the expected keys, each with
its expected text, and pass SQLite's integrity check.

    python benchmarks/cache_concurrency.py [--writers 2] [--records 20000] [--batch 16]

Prints one JSON object: records, lost, wrong, integrity, seconds, records_per_s.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import tempfile
import time
from pathlib import Path


def expected_text(key: str) -> str:
    return f"prediction for {key} " * 3


def keys_for(writer: int, records: int) -> list[str]:
    shared = [f"shared-{i}" for i in range(records // 2)]
    own = [f"w{writer}-{i}" for i in range(records - records // 2)]
    # Interleave so the writers hit the shared keys at the same moments.
    return [k for pair in zip(shared, own) for k in pair] + own[len(shared):]


def write(directory: str, writer: int, records: int, batch: int, start: float) -> int:
    from bench.cache import PredictionCache

    while time.time() < start:  # start together
        time.sleep(0.001)
    keys = keys_for(writer, records)
    with PredictionCache(Path(directory)) as cache:
        for i in range(0, len(keys), batch):
            chunk = keys[i : i + batch]
            cache.get_many(chunk)
            cache.put_many([(k, expected_text(k)) for k in chunk], "benchmark")
    return len(keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=16)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cache-concurrency-") as directory:
        start = time.time() + 1.0
        context = multiprocessing.get_context("spawn")
        with context.Pool(args.writers) as pool:
            written = pool.starmap(
                write, [(directory, w, args.records, args.batch, start) for w in range(args.writers)]
            )
        seconds = time.time() - start  # from the common start, not the process spawns

        from bench.cache import PredictionCache

        expected = {k for w in range(args.writers) for k in keys_for(w, args.records)}
        with PredictionCache(Path(directory)) as cache:
            found = cache.get_many(sorted(expected))
            records = cache.info()["records"]
            integrity = cache.integrity()
        print(json.dumps({
            "store": "sqlite-wal",
            "writers": args.writers,
            "batch": args.batch,
            "writes": sum(written),
            "records": records,
            "expected_records": len(expected),
            "lost": len(expected - set(found)),
            "wrong": sum(1 for k, v in found.items() if v != expected_text(k)),
            "integrity": integrity,
            "seconds": round(seconds, 2),
            "records_per_s": round(sum(written) / seconds),
        }))


if __name__ == "__main__":
    main()
