"""The Unicode tokenizer, and the warning when rouge-score's tokenizer drops letters."""

from __future__ import annotations

import logging

import pytest

from bench.config import ScoringConfig
from bench.kernel import implementation as kernel_implementation
from bench.metrics.fast_rouge import FastRougeScorer
from bench.metrics.rouge import RougeScorer
from bench.runs.evaluate import SystemPredictions, evaluate
from bench.tokenizers.registry import make_tokenizer

TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


def test_scripts_are_tokenized() -> None:
    tok = make_tokenizer("unicode")
    assert tok.tokenize("Москва заявила, что ПЕРЕГОВОРЫ продолжатся.") == \
        ["москва", "заявила", "что", "переговоры", "продолжатся"]
    assert tok.tokenize("قال الرئيس المصري إن المحادثات ستستمر") == \
        ["قال", "الرئيس", "المصري", "إن", "المحادثات", "ستستمر"]
    assert tok.tokenize("中国队获胜。") == ["中", "国", "队", "获", "胜"]
    assert tok.tokenize("Café déjà vu à Zürich; STRASSE Straße") == \
        ["café", "déjà", "vu", "à", "zürich", "strass", "strass"]
    assert tok.tokenize("हिन्दी समाचार") == ["हिन्दी", "समाचार"]  # vowel signs stay in the word
    assert tok.tokenize("The runners were running") == ["the", "runner", "were", "run"]  # ASCII: Porter


def test_rouge_score_tokenizer_loses_these_scripts() -> None:
    assert make_tokenizer("rouge-score").tokenize("Москва заявила") == []


@pytest.mark.parametrize("implementation", ["c", "python"])
def test_unicode_scores_are_real_and_backends_agree(implementation: str) -> None:
    if implementation == "c" and kernel_implementation() != "c":
        pytest.skip("the compiled kernel is not built here (no C compiler at install)")
    pred, ref = "Москва заявила о переговорах", "Москва заявила, что переговоры продолжатся"
    fast = FastRougeScorer(TYPES, tokenizer="unicode", implementation=implementation).score(pred, [ref])
    slow = RougeScorer(TYPES, tokenizer="unicode").score(pred, [ref])
    assert fast == slow
    assert fast["rouge1"]["p"] == 0.5 and fast["rouge2"]["p"] == 1 / 3
    zh = FastRougeScorer(TYPES, tokenizer="unicode", implementation=implementation).score("中国队获胜", ["中国队今天获胜"])
    assert zh["rouge1"]["p"] == 1.0 and zh["rouge1"]["r"] == 5 / 7


def test_dropped_letters_warn_once_and_are_counted(caplog) -> None:
    refs = {"headline\t1": ["Москва заявила"], "headline\t2": ["Пекин ответил"], "headline\t3": ["Plain text"]}
    system = SystemPredictions("s", "headline", ["1", "2", "3"], ["Москва", "ответил", "Plain"], {})
    with caplog.at_level(logging.WARNING):
        _, targets = evaluate(ScoringConfig(bootstrap=10), 1, refs, [system])
    warnings = [r for r in caplog.records if "scoring.tokenizer: unicode" in r.getMessage()]
    assert len(warnings) == 1 and "4 text(s)" in warnings[0].getMessage()
    assert targets["headline"]["tokenizer_dropped_texts"] == 4
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        _, targets = evaluate(ScoringConfig(bootstrap=10, tokenizer="unicode"), 1, refs, [system])
    assert not caplog.records and "tokenizer_dropped_texts" not in targets["headline"]
    assert targets["headline"]["signature"].split("|")[1] == "tok:unicode"
