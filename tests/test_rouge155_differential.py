"""The ROUGE-1.5.5 mode prints what the real Perl script prints, on real news, across its options.

Each case runs ROUGE-1.5.5.pl once (many documents through one settings XML,
``-d`` for per-document scores) and this mode on the same documents, and
requires every per-document R/P/F and every average and interval to be the
same 5-decimal string. Together the cases cover more than 10,000 real
(summary, reference) pairs from ../shared/data: the five XSum systems
(single sentences, numeric ids that sort differently as strings), BBC and
Wikinews articles (summaries of several lines, two references each:
headline and standfirst), with and without -m, -n 2 and 4, -l and -b, -s,
-f A and B, -p, ROUGE-L, ROUGE-W and ROUGE-S/SU.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench.metrics.rouge155 import Rouge155Options
from rouge155_helpers import differences, require_perl

SYSTEMS = ("lead", "ext-oracle", "ptgen", "convs2s", "topic-convs2s")


def xsum_pairs(folder: Path, start: int, count: int) -> tuple[list[str], list[str], list[list[str]]]:
    """``count`` XSum documents from line ``start`` on, the five systems in turn."""
    gold = (folder / "gold-test-sentences.txt").read_text(encoding="utf-8").split("\n")
    outputs = {s: (folder / f"{s}-test-output.txt").read_text(encoding="utf-8").split("\n") for s in SYSTEMS}
    ids, predictions, references = [], [], []
    for k in range(start, start + count):
        system = SYSTEMS[k % len(SYSTEMS)]
        ids.append(str(k))
        predictions.append(outputs[system][k])
        references.append([gold[k]])
    return ids, predictions, references


def article_pairs(path: Path, sentences: int, limit: int | None = None):
    """Summaries of several lines (the body's first sentences, one a line, as a
    summarizer would write them) against two references: headline and standfirst."""
    ids, predictions, references = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines()[:limit]:
        row = json.loads(line)
        body = " ".join(row["body"].split("\n"))
        parts = re.split(r"(?<=[.!?])\s+", body)[:sentences]
        ids.append(row["id"])
        predictions.append("\n".join(parts))
        references.append([row["headline"], row["standfirst"]])
    return ids, predictions, references


# (name, data, options); the documents of all cases add up to more than 10,000 pairs.
CASES = [
    ("xsum-all-types", ("xsum", 0, 2500),
     dict(n=4, stem=True, wlcs_weight=1.2, skip_distance=4, skip_unigrams="both")),
    ("xsum-no-stem-any-gap", ("xsum", 2500, 1500), dict(n=2, stem=False, skip_distance=-1, skip_unigrams="only")),
    ("xsum-words-alpha", ("xsum", 4000, 1500), dict(n=2, stem=True, length_words=12, alpha=0.8)),
    ("xsum-bytes-stopwords", ("xsum", 5500, 1500), dict(n=2, stem=True, length_bytes=60, remove_stopwords=True)),
    ("bbc-two-refs-A", ("bbc", 3, None), dict(n=2, stem=True, formula="A", wlcs_weight=1.2, skip_distance=4,
                                             skip_unigrams="only")),
    ("bbc-two-refs-B-words", ("bbc", 2, None), dict(n=4, stem=True, formula="B", length_words=25,
                                                  remove_stopwords=True)),
    ("wikinews-bytes-B", ("wikinews", 3, None), dict(n=2, stem=True, formula="B", length_bytes=150, alpha=0.3,
                                                     wlcs_weight=1.5)),
]


def load(shared_data: Path, spec) -> tuple[list[str], list[str], list[list[str]]]:
    source, a, b = spec
    if source == "xsum":
        return xsum_pairs(shared_data / "xsum_test_outputs", a, b)
    if source == "bbc":
        return article_pairs(shared_data / "bbc_2004_2005.jsonl", a, b)
    ids, preds, refs = article_pairs(shared_data / "wikinews_2019_2020.jsonl", a, b)
    more = article_pairs(shared_data / "xsum_test_subset.jsonl", a, b)
    return ids + more[0], preds + more[1], refs + more[2]


@pytest.mark.parametrize("name,spec,settings", CASES, ids=[c[0] for c in CASES])
def test_every_document_and_average_matches_the_perl_script(shared_data, tmp_path, name, spec, settings) -> None:
    require_perl()
    ids, predictions, references = load(shared_data, spec)
    problems, compared = differences(ids, predictions, references, Rouge155Options(**settings), tmp_path)
    assert compared >= 300
    assert not problems, f"{len(problems)} difference(s) from ROUGE-1.5.5.pl, e.g.\n" + "\n".join(problems[:10])


def test_the_cases_cover_ten_thousand_real_pairs(shared_data) -> None:
    pairs = sum(len(refs) for spec in (c[1] for c in CASES) for refs in load(shared_data, spec)[2])
    assert pairs >= 10_000, pairs
