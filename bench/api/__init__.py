"""The contracts between the stages: articles, summarizers, scores."""

from bench.api.article import TARGETS, Article, Source
from bench.api.per_target import Count, PerTarget, per_target
from bench.api.summarizer import Summarizer, SummarizerSettings, register_summarizer

__all__ = [
    "TARGETS", "Article", "Count", "PerTarget", "Source", "Summarizer", "SummarizerSettings", "per_target",
    "register_summarizer",
]
