"""The fast scorer gives exactly rouge-score's numbers (every P/R/F, every type),
on both of its paths: the compiled kernel and the pure-Python one."""

from __future__ import annotations

import random

import numpy as np
import pytest
from rouge_score import rouge_scorer

from bench.kernel import implementation as kernel_implementation
from bench.metrics.fast_rouge import FastRougeScorer
from bench.metrics.rouge_python import lcs_indices as _lcs_indices
from bench.metrics.rouge_python import summary_level_hits as _summary_level_hits
from bench.metrics.rouge import ROUGE_TYPES, RougeScorer, sentence_lines
from bench.tokenizers.words import RougeScoreTokenizer

TYPES = list(ROUGE_TYPES)
SYSTEMS = ("lead", "ext-oracle", "ptgen", "convs2s", "topic-convs2s")

FIXED = [
    ("The cat sat on the mat.", "A cat was sitting on the mat."),
    ("", "Something happened today."),  # empty prediction
    ("Police arrest two men.", ""),  # empty reference
    ("!!! ... ???", "--- ,,, !!!"),  # punctuation only
    ("word", "word"),  # one word
    ("the the the the", "the cat the cat the"),  # repeated words
    ("Running runners ran quickly. They were running!", "The runner runs. Quick running wins."),
    ("Mr. Smith went to Washington.\nHe said no.", "Smith travelled to Washington D.C. on Monday. No comment."),
    ("a b c d e f\n\nb a d c", "a b\nc d\ne f a b"),  # newlines inside, an empty line
    ("   \n  ", "x"),  # whitespace only
    ("Prices rose 3.5% in 2024; the U.S. economy grew.", "The US economy grew in 2024 as prices rose 3.5 percent."),
]


@pytest.fixture(params=["c", "python"])
def implementation(request: pytest.FixtureRequest) -> str:
    """Each parity test runs on the compiled kernel and on the pure-Python path."""
    if request.param == "c" and kernel_implementation() != "c":
        pytest.skip("the compiled kernel is not built here (no C compiler at install)")
    return request.param


def reference_scores(pred: str, ref: str, stem: bool) -> dict:
    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=stem)
    return scorer.score(sentence_lines(ref), sentence_lines(pred))


def assert_same(fast: dict, expected: dict) -> None:
    for t in TYPES:
        got = (fast[t]["p"], fast[t]["r"], fast[t]["f"])
        want = (expected[t].precision, expected[t].recall, expected[t].fmeasure)
        assert np.allclose(got, want, rtol=0, atol=1e-9), (t, got, want)


@pytest.mark.parametrize("stem", [True, False])
@pytest.mark.parametrize("pred,ref", FIXED)
def test_fixed_strings_match_rouge_score(pred: str, ref: str, stem: bool, implementation: str) -> None:
    scorer = FastRougeScorer(TYPES, use_stemmer=stem, implementation=implementation)
    assert_same(scorer.score(pred, [ref]), reference_scores(pred, ref, stem))


def test_very_long_texts_match(implementation: str) -> None:
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(60)] + ["running", "runs", "the", "of"]
    sentences = lambda k: ". ".join(" ".join(rng.choice(vocab) for _ in range(18)) for _ in range(k)) + "."
    pred, ref = sentences(40), sentences(35)  # ~700 tokens each, many sentences
    assert_same(FastRougeScorer(TYPES, implementation=implementation).score(pred, [ref]),
                reference_scores(pred, ref, True))


def test_lcs_indices_are_the_ones_rouge_score_backtracks_to() -> None:
    rng = random.Random(3)
    for _ in range(400):
        ref = [rng.randrange(5) for _ in range(rng.randrange(0, 14))]
        can = [rng.randrange(5) for _ in range(rng.randrange(0, 14))]
        assert _lcs_indices(ref, can) == rouge_scorer.lcs_ind(ref, can)


def test_summary_level_union_lcs_matches_rouge_score() -> None:
    rng = random.Random(11)
    for _ in range(300):
        ref = [[rng.randrange(6) for _ in range(rng.randrange(0, 9))] for _ in range(rng.randrange(1, 4))]
        can = [[rng.randrange(6) for _ in range(rng.randrange(0, 9))] for _ in range(rng.randrange(1, 4))]
        expected = rouge_scorer._summary_level_lcs(ref, can)
        hits = _summary_level_hits(ref, can)
        n, m = sum(map(len, can)), sum(map(len, ref))
        if n and m:
            assert hits / n == expected.precision and hits / m == expected.recall


@pytest.mark.parametrize("rule", ["max", "mean"])
def test_multi_reference_matches_the_reference_backend(rule: str, implementation: str) -> None:
    preds = ["The cat sat on the mat.", "Stocks fell sharply on Monday.", ""]
    refs = [["A cat on a mat.", "The cat sat there. On the mat."], ["Shares fell.", "Stocks fell on Monday", "x"],
            ["a", "b"]]
    fast = FastRougeScorer(TYPES, multiref=rule, implementation=implementation).score_batch(preds, refs)
    slow = RougeScorer(TYPES, multiref=rule).score_batch(preds, refs)
    for a, b in zip(fast, slow):
        for t in TYPES:
            assert np.allclose([a[t][k] for k in "prf"], [b[t][k] for k in "prf"], rtol=0, atol=1e-9)


def test_max_rule_is_rouge_score_score_multi(implementation: str) -> None:
    pred, refs = "Stocks fell sharply on Monday.", ["Shares fell.", "Stocks fell on Monday", "Stocks fell"]
    expected = rouge_scorer.RougeScorer(TYPES, use_stemmer=True).score_multi(
        [sentence_lines(r) for r in refs], sentence_lines(pred))
    assert_same(FastRougeScorer(TYPES, implementation=implementation).score(pred, refs), expected)


def test_bad_arguments_are_refused(implementation: str) -> None:
    scorer = FastRougeScorer(TYPES, implementation=implementation)
    with pytest.raises(TypeError):
        scorer.score_batch(["a"], ["a reference string, not a list"])
    with pytest.raises(ValueError):
        scorer.score_batch(["a"], [[]])
    with pytest.raises(ValueError):
        FastRougeScorer(["rouge10"])


@pytest.mark.parametrize("stem", [True, False])
def test_xsum_sample_matches_rouge_score(shared_data, stem: bool, implementation: str) -> None:
    folder = shared_data / "xsum_test_outputs"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    rng = random.Random(2018)
    gold = folder.joinpath("gold-test-sentences.txt").read_text(encoding="utf-8").split("\n")
    rows = rng.sample(range(11334), 250)
    preds, refs = [], []
    for system in SYSTEMS:
        lines = folder.joinpath(f"{system}-test-output.txt").read_text(encoding="utf-8").split("\n")
        preds += [lines[i] for i in rows]
        refs += [[gold[i]] for i in rows]
    # workers=2 with a low threshold exercises the forked path too
    import bench.metrics.fast_rouge as fast_rouge

    old = fast_rouge.PARALLEL_MIN_PAIRS
    fast_rouge.PARALLEL_MIN_PAIRS = 100
    try:
        got = FastRougeScorer(TYPES, use_stemmer=stem, workers=2, implementation=implementation).score_arrays(
            preds, refs)
    finally:
        fast_rouge.PARALLEL_MIN_PAIRS = old
    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=stem)
    expected = [scorer.score(sentence_lines(r[0]), sentence_lines(p)) for p, r in zip(preds, refs)]
    for t in TYPES:
        want = np.array([[e[t].precision, e[t].recall, e[t].fmeasure] for e in expected])
        assert np.abs(got[t] - want).max() <= 1e-9
    assert got["rouge1"][:, 2].mean() > 0.1  # real overlaps, not all zeros


class _StopwordTokenizer(RougeScoreTokenizer):
    """Drops a few words (normalize -> None), as a custom tokenizer may."""

    name = "test-stopwords"

    def _normalize(self, word: str) -> str | None:
        return None if word in {"the", "a", "on"} else super()._normalize(word)


@pytest.mark.parametrize("pred,ref", FIXED)
def test_words_a_tokenizer_drops_are_dropped_as_rouge_score_drops_them(pred: str, ref: str,
                                                                       implementation: str) -> None:
    tokenizer = _StopwordTokenizer(use_stemmer=True)
    expected = rouge_scorer.RougeScorer(TYPES, tokenizer=tokenizer).score(sentence_lines(ref), sentence_lines(pred))
    scorer = FastRougeScorer(TYPES, tokenizer=_StopwordTokenizer(use_stemmer=True), implementation=implementation)
    assert_same(scorer.score(pred, [ref]), expected)
