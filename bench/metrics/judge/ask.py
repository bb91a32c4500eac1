"""Asking the judge one ordered question, with bounded re-asks.

A refusal (the API's ``message.refusal``, or ``finish_reason: content_filter``)
is recorded as such at once: asking the same thing again rarely changes it. An
answer that does not parse is re-asked with the bad reply and a correction
appended to the conversation, at most ``malformed_retries`` times, then
recorded as malformed. A reply without ``choices[0].message`` means the server
does not speak the API: that stops the comparison with one line.
"""

from __future__ import annotations

from typing import Any

from bench.clients.openai_compat import ChatClient
from bench.metrics.judge.prompts import Shown, correction, messages, parse
from bench.metrics.judge.settings import JudgeSettings
from bench.metrics.judge.store import Judgement


def ask(client: ChatClient, settings: JudgeSettings, seed: int, shown: Shown, where: str) -> Judgement:
    conversation = messages(settings, shown)
    spent = {"prompt_tokens": 0, "completion_tokens": 0, "usage_missing": 0}
    answer = ""
    for attempt in range(1, settings.malformed_retries + 2):
        reply = client.complete(_payload(settings, seed, conversation), where)
        if not reply.has_message:
            raise client.error(
                f"{where}: malformed response from {client.url} (no choices[0].message): {reply.snippet}; "
                "check that the server speaks the OpenAI chat-completions API"
            )
        _count(spent, reply.usage)
        answer = reply.content or ""
        if reply.refusal is not None or reply.finish_reason == "content_filter":
            return _judgement("refused", reply.refusal or answer, attempt, spent)
        verdict = parse(settings, answer)
        if verdict is not None:
            return _judgement(verdict, answer, attempt, spent)
        conversation = conversation + [
            {"role": "assistant", "content": answer},
            {"role": "user", "content": correction(settings)},
        ]
    return _judgement("malformed", answer, settings.malformed_retries + 1, spent)


def _payload(settings: JudgeSettings, seed: int, conversation: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "model": settings.model,
        "messages": conversation,
        "temperature": settings.temperature,
        "seed": seed,
        "max_tokens": settings.max_tokens,
    }


def _count(spent: dict[str, int], usage: dict[str, int] | None) -> None:
    if usage is None:
        spent["usage_missing"] += 1
        return
    spent["prompt_tokens"] += usage["prompt_tokens"]
    spent["completion_tokens"] += usage["completion_tokens"]


def _judgement(verdict: str, answer: str, attempts: int, spent: dict[str, int]) -> Judgement:
    return Judgement(verdict=verdict, answer=answer[: Judgement.ANSWER_CHARS], attempts=attempts, **spent)
