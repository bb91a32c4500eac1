"""What the judge is asked, and how its answers are read.

The built-in prompt shows the article (cut to ``max_body_chars``), the
reference when the settings say so, and the two outputs between tags, then
asks for exactly one letter (or a JSON verdict). Answers are read strictly:
exactly ``A`` or ``B`` (or ``tie`` when ties are allowed), or a JSON object
whose ``winner`` is one of those; anything else is malformed, and the judge is
re-asked (the bad answer and a correction appended to the conversation) a
bounded number of times, never guessed at.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from bench.metrics.judge.settings import JudgeSettings

PROMPT_VERSION = 1  # bump when the built-in wording or the parsing rules change

CRITERIA = {
    "headline": "A good headline is true to the article, says what the story is about, and is short and clear.",
    "standfirst": "A good standfirst is true to the article and says in one clear sentence what the story is about.",
}
DEFAULT_CRITERIA = "The better one is true to the article, informative and clear."


def answer_instruction(settings: JudgeSettings) -> str:
    choices = ["A", "B", "tie"] if settings.allow_ties else ["A", "B"]
    if settings.answer == "json":
        options = " or ".join(f'{{{{"winner": "{c}"}}}}' for c in choices)
        return f"Reply with JSON only: {options}."
    if settings.allow_ties:
        return "Reply with exactly one word: A, B, or tie if neither is better."
    return "Reply with exactly one letter: A or B."


def template(settings: JudgeSettings, target: str) -> str:
    """The user-message template for ``target`` (placeholders {a}, {b}, {body}, {reference}, {target})."""
    if settings.prompts and target in settings.prompts:
        return settings.prompts[target]
    parts = [
        "Two {target}s were written for the same news article. Which is the better {target}? "
        + CRITERIA.get(target, DEFAULT_CRITERIA)
    ]
    if settings.show_body:
        parts.append("<article>\n{body}\n</article>")
    if settings.show_reference:
        parts.append("The {target} the publication used, for comparison:\n<reference>\n{reference}\n</reference>")
    parts.append("<{target}_a>\n{a}\n</{target}_a>\n\n<{target}_b>\n{b}\n</{target}_b>")
    parts.append(answer_instruction(settings))
    return "\n\n".join(parts)


def correction(settings: JudgeSettings) -> str:
    """Sent after an answer that did not parse."""
    return "Your reply could not be read. " + answer_instruction(settings).replace("{{", "{").replace("}}", "}")


def prompt_hash(settings: JudgeSettings, target: str) -> str:
    """Everything fixed that the judge reads besides the article and outputs."""
    text = json.dumps([PROMPT_VERSION, settings.system, template(settings, target), correction(settings)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def cut_body(body: str, limit: int | None) -> str:
    """The body cut to ``limit`` characters at the last space before it, marked as cut."""
    if limit is None or len(body) <= limit:
        return body
    head = body[:limit]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip() + " [...]"


@dataclass(frozen=True)
class Shown:
    """One ordered question: the article context and which output is A and which B."""

    target: str
    body: str | None
    references: tuple[str, ...]
    a: str
    b: str


def messages(settings: JudgeSettings, shown: Shown) -> list[dict[str, str]]:
    values = {
        "a": shown.a, "b": shown.b, "target": shown.target,
        "body": cut_body(shown.body or "", settings.max_body_chars),
        "reference": "\n".join(shown.references),
    }
    out = [{"role": "system", "content": settings.system}] if settings.system else []
    out.append({"role": "user", "content": template(settings, shown.target).format(**values)})
    return out


def parse(settings: JudgeSettings, answer: str) -> str | None:
    """"A", "B" or "tie" from an answer, or None when it does not parse exactly."""
    allowed = {"A", "B", "tie"} if settings.allow_ties else {"A", "B"}
    text = answer.strip()
    if settings.answer == "json":
        try:
            verdict: Any = json.loads(text)
        except ValueError:
            return None
        text = verdict.get("winner") if isinstance(verdict, dict) else None
        if not isinstance(text, str):
            return None
    return text if text in allowed else None
