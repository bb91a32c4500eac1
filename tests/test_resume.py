"""Resume: a run killed at any moment continues where it stopped and ends with
the same files as an uninterrupted run, no article lost or counted twice."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import bench_test_plugins  # noqa: F401  (registers test-slow here; `bench` processes get BENCH_PLUGINS)
import pytest
from run_helpers import (
    bench,
    news_articles,
    count_lines,
    plugin_env,
    run_dirs,
    stable_results,
    start_bench,
    write_config,
    write_seeds,
)

from bench.cli import main as cli_main
from bench.config import load_config
from bench.errors import ConfigError, UserError
from bench.runs import scoring
from bench.runs.directory import RunDirectory
from bench.runs.runner import RunInterrupted, run

N_ARTICLES = 10
# Kill points fall inside the slow summarizers, so a run cannot finish before the kill.
SUMMARIZERS = [
    {"name": "slow", "type": "test-slow", "delay": 0.04},
    {"name": "random", "type": "random"},
    {"name": "slow-too", "type": "test-slow", "delay": 0.04},
    {"name": "oracle", "type": "oracle"},
]
TOTAL = len(SUMMARIZERS) * 2 * N_ARTICLES


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A config over made-up articles, and an uninterrupted run of it to compare with."""
    root = tmp_path_factory.mktemp("resume")
    seeds = write_seeds(root / "seeds", news_articles(N_ARTICLES, start=100))
    config = write_config(root / "c.yaml", seeds, SUMMARIZERS, batch_size=2)
    assert cli_main(["run", str(config), "-o", str(root / "reference"), "--no-cache", "-q"]) == 0
    return {"root": root, "config": config, "reference": run_dirs(root / "reference")[0]}


def wait_for_lines(path: Path, lines: int, proc, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while count_lines(path) < lines:
        assert proc.poll() is None, f"the run ended before {lines} predictions: {proc.communicate()}"
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.005)


def start_and_wait(config: Path, output: Path, lines: int, *flags: str,  # type: ignore[no-untyped-def]
                   env: dict[str, str] | None = None, sigint: object = None):
    """A real `bench run` process, once it has written ``lines`` predictions
    (0: once its run directory exists)."""
    proc = start_bench("run", str(config), "-o", str(output), "-q", *flags, env=env, sigint=sigint)
    deadline = time.monotonic() + 60
    while not any((d / "config.yaml").is_file() for d in run_dirs(output)):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.005)
    wait_for_lines(run_dirs(output)[0] / "predictions.jsonl", lines, proc)
    return proc, run_dirs(output)[0]


def assert_same_as_reference(run_dir: Path, reference: Path) -> None:
    for name in ("predictions.jsonl", "scores.jsonl", "config.yaml"):
        assert (run_dir / name).read_bytes() == (reference / name).read_bytes(), name
    assert stable_results(run_dir) == stable_results(reference)
    rows = [json.loads(line) for line in (run_dir / "predictions.jsonl").read_text().splitlines()]
    assert len({(r["summarizer"], r["target"], r["id"]) for r in rows}) == len(rows) == TOTAL


@pytest.mark.parametrize(("kill_after", "cache", "torn"), [(0, False, False), (3, False, True), (11, True, False),
                                                           (45, False, False)],
                         ids=["at-start", "after-3-torn-line", "after-11-cache-on", "after-45-third-summarizer"])
def test_sigkill_then_rerun_continues_and_matches(setup: dict[str, Path], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  kill_after: int, cache: bool, torn: bool) -> None:
    output = tmp_path / "runs"
    flags = () if cache else ("--no-cache",)
    proc, killed = start_and_wait(setup["config"], output, kill_after, *flags)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert not (killed / "results.json").exists()
    kept = count_lines(killed / "predictions.jsonl")
    assert kept >= kill_after and kept < TOTAL
    if torn:  # as a power cut mid-write would leave it: half a line, cut off and redone
        with (killed / "predictions.jsonl").open("a", encoding="utf-8") as handle:
            handle.write('{"id": "bbc-x", "target": "headline", "summarizer": "slow", "predic')

    assert cli_main(["run", str(setup["config"]), "-o", str(output), "-q", *flags]) == 0
    assert f"continuing the unfinished run {killed}" in capsys.readouterr().err
    assert run_dirs(output) == [killed]  # the same directory, now finished
    assert_same_as_reference(killed, setup["reference"])
    record = json.loads((killed / "results.json").read_text())["cache"]
    assert record["resumed"] == kept
    assert record["misses"] + record["hits"] == TOTAL - kept


def test_ctrl_c_keeps_the_work_and_says_how_to_resume(setup: dict[str, Path], tmp_path: Path) -> None:
    # SIGINT at its default in the child, as in a terminal, however pytest was started
    # (`pytest &` in a script starts with SIGINT ignored, and a run respects that).
    proc, run_dir = start_and_wait(setup["config"], tmp_path / "runs", 6, "--no-cache", sigint=signal.SIG_DFL)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    (line,) = [line for line in stderr.splitlines() if line.strip()]
    kept = count_lines(run_dir / "predictions.jsonl")
    assert f"{kept} predictions kept in {run_dir}" in line and f"--resume {run_dir}" in line
    assert cli_main(["run", "--resume", str(run_dir), "--no-cache", "-q"]) == 0
    assert_same_as_reference(run_dir, setup["reference"])


def test_interrupt_during_scoring_then_resume(setup: dict[str, Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(setup["config"])
    monkeypatch.setattr(scoring, "score_and_record", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(RunInterrupted) as stopped:
        run(config, tmp_path / "runs", show_progress=False, use_cache=False, log=lambda m: None)
    assert stopped.value.kept == TOTAL
    monkeypatch.undo()
    messages: list[str] = []
    outcome = run(config, tmp_path / "runs", show_progress=False, use_cache=False, log=messages.append)
    assert outcome.results["cache"]["resumed"] == TOTAL and outcome.results["cache"]["misses"] == 0
    assert_same_as_reference(outcome.directory.path, setup["reference"])


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_ctrl_c_swallowed_by_a_finalizer_still_stops_the_run(setup: dict[str, Path], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A KeyboardInterrupt raised inside ``__del__`` is dropped by Python ("Exception ignored")."""
    class SigintWhenCollected:
        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):  # the handler runs here, and its KeyboardInterrupt goes nowhere
                pass

    def evaluate(*args, **kwargs):  # type: ignore[no-untyped-def]
        SigintWhenCollected()
        return real_evaluate(*args, **kwargs)

    real_evaluate = scoring.score_and_record
    monkeypatch.setattr(scoring, "score_and_record", evaluate)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal
    try:
        with pytest.raises(RunInterrupted) as stopped:
            run(load_config(setup["config"]), tmp_path / "runs", show_progress=False, use_cache=False,
                log=lambda m: None)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert stopped.value.kept == TOTAL and not (stopped.value.directory.results_path).exists()


def test_fresh_starts_a_new_run_and_finished_runs_are_not_resumed(setup: dict[str, Path], tmp_path: Path) -> None:
    config = load_config(setup["config"])
    quiet = {"show_progress": False, "use_cache": False, "log": lambda m: None}
    first = run(config, tmp_path / "runs", **quiet)
    second = run(config, tmp_path / "runs", **quiet)  # the first finished: a new run
    assert second.directory.path != first.directory.path
    with pytest.raises(UserError, match="already finished"):
        run(config, tmp_path / "runs", resume=first.directory.path, **quiet)
    # An unfinished run is left alone with --fresh.
    (second.directory.results_path).unlink()
    third = run(config, tmp_path / "runs", fresh=True, **quiet)
    assert third.directory.path not in (first.directory.path, second.directory.path)


def test_resume_refuses_a_different_config(setup: dict[str, Path], tmp_path: Path) -> None:
    config = load_config(setup["config"])
    directory = RunDirectory(tmp_path / "partial")
    directory.path.mkdir()
    directory.config_path.write_text(
        (setup["reference"] / "config.yaml").read_text().replace("seed: 1234", "seed: 99", 1)
    )
    with pytest.raises(ConfigError, match=r"different seed; resume with the same config"):
        run(config, tmp_path / "runs", resume=directory.path, show_progress=False, log=lambda m: None)
    # The cache and engine sections change no number: they may differ.
    directory.config_path.write_text((setup["reference"] / "config.yaml").read_text()
                                     .replace("enabled: true", "enabled: false"))
    outcome = run(config, tmp_path / "runs", resume=directory.path, show_progress=False, log=lambda m: None)
    assert outcome.directory.path == directory.path


def test_a_run_being_written_is_not_taken_over(setup: dict[str, Path], tmp_path: Path) -> None:
    config = load_config(setup["config"])
    directory = RunDirectory(tmp_path / "runs" / "t-20000101-000000")
    directory.path.mkdir(parents=True)
    directory.config_path.write_text((setup["reference"] / "config.yaml").read_text())
    quiet = {"show_progress": False, "use_cache": False, "log": lambda m: None}
    with directory.lock():  # as if another process were writing it
        with pytest.raises(UserError, match="another 'bench run' is writing"):
            run(config, tmp_path / "runs", resume=directory.path, **quiet)
        elsewhere = run(config, tmp_path / "runs", **quiet)
    assert elsewhere.directory.path != directory.path
    resumed = run(config, tmp_path / "runs", **quiet)  # unlocked now: continued
    assert resumed.directory.path == directory.path


def test_model_run_killed_and_resumed_matches(tmp_path: Path, tiny_seq2seq_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A real (tiny, local) transformers model, killed with SIGKILL partway."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model on a shared machine: extra threads only contend
    try:
        _model_run_killed_and_resumed(tmp_path, tiny_seq2seq_path, capsys)
    finally:
        torch.set_num_threads(threads)


def _model_run_killed_and_resumed(tmp_path: Path, tiny_seq2seq_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    seeds = write_seeds(tmp_path / "seeds", news_articles(8, start=300))
    model = {"name": "t5", "type": "hf-seq2seq", "model": str(tiny_seq2seq_path), "device": "cpu",
             "prompts": {"headline": "Write a headline: {body}", "standfirst": "Summarize: {body}"},
             "max_input_tokens": 64, "generation": {"max_new_tokens": 8, "num_beams": 2}}
    config = write_config(tmp_path / "c.yaml", seeds, [model], batch_size=2)
    assert cli_main(["run", str(config), "-o", str(tmp_path / "reference"), "--no-cache", "-q"]) == 0
    reference = run_dirs(tmp_path / "reference")[0]

    proc, killed = start_and_wait(config, tmp_path / "runs", 2, "--no-cache", env=plugin_env(OMP_NUM_THREADS="1"))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    kept = count_lines(killed / "predictions.jsonl")
    assert 2 <= kept < 16 and not (killed / "results.json").exists()
    capsys.readouterr()
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "--no-cache", "-q"]) == 0
    assert "continuing the unfinished run" in capsys.readouterr().err
    for name in ("predictions.jsonl", "scores.jsonl"):
        assert (killed / name).read_bytes() == (reference / name).read_bytes()
    assert stable_results(killed) == stable_results(reference)
    assert json.loads((killed / "results.json").read_text())["cache"]["resumed"] == kept


def test_an_unfinished_run_is_never_continued_on_changed_articles(tmp_path: Path, capsys) -> None:
    """The config names a path; the fingerprint says whether the articles behind it are the same."""
    rows = [{"id": f"a{i}", "headline": f"Headline {i}", "standfirst": f"Standfirst number {i}.",
             "body": f"First sentence of article {i}. Second sentence here."} for i in range(3)]
    data = tmp_path / "d.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    config = tmp_path / "d.yaml"
    config.write_text(f"name: d\ndataset: {{source: {data}}}\nsummarizers:\n  - {{name: lead-1, type: lead}}\n")
    out = tmp_path / "runs"
    assert cli_main(["run", str(config), "-o", str(out), "-q", "--no-cache"]) == 0
    [first] = list(out.iterdir())
    for name in ("results.json", "scores.jsonl"):  # as if it had been killed before scoring
        (first / name).unlink()
    rows[0]["body"] = "A new first sentence. " + rows[0]["body"]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))

    assert cli_main(["run", str(config), "--resume", str(first), "-q", "--no-cache"]) == 2
    assert "dataset fingerprint" in capsys.readouterr().err
    assert cli_main(["run", str(config), "-o", str(out), "-q", "--no-cache"]) == 0
    [second] = [p for p in out.iterdir() if p != first]  # a new run, not the stale one continued
    lead = [json.loads(line) for line in (second / "predictions.jsonl").read_text().splitlines()]
    assert {r["prediction"] for r in lead if r["id"] == "a0"} == {"A new first sentence."}


def test_sigterm_keeps_the_work_and_says_how_to_resume(setup: dict[str, Path], tmp_path: Path) -> None:
    """What `timeout`, Slurm and Kubernetes send: handled as Ctrl-C is, with the shell's exit code 143."""
    proc, run_dir = start_and_wait(setup["config"], tmp_path / "runs", 6, "--no-cache")
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stderr
    assert "Traceback" not in stderr
    (line,) = [line for line in stderr.splitlines() if line.strip()]
    kept = count_lines(run_dir / "predictions.jsonl")
    assert 6 <= kept < TOTAL and not (run_dir / "results.json").exists()
    assert line.startswith("bench: stopped by SIGTERM; ")
    assert f"{kept} predictions kept in {run_dir}" in line and f"--resume {run_dir}" in line
    assert cli_main(["run", "--resume", str(run_dir), "--no-cache", "-q"]) == 0
    assert_same_as_reference(run_dir, setup["reference"])


VERSIONED = '''\
"""A plugin summarizer whose code the test edits between two attempts of one run."""
import time

from bench.api import Summarizer, SummarizerSettings, register_summarizer

VERSION = "{version}"


class Settings(SummarizerSettings):
    delay: float = 0.0


@register_summarizer("test-versioned")
class Versioned(Summarizer):
    Settings = Settings

    def summarize(self, articles, target):
        time.sleep(self.settings.delay * len(articles))
        return [f"{{VERSION}} {{a.body.split()[0]}} {{target}}" for a in articles]
'''


@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache-on"])
def test_a_resume_after_the_summarizer_code_changed_remakes_its_predictions(
        setup: dict[str, Path], tmp_path: Path, cache: bool) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    module = plugins / "versioned_plugin.py"
    module.write_text(VERSIONED.format(version="v1"), encoding="utf-8")
    env = plugin_env(PYTHONPATH=os.pathsep.join([str(plugins), str(Path(__file__).parent)]),
                     BENCH_PLUGINS="versioned_plugin,bench_test_plugins")
    config = write_config(tmp_path / "c.yaml", setup["root"] / "seeds",
                          [{"name": "lead-1", "type": "lead"}, {"name": "versioned", "type": "test-versioned", "delay": 0.05}],
                          batch_size=2)
    flags = () if cache else ("--no-cache",)
    proc, run_dir = start_and_wait(config, tmp_path / "runs", 2 * N_ARTICLES + 4, *flags, env=env)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 143
    before = [json.loads(line) for line in (run_dir / "predictions.jsonl").read_text().splitlines()]
    assert any(r["prediction"].startswith("v1 ") for r in before)

    module.write_text(VERSIONED.format(version="v2"), encoding="utf-8")  # the code changes, the config does not
    resumed = bench("run", str(config), "-o", str(tmp_path / "runs"), "-q", *flags, env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert f"continuing the unfinished run {run_dir}" in resumed.stderr
    changed = [line for line in resumed.stderr.splitlines() if "changed since this run was interrupted" in line]
    assert len(changed) == 1 and changed[0].startswith("summarizer 'versioned' changed since this run was "
                                                      "interrupted (code); its ") and "made again" in changed[0]
    assert run_dirs(tmp_path / "runs") == [run_dir]
    rows = [json.loads(line) for line in (run_dir / "predictions.jsonl").read_text().splitlines()]
    versioned = [r["prediction"] for r in rows if r["summarizer"] == "versioned"]
    assert len(versioned) == 2 * N_ARTICLES and all(p.startswith("v2 ") for p in versioned)

    clean = bench("run", str(config), "-o", str(tmp_path / "clean"), "-q", "--no-cache", env=env)
    assert clean.returncode == 0, clean.stderr
    reference = run_dirs(tmp_path / "clean")[0]
    for name in ("predictions.jsonl", "scores.jsonl"):
        assert (run_dir / name).read_bytes() == (reference / name).read_bytes()
    record = json.loads((run_dir / "results.json").read_text())["cache"]["by_summarizer"]
    assert record["lead-1"]["resumed"] == 2 * N_ARTICLES  # the unchanged summarizer's work was kept
    assert record["versioned"]["resumed"] == 0
