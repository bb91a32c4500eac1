"""The first sentence cut to a word and/or character budget per target: the
headline baseline newsrooms actually compare against."""

from __future__ import annotations

from typing import Sequence

from bench.api.article import Source
from bench.api.summarizer import Summarizer, SummarizerSettings
from bench.api.per_target import PerTargetLimit, per_target
from bench.summarizers.common import body_sentences


class LeadWordsSettings(SummarizerSettings):
    # A budget per target; null means no limit of that kind.
    max_words: PerTargetLimit = per_target(headline=10, standfirst=30)
    max_chars: PerTargetLimit = per_target(None)


class LeadWordsSummarizer(Summarizer):
    Settings = LeadWordsSettings
    description = "first sentence cut to a word/character budget per target"

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        words = self.settings.max_words[target]
        chars = self.settings.max_chars[target]
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
