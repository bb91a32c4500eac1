"""A plug-in metric on the leaderboard page, in headless Chromium: its columns,
its rank, a comparative metric's table and per-article details, all from the
metrics' own descriptions, with untrusted detail text shown as text."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench.cli import main
from run_helpers import news_articles, run_dirs, write_config, write_jsonl
from test_browser import ARTIFACTS, PAYLOAD, browser, pytestmark  # noqa: F401 (the browser fixture; skips without Chromium)
from test_browser import ranked_keys


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("metric-page")
    source = write_jsonl(out / "bbc.jsonl", news_articles(60, start=500))
    config = write_config(out / "c.yaml", source, [
        {"name": "lead-1", "type": "lead", "sentences": 1},
        {"name": "lead-words", "type": "lead-words", "max_words": {"headline": 6, "standfirst": 20}},
        {"name": "random", "type": "random", "sentences": 1},
        {"name": "oracle", "type": "oracle"},
    ], name="plugin", scoring={"bootstrap": 200, "metrics": {"test-overlap": {}, "test-pairs": {}},
                               "primary": "overlap"})
    mp = pytest.MonkeyPatch()
    mp.setenv("BENCH_PLUGINS", "bench_test_metric")
    try:
        assert main(["run", str(config), "-o", str(out / "runs"), "-q", "--no-cache"]) == 0
    finally:
        mp.undo()
    run = run_dirs(out / "runs")[0]
    rows = [json.loads(line) for line in (run / "scores.jsonl").read_text(encoding="utf-8").splitlines()]
    victim = next(r for r in rows if r["summarizer"] == "random" and r["target"] == "headline" and "details" in r)
    victim["details"]["test-overlap"]["missing"].append(PAYLOAD)
    (run / "scores.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    html = out / "leaderboard.html"
    assert main(["leaderboard", str(run), "-o", str(html), "-q", "--max-articles", "300"]) == 0
    return {"html": html, "data": json.loads(html.with_suffix(".json").read_text()), "victim": victim["id"]}


def test_a_plugin_metric_ranks_the_page_with_its_own_labels(browser, page):
    browser.open(page["html"].as_uri())
    assert browser.js("document.documentElement.dataset.rendered") == "true" and browser.errors() == []
    block = page["data"]["boards"][0]["targets"]["headline"]
    assert ranked_keys(browser, "headline") == [e["key"] for e in block["entries"]]
    header = "table.scores[data-target=headline] th[data-col='overlap.r']"
    assert browser.js(f"document.querySelector(\"{header}\").className").endswith("primary")
    assert browser.js(f"document.querySelector(\"{header} button\").textContent").startswith("Overlap")
    cell = browser.js("document.querySelector('table.scores[data-target=headline] tbody.ranked tr td.primary').textContent")
    top = block["entries"][0]["scores"]["overlap"]["r"]
    assert cell.startswith(f"{100 * top['mean']:.2f} [")  # a 0..1 score, shown x100 with its interval
    # A lower-is-better count, shown as it is, sorts ascending on a click.
    browser.click("table.scores[data-target=headline] th[data-col='missed.n'] button")
    browser.click("table.scores[data-target=headline] th[data-col='missed.n'] button")
    by_missed = sorted(block["entries"], key=lambda e: e["scores"]["missed"]["n"]["mean"])
    assert ranked_keys(browser, "headline") == [e["key"] for e in by_missed]
    assert browser.js("document.querySelector('svg.bar-chart').getAttribute('aria-label')") == "bar chart of overlap.r"
    # The comparative metric's per-system numbers, as a table.
    rows = browser.js("[...document.querySelectorAll('div.comparison[data-metric=\"test-pairs\"]')[0]"
                      ".querySelectorAll('tbody tr')].map(tr => tr.firstChild.textContent)")
    assert sorted(rows) == ["lead-1", "lead-words", "oracle", "random"]
    browser.screenshot(ARTIFACTS / "leaderboard-plugin-metric.png", min(browser.js("document.documentElement.scrollHeight"), 2600))


def test_per_article_details_show_as_text_and_never_run(browser, page):
    browser.open(page["html"].as_uri())
    browser.js(f"(() => {{ const s = document.querySelector('select.article-select'); s.value = {json.dumps(page['victim'])};"
               " s.dispatchEvent(new Event('change')); })()")
    shown = browser.js("document.querySelector('table.outputs tr.details[data-key$=\"/random\"] pre').textContent")
    assert shown.startswith("test-overlap: ") and PAYLOAD in json.loads(shown.split(": ", 1)[1])["missing"]
    assert browser.js("window.__xss === undefined") is True and browser.js("document.querySelectorAll('img').length") == 0
    assert browser.errors() == []
