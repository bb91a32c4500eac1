"""Test-only metrics, one file and no edit anywhere else: loaded into `bench`
processes with ``PYTHONPATH=tests BENCH_PLUGINS=bench_test_metric``.

``test-overlap`` is a toy per-item metric with two rankable keys: ``overlap``
(share of the reference's distinct words found in the output, higher is
better) and ``missed`` (how many of them are missing, lower is better). It
notes the missing words per article (``annotate``), has a setting, and has no
score for an empty output (NaN). ``test-pairs`` is a toy comparative metric:
per article, the system with the longer output "wins" each pair.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any, Mapping, Sequence

from bench.api.metric import (
    ComparativeMetric, ItemScores, Metric, MetricSettings, ScoreItem, ScoreKey, register_metric,
)


class OverlapSettings(MetricSettings):
    lowercase: bool = True


def _words(text: str, lowercase: bool) -> set[str]:
    return set((text.lower() if lowercase else text).split())


@register_metric("test-overlap")
class WordOverlap(Metric):
    Settings = OverlapSettings
    description = "test only: share of the reference's distinct words in the output"
    citation = "none (a test metric)"
    settings: OverlapSettings

    def keys(self) -> list[ScoreKey]:
        return [
            ScoreKey("overlap", ("r",), rankable=True, primary_column="r", label="Overlap",
                     column_labels=("recall",), description="reference words found"),
            ScoreKey("missed", ("n",), rankable=True, primary_column="n", label="Missed", higher_is_better=False,
                     column_labels=("words",), percent=False, description="reference words not found"),
        ]

    def signature(self) -> list[tuple[str, str]]:
        return [("overlap", "words"), ("overlap-case", "lower" if self.settings.lowercase else "kept")]

    def score(self, items: Sequence[ScoreItem]) -> list[ItemScores]:
        out = []
        for item in items:
            reference = _words(item.references[0], self.settings.lowercase)
            found = reference & _words(item.prediction, self.settings.lowercase)
            share = len(found) / len(reference) if item.prediction.strip() and reference else float("nan")
            out.append({"overlap": {"r": share}, "missed": {"n": float(len(reference - found))}})
        return out

    def annotate(self, items: Sequence[ScoreItem]) -> list[dict[str, Any] | None]:
        notes = []
        for item in items:
            reference = _words(item.references[0], self.settings.lowercase)
            missing = sorted(reference - _words(item.prediction, self.settings.lowercase))
            notes.append({"missing": missing} if missing else None)
        return notes


@register_metric("test-pairs")
class LongerWins(ComparativeMetric):
    description = "test only: in each pair of systems, the longer output wins the article"

    def keys(self) -> list[ScoreKey]:
        return []

    def signature(self) -> list[tuple[str, str]]:
        return [("pairs", "longer-wins")]

    def compare(self, systems: Mapping[str, Sequence[ScoreItem]]) -> dict[str, Any]:
        wins = {name: 0 for name in systems}
        games = {name: 0 for name in systems}
        for a, b in combinations(systems, 2):
            by_id = {item.id: item for item in systems[b]}
            for item in systems[a]:
                other = by_id.get(item.id)
                if other is None or len(item.prediction) == len(other.prediction):
                    continue
                wins[a if len(item.prediction) > len(other.prediction) else b] += 1
                games[a] += 1
                games[b] += 1
        return {"systems": {n: {"wins": wins[n], "win_rate": wins[n] / games[n] if games[n] else None} for n in systems},
                "rule": "longer output wins"}


@register_metric("test-copied")
class CopiedFromBody(Metric):
    """Reads the body: share of the output's words that occur in the article body."""

    description = "test only: share of the output's words found in the article body"
    needs_body = True

    def keys(self) -> list[ScoreKey]:
        return [ScoreKey("copied", ("share",), rankable=False, primary_column="share", label="Copied")]

    def signature(self) -> list[tuple[str, str]]:
        return [("copied", "words")]

    def score(self, items: Sequence[ScoreItem]) -> list[ItemScores]:
        out = []
        for item in items:
            words, body = item.prediction.lower().split(), set((item.body or "").lower().split())
            out.append({"copied": {"share": sum(w in body for w in words) / len(words) if words else float("nan")}})
        return out
