"""A tiny, randomly initialised BERT with a WordPiece tokenizer, built locally for BERTScore tests.

The WordPiece vocabulary is trained on the fly with ``tokenizers`` (on fixed
sentences and the seed articles, so it needs no ../shared), the model comes
from a ``BertConfig``, and both are saved with ``save_pretrained`` so they load
through the normal ``from_pretrained`` path (the slow ``BertTokenizer`` too:
``vocab.txt`` is written). Seeded: the same call writes the same model.
"""

from __future__ import annotations

from pathlib import Path

from tiny_models import _corpus, _quiet

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def build_tiny_bert(path: Path, layers: int = 3, vocab_size: int = 800) -> Path:
    import torch
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertModel, BertTokenizerFast

    _quiet()
    path = Path(path)
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=SPECIALS, show_progress=False)
    tok.train_from_iterator(_corpus(), trainer=trainer)
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)]
    )
    tokenizer = BertTokenizerFast(tokenizer_object=tok, do_lower_case=True, model_max_length=128)
    config = BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=layers, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=128, pad_token_id=tok.token_to_id("[PAD]"),
    )
    torch.manual_seed(0)
    BertModel(config).eval().save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def build_tiny_roberta(path: Path, layers: int = 2, vocab_size: int = 600) -> Path:
    """A tiny RoBERTa with a byte-level BPE vocabulary (GPT-2 style: a word's leading space is part of it)."""
    import json

    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import RobertaConfig, RobertaModel, RobertaTokenizer

    _quiet()
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        _corpus(), vocab_size=vocab_size, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"], show_progress=False
    )
    bpe.save_model(str(path))
    vocab = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
    merges = [tuple(line.split()) for line in (path / "merges.txt").read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    try:  # transformers 5 builds from the vocabulary itself; 4 from the files
        tokenizer = RobertaTokenizer(vocab=vocab, merges=merges, model_max_length=128)
    except TypeError:
        tokenizer = RobertaTokenizer(str(path / "vocab.json"), str(path / "merges.txt"), model_max_length=128)
    tokenizer.save_pretrained(path)
    config = RobertaConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=layers, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=140, pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    RobertaModel(config).eval().save_pretrained(path)
    return path
