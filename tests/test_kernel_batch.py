"""rouge-score's tokenizer wholly in C (bench.kernel's score_texts, src/batch.c and
src/porter.c): the C Porter stemmer gives NLTK's stems word for word, the scan
needs no str.lower() first, and a batch scored on any number of threads gives
rouge-score's own numbers, bit for bit. Where the C batch cannot stand in (another
tokenizer, another stemmer), the scorer says so and takes the other paths."""

from __future__ import annotations

import json
import random
import re
import threading
from pathlib import Path

import numpy as np
import pytest
from nltk.stem import porter
from rouge_score import rouge_scorer

from bench.kernel import native
from bench.kernel import stemming
from bench.kernel.vocabulary import stems_in_c
from bench.metrics import fast_rouge
from bench.metrics.fast_rouge import FastRougeScorer
from bench.metrics.rouge import sentence_lines
from bench.tokenizers.porter import make_porter_stemmer
from bench.tokenizers.words import RougeScoreTokenizer, make_tokenizer
from test_kernel import made_up_text

pytestmark = pytest.mark.skipif(native() is None, reason="the compiled kernel is not built here")
TYPES = ["rouge1", "rouge2", "rouge3", "rougeL", "rougeLsum"]


# ----- NLTK's Porter stemmer, in C --------------------------------------------------
def _english_words() -> set[str]:
    from english_words import get_english_words_set

    return {w for w in get_english_words_set(["web2"], lower=True) if re.fullmatch(r"[a-z0-9]+", w)}


def test_c_porter_gives_nltks_stem_for_every_word_of_the_shared_data_and_of_an_english_word_list(
        shared_data: Path) -> None:
    words = _english_words()
    for path in sorted(shared_data.rglob("*")):
        if path.is_file() and path.suffix in (".jsonl", ".txt", ".csv", ".tsv", ".json"):
            words |= set(re.findall(r"[a-z0-9]+", path.read_text(encoding="utf-8", errors="ignore").lower()))
    nltk = porter.PorterStemmer()
    stem = native().porter_stem
    differ = [(w, nltk.stem(w), stem(w)) for w in sorted(words) if nltk.stem(w) != stem(w)]
    assert len(words) > 200_000 and differ == []


def test_c_porter_gives_nltks_stem_for_made_up_words_full_of_ys_and_doubled_letters() -> None:
    rng = random.Random(3)
    letters = "aeiouyyybcdlstnmrgzxwpk0"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(1, 14))) for _ in range(100_000)}
    suffixes = ("alli", "ational", "ement", "ies", "ied", "eed", "ing", "logi")
    words |= {w + s for w in sorted(words)[:5000] for s in suffixes}
    nltk = porter.PorterStemmer()
    assert [w for w in words if nltk.stem(w) != native().porter_stem(w)] == []


def test_c_porter_refuses_words_the_scan_never_makes() -> None:
    for word in ("Running", "caf\u00e9", "don't"):
        with pytest.raises(ValueError, match="a-z0-9"):
            native().porter_stem(word)
    assert native().porter_stem("") == ""


def test_c_porter_stands_in_only_for_nltks_stemmer_in_nltk_extensions_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tweaked(porter.PorterStemmer):
        def stem(self, word: str, to_lowercase: bool = True) -> str:
            return word

    assert stemming.compiled_porter(make_porter_stemmer().stem)
    assert stemming.compiled_porter(porter.PorterStemmer().stem)
    assert not stemming.compiled_porter(porter.PorterStemmer(mode=porter.PorterStemmer.ORIGINAL_ALGORITHM).stem)
    assert not stemming.compiled_porter(porter.PorterStemmer(mode=porter.PorterStemmer.MARTIN_EXTENSIONS).stem)
    assert not stemming.compiled_porter(Tweaked().stem)
    assert not stemming.compiled_porter(None) and not stemming.compiled_porter(str.lower)


def test_an_nltk_whose_stems_differ_from_the_c_port_keeps_stemming_in_python(monkeypatch: pytest.MonkeyPatch) -> None:
    stemming._agrees.cache_clear()
    monkeypatch.setattr(porter.PorterStemmer, "_step5b", lambda self, word: word)  # an NLTK that moved on
    try:
        assert not stemming.compiled_porter(porter.PorterStemmer().stem)
        assert stems_in_c(RougeScoreTokenizer(use_stemmer=True)) is None
        assert stems_in_c(RougeScoreTokenizer(use_stemmer=False)) is False
    finally:
        stemming._agrees.cache_clear()


# ----- the scan folds str.lower() in ---------------------------------------------------
def test_only_ascii_the_kelvin_sign_and_dotted_capital_i_lower_case_into_rouge_scores_alphabet() -> None:
    # The rouge-score scan maps U+212A to "k" and U+0130 to "i" and a word break itself (kernel.h).
    odd = {c: chr(c).lower() for c in range(128, 0x110000) if re.search(r"[a-z0-9]", chr(c).lower())}
    assert odd == {0x130: "i\u0307", 0x212A: "k"}


# ----- whole batches against rouge-score -----------------------------------------------
def _rouge_score(preds: list[str], refs: list[str], stem: bool) -> np.ndarray:
    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=stem)
    lines = {text: sentence_lines(text) for text in set(preds + refs)}  # as bench's rouge-score backend
    out = []
    for p, r in zip(preds, refs):
        s = scorer.score(lines[r], lines[p])
        out.append([[s[t].precision, s[t].recall, s[t].fmeasure] for t in TYPES])
    return np.array(out)


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _stack(scores: dict[str, np.ndarray]) -> np.ndarray:
    return np.stack([scores[t] for t in TYPES], axis=1)


@pytest.mark.parametrize("stem", [True, False])
def test_a_batch_on_any_number_of_threads_gives_rouge_scores_numbers_on_made_up_texts(
        stem: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(17)
    texts = [made_up_text(rng, rng.randrange(0, 40)) for _ in range(1500)]
    texts += ["", "\n\n", "\u0130STANBUL \u0130\u0130 \u212aELVIN. Caf\u00e9 d\u00e9j\u00e0 vu! \u212a9 \u0130x"]
    preds = [rng.choice(texts) for _ in range(2500)]
    refs = [rng.choice(texts[:600] + texts[-3:]) for _ in range(2500)]
    expected = _rouge_score(preds, refs, stem)
    monkeypatch.setattr(fast_rouge, "THREADS_MIN_PAIRS", 1)
    for threads in (1, 2, 3, 7):
        scorer = FastRougeScorer(TYPES, use_stemmer=stem, workers=threads)
        assert scorer._pairs.can_score_texts(scorer._split)
        assert np.array_equal(_stack(scorer.score_arrays(preds, [[r] for r in refs])), expected), threads


def test_more_threads_than_references_leave_some_parts_empty_and_the_numbers_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_rouge, "THREADS_MIN_PAIRS", 1)
    preds = ["Police arrest two men. They ran.", "", "Two men ran from police", "\u212aelvin"] * 5
    refs = ["Two men were arrested by police."] * 19 + ["K"]
    expected = _rouge_score(preds, refs, True)
    for threads in (1, 4, 16):
        got = FastRougeScorer(TYPES, workers=threads).score_arrays(preds, [[r] for r in refs])
        assert np.array_equal(_stack(got), expected), threads
    assert FastRougeScorer(TYPES, workers=4).score_arrays([], [])["rouge1"].shape == (0, 3)


def test_a_batch_of_real_news_pairs_gives_rouge_scores_numbers(shared_data: Path) -> None:
    rows = _rows(shared_data / "wikinews_2019_2020.jsonl")
    preds = [r["standfirst"] for r in rows] + [r["headline"] for r in rows] + [r["body"][:600] for r in rows]
    refs = [r["headline"] for r in rows] * 2 + [r["standfirst"] for r in rows]
    scorer = FastRougeScorer(TYPES, workers=2)
    got = scorer._pairs.score_texts(preds, refs, True, scorer.orders, True, True, 2)
    assert np.array_equal(got, _rouge_score(preds, refs, True))


def test_the_batch_path_and_the_word_table_path_agree_bit_for_bit_on_real_news(shared_data: Path) -> None:
    rows = _rows(shared_data / "bbc_2004_2005.jsonl")
    preds = [r["body"][:400] for r in rows]
    refs = [[r["standfirst"]] for r in rows]
    batch = FastRougeScorer(TYPES, workers=2)
    table = FastRougeScorer(TYPES, workers=1)
    table._pairs._stems_in_c = None  # the scan, stems from Python, then the C scorer
    assert np.array_equal(_stack(batch.score_arrays(preds, refs)), _stack(table.score_arrays(preds, refs)))


def test_str_subclasses_are_scored_as_their_text_and_other_objects_are_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    class Headline(str):
        pass

    monkeypatch.setattr(fast_rouge, "THREADS_MIN_PAIRS", 1)
    scorer = FastRougeScorer(TYPES, workers=2)
    plain = scorer.score_arrays(["a cat sat on the mat"] * 50, [["the cat sat"]] * 50)
    subclassed = scorer.score_arrays([Headline("a cat sat on the mat")] * 50, [(Headline("the cat sat"),)] * 50)
    assert np.array_equal(_stack(plain), _stack(subclassed))
    with pytest.raises(TypeError, match="str, not bytes"):
        scorer.score_arrays(["a cat"] * 50, [[b"the cat"]] * 50)
    with pytest.raises(TypeError, match="str, not int"):
        scorer._pairs.score_texts([1] * 50, ["x"] * 50, True, scorer.orders, True, True, 2)


def test_the_batch_path_is_taken_only_where_it_reproduces_the_tokenizer(monkeypatch: pytest.MonkeyPatch) -> None:
    class Shouty(RougeScoreTokenizer):
        def words(self, text: str) -> list[str]:
            return text.upper().split()

    assert FastRougeScorer(TYPES)._pairs.can_score_texts(True)
    assert FastRougeScorer(TYPES, use_stemmer=False)._pairs.can_score_texts(True)
    assert not FastRougeScorer(TYPES, tokenizer=make_tokenizer("unicode"))._pairs.can_score_texts(True)
    assert not FastRougeScorer(TYPES, tokenizer=Shouty())._pairs.can_score_texts(True)
    from bench.tokenizers import sentences as python_sentences

    monkeypatch.setattr(python_sentences, "SPLITTER_NAME", "bench-rules-3")  # rules the C splitter does not know
    assert not FastRougeScorer(TYPES)._pairs.can_score_texts(True)
    assert FastRougeScorer(["rouge1", "rougeL"])._pairs.can_score_texts(False)


def test_threads_really_run_at_once_without_the_gil() -> None:
    # While one batch runs on this thread, another thread keeps running Python:
    # the batch holds no GIL. (A count, not a time: the other thread got turns.)
    rng = random.Random(4)
    texts = [made_up_text(rng, 30) for _ in range(4000)]
    scorer = FastRougeScorer(TYPES, workers=1)
    ticks = 0
    done = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    counter = threading.Thread(target=count)
    counter.start()
    try:
        before = ticks
        for _ in range(3):
            scorer._pairs.score_texts(texts, texts[::-1], True, scorer.orders, True, True, 1)
        during = ticks - before
    finally:
        done.set()
        counter.join()
    assert during > 1000


def test_more_workers_than_the_kernel_allows_are_capped_not_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_rouge, "THREADS_MIN_PAIRS", 1)
    preds, refs = ["Police arrest two men"] * 300, [["Two men were arrested by police"]] * 300
    many = FastRougeScorer(TYPES, workers=300).score_arrays(preds, refs)  # scoring.metrics.rouge.workers allows 256
    assert np.array_equal(_stack(many), _stack(FastRougeScorer(TYPES, workers=1).score_arrays(preds, refs)))


def test_a_batch_part_that_was_never_set_up_is_refused_not_run() -> None:
    with pytest.raises(ValueError, match="not a part of this batch"):
        native()._Batch().run(0, 1)


def _legacy_str(text: str) -> str | None:
    """A str made through the C API removed in Python 3.12, whose code points are not laid out yet."""
    import ctypes

    try:
        make, fill = ctypes.pythonapi.PyUnicode_FromUnicode, ctypes.pythonapi.PyUnicode_AsUnicode
    except AttributeError:
        return None
    make.restype, make.argtypes = ctypes.py_object, [ctypes.c_void_p, ctypes.c_ssize_t]
    fill.restype, fill.argtypes = ctypes.c_void_p, [ctypes.py_object]
    legacy = make(None, len(text))
    ctypes.memmove(fill(legacy), ctypes.create_unicode_buffer(text), len(text) * ctypes.sizeof(ctypes.c_wchar))
    return legacy


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_legacy_str_is_laid_out_and_scored_like_any_other() -> None:
    legacy = _legacy_str("police arrest two men")
    if legacy is None:
        pytest.skip("this Python has no legacy str objects (3.12 and later)")
    out = np.empty((1, 1, 3))
    native().score_texts([legacy], ["two men held by police"], [1], False, False, None, False, 1, out)
    expected = rouge_scorer.RougeScorer(["rouge1"]).score("two men held by police", "police arrest two men")
    assert out[0, 0].tolist() == [expected["rouge1"].precision, expected["rouge1"].recall, expected["rouge1"].fmeasure]
