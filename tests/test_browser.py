"""The leaderboard page in a real browser: headless Chromium driven over the DevTools protocol.

Checks that the page renders without console errors, that a click on a header
sorts the table, that the charts are drawn (DOM, plus a screenshot saved under
test-artifacts/), and that an XSS payload in a prediction shows as text and
never runs.
"""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from bench.cli import main
from test_leaderboard import make_run

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PAYLOAD = ("</script><script>document.title='pwned';window.__xss=1</script>"
           "<img src=x onerror=\"window.__xss=2;document.title='pwned'\"> & <b>bold</b>")

websocket = pytest.importorskip("websocket", reason="websocket-client is not installed (pip install -e '.[test]')")
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(),
    reason="Chromium not found at /usr/bin/chromium; install it with 'apt-get install -y chromium' (.ci/run does)",
)


class Browser:
    """Just enough of the DevTools protocol: commands, events, evaluate, real mouse clicks."""

    def __init__(self, profile: Path) -> None:
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", "--remote-allow-origins=*", "--remote-debugging-port=0",
             f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            pages = [t for t in json.load(response) if t["type"] == "page"]
        self.socket = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self.ids)
        self.socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def open(self, url: str) -> None:
        """Load ``url`` afresh (via about:blank, so a change of #hash alone is a real page load too)."""
        self._load("about:blank")
        self._load(url)

    def _load(self, url: str) -> None:
        self.events.clear()
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + 30
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            assert time.monotonic() < deadline, "the page did not finish loading"
            self.events.append(json.loads(self.socket.recv()))

    def js(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click (Input events), as a person would make it."""
        box = self.js(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center'}});"
                      " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)

    def errors(self) -> list[str]:
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:300])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(json.dumps(params.get("args"))[:300])
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(params["entry"].get("text", ""))
        return found

    def screenshot(self, path: Path, height: int) -> None:
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        if getattr(self, "socket", None) is not None:
            self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def page(news_jsonl: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A leaderboard page from real runs, with an XSS payload planted in one prediction."""
    out = tmp_path_factory.mktemp("browser")
    run = make_run(news_jsonl, out, "xss", [
        {"name": "lead-1", "type": "lead", "sentences": 1},
        {"name": "lead-2", "type": "lead", "sentences": 2},
        {"name": "lead-words", "type": "lead-words", "max_words": {"headline": 8, "standfirst": 25}},
        {"name": "random", "type": "random", "sentences": 1},
        {"name": "oracle", "type": "oracle"},
    ])
    rows = [json.loads(line) for line in (run / "predictions.jsonl").read_text().splitlines()]
    victim = next(r for r in rows if r["summarizer"] == "lead-2" and r["target"] == "headline")
    victim["prediction"] = PAYLOAD
    (run / "predictions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    html = out / "leaderboard.html"
    assert main(["leaderboard", str(run), "-o", str(html), "-q", "--max-articles", "300"]) == 0
    return {"html": html, "data": json.loads(html.with_suffix(".json").read_text()), "victim": victim["id"]}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    chromium = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield chromium
    chromium.close()


def ranked_keys(browser: Browser, target: str) -> list[str]:
    return browser.js(f"[...document.querySelectorAll('table.scores[data-target={target}] tbody.ranked tr')]"
                      ".map(tr => tr.dataset.key)")


def test_page_renders_without_errors_and_draws_its_charts(browser, page):
    browser.open(page["html"].as_uri())
    assert browser.js("document.documentElement.dataset.rendered") == "true"
    assert browser.js("document.documentElement.dataset.errors || null") is None
    assert browser.errors() == []
    block = page["data"]["boards"][0]["targets"]["headline"]
    n_systems = len(block["entries"]) + len(block["oracles"])
    assert browser.js("document.querySelectorAll('svg.bar-chart').length") == 2
    assert browser.js("document.querySelectorAll('svg.bar-chart')[0].querySelectorAll('g.bar rect').length") == n_systems
    assert browser.js("document.querySelectorAll('svg.bar-chart')[0].querySelectorAll('line.whisker').length") == 3 * n_systems
    assert browser.js("document.querySelectorAll('svg.length-plot')[0].querySelectorAll('g.point circle').length") == n_systems
    assert browser.js("document.querySelector('tbody.oracles tr.oracle').dataset.key").endswith("/oracle")
    # The default order is the leaderboard's rank order.
    assert ranked_keys(browser, "headline") == [e["key"] for e in block["entries"]]
    height = browser.js("document.documentElement.scrollHeight")
    browser.screenshot(ARTIFACTS / "leaderboard.png", min(height, 2600))
    assert (ARTIFACTS / "leaderboard.png").stat().st_size > 20_000


def test_clicking_a_header_sorts_the_table(browser, page):
    browser.open(page["html"].as_uri())
    entries = page["data"]["boards"][0]["targets"]["headline"]["entries"]
    by_rouge1 = sorted(entries, key=lambda e: e["scores"]["rouge1"]["f"]["mean"])
    browser.click("table.scores[data-target=headline] th[data-col='rouge1.f'] button")
    assert ranked_keys(browser, "headline") == [e["key"] for e in reversed(by_rouge1)]
    browser.click("table.scores[data-target=headline] th[data-col='rouge1.f'] button")
    assert ranked_keys(browser, "headline") == [e["key"] for e in by_rouge1]
    assert browser.js("location.hash") == "#sort=rouge1.f&dir=asc"
    # Another measure: precision columns, sorted by precision.
    browser.click("table.scores[data-target=headline] button[data-measure=p]")
    by_precision = sorted(entries, key=lambda e: e["scores"]["rouge1"]["p"]["mean"])
    assert ranked_keys(browser, "headline") == [e["key"] for e in by_precision]
    assert browser.errors() == []


def test_the_url_hash_picks_the_sort(browser, page):
    browser.open(page["html"].as_uri() + "#sort=words&dir=asc")
    entries = page["data"]["boards"][0]["targets"]["standfirst"]["entries"]
    expected = [e["key"] for e in sorted(entries, key=lambda e: e["lengths"]["words_mean"])]
    assert ranked_keys(browser, "standfirst") == expected


def test_an_xss_payload_in_a_prediction_renders_as_text_and_never_runs(browser, page):
    browser.open(page["html"].as_uri())
    browser.js(f"(() => {{ const s = document.querySelector('select.article-select'); s.value = {json.dumps(page['victim'])};"
               " s.dispatchEvent(new Event('change')); })()")
    shown = browser.js("document.querySelector('table.outputs tr[data-key$=\"/lead-2\"] td.output').textContent")
    assert shown == PAYLOAD
    assert browser.js("window.__xss === undefined") is True
    assert browser.js("document.title") == "headline-bench leaderboard"
    assert browser.js("document.querySelectorAll('img').length") == 0
    assert browser.js("document.querySelectorAll('script').length") == 2
    assert browser.errors() == []
    browser.click("table.outputs tr[data-key$='/lead-1'] button[data-jump=worst]")
    worst = page["data"]["boards"][0]["targets"]["headline"]["entries"]
    lead1 = next(e for e in worst if e["summarizer"] == "lead-1")
    ids = page["data"]["boards"][0]["targets"]["headline"]["article_ids"]
    assert browser.js("document.querySelector('select.article-select').value") in {
        i for i, s in zip(ids, lead1["per_article"]) if s == min(lead1["per_article"])}
    browser.js("document.querySelector('section.browser').scrollIntoView()")
    browser.screenshot(ARTIFACTS / "leaderboard-articles.png", browser.js("document.documentElement.scrollHeight"))
