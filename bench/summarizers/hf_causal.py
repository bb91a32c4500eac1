"""``hf-causal``: any transformers decoder-only model (chat / instruct or plain).

With a chat template on the tokenizer, the prompt goes in as a system and a
user message; without one, the plain prompt text is the input. Inputs are
left-padded so every answer starts at the same column; the prompt is cut
off the output, the answer is cut at stop strings and, for headlines (by
default), to its first line.
"""

from __future__ import annotations

from typing import Any, Literal

from bench.api.per_target import PerTarget, per_target
from bench.models.generation import DEFAULT_MAX_NEW_TOKENS, HFGenerationSummarizer, pick_template
from bench.models.loading import ModelError
from bench.models.settings import PromptedModelSettings

CHAT_PROMPTS = {
    "headline": "Write a headline for this news article. Reply with the headline only.\n\n{body}",
    "standfirst": (
        "Write a standfirst for this news article: one sentence that summarises it, "
        "shown under the headline. Reply with the sentence only.\n\n{body}"
    ),
}
PLAIN_PROMPTS = {"headline": "{body}\n\nHeadline:", "standfirst": "{body}\n\nSummary in one sentence:"}
SYSTEM = "You are a news editor who writes accurate, concise headlines and standfirsts."


class CausalSettings(PromptedModelSettings):
    # prompts: the user message with a chat template; None: built-in ones.
    system: str | None = SYSTEM
    # auto: the tokenizer's chat template when it has one; never: plain prompt; always: error without one.
    chat_template: Literal["auto", "always", "never"] = "auto"
    first_line: PerTarget[bool] = per_target(headline=True, standfirst=False)


class HFCausalSummarizer(HFGenerationSummarizer):
    Settings = CausalSettings
    description = "transformers decoder-only / chat model by Hub id or local folder"
    kind = "causal"
    padding_side = "left"

    def __init__(self, settings: CausalSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        has_template = bool(getattr(self.loaded.tokenizer, "chat_template", None))
        if settings.chat_template == "always" and not has_template:
            raise ModelError(
                f"summarizer {settings.name}: chat_template: always, but the tokenizer of {settings.model} "
                "has no chat template; use chat_template: auto or never"
            )
        self.use_chat = has_template and settings.chat_template != "never"

    def template(self, target: str) -> str:
        defaults = CHAT_PROMPTS if self.use_chat else PLAIN_PROMPTS
        return pick_template(self.settings.prompts, target, defaults.__getitem__)

    def body_at_end(self, target: str) -> bool:
        return not self.use_chat and self.template(target).endswith("{body}")

    def render(self, body: str, target: str) -> str:
        user = self.template(target).format(body=body)
        if not self.use_chat:
            return user
        messages = [{"role": "user", "content": user}]
        if self.settings.system:
            messages.insert(0, {"role": "system", "content": self.settings.system})
        tokenizer = self.loaded.tokenizer
        try:
            return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        except Exception:  # noqa: BLE001 - some templates reject a system role
            if not self.settings.system:
                raise
            merged = [{"role": "user", "content": f"{self.settings.system}\n\n{user}"}]
            return tokenizer.apply_chat_template(merged, tokenize=False, add_generation_prompt=True)

    def add_special_tokens(self) -> bool:
        # A chat template writes its own BOS and markers.
        return not self.use_chat

    def generation_kwargs(self, target: str) -> dict[str, Any]:
        kwargs = super().generation_kwargs(target)
        if "max_new_tokens" not in kwargs and not self.loaded.model.generation_config.max_new_tokens:
            # The library default (max_length 20, prompt included) would leave no room to answer.
            kwargs["max_new_tokens"] = DEFAULT_MAX_NEW_TOKENS[target]
        return kwargs

    def input_budget(self, target: str, generation: dict[str, Any]) -> int | None:
        budget = super().input_budget(target, generation)
        if budget is None or self.settings.max_input_tokens is not None:
            return budget
        new = generation.get("max_new_tokens") or self.loaded.model.generation_config.max_new_tokens or 0
        return max(8, budget - int(new))

    def decode(self, output_ids: Any, input_length: int, target: str) -> list[str]:
        answers = self.loaded.tokenizer.batch_decode(output_ids[:, input_length:], skip_special_tokens=True)
        first_line = self.settings.first_line[target]
        return [self._clean(text, first_line) for text in answers]

    def _clean(self, text: str, first_line: bool) -> str:
        text = self.finish(text)
        if first_line:
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            text = lines[0] if lines else ""
        return text
