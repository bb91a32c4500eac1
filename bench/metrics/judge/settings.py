"""The ``judge`` metric's settings (``scoring.metrics.judge`` in a config).

Everything that can change a verdict (server, model, prompt, shown context,
answer format, sampling parameters, seed) is a setting and goes into both the
signature and the judgement cache key. The API key is not a setting: only the
NAME of the environment variable that holds it.
"""

from __future__ import annotations

from string import Formatter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bench.api.metric import MetricSettings
from bench.clients.openai_compat import ServerOptions, check_base_url

PLACEHOLDERS = {"a", "b", "body", "reference", "target"}


class Prices(BaseModel):
    """Money per million tokens, for the cost estimate in results (nothing is billed here)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt: float = Field(ge=0)
    completion: float = Field(ge=0)
    currency: str = Field(default="USD", min_length=1, max_length=12)


class JudgeSettings(MetricSettings):
    base_url: str  # requests go to {base_url}/chat/completions
    model: str = Field(min_length=1)
    api_key_env: str | None = None  # NAME of the environment variable holding the key, never the key
    show_body: bool = True  # the article body in the prompt
    show_reference: bool = False  # the reference headline / standfirst in the prompt
    max_body_chars: int | None = Field(default=4000, ge=200)  # body cut (at a space) to bound cost; None: whole
    prompts: dict[str, str] | None = None  # user-message templates per target; None: the built-in ones
    system: str | None = "You are an experienced news editor. You judge headlines and standfirsts."
    answer: Literal["letter", "json"] = "letter"  # "A" / "B", or {"winner": "A"}
    allow_ties: bool = False  # accept "tie" as an answer
    temperature: float = Field(default=0.0, ge=0, le=2)
    seed: int | None = Field(default=None, ge=0)  # sent with every request; None sends the run's seed
    max_tokens: int = Field(default=16, ge=1, le=4096)
    malformed_retries: int = Field(default=2, ge=0, le=10)  # re-asks after an answer that does not parse
    max_pairs: int | None = Field(default=None, ge=1)  # a seeded sample of (article, system pair) units
    bootstrap: int = Field(default=1000, ge=0, le=100_000)  # resamples of the articles for the intervals
    confidence: float = Field(default=0.95, gt=0, lt=1)
    bt_prior: float = Field(default=1.0, gt=0, le=100)  # virtual ties per system pair (keeps strengths finite)
    prices: Prices | None = None
    concurrency: int = Field(default=4, ge=1, le=256)
    timeout_s: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=4, ge=0, le=20)  # on 429, 5xx, timeouts and dropped connections
    backoff_s: float = Field(default=1.0, ge=0)
    max_backoff_s: float = Field(default=60.0, ge=0)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return check_base_url(value)

    @field_validator("prompts", mode="before")
    @classmethod
    def _one_for_all(cls, value: object) -> object:
        """One template for every target, or a mapping per target."""
        return {"headline": value, "standfirst": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _templates_match_what_is_shown(self) -> "JudgeSettings":
        for target, template in (self.prompts or {}).items():
            fields = template_fields(template, f"prompts.{target}")
            missing = {"a", "b"} - fields
            if missing:
                raise ValueError(f"prompts.{target}: the template must name {{a}} and {{b}} (the two outputs)")
            for field, flag in (("body", "show_body"), ("reference", "show_reference")):
                shown = getattr(self, flag)
                if field in fields and not shown:
                    raise ValueError(f"prompts.{target}: names {{{field}}} but {flag} is false; set {flag}: true")
                if shown and field not in fields:
                    raise ValueError(f"prompts.{target}: {flag} is true but the template has no {{{field}}}; add it")
        return self

    def server(self) -> ServerOptions:
        return ServerOptions(
            base_url=self.base_url, concurrency=self.concurrency, timeout_s=self.timeout_s,
            max_retries=self.max_retries, backoff_s=self.backoff_s, max_backoff_s=self.max_backoff_s,
        )


def template_fields(template: str, where: str) -> set[str]:
    """The placeholders of a template; ValueError for a broken one or an unknown name."""
    try:
        fields = {name for _, name, _, _ in Formatter().parse(template) if name is not None}
    except ValueError as err:
        raise ValueError(f"{where}: invalid template ({err}); write literal braces as {{{{ }}}}") from None
    unknown = fields - PLACEHOLDERS
    if unknown:
        raise ValueError(f"{where}: unknown placeholder(s) {sorted(unknown)}; use {sorted(PLACEHOLDERS)}")
    return fields
