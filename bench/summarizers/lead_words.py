"""The first sentence cut to a word and/or character budget per target: the
headline baseline newsrooms actually compare against."""

from __future__ import annotations

from typing import Sequence

from pydantic import Field

from bench.api.article import Source
from bench.api.summarizer import Summarizer, SummarizerSettings
from bench.summarizers.common import body_sentences, for_target


class LeadWordsSettings(SummarizerSettings):
    max_words: int | dict[str, int] | None = Field(default_factory=lambda: {"headline": 10, "standfirst": 30})
    max_chars: int | dict[str, int] | None = None


class LeadWordsSummarizer(Summarizer):
    Settings = LeadWordsSettings
    description = "first sentence cut to a word/character budget per target"

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        words = for_target(self.settings.max_words, target) if self.settings.max_words is not None else None
        chars = for_target(self.settings.max_chars, target) if self.settings.max_chars is not None else None
        return [cut(first_sentence(article), words, chars) for article in articles]


def first_sentence(article: Source) -> str:
    sentences = body_sentences(article)
    return sentences[0] if sentences else ""


def cut(text: str, max_words: int | None, max_chars: int | None) -> str:
    """Cut at a word boundary so that both budgets hold."""
    words = text.split()
    if max_words is not None:
        words = words[:max_words]
    if max_chars is not None:
        while words and len(" ".join(words)) > max_chars:
            words.pop()
    return " ".join(words)
