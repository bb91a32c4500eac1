"""Tiny, randomly initialised Hugging Face models built locally for tests.

Nothing comes from the Hub: a byte-level BPE tokenizer is trained on the fly
with ``tokenizers`` (on the seed articles plus fixed sentences, so it works
without ../shared), a few-kilobyte model is built from a config, and both are
saved with ``save_pretrained`` so tests load them through the normal
``from_pretrained`` path. Seeded: the same call always writes the same model.
Each build takes well under a second on one core.
"""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

# Fixed text so the tokenizer never depends on files that may be absent.
FIXED_SENTENCES = [
    "The government announced on Thursday that it would raise taxes next year.",
    "Police said three people were arrested after the match in London.",
    "Shares in the company fell sharply after it warned on profits.",
    "The minister told reporters the plan would cut waiting times.",
    "Scientists say the new drug could help millions of patients.",
    "Write a headline: Summarize in one sentence: Headline: Standfirst:",
    "You are a news editor. Answer with the text only.",
]

# Byte-level BPE has no unknown token; these are the specials every model needs.
PAD, EOS, BOS, UNK = "<pad>", "</s>", "<s>", "<unk>"
CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)


def _corpus() -> list[str]:
    lines = list(FIXED_SENTENCES)
    for path in sorted((PROJECT / "seeds").glob("*.txt")):
        lines.extend(line for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return lines


def _quiet() -> None:
    import transformers

    transformers.utils.logging.disable_progress_bar()


def _train_tokenizer(vocab_size: int = 600, model_max_length: int = 256):
    """A byte-level BPE tokenizer wrapped as a transformers fast tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[PAD, EOS, BOS, UNK],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_corpus(), trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        pad_token=PAD,
        eos_token=EOS,
        bos_token=BOS,
        unk_token=UNK,
        model_max_length=model_max_length,
    )


def build_tiny_seq2seq(path: Path, kind: str = "t5") -> Path:
    """Save a tiny encoder-decoder (``kind``: "t5" or "bart") and its tokenizer to ``path``.

    The tokenizer appends ``</s>`` to every input as T5/BART tokenizers do, and
    its ``model_max_length`` is 256 so truncation is easy to trigger.
    """
    import torch
    from tokenizers import processors
    from transformers import AutoModelForSeq2SeqLM, BartConfig, T5Config

    _quiet()
    path = Path(path)
    tokenizer = _train_tokenizer()
    eos_id = tokenizer.convert_tokens_to_ids(EOS)
    pad_id = tokenizer.convert_tokens_to_ids(PAD)
    bos_id = tokenizer.convert_tokens_to_ids(BOS)
    tokenizer.backend_tokenizer.post_processor = processors.TemplateProcessing(
        single=f"$A {EOS}", pair=f"$A {EOS} $B {EOS}", special_tokens=[(EOS, eos_id)]
    )
    vocab = len(tokenizer)
    if kind == "t5":
        config = T5Config(
            vocab_size=vocab, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2,
            num_heads=4, initializer_factor=5.0, pad_token_id=pad_id, eos_token_id=eos_id, decoder_start_token_id=pad_id,
        )
    elif kind == "bart":
        config = BartConfig(
            vocab_size=vocab, d_model=32, encoder_layers=2, decoder_layers=2,
            encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64,
            max_position_embeddings=256, init_std=0.5, pad_token_id=pad_id, eos_token_id=eos_id, bos_token_id=bos_id,
            decoder_start_token_id=eos_id, forced_eos_token_id=eos_id,
        )
    else:
        raise ValueError(f"unknown tiny seq2seq kind {kind!r}; expected 't5' or 'bart'")
    torch.manual_seed(0)
    model = AutoModelForSeq2SeqLM.from_config(config)
    model.generation_config.max_new_tokens = 16
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def build_tiny_causal(path: Path, chat_template: bool = False) -> Path:
    """Save a tiny GPT-2 and its tokenizer to ``path``; optionally with a chat template."""
    import torch
    from transformers import AutoModelForCausalLM, GPT2Config

    _quiet()
    path = Path(path)
    tokenizer = _train_tokenizer(model_max_length=512)
    eos_id = tokenizer.convert_tokens_to_ids(EOS)
    pad_id = tokenizer.convert_tokens_to_ids(PAD)
    bos_id = tokenizer.convert_tokens_to_ids(BOS)
    if chat_template:
        tokenizer.chat_template = CHAT_TEMPLATE
    config = GPT2Config(
        vocab_size=len(tokenizer), n_positions=512, n_embd=32, n_layer=2, n_head=4, initializer_range=0.5,
        bos_token_id=bos_id, eos_token_id=eos_id, pad_token_id=pad_id,
    )
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(config)
    model.generation_config.max_new_tokens = 16
    model.generation_config.pad_token_id = pad_id
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path
