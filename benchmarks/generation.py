"""Generation speed: a per-article transformers loop against the harness summarizer.

The same local seq2seq model and the same real articles go through
(a) the usual per-article loop: ``pipeline("summarization")`` where the
installed transformers has it, else the equivalent tokenize -> generate ->
decode per article (the JSON says which), and
(b) ``hf-seq2seq`` as ``bench run`` drives it (the local engine, jobs of
``--run-batch`` articles per target, one model load).
Greedy decoding, so both must write the same text. Prints one JSON object.

    python benchmarks/generation.py                      # tiny T5, 64 XSum articles, CPU
    python benchmarks/generation.py --arch t5-base --device cuda   # real-size, random weights
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests"))  # tiny_models lives with the tests

PROMPT = "Summarize: {body}"


def build_model(arch: str, folder: Path) -> Path:
    """Save the model to benchmark: the tests' tiny T5, or a real-size T5 with random weights."""
    from tiny_models import build_tiny_seq2seq

    path = build_tiny_seq2seq(folder, "t5")
    if arch == "tiny":
        return path
    import torch
    from transformers import AutoConfig, AutoModelForSeq2SeqLM

    sizes = {"t5-small": dict(d_model=512, d_kv=64, d_ff=2048, num_layers=6, num_decoder_layers=6, num_heads=8),
             "t5-base": dict(d_model=768, d_kv=64, d_ff=3072, num_layers=12, num_decoder_layers=12, num_heads=12)}
    config = AutoConfig.from_pretrained(path)
    for key, value in sizes[arch].items():
        setattr(config, key, value)
    config.initializer_factor = 1.0
    torch.manual_seed(0)
    AutoModelForSeq2SeqLM.from_config(config).save_pretrained(path)
    return path


def load_articles(path: Path, n: int) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return rows[:n]


def per_article_loop(path: Path, bodies: list[str], generation: dict, device: str) -> tuple[list[str], str]:
    """The usual way: one article at a time through transformers."""
    import torch
    import transformers
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSeq2SeqLM.from_pretrained(path, dtype=torch.float32).to(device).eval()
    prompts = [PROMPT.format(body=b) for b in bodies]
    if "summarization" in transformers.pipelines.SUPPORTED_TASKS:
        pipe = transformers.pipeline("summarization", model=model, tokenizer=tokenizer, device=device)
        out = [pipe(p, truncation=True, **generation)[0]["summary_text"].strip() for p in prompts]
        return out, 'pipeline("summarization"), one article per call'
    outputs = []
    for prompt in prompts:
        encoded = tokenizer(prompt, truncation=True, max_length=tokenizer.model_max_length, return_tensors="pt")
        with torch.inference_mode():
            ids = model.generate(**encoded.to(device), **generation)
        outputs.append(tokenizer.decode(ids[0], skip_special_tokens=True).strip())
    how = (f"per-article tokenize/generate/decode loop (transformers {transformers.__version__} "
           'has no pipeline("summarization"))')
    return outputs, how


def harness(path: Path, bodies: list[str], generation: dict, device: str, run_batch: int) -> list[str]:
    """hf-seq2seq through the local engine, as ``bench run`` drives it."""
    from bench.api.article import Article
    from bench.api.engine import Job
    from bench.engines.local import LocalEngine

    settings = {"name": "bench", "type": "hf-seq2seq", "model": str(path), "prompts": PROMPT,
                "generation": generation, "device": device, "dtype": "float32"}
    articles = [Article(id=str(i), body=b) for i, b in enumerate(bodies)]
    jobs = [Job("headline", articles[i : i + run_batch]) for i in range(0, len(articles), run_batch)]
    outputs: list[str] = []
    for result in LocalEngine().generate(settings, 0, jobs):
        if result.failures:
            raise RuntimeError(f"generation failed: {result.failures[0].reason()}")
        outputs.extend(result.texts)
    return outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=PROJECT.parent / "shared" / "data" / "xsum_test_subset.jsonl")
    parser.add_argument("--articles", type=int, default=64)
    parser.add_argument("--max-new-tokens", type=int, default=24)
    parser.add_argument("--run-batch", type=int, default=16, help="articles per job, as the config's batch_size")
    parser.add_argument("--arch", choices=["tiny", "t5-small", "t5-base"], default="tiny")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=3, help="alternating timed rounds; the best of each counts")
    args = parser.parse_args()
    import torch
    import transformers

    transformers.utils.logging.set_verbosity_error()
    if not args.data.is_file():
        sys.exit(f"articles not found at {args.data}; pass --data FILE.jsonl")
    bodies = [row["body"] for row in load_articles(args.data, args.articles)]
    generation = {"max_new_tokens": args.max_new_tokens, "num_beams": 1, "do_sample": False}
    with tempfile.TemporaryDirectory() as folder:
        path = build_model(args.arch, Path(folder) / "model")
        harness(path, bodies[:2], generation, args.device, args.run_batch)  # warm-up, both sides
        per_article_loop(path, bodies[:2], generation, args.device)
        # Alternate the two and keep each one's best time: on a shared machine a
        # burst of load then hits both sides alike instead of deciding the ratio.
        loop_times, harness_times = [], []
        for _ in range(args.repeats):
            started = time.perf_counter()
            loop_out, how = per_article_loop(path, bodies, generation, args.device)
            loop_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            harness_out = harness(path, bodies, generation, args.device, args.run_batch)
            harness_times.append(time.perf_counter() - started)
        loop_s, harness_s = min(loop_times), min(harness_times)
    result = {
        "model": f"{args.arch} T5 (random weights, tokenizer trained locally)",
        "device": args.device if args.device != "cuda" else torch.cuda.get_device_name(0),
        "torch_threads": torch.get_num_threads(),
        "articles": len(bodies),
        "data": args.data.name,
        "generation": generation,
        "baseline": how,
        "harness": f"hf-seq2seq via LocalEngine, jobs of {args.run_batch} articles, model load included",
        "timing": f"best of {args.repeats} alternating rounds each, model load included on both sides",
        "baseline_articles_per_s": round(len(bodies) / loop_s, 2),
        "harness_articles_per_s": round(len(bodies) / harness_s, 2),
        "ratio": round(loop_s / harness_s, 2),
        "seconds": {"baseline": [round(t, 2) for t in loop_times], "harness": [round(t, 2) for t in harness_times]},
        "outputs_identical": loop_out == harness_out,
        "differing": sum(a != b for a, b in zip(loop_out, harness_out)),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
