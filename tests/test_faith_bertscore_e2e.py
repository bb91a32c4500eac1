"""Faithfulness and BERTScore end to end: a `bench run` on real BBC articles with two
baselines and a system that invents facts, the results and scores they record, a
leaderboard ranked by BERTScore, the unsupported spans in the page's article
browser, and a re-run that reproduces every number."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.api.metric import ScoreItem
from bench.cli import main
from bench.metrics.bertscore import BERTScoreMetric, BERTScoreSettings
from bench.metrics.faithfulness import FaithfulnessMetric, FaithfulnessSettings
from bench.runs.directory import read_jsonl
from bench_test_fabricator import INVENTED
from run_helpers import bbc_articles, run_dirs, write_config, write_jsonl

SUMMARIZERS = [
    {"name": "lead-1", "type": "lead", "sentences": 1},
    {"name": "random", "type": "random", "sentences": 1},
    {"name": "fabricate", "type": "test-fabricate"},
]
METRICS = {"faithfulness": {}, "bertscore": {"device": "cpu"}}


def _run(out: Path, source: Path, name: str, scoring: dict[str, Any]) -> Path:
    config = write_config(out / f"{name}.yaml", source, SUMMARIZERS, name=name, scoring={"bootstrap": 200, **scoring})
    assert main(["run", str(config), "-o", str(out / f"runs-{name}"), "-q", "--no-cache"]) == 0
    return run_dirs(out / f"runs-{name}")[0]


@pytest.fixture(scope="module")
def runs(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("faith-e2e")
    articles = bbc_articles(shared_data, 40, start=700)
    source = write_jsonl(out / "bbc.jsonl", articles)
    patch = pytest.MonkeyPatch()
    patch.setenv("BENCH_PLUGINS", "bench_test_fabricator")
    try:
        both = _run(out, source, "both", {"metrics": METRICS, "primary": "bertscore"})
        plain = _run(out, source, "plain", {})
    finally:
        patch.undo()
    return {"both": both, "plain": plain, "articles": {a["id"]: a for a in articles}, "out": out}


def results(run: Path) -> dict[str, Any]:
    return json.loads((run / "results.json").read_text(encoding="utf-8"))


def test_results_have_every_column_and_extractive_baselines_are_faithful(runs) -> None:
    recorded = results(runs["both"])
    for target in ("headline", "standfirst"):
        systems = recorded["targets"][target]["systems"]
        assert set(systems) == {"lead-1", "random", "fabricate"}
        for name, system in systems.items():
            scores = system["scores"]
            assert set(scores["bertscore"]) == {"p", "r", "f"} and 0 < scores["bertscore"]["f"]["mean"] <= 1
            assert set(scores["faithful"]) == {"all", "numbers", "names"}
            assert set(scores["unsupported"]) == {"numbers", "names"}
            if name != "fabricate":  # sentences copied from the body state nothing the body does not
                assert scores["faithful"]["all"]["mean"] == 1.0 and scores["unsupported"]["names"]["mean"] == 0.0
        invented = systems["fabricate"]["scores"]
        assert invented["faithful"]["all"]["mean"] == 0.0 and invented["unsupported"]["names"]["mean"] >= 1.0
        assert invented["unsupported"]["numbers"]["mean"] >= 2.0  # £47.5m and 3,150
        assert recorded["targets"][target]["primary"] == "bertscore.f"


def test_signatures_name_the_metrics_settings_and_rouge_is_untouched(runs) -> None:
    recorded, plain = results(runs["both"]), results(runs["plain"])
    bert = recorded["metrics"]["bertscore"]["signature"]
    assert bert.startswith("bertscore:all-MiniLM-L6-v2@gt-0.1.0|bert-layer:6|bert-idf:no|bert-rescale:no|bert-tok:slow")
    assert recorded["metrics"]["faithfulness"]["signature"].startswith("faith:numbers,names,dates|faith-rules:1")
    assert recorded["signature"].startswith(plain["signature"])
    assert "bert-layer:6" in recorded["signature"] and "faith:numbers,names,dates" in recorded["signature"]
    for target in ("headline", "standfirst"):
        for name, system in recorded["targets"][target]["systems"].items():
            rouge = {k: v for k, v in system["scores"].items() if k.startswith("rouge")}
            assert rouge == plain["targets"][target]["systems"][name]["scores"]


def test_per_article_scores_are_the_metrics_own_on_the_recorded_outputs(runs) -> None:
    """Every scores.jsonl row, recomputed here by calling the metrics directly on the recorded
    prediction, the article's reference and its body."""
    run, articles = runs["both"], runs["articles"]
    predictions = {(r["summarizer"], r["target"], r["id"]): r["prediction"] for r in read_jsonl(run / "predictions.jsonl")}
    rows = read_jsonl(run / "scores.jsonl")
    items = [
        ScoreItem(r["id"], r["target"], predictions[(r["summarizer"], r["target"], r["id"])],
                  (articles[r["id"]][r["target"]],), articles[r["id"]]["body"])
        for r in rows
    ]
    faithful = FaithfulnessMetric(FaithfulnessSettings()).score(items)
    bert = BERTScoreMetric(BERTScoreSettings(device="cpu")).score(items)
    for row, item, mine, theirs in zip(rows, items, faithful, bert):
        assert row["scores"]["faithful"] == mine["faithful"] and row["scores"]["unsupported"] == mine["unsupported"]
        for column in "prf":
            assert row["scores"]["bertscore"][column] == pytest.approx(theirs["bertscore"][column], abs=1e-6)
        spans = (row.get("details") or {}).get("faithfulness", {}).get("unsupported", [])
        assert all(item.prediction[s["start"] : s["end"]] == s["text"] for s in spans)
        if row["summarizer"] == "fabricate":
            assert "Quentin Marlowe" in [s["text"] for s in spans]
        else:
            assert spans == []


def test_a_leaderboard_ranks_by_bertscore(runs) -> None:
    out = runs["out"] / "board" / "board.json"
    assert main(["leaderboard", str(runs["both"]), "-o", str(out), "-q"]) == 0
    (board,) = json.loads(out.read_text(encoding="utf-8"))["boards"]
    assert board["signature"] == results(runs["both"])["metrics"]["bertscore"]["signature"]
    for target in ("headline", "standfirst"):
        block = board["targets"][target]
        assert block["primary"] == "bertscore.f" and block["significance"]["metric"] == "bertscore.f"
        means = [e["scores"]["bertscore"]["f"]["mean"] for e in block["entries"]]
        assert means == sorted(means, reverse=True)
        assert block["entries"][-1]["summarizer"] == "fabricate"  # the same words for every article
        assert block["entries"][0]["rank"] == 1


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Chromium is not installed (apt-get install chromium)")
def test_the_article_browser_shows_the_unsupported_spans(runs, tmp_path: Path) -> None:
    from test_browser import ARTIFACTS, Browser

    html = runs["out"] / "page" / "leaderboard.html"
    assert main(["leaderboard", str(runs["both"]), "-o", str(html), "-q", "--max-articles", "40"]) == 0
    article = sorted(runs["articles"])[0]
    browser = Browser(tmp_path / "profile")
    try:
        browser.open(html.as_uri())
        assert browser.js("document.documentElement.dataset.rendered") == "true" and browser.errors() == []
        browser.js(f"(() => {{ const s = document.querySelector('select.article-select'); s.value = {json.dumps(article)};"
                   " s.dispatchEvent(new Event('change')); })()")
        shown = browser.js("document.querySelector('table.outputs tr.details[data-key$=\"/fabricate\"] pre').textContent")
        assert "faithfulness" in shown and "Quentin Marlowe" in shown and "£47.5m" in shown
        assert browser.js("document.querySelector('table.outputs tr.details[data-key$=\"/lead-1\"]')") is None
        browser.screenshot(ARTIFACTS / "leaderboard-faithfulness-details.png", 1600)
    finally:
        browser.close()


def test_a_rerun_reproduces_every_number(runs, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_PLUGINS", "bench_test_fabricator")
    assert main(["reproduce", str(runs["both"]), "-q"]) == 0


def test_the_invented_outputs_are_what_the_fabricator_writes(runs) -> None:
    rows = [r for r in read_jsonl(runs["both"] / "predictions.jsonl") if r["summarizer"] == "fabricate"]
    assert {r["prediction"] for r in rows} == set(INVENTED.values())


def test_counts_are_shown_as_they_are_and_fractions_x100_in_every_table(runs, tmp_path: Path) -> None:
    from rich.console import Console

    from bench.leaderboard.markdown import to_markdown
    from bench.runs.report import print_results

    recorded = results(runs["both"])
    keys = {k["name"]: k for k in recorded["metrics"]["faithfulness"]["keys"]}
    assert keys["unsupported"]["percent"] is False and keys["faithful"]["percent"] is True
    scores = recorded["targets"]["headline"]["systems"]["fabricate"]["scores"]
    count = scores["unsupported"][keys["unsupported"]["primary_column"]]["mean"]
    share = scores["faithful"]["all"]["mean"]
    assert count > 0  # the fabricator invents numbers and names

    console = Console(record=True, width=400)
    print_results(recorded, console)
    terminal = console.export_text()
    assert f"{count:.3f}" in terminal and f"{100 * count:.2f}" not in terminal
    assert f"{100 * share:.2f}" in terminal and "unsupported" in terminal

    out = tmp_path / "board.json"
    assert main(["leaderboard", str(runs["both"]), "-o", str(out), "-q"]) == 0
    markdown = to_markdown(json.loads(out.read_text(encoding="utf-8")))
    row = next(line for line in markdown.splitlines() if "| fabricate |" in line)
    assert f"| {count:.3f} |" in row and f"{100 * count:.2f}" not in row
