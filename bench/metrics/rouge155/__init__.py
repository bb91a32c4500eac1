"""An exact, clean-room ROUGE-1.5.5 mode: the Perl script's numbers, digit for digit, fast.

``Rouge155Scorer(Rouge155Options(...)).score_units(predictions, references)``
gives the per-document R/P/F the script prints with ``-d``;
``bootstrap.script_averages`` gives the averages and intervals it reports.
The modules follow the script's own stages: ``tokenize`` (how it reads a
text), ``stem`` (its exception table and Porter variant), ``reading`` (texts
to token ids), ``counts`` (ROUGE-N and skip-bigram overlaps), ``lcs``
(ROUGE-L/W), ``fixed`` (its 5-decimal rounding), ``score`` (per document),
``bootstrap`` (its averages). ``perl`` runs the real script, for checking.
"""

from bench.metrics.rouge155.options import Rouge155Options

__all__ = ["Rouge155Options", "Rouge155Scorer"]


def __getattr__(name: str):
    # The scorer pulls in numpy; describing the metric (bench list) must not.
    if name == "Rouge155Scorer":
        from bench.metrics.rouge155.score import Rouge155Scorer

        return Rouge155Scorer
    raise AttributeError(name)
