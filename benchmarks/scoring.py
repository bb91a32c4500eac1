"""Benchmark: headline-bench's fast ROUGE against the scorers a user would pick instead.

    python benchmarks/scoring.py [--data ../shared/data/xsum_test_outputs] [--limit N]
                                 [--repeats 3] [--cores 1,2] [--tools ...]

The XSum official outputs (5 systems x 11,334 pairs), scored by every tool on the
same pairs, from the raw texts: preparation (sentence splitting for rougeLsum,
tokenizing, stemming) is counted for everyone. Two settings:

- ``stem-4types``: rouge1, rouge2, rougeL, rougeLsum with Porter stemming;
  rougeLsum on sentence-split text. Peers get their sentences from our splitter
  (the fastest there is, and the same sentences), timed as theirs.
- ``nostem-3types``: rouge1, rouge2, rougeL without stemming, the subset
  ``rouge-rust`` supports.

Each measurement runs in a fresh process pinned to 1 or 2 cores (cold: no
stems or caches carried over; Rust thread pools sized to the cores), the median
of ``--repeats`` runs counts (one run for rouge-score, which takes a minute);
the core counts take turns run by run.
The clock runs from the raw texts to each tool's own native output (columns, or
score objects, not converted); scorer objects are made before it. rouge-score on two cores is a two-process pool, as a user would run
it. Every tool's numbers are checked pair by pair against rouge-score's.

Prints JSON keyed by package name: pairs/s on each core count, our speed-up over
each peer, the two-core scaling, the largest difference from rouge-score, and the
time of the bootstrap CIs and paired tests for 5 systems x 11,334 articles x 4
metrics (1,000 resamples). On a shared machine say so: figures are "under load",
and two cores only scale when two cores are free. ``cpu_s`` (ours: CPU seconds of
every thread and child) and ``two_core_cpu_over_one`` (the CPU time two cores
spend over what one spends: work done twice, and waits) say what a quiet machine
would show.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SYSTEMS = ("lead", "ext-oracle", "ptgen", "convs2s", "topic-convs2s")
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "xsum_test_outputs"
SETTINGS = {
    "stem-4types": {"types": ["rouge1", "rouge2", "rougeL", "rougeLsum"], "stem": True},
    "nostem-3types": {"types": ["rouge1", "rouge2", "rougeL"], "stem": False},
}
OURS = "headline-bench"
OURS_PYTHON = "headline-bench (pure Python)"
TOOLS = (OURS, OURS_PYTHON, "rouge-score-rs", "rouge-rust", "rouge-score")
REFERENCE = "rouge-score"


def read_lines(path: Path, limit: int | None) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines[:limit] if limit else lines


def load_pairs(data: Path, limit: int | None) -> tuple[list[str], list[str]]:
    gold = read_lines(data / "gold-test-sentences.txt", limit)
    preds: list[str] = []
    refs: list[str] = []
    for system in SYSTEMS:
        preds += read_lines(data / f"{system}-test-output.txt", limit)
        refs += gold  # the same reference objects for every system, as bench run has them
    return preds, refs


# ----- one measurement, in its own process ------------------------------------------
def supports(tool: str, setting: str) -> bool:
    return not (tool == "rouge-rust" and SETTINGS[setting]["stem"])


class Clock:
    """Wall seconds and CPU seconds (this process's threads; the processes it forked)."""

    def start(self) -> None:
        self.wall, self.own, self.children = time.perf_counter(), _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)

    def stop(self) -> float:
        self.wall = time.perf_counter() - self.wall
        self.own = _cpu(resource.RUSAGE_SELF) - self.own
        self.children = _cpu(resource.RUSAGE_CHILDREN) - self.children
        return self.wall


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


CLOCK = Clock()


def measure(tool: str, setting: str, cores: int, preds: list[str], refs: list[str]) -> tuple[float, np.ndarray]:
    """Seconds to score every pair with ``tool`` (preparation included) and the scores
    as a (pairs x types x 3) array (converted after the clock stops). Each tool's
    scorer object and its input lists are made before the clock starts (building
    56,670 small lists can set off a full garbage collection that is no one's scoring)."""
    types, stem = SETTINGS[setting]["types"], SETTINGS[setting]["stem"]
    if tool in (OURS, OURS_PYTHON):
        from bench.metrics.fast_rouge import FastRougeScorer

        implementation = "c" if tool == OURS else "python"
        scorer = FastRougeScorer(types, use_stemmer=stem, workers=cores, implementation=implementation)
        reference_lists = [[r] for r in refs]
        CLOCK.start()
        scores = scorer.score_arrays(preds, reference_lists)
        seconds = CLOCK.stop()
        return seconds, np.stack([scores[t] for t in types], axis=1)
    if tool == "rouge-rust":
        import fast_rouge

        CLOCK.start()
        result = fast_rouge.score_batch_flat(refs, preds)
        seconds = CLOCK.stop()
        columns = [getattr(result, f"{t}_{k}") for t in types for k in ("precision", "recall", "fmeasure")]
        return seconds, np.array(columns).T.reshape(len(preds), len(types), 3)
    if tool == "rouge-score-rs":
        import rouge_score_rs

        scorer = rouge_score_rs.RougeScorer(types, use_stemmer=stem)
        CLOCK.start()
        targets, predictions = _prepared(preds, refs, "rougeLsum" in types)
        result = scorer.score_batch(targets, predictions)
    else:
        CLOCK.start()
        targets, predictions = _prepared(preds, refs, "rougeLsum" in types)
        result = _rouge_score(types, stem, targets, predictions, cores)
    seconds = CLOCK.stop()
    return seconds, np.array([[[s[t].precision, s[t].recall, s[t].fmeasure] for t in types] for s in result])


def _prepared(preds: list[str], refs: list[str], split: bool) -> tuple[list[str], list[str]]:
    """The peers' input: for rougeLsum, each distinct text split into sentence lines once."""
    if not split:
        return refs, preds
    from bench.kernel.sentences import sentence_lines

    distinct = list(dict.fromkeys(refs + preds))
    lines = dict(zip(distinct, sentence_lines(distinct)))
    return [lines[r] for r in refs], [lines[p] for p in preds]


_RS_JOB: tuple | None = None


def _rouge_score(types: list[str], stem: bool, targets: list[str], predictions: list[str], cores: int) -> list:
    global _RS_JOB
    _RS_JOB = (types, stem, targets, predictions)
    if cores == 1:
        return _rouge_score_chunk((0, len(targets)))
    import multiprocessing

    bounds = np.linspace(0, len(targets), cores * 8 + 1).astype(int)
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        parts = pool.map(_rouge_score_chunk, list(zip(bounds, bounds[1:])))
    return [s for part in parts for s in part]


def _rouge_score_chunk(span: tuple[int, int]) -> list:
    from rouge_score import rouge_scorer

    types, stem, targets, predictions = _RS_JOB
    scorer = rouge_scorer.RougeScorer(types, use_stemmer=stem)
    return [scorer.score(t, p) for t, p in zip(targets[span[0]:span[1]], predictions[span[0]:span[1]])]


def worker_main(args: argparse.Namespace) -> None:
    os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[: args.cores]))
    preds, refs = load_pairs(args.data, args.limit)
    seconds, scores = measure(args.tool, args.setting, args.cores, preds, refs)
    extra = {"cpu_s": CLOCK.own, "children_cpu_s": CLOCK.children}
    np.save(args.save, scores)
    if args.tool in (OURS, OURS_PYTHON):
        from bench.kernel import implementation

        extra["kernel"] = implementation() if args.tool == OURS else "python"
    print(json.dumps({"seconds": seconds, "pairs": len(preds), **extra}))


def run_one(args: argparse.Namespace, tool: str, setting: str, cores: int, save: Path) -> dict:
    env = dict(os.environ, RAYON_NUM_THREADS=str(cores), OMP_NUM_THREADS=str(cores),
               OPENBLAS_NUM_THREADS=str(cores), HF_HUB_OFFLINE="1")
    command = [sys.executable, __file__, "--worker", "--tool", tool, "--setting", setting,
               "--cores", str(cores), "--save", str(save), "--data", str(args.data)]
    if args.limit:
        command += ["--limit", str(args.limit)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{tool} {setting} on {cores} core(s) failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----- the statistics goal ------------------------------------------------------------
def statistics_seconds(data: Path, limit: int | None, repeats: int) -> dict:
    """Bootstrap CIs (every P/R/F column) of 5 systems plus the paired bootstrap tests on
    the 4 F1 columns, as a run computes them, on real scores; the median of ``repeats``."""
    from bench.metrics import significance
    from bench.metrics.aggregate import aggregate_matrix
    from bench.metrics.fast_rouge import FastRougeScorer
    from bench.metrics.significance import paired_tests

    preds, refs = load_pairs(data, limit)
    types = SETTINGS["stem-4types"]["types"]
    scores = FastRougeScorer(types).score_arrays(preds, [[r] for r in refs])
    n = len(preds) // len(SYSTEMS)
    columns = [f"{t}.{k}" for t in types for k in "prf"]
    matrices = {s: np.concatenate([scores[t][k * n:(k + 1) * n] for t in types], axis=1)
                for k, s in enumerate(SYSTEMS)}
    f_columns = [c for c in columns if c.endswith(".f")]
    runs = []
    for _ in range(repeats):
        significance._one_block.cache_clear()  # cold: a run draws the resample counts once per target
        started = time.perf_counter()
        for matrix in matrices.values():
            aggregate_matrix(matrix, columns, 1000, 1234)
        paired_tests({s: m[:, [columns.index(c) for c in f_columns]] for s, m in matrices.items()},
                     f_columns, "bootstrap", 1000, 1234)
        runs.append(time.perf_counter() - started)
    return {"seconds": round(float(np.median(runs)), 3), "runs": [round(r, 3) for r in runs],
            "shape": {"systems": len(SYSTEMS), "articles": n, "metrics": len(types), "resamples": 1000}}


# ----- the whole benchmark ------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="first N pairs per system (default: all)")
    parser.add_argument("--repeats", type=int, default=7, help="runs per fast measurement (median counts)")
    parser.add_argument("--cores", default="1,2", help="core counts to measure, e.g. 1,2")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated, from: " + ", ".join(TOOLS))
    parser.add_argument("--settings", default=",".join(SETTINGS), help="comma-separated: " + ", ".join(SETTINGS))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tool", help=argparse.SUPPRESS)
    parser.add_argument("--setting", help=argparse.SUPPRESS)
    parser.add_argument("--save", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.cores = int(args.cores)
        worker_main(args)
        return
    tools = [t for t in args.tools.split(",") if t]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools {sorted(unknown)}")
    available = len(os.sched_getaffinity(0))
    cores = [c for c in map(int, args.cores.split(",")) if c <= available]
    report: dict = {"cpu_count": os.cpu_count(), "cores_measured": cores, "load_average_start": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        for setting in args.settings.split(","):
            report[setting] = _setting_report(args, setting, tools, cores, Path(tmp))
    report["statistics"] = statistics_seconds(args.data, args.limit, args.repeats)
    report["load_average_end"] = os.getloadavg()
    print(json.dumps(report, indent=2))


def _setting_report(args: argparse.Namespace, setting: str, tools: list[str], cores: list[int], tmp: Path) -> dict:
    block: dict = {"rouge_types": SETTINGS[setting]["types"], "stemming": SETTINGS[setting]["stem"],
                   "pairs_per_s": {}, "seconds": {}, "max_abs_diff_vs_rouge_score": {}}
    scores: dict[str, Path] = {}
    pairs = 0
    for tool in [t for t in tools if supports(t, setting)]:
        runs: dict[int, list[float]] = {n: [] for n in cores}
        cpu: dict[int, list[float]] = {n: [] for n in cores}
        # The core counts take turns, run by run, so a machine whose speed drifts
        # (other tenants, clocks) weighs on every core count alike.
        for k in range(1 if tool == REFERENCE else args.repeats):
            for n in cores:
                save = tmp / f"{setting}-{tool.replace(' ', '_')}-{n}-{k}.npy"
                result = run_one(args, tool, setting, n, save)
                runs[n].append(result["seconds"])
                cpu[n].append(result["cpu_s"] + result["children_cpu_s"])
                pairs = result["pairs"]
                scores.setdefault(tool, save)
                if "kernel" in result:
                    block.setdefault("kernel", {})[tool] = result["kernel"]
        for n in cores:
            seconds = float(np.median(runs[n]))
            block["seconds"].setdefault(tool, {})[str(n)] = {"median": round(seconds, 3),
                                                            "runs": [round(r, 3) for r in runs[n]]}
            if tool == OURS:  # CPU seconds of every thread of the process, and of any child
                block.setdefault("cpu_s", {})[str(n)] = round(float(np.median(cpu[n])), 3)
            block["pairs_per_s"].setdefault(tool, {})[str(n)] = round(pairs / seconds)
    block["pairs"] = pairs
    if REFERENCE in scores:
        expected = np.load(scores[REFERENCE])
        for tool, path in scores.items():
            if tool != REFERENCE:
                got = np.load(path)
                block["max_abs_diff_vs_rouge_score"][tool] = float(np.abs(got - expected).max())
                block.setdefault("pairs_differing_from_rouge_score", {})[tool] = int(
                    (np.abs(got - expected).max(axis=(1, 2)) > 0).sum())
    rate = block["pairs_per_s"]
    if OURS in rate:
        block["speedup_of_headline_bench_over"] = {
            peer: {n: round(rate[OURS][n] / rate[peer][n], 2) for n in rate[OURS] if n in rate[peer]}
            for peer in rate if peer != OURS}
        if "1" in rate[OURS] and "2" in rate[OURS]:
            block["two_core_scaling"] = {tool: round(rate[tool]["2"] / rate[tool]["1"], 2)
                                         for tool in rate if "1" in rate[tool] and "2" in rate[tool]}
            cpu_s = block["cpu_s"]
            block["two_core_cpu_over_one"] = {OURS: round(cpu_s["2"] / cpu_s["1"], 2)}
    return block


if __name__ == "__main__":
    main()
