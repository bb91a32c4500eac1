"""hf-causal on tiny GPT-2 models built locally, with and without a chat template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.api.article import Source
from bench.engines.local import build_summarizer
from bench.models.loading import ModelError
from tiny_models import build_tiny_causal

BODIES = [
    "Police said three people were arrested after the match in London on Saturday.",
    "Shares in the company fell sharply after it warned on profits.\nThe firm said sales had slowed.",
    "The minister told reporters the plan would cut waiting times across the country by next year.",
    "Scientists say the new drug could help millions of patients.",
]


@pytest.fixture(scope="module")
def tiny_chat_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_causal(tmp_path_factory.mktemp("tiny-chat"), chat_template=True)


def sources(bodies: list[str]) -> list[Source]:
    return [Source(id=str(i), body=b) for i, b in enumerate(bodies)]


def make(path: Path, **extra):
    settings = {"name": "lm", "type": "hf-causal", "model": str(path), "generation": {"max_new_tokens": 10}}
    settings.update(extra)
    return build_summarizer(settings, seed=1)


def capture(summarizer) -> list[dict]:
    seen = []
    generate = summarizer.loaded.model.generate

    def spy(**kwargs):
        seen.append({k: v.clone() for k, v in kwargs.items() if k in ("input_ids", "attention_mask")})
        return generate(**kwargs)

    summarizer.loaded.model.generate = spy
    return seen


def test_chat_template_carries_system_and_user_messages(tiny_chat_path):
    summarizer = make(tiny_chat_path, system="You are a news editor.", prompts={"headline": "Headline for: {body}"})
    seen = capture(summarizer)
    outputs = summarizer.summarize(sources(BODIES[:1]), "headline")
    text = summarizer.loaded.tokenizer.decode(seen[0]["input_ids"][0])
    assert text == f"<|system|>\nYou are a news editor.\n<|user|>\nHeadline for: {BODIES[0]}\n<|assistant|>\n"
    assert summarizer.use_chat and isinstance(outputs[0], str)


def test_plain_prompt_without_a_template(tiny_causal_path, tiny_chat_path):
    for path, extra in ((tiny_causal_path, {}), (tiny_chat_path, {"chat_template": "never"})):
        summarizer = make(path, **extra)
        seen = capture(summarizer)
        summarizer.summarize(sources(BODIES[:1]), "headline")
        assert not summarizer.use_chat
        assert summarizer.loaded.tokenizer.decode(seen[0]["input_ids"][0]) == f"{BODIES[0]}\n\nHeadline:"


def test_chat_template_always_needs_one(tiny_causal_path):
    with pytest.raises(ModelError, match="has no chat template"):
        make(tiny_causal_path, chat_template="always")


def test_left_padding_and_the_prompt_is_stripped(tiny_chat_path):
    summarizer = make(tiny_chat_path)
    seen = capture(summarizer)
    outputs = summarizer.summarize(sources(BODIES), "standfirst")
    mask = seen[0]["attention_mask"]
    assert summarizer.loaded.tokenizer.padding_side == "left"
    assert (mask[:, -1] == 1).all() and (mask[:, 0] == 0).any()
    for body, output in zip(BODIES, outputs):
        assert "<|assistant|>" not in output and body[:30] not in output


def test_headlines_are_cut_to_their_first_line(tiny_chat_path):
    # Same prompt and length for both targets, so the headline is the standfirst's first line.
    summarizer = make(tiny_chat_path, prompts="Summarize: {body}", generation={"max_new_tokens": 16})
    full = summarizer.summarize(sources(BODIES), "standfirst")
    heads = summarizer.summarize(sources(BODIES), "headline")
    assert any("\n" in text for text in full), "the tiny model wrote no multi-line answer to test with"
    for text, head in zip(full, heads):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert head == (lines[0] if lines else "")


def test_stop_strings(tiny_chat_path):
    plain = make(tiny_chat_path, first_line=False).summarize(sources(BODIES), "standfirst")
    text = max(plain, key=len)
    stop = text[len(text) // 2 : len(text) // 2 + 2]
    assert stop.strip()
    stopped = make(tiny_chat_path, first_line=False, stop=[stop]).summarize(sources(BODIES), "standfirst")
    for full, cut in zip(plain, stopped):
        assert cut == full.split(stop)[0].strip()


def test_long_inputs_keep_the_template_and_fit(tiny_chat_path, news_jsonl):
    rows = [json.loads(line) for line in news_jsonl.open()][:3]
    summarizer = make(tiny_chat_path, max_input_tokens=120)
    seen = capture(summarizer)
    summarizer.summarize(sources([r["body"] for r in rows]), "headline")
    assert seen[0]["input_ids"].shape[1] <= 120 and summarizer.stats()["truncated"] == 3
    for ids in seen[0]["input_ids"]:
        assert summarizer.loaded.tokenizer.decode(ids, skip_special_tokens=True).endswith("<|assistant|>\n")


def test_default_budget_leaves_room_to_answer(tiny_causal_path, news_jsonl):
    rows = [json.loads(line) for line in news_jsonl.open()][:2]
    summarizer = make(tiny_causal_path, generation={"max_new_tokens": 100})
    seen = capture(summarizer)
    summarizer.summarize(sources([r["body"] for r in rows]), "headline")
    assert seen[0]["input_ids"].shape[1] <= 512 - 100


def test_a_budget_smaller_than_the_prompt_is_one_line(tiny_chat_path, news_jsonl):
    row = json.loads(news_jsonl.open().readline())
    with pytest.raises(ModelError, match="prompt alone takes"):
        make(tiny_chat_path, max_input_tokens=20).summarize(sources([row["body"]]), "headline")
