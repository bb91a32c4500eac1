"""Small pieces the extractive summarizers share.

The per-target setting types live in ``bench.api.per_target`` (every summarizer
uses them); they are re-exported here for the modules that import them from here.
"""

from __future__ import annotations

from bench.api.article import Source
from bench.api.per_target import (
    Count,
    PerTarget,
    PerTargetCount,
    PerTargetLimit,
    TargetName,
    for_target,
    per_target,
    per_target_fields,
)
from bench.tokenizers.sentences import split_sentences

__all__ = [
    "Count", "PerTarget", "PerTargetCount", "PerTargetLimit", "TargetName", "body_sentences", "for_target",
    "per_target", "per_target_fields",
]


def body_sentences(article: Source) -> list[str]:
    return split_sentences(article.body)
