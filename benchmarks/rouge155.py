"""Benchmark: the ROUGE-1.5.5 mode against the real Perl script on the XSum official outputs.

    python benchmarks/rouge155.py [--data ../shared/data/xsum_test_outputs] [--limit N] [--runs 3]

Both score the five systems x 11,334 pairs with ROUGE-1, ROUGE-2, ROUGE-L and
ROUGE-SU4, stemming on (``-c 95 -r 1000 -n 2 -m -2 4 -u``): the script once
per system, as a user runs it (one settings XML per system, ``-d`` for the
per-document scores; writing its input files is not timed), this mode from
cold (a new scorer, so every word is stemmed again) with all systems in one
batch, per-document scores plus the script's bootstrap averages; the median
of ``--runs`` runs counts. Prints JSON: both times (wall and CPU), their
ratio, and how many per-document scores and averages differ from the
script's (the goal: none).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

SYSTEMS = ("lead", "ext-oracle", "ptgen", "convs2s", "topic-convs2s")
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "xsum_test_outputs"
SETTINGS = dict(n=2, stem=True, skip_distance=4, skip_unigrams="only")


def read_lines(path: Path, limit: int | None) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines[:limit] if limit else lines


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ours_once(options, outputs: dict[str, list[str]], gold: list[str], ids: list[str]):
    from bench.metrics.rouge155 import Rouge155Scorer
    from bench.metrics.rouge155.bootstrap import script_averages

    import numpy as np

    wall, cpu = time.perf_counter(), time.process_time()
    scorer = Rouge155Scorer(options)
    predictions = [text for system in SYSTEMS for text in outputs[system]]
    units = scorer.score_units(predictions, [[g] for g in gold] * len(SYSTEMS))
    n = len(gold)
    per_system = {}
    for k, system in enumerate(SYSTEMS):
        table = {name: values[k * n : (k + 1) * n] for name, values in units.items()}
        columns = np.concatenate(list(table.values()), axis=1)
        averages = script_averages(columns, ids, options.resamples, options.confidence)
        per_system[system] = (table, {name: averages[3 * j : 3 * j + 3] for j, name in enumerate(table)})
    return time.perf_counter() - wall, time.process_time() - cpu, per_system


def mismatches(perl, table, averages, ids) -> tuple[int, int]:
    documents = average = 0
    for name, units in table.items():
        printed = perl.per_document[name]
        for doc, row in zip(ids, units.tolist()):
            documents += tuple(f"{v / 100000:.5f}" for v in row) != printed[doc]
        for column, value in zip("RPF", averages[name]):
            mine = (f"{value.mean:.5f}", f"{value.ci_low:.5f}", f"{value.ci_high:.5f}")
            average += mine != perl.averages[name][column]
    return documents, average


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="first N pairs per system (default: all)")
    parser.add_argument("--runs", type=int, default=3, help="cold runs of this mode; the median counts")
    args = parser.parse_args()

    from bench.metrics.rouge155 import Rouge155Options
    from bench.metrics.rouge155.perl import run_script

    options = Rouge155Options(**SETTINGS)
    gold = read_lines(args.data / "gold-test-sentences.txt", args.limit)
    outputs = {s: read_lines(args.data / f"{s}-test-output.txt", args.limit) for s in SYSTEMS}
    ids = [str(k) for k in range(1, len(gold) + 1)]

    runs = [ours_once(options, outputs, gold, ids) for _ in range(args.runs)]
    ours_wall = statistics.median(r[0] for r in runs)
    ours_cpu = statistics.median(r[1] for r in runs)

    perl_wall = perl_cpu = 0.0
    documents = averages = 0
    with tempfile.TemporaryDirectory() as tmp:
        for system in SYSTEMS:
            before = children_cpu()
            perl = run_script(ids, outputs[system], [[g] for g in gold], options, workdir=Path(tmp))
            perl_wall += perl.seconds
            perl_cpu += children_cpu() - before
            table, average = runs[0][2][system]
            d, a = mismatches(perl, table, average, ids)
            documents += d
            averages += a
    print(json.dumps({
        "pairs": len(gold) * len(SYSTEMS),
        "types": options.score_types(),
        "script_args": " ".join(options.script_args()),
        "perl_s": round(perl_wall, 2),
        "perl_cpu_s": round(perl_cpu, 2),
        "ours_s": round(ours_wall, 3),
        "ours_cpu_s": round(ours_cpu, 3),
        "ours_runs_s": [round(r[0], 3) for r in runs],
        "ratio": round(perl_wall / ours_wall, 1),
        "ratio_cpu": round(perl_cpu / ours_cpu, 1),
        "per_document_mismatches": documents,
        "average_mismatches": averages,
        "load_average": os.getloadavg(),
    }, indent=2))


if __name__ == "__main__":
    main()
