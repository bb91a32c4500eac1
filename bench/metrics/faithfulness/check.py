"""One output against its article body: which numbers and names the body does not support."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from bench.metrics.faithfulness.name_evidence import ATOMS_RE, NameEvidence, fold
from bench.metrics.faithfulness.names import unsupported_names
from bench.metrics.faithfulness.numbers import NumberEvidence, find_quantities, lower_same_length


@dataclass(frozen=True)
class Finding:
    """An unsupported span of an output, by character offsets into it."""

    kind: str  # "number" or "name"
    start: int
    end: int
    text: str


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for f in self.findings if f.kind == kind)


class BodyEvidence:
    """What one article body states, built lazily: most outputs need only part of it."""

    def __init__(self, body: str) -> None:
        self.body = body

    @cached_property
    def folded(self) -> str:
        return fold(self.body)

    @cached_property
    def words(self) -> set[str]:
        return set(ATOMS_RE.findall(self.folded))

    @cached_property
    def numbers(self) -> NumberEvidence:
        return NumberEvidence(self.body, lower_same_length(self.body), self.words)

    @cached_property
    def names(self) -> NameEvidence:
        return NameEvidence(self.body, self.folded, self.words)


def check(output: str, evidence: BodyEvidence, numbers: bool = True, names: bool = True, dates: bool = True) -> Report:
    """Every number and proper name of ``output`` that ``evidence`` does not support
    (``dates=False``: weekday and month names are not checked)."""
    report = Report()
    if numbers:
        for quantity in find_quantities(output):
            if not quantity.claim:
                continue
            if not evidence.numbers.supports(quantity):
                report.findings.append(Finding("number", quantity.start, quantity.end, quantity.text))
    if names and any(c.isupper() for c in output):
        spans = unsupported_names(output, evidence.names, dates)
        report.findings.extend(Finding("name", s.start, s.end, s.text) for s in spans)
    report.findings.sort(key=lambda f: f.start)
    return report
