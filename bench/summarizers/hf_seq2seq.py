"""``hf-seq2seq``: any transformers encoder-decoder (T5 / FLAN-T5, BART, PEGASUS, mT5).

The model sees the body through a per-target prompt template (``{body}`` is
the only field; with no template the body goes in as is, as BART and PEGASUS
expect). Over-long inputs are cut to the model's limit and counted.
"""

from __future__ import annotations

from typing import Any

from bench.models.generation import HFGenerationSummarizer, pick_template
from bench.models.settings import PromptedModelSettings


class Seq2SeqSettings(PromptedModelSettings):
    """``prompts``: None feeds the body alone."""


class HFSeq2SeqSummarizer(HFGenerationSummarizer):
    Settings = Seq2SeqSettings
    description = "transformers encoder-decoder (T5, BART, PEGASUS) by Hub id or local folder"
    kind = "seq2seq"
    padding_side = "right"

    def template(self, target: str) -> str:
        return pick_template(self.settings.prompts, target, lambda _: "{body}")

    def render(self, body: str, target: str) -> str:
        return self.template(target).format(body=body)

    def body_at_end(self, target: str) -> bool:
        return self.template(target).endswith("{body}")

    def decode(self, output_ids: Any, input_length: int, target: str) -> list[str]:
        texts = self.loaded.tokenizer.batch_decode(output_ids, skip_special_tokens=True)
        return [self.finish(text) for text in texts]
