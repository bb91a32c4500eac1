"""Small pieces the extractive summarizers share."""

from __future__ import annotations

from typing import TypeVar, Union

from bench.api.article import Source
from bench.tokenizers.sentences import split_sentences

T = TypeVar("T")
# A setting that is either one value for both targets or a value per target.
PerTarget = Union[T, dict[str, T]]


def for_target(value: PerTarget[T], target: str) -> T:
    if isinstance(value, dict):
        if target not in value:
            raise KeyError(f"no value for target {target!r} in {value}")
        return value[target]
    return value


def body_sentences(article: Source) -> list[str]:
    return split_sentences(article.body)
