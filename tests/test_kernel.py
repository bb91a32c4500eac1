"""The compiled scoring kernel (bench.kernel) does exactly what the Python it replaces
does: the tokenizers, the sentence splitter, rougeN for any n, LCS and rougeLsum's
union LCS (on made-up texts built to have many tied LCSs), the greedy oracle, and
the forked path of tokenizers the C batch does not reproduce (test_kernel_batch
has the batch). Without the kernel, the pure-Python path runs and says so."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rouge_score import rouge_scorer

from bench.kernel import ENV, implementation, native
from bench.kernel import sentences as kernel_sentences
from bench.kernel.vocabulary import make_vocabulary, normalize_rule, scan_mode
from bench.metrics import forked
from bench.metrics.fast_rouge import FastRougeScorer
from bench.metrics.rouge import sentence_lines
from bench.metrics.rouge_python import PythonRouge
from bench.tokenizers import sentences as python_sentences
from bench.tokenizers.words import RougeScoreTokenizer, make_tokenizer

PROJECT = Path(__file__).resolve().parents[1]
needs_kernel = pytest.mark.skipif(native() is None, reason="the compiled kernel is not built here")

# Pieces that exercise every rule of the splitter and both tokenizers.
PIECES = [
    "Mr.", "Mrs.", "Dr.", "St.", "No.", "no.", "Jan.", "Inc.", "etc.", "U.S.", "U.N.", "a.m.", "p.m.", "J.", "K.",
    "MS.", "I.", "Co.", "vs.", "v.", "the", "The", "It", "it", "But", "and", "Smith", "said", "10", "2005", "$1.13bn",
    "3.5%", "\u00a3300", "\u20ac5", '"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "(", ")", "[", "]", ".", "!", "?",
    "...", "\u2026", "?!", '."', ".'", '!"', "\u2019.", "-", "--", "_x_", "caf\u00e9", "\u00c9COLE", "\u03a3\u039f\u03a3",
    "\u01c5ungla", "\u212a", "\u0130stanbul", "\u0661\u0662", "\u4e2d\u56fd", "\u30ab\u30bf", "\u041c\u043e\u0441\u043a\u0432\u0430",
    "run", "running", "runners", "ran", "generalizations", "\ufb01ne", "Stra\u00dfe", "x\u0301y",
]
SPACES = [" ", " ", " ", "  ", "\n", "\t", "\u00a0", "\u2003", "\u3000", "\x1c", "\x85", "\r", "\u2028", " \n "]


def made_up_text(rng: random.Random, pieces: int) -> str:
    out = []
    for _ in range(pieces):
        out.append(rng.choice(PIECES))
        out.append(rng.choice(SPACES) if rng.random() < 0.8 else "")
    return "".join(out)


# ----- the sentence splitter --------------------------------------------------------
@needs_kernel
def test_c_splitter_gives_the_python_splitters_sentences_on_every_shared_text(shared_data: Path) -> None:
    texts = []
    for name in ("bbc_2004_2005.jsonl", "xsum_test_subset.jsonl", "wikinews_en.jsonl"):
        for line in (shared_data / name).read_text(encoding="utf-8").splitlines():
            texts += [v for v in json.loads(line).values() if isinstance(v, str)]
    for path in sorted((shared_data / "xsum_test_outputs").glob("*.txt")):
        texts += path.read_text(encoding="utf-8").split("\n")
    splitter = kernel_sentences.compiled_splitter()
    assert len(texts) > 80_000
    mismatches = [t for t in texts if splitter.split(t) != python_sentences.split_sentences(t)]
    assert not mismatches, mismatches[:3]
    assert splitter.lines(texts[:2000]) == [sentence_lines(t) for t in texts[:2000]]


@needs_kernel
def test_c_splitter_agrees_on_made_up_edge_cases() -> None:
    rng = random.Random(5)
    splitter = kernel_sentences.compiled_splitter()
    for _ in range(20_000):
        text = made_up_text(rng, rng.randrange(1, 30))
        assert splitter.split(text) == python_sentences.split_sentences(text), repr(text)


def test_only_kelvin_sign_lower_cases_to_a_whole_ascii_word_among_non_ascii_letters() -> None:
    # The C splitter's word-list lookups rely on this (sentences.c, lower_ascii).
    odd = [c for c in range(128, 0x110000) if chr(c).lower().isascii()]
    assert odd == [0x212A]


@needs_kernel
def test_splitting_goes_back_to_python_when_the_rules_change(monkeypatch: pytest.MonkeyPatch) -> None:
    assert kernel_sentences.compiled_splitter() is not None
    monkeypatch.setattr(python_sentences, "SPLITTER_NAME", "bench-rules-3")
    assert kernel_sentences.compiled_splitter() is None
    assert kernel_sentences.split_sentences("Mr. Smith left. He said no.") == ["Mr. Smith left.", "He said no."]


# ----- the tokenizer scans ----------------------------------------------------------
@needs_kernel
@pytest.mark.parametrize("name", ["rouge-score", "unicode"])
@pytest.mark.parametrize("stem", [True, False])
def test_c_scans_give_the_tokenizers_own_tokens(name: str, stem: bool) -> None:
    rng = random.Random(11)
    texts = [made_up_text(rng, rng.randrange(0, 25)) for _ in range(3000)] + ["", "\n\n", "İİ \u212a"]
    tokenizer = make_tokenizer(name, stem)
    vocabulary = make_vocabulary(tokenizer)
    assert scan_mode(tokenizer) == ("rouge-score" if name == "rouge-score" else "classes")
    assert normalize_rule(tokenizer, scan_mode(tokenizer))[0] == ("rouge-score" if name == "rouge-score" else "unicode")
    corpus = vocabulary.encode(texts)
    names = vocabulary.names()
    for k, text in enumerate(texts):
        assert [names[i] for i in corpus.tokens(k)] == tokenizer.tokenize(text), repr(text)
        expected_lines = [tokenizer.tokenize(line) for line in text.split("\n")]
        assert [[names[i] for i in line] for line in corpus.lines(k)] == [line for line in expected_lines if line]


@needs_kernel
def test_a_plugin_tokenizer_keeps_its_own_words_and_tokens() -> None:
    class Shouty(RougeScoreTokenizer):
        def words(self, text: str) -> list[str]:
            return [w for w in text.upper().split() if w.isalpha()]

        def words_by_line(self, text: str) -> list[str]:
            out: list[str] = []
            for line in text.split("\n"):
                out += self.words(line) + ["\x00"]
            return out

        def _normalize(self, word: str) -> str | None:
            return None if word == "THE" else word[:4]

    tokenizer = Shouty()
    assert scan_mode(tokenizer) == "words" and normalize_rule(tokenizer, "words") == (None, None)
    vocabulary = make_vocabulary(tokenizer)
    texts = ["The cat sat\non the mat", "THE CATS ARE HERE", ""]
    corpus = vocabulary.encode(texts)
    names = vocabulary.names()
    assert [[names[i] for i in corpus.tokens(k)] for k in range(3)] == [tokenizer.tokenize(t) for t in texts]


# ----- pair scoring -----------------------------------------------------------------
def _pair_scorers():
    scorers = [("python", PythonRouge)]
    if native() is not None:
        from bench.metrics.rouge_native import NativeRouge

        scorers.append(("c", NativeRouge))
    return scorers


@pytest.mark.parametrize("path,cls", _pair_scorers())
@pytest.mark.parametrize("stem", [True, False])
def test_rouge_n_for_every_n_from_1_to_9_matches_rouge_score(path: str, cls, stem: bool) -> None:
    rng = random.Random(3)
    vocab = ["the", "cat", "cats", "running", "runs", "on", "mat", "a", "of"]
    texts = [" ".join(rng.choice(vocab) for _ in range(rng.randrange(0, 40))) for _ in range(120)]
    pred_tid = np.array([rng.randrange(120) for _ in range(400)], dtype=np.int32)
    ref_tid = np.array([rng.randrange(120) for _ in range(400)], dtype=np.int32)
    orders = list(range(1, 10))
    got = cls(make_tokenizer("rouge-score", stem)).score(texts, pred_tid, ref_tid, orders, True, False)
    reference = rouge_scorer.RougeScorer([f"rouge{n}" for n in orders] + ["rougeL"], use_stemmer=stem)
    for k, (p, r) in enumerate(zip(pred_tid, ref_tid)):
        expected = reference.score(texts[r], texts[p])
        want = [[s.precision, s.recall, s.fmeasure] for s in expected.values()]
        assert got[k].tolist() == want, (texts[p], texts[r])


@pytest.mark.parametrize("path,cls", _pair_scorers())
def test_union_lcs_picks_rouge_scores_lcs_on_texts_full_of_ties(path: str, cls) -> None:
    """Few distinct words, many sentences and lines past 64 and 128 tokens (several
    64-bit words per bit vector): which LCS the backtrack picks decides the score."""
    rng = random.Random(17)

    def text() -> str:
        sentences = []
        for _ in range(rng.randrange(1, 5)):
            length = rng.choice([rng.randrange(1, 12), rng.randrange(60, 140)])
            sentences.append(" ".join(f"w{rng.randrange(5)}" for _ in range(length)))
        return "\n".join(sentences)

    texts = [text() for _ in range(80)]
    pred_tid = np.arange(0, 80, 2, dtype=np.int32)
    ref_tid = np.arange(1, 80, 2, dtype=np.int32)
    got = cls(make_tokenizer("rouge-score", False)).score(texts, pred_tid, ref_tid, [], True, True)
    reference = rouge_scorer.RougeScorer(["rougeL", "rougeLsum"])
    for k, (p, r) in enumerate(zip(pred_tid, ref_tid)):
        expected = reference.score(texts[r], texts[p])
        assert got[k].tolist() == [[s.precision, s.recall, s.fmeasure] for s in expected.values()]


@needs_kernel
@pytest.mark.parametrize("rule", ["max", "mean"])
def test_both_paths_give_bit_identical_arrays_on_real_pairs(shared_data: Path, rule: str) -> None:
    rows = [json.loads(line) for line in (shared_data / "bbc_2004_2005.jsonl").read_text(encoding="utf-8").splitlines()]
    rng = random.Random(8)
    rows = rng.sample(rows, 400)
    preds = [" ".join(python_sentences.split_sentences(r["body"])[:2]) for r in rows]
    refs = [[r["headline"], r["standfirst"]] for r in rows]
    types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    got = {impl: FastRougeScorer(types, multiref=rule, implementation=impl).score_arrays(preds, refs)
           for impl in ("c", "python")}
    for t in types:
        assert np.array_equal(got["c"][t], got["python"][t])


# ----- several cores ----------------------------------------------------------------
@needs_kernel
@pytest.mark.skipif(not forked.can_fork(), reason="no fork on this platform")
def test_forked_workers_give_the_serial_numbers_and_share_their_stems(monkeypatch: pytest.MonkeyPatch) -> None:
    # The unicode tokenizer is not one the C batch reproduces (test_kernel_batch),
    # so two workers are forked processes that pool their stems.
    rng = random.Random(23)
    texts = [made_up_text(rng, rng.randrange(1, 40)) for _ in range(3000)]
    preds = [rng.choice(texts) for _ in range(5000)]
    refs = [[rng.choice(texts[:800])] for _ in range(5000)]
    types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    serial = FastRougeScorer(types, workers=1, implementation="c", tokenizer="unicode")
    parallel = FastRougeScorer(types, workers=2, implementation="c", tokenizer="unicode")
    assert not parallel._pairs.can_score_texts(True)
    forks: list[int] = []
    real_run = forked.run
    monkeypatch.setattr(forked, "run", lambda work, workers: forks.append(workers) or real_run(work, workers))
    got = parallel.score_arrays(preds, refs)
    assert forks == [2]
    expected = serial.score_arrays(preds, refs)
    for t in types:
        assert np.array_equal(expected[t], got[t])


@pytest.mark.skipif(not forked.can_fork(), reason="no fork on this platform")
def test_a_worker_that_fails_fails_the_call_and_leaves_no_process_behind() -> None:
    parent = os.getpid()

    def work(exchange: forked.Exchange) -> int:
        exchange.share({})
        if os.getpid() != parent:
            raise ValueError("boom in the child")
        return 1

    with pytest.raises(forked.WorkerFailed, match="boom in the child"):
        forked.run(work, 2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left, not even a zombie


def test_forked_run_pools_the_shares_of_every_worker() -> None:
    if not forked.can_fork():
        pytest.skip("no fork on this platform")

    def work(exchange: forked.Exchange) -> list:
        pooled = exchange.share({f"w{exchange.index}": str(exchange.index), f"x{exchange.index}": None})
        return sorted(pooled.items(), key=lambda kv: kv[0])

    results = forked.run(work, 3)
    names = [k for k, _ in results[0]]
    assert names == ["w0", "w1", "w2", "x0", "x1", "x2"]
    assert all([k for k, _ in r] == names for r in results)
    assert all(not dict(r)["x1"] for r in results) and all(dict(r)["w2"] == "2" for r in results)


# ----- the oracle -------------------------------------------------------------------
@needs_kernel
def test_oracle_picks_the_same_sentences_with_and_without_the_kernel(shared_data: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.api.article import Article
    from bench.summarizers.oracle import OracleSettings, OracleSummarizer

    rows = [json.loads(line) for line in (shared_data / "bbc_2004_2005.jsonl").read_text(encoding="utf-8").splitlines()]
    articles = [Article(id=str(r["id"]), headline=r["headline"], standfirst=r["standfirst"], body=r["body"])
                for r in rows[:300]]
    settings = OracleSettings(name="oracle", type="oracle", max_sentences={"headline": 2, "standfirst": 3})
    compiled = {t: OracleSummarizer(settings).summarize(articles, t) for t in ("headline", "standfirst")}
    monkeypatch.setenv(ENV, "python")
    plain = {t: OracleSummarizer(settings).summarize(articles, t) for t in ("headline", "standfirst")}
    assert compiled == plain
    assert sum(len(python_sentences.split_sentences(s)) > 1 for s in compiled["standfirst"]) > 50


# ----- without the kernel -----------------------------------------------------------
def test_without_the_extension_the_python_path_runs_with_the_same_numbers() -> None:
    code = (
        "import sys, json\n"
        "sys.modules['bench.kernel._native'] = None  # as if it was never built\n"
        "from bench.kernel import implementation, why_not\n"
        "from bench.metrics.fast_rouge import FastRougeScorer\n"
        "s = FastRougeScorer()\n"
        "print(json.dumps([implementation(), s.implementation, why_not(),"
        " s.score('Police arrest two men. They ran.', ['Two men were arrested by police.'])]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, check=True)
    kernel, used, why, scores = json.loads(done.stdout)
    assert kernel == used == "python" and "not installed" in why
    expected = FastRougeScorer().score("Police arrest two men. They ran.", ["Two men were arrested by police."])
    assert scores == expected


def test_the_environment_variable_turns_the_kernel_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "python")
    assert implementation() == "python" and native() is None
    assert FastRougeScorer().implementation == "python"
    with pytest.raises(RuntimeError, match=ENV):
        FastRougeScorer(implementation="c")
    with pytest.raises(ValueError):
        FastRougeScorer(implementation="rust")


# ----- every XSum pair ------------------------------------------------------------
@needs_kernel
@pytest.mark.slow
@pytest.mark.parametrize("stem", [True, False])
def test_every_xsum_pair_matches_rouge_score_exactly(shared_data: Path, stem: bool) -> None:
    folder = shared_data / "xsum_test_outputs"
    gold = folder.joinpath("gold-test-sentences.txt").read_text(encoding="utf-8").split("\n")[:11334]
    preds, refs = [], []
    for system in ("lead", "ext-oracle", "ptgen", "convs2s", "topic-convs2s"):
        preds += folder.joinpath(f"{system}-test-output.txt").read_text(encoding="utf-8").split("\n")[:11334]
        refs += gold
    types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    got = FastRougeScorer(types, use_stemmer=stem, implementation="c").score_arrays(preds, [[r] for r in refs])
    scorer = rouge_scorer.RougeScorer(types, use_stemmer=stem)
    lines = dict(zip(set(preds + refs), kernel_sentences.sentence_lines(list(set(preds + refs)))))
    for k, (p, r) in enumerate(zip(preds, refs)):
        expected = scorer.score(lines[r], lines[p])
        for t in types:
            assert got[t][k].tolist() == [expected[t].precision, expected[t].recall, expected[t].fmeasure], (k, t)
    assert len(preds) == 56_670


# ----- what results record ----------------------------------------------------------
@pytest.mark.parametrize("switched_off", [False, True])
def test_results_record_which_path_scored_but_the_signature_does_not(tmp_path: Path, switched_off: bool,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.cli import main

    if switched_off:
        monkeypatch.setenv(ENV, "python")
    (tmp_path / "gold.txt").write_text("Police arrest two men.\nStocks fall sharply on Monday.\n", encoding="utf-8")
    (tmp_path / "sys.txt").write_text("Two men arrested by police.\nShares fell on Monday.\n", encoding="utf-8")
    out = tmp_path / "runs"
    assert main(["score", "-r", str(tmp_path / "gold.txt"), "-p", str(tmp_path / "sys.txt"),
                 "--target", "headline", "-o", str(out), "-q"]) == 0
    [directory] = [p for p in out.iterdir() if p.is_dir()]
    results = json.loads((directory / "results.json").read_text(encoding="utf-8"))
    recorded = results["environment"]["scoring_kernel"]
    assert recorded["implementation"] == implementation() == ("python" if switched_off else recorded["implementation"])
    assert (recorded.get("reason") is not None) == (recorded["implementation"] == "python")
    assert "kernel" not in results["signature"] and "python" not in results["signature"]


def test_a_build_older_than_its_sources_is_never_run(tmp_path: Path) -> None:
    import shutil

    from bench.kernel import HERE, source_hash

    copy = tmp_path / "kernel"
    shutil.copytree(HERE, copy, ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__", "_native.c"))
    before = source_hash(copy)
    assert before == source_hash(HERE) and before is not None
    (copy / "src" / "pairs.c").write_text((copy / "src" / "pairs.c").read_text() + "\n/* edited */\n")
    assert source_hash(copy) != before
    assert source_hash(tmp_path / "no-sources-here") is None  # an installed wheel: nothing to compare
    if native() is not None:
        assert native().SOURCE_HASH == before  # the module in use was built from these very sources


def test_cached_oracle_outputs_are_keyed_on_the_kernels_c_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.cache.keys import PredictionKeys
    from bench.summarizers.oracle import OracleSummarizer

    settings = {"name": "oracle", "type": "oracle"}
    if native() is not None:
        assert OracleSummarizer.cache_identity(OracleSummarizer.Settings(**settings)) == {"kernel": native().SOURCE_HASH}
        compiled = PredictionKeys(OracleSummarizer, settings, 1).identity
        monkeypatch.setenv(ENV, "python")
        assert PredictionKeys(OracleSummarizer, settings, 1).identity != compiled
    assert OracleSummarizer.cache_identity(OracleSummarizer.Settings(**settings)) == {}


# ----- the statistics ---------------------------------------------------------------
def test_resample_counts_are_drawn_once_and_are_the_very_same_counts() -> None:
    from bench.metrics import significance

    significance._one_block.cache_clear()
    matrix = np.random.default_rng(1).random((500, 4))
    fresh = next(significance._draw_blocks(500, 200, 7))
    first = significance.resampled_sums(matrix, 200, 7)
    again = significance.resampled_sums(matrix, 200, 7)
    assert np.array_equal(first, fresh @ matrix) and np.array_equal(first, again)
    assert significance._one_block.cache_info().hits >= 1
    with pytest.raises(ValueError):
        significance._one_block(500, 200, 7)[0, 0] = 5.0  # shared: read-only
    assert np.array_equal(np.concatenate(list(significance.resample_blocks(500, 200, 7))), fresh)


def _greedy_oracle(tokens: list[list[str]], references: list[list[str]], rule: str, limit: int) -> list[int]:
    """The oracle's Python loop with several references (max or statistics.fmean of the
    per-reference objective), as the reference for the compiled loop."""
    from collections import Counter
    from statistics import fmean

    def grams(seq: list[str], n: int) -> Counter:
        return Counter(tuple(seq[i:i + n]) for i in range(len(seq) - n + 1))

    def f1(candidate: Counter, reference: Counter) -> float:
        overlap = sum((candidate & reference).values())
        if not overlap:
            return 0.0
        precision, recall = overlap / sum(candidate.values()), overlap / sum(reference.values())
        return 2 * precision * recall / (precision + recall)

    ref_grams = [(grams(r, 1), grams(r, 2)) for r in references]
    combine = max if rule == "max" else fmean
    chosen: list[int] = []
    best = 0.0
    while len(chosen) < limit:
        candidate, candidate_score = None, best
        for i in range(len(tokens)):
            if i in chosen:
                continue
            picked = [t for j in sorted(chosen + [i]) for t in tokens[j]]
            mine = (grams(picked, 1), grams(picked, 2))
            score = combine([(f1(mine[0], one) + f1(mine[1], two)) / 2 for one, two in ref_grams])
            if score > candidate_score:
                candidate, candidate_score = i, score
        if candidate is None:
            break
        chosen.append(candidate)
        best = candidate_score
    return chosen


@needs_kernel
@pytest.mark.parametrize("rule", ["max", "mean"])
def test_compiled_oracle_loop_combines_several_references_as_python_does(shared_data: Path, rule: str) -> None:
    rows = [json.loads(line) for line in (shared_data / "bbc_2004_2005.jsonl").read_text(encoding="utf-8").splitlines()]
    rng = random.Random(31)
    tokenizer = RougeScoreTokenizer(use_stemmer=True)
    vocabulary = make_vocabulary(tokenizer)
    kernel = native()
    for row in rng.sample(rows, 150):
        body = python_sentences.split_sentences(row["body"])
        references = [row["headline"], row["standfirst"]] + rng.sample(body, min(len(body), rng.randrange(0, 3)))
        corpus = vocabulary.encode(references + body)
        got = kernel.oracle(corpus, len(references), len(body), list(range(len(references))),
                            0 if rule == "max" else 1, 3)
        expected = _greedy_oracle([tokenizer.tokenize(s) for s in body], [tokenizer.tokenize(r) for r in references],
                                  rule, 3)
        assert got == expected, row["id"]


@needs_kernel
def test_the_kernels_exact_sum_is_math_fsum() -> None:
    import math

    rng = random.Random(41)
    cases = [[1e-16, 1.0, 1e16], [0.1] * 10, [0.7, 0.1, 0.2], [1.0, -1.0, 1e-300]]
    cases += [[rng.random() * 10 ** rng.randrange(-20, 20) * rng.choice([1, -1]) for _ in range(rng.randrange(1, 9))]
              for _ in range(20_000)]
    for values in cases:
        assert native().fsum(values) == math.fsum(values), values
    assert sum([0.1] * 10) != math.fsum([0.1] * 10)  # a running sum would not do


@pytest.mark.parametrize("workers", [1, 2])
def test_texts_that_are_not_str_are_refused_the_same_way_on_any_number_of_cores(workers: int,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import bench.metrics.fast_rouge as fast_rouge

    monkeypatch.setattr(fast_rouge, "PARALLEL_MIN_PAIRS", 10)
    monkeypatch.setattr(fast_rouge, "THREADS_MIN_PAIRS", 10)
    with pytest.raises(TypeError, match="str"):
        FastRougeScorer(workers=workers).score_arrays(["a headline"] * 20, [[b"bytes, not text"]] * 20)
    import numpy

    ok = FastRougeScorer(workers=workers).score_arrays([numpy.str_("a cat sat")] * 20, [["the cat sat"]] * 20)
    assert ok["rouge1"][0, 2] == pytest.approx(2 / 3)
