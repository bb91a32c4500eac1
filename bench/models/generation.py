"""Fast batched generation shared by the Hugging Face summarizers.

Why it is fast: the model loads once per summarizer instance; inputs are
tokenized once, sorted by length and padded only to the longest in each
batch; generation runs under ``torch.inference_mode``; ``batch_size: auto``
halves on out-of-memory instead of failing. Sorting changes only which
articles share a batch, and padding is masked, so greedy outputs equal
unbatched ones.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Callable, Sequence

from bench.api.article import TARGETS, Source
from bench.api.summarizer import Summarizer
from bench.models.loading import LoadedModel, ModelError, load_model, model_identity
from bench.models.settings import HFModelSettings

AUTO_BATCH = {"cpu": 16, "mps": 16}  # accelerators not listed start at 64
DEFAULT_MAX_NEW_TOKENS = {"headline": 32, "standfirst": 80}


def cut_at_stops(text: str, stops: Sequence[str]) -> str:
    """Cut ``text`` at the earliest stop string."""
    end = len(text)
    for stop in stops:
        at = text.find(stop)
        if at != -1:
            end = min(end, at)
    return text[:end]


def is_out_of_memory(err: BaseException) -> bool:
    import torch

    if isinstance(err, torch.cuda.OutOfMemoryError):
        return True
    return isinstance(err, RuntimeError) and "out of memory" in str(err).lower()


def article_seed(seed: int, target: str, article_id: str) -> int:
    """A seed for one article's sample, stable across processes (unlike hash())."""
    import hashlib

    digest = hashlib.sha256(f"{seed}\t{target}\t{article_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


class HFGenerationSummarizer(Summarizer):
    """Base for summarizers that prompt a transformers model and decode its output.

    Subclasses say how a prompt is rendered (``render``), how long the answer
    may be, and how raw output becomes the prediction (``decode``).
    """

    settings: HFModelSettings
    kind: str = "seq2seq"
    padding_side: str = "right"

    def __init__(self, settings: HFModelSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        self.loaded: LoadedModel = load_model(settings, self.kind, self.padding_side)
        self._batch_size = self._initial_batch_size()
        self.inputs = 0
        self.truncated = 0

    # -- what subclasses define -------------------------------------------------

    @abstractmethod
    def render(self, body: str, target: str) -> str:
        """The full model input text for ``body``."""

    @abstractmethod
    def decode(self, output_ids: Any, input_length: int, target: str) -> list[str]:
        """Turn a batch of generated ids into predictions."""

    def input_budget(self, target: str, generation: dict[str, Any]) -> int | None:
        """Tokens the input may take; None: no limit."""
        if self.settings.max_input_tokens is not None:
            return self.settings.max_input_tokens
        return self.loaded.max_length

    def add_special_tokens(self) -> bool:
        return True

    def body_at_end(self, target: str) -> bool:
        """True when nothing follows the body in the input, so cutting the tail cuts only body."""
        return False

    # -- the prediction cache -------------------------------------------------------

    @classmethod
    def uses_seed(cls, settings: HFModelSettings) -> bool:  # type: ignore[override]
        """Greedy and beam search ignore the seed; sampling does not."""
        return any(settings.generation_for(target).get("do_sample") for target in TARGETS)

    @classmethod
    def cache_identity(cls, settings: HFModelSettings) -> dict[str, Any]:  # type: ignore[override]
        """The weights themselves: a hash of a local folder, or the Hub commit."""
        return model_identity(settings.model, settings.revision)

    # -- the shared machinery -----------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Counts a run records: inputs seen, inputs cut to the budget, and how it ran."""
        return {
            "inputs": self.inputs,
            "truncated": self.truncated,
            "input_limit": self.settings.max_input_tokens or self.loaded.max_length,
            "batch_size": self._batch_size,
            "device": self.loaded.device,
            "dtype": self.loaded.dtype,
        }

    def generation_kwargs(self, target: str) -> dict[str, Any]:
        return self.settings.generation_for(target)

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        if not articles:
            return []
        generation = self.generation_kwargs(target)
        budget = self.input_budget(target, generation)
        encoded = self._encode_all([article.body for article in articles], target, budget)
        # Longest first: a batch that does not fit in memory shows up at once.
        order = sorted(range(len(encoded)), key=lambda i: -len(encoded[i]))
        outputs: list[str] = [""] * len(encoded)
        # Sampling runs one article at a time, seeded from the run seed and the
        # article: its output then never depends on which articles share its batch
        # (a resumed or partly cached run samples exactly what a clean run would).
        sampling = bool(generation.get("do_sample"))
        start = 0
        while start < len(order):
            chunk = order[start : start + (1 if sampling else self._batch_size)]
            seed = article_seed(self.seed, target, articles[chunk[0]].id) if sampling else None
            try:
                texts = self._generate([encoded[i] for i in chunk], target, generation, seed)
            except Exception as err:  # noqa: BLE001 - only out-of-memory is retried
                if not is_out_of_memory(err):
                    raise
                self._back_off(err)
                continue
            for i, text in zip(chunk, texts):
                outputs[i] = text
            start += len(chunk)
        return outputs

    def close(self) -> None:
        self.loaded.model = None
        if self.loaded.device.startswith("cuda"):
            import torch

            torch.cuda.empty_cache()

    def _initial_batch_size(self) -> int:
        if self.settings.batch_size != "auto":
            return int(self.settings.batch_size)
        return AUTO_BATCH.get(self.loaded.device, 64)

    def _back_off(self, err: BaseException) -> None:
        import torch

        if self.loaded.device.startswith("cuda"):
            torch.cuda.empty_cache()
        if self.settings.batch_size != "auto" or self._batch_size == 1:
            raise ModelError(
                f"summarizer {self.name}: out of memory at batch_size {self._batch_size} on {self.loaded.device}; "
                "use batch_size: auto, a smaller max_input_tokens, dtype: bfloat16 or a smaller model"
            ) from None
        self._batch_size = max(1, self._batch_size // 2)

    def _encode_all(self, bodies: list[str], target: str, budget: int | None) -> list[list[int]]:
        """Token ids of every prompt, in one batch call to the (Rust) tokenizer; over-long ones cut and counted."""
        tokenizer = self.loaded.tokenizer
        special = self.add_special_tokens()
        texts = [self.render(body, target) for body in bodies]
        encoded = tokenizer(texts, add_special_tokens=special)["input_ids"]
        self.inputs += len(texts)
        long = [i for i, ids in enumerate(encoded) if budget is not None and len(ids) > budget]
        self.truncated += len(long)
        if long and self.body_at_end(target):
            # Cutting the tail is plain truncation: exactly what transformers' own pipelines do.
            cut = tokenizer([texts[i] for i in long], add_special_tokens=special, truncation=True, max_length=budget)
            for i, ids in zip(long, cut["input_ids"]):
                encoded[i] = ids
        elif long:
            room = self._body_room(target, budget)
            for i in long:
                encoded[i] = self._fit_body(bodies[i], target, budget, room)
        return encoded

    def _body_room(self, target: str, budget: int) -> int:
        """Tokens left for the body once the prompt around it is counted (the same for every article)."""
        overhead = len(self.loaded.tokenizer(self.render("", target), add_special_tokens=self.add_special_tokens())
                       ["input_ids"])
        room = budget - overhead
        if room < 1:
            raise ModelError(
                f"summarizer {self.name}: the {target} prompt alone takes {overhead} tokens, over the input "
                f"budget of {budget}; shorten the prompt or raise max_input_tokens"
            )
        return room

    def _fit_body(self, body: str, target: str, budget: int, room: int) -> list[int]:
        """Cut only the body, so that the prompt around it survives and the whole fits ``budget``."""
        tokenizer = self.loaded.tokenizer
        special = self.add_special_tokens()
        pieces = tokenizer(body, add_special_tokens=False, return_offsets_mapping=True)
        offsets = pieces.get("offset_mapping")
        for _ in range(4):
            cut = body[: offsets[room - 1][1]] if offsets else tokenizer.decode(pieces["input_ids"][:room])
            ids = tokenizer(self.render(cut, target), add_special_tokens=special)["input_ids"]
            if len(ids) <= budget:
                return ids
            # Tokens can merge differently at the cut; take the excess off the body and try again.
            room = max(1, room - (len(ids) - budget))
        return ids[:budget]

    def _generate(
        self, batch: list[list[int]], target: str, generation: dict[str, Any], seed: int | None = None
    ) -> list[str]:
        import torch

        loaded = self.loaded
        padded = loaded.tokenizer.pad({"input_ids": batch}, padding="longest", return_tensors="pt")
        inputs = {k: v.to(loaded.device) for k, v in padded.items() if k in ("input_ids", "attention_mask")}
        kwargs = dict(generation)
        if self.settings.stop:
            kwargs.update(stop_strings=list(self.settings.stop), tokenizer=loaded.tokenizer)
        if seed is not None:
            torch.manual_seed(seed)
        with torch.inference_mode():
            output = loaded.model.generate(**inputs, **kwargs)
        return self.decode(output.cpu(), inputs["input_ids"].shape[1], target)

    def finish(self, text: str) -> str:
        """Common clean-up of one decoded answer: stop strings, then whitespace."""
        return cut_at_stops(text, self.settings.stop).strip()


def pick_template(value: str | dict[str, str] | None, target: str, default: Callable[[str], str]) -> str:
    """A template that is one string or one per target; ``default`` fills a gap."""
    if value is None:
        return default(target)
    if isinstance(value, str):
        return value
    return value.get(target) or default(target)
