"""Model summarizers report what they did through ``Summarizer.stats()``: the
embedding extractor counts the sentences its model cut to its input limit."""

from __future__ import annotations

from bench.api.article import Source
from bench.engines.local import build_summarizer
from bench.tokenizers.sentences import split_sentences

SHORT = "The council approved the budget on Monday."
LONG = "Officials listed " + ", ".join(f"item number {i} of the plan" for i in range(120)) + "."


def test_the_embedding_summarizer_counts_the_sentences_it_truncates() -> None:
    from transformers import AutoTokenizer

    from bench.models.minilm import minilm_path

    bodies = [f"{SHORT} {LONG} {SHORT}", f"{SHORT}\n{SHORT}", LONG]
    summarizer = build_summarizer({"name": "emb", "type": "embedding"}, seed=0)
    try:
        summarizer.summarize([Source(str(i), body) for i, body in enumerate(bodies)], "headline")
        summarizer.summarize([Source("0", bodies[0])], "standfirst")  # embedded once, not counted again
        stats = summarizer.stats()
    finally:
        summarizer.close()
    # The reference count: the model's own tokenizer, and the limit the model declares.
    tokenizer = AutoTokenizer.from_pretrained(str(minilm_path("the test")))
    sentences = [s for body in bodies for s in split_sentences(body)]
    long = sum(len(tokenizer(s)["input_ids"]) > stats["input_limit"] for s in sentences)
    assert stats["inputs"] == len(sentences) == 6 and stats["truncated"] == long == 2
    assert stats["input_limit"] == 256 and stats["device"] == "cpu"
