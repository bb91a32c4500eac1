"""Helpers shared by the run-robustness tests (cache, resume, determinism,
faults, bad inputs): small made-up datasets, configs, and `bench` processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

TESTS = Path(__file__).resolve().parent
# results.json keys that record when, where and how fast, not what.
VOLATILE = ("created", "timings", "environment", "cache")


def bbc_articles(shared_data: Path, n: int, start: int = 0) -> list[dict[str, Any]]:
    """Real BBC articles, for the tests that need real text (``shared_data`` fixture)."""
    rows = []
    with (shared_data / "bbc_2004_2005.jsonl").open(encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if i >= start + n:
                break
            if i >= start:
                rows.append(json.loads(line))
    return rows


def news_articles(n: int, start: int = 0) -> list[dict[str, Any]]:
    """Made-up news articles (tests/news_fixture.py): no ../shared/data needed."""
    from news_fixture import articles

    return articles(n, start)


def write_seeds(folder: Path, articles: list[dict[str, Any]]) -> Path:
    """A seeds folder (fast to read: no `datasets` import) holding real articles."""
    folder.mkdir(parents=True, exist_ok=True)
    for article in articles:
        text = f"{article['headline']}\n{article['standfirst']}\n{article['body']}\n"
        (folder / f"{article['id']}.txt").write_text(text, encoding="utf-8")
    return folder


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def write_config(path: Path, source: Path | str, summarizers: list[dict[str, Any]], **extra: Any) -> Path:
    config = {
        "name": extra.pop("name", "t"),
        "seed": extra.pop("seed", 1234),
        "dataset": {"source": str(source), **extra.pop("dataset", {})},
        "targets": extra.pop("targets", ["headline", "standfirst"]),
        "summarizers": summarizers,
        "scoring": extra.pop("scoring", {"bootstrap": 200}),
        **extra,
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def plugin_env(**extra: str) -> dict[str, str]:
    """The environment for a `bench` process that can use the test summarizers."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), env.get("PYTHONPATH")]))
    env["BENCH_PLUGINS"] = "bench_test_plugins"
    env.update(extra)
    return env


def bench(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bench", *args], capture_output=True, text=True,
                          env=env or plugin_env(), timeout=timeout)


def start_bench(*args: str, env: dict[str, str] | None = None, sigint: Any = None) -> subprocess.Popen:
    """A `bench` process; ``sigint`` (signal.SIG_DFL or SIG_IGN), when given, is
    the SIGINT disposition it starts with instead of this process's."""
    setup = None if sigint is None else (lambda: signal.signal(signal.SIGINT, sigint))
    return subprocess.Popen([sys.executable, "-m", "bench", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env or plugin_env(), preexec_fn=setup)


def run_dirs(output: Path) -> list[Path]:
    return sorted(p for p in output.iterdir() if p.is_dir()) if output.is_dir() else []


def stable_results(run_dir: Path) -> dict[str, Any]:
    """results.json without the keys that legitimately differ between two runs."""
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    return {k: v for k, v in results.items() if k not in VOLATILE}


def count_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.is_file() else 0
