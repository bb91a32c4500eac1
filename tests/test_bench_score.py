"""bench score end to end: text and JSONL inputs, errors, and the leaderboard taking the run."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from rouge_score import rouge_scorer

from bench.cli import main
from bench.metrics.rouge import sentence_lines

SYSTEMS = ("lead", "ptgen", "convs2s")


def run_dir(output: Path) -> Path:
    [path] = [p for p in output.iterdir() if p.is_dir()]
    return path


def test_text_files_match_rouge_score(shared_data, tmp_path: Path) -> None:
    folder = shared_data / "xsum_test_outputs"
    rows = sorted(random.Random(4).sample(range(11334), 120))
    pick = lambda name: [folder.joinpath(name).read_text(encoding="utf-8").split("\n")[i] for i in rows]
    gold = pick("gold-test-sentences.txt")
    (tmp_path / "gold.txt").write_text("\n".join(gold) + "\n", encoding="utf-8")
    for system in SYSTEMS:
        (tmp_path / f"{system}.txt").write_text("\n".join(pick(f"{system}-test-output.txt")) + "\n", encoding="utf-8")
    out = tmp_path / "runs"
    code = main(["score", "-r", str(tmp_path / "gold.txt"), "-p", *[str(tmp_path / f"{s}.txt") for s in SYSTEMS],
                 "--target", "standfirst", "-o", str(out), "-q"])
    assert code == 0
    results = json.loads((run_dir(out) / "results.json").read_text())
    block = results["targets"]["standfirst"]
    assert set(block["systems"]) == set(SYSTEMS) and block["n_articles"] == 120
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeLsum"], use_stemmer=True)
    ptgen = pick("ptgen-test-output.txt")
    expected = [scorer.score(sentence_lines(g), sentence_lines(p)) for g, p in zip(gold, ptgen)]
    for t in ("rouge1", "rougeLsum"):
        mean = np.mean([e[t].fmeasure for e in expected])
        assert block["systems"]["ptgen"]["scores"][t]["f"]["mean"] == pytest.approx(mean, abs=1e-12)
    assert len(block["significance"]["tests"]) == 3 * 4
    assert main(["leaderboard", str(run_dir(out)), "-o", str(tmp_path / "board.json")]) == 0
    assert (tmp_path / "board.json").is_file()


def test_jsonl_inputs_and_names(tmp_path: Path) -> None:
    refs = [{"id": "a", "headline": "Police arrest two men", "standfirst": "x"},
            {"id": "b", "headline": "Stocks fall on Monday", "standfirst": "y"}]
    (tmp_path / "refs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in refs))
    (tmp_path / "sys.jsonl").write_text(json.dumps({"id": "b", "prediction": "Stocks fall"}) + "\n"
                                        + json.dumps({"id": "a", "text": "Two men arrested"}) + "\n")
    out = tmp_path / "runs"
    assert main(["score", "-r", str(tmp_path / "refs.jsonl"), "-p", str(tmp_path / "sys.jsonl"),
                 "--name", "mine", "--target", "headline", "-o", str(out), "-q", "--set", "backend=rouge-score"]) == 0
    directory = run_dir(out)
    scores = [json.loads(line) for line in (directory / "scores.jsonl").read_text().splitlines()]
    by_id = {row["id"]: row["scores"]["rouge1"]["r"] for row in scores}
    assert by_id == {"a": 0.75, "b": 0.5}  # "arrested" stems to "arrest"
    assert "mine" in json.loads((directory / "results.json").read_text())["targets"]["headline"]["systems"]


def test_oracle_systems_are_flagged_and_listed_apart(tmp_path: Path) -> None:
    (tmp_path / "gold.txt").write_text("police arrest two men\nstocks fall on monday\n")
    (tmp_path / "copy.txt").write_text("police arrest two men\nstocks fall on monday\n")
    (tmp_path / "real.txt").write_text("two men held\nmarkets drop\n")
    out = tmp_path / "runs"
    assert main(["score", "-r", str(tmp_path / "gold.txt"), "-p", str(tmp_path / "copy.txt"), str(tmp_path / "real.txt"),
                 "--oracle", "copy", "-o", str(out), "-q"]) == 0
    # Text files say nothing about what the references are: recorded as "reference", not as headlines.
    systems = json.loads((run_dir(out) / "results.json").read_text())["targets"]["reference"]["systems"]
    assert systems["copy"]["oracle"] is True and systems["real"]["oracle"] is False
    assert main(["leaderboard", str(run_dir(out)), "-o", str(tmp_path / "board.json")]) == 0
    board = json.loads((tmp_path / "board.json").read_text())["boards"][0]["targets"]["reference"]
    assert [e["summarizer"] for e in board["entries"]] == ["real"]
    assert [e["summarizer"] for e in board["oracles"]] == ["copy"]
    assert main(["score", "-r", str(tmp_path / "gold.txt"), "-p", str(tmp_path / "real.txt"),
                 "--oracle", "nope", "-o", str(out), "-q"]) == 2


@pytest.mark.parametrize("case", ["lines", "missing", "unknown", "field"])
def test_mismatches_are_one_line_errors(tmp_path: Path, capsys, case: str) -> None:
    (tmp_path / "gold.txt").write_text("one\ntwo\nthree\n")
    (tmp_path / "refs.jsonl").write_text('{"id": 1, "reference": "one"}\n{"id": 2, "reference": "two"}\n')
    if case == "lines":
        refs, pred, body = "gold.txt", "p.txt", "one\ntwo\n"
    elif case == "missing":
        refs, pred, body = "refs.jsonl", "p.jsonl", '{"id": 1, "prediction": "one"}\n'
    elif case == "unknown":
        refs, pred, body = "refs.jsonl", "p.jsonl", '{"id": 1, "prediction": "a"}\n{"id": 2, "prediction": "b"}\n' \
            '{"id": 9, "prediction": "c"}\n'
    else:
        refs, pred, body = "refs.jsonl", "p.jsonl", '{"id": 1, "summary": "a"}\n{"id": 2, "summary": "b"}\n'
    (tmp_path / pred).write_text(body)
    code = main(["score", "-r", str(tmp_path / refs), "-p", str(tmp_path / pred), "-o", str(tmp_path / "o"), "-q"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and str(tmp_path / pred) in err
    assert not (tmp_path / "o").exists()
