"""Lead-k: the first k sentences of the body, the classic news baseline."""

from __future__ import annotations

from typing import Sequence

from bench.api.article import Source
from bench.api.summarizer import Summarizer, SummarizerSettings
from bench.api.per_target import PerTargetCount, per_target
from bench.summarizers.common import body_sentences


class LeadSettings(SummarizerSettings):
    sentences: PerTargetCount = per_target(1)


class LeadSummarizer(Summarizer):
    Settings = LeadSettings
    description = "first k sentences of the body (sentences: k, or per target)"

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        k = self.settings.sentences[target]
        return [" ".join(body_sentences(article)[:k]) for article in articles]
