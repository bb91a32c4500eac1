"""The pieces of the ROUGE-1.5.5 mode, each against the script's documented behaviour.

The last test feeds the real script texts written to hit its corner cases
(leading blanks, tabs, carriage returns, non-ASCII bytes cut by -b, hyphens,
blank lines, repeated words) and needs Perl; the others need nothing.
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest

from bench.metrics.rouge155 import Rouge155Options, Rouge155Scorer
from bench.metrics.rouge155.bootstrap import draws, files2rouge_ids, script_averages, script_order
from bench.metrics.rouge155.fixed import f_units, ratio_units, round5
from bench.metrics.rouge155.lcs import lcs_length, lcs_lengths, lcs_positions
from bench.metrics.rouge155.tokenize import joined_text, lines_of, perl_words, sentence_texts
from rouge155_helpers import differences, require_perl


# ----- the script's 5-decimal rounding ------------------------------------
def test_rounding_is_printf_half_even_on_the_exact_double() -> None:
    assert round5(np.array([1 / 64, 3 / 64, 0.5, 1.0, 0.0, 2 / 3])).tolist() == [1562, 4688, 50000, 100000, 0, 66667]


def test_rounding_of_many_ratios_equals_exact_formatting() -> None:
    rng = np.random.default_rng(7)
    hits = rng.integers(0, 200, 200_000)
    counts = hits + rng.integers(0, 200, 200_000) + 1
    expected = [int(f"{h / c:.5f}".replace(".", "")) for h, c in zip(hits.tolist(), counts.tolist())]
    assert ratio_units(hits, counts).tolist() == expected
    assert ratio_units(np.array([3]), np.array([0])).tolist() == [0]  # the script's guard


def test_f_is_computed_from_the_rounded_r_and_p() -> None:
    # R = 1/3 -> 0.33333 and P = 1/2: F from the rounded R is 0.39999..., which prints 0.40000
    # only by rounding; from the exact R it would be 0.4 exactly.
    r, p = ratio_units([1], [3]), ratio_units([1], [2])
    assert f_units(r, p, 0.5).tolist() == [int(f"{(0.5 * 0.33333) / (0.5 * 0.5 + 0.5 * 0.33333):.5f}"[2:])]
    assert f_units(np.array([0]), np.array([0]), 0.5).tolist() == [0]


# ----- how the script reads a text ----------------------------------------
def test_lines_are_split_on_newlines_lowercased_in_ascii_only_and_blank_ones_dropped() -> None:
    assert lines_of("Ab C\n\n  \nÉtat ÄB") == [b"ab c", b"  ", "État Äb".encode()]  # É, Ä untouched


def test_perl_split_keeps_a_leading_empty_field_and_drops_trailing_ones() -> None:
    assert perl_words(b" a\tb  c ") == [b"", b"a", b"b", b"c"]
    assert perl_words(b"   ") == []


def test_word_limit_counts_raw_fields_and_the_byte_limit_is_per_sentence_for_lcs() -> None:
    lines = [b" one two", b"three four five"]
    assert joined_text(lines, words=4) == b" one two three"  # the leading empty field counts
    assert sentence_texts(lines, words=4) == [b" one two", b"three"]
    assert joined_text(lines, nbytes=12) == b" one two thre"  # the joining blank is not counted
    assert sentence_texts([b"abcdef", b"ghijkl"], nbytes=8) == [b"abcdef", b"ghijkl"]  # the script's -b bug


# ----- LCS ------------------------------------------------------------------
def dp_lcs(a, b) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


def test_lcs_lengths_of_word_and_long_pairs_equal_dynamic_programming() -> None:
    rng = random.Random(3)
    seqs = [[rng.randrange(6) for _ in range(rng.randrange(0, 90))] for _ in range(300)]
    flat = np.array([t for s in seqs for t in s], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum([len(s) for s in seqs])))
    peers, models = np.arange(0, 300, 2), np.arange(1, 300, 2)
    got = lcs_lengths(flat, starts, peers, models).tolist()
    assert got == [dp_lcs(seqs[p], seqs[m]) for p, m in zip(peers, models)]
    assert all(len(lcs_positions(seqs[m], seqs[p])) == lcs_length(seqs[m], seqs[p]) for p, m in zip(peers, models))


# ----- the script's bootstrap ------------------------------------------------
def test_draws_are_perls_srand_rand() -> None:
    # perl -e 'srand(0); print join(" ", map {int(rand(11334))} 1..5)'  (and srand(999))
    assert draws(11334, np.array([0, 999]))[:, :5].tolist() == [[1936, 8499, 1092, 9865, 6543],
                                                                [1159, 7205, 9106, 10492, 8784]]


def test_documents_are_resampled_in_the_order_of_their_ids_as_strings() -> None:
    assert script_order(["2", "10", "1"]).tolist() == [2, 1, 0]  # "1.A" < "10.A" < "2.A"
    assert script_order(["a", "a-b"]).tolist() == [1, 0]  # "a-b.A" < "a.A": '-' sorts before '.'
    with pytest.raises(ValueError):
        script_order(["x", "x"])


def test_files2rouge_numbers_lines_in_the_string_order_of_their_file_names() -> None:
    assert files2rouge_ids(12) == ["1", "2", "5", "6", "7", "8", "9", "10", "11", "12", "3", "4"]


def test_average_is_the_mean_of_sorted_resample_means_and_the_interval_their_percentiles() -> None:
    rng = np.random.default_rng(1)
    units = rng.integers(0, 100_001, (257, 2))
    ids = [f"doc{k}" for k in range(257)]
    got = script_averages(units, ids, resamples=200, confidence=90)
    order = script_order(ids)
    idx = draws(257, np.arange(200))
    for c in range(2):
        means = sorted(Fraction(int(units[order][idx[r], c].sum()), 257 * 100_000) for r in range(200))
        assert got[c].mean == round(float(sum(means) / 200), 5)
        assert (got[c].ci_low, got[c].ci_high) == (round(float(means[10]), 5), round(float(means[189]), 5))


# ----- options ------------------------------------------------------------
def test_options_name_the_scripts_scores_and_arguments() -> None:
    options = Rouge155Options(n=2, stem=True, wlcs_weight=1.2, skip_distance=4, skip_unigrams="both")
    assert options.score_types() == ["ROUGE-1", "ROUGE-2", "ROUGE-L", "ROUGE-W-1.2", "ROUGE-S4", "ROUGE-SU4"]
    assert options.script_args() == ["-c", "95", "-r", "1000", "-n", "2", "-m", "-f", "A", "-p", "0.5",
                                     "-w", "1.2", "-2", "4", "-U"]
    assert Rouge155Options().signature_value() == "-c95-r1000-n2-m-fA-p0.5"
    assert Rouge155Options(exception_order=("noun", "adv", "verb", "adj")).signature_value().endswith(
        "-dbnoun,adv,verb,adj")


@pytest.mark.parametrize("bad", [dict(n=-1), dict(length_words=5, length_bytes=5), dict(formula="C"),
                                 dict(alpha=1.5), dict(wlcs_weight=0), dict(skip_unigrams="only"),
                                 dict(n=0, rouge_l=False), dict(exception_order=("adj",))])
def test_options_reject_what_the_script_would_refuse(bad) -> None:
    with pytest.raises(ValueError):
        Rouge155Options(**bad)


def test_scorer_rejects_misuse() -> None:
    scorer = Rouge155Scorer()
    with pytest.raises(ValueError):
        scorer.score_units(["a"], [])
    with pytest.raises(TypeError):
        scorer.score_units(["a"], ["a reference, not a list"])
    with pytest.raises(ValueError):
        scorer.score_units(["a"], [[]])


# ----- corner cases through the real script -------------------------------
CORNER_TEXTS = [
    "", "   ", "\n\n", " Leading blank and\ttab", "carriage\rreturn\r\nline", "Hyphen-ated well-known co-op",
    "U.S. $5.2bn (£3m) deal -- 'quoted' \"twice\"", "Café naïve – résumé Ünïcödé", "x" * 40,
    "The the THE the cat cat", "one\ntwo three\n\nfour five six\n  \nseven", "best better good well testes",
    "The statement says news they said", "2024 2025 10,000 3.5% 1st",
    "running runs ran runner; agreement agreements", "a b c d e f g h i j k l m n o p q r s t u v w x y z",
]


def corner_documents(count: int, seed: int):
    rng = random.Random(seed)
    words = "the cat sat on mat said says news best better good well running runs a of to in".split()
    ids, predictions, references = [], [], []
    for k in range(count):
        def text() -> str:
            if rng.random() < 0.35:
                return rng.choice(CORNER_TEXTS)
            lines = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(rng.randint(1, 3))]
            return "\n".join(line.capitalize() if rng.random() < 0.3 else line for line in lines)
        ids.append(f"c{k}" if k % 3 else f"c{k}-x")
        predictions.append(text())
        references.append([text() or "fallback reference" for _ in range(rng.randint(1, 3))])
    return ids, predictions, references


@pytest.mark.parametrize("settings", [
    dict(n=4, stem=True, wlcs_weight=1.2, skip_distance=2, skip_unigrams="both"),
    dict(n=2, stem=True, formula="B", length_words=7, remove_stopwords=True, skip_distance=-1, skip_unigrams="only"),
    dict(n=3, stem=False, formula="B", length_bytes=23, alpha=0.2, wlcs_weight=2.0),
    dict(n=1, stem=True, formula="A", length_bytes=9, exception_order=("noun", "adv", "verb", "adj")),
])
def test_corner_cases_print_what_the_perl_script_prints(tmp_path, settings) -> None:
    require_perl()
    ids, predictions, references = corner_documents(400, seed=len(str(settings)))
    options = Rouge155Options(**settings)
    if options.wlcs_weight is not None:
        # The script dies dividing by zero on ROUGE-W of a reference without tokens; keep those out.
        keep = [k for k, refs in enumerate(references) if all(any(c.isalnum() and c.isascii() for c in r)
                                                              for r in refs)]
        ids, predictions, references = ([x[k] for k in keep] for x in (ids, predictions, references))
    problems, compared = differences(ids, predictions, references, options, tmp_path)
    assert compared > 200
    assert not problems, "\n".join(problems[:10])
