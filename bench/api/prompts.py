"""Prompt templates: the rule every prompted summarizer shares.

A template may name ``{body}`` and nothing else, because the references
(``{headline}``, ``{standfirst}``) must never reach a model. Checked at config
time by local models (bench.models) and model servers (the ``openai``
summarizer) alike; it lives here, below both, so a summarizer that talks HTTP
never imports the Hugging Face model package.
"""

from __future__ import annotations

from string import Formatter
from typing import Any

from bench.api.article import TARGETS


def check_template(template: str, where: str, require_body: bool = True) -> str:
    """Raise ValueError unless ``template`` is a format string whose only field is
    ``{body}`` (present, unless ``require_body`` is False, e.g. for a system prompt)."""
    try:
        fields = {name for _, name, _, _ in Formatter().parse(template) if name is not None}
    except ValueError as err:
        raise ValueError(f"{where}: invalid template ({err}); write literal braces as {{{{ }}}}") from None
    extra = fields - {"body"}
    if extra:
        raise ValueError(
            f"{where}: the template names {sorted(extra)}; only {{body}} is allowed (references are never shown to a model)"
        )
    if require_body and "body" not in fields:
        raise ValueError(f"{where}: the template has no {{body}}; add it where the article text goes")
    return template


def check_per_target_templates(value: Any, where: str) -> Any:
    """Check a template that is None, one string, or a mapping by target."""
    if value is None:
        return value
    if isinstance(value, str):
        return check_template(value, where)
    unknown = set(value) - set(TARGETS)
    if unknown:
        raise ValueError(f"{where}: unknown target(s) {sorted(unknown)}; use {list(TARGETS)}")
    for target, template in value.items():
        check_template(template, f"{where}.{target}")
    return value
