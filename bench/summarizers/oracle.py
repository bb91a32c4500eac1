"""Greedy extractive oracle: the body sentences that best match the reference.

An upper bound for extractive systems, not a system: it reads the reference,
so it declares ``is_oracle`` and is flagged as an oracle wherever it is shown.
Greedy selection in the manner of Nallapati et al. (2017): add the sentence
that most raises the mean of ROUGE-1 and ROUGE-2 F1, stop when nothing does.
With several references the objective combines them as ``multiref`` says (the
rule scoring uses, so the oracle stays an upper bound under it).
"""

from __future__ import annotations

from collections import Counter
from statistics import fmean
from typing import Literal, Sequence

from pydantic import Field

from bench.api.article import Article
from bench.api.summarizer import Summarizer, SummarizerSettings
from bench.summarizers.common import PerTargetCount, body_sentences, for_target, per_target_fields
from bench.tokenizers.words import RougeScoreTokenizer


class OracleSettings(SummarizerSettings):
    max_sentences: PerTargetCount = Field(default_factory=lambda: {"headline": 1, "standfirst": 2})
    # How several references combine in the objective: as scoring.multiref combines their scores.
    multiref: Literal["max", "mean"] = "max"

    _spell_out = per_target_fields("max_sentences")


class OracleSummarizer(Summarizer):
    Settings = OracleSettings
    is_oracle = True
    description = "greedy extractive ROUGE oracle (reads the reference: an upper bound)"

    def __init__(self, settings: OracleSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        self._tokenizer = RougeScoreTokenizer(use_stemmer=True)

    def summarize(self, articles: Sequence[Article], target: str) -> list[str]:
        limit = for_target(self.settings.max_sentences, target)
        return [self._select(article, article.references(target) or ("",), limit) for article in articles]

    def _select(self, article: Article, references: Sequence[str], limit: int) -> str:
        sentences = body_sentences(article)
        tokens = [self._tokenizer.tokenize(s) for s in sentences]
        ref_grams = []
        for reference in references:
            ref_tokens = self._tokenizer.tokenize(reference)
            ref_grams.append((_ngrams(ref_tokens, 1), _ngrams(ref_tokens, 2)))
        combine = max if self.settings.multiref == "max" else fmean
        chosen: list[int] = []
        best = 0.0
        while len(chosen) < limit:
            candidate, candidate_score = None, best
            for i in range(len(sentences)):
                if i in chosen:
                    continue
                picked = [t for j in sorted(chosen + [i]) for t in tokens[j]]
                grams = (_ngrams(picked, 1), _ngrams(picked, 2))
                score = combine([(_f1(grams[0], one) + _f1(grams[1], two)) / 2 for one, two in ref_grams])
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
