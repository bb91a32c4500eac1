"""Contextual token embeddings for BERTScore, the way ``bert_score`` makes them.

A Hugging Face encoder (Hub id or local folder; the encoder half of an
encoder-decoder) is cut after the chosen layer, as ``bert_score.utils.get_model``
does, and its last hidden state is the embedding of every token, the special
tokens ([CLS], [SEP]) included. Sentences are tokenized as
``bert_score.utils.sent_encode`` does: stripped, special tokens added, cut at
the tokenizer's limit, and with a prefix space for GPT-2/RoBERTa tokenizers.
torch and transformers are imported here only, when a model is first loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from bench.errors import UserError

# bench.models.minilm.MODEL_NAME, the packaged copy (offline); spelled out, as `bench list`
# imports this module and must not import bench.models.
PACKAGED_MINILM = "all-MiniLM-L6-v2"


class ModelError(UserError):
    """The encoder named in scoring.metrics.bertscore cannot be found, loaded or cut as asked."""


def model_source(model: str, revision: str | None) -> str:
    """A local folder or a loadable Hub id; ``all-MiniLM-L6-v2`` is the packaged copy."""
    from bench.models.loading import resolve_model_source
    from bench.models.minilm import minilm_path

    if model == PACKAGED_MINILM:
        return str(minilm_path("bertscore's default model"))
    return resolve_model_source(model, revision, name="bertscore")


@dataclass
class Encoded:
    """One sentence: its token ids, and their embeddings at the chosen layer ([tokens, dim])."""

    ids: list[int]
    embeddings: Any  # torch.Tensor


class Encoder:
    """A tokenizer and a layer-truncated encoder, loaded once."""

    def __init__(
        self, model: str, layer: int, revision: str | None = None, device: str = "auto",
        fast_tokenizer: bool = False, trust_remote_code: bool = False,
    ) -> None:
        import transformers
        from transformers import AutoModel, AutoTokenizer

        from bench.models.loading import hub_offline, resolve_device

        transformers.utils.logging.disable_progress_bar()
        transformers.utils.logging.set_verbosity_error()
        self.source = model_source(model, revision)
        common: dict[str, Any] = {"revision": revision, "trust_remote_code": trust_remote_code}
        if hub_offline() or Path(self.source).is_dir():
            common["local_files_only"] = True
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self.source, use_fast=fast_tokenizer, **common)
            if _needs_prefix_space(self.tokenizer):  # bert_score encodes GPT-2/RoBERTa text with a prefix space
                self.tokenizer = AutoTokenizer.from_pretrained(
                    self.source, use_fast=fast_tokenizer, add_prefix_space=True, **common
                )
            if "t5" in model:  # as bert_score: T5's encoder on its own
                from transformers import T5EncoderModel

                network = T5EncoderModel.from_pretrained(self.source, **common)
            else:
                network = AutoModel.from_pretrained(self.source, **common)
        except (OSError, ValueError) as err:
            first = (str(err).strip().splitlines() or [type(err).__name__])[0]
            raise ModelError(f"bertscore: model {model} could not be loaded ({first[:200]}); check the id or folder") from None
        if hasattr(network, "decoder") and hasattr(network, "encoder"):
            network = network.encoder
        self.layers = truncate(network, layer, model)
        self.device = resolve_device(device)
        self.network = network.to(self.device).eval()
        self.empty_length = len(self._empty())

    def tokenize(self, sentence: str) -> list[int]:
        """``bert_score.utils.sent_encode``: token ids with special tokens, cut at the model limit."""
        sentence = sentence.strip()
        if not sentence:
            return self._empty()
        return self.tokenizer.encode(
            sentence, add_special_tokens=True, max_length=self.tokenizer.model_max_length, truncation=True
        )

    def _empty(self) -> list[int]:
        """The special tokens alone, as an empty sentence is encoded."""
        build = getattr(self.tokenizer, "build_inputs_with_special_tokens", None)  # transformers 4
        return list(build([])) if build else self.tokenizer.encode("", add_special_tokens=True)

    def encode(self, sentences: Sequence[str], batch_size: int) -> dict[str, Encoded]:
        """Embeddings of each distinct sentence. Batches are formed from the sentences sorted by
        length then text, so the result depends on the set of sentences, not their order."""
        import torch

        distinct = sorted(set(sentences), key=lambda s: (len(s), s))
        tokenized = {s: self.tokenize(s) for s in distinct}
        distinct.sort(key=lambda s: (len(tokenized[s]), s))
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        out: dict[str, Encoded] = {}
        with torch.inference_mode():
            for start in range(0, len(distinct), batch_size):
                batch = distinct[start : start + batch_size]
                width = max(len(tokenized[s]) for s in batch)
                ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, sentence in enumerate(batch):
                    tokens = tokenized[sentence]
                    ids[row, : len(tokens)] = torch.tensor(tokens, dtype=torch.long)
                    mask[row, : len(tokens)] = 1
                hidden = self.network(ids.to(self.device), attention_mask=mask.to(self.device))[0].float().cpu()
                for row, sentence in enumerate(batch):
                    tokens = tokenized[sentence]
                    out[sentence] = Encoded(tokens, hidden[row, : len(tokens)])
        return out


def _needs_prefix_space(tokenizer: Any) -> bool:
    """bert_score adds a prefix space for GPT-2 and RoBERTa tokenizers (in transformers 4, the
    slow ones it loads by default; in transformers 5 there is one kind)."""
    from transformers import GPT2Tokenizer, RobertaTokenizer

    return isinstance(tokenizer, (GPT2Tokenizer, RobertaTokenizer))


def truncate(network: Any, layer: int, model: str) -> int:
    """Keep the first ``layer`` layers (as ``bert_score.utils.get_model``); returns how many there were."""
    import torch

    def cut(container: Any, attribute: str) -> int:
        layers = getattr(container, attribute)
        _check(layer, len(layers), model)
        setattr(container, attribute, torch.nn.ModuleList(list(layers)[:layer]))
        return len(layers)

    if hasattr(network, "n_layers"):  # XLM
        _check(layer, network.n_layers, model)
        total, network.n_layers = network.n_layers, layer
        return total
    if hasattr(network, "layer"):  # XLNet
        return cut(network, "layer")
    if hasattr(network, "encoder"):
        encoder = network.encoder
        if hasattr(encoder, "albert_layer_groups"):
            total = encoder.config.num_hidden_layers
            _check(layer, total, model)
            encoder.config.num_hidden_layers = layer
            return total
        if hasattr(encoder, "block"):  # T5
            return cut(encoder, "block")
        return cut(encoder, "layer")  # BERT, RoBERTa, DeBERTa, ELECTRA, MiniLM
    if hasattr(network, "transformer"):  # DistilBERT
        return cut(network.transformer, "layer")
    if hasattr(network, "layers"):  # BART's encoder
        return cut(network, "layers")
    raise ModelError(f"bertscore: cannot choose a layer of {model} ({type(network).__name__}); use a BERT-like encoder")


def _check(layer: int, total: int, model: str) -> None:
    if not 0 <= layer <= total:
        raise ModelError(f"bertscore: layer {layer} is out of range for {model}, which has layers 0..{total}; set layer:")
