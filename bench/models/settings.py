"""Config settings every Hugging Face model summarizer shares.

Prompts are checked at config time by ``bench.api.prompts``: a template may
name ``{body}`` and nothing else, because the references (``{headline}``,
``{standfirst}``) must never reach a model.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from bench.api.article import TARGETS
from bench.api.prompts import check_per_target_templates
from bench.api.summarizer import SummarizerSettings

# Keys of ``generation`` the summarizer sets itself; a config may not override them.
RESERVED_GENERATION_KEYS = {"input_ids", "attention_mask", "inputs", "tokenizer", "streamer"}


class HFModelSettings(SummarizerSettings):
    """A model by Hub id or local folder, and how to run it."""

    model: str = Field(min_length=1)
    revision: str | None = None
    device: str = Field(default="auto", pattern=r"^(auto|cpu|mps|cuda(:\d+)?)$")
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    trust_remote_code: bool = False
    # Articles per forward pass; "auto" starts high and halves on out-of-memory.
    batch_size: int | Literal["auto"] = "auto"
    # Input budget in tokens; None means the model's own limit.
    max_input_tokens: int | None = Field(default=None, ge=8)
    # Passed to ``generate``; a nested ``headline:`` / ``standfirst:`` mapping overrides per target.
    generation: dict[str, Any] = Field(default_factory=dict)
    # Cut the output at the first of these strings (also stops generation early).
    stop: list[str] = Field(default_factory=list)

    @field_validator("batch_size")
    @classmethod
    def _positive_batch(cls, value: int | str) -> int | str:
        if isinstance(value, int) and value < 1:
            raise ValueError("batch_size must be a positive integer or 'auto'")
        return value

    @field_validator("generation")
    @classmethod
    def _generation_keys(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key, item in value.items():
            if key in TARGETS:
                if not isinstance(item, dict):
                    raise ValueError(f"generation.{key} must be a mapping of generate() arguments")
                bad = RESERVED_GENERATION_KEYS & set(item)
            elif isinstance(item, dict):
                # Only a target takes a mapping here; anything else is a misspelt target.
                raise ValueError(f"{key!r} is not a target; only {' or '.join(TARGETS)} takes a mapping of generate() arguments")
            else:
                bad = RESERVED_GENERATION_KEYS & {key}
            if bad:
                raise ValueError(f"generation sets {sorted(bad)}, which the summarizer provides; remove it")
        return value

    @field_validator("stop")
    @classmethod
    def _non_empty_stops(cls, value: list[str]) -> list[str]:
        if any(not s for s in value):
            raise ValueError("stop strings must not be empty")
        return value

    def generation_for(self, target: str) -> dict[str, Any]:
        """The ``generate`` kwargs for ``target``: shared ones, then the target's own."""
        shared = {k: v for k, v in self.generation.items() if k not in TARGETS}
        return {**shared, **self.generation.get(target, {})}


class PromptedModelSettings(HFModelSettings):
    """A model that is prompted: ``{body}`` templates, one for both targets or
    one per target; None means the summarizer's built-in prompts."""

    prompts: str | dict[str, str] | None = None

    @field_validator("prompts")
    @classmethod
    def _check_prompts(cls, value: Any) -> Any:
        return check_per_target_templates(value, "prompts")
