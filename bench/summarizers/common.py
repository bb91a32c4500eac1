"""Small pieces the extractive summarizers share."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar, Union

from pydantic import Field, ValidationInfo, field_validator

from bench.api.article import TARGETS, Source
from bench.tokenizers.sentences import split_sentences

T = TypeVar("T")
# A setting that is either one value for both targets or a value per target.
PerTarget = Union[T, dict[str, T]]

TargetName = Literal["headline", "standfirst"]
Count = Annotated[int, Field(ge=1)]
# A count spelled out per target: {"headline": 1, "standfirst": 2}. Use with
# ``per_target_fields`` so a config may also give one value for both targets.
PerTargetCount = dict[TargetName, Count]
PerTargetLimit = dict[TargetName, Union[Count, None]]


def per_target_fields(*names: str) -> Any:
    """A pydantic validator that spells per-target settings out before they are checked.

    One value counts for both targets (``sentences: 2``); a mapping that names
    only some targets keeps the field's default for the others. The resolved
    config then always shows a value per target, and an unknown target or a bad
    count gets an error that points at it (``sentences.headline``).
    """

    def spell_out(cls: Any, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, dict):
            return {target: value for target in TARGETS}
        default = cls.model_fields[info.field_name].get_default(call_default_factory=True)
        base = default if isinstance(default, dict) else {target: default for target in TARGETS}
        return {**base, **value}

    return field_validator(*names, mode="before")(spell_out)


def for_target(value: PerTarget[T], target: str) -> T:
    if isinstance(value, dict):
        if target not in value:
            raise KeyError(f"no value for target {target!r} in {value}")
        return value[target]
    return value


def body_sentences(article: Source) -> list[str]:
    return split_sentences(article.body)
