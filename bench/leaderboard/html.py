"""The leaderboard as one self-contained HTML page (no network needed to open it).

The page is a template plus inline CSS and JS shipped in this package; the
data rides along as JSON in a ``<script type="application/json">`` block. The
page script builds everything with DOM APIs and ``textContent`` (never
``innerHTML``), so predictions and article texts always render as text.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any

ASSETS = "leaderboard"


def _asset(name: str) -> str:
    return resources.files("bench").joinpath(f"{ASSETS}/{name}").read_text("utf-8")


def embed_json(data: Any) -> str:
    """JSON safe inside a <script> element: no ``</script>``, ``<!--`` or entity can appear in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def page_data(leaderboard: dict[str, Any], browser: dict[str, Any]) -> dict[str, Any]:
    """What the page needs: the leaderboard without per-article score arrays, plus the article browser."""
    boards = []
    for board in leaderboard["boards"]:
        targets = {}
        for target, block in board["targets"].items():
            strip = lambda e: {k: v for k, v in e.items() if k != "per_article"}  # noqa: E731
            targets[target] = {**{k: v for k, v in block.items() if k != "article_ids"},
                               "n_articles": len(block["article_ids"]),
                               "entries": [strip(e) for e in block["entries"]],
                               "oracles": [strip(e) for e in block["oracles"]]}
        boards.append({**board, "targets": targets})
    return {**{k: v for k, v in leaderboard.items() if k != "boards"}, "boards": boards, "browser": browser}


def to_html(leaderboard: dict[str, Any], browser: dict[str, Any], title: str = "headline-bench leaderboard") -> str:
    template = _asset("page.html")
    # The data goes in last, so nothing in it can be mistaken for a placeholder.
    filled = (template.replace("{{TITLE}}", html.escape(title))
              .replace("/*{{STYLE}}*/", _asset("page.css"))
              .replace("/*{{SCRIPT}}*/", _asset("page.js")))
    before, marker, after = filled.partition("{{DATA}}")
    if not marker:
        raise RuntimeError("page.html has no {{DATA}} placeholder")
    return before + embed_json(page_data(leaderboard, browser)) + after
