"""The judge from a config, end to end: ``bench run`` with ``scoring.metrics.judge``
against a local server with a known policy (the shorter output wins), the
results under ``targets.T.comparisons.judge``, a re-run that asks nothing,
ROUGE numbers untouched, and the leaderboard (JSON, Markdown, page in a real
browser) showing the judge's rank, Bradley-Terry strength and win rate beside
the ROUGE ranks, every text escaped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bench.cli import main as cli_main
from chat_server import serving
from test_judge import shorter, shorter_wins

MODEL = 'judge <b>bold</b> & "quoted"'  # a model name is free text: it must render as text
SUMMARIZERS = [
    {"name": "lead-1", "type": "lead"},
    {"name": "lead-2", "type": "lead", "sentences": 2},
    {"name": "words-8", "type": "lead-words", "max_words": 8},
    {"name": "oracle", "type": "oracle"},
]


def write_config(folder: Path, data: Path, judge: dict[str, Any] | None, name: str = "judged") -> Path:
    scoring: dict[str, Any] = {"bootstrap": 100}
    if judge is not None:
        scoring["metrics"] = {"judge": judge}
    config = {"name": name, "seed": 7, "dataset": {"source": str(data), "limit": 10},
              "summarizers": SUMMARIZERS, "scoring": scoring}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def results_of(runs: Path) -> list[tuple[Path, dict[str, Any]]]:
    return [(d, json.loads((d / "results.json").read_text(encoding="utf-8"))) for d in sorted(runs.iterdir())]


def expected_win_rates(run_dir: Path, target: str) -> dict[str, float]:
    """Win rates the shorter-wins policy must give, from the predictions the run wrote."""
    texts: dict[str, dict[str, str]] = {}
    for line in (run_dir / "predictions.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["target"] == target:
            texts.setdefault(row["summarizer"], {})[row["id"]] = row["prediction"]
    names = sorted(texts)
    won = {n: 0.0 for n in names}
    games = {n: 0 for n in names}
    for article in texts[names[0]]:
        for i, x in enumerate(names):
            for y in names[i + 1 :]:
                a, b = texts[x][article], texts[y][article]
                games[x] += 2
                games[y] += 2
                if a == b:
                    won[x] += 1
                    won[y] += 1
                else:
                    won[x if shorter_wins(a, b) == "A" else y] += 2
    return {n: won[n] / games[n] for n in names}


@pytest.fixture(scope="module")
def judged(news_jsonl: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("judged")
    runs = folder / "runs"
    with serving(shorter) as server:
        judge = {"base_url": server.base_url, "model": MODEL, "bootstrap": 200, "backoff_s": 0.01,
                 "prices": {"prompt": 1.0, "completion": 2.0}}
        config = write_config(folder, news_jsonl, judge)
        assert cli_main(["run", str(config), "--output", str(runs), "--quiet"]) == 0
        asked = len(server.requests)
        assert cli_main(["run", str(config), "--output", str(runs), "--quiet", "--fresh"]) == 0
        asked_again = len(server.requests) - asked
        assert cli_main(["run", str(config), "--output", str(runs), "--quiet", "--fresh", "--no-cache"]) == 0
        asked_without_cache = len(server.requests) - asked - asked_again
    plain = write_config(folder, news_jsonl, None, name="plain")
    assert cli_main(["run", str(plain), "--output", str(folder / "plain"), "--quiet"]) == 0
    board = folder / "board" / "leaderboard.json"
    first_run = results_of(runs)[0][0]
    assert cli_main(["leaderboard", str(first_run), "-o", str(board), "-q"]) == 0
    return {"runs": results_of(runs), "plain": results_of(folder / "plain")[0], "asked": asked,
            "asked_again": asked_again, "asked_without_cache": asked_without_cache, "board": board}


def test_the_judge_runs_from_a_config_and_gives_the_policys_win_rates(judged) -> None:
    run_dir, results = judged["runs"][0]
    for target in ("headline", "standfirst"):
        block = results["targets"][target]["comparisons"]["judge"]
        expected = expected_win_rates(run_dir, target)
        assert {n: s["win_rate"] for n, s in block["systems"].items()} == pytest.approx(expected, abs=1e-12)
        best = max(expected, key=expected.get)
        assert block["systems"][best]["rank"] == 1 and max(block["systems"], key=lambda n: block["systems"][n]["bt"]) == best
        assert block["position_bias"]["consistency_rate"] == 1.0
        assert block["signature"].startswith(f"judge:{MODEL}|judge-url:http://127.0.0.1:")
        assert block["usage"]["cost"]["this_run"] > 0
    assert judged["asked"] > 0


def test_a_rerun_asks_the_judge_nothing_and_no_cache_asks_again(judged) -> None:
    (_, first), (_, again), (_, uncached) = judged["runs"]
    assert judged["asked_again"] == 0 and judged["asked_without_cache"] == judged["asked"]
    for target in ("headline", "standfirst"):
        one, two = first["targets"][target]["comparisons"]["judge"], again["targets"][target]["comparisons"]["judge"]
        three = uncached["targets"][target]["comparisons"]["judge"]
        assert two["usage"]["this_run"]["requests"] == 0 and two["usage"]["from_cache"] > 0
        for key in ("systems", "pairwise", "position_bias", "judgements", "signature"):
            assert two[key] == one[key] == three[key], key


def test_the_judge_changes_no_rouge_number(judged) -> None:
    _, with_judge = judged["runs"][0]
    _, without = judged["plain"]
    for target in ("headline", "standfirst"):
        for name, system in without["targets"][target]["systems"].items():
            assert with_judge["targets"][target]["systems"][name]["scores"] == system["scores"], (target, name)
        assert "comparisons" not in without["targets"][target]


def test_the_leaderboard_shows_the_judge_beside_the_rouge_ranks(judged) -> None:
    board = judged["board"]
    assert cli_main(["leaderboard", "--check", str(board)]) == 0
    data = json.loads(board.read_text(encoding="utf-8"))
    (target_block,) = [b["targets"]["headline"] for b in data["boards"] if "headline" in b["targets"]]
    (found,) = target_block["comparisons"]
    judge_systems = found["result"]["systems"]
    assert found["metric"] == "judge" and set(judge_systems) == {s["name"] for s in SUMMARIZERS}
    markdown = board.with_suffix(".md").read_text(encoding="utf-8")
    header = next(line for line in markdown.splitlines() if line.startswith("| # | rank | system |"))
    assert header.startswith("| # | rank | system | judge rank | judge BT | judge win rate | rouge1")
    for entry in target_block["entries"]:
        row = next(line for line in markdown.splitlines() if f"| {entry['label']} |" in line)
        cells = [c.strip() for c in row.strip("|").split("|")]
        system = judge_systems[entry["summarizer"]]
        assert cells[3] == str(system["rank"])
        assert cells[5].startswith(f"{system['win_rate']:.3g}")
    assert "judge &lt;b&gt;bold&lt;/b&gt;" in markdown and "<b>bold</b>" not in markdown
    assert "<b>bold</b>" not in board.with_suffix(".html").read_text(encoding="utf-8")


def test_the_page_shows_the_judge_columns_in_a_browser(judged, tmp_path_factory: pytest.TempPathFactory) -> None:
    browser_module = pytest.importorskip("test_browser")
    if not Path(browser_module.CHROMIUM).is_file():
        pytest.skip("Chromium not found at /usr/bin/chromium; install it with 'apt-get install -y chromium'")
    data = json.loads(judged["board"].read_text(encoding="utf-8"))
    block = next(b["targets"]["headline"] for b in data["boards"] if "headline" in b["targets"])
    judge_systems = block["comparisons"][0]["result"]["systems"]
    browser = browser_module.Browser(tmp_path_factory.mktemp("chromium-judge"))
    try:
        browser.open(judged["board"].with_suffix(".html").as_uri())
        assert browser.js("document.documentElement.dataset.rendered") == "true" and browser.errors() == []
        table = "table.scores[data-target=headline]"
        cells = browser.js(f"[...document.querySelectorAll('{table} tbody tr[data-key]')].map(tr => "
                           "[tr.dataset.key, tr.children[2].textContent, tr.children[4].textContent])")
        by_key = {e["key"]: e for e in block["entries"] + block["oracles"]}
        assert len(cells) == len(by_key)
        for key, rank, win_rate in cells:
            system = judge_systems[by_key[key]["summarizer"]]
            assert rank.split()[0] == str(system["rank"])
            assert float(win_rate.split()[0]) == pytest.approx(system["win_rate"], rel=5e-3, abs=1e-12)
        browser.click(f"{table} th[data-col='cmp-judge-rank'] button")
        ranks = browser.js(f"[...document.querySelectorAll('{table} tbody.ranked tr')].map(tr => tr.dataset.key)")
        assert [judge_systems[by_key[k]["summarizer"]]["rank"] for k in ranks] == sorted(
            judge_systems[e["summarizer"]]["rank"] for e in block["entries"])
        facts = browser.js("[...document.querySelectorAll('.comparison dd')].map(d => d.textContent).join('\\n')")
        assert MODEL in facts and browser.js("document.querySelectorAll('.comparison b').length") == 0
        height = browser.js("document.documentElement.scrollHeight")
        browser.screenshot(browser_module.ARTIFACTS / "leaderboard-judge.png", min(height, 3000))
        assert browser.errors() == []
    finally:
        browser.close()


def test_judge_faithfulness_and_bertscore_in_one_run_on_real_articles(shared_data: Path, tmp_path: Path) -> None:
    """The three metrics beside ROUGE together, two baselines, a board ranked by BERTScore."""
    from run_helpers import bbc_articles, run_dirs, write_jsonl
    from run_helpers import write_config as write_run_config

    source = write_jsonl(tmp_path / "bbc.jsonl", bbc_articles(shared_data, 12, start=300))
    baselines = [{"name": "lead-1", "type": "lead"}, {"name": "words-8", "type": "lead-words", "max_words": 8}]
    with serving(shorter) as server:
        metrics = {"faithfulness": {}, "bertscore": {"device": "cpu"},
                   "judge": {"base_url": server.base_url, "model": "shorter", "bootstrap": 100}}
        config = write_run_config(tmp_path / "all.yaml", source, baselines, name="all",
                                  scoring={"bootstrap": 100, "metrics": metrics, "primary": "bertscore"})
        assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "-q"]) == 0
    (run_dir,) = run_dirs(tmp_path / "runs")
    recorded = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    for target in ("headline", "standfirst"):
        block = recorded["targets"][target]
        assert all({"bertscore", "faithful", "rouge1"} <= set(s["scores"]) for s in block["systems"].values())
        judge = block["comparisons"]["judge"]
        expected = expected_win_rates(run_dir, target)
        assert {n: s["win_rate"] for n, s in judge["systems"].items()} == pytest.approx(expected, abs=1e-12)
    board = tmp_path / "board.json"
    assert cli_main(["leaderboard", str(run_dir), "-o", str(board), "-q"]) == 0
    markdown = board.with_suffix(".md").read_text(encoding="utf-8")
    assert "Ranked by bertscore.f" in markdown and "| judge rank | judge BT | judge win rate |" in markdown
