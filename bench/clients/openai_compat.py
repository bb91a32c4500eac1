"""An OpenAI-compatible chat-completions client over plain HTTP.

vLLM, TGI, SGLang, llama.cpp server, ollama and hosted APIs all speak
``POST {base_url}/chat/completions``. The standard library is enough, so the
``openai`` package is not needed. Shared by the ``openai`` summarizer and the
``judge`` metric, so both retry, throttle and guard the key the same way:

- retries on 429, 5xx, timeouts and dropped connections, with exponential
  backoff and jitter; a longer ``Retry-After`` from the server wins;
- at most ``concurrency`` requests in flight (``run_all``);
- the API key is read from the environment variable a config names, lives only
  in the ``Authorization`` header, and is blanked (``redact.KeyRedactor``) out
  of every text a server sends back before a caller sees it: answers,
  refusals and the error snippets that end up in messages;
- every failure is one line (``ModelServerError``) naming what was asked.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import logging
import os
import random
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeVar

from bench.clients.redact import MASK, KeyRedactor
from bench.errors import ConfigError, UserError

log = logging.getLogger(__name__)
RETRY_STATUSES = {429, 500, 502, 503, 504}
T = TypeVar("T")
R = TypeVar("R")


class ModelServerError(UserError):
    """The model server failed, refused or answered something unusable."""


def check_base_url(value: str) -> str:
    """Validator for ``base_url`` settings: an http(s) URL, without a trailing slash."""
    if not value.startswith(("http://", "https://")):
        raise ValueError("base_url must start with http:// or https:// (e.g. http://localhost:8000/v1)")
    return value.rstrip("/")


def read_api_key(env_name: str | None, owner: str) -> str | None:
    """The key from the environment variable ``env_name`` (None: no key).
    ``owner`` names the config entry in the error, e.g. "summarizer 'qwen'"."""
    if env_name is None:
        return None
    key = os.environ.get(env_name)
    if not key:
        raise ConfigError(f"{owner}: api_key_env names {env_name!r}, which is not set; export {env_name}=... first")
    return key


@dataclass(frozen=True)
class ServerOptions:
    """How to reach a server and how hard to try."""

    base_url: str
    concurrency: int = 4
    timeout_s: float = 60.0
    max_retries: int = 4
    backoff_s: float = 1.0
    max_backoff_s: float = 60.0


@dataclass(frozen=True)
class ChatReply:
    """One chat-completions answer, every text in it already redacted.

    ``has_message`` is False when the body had no ``choices[0].message`` object
    (not the chat-completions API, or not JSON); then ``content`` is None too.
    ``usage`` holds the server's prompt/completion token counts when it sent them.
    """

    content: str | None
    refusal: str | None
    finish_reason: str | None
    usage: dict[str, int] | None
    has_message: bool
    snippet: str  # the start of the body, on one line, quoted: for error messages


class ChatClient:
    """Posts chat-completions requests with retries, a concurrency limit and a redacted key."""

    def __init__(self, options: ServerOptions, api_key: str | None = None, seed: int = 0) -> None:
        self.options = options
        self.url = f"{options.base_url}/chat/completions"
        self._api_key = api_key
        self._redactor = KeyRedactor(api_key)
        self._warned = False
        self._pool = ThreadPoolExecutor(max_workers=options.concurrency, thread_name_prefix="chat-client")
        self._jitter = random.Random(seed)
        self._jitter_lock = threading.Lock()

    def run_all(self, work: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``work`` on every item, at most ``concurrency`` at once; results in order.
        The first failure cancels what has not started and is raised."""
        futures = [self._pool.submit(work, item) for item in items]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            raise

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def complete(self, payload: dict[str, Any], where: str) -> ChatReply:
        """POST one request; retry what may pass on a second try. ``where`` starts
        every error message (e.g. "summarizer 'x', article '3' (headline)")."""
        body = json.dumps(payload).encode("utf-8")
        attempt = 0
        while True:
            try:
                status, headers, data = self._post(body)
            except (OSError, http.client.HTTPException) as err:  # timeouts, refused or dropped connections
                reason = "timed out" if _is_timeout(err) else f"connection failed ({_reason(err)})"
                if attempt >= self.options.max_retries:
                    raise self.error(
                        f"{where}: request to {self.url} {reason} after {attempt + 1} attempt(s); "
                        "check the server, or raise timeout_s / max_retries"
                    ) from None
                self._wait(attempt, None)
                attempt += 1
                continue
            if status in RETRY_STATUSES and attempt < self.options.max_retries:
                self._wait(attempt, headers.get("Retry-After"))
                attempt += 1
                continue
            if status != 200:
                raise self.error(f"{where}: {self.url} answered HTTP {status}: {self._snippet(data)}; {_hint(status)}")
            return self._reply(data)

    def redact(self, text: str) -> str:
        """``text`` with the key blanked; the first time anything is blanked, one warning."""
        before = self._redactor.hits
        out = self._redactor(text)
        if self._redactor.hits > before and not self._warned:
            self._warned = True
            log.warning("warning: %s sent back text holding the API key or 8+ of its characters; blanked as %s "
                        "(a key made of ordinary words blanks those words too: set api_key_env only for servers "
                        "that need a key)", self.url, MASK)
        return out

    def error(self, message: str) -> ModelServerError:
        """A one-line ModelServerError with the key blanked out of it."""
        return ModelServerError(self.redact(" ".join(message.split())))

    def _post(self, body: bytes) -> tuple[int, Any, bytes]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.options.timeout_s) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as err:  # a status other than 2xx: still an answer
            with err:
                return err.code, err.headers, err.read()

    def _reply(self, data: bytes) -> ChatReply:
        try:
            parsed = json.loads(data)
            choice = parsed["choices"][0]
            message = choice["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            parsed, choice, message = None, None, None
        if not isinstance(message, dict):
            return ChatReply(None, None, None, None, False, self._snippet(data))
        content, refusal = message.get("content"), message.get("refusal")
        finish = choice.get("finish_reason") if isinstance(choice, dict) else None
        return ChatReply(
            content=self.redact(content) if isinstance(content, str) else None,
            refusal=self.redact(refusal) if isinstance(refusal, str) and refusal.strip() else None,
            finish_reason=finish if isinstance(finish, str) else None,
            usage=_usage(parsed.get("usage")),
            has_message=True,
            snippet=self._snippet(data),
        )

    def _wait(self, attempt: int, retry_after: str | None) -> None:
        """Exponential backoff with jitter; a server's Retry-After wins when it asks for longer."""
        with self._jitter_lock:
            jitter = self._jitter.uniform(0.5, 1.0)
        delay = min(self.options.backoff_s * (2**attempt) * jitter, self.options.max_backoff_s)
        asked = _retry_after_seconds(retry_after)
        if asked is not None:
            delay = max(delay, min(asked, self.options.max_backoff_s))
        time.sleep(delay)

    def _snippet(self, data: bytes) -> str:
        """The start of a response body, on one line, with the key blanked should a server echo it.
        Redacted before it is cut, so a key split by the cut is still found whole."""
        text = self.redact(" ".join(data[:400].decode("utf-8", "replace").split()))
        return repr(text[:200] or "(empty body)")


def _usage(usage: Any) -> dict[str, int] | None:
    """``usage.prompt_tokens`` / ``completion_tokens`` when the server reports them as integers."""
    if not isinstance(usage, dict):
        return None
    counts = {name: usage.get(name) for name in ("prompt_tokens", "completion_tokens")}
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in counts.values()):
        return None
    return counts  # type: ignore[return-value]


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
