"""Determinism: one config, the same numbers every time; seeds set and recorded;
`bench reproduce` says whether a recorded run came out the same."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Sequence

import numpy
import pytest
from run_helpers import news_articles, run_dirs, stable_results, write_config, write_seeds

from bench.api import Source, Summarizer, register_summarizer
from bench.cli import main as cli_main

SUMMARIZERS = [
    {"name": "lead-1", "type": "lead"},
    {"name": "random", "type": "random"},
    {"name": "oracle", "type": "oracle"},
    {"name": "global-rng", "type": "test-global-rng"},
]


@register_summarizer("test-global-rng")
class GlobalRngSummarizer(Summarizer):
    """Draws from the process-wide generators, as careless model code does."""

    deterministic = False

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        out = []
        for article in articles:
            words = article.body.split()
            out.append(" ".join(words[random.randrange(5): 12 + int(numpy.random.randint(10))]))
        torch = sys.modules.get("torch")
        if torch is not None:
            out = [f"{text} {int(torch.randint(0, 1000, (1,)))}" for text in out]
        return out


@pytest.fixture
def config(tmp_path: Path) -> Path:
    seeds = write_seeds(tmp_path / "seeds", news_articles(12, start=100))
    return write_config(tmp_path / "c.yaml", seeds, SUMMARIZERS, batch_size=5, scoring={"bootstrap": 300})


def test_same_config_twice_gives_identical_files(config: Path, tmp_path: Path) -> None:
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "--no-cache", "-q"]) == 0
    random.seed(99)  # whatever state the process is left in
    numpy.random.seed(7)
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "--no-cache", "-q"]) == 0
    first, second = run_dirs(tmp_path / "runs")
    for name in ("scores.jsonl", "predictions.jsonl", "config.yaml"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert stable_results(first) == stable_results(second)
    # And a third time from the cache: the same numbers again.
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "-q"]) == 0
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "-q"]) == 0
    third = run_dirs(tmp_path / "runs")[-1]
    assert json.loads((third / "results.json").read_text())["cache"]["misses"] == 0
    assert (third / "scores.jsonl").read_bytes() == (first / "scores.jsonl").read_bytes()
    assert stable_results(third) == stable_results(first)


def test_seeds_are_set_and_recorded(config: Path, tmp_path: Path) -> None:
    import torch  # loaded: the run seeds it too

    assert cli_main(["run", str(config), "-o", str(tmp_path / "a"), "--no-cache", "-q"]) == 0
    torch.manual_seed(5)
    assert cli_main(["run", str(config), "-o", str(tmp_path / "b"), "--no-cache", "-q"]) == 0
    a, b = run_dirs(tmp_path / "a")[0], run_dirs(tmp_path / "b")[0]
    assert (a / "predictions.jsonl").read_bytes() == (b / "predictions.jsonl").read_bytes()
    seeds = json.loads((a / "results.json").read_text())["seeds"]
    assert (seeds["python"], seeds["numpy"], seeds["torch"]) == (1234, 1234, 1234)


def test_baseline_runs_do_not_load_torch(config: Path, tmp_path: Path) -> None:
    """`bench --help` and baseline runs stay fast: torch is never imported for them."""
    script = textwrap.dedent(f"""
        import sys
        from bench.cli import build_parser, main
        build_parser()
        assert "torch" not in sys.modules, "bench --help imported torch"
        code = main(["run", {str(config)!r}, "-o", {str(tmp_path / "runs")!r}, "-q"])
        print(code, "torch" in sys.modules)
    """)
    env_path = str(Path(__file__).resolve().parent)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            env={**__import__("os").environ, "PYTHONPATH": env_path,
                                 "BENCH_PLUGINS": "test_determinism"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["0", "False"]
    record = json.loads((run_dirs(tmp_path / "runs")[0] / "results.json").read_text())
    assert record["seeds"]["torch"] is None and record["environment"]["device"] == "cpu (no model loaded)"


def test_results_record_where_and_how_the_run_was_made(config: Path, tmp_path: Path) -> None:
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "-q", "--set", "dataset.limit=9"]) == 0
    run_dir = run_dirs(tmp_path / "runs")[0]
    results = json.loads((run_dir / "results.json").read_text())
    env = results["environment"]
    assert env["python"].count(".") == 2 and env["packages"]["rouge-score"] == "0.1.2"
    assert env["packages"]["headline-bench"] == results["bench_version"]
    assert "git_commit" in env and "device" in env
    dataset = results["dataset"]
    assert dataset["fingerprint"].startswith("sha256:") and dataset["total_rows"] == 12
    assert len(dataset["ids"]) == 9 and dataset["subset_seed"] == 1234
    predicted = {json.loads(line)["id"] for line in (run_dir / "predictions.jsonl").read_text().splitlines()}
    assert predicted == set(dataset["ids"])
    cache = results["cache"]
    assert cache["enabled"] and cache["misses"] == 4 * 2 * 9 and cache["hits"] == 0


def test_reproduce_says_same_or_not(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "-q"]) == 0
    run_dir = run_dirs(tmp_path / "runs")[0]
    capsys.readouterr()
    assert cli_main(["reproduce", str(run_dir), "-q"]) == 0
    out = capsys.readouterr().out
    assert "reproduced: all" in out and "DIFFERENT" not in out
    assert out.count("same") >= 2 * 4 * 4  # a row per target, summarizer and ROUGE type
    assert len(run_dirs(tmp_path / "runs")) == 1  # the re-run went to a temporary folder

    results = json.loads((run_dir / "results.json").read_text())
    results["targets"]["headline"]["systems"]["random"]["scores"]["rouge2"]["p"]["ci_high"] += 1e-9
    (run_dir / "results.json").write_text(json.dumps(results))
    assert cli_main(["reproduce", str(run_dir), "-q"]) == 1
    out = capsys.readouterr().out
    assert "DIFFERENT" in out and "NOT reproduced: 1 of" in out


def test_reproduce_notices_changed_data(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "-q"]) == 0
    run_dir = run_dirs(tmp_path / "runs")[0]
    article = sorted((tmp_path / "seeds").glob("*.txt"))[3]
    article.write_text(article.read_text().replace(" the ", " a ", 3))
    capsys.readouterr()
    assert cli_main(["reproduce", str(run_dir), "-q", "-o", str(tmp_path / "again")]) == 1
    out = capsys.readouterr().out
    assert "differs dataset.fingerprint" in out and "per-article scores (scores.jsonl): DIFFERENT" in out
    assert len(run_dirs(tmp_path / "again")) == 1  # kept where asked
