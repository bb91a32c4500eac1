"""The ``bench`` command line end to end, in a temporary directory, as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]
ROUGE_TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


def bench(*args: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    """``python -m bench ARGS`` with a private prediction cache and no network."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "HEADLINE_BENCH_CACHE": str(cwd / ".cache"), "COLUMNS": "160"}
    return subprocess.run([sys.executable, "-m", "bench", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- help and list ------------------------------------------------------------------


def test_help_from_the_console_script_and_python_m(tmp_path: Path) -> None:
    script = shutil.which("bench")
    assert script, "the 'bench' console script is not installed (pip install -e .)"
    for command in ([script, "--help"], [sys.executable, "-m", "bench", "--help"]):
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        for name in ("run", "leaderboard", "list"):
            assert name in done.stdout
    run_help = bench("run", "--help", cwd=tmp_path)
    assert run_help.returncode == 0 and "--set" in run_help.stdout and "--output" in run_help.stdout


def test_help_imports_no_model_stack(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from bench.cli import build_parser\n"
        "parser = build_parser()\n"
        "try:\n"
        "    parser.parse_args(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'datasets', 'nltk', 'rouge_score', 'numpy') if m in sys.modules)\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in done.stderr, done.stderr


def test_list(tmp_path: Path) -> None:
    done = bench("list", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for name in ("lead", "lead-words", "random", "oracle"):
        assert any(line.split()[:1] == [name] for line in lines), name
    oracle_line = next(line for line in lines if line.split()[:1] == ["oracle"])
    assert "[oracle]" in oracle_line
    for word in ("seeds", "json", "csv", "parquet", "hf", *ROUGE_TYPES):
        assert any(line.split()[:1] == [word] for line in lines), word


# --- run and leaderboard ---------------------------------------------------------------


@pytest.fixture(scope="module")
def default_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess, Path]:
    """``bench run configs/default.yaml --output out`` in a fresh folder."""
    where = tmp_path_factory.mktemp("cli")
    done = bench("run", str(PROJECT / "configs" / "default.yaml"), "--output", "out", cwd=where)
    assert done.returncode == 0, done.stderr[-3000:]
    (run_dir,) = (where / "out").iterdir()
    return where, done, run_dir


def test_run_shows_progress_and_a_table_per_target(default_run) -> None:
    _, done, run_dir = default_run
    assert "generating" in done.stderr and "scoring" in done.stderr  # progress bars
    config = yaml.safe_load((PROJECT / "configs" / "default.yaml").read_text(encoding="utf-8"))
    for target in ("headline", "standfirst"):
        assert f"default: {target} (n=1" in done.stdout
    for entry in config["summarizers"]:
        assert entry["name"] in done.stdout
    assert "[oracle]" in done.stdout
    assert "signature: rouge:1,2,L,Lsum|" in done.stdout
    assert f"run directory: {Path('out') / run_dir.name}" in done.stdout


def test_run_directory_contents(default_run) -> None:
    _, _, run_dir = default_run
    assert {p.name for p in run_dir.iterdir()} >= {"config.yaml", "predictions.jsonl", "scores.jsonl", "results.json"}
    config = yaml.safe_load((run_dir / "config.yaml").read_text(encoding="utf-8"))
    names = [s["name"] for s in config["summarizers"]]
    targets = config["targets"]
    assert config["dataset"]["source"] == str(PROJECT / "seeds")
    assert config["scoring"]["bootstrap"] == 1000 and config["seed"] == 1234  # defaults filled in

    predictions = read_jsonl(run_dir / "predictions.jsonl")
    assert all(set(row) == {"id", "target", "summarizer", "prediction"} for row in predictions)
    keys = {(row["id"], row["target"], row["summarizer"]) for row in predictions}
    assert keys == {("000_5cc30fd78895ac76", t, n) for t in targets for n in names}
    assert all(isinstance(row["prediction"], str) and row["prediction"] for row in predictions)

    scores = read_jsonl(run_dir / "scores.jsonl")
    assert {(row["id"], row["target"], row["summarizer"]) for row in scores} == keys
    for row in scores:
        assert set(row["scores"]) == set(ROUGE_TYPES)
        assert all(set(v) == {"p", "r", "f"} and all(0 <= x <= 1 for x in v.values()) for v in row["scores"].values())

    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    assert results["signature"].startswith("rouge:1,2,L,Lsum|tok:rouge-score|stem:porter|")
    assert results["dataset"]["fingerprint"].startswith("sha256:")
    assert results["dataset"]["ids"] == ["000_5cc30fd78895ac76"]
    assert results["environment"]["packages"]["rouge-score"] and results["environment"]["python"]
    assert results["timings"]["total_s"] >= 0
    for target in targets:
        block = results["targets"][target]
        assert block["primary"] == "rougeLsum.f" and block["signature"] == results["signature"]
        assert set(block["systems"]) == set(names)
        for name, system in block["systems"].items():
            assert system["oracle"] is (system["type"] == "oracle")
            assert system["n"] == 1
            per_article = next(r for r in scores if r["target"] == target and r["summarizer"] == name)
            for rouge_type in ROUGE_TYPES:
                f = system["scores"][rouge_type]["f"]
                # One article: the mean is that article's score and the interval is a point.
                assert f["mean"] == pytest.approx(per_article["scores"][rouge_type]["f"])
                assert f["ci_low"] == pytest.approx(f["mean"]) == pytest.approx(f["ci_high"])
    lead = next(r for r in predictions if r["summarizer"] == "lead-1" and r["target"] == "headline")
    body = (PROJECT / "seeds" / "000_5cc30fd78895ac76.txt").read_text(encoding="utf-8").split("\n")[2]
    assert body.startswith(lead["prediction"])


def test_leaderboard_from_runs(default_run) -> None:
    where, _, run_dir = default_run
    second = bench("run", str(PROJECT / "configs" / "default.yaml"), "--output", "out2", "-q",
                   "--set", "name=again", "--set", "summarizers.lead-1.sentences=2", cwd=where)
    assert second.returncode == 0, second.stderr[-2000:]
    (second_dir,) = (where / "out2").iterdir()
    done = bench("leaderboard", str(run_dir), str(second_dir), "-o", "lb/lb.json", cwd=where)
    assert done.returncode == 0, done.stderr
    board_file = where / "lb" / "lb.json"
    assert board_file.is_file() and (where / "lb" / "lb.md").is_file()
    leaderboard = json.loads(board_file.read_text(encoding="utf-8"))
    assert leaderboard["schema_version"] >= 1
    run_names = {run["id"]: run["name"] for run in leaderboard["runs"]}
    assert sorted(run_names.values()) == ["again", "default"]
    (board,) = leaderboard["boards"]  # same articles, same signature: one board
    for target in ("headline", "standfirst"):
        block = board["targets"][target]
        ranked = block["entries"]
        assert {(run_names[e["run"]], e["summarizer"]) for e in ranked} >= {("default", "lead-1"), ("again", "lead-1")}
        assert not any(e["oracle"] for e in ranked)
        means = [e["scores"]["rougeLsum"]["f"]["mean"] for e in ranked]
        assert means == sorted(means, reverse=True) and ranked[0]["rank"] == 1
        # Oracles are listed apart, flagged and unranked.
        assert block["oracles"] and all(e["oracle"] and e.get("rank") is None for e in block["oracles"])
    markdown = (where / "lb" / "lb.md").read_text(encoding="utf-8")
    assert "lead-1" in markdown and "again" in markdown and board["signature"] in markdown


# --- malformed input: the one matrix is tests/test_bad_inputs.py --------------------------------

GOOD_ROW = {"id": "a1", "headline": "A headline", "standfirst": "A standfirst.", "body": "A body. Two sentences."}


def _config(source: str = "data.jsonl", **extra) -> str:
    return yaml.safe_dump({"name": "bad", "dataset": {"source": source},
                           "summarizers": [{"name": "lead-1", "type": "lead"}], **extra})


def _rows(*rows: dict) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


def test_run_reports_skipped_articles_and_prints_names_literally(tmp_path: Path, monkeypatch, capsys) -> None:
    """In-process: ``on_empty: skip`` is counted in the output, and a name with
    rich markup in it is printed as written, never interpreted."""
    from bench.cli import main

    rows = [{**GOOD_ROW, "id": f"a{i}", "body": f"Story {i} begins. It goes on."} for i in range(4)]
    rows[2]["standfirst"] = ""
    (tmp_path / "data.jsonl").write_text(_rows(*rows), encoding="utf-8")
    config = yaml.safe_load(_config())
    config["dataset"]["on_empty"] = "skip"
    config["summarizers"] = [{"name": "lead[red]x", "type": "lead"}, {"name": "oracle", "type": "oracle"}]
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["run", "c.yaml", "-o", "out", "-q", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "(3 articles)" in out and "skipped: 1 empty standfirst" in out
    assert "lead[red]x" in out and "oracle [oracle]" in out
    results = json.loads(next((tmp_path / "out").glob("*/results.json")).read_text(encoding="utf-8"))
    assert results["dataset"]["skipped"] == {"empty_standfirst": ["a2"]}
