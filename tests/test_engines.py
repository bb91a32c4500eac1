"""Engines: chosen from a registry, configured by a union keyed on ``type``,
and reporting the same declared ``JobResult`` (outputs, failures, stats).
No Ray here (tests/test_ray_engine.py runs it); small articles written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal, Sequence

import bench_test_plugins  # noqa: F401  (registers test-slow)
import pytest
import yaml

from bench.api import Article, Source, Summarizer, SummarizerSettings
from bench.api import engine as engine_api
from bench.api.engine import MAX_FAILURE_STREAK, Engine, EngineSettings, Job, JobResult, register_engine
from bench.api.summarizer import _registered as registered_summarizers
from bench.cli import main as cli_main
from bench.config import engine_config, load_config, validate_config
from bench.engines import make_engine
from bench.engines.local import LocalEngine, LocalSettings, run_job
from bench.engines.ray_engine import RayPlacementError, RaySettings, check_placement
from bench.errors import ConfigError
from bench.runs.runner import run

BASE = {"name": "e", "summarizers": [{"name": "lead-1", "type": "lead"}], "scoring": {"bootstrap": 10}}


def articles(n: int) -> list[Article]:
    return [Article(id=f"a{i}", headline=f"Headline {i}", standfirst=f"Standfirst {i}.",
                    body=f"Article {i} opens here. It goes on.") for i in range(n)]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps({"id": a.id, "headline": a.headline, "standfirst": a.standfirst,
                                        "body": a.body}) + "\n" for a in articles(5)), encoding="utf-8")
    return path


def config_file(tmp_path: Path, data: Path, **extra: Any) -> Path:
    path = tmp_path / "e.yaml"
    path.write_text(yaml.safe_dump({**BASE, "dataset": {"source": str(data)}, **extra}), encoding="utf-8")
    return path


# -- configuration -------------------------------------------------------------------


def test_a_setting_of_another_engine_is_a_one_line_config_error(tmp_path: Path, data: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    config = config_file(tmp_path, data, engine={"type": "local", "workers": 4})
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "-q"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line == (f"bench: error: {config}: engine.workers: does not apply to engine type 'local' "
                    "(it is a setting of ray); remove it, or set engine.type: ray")
    assert not (tmp_path / "runs").exists()
    # `--set engine.workers=4` alone asks the default engine, local, for it too.
    with pytest.raises(ConfigError, match="engine.workers: does not apply to engine type 'local'"):
        load_config(config_file(tmp_path, data), ["engine.workers=4"])


def test_engine_errors_name_the_field(tmp_path: Path) -> None:
    base = {**BASE, "dataset": {"source": "seeds"}}
    for engine, message in [
        ({"type": "dask"}, "engine.type: unknown engine 'dask'; registered engines: local, ray"),
        ({"type": "ray", "num_cpus_per_worker": 0}, "engine.num_cpus_per_worker: Input should be greater than 0"),
        ({"type": "ray", "adress": "auto"}, "engine.adress: unknown key; remove it or check its spelling"),
        ([1], "engine: expected an engine name (local, ray) or a mapping with a 'type'"),
    ]:
        with pytest.raises(ConfigError) as err:
            validate_config({**base, "engine": engine}, tmp_path)
        assert str(err.value) == f"config: {message}"


def test_the_ray_shorthand_takes_set_overrides_and_is_saved_in_full(tmp_path: Path, data: Path) -> None:
    config = load_config(config_file(tmp_path, data, engine="ray"), ["engine.workers=3"])
    assert config.engine == RaySettings(workers=3)
    assert config.model_dump(mode="json")["engine"] == {
        "type": "ray", "address": None, "workers": 3, "num_gpus_per_worker": 0, "num_cpus_per_worker": 1}
    assert load_config(config_file(tmp_path, data), ["engine.type=ray"]).engine == RaySettings()
    assert load_config(config_file(tmp_path, data)).engine == LocalSettings()
    assert load_config(config_file(tmp_path, data)).model_dump(mode="json")["engine"] == {"type": "local"}


def test_a_config_yaml_saved_before_engines_had_own_settings_still_loads(tmp_path: Path, data: Path) -> None:
    """Every run directory made so far records the default engine this way: they stay resumable."""
    legacy = {"type": "local", "address": None, "workers": 1, "num_gpus_per_worker": 0, "num_cpus_per_worker": 1}
    assert load_config(config_file(tmp_path, data, engine=legacy)).engine == LocalSettings()
    with pytest.raises(ConfigError, match="engine.address: does not apply"):  # anything else is not the old default
        load_config(config_file(tmp_path, data, engine={**legacy, "workers": 2}))


# -- the registry: an engine is one file ---------------------------------------------------------


class EchoSettings(EngineSettings):
    type: Literal["test-echo"] = "test-echo"
    label: str = "echo"


class EchoEngine(Engine):
    """A third engine, as a plugin would add one: the local engine, counted."""

    Settings = EchoSettings
    jobs_seen = 0

    def generate(self, settings: dict[str, Any], seed: int, jobs: Iterable[Job]) -> Iterator[JobResult]:
        for result in LocalEngine().generate(settings, seed, jobs):
            EchoEngine.jobs_seen += 1
            yield result


@pytest.fixture
def echo_engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(engine_api._registered, "test-echo", EchoEngine)
    engine_api.forget_loaded_engines()
    EchoEngine.jobs_seen = 0
    yield
    monkeypatch.undo()
    engine_api.forget_loaded_engines()


def test_a_registered_engine_is_chosen_by_type_with_its_own_settings(echo_engine: None, tmp_path: Path,
                                                                      data: Path) -> None:
    assert "test-echo" in engine_api.engine_types() and {"local", "ray"} <= set(engine_api.engine_types())
    config = load_config(config_file(tmp_path, data, engine={"type": "test-echo", "label": "x"}))
    assert config.engine == EchoSettings(label="x") and isinstance(make_engine(config.engine), EchoEngine)
    with pytest.raises(ConfigError, match="engine.label: does not apply to engine type 'local' .it is a setting of "
                                          "test-echo.; remove it, or set engine.type: test-echo"):
        load_config(config_file(tmp_path, data, engine={"label": "x"}))
    quiet = {"show_progress": False, "use_cache": False, "log": lambda m: None}
    on_echo = run(config, tmp_path / "echo", **quiet)
    local = run(load_config(config_file(tmp_path, data)), tmp_path / "local", **quiet)
    assert EchoEngine.jobs_seen == 2  # one batch of 5 articles per target
    assert (on_echo.directory.predictions_path.read_bytes() == local.directory.predictions_path.read_bytes())


def test_register_engine_makes_it_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_api.REGISTRY, "registered", {})
    register_engine("test-echo")(EchoEngine)
    try:
        assert engine_config({"type": "test-echo"}) == EchoSettings()
    finally:
        monkeypatch.undo()
        engine_api.forget_loaded_engines()


def test_an_engine_that_cannot_be_imported_breaks_only_configs_that_ask_for_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, data: Path) -> None:
    from bench.api import registry

    declared = registry.entry_point_values

    def with_broken(group: str) -> dict[str, str]:  # as a plugin package whose module is gone would declare it
        return {**declared(group), **({"test-broken": "no_such_module_here:Engine"} if group == "bench.engines" else {})}

    monkeypatch.setattr(registry, "entry_point_values", with_broken)
    engine_api.forget_loaded_engines()
    try:
        assert load_config(config_file(tmp_path, data)).engine == LocalSettings()
        with pytest.raises(ConfigError, match=r"engine.type: engine 'test-broken' cannot be loaded "
                                              r"\(ModuleNotFoundError: No module named 'no_such_module_here'\); "
                                              r"reinstall the package that provides it$"):
            load_config(config_file(tmp_path, data, engine="test-broken"))
    finally:
        monkeypatch.undo()
        engine_api.forget_loaded_engines()


# -- what an engine reports -------------------------------------------------------------------------


class CountingSettings(SummarizerSettings):
    fail_on: list[str] = []


class CountingSummarizer(Summarizer):
    """Counts what it is given, as a model summarizer counts inputs and truncations."""

    Settings = CountingSettings
    builds = 0

    def __init__(self, settings: CountingSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        CountingSummarizer.builds += 1
        self.inputs = 0
        self.truncated = 0

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        self.inputs += len(articles)  # counted before it fails, as a model counts encoded inputs
        self.truncated += sum(a.id.endswith(("0", "2")) for a in articles)
        if any(a.id in self.settings.fail_on for a in articles):
            raise RuntimeError("told to fail")
        return [a.body.split(".")[0] for a in articles]

    def stats(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "truncated": self.truncated, "device": "cpu"}


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registered_summarizers, "test-counting", CountingSummarizer)
    CountingSummarizer.builds = 0


def test_a_batch_that_raises_is_retried_article_by_article_on_the_same_summarizer(counting: None) -> None:
    batch = articles(4)
    jobs = [Job("headline", batch), Job("standfirst", batch)]
    settings = {"name": "c", "type": "test-counting", "fail_on": ["a2"]}
    results = list(LocalEngine().generate(settings, 0, jobs))
    assert CountingSummarizer.builds == 1  # never rebuilt (for a model: never reloaded)
    clean = list(LocalEngine().generate({**settings, "fail_on": []}, 0, jobs))
    for result, good in zip(results, clean):
        assert result.texts == [t if i != 2 else None for i, t in enumerate(good.texts)]
        assert [(f.index, f.reason(), f.attempted) for f in result.failures] == [(2, "RuntimeError: told to fail", True)]
        # Counted once per output kept: the failed batch attempt and the failed article count nothing.
        assert result.stats == {"inputs": 3, "truncated": 1, "device": "cpu"}
        assert good.stats == {"inputs": 4, "truncated": 2, "device": "cpu"}


def test_after_a_streak_of_failures_the_rest_of_a_job_is_not_attempted(counting: None) -> None:
    batch = articles(MAX_FAILURE_STREAK + 3)
    summarizer = CountingSummarizer(CountingSettings(name="c", type="test-counting",
                                                     fail_on=[a.id for a in batch[1:]]), 0)
    result = run_job(summarizer, Job("headline", batch))
    assert result.texts[0] is not None and result.texts[1:] == [None] * (MAX_FAILURE_STREAK + 2)
    attempted = [f.attempted for f in result.failures]
    assert attempted == [True] * MAX_FAILURE_STREAK + [False] * 2
    assert result.failures[-1].reason() == f"not attempted after {MAX_FAILURE_STREAK} failures in a row"
    assert summarizer.inputs == len(batch) + 1 + MAX_FAILURE_STREAK  # the batch, then each article until the streak


def test_a_run_records_the_stats_of_the_outputs_it_kept(counting: None, tmp_path: Path, data: Path) -> None:
    config = load_config(config_file(tmp_path, data, summarizers=[
        {"name": "c", "type": "test-counting", "fail_on": ["a2"]}], batch_size=2))
    outcome = run(config, tmp_path / "runs", show_progress=False, use_cache=False, log=lambda m: None)
    # 4 of 5 articles per target kept; ids a0 and a2 "truncated", a2 failed: a0 per target.
    assert outcome.results["cache"]["by_summarizer"]["c"]["model"] == {"inputs": 8, "truncated": 2, "device": "cpu"}
    assert [(f["id"], f["target"]) for f in outcome.failures] == [("a2", "headline"), ("a2", "standfirst")]


# -- placement: a worker that cannot be placed fails at once -------------------------------


def node(cpus: float, gpus: float = 0, alive: bool = True) -> dict[str, Any]:
    resources = {"CPU": cpus, "memory": 1e9, **({"GPU": gpus} if gpus else {})}
    return {"Alive": alive, "Resources": resources}


def test_a_worker_needing_a_gpu_on_a_cluster_without_one_is_refused_in_one_line() -> None:
    with pytest.raises(RayPlacementError) as err:
        check_placement([node(2)], RaySettings(num_gpus_per_worker=1))
    assert str(err.value) == (
        "engine.num_gpus_per_worker: 1: no worker can be placed, as no node of the Ray cluster (1 node(s), 2 CPUs "
        "and 0 GPUs in all) has 1 GPU(s); set engine.num_gpus_per_worker: 0 to run on CPUs, or add nodes with GPUs "
        "to the cluster")


def test_placement_counts_what_each_live_node_can_hold() -> None:
    check_placement([node(2, 2), node(4, 1)], RaySettings(workers=3, num_gpus_per_worker=1))
    check_placement([node(8)], RaySettings(workers=4, num_cpus_per_worker=2))
    with pytest.raises(RayPlacementError, match=r"^engine.workers: 4 workers of 1 CPU and 1 GPU each, but the Ray "
                                                r"cluster \(2 node\(s\), 6 CPUs and 3 GPUs in all\) can place only 3; "
                                                r"set engine.workers: 3, or add nodes$"):
        check_placement([node(2, 2), node(4, 1), node(1, 4, alive=False)], RaySettings(workers=4, num_gpus_per_worker=1))
    with pytest.raises(RayPlacementError, match="^engine.num_cpus_per_worker: 4: no worker can be placed"):
        check_placement([node(2), node(3)], RaySettings(num_cpus_per_worker=4))
    with pytest.raises(RayPlacementError, match="can place only 1"):
        check_placement([node(1, 1)], RaySettings(workers=2, num_gpus_per_worker=0.5))
