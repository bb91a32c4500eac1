"""The guarded Porter stemmer gives NLTK's stems, word for word."""

from __future__ import annotations

import json
import random
import string

import pytest
from nltk.stem import porter

from bench.tokenizers import porter as guarded_porter
from bench.tokenizers.porter import CHECK_WORDS, GuardedPorterStemmer, make_porter_stemmer
from bench.tokenizers.words import RougeScoreTokenizer


def news_vocabulary(shared_data) -> set[str]:
    """Every distinct word rouge-score's tokenizer sees in the shared news data."""
    words = RougeScoreTokenizer(use_stemmer=False).words
    vocabulary: set[str] = set()
    for name in ("bbc_2004_2005.jsonl", "xsum_test_subset.jsonl", "wikinews_en.jsonl"):
        for line in (shared_data / name).read_text(encoding="utf-8").splitlines():
            for value in json.loads(line).values():
                if isinstance(value, str):
                    vocabulary.update(words(value))
    for path in (shared_data / "xsum_test_outputs").glob("*.txt"):
        vocabulary.update(words(path.read_text(encoding="utf-8")))
    return vocabulary


def test_same_stems_as_nltk_on_every_word_of_the_news_data(shared_data) -> None:
    vocabulary = sorted(news_vocabulary(shared_data))
    assert len(vocabulary) > 50_000
    plain, guarded = porter.PorterStemmer(), GuardedPorterStemmer()
    differing = [w for w in vocabulary if guarded.stem(w) != plain.stem(w)]
    assert differing == []
    # The guards must actually skip work, or the class has no reason to exist.
    assert sum(plain.stem(w) != w for w in vocabulary) > 10_000


def test_same_stems_on_made_up_words_built_from_every_suffix() -> None:
    rng = random.Random(11)
    suffixes = [s for group in guarded_porter._STEP_SUFFIXES.values() for s in group]
    stems = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    words = [stem + rng.choice(suffixes) + rng.choice(["", "s", "ed", "ing", "ly", "e", "y"]) for stem in stems]
    words += ["y" * k for k in range(1, 12)] + ["".join(rng.choice("aeiouyl") for _ in range(6)) for _ in range(2000)]
    plain, guarded = porter.PorterStemmer(), GuardedPorterStemmer()
    assert [guarded.stem(w) for w in words] == [plain.stem(w) for w in words]


def test_the_check_words_exercise_every_step() -> None:
    """Each guarded step changes at least one of the words the self-check uses."""
    plain = porter.PorterStemmer()
    for name in guarded_porter._STEP_SUFFIXES:
        step = getattr(porter.PorterStemmer, name)
        assert any(step(plain, w) != w for w in CHECK_WORDS), name


def test_falls_back_to_nltk_when_a_guard_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    # A guard that misses a suffix (as if NLTK had added a rule) changes stems: not used.
    monkeypatch.setattr(GuardedPorterStemmer, "_step4", guarded_porter._guarded("_step4", ("al",)))
    assert type(make_porter_stemmer()) is porter.PorterStemmer


def test_guarded_stemmer_is_used_when_it_agrees() -> None:
    assert type(make_porter_stemmer()) is GuardedPorterStemmer
