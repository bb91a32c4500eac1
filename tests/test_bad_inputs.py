"""Malformed inputs: each ends in one stderr line that names the file, line or
field and what to do, exit code 2, no traceback, and no run directory left behind.

Decided behaviour for huge articles: a body over ``dataset.max_body_chars``
(default 200,000 characters, eight times the longest real article at hand) is
rejected as a broken row before anything runs; raise the limit for long-form text.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from run_helpers import news_articles, plugin_env, write_jsonl

from bench.cli import main as cli_main

ROWS: list[dict[str, Any]] = []


@pytest.fixture(scope="module", autouse=True)
def _rows() -> None:
    ROWS[:] = news_articles(6)


def rows(**changes: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in ROWS]


def config(tmp: Path, file: str = "config.yaml", data: str | None = None, **changes: Any) -> str:
    """A valid config over a valid JSONL file, with ``changes`` merged in (None deletes a key)."""
    if data is None:
        data = str(write_jsonl(tmp / "articles.jsonl", rows()))
    raw: dict[str, Any] = {
        "name": "bad", "dataset": {"source": data},
        "summarizers": [{"name": "lead-1", "type": "lead"}], "scoring": {"bootstrap": 50},
    }
    for key, value in changes.items():
        node, *path = key.split("__")
        target = raw
        for part in [node, *path][:-1]:
            target = target.setdefault(part, {})
        last = [node, *path][-1]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    path = tmp / file
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return str(path)


def data_file(tmp: Path, name: str, content: str | bytes) -> str:
    path = tmp / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def jsonl(data: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in data)


def with_row(index: int, **changes: Any) -> list[dict[str, Any]]:
    data = rows()
    data[index].update(changes)
    for key, value in changes.items():
        if value is ...:
            del data[index][key]
    return data


def finished_run(tmp: Path, name: str = "ok", **changes: Any) -> Path:
    assert cli_main(["run", config(tmp, name=name, **changes), "-o", str(tmp / "done"), "-q"]) == 0
    return sorted((tmp / "done").glob(f"{name}-*"))[-1]


Case = Callable[[Path], list[str]]
CASES: dict[str, tuple[Case, str]] = {
    # --- config ---
    "config-missing": (lambda t: ["run", str(t / "nope.yaml")], "nope.yaml: config file not found"),
    "config-invalid-yaml": (lambda t: ["run", data_file(t, "c.yaml", "name: [unclosed\n")], "invalid YAML"),
    "config-not-a-mapping": (lambda t: ["run", data_file(t, "c.yaml", "- a\n- b\n")], "must be a YAML mapping"),
    "config-unknown-key": (lambda t: ["run", config(t, colour="blue")], "colour: unknown key"),
    "config-unknown-nested-key": (lambda t: ["run", config(t, scoring__bootstap=10)], "scoring.bootstap: unknown key"),
    "config-unknown-summarizer-key": (
        lambda t: ["run", config(t, summarizers=[{"name": "l", "type": "lead", "sentence": 2}])],
        "sentence: unknown key"),
    "config-wrong-type-seed": (lambda t: ["run", config(t, seed="abc")], "seed:"),
    "config-wrong-type-limit": (lambda t: ["run", config(t, dataset__limit="ten")], "dataset.limit:"),
    "config-negative-limit": (lambda t: ["run", config(t, dataset__limit=-5)], "dataset.limit:"),
    "config-unknown-summarizer": (
        lambda t: ["run", config(t, summarizers=[{"name": "x", "type": "gpt-17"}])],
        "unknown summarizer type 'gpt-17'"),
    "config-summarizer-without-type": (
        lambda t: ["run", config(t, summarizers=[{"name": "x"}])], "needs a 'name' and a 'type'"),
    "config-duplicate-summarizer-names": (
        lambda t: ["run", config(t, summarizers=[{"name": "x", "type": "lead"}, {"name": "x", "type": "random"}])],
        "used twice"),
    "config-no-summarizers": (lambda t: ["run", config(t, summarizers=[])], "summarizers:"),
    "config-unknown-metric": (lambda t: ["run", config(t, scoring__rouge=["rouge9"])], "scoring.rouge.0:"),
    "config-primary-not-scored": (
        lambda t: ["run", config(t, scoring__rouge=["rouge1"])], "primary metric 'rougeLsum' is not in scoring.rouge"),
    "config-unknown-target": (lambda t: ["run", config(t, targets=["title"])], "targets.0:"),
    "config-bad-name": (lambda t: ["run", config(t, name="my run/1")], "name:"),
    "config-missing-dataset": (lambda t: ["run", config(t, dataset=None)], "dataset:"),
    "config-dataset-missing-file": (
        lambda t: ["run", config(t, data=str(t / "gone.jsonl"))], "gone.jsonl: dataset file not found"),
    "config-unknown-field-mapping": (
        lambda t: ["run", config(t, dataset__fields={"title": "headline"})], "unknown article field(s) ['title']"),
    "config-bad-batch-size": (lambda t: ["run", config(t, batch_size=0)], "batch_size:"),
    "set-without-equals": (lambda t: ["run", config(t), "--set", "seed"], "--set 'seed': expected key=value"),
    "set-unknown-key": (lambda t: ["run", config(t), "--set", "scoring.bootsrap=5"], "scoring.bootsrap: unknown key"),
    "set-wrong-type": (lambda t: ["run", config(t), "--set", "dataset.limit=many"], "dataset.limit:"),
    "set-unknown-summarizer": (
        lambda t: ["run", config(t), "--set", "summarizers.lead-9.sentences=2"], "no list element 'lead-9'"),
    "set-bad-yaml": (lambda t: ["run", config(t), "--set", "seed=[1"], "not valid YAML"),
    # --- data ---
    "data-invalid-json-line": (
        lambda t: ["run", config(t, data=data_file(t, "a.jsonl", jsonl(rows()[:2]) + "{oops\n" + jsonl(rows()[2:])))],
        "a.jsonl:3: invalid JSON"),
    "data-line-not-an-object": (
        lambda t: ["run", config(t, data=data_file(t, "a.jsonl", jsonl(rows()[:1]) + "[1, 2]\n"))],
        "a.jsonl:2: expected a JSON object"),
    "data-missing-field": (
        lambda t: ["run", config(t, data=data_file(t, "a.jsonl", jsonl([{k: v for k, v in r.items() if k != "headline"}
                                                                        for r in rows()])))],
        "no column 'headline'"),
    "data-duplicate-id": (
        lambda t: ["run", config(t, data=data_file(t, "a.jsonl", jsonl(with_row(3, id=ROWS[1]["id"]))))],
        "duplicate id"),
    "data-empty-body": (
        lambda t: ["run", config(t, data=data_file(t, "a.jsonl", jsonl(with_row(2, body="  \n "))))], "empty body"),
    "data-empty-reference": (
        lambda t: ["run", config(t, data=data_file(t, "a.jsonl", jsonl(with_row(2, standfirst=""))))],
        "empty standfirst; fill it in, or set dataset.on_empty: skip"),
    "data-field-not-text": (
        lambda t: ["run", config(t, data=data_file(t, "a.jsonl", jsonl(with_row(1, headline=42))))],
        "field 'headline' is int"),
    "data-empty-id": (
        lambda t: ["run", config(t, data=data_file(t, "a.jsonl", jsonl(with_row(1, id=""))))], "empty id"),
    "data-not-utf8": (
        lambda t: ["run", config(t, data=data_file(t, "a.jsonl", jsonl(rows()[:2]).encode() + "{\"id\": \"caf\u00e9\"}\n"
                                                    .encode("latin-1")))],
        "a.jsonl:3: not UTF-8"),
    "data-empty-file": (lambda t: ["run", config(t, data=data_file(t, "a.jsonl", ""))], "the file is empty"),
    "data-5mb-article": (
        lambda t: ["run", config(t, data=data_file(t, "a.jsonl", jsonl(with_row(4, body="Words go on. " * 400_000))))],
        "over dataset.max_body_chars (200,000); fix the row, or raise the limit"),
    "data-csv-missing-column": (
        lambda t: ["run", config(t, data=data_file(t, "a.csv", "id,headline,body\n1,A title,Some body text.\n"))],
        "no column 'standfirst'"),
    "data-unknown-extension": (
        lambda t: ["run", config(t, data=data_file(t, "a.txt", "hello"))], "cannot tell the format"),
    "data-garbage-parquet": (
        lambda t: ["run", config(t, data=data_file(t, "a.parquet", "not parquet at all"))], "a.parquet: could not be read"),
    "data-empty-seeds-folder": (
        lambda t: ["run", config(t, data=str((t / "seeds").mkdir() or t / "seeds"))], "no .txt articles"),
    "data-short-seed-file": (
        lambda t: ["run", config(t, data=str(Path(data_file((t / "seeds").mkdir() or t, "seeds/a.txt",
                                                             "Only a headline\n")).parent))],
        "a seed article needs a headline line"),
    # --- command line ---
    "cli-run-without-config": (lambda t: ["run"], "give a CONFIG file, or --resume RUN_DIR"),
    "cli-unknown-flag": (lambda t: ["run", config(t), "--frobnicate"], "unrecognized arguments: --frobnicate"),
    "cli-output-is-a-file": (
        lambda t: ["run", config(t), "-o", data_file(t, "file", "x")], "is a file, not a folder; name a folder"),
    "cli-resume-missing-dir": (lambda t: ["run", "--resume", str(t / "nowhere")], "no config.yaml there"),
    "cli-resume-finished-run": (lambda t: ["run", "--resume", str(finished_run(t))], "this run already finished"),
    "cli-resume-other-config": (
        lambda t: ["run", "--resume", str(_unfinished(t)), config(t, "other.yaml", seed=7)],
        "the run was started with a different seed"),
    "cli-reproduce-missing-dir": (lambda t: ["reproduce", str(t / "nowhere")], "not a run directory (not found)"),
    "cli-reproduce-unfinished-run": (lambda t: ["reproduce", str(_unfinished(t))], "no results.json"),
    "cli-leaderboard-missing-dir": (
        lambda t: ["leaderboard", str(t / "nowhere"), "-o", str(t / "lb.json")], "not a run directory"),
    "cli-leaderboard-damaged-results": (
        lambda t: ["leaderboard", str(_damaged(t)), "-o", str(t / "lb.json")], "results.json: unreadable"),
    "cli-leaderboard-not-results": (
        lambda t: ["leaderboard", str(_damaged(t, "[1, 2]")), "-o", str(t / "lb.json")],
        "not a headline-bench results file"),
    "cli-plugin-missing": (lambda t: ["run", config(t)], "BENCH_PLUGINS: cannot import plugin module 'no_such_plugin'"),
}


def _unfinished(tmp: Path) -> Path:
    run_dir = finished_run(tmp, name="bad")
    (run_dir / "results.json").unlink()
    return run_dir


def _damaged(tmp: Path, text: str = "{not json") -> Path:
    run_dir = finished_run(tmp)
    (run_dir / "results.json").write_text(text)
    return run_dir


def test_the_matrix_is_large_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str]) -> None:
    build, expected = CASES[case]
    monkeypatch.chdir(tmp_path)
    argv = build(tmp_path)
    before = _outputs(tmp_path)
    capsys.readouterr()
    if case == "cli-plugin-missing":
        monkeypatch.setenv("BENCH_PLUGINS", "no_such_plugin")
    with pytest.raises(SystemExit) as exited:
        sys.exit(cli_main(argv))
    out, err = capsys.readouterr()
    assert exited.value.code == 2, (out, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("bench: error: ") and expected in lines[0], lines[0]
    assert _outputs(tmp_path) == before  # no run directory, no half-written file


def _outputs(tmp: Path) -> set[str]:
    """Run directories and results files under the test folder."""
    found = {str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_dir() and (p / "config.yaml").exists()}
    found |= {str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.name in ("results.json", "lb.json", "lb.md")}
    return found


@pytest.mark.parametrize("case", ["config-unknown-key", "data-invalid-json-line", "cli-unknown-flag",
                                  "data-5mb-article", "data-garbage-parquet"])
def test_bad_input_in_a_real_process(case: str, tmp_path: Path) -> None:
    """The same through the installed entry point: no traceback reaches the user."""
    build, expected = CASES[case]
    result = subprocess.run([sys.executable, "-m", "bench", *build(tmp_path), "-o", str(tmp_path / "runs")],
                            capture_output=True, text=True, env=plugin_env(), timeout=120, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and expected in result.stderr
    assert not (tmp_path / "runs").exists()
