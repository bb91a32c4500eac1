"""Settings that take one value for both targets, or one value per target.

``sentences: 2`` and ``sentences: {headline: 1, standfirst: 3}`` both mean
something; ``sentences: {headlin: 1}`` (a typo) and ``sentences: 0`` do not.
Every summarizer declares such a setting with one type, ``PerTarget[T]``, so the
rule is checked once, the same way everywhere, when the config is loaded:

    class LeadSettings(SummarizerSettings):
        sentences: PerTarget[Count] = per_target(1)

``SummarizerSettings`` spells such a field out before pydantic checks it: one
value is copied to every target, and a mapping that names only some targets
keeps the field's default for the others. The stored value (and the resolved
config.yaml) is then always ``{headline: ..., standfirst: ...}``, pydantic
checks each value against ``T``, and an unknown target is an error at
``sentences.headlin``. Read it with ``settings.sentences[target]``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar, Union

from pydantic import Field, ValidationInfo, field_validator

from bench.api.article import TARGETS

T = TypeVar("T")
TargetName = Literal["headline", "standfirst"]


class _PerTargetMarker:
    """Annotated metadata that marks a field as per-target (see the module docstring)."""

    def __repr__(self) -> str:
        return "PER_TARGET"


PER_TARGET = _PerTargetMarker()
PerTarget = Annotated[dict[TargetName, T], PER_TARGET]

Count = Annotated[int, Field(ge=1)]
PerTargetCount = PerTarget[Count]
PerTargetLimit = PerTarget[Union[Count, None]]


def per_target(headline: Any, standfirst: Any = ..., **field_options: Any) -> Any:
    """A field default: one value for both targets, or ``headline`` and ``standfirst``."""
    second = headline if standfirst is ... else standfirst
    return Field(default_factory=lambda: {"headline": headline, "standfirst": second}, **field_options)


def is_per_target(field: Any) -> bool:
    return any(item is PER_TARGET for item in getattr(field, "metadata", ()))


def spell_out(value: Any, default: Any) -> Any:
    """One value for every target; a mapping merged over the default's values."""
    if not isinstance(value, dict):
        return {target: value for target in TARGETS}
    base = default if isinstance(default, dict) else {target: default for target in TARGETS}
    return {**base, **value}


def spell_out_per_target(model: Any, data: Any) -> Any:
    """Spell out every ``PerTarget`` field of ``model`` present in raw ``data``."""
    if not isinstance(data, dict):
        return data
    fields = {name: field for name, field in model.model_fields.items() if is_per_target(field)}
    if not fields or not fields.keys() & data.keys():
        return data
    data = dict(data)
    for name, field in fields.items():
        if name in data:
            data[name] = spell_out(data[name], field.get_default(call_default_factory=True))
    return data


def per_target_fields(*names: str) -> Any:
    """A field validator that spells the named fields out, for settings models that
    type a per-target field as a plain ``dict[TargetName, T]`` (prefer ``PerTarget``)."""

    def validate(cls: Any, value: Any, info: ValidationInfo) -> Any:
        assert info.field_name is not None
        return spell_out(value, cls.model_fields[info.field_name].get_default(call_default_factory=True))

    return field_validator(*names, mode="before")(validate)


def for_target(value: Any, target: str) -> Any:
    """The value for ``target`` of a per-target setting (spelled out or a single value)."""
    if isinstance(value, dict):
        if target not in value:
            raise KeyError(f"no value for target {target!r} in {value}")
        return value[target]
    return value
