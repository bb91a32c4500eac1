"""ROUGE against hand-checked values and against rouge-score itself, and the
bootstrap interval beside each mean. Every scoring test runs on the rouge-score
backend and on both paths of the fast one (compiled kernel, pure Python)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from rouge_score import rouge_scorer

from bench.kernel import implementation as kernel_implementation
from bench.metrics.aggregate import aggregate
from bench.metrics.fast_rouge import FastRougeScorer
from bench.metrics.rouge import ROUGE_TYPES, RougeScorer, sentence_lines
from bench.tokenizers.sentences import split_sentences


@pytest.fixture(params=["rouge-score", "fast-c", "fast-python"])
def Scorer(request: pytest.FixtureRequest):
    """A scorer class: the reference backend, or the fast one on either path."""
    if request.param == "rouge-score":
        return RougeScorer
    implementation = request.param.split("-")[1]
    if implementation == "c" and kernel_implementation() != "c":
        pytest.skip("the compiled kernel is not built here (no C compiler at install)")

    def make(rouge_types=ROUGE_TYPES, **settings):
        return FastRougeScorer(rouge_types, implementation=implementation, **settings)

    return make


def prf(scores: dict, rouge_type: str) -> tuple[float, float, float]:
    return tuple(scores[rouge_type][k] for k in "prf")


def test_hand_checked_no_stemming_needed(Scorer) -> None:
    # prediction: the cat sat on the mat      reference: the cat was on the mat
    # rouge1: overlap the x2, cat, on, mat = 5 of 6 tokens each side -> P = R = F = 5/6
    # rouge2: prediction bigrams (the cat, cat sat, sat on, on the, the mat), reference
    #         (the cat, cat was, was on, on the, the mat): 3 shared of 5 -> P = R = F = 3/5
    # rougeL: LCS "the cat on the mat" = 5 -> P = R = F = 5/6; one sentence, so rougeLsum too.
    scores = Scorer().score("the cat sat on the mat", ["the cat was on the mat"])
    assert prf(scores, "rouge1") == pytest.approx((5 / 6, 5 / 6, 5 / 6))
    assert prf(scores, "rouge2") == pytest.approx((3 / 5, 3 / 5, 3 / 5))
    assert prf(scores, "rougeL") == pytest.approx((5 / 6, 5 / 6, 5 / 6))
    assert prf(scores, "rougeLsum") == pytest.approx((5 / 6, 5 / 6, 5 / 6))


def test_hand_checked_with_stemming(Scorer) -> None:
    # Tokens (lower-cased, punctuation dropped, Porter stems of words over 3 letters):
    #   prediction "Police arrests two men."  -> polic arrest two men                (4)
    #   reference  "Two men were arrested by police officers"
    #                                         -> two men were arrest by polic offic  (7)
    # rouge1: 4 shared -> P = 4/4, R = 4/7, F = 2PR/(P+R) = (8/7)/(11/7) = 8/11
    # rouge2: prediction (polic arrest, arrest two, two men), reference has "two men" only
    #         -> P = 1/3, R = 1/6, F = (2/18)/(1/2) = 2/9
    # rougeL: LCS = 2 ("two men") -> P = 2/4, R = 2/7, F = (2/7)/(11/14) = 4/11
    prediction, reference = "Police arrests two men.", "Two men were arrested by police officers"
    scores = Scorer().score(prediction, [reference])
    assert prf(scores, "rouge1") == pytest.approx((1.0, 4 / 7, 8 / 11))
    assert prf(scores, "rouge2") == pytest.approx((1 / 3, 1 / 6, 2 / 9))
    assert prf(scores, "rougeL") == pytest.approx((1 / 2, 2 / 7, 4 / 11))
    # Without the stemmer "arrests" no longer matches "arrested":
    # 3 shared -> P = 3/4, R = 3/7, F = (18/28)/(33/28) = 6/11
    unstemmed = Scorer(use_stemmer=False).score(prediction, [reference])
    assert prf(unstemmed, "rouge1") == pytest.approx((3 / 4, 3 / 7, 6 / 11))


def test_hand_checked_rouge_lsum_splits_sentences(Scorer) -> None:
    # prediction "The cat sat. The dog ran."   reference "The dog ran. The cat sat."
    # rougeL on the whole text: LCS = 3 of 6 ("the dog ran") -> P = R = F = 1/2.
    # rougeLsum, sentence by sentence: each reference sentence is matched in full by
    # one prediction sentence -> union LCS 3 + 3 = 6 of 6 -> P = R = F = 1.
    scores = Scorer().score("The cat sat. The dog ran.", ["The dog ran. The cat sat."])
    assert prf(scores, "rougeL") == pytest.approx((0.5, 0.5, 0.5))
    assert prf(scores, "rougeLsum") == pytest.approx((1.0, 1.0, 1.0))
    # rouge2: bigrams the cat, cat sat, sat the, the dog, dog ran vs the dog, dog ran,
    # ran the, the cat, cat sat: 4 shared of 5 -> 4/5.
    assert prf(scores, "rouge2") == pytest.approx((0.8, 0.8, 0.8))


def test_empty_prediction_scores_zero(Scorer) -> None:
    scores = Scorer().score("", ["A real headline"])
    assert all(scores[t][k] == 0.0 for t in scores for k in "prf")


def test_multiple_references(Scorer) -> None:
    refs = ["the cat was on the mat", "a dog barked"]
    best = Scorer(multiref="max").score("the cat sat on the mat", refs)
    assert best["rouge1"]["f"] == pytest.approx(5 / 6)
    mean = Scorer(multiref="mean").score("the cat sat on the mat", refs)
    assert mean["rouge1"]["f"] == pytest.approx((5 / 6 + 0) / 2)
    with pytest.raises(TypeError):
        Scorer().score("x", "a single string is not a list of references")
    with pytest.raises(ValueError):
        Scorer(["rouge10"])


@pytest.fixture(scope="module")
def bbc_pairs(shared_data) -> list[tuple[str, str, str]]:
    """(lead-3 prediction, headline, standfirst) for 150 real BBC articles."""
    with (shared_data / "bbc_2004_2005.jsonl").open(encoding="utf-8") as handle:
        rows = [json.loads(next(handle)) for _ in range(150)]
    return [(" ".join(split_sentences(r["body"])[:3]), r["headline"], r["standfirst"]) for r in rows]


def test_equal_to_rouge_score_on_real_pairs(bbc_pairs, Scorer) -> None:
    ours = Scorer(["rouge1", "rouge2", "rougeL"])
    reference = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    compared = 0
    for prediction, headline, standfirst in bbc_pairs:
        for target_text in (headline, standfirst):
            expected = reference.score(target_text, prediction)
            got = ours.score(prediction, [target_text])
            for rouge_type, score in expected.items():
                assert prf(got, rouge_type) == pytest.approx(
                    (score.precision, score.recall, score.fmeasure), abs=1e-12
                )
                compared += 1
    assert compared == 150 * 2 * 3


def test_rouge_lsum_is_rouge_score_on_sentence_split_text(bbc_pairs, Scorer) -> None:
    ours = Scorer(["rougeL", "rougeLsum"])
    reference = rouge_scorer.RougeScorer(["rougeLsum"], use_stemmer=True)
    differs = 0
    for prediction, headline, standfirst in bbc_pairs:
        # A three-sentence prediction against a two-sentence reference.
        target_text = f"{headline}. {standfirst}"
        expected = reference.score(sentence_lines(target_text), sentence_lines(prediction))["rougeLsum"]
        got = ours.score(prediction, [target_text])
        assert prf(got, "rougeLsum") == pytest.approx((expected.precision, expected.recall, expected.fmeasure), abs=1e-12)
        assert sentence_lines(prediction).count("\n") == 2
        differs += got["rougeLsum"]["f"] != pytest.approx(got["rougeL"]["f"], abs=1e-9)
    # Unsplit, rouge-score's rougeLsum would silently equal rougeL; split, it mostly differs.
    print(f"rougeLsum differs from rougeL on {differs} of {len(bbc_pairs)} multi-sentence pairs")
    assert differs > 0.8 * len(bbc_pairs)


def test_rouge_lsum_equals_rouge_l_on_single_sentences(bbc_pairs, Scorer) -> None:
    ours = Scorer(["rougeL", "rougeLsum"])
    for prediction, headline, standfirst in bbc_pairs[:50]:
        first = split_sentences(prediction)[0]
        got = ours.score(first, [standfirst])
        assert got["rougeLsum"] == pytest.approx(got["rougeL"])


# --- bootstrap -------------------------------------------------------------------


def pair_scores(values: list[float]) -> list[dict]:
    return [{"rouge1": {"p": v, "r": v, "f": v}} for v in values]


def test_bootstrap_is_seeded_and_contains_the_mean() -> None:
    rng = np.random.default_rng(0)
    values = list(rng.beta(2, 5, size=200))
    first = aggregate(pair_scores(values), ["rouge1"], resamples=1000, seed=7)
    again = aggregate(pair_scores(values), ["rouge1"], resamples=1000, seed=7)
    other = aggregate(pair_scores(values), ["rouge1"], resamples=1000, seed=8)
    f = first["rouge1"]["f"]
    assert first == again
    assert (other["rouge1"]["f"]["ci_low"], other["rouge1"]["f"]["ci_high"]) != (f["ci_low"], f["ci_high"])
    assert f["ci_low"] < f["mean"] < f["ci_high"]
    # About two standard errors each side for a 95% interval.
    half_width = (f["ci_high"] - f["ci_low"]) / 2
    standard_error = np.std(values, ddof=1) / np.sqrt(len(values))
    assert half_width == pytest.approx(1.96 * standard_error, rel=0.15)
    narrower = aggregate(pair_scores(values), ["rouge1"], resamples=1000, seed=7, confidence=0.5)["rouge1"]["f"]
    assert f["ci_low"] < narrower["ci_low"] < narrower["ci_high"] < f["ci_high"]


def test_reported_number_is_the_plain_mean_not_the_median() -> None:
    values = [0.0] * 6 + [1.0] * 4  # median 0, mean 0.4
    result = aggregate(pair_scores(values), ["rouge1"], resamples=500, seed=1)["rouge1"]["f"]
    assert result["mean"] == pytest.approx(0.4)
    assert result["mean"] != np.median(values)


def test_one_article_or_no_resamples_gives_a_point_interval() -> None:
    single = aggregate(pair_scores([0.3]), ["rouge1"], resamples=1000, seed=1)["rouge1"]["f"]
    assert single == {"mean": pytest.approx(0.3), "ci_low": pytest.approx(0.3), "ci_high": pytest.approx(0.3)}
    none = aggregate(pair_scores([0.1, 0.5]), ["rouge1"], resamples=0, seed=1)["rouge1"]["f"]
    assert none["ci_low"] == none["ci_high"] == pytest.approx(0.3)
    with pytest.raises(ValueError):
        aggregate([], ["rouge1"], resamples=10, seed=1)
