"""The score signature, in the manner of sacreBLEU's: every setting that can
change a number, printed in one string.

Each metric signs its own numbers: its own fields (``Metric.signature()``)
followed by the fields every metric shares (aggregation, interval, seed,
version). ROUGE's signature is the run's historical signature, unchanged:

    rouge:1,2,L,Lsum|tok:rouge-score|stem:porter|lsum-split:bench-rules-2|multiref:max|agg:mean|bs:1000|ci:95|seed:1234|v:0.1.0

The run's signature is ROUGE's with every other metric's own fields appended
(in config order), so a ROUGE-only config keeps exactly the string above.

Boards rank by one metric, so a board is keyed by the dataset and the
signature of *what ranks* (the primary score's metric); a side metric carries
its own signature on every entry, and a board says so when entries' side
signatures differ. Two results ranked under different signatures never meet.
"""

from __future__ import annotations

from bench import __version__
from bench.api.metric import ComparativeMetric, Metric
from bench.metrics.settings import ROUGE, ScoringConfig, build_metrics

Fields = list[tuple[str, str]]


def common_fields(scoring: ScoringConfig, seed: int) -> Fields:
    """How every metric's numbers are aggregated: plain mean, bootstrap interval, seed, version."""
    return [
        ("agg", "mean"),
        ("bs", str(scoring.bootstrap)),
        ("ci", f"{scoring.confidence * 100:g}"),
        ("seed", str(seed)),
        ("v", __version__),
    ]


def join(fields: Fields) -> str:
    return "|".join(f"{k}:{v}" for k, v in fields)


def metric_signature(metric: Metric | ComparativeMetric, scoring: ScoringConfig, seed: int) -> str:
    """One metric's own signature: its fields, then the shared ones."""
    return join(list(metric.signature()) + common_fields(scoring, seed))


def signatures(scoring: ScoringConfig, seed: int) -> dict[str, str]:
    """{metric name: its signature} for every metric of a config, ROUGE first."""
    return {m.name: metric_signature(m, scoring, seed) for m in build_metrics(scoring, seed)}


def signature(scoring: ScoringConfig, seed: int) -> str:
    """The run's signature: ROUGE's, then each other metric's own fields."""
    metrics = build_metrics(scoring, seed)
    fields = list(metrics[0].signature()) + common_fields(scoring, seed)
    seen = {k for k, _ in fields}
    for metric in metrics[1:]:
        own = list(metric.signature())
        clash = seen & {k for k, _ in own}
        if clash:
            raise ValueError(f"metric {metric.name!r} reuses signature field(s) {sorted(clash)}; "
                             "prefix its fields with its name")
        seen |= {k for k, _ in own}
        fields += own
    assert metrics[0].name == ROUGE
    return join(fields)


def rank_signature(scoring: ScoringConfig, seed: int) -> str:
    """The signature a board is keyed on: that of the metric the primary score belongs to."""
    key = scoring.primary.partition(".")[0]
    for metric in build_metrics(scoring, seed):
        if isinstance(metric, Metric) and key in {k.name for k in metric.keys()}:
            return metric_signature(metric, scoring, seed)
    raise ValueError(f"no metric of this config produces the primary score {scoring.primary!r}")


def parse_signature(text: str) -> dict[str, str]:
    parts = dict(part.split(":", 1) for part in text.split("|") if ":" in part)
    return parts
