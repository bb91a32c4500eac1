"""Greedy extractive oracle: the body sentences that best match the reference.

An upper bound for extractive systems, not a system: it reads the reference,
so it declares ``is_oracle`` and is flagged as an oracle wherever it is shown.
Greedy selection in the manner of Nallapati et al. (2017): add the sentence
that most raises the mean of ROUGE-1 and ROUGE-2 F1, stop when nothing does.

The selection loop runs in the compiled kernel (bench.kernel) where it is
built: the whole batch is split and tokenized in one pass, each distinct word
stemmed once for the summarizer's lifetime, and every candidate scored in C
with the same floating-point operations as the Python loop below, which runs
otherwise. The outputs are the same either way.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

from pydantic import Field

from bench.api.article import Article
from bench.api.summarizer import Summarizer, SummarizerSettings
from bench.kernel import native
from bench.kernel import sentences as kernel_sentences
from bench.kernel.vocabulary import make_vocabulary
from bench.summarizers.common import PerTargetCount, body_sentences, for_target, per_target_fields
from bench.tokenizers.words import RougeScoreTokenizer


class OracleSettings(SummarizerSettings):
    max_sentences: PerTargetCount = Field(default_factory=lambda: {"headline": 1, "standfirst": 2})

    _spell_out = per_target_fields("max_sentences")


class OracleSummarizer(Summarizer):
    Settings = OracleSettings
    is_oracle = True
    description = "greedy extractive ROUGE oracle (reads the reference: an upper bound)"

    def __init__(self, settings: OracleSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        self._tokenizer = RougeScoreTokenizer(use_stemmer=True)
        self._vocabulary = None  # the compiled kernel's word ids, made on first use

    @classmethod
    def cache_identity(cls, settings: SummarizerSettings) -> dict[str, Any]:
        # The compiled loop is C, which the cache key's reading of Python imports cannot
        # see: key cached outputs on the digest of the kernel's sources as well.
        kernel = native()
        return {"kernel": kernel.SOURCE_HASH} if kernel is not None else {}

    def summarize(self, articles: Sequence[Article], target: str) -> list[str]:
        limit = for_target(self.settings.max_sentences, target)
        kernel = native()
        if kernel is not None:
            return self._select_compiled(kernel, articles, target, limit)
        return [self._select(article, article.reference(target), limit) for article in articles]

    def _select_compiled(self, kernel, articles: Sequence[Article], target: str, limit: int) -> list[str]:
        """``_select`` for a whole batch: one split, one tokenizing pass, a C loop per article."""
        if self._vocabulary is None:
            self._vocabulary = make_vocabulary(self._tokenizer)
        sentences = [kernel_sentences.split_sentences(article.body) for article in articles]
        texts: list[str] = []
        for article, body in zip(articles, sentences):
            texts.append(article.reference(target))
            texts.extend(body)
        corpus = self._vocabulary.encode(texts)
        out, first = [], 0
        for body in sentences:
            chosen = kernel.oracle(corpus, first + 1, len(body), [first], 0, limit)
            if not chosen and body:
                chosen = [0]
            out.append(" ".join(body[i] for i in sorted(chosen)))
            first += 1 + len(body)
        return out

    def _select(self, article: Article, reference: str, limit: int) -> str:
        sentences = body_sentences(article)
        tokens = [self._tokenizer.tokenize(s) for s in sentences]
        ref_tokens = self._tokenizer.tokenize(reference)
        ref_grams = (_ngrams(ref_tokens, 1), _ngrams(ref_tokens, 2))
        chosen: list[int] = []
        best = 0.0
        while len(chosen) < limit:
            candidate, candidate_score = None, best
            for i in range(len(sentences)):
                if i in chosen:
                    continue
                picked = [t for j in sorted(chosen + [i]) for t in tokens[j]]
                score = (_f1(_ngrams(picked, 1), ref_grams[0]) + _f1(_ngrams(picked, 2), ref_grams[1])) / 2
                if score > candidate_score:
                    candidate, candidate_score = i, score
            if candidate is None:
                break
            chosen.append(candidate)
            best = candidate_score
        if not chosen and sentences:
            chosen = [0]
        return " ".join(sentences[i] for i in sorted(chosen))


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _f1(candidate: Counter, reference: Counter) -> float:
    overlap = sum((candidate & reference).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(candidate.values())
    recall = overlap / sum(reference.values())
    return 2 * precision * recall / (precision + recall)
