"""The leaderboard page's article browser shows every reference of an article
that has several (checked in the data it embeds and, with Chromium, on screen)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from run_helpers import news_articles, write_config, write_jsonl

from bench.cli import main
from bench.leaderboard.articles import browser_data

SUMMARIZERS = [{"name": "lead-1", "type": "lead", "sentences": 1}, {"name": "oracle", "type": "oracle"}]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A run where each standfirst has two references (the standfirst and the
    headline) and each headline one, and its leaderboard page."""
    out = tmp_path_factory.mktemp("multiref-page")
    rows = [{"id": r["id"], "headline": r["headline"], "standfirst": [r["standfirst"], r["headline"]],
             "body": r["body"]} for r in news_articles(15)]
    config = write_config(out / "c.yaml", write_jsonl(out / "a.jsonl", rows), SUMMARIZERS, name="multi")
    assert main(["run", str(config), "-o", str(out / "runs"), "-q"]) == 0
    html = out / "leaderboard.html"
    assert main(["leaderboard", str(next((out / "runs").iterdir())), "-o", str(html), "-q"]) == 0
    return {"html": html, "rows": {r["id"]: r for r in rows}, "json": json.loads(html.with_suffix(".json").read_text())}


def test_the_browser_data_holds_every_reference(page: dict[str, Any]) -> None:
    (block,) = browser_data(page["json"]).values()
    for article_id, shown in block["articles"].items():
        row = page["rows"][article_id]
        assert shown["references"] == {"standfirst": row["standfirst"]}  # only the target that has several
        assert shown["standfirst"] == row["standfirst"][0] and shown["headline"] == row["headline"]
    lengths = [sum(len(r.split()) for r in row["standfirst"]) / 2 for row in page["rows"].values()]
    assert block["reference_words"]["standfirst"] == pytest.approx(sum(lengths) / len(lengths))


def test_the_page_shows_one_row_per_reference(page: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> None:
    import shutil

    from test_browser import Browser  # skips without websocket-client; Chromium is needed too

    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    browser = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        browser.open(page["html"].as_uri())
        assert browser.js("document.documentElement.dataset.rendered") == "true" and browser.errors() == []
        article_id = browser.js("document.querySelector('select.article-select').value")
        browser.click("section.browser button[data-target=standfirst]")
        rows = browser.js("[...document.querySelectorAll('table.outputs tr.reference')]"
                          ".map(tr => [tr.cells[0].textContent, tr.cells[1].textContent])")
        assert rows == [["reference 1", page["rows"][article_id]["standfirst"][0]],
                        ["reference 2", page["rows"][article_id]["standfirst"][1]]]
        browser.click("section.browser button[data-target=headline]")
        rows = browser.js("[...document.querySelectorAll('table.outputs tr.reference')]"
                          ".map(tr => [tr.cells[0].textContent, tr.cells[1].textContent])")
        assert rows == [["reference", page["rows"][article_id]["headline"]]]
        assert browser.errors() == []
    finally:
        browser.close()
