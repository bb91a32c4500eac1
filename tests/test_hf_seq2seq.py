"""hf-seq2seq on tiny T5 and BART models built locally (tests/tiny_models.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.api.article import Article, Source
from bench.config import validate_config
from bench.api.engine import Job
from bench.engines.local import LocalEngine, build_summarizer
from bench.errors import ConfigError, UserError
from bench.models.loading import ModelError
from tiny_models import build_tiny_seq2seq

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
BODIES = [
    "Police said three people were arrested after the match in London on Saturday.",
    "Shares in the company fell sharply after it warned on profits.\nThe firm said sales had slowed.",
    "The minister told reporters the plan would cut waiting times across the country by next year.",
]


@pytest.fixture(scope="module")
def tiny_bart_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_seq2seq(tmp_path_factory.mktemp("tiny-bart"), "bart")


def sources(bodies: list[str]) -> list[Source]:
    return [Source(id=str(i), body=b) for i, b in enumerate(bodies)]


def make(path: Path, **extra) -> object:
    settings = {"name": "s2s", "type": "hf-seq2seq", "model": str(path), "generation": {"max_new_tokens": 8}}
    settings.update(extra)
    return build_summarizer(settings, seed=1)


def capture_inputs(summarizer) -> list:
    """Record the input ids every generate call gets (and still generate)."""
    seen = []
    generate = summarizer.loaded.model.generate

    def spy(**kwargs):
        seen.append(kwargs["input_ids"].clone())
        return generate(**kwargs)

    summarizer.loaded.model.generate = spy
    return seen


@pytest.mark.parametrize("kind", ["t5", "bart"])
def test_each_kind_loads_and_writes_both_targets(kind, tiny_seq2seq_path, tiny_bart_path):
    path = tiny_seq2seq_path if kind == "t5" else tiny_bart_path
    summarizer = make(path)
    for target in ("headline", "standfirst"):
        outputs = summarizer.summarize(sources(BODIES), target)
        assert len(outputs) == 3 and all(isinstance(o, str) for o in outputs)
        assert any(o for o in outputs)
    assert summarizer.stats()["device"] == "cpu" and summarizer.stats()["dtype"] == "float32"


def test_prompt_template_is_what_the_model_sees(tiny_seq2seq_path):
    summarizer = make(tiny_seq2seq_path, prompts={"headline": "Write a headline: {body}", "standfirst": "Summarize in one sentence: {body}"})
    seen = capture_inputs(summarizer)
    tokenizer = summarizer.loaded.tokenizer
    summarizer.summarize(sources(BODIES[:1]), "headline")
    summarizer.summarize(sources(BODIES[:1]), "standfirst")
    texts = [tokenizer.decode(ids[0], skip_special_tokens=True) for ids in seen]
    assert texts == [f"Write a headline: {BODIES[0]}", f"Summarize in one sentence: {BODIES[0]}"]


@pytest.mark.parametrize(
    "prompt, message",
    [("Headline for {body}, was {headline}", "only {body} is allowed"),
     ({"standfirst": "{standfirst} {body}"}, "only {body} is allowed"),
     ("Write a headline.", "has no {body}"),
     ({"summary": "{body}"}, "unknown target")],
)
def test_templates_may_name_only_the_body(prompt, message):
    raw = {"name": "t", "dataset": {"source": str(SEEDS)},
           "summarizers": [{"name": "m", "type": "hf-seq2seq", "model": "x", "prompts": prompt}]}
    with pytest.raises(ConfigError, match="prompts") as info:
        validate_config(raw)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_long_inputs_are_cut_to_the_budget_and_counted(tiny_seq2seq_path, news_jsonl):
    rows = [json.loads(line) for line in news_jsonl.open()][:4]
    articles = sources([r["body"] for r in rows] + [BODIES[0]])
    summarizer = make(tiny_seq2seq_path, max_input_tokens=48, prompts="{body}\nTL;DR:")
    seen = capture_inputs(summarizer)
    summarizer.summarize(articles, "headline")
    lengths = [int(mask) for batch in seen for mask in (batch != summarizer.loaded.tokenizer.pad_token_id).sum(1)]
    assert max(lengths) <= 48
    assert summarizer.stats()["truncated"] == 4 and summarizer.stats()["inputs"] == 5
    # The cut falls in the body: the instruction after it survives.
    decoded = summarizer.loaded.tokenizer.batch_decode(seen[0], skip_special_tokens=True)
    assert all(text.endswith("TL;DR:") for text in decoded)


def test_default_limit_is_the_models(tiny_seq2seq_path, news_jsonl):
    rows = [json.loads(line) for line in news_jsonl.open()][:3]
    summarizer = make(tiny_seq2seq_path)
    seen = capture_inputs(summarizer)
    summarizer.summarize(sources([r["body"] for r in rows]), "standfirst")
    assert summarizer.stats()["input_limit"] == 256 and seen[0].shape[1] == 256


def test_stop_strings_cut_the_output(tiny_seq2seq_path):
    plain = make(tiny_seq2seq_path, generation={"max_new_tokens": 12}).summarize(sources(BODIES), "headline")
    text = max(plain, key=len)
    stop = text[len(text) // 2 : len(text) // 2 + 2]
    assert stop.strip(), "the tiny model's output is too short to pick a stop string"
    stopped = make(tiny_seq2seq_path, generation={"max_new_tokens": 12}, stop=[stop]).summarize(sources(BODIES), "headline")
    for full, cut in zip(plain, stopped):
        assert stop not in cut
        assert cut == full.split(stop)[0].strip()


def test_generation_kwargs_reach_generate_per_target(tiny_seq2seq_path):
    summarizer = make(tiny_seq2seq_path, generation={"num_beams": 2, "headline": {"max_new_tokens": 3}, "standfirst": {"max_new_tokens": 9}})
    calls = []
    generate = summarizer.loaded.model.generate
    summarizer.loaded.model.generate = lambda **kw: calls.append(kw) or generate(**kw)
    summarizer.summarize(sources(BODIES[:1]), "headline")
    summarizer.summarize(sources(BODIES[:1]), "standfirst")
    assert [(c["num_beams"], c["max_new_tokens"]) for c in calls] == [(2, 3), (2, 9)]


def test_dtype_and_trust_remote_code(tiny_seq2seq_path, monkeypatch):
    import transformers

    seen = {}
    original = transformers.AutoModelForSeq2SeqLM.from_pretrained

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(transformers.AutoModelForSeq2SeqLM, "from_pretrained", spy)
    summarizer = make(tiny_seq2seq_path, dtype="bfloat16")
    assert seen["trust_remote_code"] is False
    assert summarizer.stats()["dtype"] == "bfloat16"
    assert len(summarizer.summarize(sources(BODIES[:2]), "headline")) == 2


def test_one_model_load_per_run(tiny_seq2seq_path, monkeypatch):
    import transformers

    loads = []
    original = transformers.AutoModelForSeq2SeqLM.from_pretrained
    monkeypatch.setattr(transformers.AutoModelForSeq2SeqLM, "from_pretrained", lambda *a, **k: loads.append(a) or original(*a, **k))
    settings = {"name": "s2s", "type": "hf-seq2seq", "model": str(tiny_seq2seq_path), "generation": {"max_new_tokens": 4}}
    articles = [Article(id=str(i), body=b, headline="h", standfirst="s") for i, b in enumerate(BODIES)]
    jobs = [Job(t, articles[i : i + 2]) for t in ("headline", "standfirst") for i in (0, 2)]
    results = list(LocalEngine().generate(settings, 0, jobs))
    assert len(results) == 4 and len(loads) == 1


def test_batch_size_auto_backs_off_on_out_of_memory(tiny_seq2seq_path):
    expected = make(tiny_seq2seq_path, batch_size=1).summarize(sources(BODIES * 2), "headline")
    summarizer = make(tiny_seq2seq_path)
    generate = summarizer.loaded.model.generate

    def small_memory(**kwargs):
        if kwargs["input_ids"].shape[0] > 2:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return generate(**kwargs)

    summarizer.loaded.model.generate = small_memory
    assert summarizer.summarize(sources(BODIES * 2), "headline") == expected
    assert summarizer.stats()["batch_size"] == 2


def test_fixed_batch_size_out_of_memory_is_one_line(tiny_seq2seq_path):
    summarizer = make(tiny_seq2seq_path, batch_size=4)

    def no_memory(**kwargs):
        raise RuntimeError("CUDA out of memory.")

    summarizer.loaded.model.generate = no_memory
    with pytest.raises(ModelError, match="out of memory at batch_size 4"):
        summarizer.summarize(sources(BODIES), "headline")


def test_unknown_hub_id_offline_fails_at_once_in_one_line(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(UserError) as info:
        make(Path("no-such-owner/no-such-model-xyz"))
    message = str(info.value)
    assert "not in the local Hugging Face cache" in message and "local folder" in message and "\n" not in message


@pytest.mark.parametrize("where", ["folder", "file", "missing"])
def test_a_path_that_is_not_a_model_is_one_clear_line(where, tmp_path):
    target = {"folder": SEEDS, "file": next(SEEDS.glob("*.txt")), "missing": tmp_path / "nope"}[where]
    with pytest.raises(UserError) as info:
        make(target)
    assert str(target) in str(info.value) and "\n" not in str(info.value)


def test_wrong_kind_of_model_is_one_line(tiny_causal_path):
    with pytest.raises(ModelError, match="cannot load as a seq2seq") as info:
        make(tiny_causal_path)
    assert "hf-causal" in str(info.value) and "\n" not in str(info.value)


def test_missing_device_is_one_line(tiny_seq2seq_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ModelError, match="no CUDA GPU"):
        make(tiny_seq2seq_path, device="cuda")


def test_tiny_model_config_runs_through_bench_run(tiny_seq2seq_path, tmp_path):
    from bench.cli import main

    config = tmp_path / "tiny.yaml"
    config.write_text(
        f"name: tiny\ndataset: {{source: {SEEDS}}}\nsummarizers:\n"
        f"  - {{name: t5, type: hf-seq2seq, model: {tiny_seq2seq_path}, prompts: 'Summarize: {{body}}', generation: {{max_new_tokens: 6}}}}\n"
        "scoring: {bootstrap: 10}\n"
    )
    assert main(["run", str(config), "--output", str(tmp_path / "runs")]) == 0
    run_dir = next((tmp_path / "runs").iterdir())
    rows = [json.loads(line) for line in (run_dir / "predictions.jsonl").open()]
    assert {r["target"] for r in rows} == {"headline", "standfirst"} and all(r["summarizer"] == "t5" for r in rows)
    results = json.loads((run_dir / "results.json").read_text())
    assert results["targets"]["headline"]["systems"]["t5"]["n"] == len(list(SEEDS.glob("*.txt")))
    # The run records what the model did: every input seen, and how many were cut to its limit
    # (the tiny model's limit is far below the seed article's length).
    model = results["cache"]["by_summarizer"]["t5"]["model"]
    assert model["inputs"] == 2 * len(list(SEEDS.glob("*.txt"))) and model["truncated"] == model["inputs"]
    assert model["device"] == "cpu" and model["input_limit"] > 0


def test_cache_identity_follows_the_weights(tiny_seq2seq_path, tmp_path) -> None:
    """Retraining a model in place must not give stale cache hits: the identity is the weights."""
    import shutil

    from bench.summarizers.hf_seq2seq import HFSeq2SeqSummarizer

    copy = tmp_path / "model"
    shutil.copytree(tiny_seq2seq_path, copy)
    settings = HFSeq2SeqSummarizer.Settings(name="m", type="hf-seq2seq", model=str(copy))
    before = HFSeq2SeqSummarizer.cache_identity(settings)
    assert before == HFSeq2SeqSummarizer.cache_identity(settings)
    weights = next(p for p in copy.iterdir() if p.suffix in (".safetensors", ".bin"))
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1
    weights.write_bytes(bytes(data))
    assert HFSeq2SeqSummarizer.cache_identity(settings) != before
    assert not HFSeq2SeqSummarizer.uses_seed(settings)
    sampled = HFSeq2SeqSummarizer.Settings(name="m", type="hf-seq2seq", model=str(copy),
                                           generation={"do_sample": True})
    assert HFSeq2SeqSummarizer.uses_seed(sampled)


def test_model_folder_relative_to_the_config_file(tiny_seq2seq_path, tmp_path, monkeypatch) -> None:
    import shutil

    from bench.config import load_config

    (tmp_path / "configs").mkdir()
    shutil.copytree(tiny_seq2seq_path, tmp_path / "models" / "tiny")
    config = tmp_path / "configs" / "tiny.yaml"
    config.write_text(f"name: tiny\ndataset: {{source: {SEEDS}}}\n"
                      "summarizers:\n  - {name: t5, type: hf-seq2seq, model: ../models/tiny}\n")
    monkeypatch.chdir(tmp_path / "models")  # anywhere but the config's folder
    assert load_config(config).summarizers[0]["model"] == str((tmp_path / "models" / "tiny").resolve())


def test_sampled_outputs_do_not_depend_on_batch_company(tiny_seq2seq_path) -> None:
    """A resumed or partly cached run samples each article exactly as a clean run would."""
    sampling = {"max_new_tokens": 8, "do_sample": True, "top_k": 0, "temperature": 50.0}
    articles = sources(BODIES)
    together = make(tiny_seq2seq_path, generation=sampling).summarize(articles, "headline")
    alone = [make(tiny_seq2seq_path, generation=sampling).summarize([a], "headline")[0] for a in articles[::-1]][::-1]
    assert together == alone
    other_seed = build_summarizer({"name": "s2s", "type": "hf-seq2seq", "model": str(tiny_seq2seq_path),
                                   "generation": sampling}, seed=2).summarize(articles, "headline")
    assert other_seed != together
