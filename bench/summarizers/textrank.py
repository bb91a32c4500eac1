"""``textrank``: the classic unsupervised graph baseline (Mihalcea & Tarau, 2004).

Sentences are nodes; two sentences are linked by their word overlap
normalised by their lengths; PageRank on that graph ranks them and the top
k (in body order) are the output.
"""

from __future__ import annotations

import math
from typing import Sequence

from pydantic import Field

from bench.api.article import Source
from bench.api.summarizer import Summarizer, SummarizerSettings
from bench.api.per_target import PerTargetCount, per_target
from bench.summarizers.common import body_sentences
from bench.tokenizers.words import RougeScoreTokenizer


class TextRankSettings(SummarizerSettings):
    sentences: PerTargetCount = per_target(1)
    damping: float = Field(default=0.85, gt=0.0, lt=1.0)


def overlap_similarity(a: set[str], b: set[str]) -> float:
    """TextRank's similarity: shared words over the log lengths of the two sentences."""
    if len(a) < 2 or len(b) < 2:
        return 0.0
    return len(a & b) / (math.log(len(a)) + math.log(len(b)))


def rank_sentences(tokens: list[set[str]], damping: float = 0.85) -> list[float]:
    """PageRank score of each sentence in the weighted similarity graph."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(len(tokens)))
    for i in range(len(tokens)):
        for j in range(i + 1, len(tokens)):
            weight = overlap_similarity(tokens[i], tokens[j])
            if weight > 0:
                graph.add_edge(i, j, weight=weight)
    scores = nx.pagerank(graph, alpha=damping, weight="weight", max_iter=200, tol=1e-8)
    return [scores[i] for i in range(len(tokens))]


class TextRankSummarizer(Summarizer):
    Settings = TextRankSettings
    description = "TextRank: PageRank over the sentence word-overlap graph, top k in body order"

    def __init__(self, settings: TextRankSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        self._tokenizer = RougeScoreTokenizer(use_stemmer=True)

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        k = self.settings.sentences[target]
        return [self._select(body_sentences(article), k) for article in articles]

    def _select(self, sentences: list[str], k: int) -> str:
        if len(sentences) <= k:
            return " ".join(sentences)
        scores = rank_sentences([set(self._tokenizer.tokenize(s)) for s in sentences], self.settings.damping)
        # Highest score first; ties go to the earlier sentence (the news lead).
        best = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))[:k]
        return " ".join(sentences[i] for i in sorted(best))
