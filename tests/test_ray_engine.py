"""The Ray engine on a real local Ray instance, compared with the local engine.

Ray starts once for the module (``ray.init(num_cpus=2)``, several seconds) and
is shut down after. A tiny seq2seq model built on the fly runs over real BBC
articles on both engines: the outputs must be identical, in job order.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from bench.api.article import Article
from bench.cli import main as cli_main
from bench.config import engine_config, validate_config
from bench.engines import make_engine
from bench.api.engine import Job
from bench.engines.local import LocalEngine
from bench.errors import ConfigError


@pytest.fixture(scope="module")
def ray_instance() -> Iterator[Any]:
    ray = pytest.importorskip("ray", reason="Ray is not installed: pip install 'headline-bench[ray]'")
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    yield ray
    if started:
        ray.shutdown()


@pytest.fixture(scope="module")
def bbc(news_jsonl: Path) -> list[Article]:
    with news_jsonl.open(encoding="utf-8") as lines:
        rows = [json.loads(next(lines)) for _ in range(10)]
    return [Article(id=r["id"], body=r["body"], headline=r["headline"], standfirst=r["standfirst"]) for r in rows]


def seq2seq_settings(model: Path) -> dict[str, Any]:
    return {
        "name": "tiny-t5", "type": "hf-seq2seq", "model": str(model), "device": "cpu",
        "prompts": {"headline": "Headline: {body}", "standfirst": "Standfirst: {body}"},
        "generation": {"max_new_tokens": 12},
    }


def test_ray_gives_the_local_outputs_in_job_order(ray_instance: Any, tiny_seq2seq_path: Path, bbc: list[Article]) -> None:
    jobs = [Job(t, bbc[i : i + 3]) for t in ("headline", "standfirst") for i in range(0, len(bbc), 3)]
    settings = seq2seq_settings(tiny_seq2seq_path)
    local = list(LocalEngine().generate(settings, 7, jobs))
    on_ray = list(make_engine(engine_config({"type": "ray", "workers": 2})).generate(settings, 7, jobs))
    assert [result.job for result in on_ray] == jobs
    assert on_ray == local
    assert any(text for result in local for text in result.texts)  # the model really wrote something


def run_cli(config: dict[str, Any], tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({**config, "name": name}), encoding="utf-8")
    output = tmp_path / "runs"
    assert cli_main(["run", str(path), "--output", str(output), "--quiet"]) == 0
    (run_dir,) = output.glob(f"{name}-*")
    return run_dir


def test_bench_run_on_ray_equals_a_local_run(ray_instance: Any, news_jsonl: Path, tmp_path: Path) -> None:
    # Cheap summarizers here (the tiny model on Ray is the test above); this is the runner's path.
    config = {
        "seed": 3,
        "dataset": {"source": str(news_jsonl), "limit": 8},
        "batch_size": 3,
        "summarizers": [
            {"name": "oracle", "type": "oracle"},  # reads the references: they must reach the workers
            {"name": "random", "type": "random"},  # seeded: the run seed must reach the workers
        ],
        "scoring": {"bootstrap": 20},
        "cache": {"enabled": False},  # else the second run would only read what the first cached
    }
    local = run_cli(config, tmp_path, "local")
    on_ray = run_cli({**config, "engine": {"type": "ray", "workers": 2}}, tmp_path, "ray")
    assert (on_ray / "predictions.jsonl").read_text(encoding="utf-8") == (local / "predictions.jsonl").read_text(encoding="utf-8")
    assert (on_ray / "scores.jsonl").read_text(encoding="utf-8") == (local / "scores.jsonl").read_text(encoding="utf-8")
    saved = yaml.safe_load((on_ray / "config.yaml").read_text(encoding="utf-8"))
    assert saved["engine"]["type"] == "ray" and saved["engine"]["workers"] == 2


def test_a_failure_on_a_worker_is_the_error_a_local_run_gives(ray_instance: Any, tmp_path: Path, bbc: list[Article]) -> None:
    settings = {"name": "missing", "type": "hf-seq2seq", "model": str(tmp_path / "no-such-model")}
    jobs = [Job("headline", bbc[:2])]
    with pytest.raises(Exception) as local:
        list(LocalEngine().generate(settings, 1, jobs))
    with pytest.raises(Exception) as on_ray:
        list(make_engine(engine_config("ray")).generate(settings, 1, jobs))
    assert type(on_ray.value) is type(local.value)
    assert str(on_ray.value) == str(local.value)


def test_engine_config(tmp_path: Path) -> None:
    base = {"name": "t", "dataset": {"source": "seeds"}, "summarizers": [{"name": "lead", "type": "lead"}]}
    assert validate_config(base, tmp_path).engine.type == "local"
    assert validate_config({**base, "engine": "ray"}, tmp_path).engine == engine_config({"type": "ray"})
    with pytest.raises(ConfigError, match="engine.gpus: unknown key"):
        validate_config({**base, "engine": {"type": "ray", "gpus": 1}}, tmp_path)
    with pytest.raises(ConfigError, match="engine.workers"):
        validate_config({**base, "engine": {"type": "ray", "workers": 0}}, tmp_path)


def test_without_ray_asking_for_it_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails, as where it is not installed
    config = tmp_path / "c.yaml"
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    config.write_text(yaml.safe_dump({
        "name": "c", "dataset": {"source": str(seeds)}, "summarizers": [{"name": "lead", "type": "lead"}], "engine": "ray",
    }), encoding="utf-8")
    assert cli_main(["run", str(config), "--output", str(tmp_path / "runs"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    # headline-bench is on no package index: the hint is the command that works from a checkout.
    assert "\n" not in err and "engine.type: ray" in err and "pip install -e '.[ray]'" in err
    assert "pip install 'headline-bench[ray]'" not in err


def test_a_ray_run_records_the_truncation_counts_a_local_run_records(
        ray_instance: Any, tiny_seq2seq_path: Path, news_jsonl: Path, tmp_path: Path) -> None:
    """What a model summarizer's stats() counts travels back from the workers, per job kept."""
    model = {**seq2seq_settings(tiny_seq2seq_path), "max_input_tokens": 48}
    config = {
        "seed": 5,
        "dataset": {"source": str(news_jsonl), "limit": 8},
        "batch_size": 3,
        "summarizers": [model],
        "scoring": {"bootstrap": 20},
        "cache": {"enabled": False},
    }
    local = run_cli(config, tmp_path, "local")
    on_ray = run_cli({**config, "engine": {"type": "ray", "workers": 2}}, tmp_path, "ray")
    counts = [json.loads((d / "results.json").read_text())["cache"]["by_summarizer"]["tiny-t5"]["model"]
              for d in (local, on_ray)]
    assert counts[0] == counts[1]
    assert counts[0]["inputs"] == 16 and 0 < counts[0]["truncated"] <= 16 and counts[0]["input_limit"] == 48
    assert (on_ray / "predictions.jsonl").read_bytes() == (local / "predictions.jsonl").read_bytes()


def test_a_failing_article_on_ray_is_retried_in_the_worker_without_a_reload(
        ray_instance: Any, tmp_path: Path, bbc: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    tests = str(Path(__file__).resolve().parent)
    monkeypatch.setenv("BENCH_PLUGINS", "bench_test_plugins")  # the workers find the test summarizers by name
    monkeypatch.setenv("PYTHONPATH", tests)
    jobs = [Job(t, bbc[i : i + 4]) for t in ("headline", "standfirst") for i in (0, 4, 8)]
    builds = {"local": tmp_path / "local.txt", "ray": tmp_path / "ray.txt"}
    settings = {"name": "flaky", "type": "test-slow", "fail_on": [bbc[5].id]}
    local = list(LocalEngine().generate({**settings, "builds": str(builds["local"])}, 3, jobs))
    on_ray = list(make_engine(engine_config({"type": "ray", "workers": 2}))
                  .generate({**settings, "builds": str(builds["ray"])}, 3, jobs))
    assert [(r.texts, [(f.index, f.reason()) for f in r.failures]) for r in on_ray] == \
        [(r.texts, [(f.index, f.reason()) for f in r.failures]) for r in local]
    assert [r.texts.count(None) for r in on_ray] == [0, 1, 0, 0, 1, 0]
    assert len(builds["local"].read_text().splitlines()) == 1
    assert len(builds["ray"].read_text().splitlines()) == 2  # once per worker, never again after the failure


def test_a_worker_that_cannot_be_placed_fails_at_once_in_one_line(
        ray_instance: Any, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """The README's cluster command on a machine without GPUs: no wait at 0/N, one line."""
    gpus = ray_instance.cluster_resources().get("GPU", 0)
    config = tmp_path / "c.yaml"
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    config.write_text(yaml.safe_dump({
        "name": "c", "dataset": {"source": str(seeds)}, "summarizers": [{"name": "lead", "type": "lead"}],
        "engine": {"type": "ray", "num_gpus_per_worker": gpus + 1}, "cache": {"enabled": False},
    }), encoding="utf-8")
    assert cli_main(["run", str(config), "--output", str(tmp_path / "runs"), "--quiet"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"bench: error: engine.num_gpus_per_worker: {gpus + 1:g}: no worker can be placed")
    assert "set engine.num_gpus_per_worker: 0 to run on CPUs" in line
    assert list((tmp_path / "runs").iterdir()) == []  # nothing was made, so nothing is left behind
