"""The leaderboard JSON: schema-checked, significance-aware ranks, merging, separate boards, Markdown."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from bench.cli import main
from bench.leaderboard.build import build_leaderboard, load_runs
from bench.leaderboard.markdown import to_markdown
from bench.leaderboard.ranking import rank_target
from bench.leaderboard.schema import first_problem, read_leaderboard
from bench.metrics.significance import holm_adjust, paired_tests
from bench.runs.directory import read_jsonl

N_ARTICLES = 150


def make_run(data: Path, out: Path, name: str, summarizers: list[dict], **scoring) -> Path:
    """A real run of baselines on a seeded sample of the articles in ``data``, through the CLI."""
    config = {
        "name": name, "seed": 1234,
        "dataset": {"source": str(data), "limit": N_ARTICLES},
        "targets": ["headline", "standfirst"],
        "summarizers": summarizers,
        "scoring": {"bootstrap": 200, **scoring},
    }
    path = out / f"{name}.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert main(["run", str(path), "--output", str(out / "runs"), "--quiet", "--no-cache"]) == 0
    (run_dir,) = [p for p in (out / "runs").iterdir() if p.name.startswith(f"{name}-")]
    return run_dir


@pytest.fixture(scope="module")
def runs(news_jsonl: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("lb-runs")
    return {
        "main": make_run(news_jsonl, out, "main", [
            {"name": "lead-1", "type": "lead", "sentences": 1},
            {"name": "lead-2", "type": "lead", "sentences": 2},
            {"name": "random", "type": "random", "sentences": 1},
            {"name": "oracle", "type": "oracle"},
        ]),
        # Same articles and scoring settings, another run: it joins the same board.
        "extra": make_run(news_jsonl, out, "extra", [
            {"name": "lead-words", "type": "lead-words", "max_words": {"headline": 8, "standfirst": 25}},
        ]),
        # Other scoring settings (a different signature): a separate board.
        "other": make_run(news_jsonl, out, "other", [{"name": "lead-1", "type": "lead", "sentences": 1}],
                          stemmer="none"),
    }


def build(paths: list[Path], existing: dict | None = None) -> dict:
    board, _ = build_leaderboard(load_runs(paths), existing=existing)
    return board


def test_leaderboard_is_schema_valid_and_ranks_real_systems_apart_from_oracles(runs):
    board_file = build([runs["main"]])
    assert first_problem(board_file) is None
    (board,) = board_file["boards"]
    block = board["targets"]["headline"]
    assert [e["summarizer"] for e in block["oracles"]] == ["oracle"]
    assert all(not e["oracle"] for e in block["entries"]) and len(block["entries"]) == 3
    assert block["oracles"][0]["rank"] is None
    means = [e["scores"]["rougeLsum"]["f"]["mean"] for e in block["entries"]]
    assert means == sorted(means, reverse=True)
    assert len(block["article_ids"]) == N_ARTICLES
    entry = block["entries"][0]
    assert set(entry["scores"]) == {"rouge1", "rouge2", "rougeL", "rougeLsum"}
    assert set(entry["scores"]["rouge1"]) == {"p", "r", "f"}
    assert entry["config"]["type"] == "lead" and entry["n"] == N_ARTICLES
    sig = block["significance"]
    assert (sig["method"], sig["correction"], sig["alpha"], len(sig["tests"])) == ("bootstrap", "holm", 0.05, 3)


def test_significance_pairs_entries_of_different_runs_by_article(runs):
    board_file = build([runs["main"], runs["extra"]])
    assert len(board_file["boards"]) == 1
    block = board_file["boards"][0]["targets"]["standfirst"]
    assert len(block["entries"]) == 4 and len(block["significance"]["tests"]) == 6
    # Recompute independently from the runs' scores.jsonl files, paired by article id.
    scores: dict[str, dict[str, float]] = {}
    for run in (runs["main"], runs["extra"]):
        for row in read_jsonl(run / "scores.jsonl"):
            if row["target"] == "standfirst" and row["summarizer"] != "oracle":
                scores.setdefault(f"{run.name}/{row['summarizer']}", {})[row["id"]] = row["scores"]["rougeLsum"]["f"]
    ids = sorted(next(iter(scores.values())))
    arrays = {k: np.array([[round(v[i], 6)] for i in ids]) for k, v in scores.items()}
    tests = paired_tests(arrays, ["f"], "bootstrap", 1000, 1234)
    adjusted = holm_adjust([t["p_value"] for t in tests])
    expected = {k: set() for k in scores}
    for test, p in zip(tests, adjusted):
        if p < 0.05:
            expected[test["a"] if test["delta"] > 0 else test["b"]].add(test["b"] if test["delta"] > 0 else test["a"])
    assert {e["key"]: set(e["beats"]) for e in block["entries"]} == expected
    assert any(expected.values())  # lead-2 beats random on standfirsts on 150 articles


def test_ranks_share_a_place_when_neighbours_are_tied():
    rng = np.random.default_rng(0)
    base = rng.uniform(0, 1, 300)
    per_article = {"a": base + 0.3, "b": base + 0.001 * rng.standard_normal(300), "c": base.copy()}

    def entry(key: str) -> dict:
        values = per_article[key]
        interval = {"mean": float(values.mean()), "ci_low": 0.0, "ci_high": 1.0}
        return {"key": key, "label": key, "scores": {"rougeLsum": {"p": interval, "r": interval, "f": interval}},
                "per_article": {str(i): float(v) for i, v in enumerate(values)}}

    block = {"primary": "rougeLsum.f", "entries": [entry(k) for k in "cba"], "oracles": []}
    rank_target(block, "rouge:Lsum|seed:7")
    got = {e["key"]: (e["rank"], sorted(e["beats"]), e["tied_with"], e["rank_range"]) for e in block["entries"]}
    assert got["a"] == (1, ["b", "c"], [], [1, 1])
    assert got["b"][0] == got["c"][0] == 2  # b and c differ by noise: they share rank 2
    assert got["b"][2] == ["c"] and got["c"][2] == ["b"]
    assert block["significance"]["seed"] == 7


def test_merging_keeps_entries_and_readding_a_run_is_a_no_op(runs, tmp_path):
    out = tmp_path / "leaderboard.json"
    assert main(["leaderboard", str(runs["main"]), "-o", str(out), "-q", "--html", "none"]) == 0
    first = json.loads(out.read_text())
    assert main(["leaderboard", str(runs["extra"]), "-o", str(out), "-q", "--html", "none"]) == 0
    merged = json.loads(out.read_text())
    keys = {e["key"] for e in merged["boards"][0]["targets"]["headline"]["entries"]}
    assert {e["key"] for e in first["boards"][0]["targets"]["headline"]["entries"]} < keys and len(keys) == 4
    assert [r["id"] for r in merged["runs"]] == [runs["main"].name, runs["extra"].name]
    assert main(["leaderboard", str(runs["main"]), "-o", str(out), "-q", "--html", "none"]) == 0
    again = json.loads(out.read_text())
    for data in (merged, again):
        data.pop("generated")
    assert again == merged
    # The stored per-article scores are enough: significance survives the run folders being gone.
    alone = build([], existing=copy.deepcopy(read_leaderboard(out)))
    alone.pop("generated")
    assert alone == merged


def test_different_signatures_go_on_separate_boards_with_a_note(runs, tmp_path):
    board_file = build([runs["main"], runs["other"]])
    assert first_problem(board_file) is None
    assert len(board_file["boards"]) == 2
    assert board_file["boards"][0]["dataset"]["fingerprint"] == board_file["boards"][1]["dataset"]["fingerprint"]
    assert "never ranked against each other" in board_file["notes"][0]
    assert "stem:porter vs none" in board_file["boards"][0]["note"]
    other = board_file["boards"][1]["targets"]["headline"]
    assert [e["summarizer"] for e in other["entries"]] == ["lead-1"] and other["significance"]["tests"] == []
    markdown = to_markdown(board_file)
    assert markdown.count("Signature: `") == 4 and "stem:none" in markdown


def test_check_accepts_a_valid_file_and_names_the_first_problem(runs, tmp_path, capsys):
    out = tmp_path / "lb.json"
    assert main(["leaderboard", str(runs["main"]), "-o", str(out), "-q", "--html", "none"]) == 0
    assert main(["leaderboard", "--check", str(out)]) == 0
    data = json.loads(out.read_text())
    data["boards"][0]["targets"]["headline"]["entries"][0]["scores"]["rouge1"]["f"]["mean"] = "high"
    out.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["leaderboard", "--check", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "$.boards[0].targets.headline.entries[0].scores.rouge1.f.mean" in err and "'high' is not of type" in err
    out.write_text("{not json")
    assert main(["leaderboard", "--check", str(out)]) == 2
    assert "not JSON" in capsys.readouterr().err


def test_markdown_marks_ties_and_escapes_untrusted_names(runs):
    board_file = build([runs["main"], runs["extra"]])
    block = board_file["boards"][0]["targets"]["headline"]
    block["entries"][0]["label"] = "evil|<b>*x*</b>"
    block["entries"][0]["rank"] = block["entries"][1]["rank"] = 1
    markdown = to_markdown(board_file)
    assert "evil\\|&lt;b&gt;\\*x\\*&lt;/b&gt;" in markdown and "<b>" not in markdown
    assert "| 1= |" in markdown
    assert "Oracle upper bounds" in markdown


def test_markdown_cells_cannot_break_out_of_their_column() -> None:
    from bench.leaderboard.markdown import _cell

    for name in ("a\\|b", "a|b", "x\\<img src=x onerror=alert(1)>"):
        cell = _cell(name)
        # A "|" preceded by an odd number of backslashes is escaped; none may be bare.
        for i, char in enumerate(cell):
            if char == "|":
                run = len(cell[:i]) - len(cell[:i].rstrip("\\"))
                assert run % 2 == 1, cell
        assert "<" not in cell
