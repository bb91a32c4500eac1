"""How well the faithfulness metric tells real references from ones with a
swapped number or name, how often it flags real references, and how fast it is.

    python benchmarks/faithfulness.py [--data ../shared/data] [--seed 0]

For each corpus of the shared data: the references (headline and standfirst)
as they are, plus one number swap and one name swap per reference where the
reference has one (``bench.metrics.faithfulness.perturb``: swapped for a
number or name from another article of the corpus that the body does not
contain). Reported, per corpus and overall:

- ``false_alarm``: share of the real references flagged (anything unsupported).
  Real references do state things their body does not (BBC and Wikinews
  standfirsts are the article's first paragraph, which the body does not
  repeat), so this is an upper bound on the checker's own error;
- ``detected``: share of perturbed references flagged at all, and ``at_span``:
  flagged at the swapped span itself;
- ``balanced_accuracy``: (detected + (1 - false_alarm on the same originals)) / 2
  over the originals that have a perturbed twin, and ``balanced_accuracy_at_span``
  counting a perturbed text as caught only when the swapped span is flagged;
- ``pairs_more_flagged``: share of (original, perturbed) pairs where the
  perturbed text has more unsupported spans than its original: how well the
  swap itself is seen, whatever the original already has;
- ``outputs_per_s``: checks per second on one core, every body new to the
  checker (the worst case: a run that checks several systems per article
  reuses each body's index).

The peer is a plain string checker on the same samples: a digit token or a
mid-sentence capitalised word of the output that is not a substring of the body
is flagged (no normalisation, no name rules).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Callable

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from bench.api.metric import ScoreItem  # noqa: E402
from bench.metrics.faithfulness import FaithfulnessMetric, FaithfulnessSettings  # noqa: E402
from bench.metrics.faithfulness.check import BodyEvidence, check  # noqa: E402
from bench.metrics.faithfulness.perturb import Sample, build  # noqa: E402

CORPORA = {
    "bbc": "bbc_2004_2005.jsonl",
    "xsum": "xsum_test_subset.jsonl",
    "wikinews_en": "wikinews_en.jsonl",
    "wikinews_2019_2020": "wikinews_2019_2020.jsonl",
}
Flags = Callable[[Sample], list[tuple[int, int]]]


def metric_flags(sample: Sample) -> list[tuple[int, int]]:
    report = check(sample.text, BodyEvidence(sample.body))
    return [(f.start, f.end) for f in report.findings]


_PLAIN = re.compile(r"(?<![\w.,])[£$€]?\d[\d,.]*\d?%?|(?<=[a-z,] )[A-Z][\w'’-]+")


def string_flags(sample: Sample) -> list[tuple[int, int]]:
    """The peer: tokens that are not substrings of the body, as they stand."""
    return [(m.start(), m.end()) for m in _PLAIN.finditer(sample.text) if m.group(0) not in sample.body]


def _overlaps(spans: list[tuple[int, int]], target: tuple[int, int]) -> bool:
    return any(start < target[1] and target[0] < end for start, end in spans)


def evaluate(samples: list[Sample], flags: Flags) -> dict[str, float | int]:
    """False alarms on originals, detection of swaps, balanced accuracy over paired originals."""
    found = {id(s): flags(s) for s in samples}
    originals = {(s.article_id, s.target): s for s in samples if s.kind == "original"}
    perturbed = [s for s in samples if s.kind != "original"]
    flagged = {key: bool(found[id(s)]) for key, s in originals.items()}
    paired = {(s.article_id, s.target) for s in perturbed}
    result: dict[str, float | int] = {
        "originals": len(originals),
        "false_alarm": _share(flagged.values()),
        "perturbed": len(perturbed),
    }
    for kind in ("number", "name", "all"):
        chosen = [s for s in perturbed if kind in ("all", s.kind)]
        if not chosen:
            continue
        prefix = "" if kind == "all" else f"{kind}_"
        detected = _share(bool(found[id(s)]) for s in chosen)
        at_span = _share(_overlaps(found[id(s)], s.swapped) for s in chosen if s.swapped)
        result[f"{prefix}detected"] = detected
        result[f"{prefix}at_span"] = at_span
        if kind == "all":
            count = {key: len(found[id(s)]) for key, s in originals.items()}
            result["pairs_more_flagged"] = _share(len(found[id(s)]) > count[(s.article_id, s.target)] for s in chosen)
            clean = 1 - _share(flagged[key] for key in paired)
            result["false_alarm_paired"] = 1 - clean
            result["balanced_accuracy"] = (detected + clean) / 2
            result["balanced_accuracy_at_span"] = (at_span + clean) / 2
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}


def _share(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def throughput(samples: list[Sample], flags: Flags, repeat: int = 3) -> dict[str, float]:
    """Checks per second of wall time and of this process's CPU time (less sensitive to a
    busy machine), best of ``repeat`` passes; each body indexed afresh for each check."""
    wall, cpu = float("inf"), float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        for sample in samples:
            flags(sample)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return {"wall": round(len(samples) / wall, 1), "cpu": round(len(samples) / cpu, 1)}


def metric_throughput(samples: list[Sample], repeat: int = 3) -> dict[str, float]:
    """``FaithfulnessMetric.score`` on every sample in one call, a new metric (empty caches) per pass."""
    items = [ScoreItem(f"{i}", s.target, s.text, (), s.body) for i, s in enumerate(samples)]
    wall, cpu = float("inf"), float("inf")
    for _ in range(repeat):
        metric = FaithfulnessMetric(FaithfulnessSettings())
        start, start_cpu = time.perf_counter(), time.process_time()
        metric.score(items)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return {"wall": round(len(items) / wall, 1), "cpu": round(len(items) / cpu, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=PROJECT.parent / "shared" / "data")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    report: dict = {"seed": args.seed, "corpora": {}}
    everything: list[Sample] = []
    for name, filename in CORPORA.items():
        path = args.data / filename
        if not path.is_file():
            report["corpora"][name] = {"skipped": f"{path} not found"}
            continue
        articles = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        samples = build(articles, seed=args.seed)
        everything += samples
        report["corpora"][name] = {
            "articles": len(articles),
            "faithfulness": evaluate(samples, metric_flags),
            "string_match_peer": evaluate(samples, string_flags),
            "false_alarm_by_target": {
                target: evaluate([s for s in samples if s.target == target], metric_flags)["false_alarm"]
                for target in ("headline", "standfirst")
            },
        }
    report["all"] = {"faithfulness": evaluate(everything, metric_flags), "string_match_peer": evaluate(everything, string_flags)}
    speed = throughput(everything, metric_flags)
    report["speed"] = {
        "samples": len(everything),
        "outputs_per_s_fresh_body": speed,
        "outputs_per_s_metric": metric_throughput(everything),
        "string_match_peer_outputs_per_s": throughput(everything, string_flags),
        "note": "one core; fresh_body indexes the body afresh for every output (worst case); metric is "
        "FaithfulnessMetric.score over all samples at once, each body indexed once and reused by the "
        f"{len(everything) / len({s.body for s in everything}):.1f} outputs per body of this set",
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
