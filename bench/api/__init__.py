"""The contracts between the stages: articles, summarizers, scores."""

from bench.api.article import TARGETS, Article, Source
from bench.api.summarizer import Summarizer, SummarizerSettings, register_summarizer

__all__ = ["TARGETS", "Article", "Source", "Summarizer", "SummarizerSettings", "register_summarizer"]
