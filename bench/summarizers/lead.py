"""Lead-k: the first k sentences of the body, the classic news baseline."""

from __future__ import annotations

from typing import Sequence

from pydantic import Field

from bench.api.article import Source
from bench.api.summarizer import Summarizer, SummarizerSettings
from bench.summarizers.common import PerTargetCount, body_sentences, for_target, per_target_fields


class LeadSettings(SummarizerSettings):
    sentences: PerTargetCount = Field(default_factory=lambda: {"headline": 1, "standfirst": 1})

    _spell_out = per_target_fields("sentences")


class LeadSummarizer(Summarizer):
    Settings = LeadSettings
    description = "first k sentences of the body (sentences: k, or per target)"

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        k = for_target(self.settings.sentences, target)
        return [" ".join(body_sentences(article)[:k]) for article in articles]
