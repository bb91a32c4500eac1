"""``openai``: any OpenAI-compatible chat-completions server as a summarizer.

vLLM, TGI, SGLang, llama.cpp server, ollama and hosted APIs all speak
``POST {base_url}/chat/completions``. Plain HTTP through the standard library,
so the ``openai`` package is not needed. The HTTP work (retries, backoff,
concurrency, timeouts, the key) is ``bench.clients.openai_compat``'s, shared
with the ``judge`` metric.

The API key is read from the environment variable named by ``api_key_env`` and
lives only in request headers: it is not a setting, so it never reaches
config.yaml, predictions, results, the cache or an error message, and the
client blanks it out of everything a server sends back (``bench.clients.redact``). Everything
that changes a response (base_url, model, prompts, temperature, seed,
max_tokens, first_line) is a setting, so the prediction cache keys on it.
"""

from __future__ import annotations

from typing import Any, Sequence

from pydantic import Field, field_validator

from bench.api.article import Source
from bench.api.summarizer import Summarizer, SummarizerSettings
from bench.api.per_target import PerTargetCount, TargetName, per_target_fields
from bench.api.prompts import check_per_target_templates, check_template
from bench.clients.openai_compat import ChatClient, ModelServerError, ServerOptions, check_base_url, read_api_key

__all__ = ["ModelServerError", "OpenAIChatSettings", "OpenAIChatSummarizer"]

DEFAULT_PROMPTS = {
    "headline": "Write a headline for this news article. Reply with the headline only.\n\n{body}",
    "standfirst": "Write a one-sentence standfirst (the line under the headline) for this news article. "
    "Reply with the sentence only.\n\n{body}",
}


class OpenAIChatSettings(SummarizerSettings):
    base_url: str  # e.g. http://localhost:8000/v1 ; requests go to {base_url}/chat/completions
    model: str
    api_key_env: str | None = None  # NAME of the environment variable holding the key, never the key
    # Per-target settings take one value for both targets or a mapping; config.yaml shows both spelled out.
    prompts: dict[TargetName, str] = Field(default_factory=lambda: dict(DEFAULT_PROMPTS))  # the user message
    system: dict[TargetName, str | None] = Field(default_factory=lambda: {"headline": None, "standfirst": None})
    temperature: float = Field(default=0.0, ge=0)
    seed: int | None = None  # sent with every request; None sends the run's seed
    max_tokens: PerTargetCount = Field(default_factory=lambda: {"headline": 32, "standfirst": 80})
    first_line: dict[TargetName, bool] = Field(default_factory=lambda: {"headline": True, "standfirst": False})
    concurrency: int = Field(default=4, ge=1)  # requests in flight at once
    timeout_s: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=4, ge=0)  # on 429, 5xx, timeouts and dropped connections
    backoff_s: float = Field(default=1.0, ge=0)  # first wait; doubles each retry unless Retry-After says
    max_backoff_s: float = Field(default=60.0, ge=0)

    _spell_out = per_target_fields("prompts", "system", "max_tokens", "first_line")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return check_base_url(value)

    @field_validator("prompts")
    @classmethod
    def _prompts(cls, value: dict[str, str]) -> dict[str, str]:
        return check_per_target_templates(value, "prompts")

    @field_validator("system")
    @classmethod
    def _system(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        for target, text in value.items():
            if text:
                check_template(text, f"system.{target}", require_body=False)
        return value


class OpenAIChatSummarizer(Summarizer):
    Settings = OpenAIChatSettings
    description = "an OpenAI-compatible chat-completions server (vLLM, TGI, llama.cpp, ollama, hosted APIs)"
    settings: OpenAIChatSettings

    def __init__(self, settings: OpenAIChatSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        key = read_api_key(settings.api_key_env, f"summarizer {self.name!r}")
        options = ServerOptions(
            base_url=settings.base_url, concurrency=settings.concurrency, timeout_s=settings.timeout_s,
            max_retries=settings.max_retries, backoff_s=settings.backoff_s, max_backoff_s=settings.max_backoff_s,
        )
        self._client = ChatClient(options, key, seed)

    @classmethod
    def uses_seed(cls, settings: OpenAIChatSettings) -> bool:  # type: ignore[override]
        return settings.seed is None  # then the run's seed is sent

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        return self._client.run_all(lambda article: self._one(article, target), articles)

    def close(self) -> None:
        self._client.close()

    # -- one article ----------------------------------------------------------------

    def _payload(self, article: Source, target: str) -> dict[str, Any]:
        s = self.settings
        messages = []
        system = s.system[target]
        if system:
            messages.append({"role": "system", "content": system.format(body=article.body)})
        messages.append({"role": "user", "content": s.prompts[target].format(body=article.body)})
        return {
            "model": s.model,
            "messages": messages,
            "temperature": s.temperature,
            "seed": self.seed if s.seed is None else s.seed,
            "max_tokens": s.max_tokens[target],
        }

    def _one(self, article: Source, target: str) -> str:
        where = f"summarizer {self.name!r}, article {article.id!r} ({target})"
        reply = self._client.complete(self._payload(article, target), where)
        if reply.content is None:
            raise self._client.error(
                f"{where}: malformed response from {self._client.url} (no choices[0].message.content string): "
                f"{reply.snippet}; check that the server speaks the OpenAI chat-completions API"
            )
        text = reply.content.strip()
        if self.settings.first_line[target]:
            text = text.split("\n", 1)[0].strip()
        return text

