"""Faults: a summarizer that raises on one article, a full disk, a broken
summarizer; each is reported and nothing already computed is lost."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import bench_test_plugins  # noqa: F401  (registers test-slow)
import pytest
from run_helpers import news_articles, run_dirs, stable_results, write_config, write_seeds

from bench.cli import main as cli_main
from bench.runs import directory as directory_module
from bench.runs import record

N = 9


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    return write_seeds(tmp_path / "seeds", news_articles(N, start=40))


def ids(seeds: Path) -> list[str]:
    return sorted(p.stem for p in seeds.glob("*.txt"))


def predictions(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "predictions.jsonl").read_text().splitlines()]


def test_a_summarizer_failing_on_one_article(seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    bad = ids(seeds)[4]
    calls = tmp_path / "calls.txt"
    monkeypatch.setenv("BENCH_TEST_CALLS", str(calls))
    config = write_config(tmp_path / "c.yaml", seeds, [{"name": "flaky", "type": "test-slow", "fail_on": [bad]},
                                                       {"name": "lead-1", "type": "lead"}], batch_size=4)
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "-q"]) == 1
    captured = capsys.readouterr()
    assert "2 failure(s) recorded in results.json" in captured.out
    assert f"summarizer 'flaky' failed on article {bad!r} (headline): RuntimeError" in captured.err
    run_dir = run_dirs(tmp_path / "runs")[0]
    results = json.loads((run_dir / "results.json").read_text())
    assert [(f["summarizer"], f["target"], f["id"]) for f in results["failures"]] == \
        [("flaky", "headline", bad), ("flaky", "standfirst", bad)]
    assert "told to fail" in results["failures"][0]["error"]
    # Every other article has its prediction, including the failing one's batch-mates.
    made = {(r["summarizer"], r["target"], r["id"]) for r in predictions(run_dir)}
    assert len(made) == 2 * 2 * N - 2 and ("flaky", "headline", bad) not in made
    assert results["targets"]["headline"]["systems"]["flaky"]["n"] == N - 1
    assert results["targets"]["headline"]["systems"]["lead-1"]["n"] == N
    # The batch that raised was retried one article at a time; other batches ran once.
    summarized = calls.read_text().splitlines()
    assert len(summarized) == 2 * (N - 1) and len(set(summarized)) == len(summarized)


def test_a_failure_streak_stops_trying(seeds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path / "c.yaml", seeds, [{"name": "broken", "type": "test-slow", "fail_on": ids(seeds)},
                                                       {"name": "lead-1", "type": "lead"}], targets=["headline"])
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "-q"]) == 1
    results = json.loads((run_dirs(tmp_path / "runs")[0] / "results.json").read_text())
    errors = [f["error"] for f in results["failures"]]
    assert len(errors) == N and sum("not attempted after 5 failures in a row" in e for e in errors) == N - 5
    assert "broken" not in results["targets"]["headline"]["systems"] or \
        results["targets"]["headline"]["systems"]["broken"]["n"] == 0
    assert results["targets"]["headline"]["systems"]["lead-1"]["n"] == N
    assert capsys.readouterr().err.count("failed on article") == 5


def test_a_full_disk_keeps_what_was_made(seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path / "c.yaml", seeds, [{"name": "slow", "type": "test-slow"},
                                                       {"name": "random", "type": "random"}], batch_size=2)
    assert cli_main(["run", str(config), "-o", str(tmp_path / "reference"), "--no-cache", "-q"]) == 0
    reference = run_dirs(tmp_path / "reference")[0]
    capsys.readouterr()

    real_write, writes = os.write, []

    def write(fd: int, data: bytes) -> int:  # the disk fills up after three batches of predictions
        if os.readlink(f"/proc/self/fd/{fd}").endswith("predictions.jsonl"):
            writes.append(fd)
            if len(writes) > 3:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(directory_module.os, "write", write)
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "--no-cache", "-q"]) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    (line,) = err.strip().splitlines()
    run_dir = run_dirs(tmp_path / "runs")[0]
    assert line.startswith("bench: error: No space left on device writing ") and "predictions.jsonl" in line
    assert "run the same command again" in line
    assert len(predictions(run_dir)) == 6  # three batches of two, all kept

    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "--no-cache", "-q"]) == 0
    assert run_dirs(tmp_path / "runs") == [run_dir]
    for name in ("predictions.jsonl", "scores.jsonl"):
        assert (run_dir / name).read_bytes() == (reference / name).read_bytes()
    assert stable_results(run_dir) == stable_results(reference)


def test_a_full_disk_when_writing_results(seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path / "c.yaml", seeds, [{"name": "lead-1", "type": "lead"}])

    def full(path: Path, data: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(record, "write_json", full)  # results.json is written where every run is recorded
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "-q"]) == 1
    monkeypatch.undo()
    run_dir = run_dirs(tmp_path / "runs")[0]
    assert "results.json" in capsys.readouterr().err and not (run_dir / "results.json").exists()
    assert len(predictions(run_dir)) == 2 * N
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "-q"]) == 0
    assert run_dirs(tmp_path / "runs") == [run_dir] and (run_dir / "results.json").is_file()


def test_a_cache_that_fails_mid_run_is_left_behind(seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    from bench.cache import PredictionCache

    def full(self: PredictionCache, records: object, summarizer_type: str) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(PredictionCache, "put_many", full)
    config = write_config(tmp_path / "c.yaml", seeds, [{"name": "lead-1", "type": "lead"}])
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "-q"]) == 0
    assert capsys.readouterr().err.count("continuing without it") == 1
    assert len(predictions(run_dirs(tmp_path / "runs")[0])) == 2 * N


def test_atomic_writes_get_the_usual_file_mode(tmp_path) -> None:
    """Leaderboards and results are meant to be shared: not private 0600 temp-file modes."""
    import os

    from bench.runs.directory import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "page.html", "<p>x</p>")
    finally:
        os.umask(old)
    assert (tmp_path / "page.html").stat().st_mode & 0o777 == 0o644
