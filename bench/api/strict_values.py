"""No switch read as a number: the one coercion of pydantic's that changes meaning.

pydantic takes ``true`` for the integer 1 (``seed: true`` is seed 1,
``sentences: true`` one sentence), which no one means. Its strict mode would
refuse that, but also a list for a tuple, text for a Path or an Enum, which
YAML cannot write otherwise: every settings model in the tool (configs,
summarizers, metrics, engines, and third-party plug-ins that subclass them)
instead runs ``refuse_switches_as_numbers`` before validating, which marks
every boolean in a field whose type admits none, so pydantic refuses it at
its place with its usual error ("Input should be a valid integer").
Everything else pydantic checks as usual (a fraction for an integer is still
an error; NaN and infinity are refused by ``allow_inf_nan=False``).
"""

from __future__ import annotations

from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel


def _admits_bool(annotation: Any) -> bool:
    """True when a value of type ``annotation`` may hold a boolean somewhere
    (bool itself, Any, a bare dict or list, Literal[True], a union with one, ...)."""
    if annotation in (bool, Any, object, dict, list, tuple, set):
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True  # a nested model checks its own fields
    origin = get_origin(annotation)
    if origin is Literal:
        return any(isinstance(a, bool) for a in get_args(annotation))
    # Unions, containers and Annotated: any type argument that admits one (metadata is not a type).
    return origin is not None and any(_admits_bool(a) for a in get_args(annotation) if _is_type(a))


def _is_type(value: Any) -> bool:
    return isinstance(value, type) or get_origin(value) is not None or value is Any


class Switch:
    """A boolean found where a field takes none: pydantic then rejects it with
    its own error at the exact place (``seed``, ``sentences.headline``), as it
    would any value of the wrong type, instead of reading it as 0 or 1."""

    def __init__(self, value: bool) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "true" if self.value else "false"


def _marked(value: Any) -> Any:
    if isinstance(value, bool):
        return Switch(value)
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_marked(v) for v in value]
    return value


def refuse_switches_as_numbers(cls: Any, data: Any) -> Any:
    """A ``model_validator(mode="before")`` body: every boolean in a field whose
    type takes none is marked, so pydantic refuses it where it stands."""
    if not isinstance(data, dict):
        return data
    fields = cls.model_fields
    marked = {}
    for key, value in data.items():
        field = fields.get(key) if isinstance(key, str) else None
        marked[key] = _marked(value) if field is not None and not _admits_bool(field.annotation) else value
    return marked
