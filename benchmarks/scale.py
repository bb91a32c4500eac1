"""Memory and time of ``bench run`` as the corpus grows: 10k, 30k and 100k articles.

The corpus is built from the shared data (../shared/data beside the checkout):
its real articles, copied with new ids, and in each copy the body's paragraphs
rotated so that copies lead with different sentences (and the baselines write
different outputs). Each size runs as its own ``bench run`` process with the
non-oracle baselines of configs/bbc.yaml, and the child's peak resident memory
comes from the kernel (``os.wait4``'s rusage), so nothing of this script counts.
The 100k run is then merged into a leaderboard (JSON, Markdown and HTML), timed
and measured the same way.

    python benchmarks/scale.py [--sizes 10000 30000 100000] [--keep DIR]

Prints one JSON object: per size, peak RSS (MB), wall seconds, seconds per
1,000 articles and the run's own phase timings; the leaderboard's figures; and
``linear``: each size's seconds per article divided by the smallest size's
(1.0 is perfectly linear). The limit asked for is 1.5 GB at 100k articles.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared" / "data"
FILES = ("bbc_2004_2005.jsonl", "xsum_test_subset.jsonl", "wikinews_2019_2020.jsonl", "wikinews_en.jsonl")
SUMMARIZERS = [
    {"name": "lead-1", "type": "lead", "sentences": 1},
    {"name": "lead-2", "type": "lead", "sentences": 2},
    {"name": "lead-words", "type": "lead-words", "max_words": {"headline": 8, "standfirst": 25}},
    {"name": "random", "type": "random", "sentences": 1},
]
LIMIT_MB = 1536


def real_articles() -> list[dict[str, str]]:
    rows = []
    for name in FILES:
        path = SHARED / name
        if not path.is_file():
            sys.exit(f"scale.py: {path} not found; the benchmark builds its corpus from ../shared/data")
        with path.open(encoding="utf-8") as handle:
            rows += [{k: r[k] for k in ("headline", "standfirst", "body")} for r in map(json.loads, handle)]
    return rows


def write_corpus(path: Path, size: int, real: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(size):
            article = real[i % len(real)]
            paragraphs = [p for p in article["body"].split("\n") if p.strip()]
            turn = (i // len(real)) % len(paragraphs)
            body = "\n".join(paragraphs[turn:] + paragraphs[:turn])
            out.write(json.dumps({"id": f"scale-{i:06d}", "headline": article["headline"],
                                  "standfirst": article["standfirst"], "body": body}, ensure_ascii=False) + "\n")


def measured(command: list[str], cwd: Path) -> dict[str, float]:
    """Run ``command``; its wall time and peak RSS (the child's own, from the kernel)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"scale.py: {' '.join(command)} failed ({child.returncode}): {stderr[-2000:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}  # Linux: KiB


def run_size(size: int, real: list[dict[str, str]], folder: Path) -> tuple[dict[str, object], Path]:
    data = folder / f"corpus-{size}.jsonl"
    write_corpus(data, size, real)
    config = folder / f"scale-{size}.yaml"
    config.write_text(yaml.safe_dump({
        "name": f"scale-{size}", "seed": 1234, "dataset": {"source": str(data)},
        "targets": ["headline", "standfirst"], "summarizers": SUMMARIZERS,
        "scoring": {"rouge": ["rouge1", "rouge2", "rougeL", "rougeLsum"], "stemmer": "porter", "bootstrap": 1000},
    }), encoding="utf-8")
    runs = folder / "runs"
    figures = measured([sys.executable, "-m", "bench", "run", str(config), "-o", str(runs), "-q"],
                       PROJECT)
    run_dir = sorted(runs.glob(f"scale-{size}-*"))[-1]
    timings = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))["timings"]
    data.unlink()  # the corpus is no longer needed; keep the disk use down
    return {
        **figures,
        "seconds_per_1000_articles": round(figures["seconds"] / size * 1000, 3),
        "run_timings_s": {k: timings.get(k) for k in ("generation_s", "scoring_s", "total_s")},
        "run_dir_mb": round(sum(p.stat().st_size for p in run_dir.iterdir()) / 2**20, 1),
    }, run_dir


def leaderboard(run_dir: Path, folder: Path) -> dict[str, object]:
    out = folder / "leaderboard.json"
    figures = measured([sys.executable, "-m", "bench", "leaderboard", str(run_dir), "-o", str(out)], PROJECT)
    sizes = {p.suffix.lstrip("."): round(p.stat().st_size / 2**20, 2) for p in folder.glob("leaderboard.*")}
    return {**figures, "file_mb": sizes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--keep", type=Path, default=None, help="keep the runs in this folder")
    args = parser.parse_args()
    real = real_articles()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        env_cache = os.environ.setdefault("HEADLINE_BENCH_CACHE", str(Path(tmp) / "cache"))
        report: dict[str, object] = {"real_articles": len(real), "summarizers": [s["name"] for s in SUMMARIZERS],
                                     "targets": 2, "cpus": os.cpu_count(), "cache_dir": env_cache, "sizes": {}}
        run_dir = None
        for size in sorted(args.sizes):
            report["sizes"][str(size)], run_dir = run_size(size, real, folder)
        smallest = report["sizes"][str(min(args.sizes))]["seconds_per_1000_articles"]
        report["linear"] = {s: round(f["seconds_per_1000_articles"] / smallest, 2) for s, f in report["sizes"].items()}
        largest = report["sizes"][str(max(args.sizes))]
        report["peak_rss_mb_at_largest"] = largest["peak_rss_mb"]
        report["within_limit"] = largest["peak_rss_mb"] <= LIMIT_MB
        report["leaderboard"] = leaderboard(run_dir, folder)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
