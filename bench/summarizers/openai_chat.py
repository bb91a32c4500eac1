"""``openai``: any OpenAI-compatible chat-completions server as a summarizer.

vLLM, TGI, SGLang, llama.cpp server, ollama and hosted APIs all speak
``POST {base_url}/chat/completions``. Plain HTTP through the standard library,
so the ``openai`` package is not needed.

The API key is read from the environment variable named by ``api_key_env`` and
lives only in request headers: it is not a setting, so it never reaches
config.yaml, predictions, results, the cache or an error message. Everything
that changes a response (base_url, model, prompts, temperature, seed,
max_tokens, first_line) is a setting, so the prediction cache keys on it.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import random
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Sequence

from pydantic import Field, field_validator

from bench.api.article import Source
from bench.api.summarizer import Summarizer, SummarizerSettings
from bench.errors import ConfigError, UserError
from bench.api.per_target import PerTargetCount, TargetName, per_target_fields
from bench.api.prompts import check_per_target_templates, check_template

DEFAULT_PROMPTS = {
    "headline": "Write a headline for this news article. Reply with the headline only.\n\n{body}",
    "standfirst": "Write a one-sentence standfirst (the line under the headline) for this news article. "
    "Reply with the sentence only.\n\n{body}",
}
RETRY_STATUSES = {429, 500, 502, 503, 504}


class ModelServerError(UserError):
    """The model server failed, refused or answered something unusable."""


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
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https:// (e.g. http://localhost:8000/v1)")
        return value.rstrip("/")

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
        self._api_key = self._read_key()
        self._url = f"{settings.base_url}/chat/completions"
        self._pool = ThreadPoolExecutor(max_workers=settings.concurrency, thread_name_prefix="openai")
        self._jitter = random.Random(seed)
        self._jitter_lock = threading.Lock()

    @classmethod
    def uses_seed(cls, settings: OpenAIChatSettings) -> bool:  # type: ignore[override]
        return settings.seed is None  # then the run's seed is sent

    def _read_key(self) -> str | None:
        name = self.settings.api_key_env
        if name is None:
            return None
        key = os.environ.get(name)
        if not key:
            raise ConfigError(
                f"summarizer {self.name!r}: api_key_env names {name!r}, which is not set; export {name}=... first"
            )
        return key

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        futures = [self._pool.submit(self._one, article, target) for article in articles]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            raise

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

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
        body = json.dumps(self._payload(article, target)).encode("utf-8")
        where = f"summarizer {self.name!r}, article {article.id!r} ({target})"
        attempt = 0
        while True:
            try:
                status, headers, data = self._post(body)
            except (OSError, http.client.HTTPException) as err:  # timeouts, refused or dropped connections
                reason = "timed out" if _is_timeout(err) else f"connection failed ({_reason(err)})"
                if attempt >= self.settings.max_retries:
                    raise ModelServerError(
                        f"{where}: request to {self._url} {reason} after {attempt + 1} attempt(s); "
                        "check the server, or raise timeout_s / max_retries"
                    ) from None
                self._wait(attempt, None)
                attempt += 1
                continue
            if status in RETRY_STATUSES and attempt < self.settings.max_retries:
                self._wait(attempt, headers.get("Retry-After"))
                attempt += 1
                continue
            if status != 200:
                raise ModelServerError(f"{where}: {self._url} answered HTTP {status}: {self._snippet(data)}; {_hint(status)}")
            return self._parse(data, target, where)

    def _post(self, body: bytes) -> tuple[int, Any, bytes]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(self._url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout_s) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as err:  # a status other than 2xx: still an answer
            with err:
                return err.code, err.headers, err.read()

    def _parse(self, data: bytes, target: str, where: str) -> str:
        try:
            content = json.loads(data)["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            content = None
        if not isinstance(content, str):
            raise ModelServerError(
                f"{where}: malformed response from {self._url} (no choices[0].message.content string): "
                f"{self._snippet(data)}; check that the server speaks the OpenAI chat-completions API"
            )
        text = content.strip()
        if self.settings.first_line[target]:
            text = text.split("\n", 1)[0].strip()
        return text

    def _wait(self, attempt: int, retry_after: str | None) -> None:
        """Exponential backoff with jitter; a server's Retry-After wins when it asks for longer."""
        with self._jitter_lock:
            jitter = self._jitter.uniform(0.5, 1.0)
        delay = min(self.settings.backoff_s * (2**attempt) * jitter, self.settings.max_backoff_s)
        asked = _retry_after_seconds(retry_after)
        if asked is not None:
            delay = max(delay, min(asked, self.settings.max_backoff_s))
        time.sleep(delay)

    def _snippet(self, data: bytes) -> str:
        """The start of a response body, on one line, with the API key blanked should a server echo it."""
        text = " ".join(data[:200].decode("utf-8", "replace").split()) or "(empty body)"
        if self._api_key:
            text = text.replace(self._api_key, "***")
        return repr(text)


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _is_timeout(err: BaseException) -> bool:
    reason = getattr(err, "reason", err)
    return isinstance(err, (TimeoutError, socket.timeout)) or isinstance(reason, (TimeoutError, socket.timeout))


def _reason(err: BaseException) -> str:
    return " ".join(str(getattr(err, "reason", err)).split()) or type(err).__name__


def _hint(status: int) -> str:
    if status in (401, 403):
        return "check the key in the variable named by api_key_env"
    if status == 404:
        return "check base_url (usually ends in /v1) and model"
    if status in RETRY_STATUSES:
        return "the server kept failing; retry later or raise max_retries"
    return "check the request settings"
