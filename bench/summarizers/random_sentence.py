"""A seeded random body sentence: the floor any real system must clear."""

from __future__ import annotations

import random
from typing import Sequence

from bench.api.article import Source
from bench.api.summarizer import Summarizer, SummarizerSettings
from bench.api.per_target import PerTargetCount, per_target
from bench.summarizers.common import body_sentences


class RandomSettings(SummarizerSettings):
    sentences: PerTargetCount = per_target(1)


class RandomSentenceSummarizer(Summarizer):
    Settings = RandomSettings
    description = "seeded random body sentence(s), in body order"
    deterministic = False  # the choice follows the run seed

    @classmethod
    def cache_identity(cls, settings: RandomSettings) -> dict[str, str]:
        return {"name": settings.name}  # the name seeds the choice too (see below)

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        k = self.settings.sentences[target]
        outputs = []
        for article in articles:
            sentences = body_sentences(article)
            # Seeded per article, so the choice does not depend on batch order or size.
            rng = random.Random(f"{self.seed}:{self.name}:{target}:{article.id}")
            chosen = sorted(rng.sample(range(len(sentences)), min(k, len(sentences))))
            outputs.append(" ".join(sentences[i] for i in chosen))
        return outputs
