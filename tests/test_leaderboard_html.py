"""The static page as a file: self-contained, safely embedded data, article browser data and its fallbacks."""

from __future__ import annotations

import json
import re
import shutil
from importlib import resources
from pathlib import Path

import pytest

from bench.cli import main
from bench.leaderboard.html import embed_json
from test_leaderboard import make_run

PAYLOAD = "</script><script>window.__xss=1</script><img src=x onerror=alert(1)><!-- &amp;"


@pytest.fixture(scope="module")
def run(news_jsonl: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html-runs")
    path = make_run(news_jsonl, out, "page", [
        {"name": "lead-1", "type": "lead", "sentences": 1},
        {"name": "random", "type": "random", "sentences": 1},
        {"name": "oracle", "type": "oracle"},
    ])
    rows = [json.loads(line) for line in (path / "predictions.jsonl").read_text().splitlines()]
    for row in rows:
        if row["summarizer"] == "random":
            row["prediction"] = PAYLOAD + row["prediction"]
    (path / "predictions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def page_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="leaderboard-data">(.*?)</script>', html, re.S)
    assert match, "no data block"
    return json.loads(match.group(1))


def test_embedded_json_cannot_break_out_of_its_script_block():
    data = {"text": PAYLOAD, "line": "a\u2028b"}
    text = embed_json(data)
    assert not set(text) & set("<>&\u2028")
    assert json.loads(text) == data


def test_page_is_one_self_contained_file_with_untrusted_text_only_in_the_data(run, tmp_path):
    html_path = tmp_path / "board.html"
    assert main(["leaderboard", str(run), "-o", str(html_path), "-q"]) == 0
    assert html_path.with_suffix(".json").is_file() and html_path.with_suffix(".md").is_file()
    html = html_path.read_text(encoding="utf-8")
    assert html.count("<script") == 2 and html.count("</script>") == 2
    assert "<img" not in html and "onerror=alert" not in html.split('id="leaderboard-data">')[0]
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', html), "the page must not load anything from a network"
    assert "<link" not in html
    data = page_data(html)
    browser = data["browser"]["board-1"]
    outputs = browser["outputs"]["headline"]
    random_key = next(k for k in outputs if k.endswith("/random"))
    assert all(value[0].startswith(PAYLOAD) for value in outputs[random_key].values())
    # Every article the page names has its texts; best and worst articles are always included.
    for target, ends in browser["extremes"].items():
        for key, pair in ends.items():
            for article_id in (pair["best"], pair["worst"]):
                assert article_id in browser["articles"] and article_id in browser["outputs"][target][key]
    article = browser["articles"][browser["order"][0]]
    assert set(article) == {"headline", "standfirst", "body"} and len(article["body"]) <= 705
    assert browser["notes"] == []
    assert browser["reference_words"]["headline"] < browser["reference_words"]["standfirst"]


def test_page_script_never_parses_strings_as_html():
    script = resources.files("bench").joinpath("leaderboard/page.js").read_text("utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script.replace("no innerHTML here", "")


def test_article_sample_is_capped_and_deterministic(run, tmp_path):
    for name in ("a", "b"):
        assert main(["leaderboard", str(run), "-o", str(tmp_path / f"{name}.json"), "-q", "--max-articles", "10"]) == 0
    first, second = (page_data((tmp_path / f"{n}.html").read_text())["browser"]["board-1"] for n in ("a", "b"))
    assert first["sample"] == second["sample"] and len(first["sample"]) == 10
    # At most the sample plus a best and a worst per system and target.
    assert len(first["order"]) <= 10 + 2 * 3 * 2
    assert first["n_total"] == 150


def test_page_falls_back_to_outputs_when_article_texts_are_gone(run, tmp_path):
    moved = tmp_path / run.name
    shutil.copytree(run, moved)
    results = json.loads((moved / "results.json").read_text())
    results["config"]["dataset"]["source"] = str(tmp_path / "gone.jsonl")
    (moved / "results.json").write_text(json.dumps(results))
    assert main(["leaderboard", str(moved), "-o", str(tmp_path / "lb.html"), "-q"]) == 0
    browser = page_data((tmp_path / "lb.html").read_text())["browser"]["board-1"]
    assert browser["articles"] == {}
    assert browser["notes"][0].startswith("Article texts are not shown: the dataset could not be read")
    assert all(len(found) > 0 for found in browser["outputs"]["standfirst"].values())


def test_output_paths_and_rerendering_from_the_json_alone(run, tmp_path, capsys):
    json_path = tmp_path / "lb.json"
    assert main(["leaderboard", str(run), "-o", str(json_path), "--html", "none", "--markdown", str(tmp_path / "t.md"),
                 "-q"]) == 0
    assert (tmp_path / "t.md").is_file() and not (tmp_path / "lb.html").exists()
    assert main(["leaderboard", "-o", str(json_path), "-q"]) == 0  # no runs: re-render from the file
    assert (tmp_path / "lb.html").is_file()
    assert main(["leaderboard", str(run), "-o", str(tmp_path / "lb.txt")]) == 2
    assert "name a .json, .md or .html file" in capsys.readouterr().err
    assert main(["leaderboard", str(tmp_path / "no-such-run"), "-o", str(tmp_path / "x.json")]) == 2
    assert "not a run directory" in capsys.readouterr().err
