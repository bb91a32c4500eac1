"""What a newcomer trips over (issue 16 part 8): ranks on too few articles said
plainly, --oracle by name, stem or path, intervals only where computed, and a
publishable leaderboard; the page's fixes are checked in a real browser
(skipped without Chromium), with screenshots under test-artifacts/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_browser import ARTIFACTS, CHROMIUM, Browser

from bench.cli import main
from bench.outputs import write_all

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason=f"Chromium not found at {CHROMIUM}")

# --- too few articles to rank ------------------------------------------------------------------


def _run(data: Path, out: Path, name: str, limit: int, summarizers: list[dict[str, Any]], **scoring: Any) -> Path:
    config = {"name": name, "seed": 1234, "dataset": {"source": str(data), "limit": limit},
              "summarizers": summarizers, "scoring": {"bootstrap": 100, **scoring}}
    path = out / f"{name}.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert main(["run", str(path), "-o", str(out / "runs"), "-q", "--no-cache"]) == 0
    return sorted((out / "runs").glob(f"{name}-*"))[-1]


def test_below_ten_paired_articles_every_place_says_why_all_share_rank_one(news_jsonl, tmp_path, capsys) -> None:
    config = {"name": "few", "dataset": {"source": str(news_jsonl), "limit": 6},
              "summarizers": [{"name": "lead-1", "type": "lead"}, {"name": "random", "type": "random"}],
              "scoring": {"bootstrap": 50}}
    (tmp_path / "few.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    capsys.readouterr()
    assert main(["run", str(tmp_path / "few.yaml"), "-o", str(tmp_path / "runs"), "-q", "--no-cache"]) == 0
    terminal = " ".join(capsys.readouterr().out.split())
    assert "only 6 articles: a significance test needs at least 10, so these systems cannot be told apart" in terminal
    run = sorted((tmp_path / "runs").iterdir())[0]
    assert main(["leaderboard", str(run), "-o", str(tmp_path / "lb.json")]) == 0
    printed = capsys.readouterr().out
    board = json.loads((tmp_path / "lb.json").read_text())["boards"][0]["targets"]["headline"]
    note = board["significance"]["note"]
    assert note.startswith("Only 6 paired articles: a significance test needs at least 10, so no system is ranked")
    assert [e["rank"] for e in board["entries"]] == [1, 1]
    markdown = (tmp_path / "lb.md").read_text()
    assert f"> **Note:** {note}" in markdown and f"> **Note:** {note}" in printed  # the terminal shows the Markdown
    assert note in (tmp_path / "lb.html").read_text()  # the page's data; the browser test sees it drawn


def test_enough_articles_carry_no_such_note(news_jsonl, tmp_path) -> None:
    run = _run(news_jsonl, tmp_path, "enough", 12, [{"name": "lead-1", "type": "lead"}, {"name": "random", "type": "random"}])
    assert main(["leaderboard", str(run), "-o", str(tmp_path / "lb.json"), "-q"]) == 0
    board = json.loads((tmp_path / "lb.json").read_text())["boards"][0]["targets"]["headline"]
    assert "note" not in board["significance"] and "Note:" not in (tmp_path / "lb.md").read_text()


def test_no_interval_is_shown_where_none_was_computed(news_jsonl, tmp_path, capsys) -> None:
    capsys.readouterr()
    run = _run(news_jsonl, tmp_path, "nobs", 12, [{"name": "lead-1", "type": "lead"}, {"name": "random", "type": "random"}],
               bootstrap=0)
    out = capsys.readouterr().out
    assert "no CI: scoring.bootstrap is 0" in out and "95% CI" not in out
    assert " (" not in out.split("lead-1", 1)[1].splitlines()[0]  # a mean, no bracketed interval
    assert main(["leaderboard", str(run), "-o", str(tmp_path / "lb.json"), "-q"]) == 0
    rows = [line for line in (tmp_path / "lb.md").read_text().splitlines() if "lead-1" in line]
    assert rows and all("| - |" in line for line in rows)


@needs_chromium
def test_the_page_draws_no_interval_for_a_run_without_bootstrap(news_jsonl, tmp_path, browser) -> None:
    run = _run(news_jsonl, tmp_path, "nobs", 12, [{"name": "lead-1", "type": "lead"}, {"name": "random", "type": "random"}],
               bootstrap=0)
    assert main(["leaderboard", str(run), "-o", str(tmp_path / "lb.json"), "-q"]) == 0
    browser.open((tmp_path / "lb.html").as_uri())
    assert browser.errors() == []
    assert browser.js("document.querySelectorAll('svg.bar-chart line.whisker').length") == 0
    assert browser.js("document.querySelectorAll('table.scores td.primary .ci').length") == 0


# --- bench score --oracle -------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["name", "stem", "file name", "path", "absolute path"])
def test_an_oracle_is_named_by_its_system_name_file_stem_or_path(tmp_path, monkeypatch, given) -> None:
    monkeypatch.chdir(tmp_path)
    Path("outputs").mkdir()
    Path("gold.txt").write_text("Storm closes the coast road\nCouncil backs new library\n", encoding="utf-8")
    Path("outputs/lead.txt").write_text("Storm hits the town\nLibrary plans approved\n", encoding="utf-8")
    Path("outputs/ext-oracle-test-output.txt").write_text("Storm closes coast road\nCouncil backs library\n",
                                                          encoding="utf-8")
    value = {"name": "ext", "stem": "ext-oracle-test-output", "file name": "ext-oracle-test-output.txt",
             "path": "outputs/ext-oracle-test-output.txt",
             "absolute path": str(tmp_path / "outputs" / "ext-oracle-test-output.txt")}[given]
    names = ["--name", "lead", "ext"] if given == "name" else []
    assert main(["score", "-r", "gold.txt", "-p", "outputs/lead.txt", "outputs/ext-oracle-test-output.txt", *names,
                 "--oracle", value, "-o", "runs", "-q"]) == 0
    results = json.loads(next(Path("runs").glob("score-*/results.json")).read_text())
    systems = results["targets"]["reference"]["systems"]
    oracle = "ext" if given == "name" else "ext-oracle-test-output"
    assert systems[oracle]["oracle"] is True and systems["lead"]["oracle"] is False


# --- the publishable leaderboard --------------------------------------------------------------


@pytest.fixture(scope="module")
def boards(news_jsonl: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Three boards: a wide one (6 ROUGE types, long names, two systems on one point), one on
    6 articles, and a bench score one; built locally and for publishing."""
    out = tmp_path_factory.mktemp("boards")
    wide = _run(news_jsonl, out, "wide", 40, [
        {"name": "lead-1", "type": "lead", "sentences": 1},
        {"name": "lead-1-copy-with-a-rather-long-name", "type": "lead", "sentences": 1},
        {"name": "textrank-two-sentences-extractive-baseline", "type": "textrank", "sentences": 2},
        {"name": "random", "type": "random"},
        {"name": "oracle", "type": "oracle"},
    ], rouge=["rouge1", "rouge2", "rouge3", "rouge4", "rougeL", "rougeLsum"])
    few = _run(news_jsonl, out, "few", 6, [{"name": "lead-1", "type": "lead"}, {"name": "random", "type": "random"}])
    rows = [json.loads(line) for line in news_jsonl.read_text().splitlines()[:12]]
    (out / "gold.txt").write_text("".join(r["headline"] + "\n" for r in rows))
    (out / "lead.txt").write_text("".join(r["body"].split(". ")[0] + "\n" for r in rows))
    assert main(["score", "-r", str(out / "gold.txt"), "-p", str(out / "lead.txt"), "-o", str(out / "runs"), "-q"]) == 0
    score = next((out / "runs").glob("score-*"))
    runs = [str(wide), str(few), str(score)]
    assert main(["leaderboard", *runs, "-o", str(out / "local" / "lb.json"), "-q"]) == 0
    assert main(["leaderboard", *runs, "-o", str(out / "lb.json"), "-q", "--publish"]) == 0
    return {"out": out, "local": out / "local" / "lb.html", "public": out / "lb.html", "news": news_jsonl}


def test_a_publishable_leaderboard_holds_no_absolute_path_and_no_article_body(boards) -> None:
    out = boards["out"]
    data = json.loads((out / "lb.json").read_text())
    assert data["mode"] == "publishable"
    assert [r["path"] for r in data["runs"]] == [f"runs/{Path(r['path']).name}" for r in data["runs"]]
    assert {b["dataset"]["source"] for b in data["boards"]} == {"news.jsonl", "gold.txt"}
    for name in ("lb.json", "lb.md", "lb.html"):
        text = (out / name).read_text()
        assert str(out) not in text and str(boards["news"].parent) not in text, name
    articles = [a for block in _page_data(out / "lb.html")["browser"].values() for a in block["articles"].values()]
    assert articles and not any("body" in a for a in articles)  # headlines and standfirsts only
    local = (out / "local" / "lb.html").read_text()
    assert json.loads((out / "local" / "lb.json").read_text())["mode"] == "local" and str(out) in local
    local_articles = [a for block in _page_data(out / "local" / "lb.html")["browser"].values()
                      for a in block["articles"].values()]
    assert any(len(a.get("body", "")) > 100 for a in local_articles)


def _page_data(html: Path) -> dict[str, Any]:
    """The JSON a page carries (see bench.leaderboard.html.embed_json)."""
    text = html.read_text(encoding="utf-8")
    start = text.index('type="application/json"')
    body = text[text.index(">", start) + 1:text.index("</script>", start)]
    return json.loads(body)


def test_a_publishable_leaderboard_keeps_every_number(boards) -> None:
    local = json.loads((boards["out"] / "local" / "lb.json").read_text())
    public = json.loads((boards["out"] / "lb.json").read_text())
    for a, b in zip(local["boards"], public["boards"]):
        for target in a["targets"]:
            strip = lambda e: {k: v for k, v in e.items() if k != "config"}  # noqa: E731
            assert [strip(e) for e in a["targets"][target]["entries"]] == [strip(e) for e in b["targets"][target]["entries"]]


def test_a_publishable_leaderboard_merges_and_re_renders_from_its_own_folder(boards, tmp_path, monkeypatch) -> None:
    """Relative run paths are relative to the leaderboard's folder, wherever the command runs from."""
    monkeypatch.chdir(tmp_path)
    assert main(["leaderboard", "-o", str(boards["out"] / "lb.json"), "-q", "--publish", "--body-chars", "40"]) == 0
    page = (boards["out"] / "lb.html").read_text()
    assert "Outputs of" not in page  # every run folder was found
    assert main(["leaderboard", "-o", str(boards["out"] / "lb.json"), "-q", "--publish"]) == 0


def test_output_files_are_replaced_all_or_none(tmp_path) -> None:
    """A failure while the second file is written (here: its folder is a file) leaves the first as it was."""
    first, blocked = tmp_path / "a.json", tmp_path / "not-a-folder"
    first.write_text("old a")
    blocked.write_text("a file")
    with pytest.raises(OSError):
        write_all({first: "new a", blocked / "b.html": "new b"})
    assert first.read_text() == "old a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "not-a-folder"]  # no temp file left


# --- the page in a browser -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    chromium = Browser(tmp_path_factory.mktemp("chromium-newcomer"))
    yield chromium
    chromium.close()


BOXES = """(selector) => [...document.querySelectorAll(selector)].map(n => {
  const r = n.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, n.textContent]; })"""


@needs_chromium
def test_bar_chart_labels_are_whole_inside_the_chart(browser, boards) -> None:
    browser.open(boards["local"].as_uri())
    assert browser.errors() == []
    charts = browser.js("[...document.querySelectorAll('svg.bar-chart')].map(s => { const c = s.getBoundingClientRect();"
                        " return [c.left, [...s.querySelectorAll('text.label')].map(t => { const r = t.getBoundingClientRect();"
                        " return [r.left, t.textContent]; })]; })")
    long_name = "textrank-two-sentences-extractive-baseline"
    for left, labels in charts:
        assert all(x >= left - 0.5 for x, _ in labels), labels  # nothing cut off at the left edge
        shown = [text for _, text in labels]
        for text in shown:  # every label is its name, or the start of it with "…"
            assert text.rstrip(" †").rstrip("…") in {"lead-1", "lead-1-copy-with-a-rather-long-name", long_name,
                                                     "random", "oracle", "lead"} or long_name.startswith(text.rstrip("…"))
    assert any(text == "lead-1-copy-with-a-rather-long-name" for _, labels in charts for _, text in labels)


@needs_chromium
def test_scatter_labels_never_overlap_and_systems_on_one_point_share_a_label(browser, boards) -> None:
    browser.open(boards["local"].as_uri())
    plots = browser.js("[...document.querySelectorAll('svg.length-plot')].map(s => [...s.querySelectorAll('text.label tspan')]"
                       ".map(t => { const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, t.textContent]; }))")
    assert plots
    for boxes in plots:
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                overlap = min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1
                assert not overlap, (a[4], b[4])
    shared = browser.js("[...document.querySelectorAll('svg.length-plot')[0].querySelectorAll('text.label')]"
                        ".map(t => t.dataset.keys)")
    assert any(len(keys.split()) == 2 and "lead-1-copy" in keys for keys in shared)  # the two identical systems


@needs_chromium
def test_a_wide_table_says_it_scrolls_and_keeps_rank_and_system_in_view(browser, boards) -> None:
    browser.open(boards["local"].as_uri())
    wide = browser.js("[...document.querySelectorAll('.target > .table-wrap')].map(w => [w.scrollWidth > w.clientWidth,"
                      " w.classList.contains('scrolls'), getComputedStyle(w.nextElementSibling).display])")
    assert any(scrolls for scrolls, _, _ in wide)
    assert all(marked == scrolls and (display != "none") == scrolls for scrolls, marked, display in wide)
    browser.js("document.querySelector('.table-wrap.scrolls').scrollLeft = 10000")
    left = browser.js("(() => { const w = document.querySelector('.table-wrap.scrolls');"
                      " const cell = w.querySelector('tbody.ranked tr td:nth-child(2)');"
                      " return cell.getBoundingClientRect().left - w.getBoundingClientRect().left; })()")
    assert 0 <= left < 80  # the system column stays at the left edge, however far the table scrolls
    browser.screenshot(ARTIFACTS / "leaderboard-wide.png", 1400)


@needs_chromium
def test_the_page_says_why_ranks_are_shared_and_which_mode_it_is(browser, boards) -> None:
    browser.open(boards["local"].as_uri())
    assert browser.js("document.querySelector('p.mode').dataset.mode") == "local"
    assert "bench leaderboard --publish" in browser.js("document.querySelector('p.mode').textContent")
    notes = browser.js("[...document.querySelectorAll('p.significance-note')].map(p => p.textContent)")
    assert notes and all(n.startswith("Only 6 paired articles") for n in notes)
    browser.open(boards["public"].as_uri())
    assert browser.errors() == []
    assert browser.js("document.querySelector('p.mode').dataset.mode") == "publishable"
    assert browser.js("document.querySelectorAll('.article .body').length") == 0
    browser.screenshot(ARTIFACTS / "leaderboard-publishable.png", 900)


@needs_chromium
def test_a_bench_score_board_shows_its_references_not_an_error(browser, boards) -> None:
    browser.open(boards["local"].as_uri())
    section = "document.querySelectorAll('section.board')[2]"
    notes = browser.js(f"[...{section}.querySelectorAll('section.browser p.note')].map(p => p.textContent)")
    assert notes == ["Only references are shown: the outputs were scored with 'bench score'."]
    assert browser.js(f"{section}.querySelector('table.outputs tr.reference td:nth-child(2)').textContent")
