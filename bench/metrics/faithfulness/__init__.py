"""``faithfulness``: numbers and proper names in an output that its article body does not state.

No model: each number of the output is normalised ("£1.2m", "1,200,000",
"1.2 million", "a third", "76 per cent") and looked for among the body's
numbers, allowing the rounding the output's own precision implies; each
proper name is looked for among the body's words, allowing possessives,
plurals, name parts, country forms and acronyms (``names``). A headline that
says "£80m" where the body says "$80m", or names "Gordon Brown" in a story
about Tony Blair, is flagged; the flagged spans are kept for the article
browser. ``benchmarks/faithfulness.py`` measures it on swapped references.

Score keys (per output; their means are shares):

- ``faithful`` (rankable, higher is better): 1 when nothing the output states
  is unsupported (``all``), and per kind (``numbers``, ``names``);
- ``unsupported``: how many unsupported numbers and names (a side statistic).
"""

from __future__ import annotations

from typing import Any, Sequence

from pydantic import model_validator

from bench.api.metric import ItemScores, Metric, MetricSettings, ScoreItem, ScoreKey
from bench.errors import UserError
from bench.metrics.faithfulness.check import BodyEvidence, Report, check

# Bump when a rule changes a result: it is part of the signature.
RULES_VERSION = "1"


class FaithfulnessSettings(MetricSettings):
    numbers: bool = True  # check numbers, amounts, percentages, years
    names: bool = True  # check proper names
    dates: bool = True  # count weekday and month names as names ("on Friday")

    @model_validator(mode="after")
    def _checks_something(self) -> "FaithfulnessSettings":
        # Here, not in the metric: a config's error then names scoring.metrics.faithfulness.
        if not (self.numbers or self.names):
            raise ValueError("nothing to check: set numbers or names (or both) to true")
        return self


class FaithfulnessMetric(Metric):
    """Numbers and proper names of each output that its article body does not support."""

    Settings = FaithfulnessSettings
    description = "numbers and proper names the output states but its article body does not (no model)"
    citation = "headline-bench rules; cf. Maynez et al., ACL 2020, on hallucinated content in summaries"
    needs_body = True

    def __init__(self, settings: FaithfulnessSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        self._last: tuple[Sequence[ScoreItem], list[Report]] | None = None

    def _kinds(self) -> list[str]:
        return [kind for kind, on in (("numbers", self.settings.numbers), ("names", self.settings.names)) if on]

    def keys(self) -> list[ScoreKey]:
        kinds = self._kinds()
        return [
            ScoreKey(
                "faithful", ("all", *kinds), rankable=True, primary_column="all", label="Faithful",
                column_labels=("all claims", *(f"{kind} ok" for kind in kinds)),
                description="1 when every number and name of the output is found in the article body; "
                "the mean is the share of outputs with nothing unsupported",
            ),
            ScoreKey(
                "unsupported", tuple(kinds), rankable=False, primary_column=kinds[0], label="Unsupported",
                higher_is_better=False, percent=False, column_labels=tuple(kinds),
                description="numbers / names per output that the article body does not state",
            ),
        ]

    def signature(self) -> list[tuple[str, str]]:
        checks = [*self._kinds()] + (["dates"] if self.settings.names and self.settings.dates else [])
        return [("faith", ",".join(checks)), ("faith-rules", RULES_VERSION)]

    def score(self, items: Sequence[ScoreItem]) -> list[ItemScores]:
        return [self._scores(report) for report in self._reports(items)]

    def annotate(self, items: Sequence[ScoreItem]) -> list[dict[str, Any] | None]:
        """The unsupported spans of each output (offsets into the prediction), or None."""
        return [
            {"unsupported": [{"kind": f.kind, "text": f.text, "start": f.start, "end": f.end} for f in report.findings]}
            if report.findings
            else None
            for report in self._reports(items)
        ]

    def close(self) -> None:
        self._last = None

    def _scores(self, report: Report) -> ItemScores:
        unsupported = {kind: float(report.count(kind.rstrip("s"))) for kind in self._kinds()}
        faithful = {"all": float(not report.findings)}
        faithful.update({kind: float(count == 0) for kind, count in unsupported.items()})
        return {"faithful": faithful, "unsupported": unsupported}

    def _reports(self, items: Sequence[ScoreItem]) -> list[Report]:
        """One report per item. Items are taken body by body, so each body is indexed once and
        dropped after its outputs (all systems' outputs for an article share it); the reports of
        the last call are kept for ``annotate`` on the same items."""
        if self._last is not None and self._last[0] is items:
            return self._last[1]
        by_body: dict[str, list[int]] = {}
        for index, item in enumerate(items):
            if item.body is None:
                raise UserError(
                    f"faithfulness needs each article's body, and article {item.id} has none "
                    "(bench score on plain text files has no bodies: give references as JSONL with a body field)"
                )
            by_body.setdefault(item.body, []).append(index)
        s = self.settings
        reports: list[Report] = [Report()] * len(items)
        for body, indices in by_body.items():
            evidence = BodyEvidence(body)
            for index in indices:
                reports[index] = check(items[index].prediction, evidence, s.numbers, s.names, s.dates)
        self._last = (items, reports)
        return reports
